"""Concrete implementations of the ports: database, files, channels, clock, crypto."""
