"""Dashboard responsiveness on this machine, at the default size (500 people per agent).

    .venv/bin/python benchmarks/bench_dashboard.py

Prints the server time of one simulated month in the Explore view (median and 95th
percentile over the first 120 months) and of a 10-year A-versus-B comparison with 5
replicates each in the Compare view. Targets (issue 4): under 50 ms and under 10 s.
"""

from __future__ import annotations

import statistics
import time

from dashboards.compare_view import compare_runs
from dashboards.explore_view import ExploreSession
from dashboards.settings_state import PanelSettings


def main() -> None:
    settings = PanelSettings(end="2019-12")
    session = ExploreSession(settings.scenario())
    for _ in range(120):
        session.step()
    ms = sorted(1000 * s for s in session.step_seconds)
    print(f"one month, Explore view ({len(session.model.population):,} worker agents): "
          f"median {statistics.median(ms):.1f} ms, p95 {ms[int(0.95 * len(ms))]:.1f} ms, "
          f"max {ms[-1]:.1f} ms (target < 50 ms)")
    a = settings.scenario()
    b = PanelSettings(preset="crackdown", end="2019-12").scenario()
    t0 = time.perf_counter()
    compare_runs(a, b, replicates=5)
    wall = time.perf_counter() - t0
    print(f"A (baseline) vs B (crackdown), 2010-2019, 5 replicates each: {wall:.1f} s "
          "(target < 10 s)")


if __name__ == "__main__":
    main()
