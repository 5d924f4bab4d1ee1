"""Print a SHA-256 of each preset's results (monthly table and final population).

Why: refactors that must not change the model (renaming, splitting rules into named steps,
typed state) are checked by comparing these fingerprints before and after, bit for bit.
Usage: ``python scripts/results_fingerprint.py [--people-per-agent N] [--end YYYY-MM]``.
"""

from __future__ import annotations

import argparse
import hashlib

import numpy as np

from scenarios.extends import preset_names
from scenarios.scenario import load_scenario
from simulation.model import MigrationModel

POPULATION_COLUMNS = ("status", "legal", "corridor", "savings", "debt", "age_months", "origin")


def fingerprint(name: str, people_per_agent: int, end: str, seed: int | None) -> str:
    """SHA-256 of the run's monthly table (as CSV) and its final population columns."""
    scenario = load_scenario(name).with_values(people_per_agent=people_per_agent, end=end)
    if seed is not None:
        scenario = scenario.with_values(seed=seed)
    model = MigrationModel(scenario)
    model.run()
    digest = hashlib.sha256(model.metrics.to_frame().to_csv(index=False).encode())
    for column in POPULATION_COLUMNS:
        digest.update(np.ascontiguousarray(getattr(model.population, column)).tobytes())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people-per-agent", type=int, default=2000)
    parser.add_argument("--end", default="2016-12")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("presets", nargs="*", help="preset names (default: all)")
    args = parser.parse_args()
    for name in args.presets or preset_names():
        print(f"{name:28s} {fingerprint(name, args.people_per_agent, args.end, args.seed)}")


if __name__ == "__main__":
    main()
