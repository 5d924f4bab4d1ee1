"""A batch comparison's tables as a reader takes them in (issue 11, defect 9): one row per
indicator in plain words, one column per scenario, each cell the mean with its 90% interval,
shares in percent and the rest in thousands, millions and billions. The exact numbers stay
in the CSV downloads beside the tables."""

from __future__ import annotations

import pandas as pd

from simulation.measures import HEADLINE_LABELS, indicator

from .numbers import human, share, share_points

__all__ = ["INDICATOR_NAMES", "readable_headline", "readable_stock_change"]

INDICATOR_NAMES = HEADLINE_LABELS  # the indicators ``corridors compare`` writes to headline.csv


def _unit(key: str) -> str:
    """A headline indicator's declared unit; ``key`` may also name a unit itself."""
    return indicator(key).unit if key in HEADLINE_LABELS else key


def _value(key: str, x: float, signed: bool = False) -> str:
    unit = _unit(key)
    if unit == "share":
        return share_points(x) if signed else share(x)
    return human(x, "USD" if unit == "USD" else "", signed=signed)


def _cell(key: str, mean: float, low: float, high: float, signed: bool = False) -> str:
    if low == high == mean:  # one replicate: no interval to show
        return _value(key, mean, signed)
    return (
        f"{_value(key, mean, signed)} ({_value(key, low, signed)} to {_value(key, high, signed)})"
    )


def readable_headline(headline: pd.DataFrame) -> pd.DataFrame:
    """``headline.csv`` (label, indicator, mean, p05, p95, ...) as text: indicators down,
    scenarios across."""
    rows: dict[str, dict[str, str]] = {}
    for r in headline.itertuples(index=False):
        name = INDICATOR_NAMES.get(r.indicator, r.indicator.replace("_", " "))
        rows.setdefault(name, {"indicator": name})[str(r.label)] = _cell(
            r.indicator, r.mean, r.p05, r.p95
        )
    return pd.DataFrame(list(rows.values())).fillna("")


def readable_stock_change(change: pd.DataFrame) -> pd.DataFrame:
    """``final_stock_change.csv`` (label, channel, mean, p05, p95, ...) as text: the change
    in the final-year stock against the reference scenario, signed."""
    return pd.DataFrame(
        {
            "scenario": change["label"].astype(str),
            "channel": change["channel"].astype(str),
            "change in the final-year stock (people)": [
                _cell("people", r.mean, r.p05, r.p95, signed=True)
                for r in change.itertuples(index=False)
            ],
        }
    )
