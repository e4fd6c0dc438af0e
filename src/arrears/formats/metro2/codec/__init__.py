"""Vectorised spelling of Metro 2 fields: digits, packed decimal, dates, text, whole layouts."""
