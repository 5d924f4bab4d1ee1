"""The Compare view, rendered without a browser, and the comparison it computes."""

from __future__ import annotations

import ipyvuetify as v
import ipywidgets
import pytest
from dashboard_widgets import page_text, render_with_settings, wait_until
from solara.components.datatable import DataTableWidget

from dashboards.compare_view import CURRENT, CompareView, compare_runs, readable_headline
from dashboards.settings_state import PanelSettings
from scenarios.drivers import DRIVERS
from scenarios.levers import LEVERS
from scenarios.scenario import preset_names

PANEL_DECLS = (*LEVERS, *DRIVERS)
SMALL = {"end": "2011-12", "people_per_agent": 5000.0}
ENFORCEMENT = "enforcement_monthly_arrest_probability"


# ---- compare view -------------------------------------------------------------------------
def test_run_comparison_shows_the_headline_table():
    box, rc, _ = render_with_settings(CompareView, PanelSettings(**SMALL))
    try:
        choices = rc.find(v.Select, label="Scenario B").widget
        assert choices.v_model == CURRENT and choices.items == [CURRENT, *preset_names()]
        rc.find(v.Slider, label="Replicates").widget.v_model = 2
        rc.find(v.Select, label="Scenario B").widget.v_model = "crackdown"
        rc.find(DataTableWidget).assert_empty()
        rc.find(v.Btn, children=["Run comparison"]).widget.click()
        table = wait_until(lambda: rc.find(DataTableWidget).widgets, 120, "the headline table")[0]
        # the three charts come after the table in the same render; wait for them too
        wait_until(lambda: len(rc.find(ipywidgets.Image).widgets) == 3, 60, "the charts")
        assert [h["text"] for h in table.headers] == ["indicator", "A", "B", "B - A"]
        assert len(table.items) == 6
        assert "A = baseline, B = crackdown" in page_text(box)
        assert "running..." not in page_text(box)
        assert not rc.find(v.Btn, children=["Run comparison"]).widget.disabled
        deportations = next(r for r in table.items if r["indicator"].startswith("Deport"))
        assert deportations["B - A"].startswith("+") and deportations["B - A"] != "+0"
    finally:
        rc.close()


@pytest.fixture(scope="module")
def small_scenarios():
    return (
        PanelSettings(**SMALL).scenario(),
        PanelSettings(preset="crackdown", **SMALL).scenario(),
    )


def test_compare_runs_gives_a_and_b_on_the_same_months(small_scenarios):
    a, b = small_scenarios
    result = compare_runs(a, b, 2)
    for measure in ("stock", "arrivals"):
        sa, sb = result[measure]
        assert not sa.empty and not sb.empty
        assert list(sa["month"].unique()) == list(sb["month"].unique())
        assert set(sa["corridor"]) == set(sb["corridor"])
        assert len(sa) == len(sb)
    months = sorted(result["stock"][0]["month"].unique())
    assert months[0] in ("2009-12", "2010-01") and months[-1] == "2011-12"
    assert sorted(result["difference_stock"]["month"].unique()) == months
    table = result["headline"]
    assert len(table) == 6 and table.notna().all().all()
    # crackdown deports more people than the baseline
    row = table.set_index("key").loc["deportations"]
    assert row["B_mean"] > row["A_mean"] and row["B_minus_A"] > 0
    assert list(readable_headline(table).columns) == ["indicator", "A", "B", "B - A"]


def test_same_scenario_twice_differs_by_exactly_zero(small_scenarios):
    a, _ = small_scenarios
    again = PanelSettings(**SMALL).scenario()  # built separately, same settings
    progress = []
    result = compare_runs(a, again, 2, progress=progress.append)
    table = result["headline"]
    assert (table["B_minus_A"] == 0.0).all()
    assert (table["A_mean"] == table["B_mean"]).all()
    diff = result["difference_stock"]
    assert not diff.empty and (diff[["mean", "p05", "p95"]] == 0.0).all().all()
    sa, sb = result["stock"]
    assert sa.equals(sb)
    # the two replicates are not copies of each other (else zero would prove nothing)
    row = table.set_index("key").loc["deportations"]
    assert row["A_p05"] < row["A_p95"]
    assert progress[-1] == pytest.approx(1.0) and progress == sorted(progress)
