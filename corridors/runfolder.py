"""Whether ``corridors run --out DIR`` may write into DIR.

A new or empty folder, or the folder of an earlier run of the same scenario (same digest:
same values, seed and settings), rerun or finished after a kill. Anything else is refused,
as ``corridors batch`` refuses a folder holding another batch: writing the tables of one run
beside the manifest of another gives a folder that lies about its content.
"""

from __future__ import annotations

import json
from pathlib import Path

from scenarios.errors import ScenarioError
from scenarios.scenario import Scenario, load_scenario

from .lock import is_lock_file

__all__ = ["RUN_FILES", "check_run_folder"]

RUN_FILES = frozenset(
    {
        "results.parquet",
        "results.csv",
        "scenario.toml",
        "manifest.json",
        "flows_and_stocks.png",
        "flows_and_stocks.svg",
    }
)


def _digest_of_earlier_run(out: Path) -> str | None:
    """The scenario digest the folder's earlier run recorded (its manifest, else the resolved
    scenario it wrote before being killed), or None."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return str(manifest["scenario_digest"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        return load_scenario(out / "scenario.toml").digest()
    except (ScenarioError, OSError):
        return None


def check_run_folder(out: Path, scenario: Scenario) -> None:
    """Refuse ``out`` unless it is empty, new or an earlier run of this same scenario (call
    while holding the folder's lock)."""
    out = Path(out)
    if not out.is_dir():
        return
    entries = [p for p in out.iterdir() if not is_lock_file(p)]
    own = [
        p
        for p in entries
        if p.name in RUN_FILES or (p.name.startswith(".") and p.name.endswith(".tmp"))
    ]
    if not entries:
        return
    if len(own) == len(entries) and _digest_of_earlier_run(out) == scenario.digest():
        return
    others = sorted(p.name for p in entries if p not in own)[:5]
    what = (
        f"it holds other files: {', '.join(others)}"
        if others
        else "it holds the run of another scenario, seed or setting"
    )
    raise ScenarioError(
        "(command line)",
        "--out",
        str(out),
        f"a new or empty folder, or the folder of an earlier run of this same scenario ({what})",
    )
