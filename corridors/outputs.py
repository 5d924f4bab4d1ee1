"""Write one run's results folder: tidy table (Parquet and CSV), resolved scenario, manifest,
figure. Each file is written atomically; the manifest is written last, so a folder with a
manifest is complete."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import tomli_w

from scenarios.scenario import Scenario
from simulation.run import RunResult

from .atomic import write_atomic, write_text_atomic
from .figures import flows_and_stocks_figure
from .manifest import code_version, package_versions, platform_info

__all__ = ["write_run"]


def write_run(
    out: Path,
    scenario: Scenario,
    result: RunResult,
    started: dt.datetime,
    argv: list[str] | None = None,
) -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = result.table
    timings = dict(result.timings_s)
    t0 = dt.datetime.now(dt.UTC)
    write_atomic(out / "results.parquet", lambda p: table.to_parquet(p, index=False))
    write_atomic(out / "results.csv", lambda p: table.to_csv(p, index=False))
    write_text_atomic(out / "scenario.toml", tomli_w.dumps(scenario.to_dict(resolved=True)))
    fig = flows_and_stocks_figure(
        table, title=f"{scenario.name}: regular and irregular migration per corridor"
    )
    for ext in ("png", "svg"):
        write_atomic(
            out / f"flows_and_stocks.{ext}", functools.partial(fig.savefig, format=ext, dpi=110)
        )
    timings["write"] = (dt.datetime.now(dt.UTC) - t0).total_seconds()
    model = result.model
    manifest = {
        "scenario_name": scenario.name,
        "scenario_file": scenario.source_file,
        "scenario_digest": scenario.digest(),
        "seed": scenario.seed,
        "months": [table["month"].astype(str).min(), table["month"].astype(str).max()],
        "people_per_agent": scenario.people_per_agent,
        "worker_agents": len(model.population),
        "recruiter_agents": len(model.recruiters),
        "code": code_version(),
        "packages": package_versions(),
        "machine": platform_info(),
        "command": argv or [],
        "started_utc": started.isoformat(),
        "finished_utc": dt.datetime.now(dt.UTC).isoformat(),
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "files": sorted(p.name for p in out.iterdir() if not p.name.startswith(".")),
        "scenario": scenario.to_dict(resolved=True),
    }
    write_text_atomic(out / "manifest.json", json.dumps(manifest, indent=2, default=str))
    return manifest
