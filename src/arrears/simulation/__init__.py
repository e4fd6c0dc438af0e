"""Synthetic loan portfolios in the import formats, for the demo, benchmarks and tests.

``generate_portfolio`` streams a seeded, realistic book chunk by chunk as Polars frames laid out
exactly as docs/data-formats.md; ``write_portfolio`` writes it as CSV or Parquet import files.
The simulation never touches the database: the files go through the real import path.
"""

from arrears.simulation.portfolio import PortfolioChunk, generate_portfolio, write_portfolio

__all__ = ["PortfolioChunk", "generate_portfolio", "write_portfolio"]
