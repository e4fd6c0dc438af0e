"""arrears: an open-source loan recovery platform."""

__version__ = "0.1.0"
