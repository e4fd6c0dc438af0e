"""A seeded model of how borrowers in arrears respond to what a lender does.

Borrowers have an ability and a willingness to pay, are reachable by each channel with their
own odds, respond to reminders, calls, plans and discounts, keep or break promises, dispute and
complain; agencies, courts and auctions answer with their delays. Parameters are data
(``data/behaviour.toml``). Every random draw is keyed by (seed, stream, borrower, day), never
by what happened before, so strategies compared on the same seed meet the same luck.
"""
