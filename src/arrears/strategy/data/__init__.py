"""Packaged data: the treatment catalogue and the default strategy."""
