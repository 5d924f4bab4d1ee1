"""ODD.md's table of the calibrated baseline's regular and irregular stocks, generated.

The table in ODD section 11 ("What the calibrated baseline shows") used to be pasted from a
run by hand, with the command beside it: nothing noticed when a change of the model or an
installed calibration made it false. It now sits between ``<!-- baseline-stocks:start -->``
and ``<!-- baseline-stocks:end -->`` and :func:`render_document` rewrites it from a run of
the shipped baseline at its own scale and seed (a few seconds); ``tests/test_docs.py`` fails
while it differs, naming the command that rewrites it:

    .venv/bin/python -m corridors.baseline_table ODD.md
"""

from __future__ import annotations

import pandas as pd

__all__ = ["DESTINATIONS", "MARKER", "MONTHS", "baseline_stocks", "render_document", "stock_table"]

MARKER = "baseline-stocks"
MONTHS = ("2009-12", "2011-12", "2018-12", "2030-12")
"""The initial state, after the first registration window, the last year with an observed
total (3.9 million CLMV workers in Thailand) and the end of the baseline."""
DESTINATIONS = ("THA", "MYS")


def baseline_stocks() -> pd.DataFrame:
    """The shipped baseline's stock by destination, month and channel (people), from one run
    at the scenario's own scale and seed."""
    from scenarios.scenario import load_scenario
    from simulation.run import run_scenario

    table = run_scenario(load_scenario("baseline")).table
    stock = table[(table["measure"] == "stock") & table["month"].astype(str).isin(MONTHS)]
    stock = stock.assign(
        destination=stock["destination"].astype(str),
        month=stock["month"].astype(str),
        channel=stock["channel"].astype(str),
    )
    return stock.groupby(["destination", "month", "channel"])["value"].sum().unstack("channel")


def stock_table(stocks: pd.DataFrame) -> str:
    """The Markdown table of :data:`DESTINATIONS` x :data:`MONTHS` (regular, irregular)."""
    lines = ["| destination | month | regular | irregular |", "|---|---|---|---|"]
    rows = pd.MultiIndex.from_product([DESTINATIONS, MONTHS])
    values = stocks.reindex(rows)[["regular", "irregular"]].to_numpy(dtype=float)
    for (dest, month), (regular, irregular) in zip(rows, values, strict=True):
        lines.append(f"| {dest} | {month} | {regular:,.0f} | {irregular:,.0f} |")
    return "\n".join(lines)


def render_document(text: str, stocks: pd.DataFrame | None = None) -> str:
    """``text`` with the table between the markers rewritten (``stocks``: from
    :func:`baseline_stocks` unless given)."""
    from scenarios.generated_text import replace_between_markers

    table = stock_table(baseline_stocks() if stocks is None else stocks)
    return replace_between_markers(text, MARKER, table)


if __name__ == "__main__":  # python -m corridors.baseline_table ODD.md  (rewrites the table)
    import sys
    from pathlib import Path

    for name in sys.argv[1:]:
        path = Path(name)
        path.write_text(render_document(path.read_text(encoding="utf-8")), encoding="utf-8")
