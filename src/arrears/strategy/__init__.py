"""Strategies as data: the treatment catalogue, strategy files, their check, and experiments.

A strategy file says, per segment of accounts, which treatments are due and when; the catalogue
says what each treatment is (kind, channel, cost, capacity, what it needs). This layer is pure:
it parses text handed to it and reads only its own packaged data (DESIGN §1). The daily cycle
applies a strategy to a whole partition of accounts with ``arrears.batch.decisions``.
"""
