"""Issue 16's goals besides the agent-steps ratio (``bench_model.py``): the baseline at 50
people per agent, and the dashboard's comparison of two scenarios on the server.

Prints, with the machine's load at the end so a reader can tell a shared machine's figures:

* the baseline over its whole horizon (2010-01 to 2030-12) at 50 people per agent, every
  small corridor drawn with hundreds of agents: agents, build and run seconds (goal: under
  30 s);
* the comparison the dashboard runs when a user compares two presets (baseline and
  crackdown, 10 years to 2019-12, 5 replicates each, at the default scale), through the
  dashboard's own function (:func:`dashboards.comparison.compare_runs`, the summaries
  included): on one thread of this process, and on the dashboard's pool of two worker
  processes once it is started (goal: under 1 s of server time);
* what a policymaker waits for when a lever moves in B after a first comparison: A's
  replicates are in the dashboard's replicate cache, so only B's run (on the pool).

The first run in the process loads (or compiles) the compiled loops; it is timed apart.

    .venv/bin/python benchmarks/bench_goals.py
"""

from __future__ import annotations

import os
import time

from bench_model import first_use_s

from dashboards.comparison import compare_runs
from dashboards.replicate_cache import ReplicateCache
from dashboards.run_pool import InlineExecutor, shared_executor, shutdown_shared_executor
from scenarios.scenario import load_scenario
from simulation.model import MigrationModel

REPLICATES = 5
COMPARED = ("baseline", "crackdown")
TEN_YEARS_END = "2019-12"


def fine_baseline(people_per_agent: float = 50.0) -> None:
    scenario = load_scenario("baseline").with_values(people_per_agent=people_per_agent)
    t0 = time.perf_counter()
    # as `corridors run` builds it: no inspector reads the choice probabilities
    model = MigrationModel(scenario, keep_choice_probabilities=False)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    print(
        f"baseline at {people_per_agent:g} people per agent, {model.month} months: "
        f"{len(model.population):,} agents, build {t1 - t0:.1f} s, run {t2 - t1:.1f} s, "
        f"wall {t2 - t0:.1f} s (goal < 30 s)",
        flush=True,
    )


def comparison_s(executor) -> float:
    a, b = (load_scenario(name).with_values(end=TEN_YEARS_END) for name in COMPARED)
    t0 = time.perf_counter()
    compare_runs(a, b, REPLICATES, executor=executor)
    return time.perf_counter() - t0


def lever_move_s(executor) -> float:
    """A first comparison fills the cache; then crackdown's arrest probability in Thailand
    moves from 0.006 to 0.008 (one lever for one destination, as a slider would move it) and
    the comparison runs again: A comes from the cache, B runs in full."""
    a, b = (load_scenario(name).with_values(end=TEN_YEARS_END) for name in COMPARED)
    cache = ReplicateCache()
    compare_runs(a, b, REPLICATES, executor=executor, cache=cache)
    arrest = dict(b.values["enforcement_monthly_arrest_probability"], THA=0.008)
    moved = b.with_values(enforcement_monthly_arrest_probability=arrest)
    t0 = time.perf_counter()
    compare_runs(a, moved, REPLICATES, executor=executor, cache=cache)
    return time.perf_counter() - t0


def main() -> None:
    print(
        f"first run in this process (loads or compiles the compiled loops): {first_use_s():.1f} s"
    )
    fine_baseline()
    what = f"{' vs '.join(COMPARED)}, to {TEN_YEARS_END}, {REPLICATES} replicates each"
    inline = InlineExecutor()
    try:
        print(f"comparison ({what}) on one thread: {comparison_s(inline):.2f} s (goal < 1 s)")
    finally:
        inline.shutdown(wait=True)
    pool = shared_executor()
    try:
        comparison_s(pool)  # the pool's first runs load the model in its workers
        print(
            f"comparison ({what}) on the dashboard's pool of two workers, warm: "
            f"{comparison_s(pool):.2f} s (goal < 1 s)"
        )
        print(
            "a lever moved in B after that comparison (A's replicates cached), on the pool: "
            f"{lever_move_s(pool):.2f} s"
        )
    finally:
        shutdown_shared_executor()
    print(f"load average (1, 5, 15 min): {os.getloadavg()}")


if __name__ == "__main__":
    main()
