"""Outputs are declared once (``simulation/measures.py``): the monthly table holds exactly the
declared measures, and ``corridors compare`` and the dashboard's comparison compute the same
headline numbers from the same replicate runs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import tomli_w

from agents.status import Status
from corridors.cli import main
from dashboards.comparison import compare_runs
from dashboards.replicates import ROOT_SEED, headline, run_replicates
from scenarios.scenario import load_scenario
from simulation.measures import (
    FLOW_MEASURES,
    HEADLINE,
    MEASURE_UNITS,
    MEASURES,
    STATUS_MEASURES,
    STOCK_MEASURES,
    Final,
    Indicator,
    Share,
    Total,
    indicator,
)
from simulation.metrics import yearly
from simulation.model import MigrationModel

SETTINGS = {"end": "2011-12", "people_per_agent": 5000}
SCENARIOS = ("baseline", "crackdown")
REPLICATES = 2


def test_status_rows_follow_the_worker_statuses():
    assert STATUS_MEASURES == tuple(f"people_{s.name.lower()}" for s in Status)


def test_the_monthly_table_holds_exactly_the_declared_measures():
    model = MigrationModel(load_scenario("baseline").with_values(end="2010-02"))
    model.run()
    table = model.metrics.to_frame()
    assert set(table["measure"].astype(str)) == {m.name for m in MEASURES}
    units = table.drop_duplicates("measure").set_index("measure")["unit"].astype(str)
    assert units.to_dict() == {m: MEASURE_UNITS[m] for m in units.index}
    split = table[table["channel"].astype(str) != ""]["measure"].astype(str)
    assert set(split) == set(FLOW_MEASURES + STOCK_MEASURES)
    assert {m.name for m in MEASURES if m.by_channel} == set(split)


def test_indicators_read_declared_measures_only():
    assert {m for i in HEADLINE for m in i.measures} <= set(FLOW_MEASURES + STOCK_MEASURES)
    assert indicator("irregular_share_final_year").measures == ("stock",)
    with pytest.raises(ValueError, match="undeclared"):
        Indicator("bad", "Bad", "people", "lower", "reads nothing real", Total("nope"))


def test_a_formula_computes_what_it_says():
    class Run:
        def total(self, measure, channel=None):
            return {("deportations", None): 7.0}[(measure, channel)]

        def final(self, measure, channel=None):
            return {("stock", "irregular"): 3.0, ("stock", None): 12.0}[(measure, channel)]

    share = Share(Final("stock", "irregular"), Final("stock"))
    assert share.value(Run()) == 0.25
    assert share.text() == "final('stock', 'irregular') / max(final('stock'), 1e-9)"
    assert Total("deportations").value(Run()) == 7.0
    assert Share(Final("stock", "irregular"), Total("deportations")).measures() == (
        "stock",
        "deportations",
    )


@pytest.fixture(scope="module")
def compare_headline(tmp_path_factory) -> pd.DataFrame:
    d = tmp_path_factory.mktemp("agree")
    batch = d / "batch.toml"
    spec = {
        "name": "agree",
        "scenarios": list(SCENARIOS),
        "replicates": REPLICATES,
        "root_seed": ROOT_SEED,
        "settings": SETTINGS,
    }
    batch.write_text(tomli_w.dumps(spec))
    out = d / "out"
    assert main(["batch", str(batch), "--out", str(out), "--serial", "--quiet"]) == 0
    assert main(["compare", str(out)]) == 0
    return pd.read_parquet(Path(out) / "compare" / "headline.parquet")


@pytest.mark.parametrize("name", SCENARIOS)
def test_compare_and_the_dashboard_give_identical_headline_numbers(compare_headline, name):
    """The same replicate runs (same seeds) through ``corridors batch`` + ``corridors compare``
    and through the dashboard's replicates: every headline number equal to the last bit."""
    scenario = load_scenario(name).with_values(**SETTINGS)
    runs = run_replicates(scenario, REPLICATES, root_seed=ROOT_SEED)
    dashboard = headline(runs).set_index("key")[["mean", "p05", "p95"]]
    command_line = (
        compare_headline[compare_headline["label"] == name]
        .set_index("indicator")[["mean", "p05", "p95"]]
        .reindex(dashboard.index)
    )
    assert list(dashboard.index) == [i.name for i in HEADLINE]
    pd.testing.assert_frame_equal(dashboard, command_line, check_exact=True, check_names=False)


@pytest.fixture(scope="module")
def compare_view() -> pd.DataFrame:
    a, b = (load_scenario(n).with_values(**SETTINGS) for n in SCENARIOS)
    return compare_runs(a, b, REPLICATES, labels=SCENARIOS).headline.set_index("key")


def test_the_compare_view_shows_the_same_numbers_as_corridors_compare(
    compare_headline, compare_view
):
    table = compare_view
    for side, name in zip("AB", SCENARIOS, strict=True):
        expected = compare_headline[compare_headline["label"] == name].set_index("indicator")
        for stat in ("mean", "p05", "p95"):
            got = table[f"{side}_{stat}"]
            assert got.to_dict() == expected[stat].reindex(got.index).to_dict(), (side, stat)


def test_the_compare_view_and_corridors_compare_agree_on_which_effects_are_robust(
    compare_headline, compare_view
):
    """Same runs, same function (``simulation.metrics.same_sign_share``): the share of paired
    replicates in which B - A keeps its sign, and the verdict, identical."""
    effect = compare_headline[compare_headline["label"] == SCENARIOS[1]].set_index("indicator")
    columns = ["same_sign_share", "robust", "sign_verdict"]
    dashboard = compare_view[columns]
    pd.testing.assert_frame_equal(
        dashboard, effect[columns].reindex(dashboard.index), check_exact=True, check_names=False
    )
    assert dashboard["same_sign_share"].notna().any()


def test_yearly_sums_flows_and_takes_stocks_at_december_or_at_the_end_of_the_run():
    months = ["2009-12", "2010-06", "2010-12", "2011-03"]
    rows = [("stock", m, v) for m, v in zip(months, (1.0, 2.0, 3.0, 4.0), strict=True)]
    rows += [("arrivals", m, v) for m, v in zip(months[1:], (10.0, 20.0, 30.0), strict=True)]
    monthly = pd.DataFrame(
        [
            {"replicate": 0, "origin": "MMR", "destination": "THA", "channel": "irregular"}
            | {"measure": name, "month": month, "value": value}
            for name, month, value in rows
        ]
    )
    annual = yearly(monthly, ["replicate"]).set_index(["measure", "year"])["value"]
    assert annual.to_dict() == {
        ("arrivals", 2010): 30.0,
        ("arrivals", 2011): 30.0,
        ("stock", 2010): 3.0,
        ("stock", 2011): 4.0,  # the run ends in March: its stock then
    }
