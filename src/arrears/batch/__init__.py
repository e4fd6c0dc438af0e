"""Polars/NumPy pipelines over a partition of the portfolio (the daily cycle's heavy steps).

Pure per partition: frames in, frames out — no database, files or clock — so the same functions
run on one machine or per partition on a distributed engine. The scalar functions in
``arrears.domain`` and ``arrears.ledger`` are the specification; these give identical results
for whole portfolios at once (property-tested). Frame shapes are in ``arrears.batch.frames``.

- ``schedules.level_schedules(loans)`` — level amortising schedules (``INSTALLMENTS``).
- ``items.due_items(installments, charges, policy=)`` — items in fill order (``ITEMS``).
- ``delinquency.delinquency(items, payments, loans, as_of=, policy=, buckets=)`` and
  ``delinquency.delinquency_at(..., dates=)`` — DPD, buckets, DOFD, cure (``DELINQUENCY``).
- ``posting.plan_postings(loans, items, payments, entries, lines, as_of=, notes=)`` — the
  journal entries to append (``ENTRIES``, ``LINES``); ``posting.check_balanced(lines)``.
"""
