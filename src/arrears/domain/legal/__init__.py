"""Legal action: cases and their proceedings (suit, judgment, garnishment, lien, levy) as state
machines, litigation economics and the legal policy."""
