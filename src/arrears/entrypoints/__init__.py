"""How people and systems reach arrears: the CLI, the REST API and the web app."""
