"""The Compare view's headline table: rounded, in thousands, millions and billions, fitting
its column (it wraps instead of being clipped, and scrolls sideways only on a phone).

Drawn as a plain HTML table rather than a data grid: six rows need no paging, the cells wrap,
and screen readers get real column and row headers.
"""

from __future__ import annotations

import html
import math

import pandas as pd
import solara

from simulation.measures import indicator
from simulation.metrics import FEW_REPLICATES

from .numbers import SCALE_NOTE, human, share, share_points

__all__ = ["HeadlineTable", "headline_html", "readable_headline"]


def _is_share(key: str) -> bool:
    return indicator(key).unit == "share"


def _value(key: str, x: float) -> str:
    return share(x) if _is_share(key) else human(x)


def _difference(key: str, x: float) -> str:
    return share_points(x) if _is_share(key) else human(x, signed=True)


def _same_sign(share_of_runs: float, replicates: int) -> str:
    if not math.isfinite(share_of_runs):
        return "no change"
    agreeing = round(share_of_runs * replicates)
    return f"{agreeing} of {replicates}"


def _verdict(share_of_runs: float, verdict: str, replicates: int) -> str:
    if not math.isfinite(share_of_runs):
        return "no change" if verdict.startswith("not") else verdict
    few = f" (only {replicates} replicates)" if replicates < FEW_REPLICATES else ""
    return f"{verdict}{few}"


def readable_headline(
    table: pd.DataFrame, labels: tuple[str, str] = ("A", "B"), replicates: int | None = None
) -> pd.DataFrame:
    """Headline numbers as text: mean with the 90% interval, B - A, and in how many paired
    replicates B - A has the sign of its mean, and whether that makes the effect robust
    (sign held in at least 90% of them), uncertain, or not distinguishable from zero
    (:func:`simulation.metrics.same_sign_share`). Units are in the indicator's name."""
    rows = []
    for _, r in table.iterrows():
        k = r["key"]
        row = {"indicator": r["indicator"]}
        for side, label in zip("AB", labels, strict=True):
            row[label] = (
                f"{_value(k, r[f'{side}_mean'])} ({_value(k, r[f'{side}_p05'])} to "
                f"{_value(k, r[f'{side}_p95'])})"
            )
        row["B - A"] = _difference(k, r["B_minus_A"])
        if replicates is not None and "same_sign_share" in r:
            row["same direction in"] = _same_sign(r["same_sign_share"], replicates)
        if replicates is not None and "sign_verdict" in r:
            row["robust?"] = _verdict(r["same_sign_share"], r["sign_verdict"], replicates)
        rows.append(row)
    return pd.DataFrame(rows)


def headline_html(readable: pd.DataFrame, caption: str) -> str:
    """An accessible HTML table of the readable headline."""
    esc = html.escape
    head = "".join(f'<th scope="col">{esc(str(c))}</th>' for c in readable.columns)
    body = []
    for _, row in readable.iterrows():
        cells = [f'<th scope="row">{esc(str(row.iloc[0]))}</th>']
        cells += [f"<td>{esc(str(v))}</td>" for v in row.iloc[1:]]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<div class="corridors-headline" style="max-width:100%;overflow-x:auto">'
        '<table style="border-collapse:collapse;width:100%;font-size:0.9em">'
        f'<caption style="caption-side:bottom;text-align:left;font-size:0.85em;color:#555">'
        f"{esc(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        "<style>.corridors-headline th,.corridors-headline td{border-bottom:1px solid #ddd;"
        "padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}"
        ".corridors-headline thead th{border-bottom:2px solid #888}</style></div>"
    )


@solara.component
def HeadlineTable(readable: pd.DataFrame, caption: str = SCALE_NOTE):
    solara.HTML(
        tag="div", unsafe_innerHTML=headline_html(readable, caption), style={"width": "100%"}
    )
