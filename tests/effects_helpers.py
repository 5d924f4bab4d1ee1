"""Shared helpers for the policy-effect tests: seeded replicate runs (cached), sums over the
tidy output table and a two-arm comparison with its replicate noise.

A *run* is the baseline scenario, coarsened (``people_per_agent``, ``end``) and with some
values overridden; replicate ``k`` uses seed ``k`` (1..n), so every arm of every test sees the
same seeds (common random numbers) and the cached baseline runs are shared between tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from scenarios.scenario import load_scenario
from simulation.run import run_scenario

__all__ = [
    "BASELINE",
    "COARSE",
    "Comparison",
    "baseline_table",
    "compare",
    "plus_window",
    "replicates",
    "scaled",
    "share",
    "total",
]

COARSE = {"people_per_agent": 2000, "end": "2016-12"}
BASELINE = load_scenario("baseline")


# ---- scenario values derived from the baseline ------------------------------------------
def baseline_table(name: str) -> dict:
    """The baseline file's value of a scoped lever as a ``{key: value}`` table (a single value
    becomes ``{"all": value}``; an unset lever gives ``{}``)."""
    for section in ("levers", "drivers", "parameters", "settings"):
        table = BASELINE.raw.get(section, {})
        if name in table:
            value = table[name]
            return json.loads(json.dumps(value)) if isinstance(value, dict) else {"all": value}
    return {}


def scaled(name: str, factor: float, maximum: float) -> dict:
    """The baseline table of a numeric lever times ``factor`` (at most ``maximum``)."""
    return {k: min(v * factor, maximum) for k, v in baseline_table(name).items()}


def plus_window(name: str, month: str, *keys: str) -> dict:
    """The baseline table of a months lever with one more window opening at ``month`` for
    each of ``keys`` (on top of the key's own windows, or of the ``all`` windows it
    inherits)."""
    table = baseline_table(name)
    for key in keys:
        months = list(table.get(key, table.get("all", [])))
        table[key] = sorted({*months, month})
    return table


# ---- runs -------------------------------------------------------------------------------
@cache
def _run(key: str, seed: int) -> pd.DataFrame:
    overrides = json.loads(key)
    scenario = BASELINE.with_values(**{**COARSE, **overrides, "seed": seed})
    table = run_scenario(scenario).table
    table = table[table["destination"].astype(str) != ""]  # corridor rows only
    out = pd.DataFrame(
        {
            c: table[c].astype(str).to_numpy()
            for c in ("month", "origin", "destination", "channel", "measure")
        }
    )
    out["value"] = table["value"].to_numpy()
    return out


def replicates(n: int, **overrides) -> list[pd.DataFrame]:
    """Corridor rows of the output table of ``n`` seeded replicates (seeds 1..n), cached by
    overrides and seed (so a longer list of baseline runs reuses the shorter one's runs)."""
    key = json.dumps(overrides, sort_keys=True)
    return [_run(key, seed) for seed in range(1, n + 1)]


# ---- outcomes ---------------------------------------------------------------------------
def total(
    table: pd.DataFrame,
    measure: str,
    *,
    channel: str | None = None,
    start: str | None = None,
    end: str | None = None,
    origin: str | None = None,
    destination: str | None = None,
) -> float:
    """Sum of one measure over the months ``start..end`` (inclusive, "YYYY-MM") and the
    corridors and channels selected. For a stock measure, ``start == end`` gives the stock at
    the end of that month."""
    mask = table["measure"].to_numpy() == measure
    for column, wanted in (("channel", channel), ("origin", origin), ("destination", destination)):
        if wanted is not None:
            mask &= table[column].to_numpy() == wanted
    month = table["month"].to_numpy()
    if start is not None:
        mask &= month >= start
    if end is not None:
        mask &= month <= end
    return float(table["value"].to_numpy()[mask].sum())


def share(table: pd.DataFrame, measure: str, **where) -> float:
    """Regular share of a measure (regular / (regular + irregular)) over the selection."""
    regular = total(table, measure, channel="regular", **where)
    irregular = total(table, measure, channel="irregular", **where)
    return regular / (regular + irregular)


# ---- comparison -------------------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    """Mean and standard error of an outcome in the two arms (over replicates)."""

    name: str
    base_mean: float
    base_se: float
    lever_mean: float
    lever_se: float
    n: int

    @property
    def difference(self) -> float:
        return self.lever_mean - self.base_mean

    @property
    def se(self) -> float:
        """Standard error of the difference of means (independent arms, conservative)."""
        return float(np.hypot(self.base_se, self.lever_se))

    @property
    def z(self) -> float:
        return self.difference / self.se if self.se > 0 else float("inf") * np.sign(self.difference)

    def __str__(self) -> str:
        return (
            f"{self.name} over {self.n} replicates: baseline {self.base_mean:.4g} "
            f"(se {self.base_se:.2g}), lever {self.lever_mean:.4g} "
            f"(se {self.lever_se:.2g}); difference {self.difference:.4g} "
            f"= {self.z:.1f} standard errors"
        )

    def assert_raises(self, k: float = 2.0) -> None:
        """The lever raises the outcome by more than ``k`` standard errors."""
        assert self.difference > k * self.se, str(self)

    def assert_lowers(self, k: float = 2.0) -> None:
        """The lever lowers the outcome by more than ``k`` standard errors."""
        assert -self.difference > k * self.se, str(self)


def compare(
    name: str, outcome, base_runs: list[pd.DataFrame], lever_runs: list[pd.DataFrame]
) -> Comparison:
    """Apply ``outcome`` (table -> float) to every replicate of both arms."""
    assert len(base_runs) == len(lever_runs) >= 2
    a = np.array([outcome(t) for t in base_runs], float)
    b = np.array([outcome(t) for t in lever_runs], float)
    n = len(a)
    return Comparison(
        name,
        float(a.mean()),
        float(a.std(ddof=1) / np.sqrt(n)),
        float(b.mean()),
        float(b.std(ddof=1) / np.sqrt(n)),
        n,
    )
