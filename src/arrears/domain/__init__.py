"""The pure model and rules of loan recovery: no database, network, files, environment or clock."""
