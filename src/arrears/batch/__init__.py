"""Polars/NumPy pipelines over a partition of the portfolio (the daily cycle's heavy steps).

Pure per partition: frames in, frames out — no database, files or clock — so the same functions
run on one machine or per partition on a distributed engine. The scalar functions in
``arrears.domain`` and ``arrears.ledger`` are the specification; these give identical results
for whole portfolios at once. Frame shapes are in ``arrears.batch.frames``.
"""
