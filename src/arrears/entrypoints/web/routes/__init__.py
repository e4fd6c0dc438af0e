"""The web app's pages, one router per area (sign-in, agent, supervisor, admin, portal)."""
