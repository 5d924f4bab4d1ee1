"""ODD.md and README stay true to the code: generated tables match the declarations, and the
quick-start test command is what CI runs."""

from __future__ import annotations

from pathlib import Path

from corridors.lever_table import render_document
from simulation.measures import render_outputs

ROOT = Path(__file__).resolve().parent.parent


def test_odd_tables_match_the_declarations():
    text = (ROOT / "ODD.md").read_text(encoding="utf-8")
    assert render_document(text) == text, (
        "ODD.md's generated tables are stale: run `python -m corridors.lever_table ODD.md`"
    )


def test_odd_outputs_table_matches_the_declarations():
    text = (ROOT / "ODD.md").read_text(encoding="utf-8")
    assert render_outputs(text) == text, (
        "ODD.md's outputs table is stale: run `python -m simulation.measures ODD.md`"
    )


def test_odd_baseline_stocks_are_what_the_shipped_baseline_gives():
    """The stock table of ODD 11 is generated from a run of the shipped baseline: a change of
    the model or an installed calibration that moves it fails here."""
    from corridors.baseline_table import render_document as render_stocks

    text = (ROOT / "ODD.md").read_text(encoding="utf-8")
    assert render_stocks(text) == text, (
        "ODD.md's baseline stock table is stale: run `python -m corridors.baseline_table ODD.md`"
    )


def test_the_baseline_stock_table_reads_its_numbers_from_the_run():
    import pandas as pd

    from corridors.baseline_table import DESTINATIONS, MONTHS, stock_table

    index = pd.MultiIndex.from_product([DESTINATIONS, MONTHS], names=["destination", "month"])
    stocks = pd.DataFrame({"regular": range(8), "irregular": range(100, 108)}, index=index)
    stocks.loc[("MYS", "2030-12")] = [1_234_567.0, 7.0]
    table = stock_table(stocks).splitlines()
    assert len(table) == 2 + 8
    assert table[2] == "| THA | 2009-12 | 0 | 100 |"
    assert table[-1] == "| MYS | 2030-12 | 1,234,567 | 7 |"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = "bash scripts/test.sh"
    assert command in readme
    assert command in ci.splitlines()


def test_odd_figure_exists():
    text = (ROOT / "ODD.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("![") and "](" in line:
            target = line.split("](", 1)[1].split(")", 1)[0]
            assert (ROOT / target).is_file(), target
