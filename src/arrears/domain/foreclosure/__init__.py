"""Foreclosure of real property: when a referral may be made and how each state forecloses."""
