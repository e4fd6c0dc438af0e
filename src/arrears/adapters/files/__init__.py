"""Files in and out: the portfolio import formats (CSV, Parquet) and their validation."""
