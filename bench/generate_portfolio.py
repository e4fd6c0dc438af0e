"""Generate the benchmark portfolio and report its size, wall time and peak memory.

python -m bench.generate_portfolio --loans 1000000 --out /tmp/arrears-bench [--format csv]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl

from arrears.simulation import write_portfolio


def _rows(path: Path) -> int:
    frame = pl.scan_csv(path) if path.suffix == ".csv" else pl.scan_parquet(path)
    return int(frame.select(pl.len()).collect().item())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 27))
    parser.add_argument("--chunk-loans", type=int, default=50_000)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    files = write_portfolio(
        args.out,
        loans=args.loans,
        seed=args.seed,
        as_of=args.as_of,
        fmt=args.format,
        chunk_loans=args.chunk_loans,
    )
    elapsed = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"loans={args.loans:,} seed={args.seed} as_of={args.as_of} format={args.format}")
    for kind, path in files.items():
        size_mib = path.stat().st_size / 2**20
        print(f"  {kind:<11} {_rows(path):>12,} rows  {size_mib:>9.1f} MiB  {path}")
    print(f"wall time {elapsed:.1f} s, peak RSS {peak_mib:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
