"""The report's outputs: self-contained HTML with inline SVG charts, JSON, Parquet frames."""
