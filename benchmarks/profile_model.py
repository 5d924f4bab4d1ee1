"""Where a month of the model spends its time: the top functions by own time (cProfile).

Issue 16 asks for the profile's top ten before and after the speed work, in the README's
"How it runs fast" section; this prints that table. The baseline (or ``--scenario``) runs for
240 months (2010-01 to 2029-12) at about ``--agents`` worker agents under ``cProfile``
(the standard library's deterministic profiler, so the script needs nothing installed; it
adds overhead to every Python call, so shares matter more than seconds), after a small run
that loads the model's compiled loops (numba), so their loading is not in the profile; their
time shows under the Python function that calls them. A sampling profiler
agrees on the ranking: py-spy (``py-spy record -f raw -r 200``) on the same run, counting
each sample at its innermost frame in the project's code, puts the same functions on top
(``nested_logit_probabilities`` 6.9% of the whole process, ``earn_and_spend`` 5.2%,
``_origin_probabilities`` 4.5%, ``exploitation`` 4.2%, ``ChoiceRecord.store`` 3.3%,
``Metrics.add`` 3.2%, ``Metrics.close_month`` 3.0%), after imports and building the
population, which cProfile leaves out.

    .venv/bin/python benchmarks/profile_model.py                  # 100,000 agents, top 10
    .venv/bin/python benchmarks/profile_model.py --agents 20000 --top 20
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

from bench_model import first_use_s, total_people

from scenarios.scenario import load_scenario
from simulation.model import MigrationModel


def profile(scenario_name: str, agents: int) -> tuple[pstats.Stats, float, int]:
    base = load_scenario(scenario_name)
    first_use_s()  # loads (or compiles) the compiled loops, outside the profile
    scenario = base.with_values(people_per_agent=total_people(base) / agents, end="2029-12")
    model = MigrationModel(scenario)
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    model.run()
    profiler.disable()
    return pstats.Stats(profiler), time.perf_counter() - t0, len(model.population)


def top_rows(stats: pstats.Stats, top: int) -> list[tuple[str, float, float, int]]:
    """(function, own seconds, cumulative seconds, calls), by own time."""
    rows = []
    for (file, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = file.split("site-packages/")[-1].split("/work/main/")[-1]
        label = f"{where}:{line} {name}" if not file.startswith("~") else name
        rows.append((label, own, cumulative, calls))
    return sorted(rows, key=lambda r: r[1], reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--agents", type=int, default=100_000)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    stats, wall, n = profile(args.scenario, args.agents)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"{args.scenario}, {n:,} agents x 240 months: {wall:.1f} s under cProfile")
    print("| function | own s | share of own time | cumulative s | calls |")
    print("|---|---|---|---|---|")
    for label, own, cumulative, calls in top_rows(stats, args.top):
        print(f"| `{label}` | {own:.2f} | {own / total:.0%} | {cumulative:.2f} | {calls:,} |")


if __name__ == "__main__":
    main()
