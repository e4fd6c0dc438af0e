"""The collateral registry's rules: vehicle and property facts, value over time, LTV, equity."""
