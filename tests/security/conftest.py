"""Fixtures of the security tests: the small portfolio as files and the web world (the small
portfolio imported and decided, a user per role, the app)."""

from __future__ import annotations

from integration.conftest import portfolio_files, write_csv
from support.web import quick_password_hashing, world

__all__ = ["portfolio_files", "quick_password_hashing", "world", "write_csv"]
