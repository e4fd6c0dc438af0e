"""Simulation benchmark: how long strategy what-ifs take on this machine.

    python -m bench.simulate --accounts 3000 --days 180 --seeds 5 [--model FILE]

Times the training of the optimised strategy's model on an exploration run (unless ``--model``
is given), then every (seed, strategy) run of the default and the optimised strategies, and
prints the wall and CPU time of each step with the machine's load.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from importlib.resources import files
from pathlib import Path

from arrears.batch.scoring.model import model_from_json
from arrears.services.simulate import compare, train_on_simulation
from arrears.services.simulate_day import Policy
from arrears.strategy.check import default_strategy, load_strategy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=3_000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--model", type=Path)
    args = parser.parse_args()
    cores = os.cpu_count()
    print(f"machine: {platform.machine()} {cores} cores, Python {platform.python_version()}")
    text = files("arrears.strategy.data").joinpath("optimised.yaml").read_text()
    optimised = load_strategy(text, source="optimised.yaml")
    start, cpu = time.perf_counter(), time.process_time()
    if args.model:
        model = model_from_json(args.model.read_text())
    else:
        model, history = train_on_simulation(
            Policy("optimised", optimised), accounts=args.accounts, days=args.days, seed=1001
        )
        print(
            f"trained on {history.height:,} simulated decisions in "
            f"{time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU"
        )
    policies = [Policy("default", default_strategy()), Policy("optimised", optimised, model=model)]
    start, cpu = time.perf_counter(), time.process_time()
    compare(
        policies,
        accounts=args.accounts,
        days=args.days,
        seeds=range(1, args.seeds + 1),
        progress=lambda text: print(f"  {text} at {time.perf_counter() - start:.0f} s"),
    )
    runs = args.seeds * len(policies)
    print(
        f"{runs} runs of {args.accounts:,} accounts × {args.days} days in "
        f"{time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
