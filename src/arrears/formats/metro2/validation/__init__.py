"""Validation: field checks, base-segment rules and trailer totals, all table-driven."""
