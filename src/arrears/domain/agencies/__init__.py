"""Debt recovery agencies: fee schedules, placement and recall, remittances and their
reconciliation, scorecards and the champion/challenger split between agencies."""
