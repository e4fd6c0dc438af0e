"""Simulation benchmark: how long strategy what-ifs take on this machine.

    python -m bench.simulate --accounts 3000 --days 180 --seeds 5 [--model FILE]

Times the training of the optimised strategy's model on an exploration run (unless ``--model``
is given), then every (seed, strategy) run of the default and the optimised strategies, and
prints the wall and CPU time of each step with the machine's load, then the outcomes: net
recovery, collected, cost (the treatments' own, and the rest: agency commission, court and
repossession costs), complaints, compliance blocks and disputes per strategy (mean and 95%
interval over the seeds), what each treatment was done and cost per seed, and the optimised
strategy's uplift and cost difference over the default, paired by seed.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections import Counter
from importlib.resources import files
from pathlib import Path

from arrears.batch.scoring.model import model_from_json
from arrears.services.simulate import Comparison, Estimate, compare, train_on_simulation
from arrears.services.simulate_day import Policy
from arrears.strategy.catalogue import default_catalogue
from arrears.strategy.check import default_strategy, load_strategy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=3_000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=1, help="evaluate on seeds from here")
    parser.add_argument("--train-seed", type=int, default=1001)
    parser.add_argument("--model", type=Path, help="a trained model to use instead of training")
    parser.add_argument("--save-model", type=Path, help="where to keep the model trained here")
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
            Policy("optimised", optimised),
            accounts=args.accounts,
            days=args.days,
            seed=args.train_seed,
        )
        print(
            f"trained on {history.height:,} simulated decisions in "
            f"{time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU"
        )
        if args.save_model:
            args.save_model.write_text(model.to_json())
    policies = [Policy("default", default_strategy()), Policy("optimised", optimised, model=model)]
    start, cpu = time.perf_counter(), time.process_time()
    comparison = compare(
        policies,
        accounts=args.accounts,
        days=args.days,
        seeds=range(args.first_seed, args.first_seed + args.seeds),
        progress=lambda text: print(f"  {text} at {time.perf_counter() - start:.0f} s"),
    )
    runs = args.seeds * len(policies)
    print(
        f"{runs} runs of {args.accounts:,} accounts × {args.days} days in "
        f"{time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    outcomes(comparison, [p.label for p in policies])


def outcomes(comparison: Comparison, labels: list[str]) -> None:
    """Each strategy's means over the seeds [95% t-interval], then each against the first
    paired by seed (common random numbers): the figures issue 10's target is stated in."""

    def shown(estimate: Estimate, scale: float = 1.0, unit: str = "") -> str:
        low, mean, high = (scale * v for v in (estimate.low, estimate.mean, estimate.high))
        return f"{mean:,.1f}{unit} [{low:,.1f}{unit}, {high:,.1f}{unit}]"

    dollars = 1 / 100  # minor units shown as dollars
    for label in labels:
        print(f"{label}:")
        for name, pick, scale in (
            ("net recovery $", lambda r: r.net_minor, dollars),
            ("collected $", lambda r: r.collected_minor, dollars),
            ("cost $", lambda r: r.cost_minor, dollars),
            ("  treatments $", lambda r: r.treatment_cost_minor, dollars),
            ("  other costs $", lambda r: r.other_cost_minor, dollars),
            ("complaints", lambda r: r.complaints, 1.0),
            ("compliance blocks", lambda r: r.compliance_blocks, 1.0),
            ("disputes", lambda r: r.disputes, 1.0),
        ):
            print(f"  {name:<18} {shown(comparison.metric(label, pick), scale)}")
    treatments(comparison, labels)
    base = labels[0]
    for label in labels[1:]:
        net = comparison.relative(label, base, lambda r: r.net_minor)
        cost = comparison.paired(label, base, lambda r: r.cost_minor)
        print(
            f"{label} vs {base}, paired by seed: net recovery {shown(net, 100, '%')}, "
            f"cost difference ${shown(cost, dollars)}"
        )


def treatments(comparison: Comparison, labels: list[str]) -> None:
    """Per treatment, each strategy's mean count and cost per seed (the catalogue's cost per
    action): where a difference in cost comes from. Other costs follow from escalations."""
    cost = {t.id: t.cost_minor for t in default_catalogue().treatments}
    seeds = len(comparison.seeds)
    counts = {label: sum((r.actions for r in comparison.runs[label]), Counter[str]())
              for label in labels}  # fmt: skip

    def spent(label: str, name: str) -> float:
        return counts[label][name] * cost.get(name, 0) / seeds / 100

    names = sorted(set().union(*counts.values()), key=lambda t: -max(spent(x, t) for x in labels))
    print("per seed, count and cost $: " + " | ".join(labels))
    for name in names:
        cells = [f"{counts[x][name] / seeds:9,.0f} {spent(x, name):9,.0f}" for x in labels]
        print(f"  {name:<26} " + " | ".join(cells))


if __name__ == "__main__":
    main()
