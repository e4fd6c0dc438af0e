"""Incentivised settlement offers: pricing against the alternatives, approval authority, the
offer lifecycle and what a settlement leaves for the ledger, tax and credit reporting."""
