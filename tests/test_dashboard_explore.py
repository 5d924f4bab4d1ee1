"""The Explore view, rendered without a browser: stepping, playing, the inspector."""

from __future__ import annotations

import math
import re
import statistics
import time

import ipyvuetify as v
import ipywidgets
import matplotlib.pyplot as plt
import pytest
from dashboard_widgets import month_shown, page_text, render_with_settings, wait_until
from solara.components.datatable import DataTableWidget

from dashboards.explore_view import ExploreSession, ExploreView
from dashboards.settings_state import PanelSettings
from scenarios.drivers import DRIVERS
from scenarios.levers import LEVERS
from simulation.model import MigrationModel

PANEL_DECLS = (*LEVERS, *DRIVERS)
SMALL = {"end": "2011-12", "people_per_agent": 5000.0}
ENFORCEMENT = "enforcement_monthly_arrest_probability"


# ---- explore view -------------------------------------------------------------------------
@pytest.fixture
def explore():
    box, rc, holder = render_with_settings(ExploreView, PanelSettings(**SMALL))
    yield box, rc, holder
    rc.close()


def _click(rc, label):
    rc.find(v.Btn, children=[label]).widget.click()


def test_step_advances_the_month_and_reset_goes_back(explore):
    box, rc, _ = explore
    assert month_shown(box) == "2009-12"
    start_text = re.search(r"Irregular stock: ([\d,]+) people", page_text(box)).group(1)
    _click(rc, "Step")
    assert month_shown(box) == "2010-01"
    _click(rc, "Step")
    assert month_shown(box) == "2010-02"
    _click(rc, "Step")
    assert month_shown(box) == "2010-03"
    for _ in range(12):  # the stock moves within a year (coarse agents can sit still a month)
        moved = re.search(r"Irregular stock: ([\d,]+) people", page_text(box)).group(1)
        if moved != start_text:
            break
        _click(rc, "Step")
    assert moved != start_text
    _click(rc, "Reset")
    assert month_shown(box) == "2009-12"
    assert re.search(r"Irregular stock: ([\d,]+) people", page_text(box)).group(1) == start_text


def test_changing_a_lever_rebuilds_the_explore_model(explore):
    box, rc, holder = explore
    _click(rc, "Step")
    _click(rc, "Step")
    assert month_shown(box) == "2010-02"
    holder.settings.set(holder.settings.value.with_preset("crackdown"))
    assert month_shown(box) == "2009-12"
    assert "scenario crackdown" in page_text(box)


def test_play_runs_in_the_background_and_pause_stops(explore):
    box, rc, _ = explore
    # 2 s per month: much longer than a month's render, so the click returns at once
    rc.find(v.Slider, label="Seconds per month").widget.v_model = 2.0
    _click(rc, "Play")
    rc.find(v.Btn, children=["Pause"]).assert_single()
    assert rc.find(v.Btn, children=["Step"]).widget.disabled
    wait_until(lambda: month_shown(box) >= "2010-02", 60, "Play to reach 2010-02")
    _click(rc, "Pause")
    # a month already under way finishes first (on a loaded machine the click can return
    # before it has)
    wait_until(lambda: rc.find(v.Btn, children=["Play"]).widgets, 30, "Pause to stop")
    time.sleep(0.5)
    paused_at = month_shown(box)
    time.sleep(2.5)  # longer than one month of playing
    assert month_shown(box) == paused_at
    assert paused_at < "2011-12"
    assert not rc.find(v.Btn, children=["Step"]).widget.disabled
    _click(rc, "Step")
    assert month_shown(box) > paused_at


def test_play_at_full_speed_does_not_block_the_session():
    """At 0 seconds per month the Play click must return while months are still being
    played (redraws are throttled), so Pause is heard."""
    box, rc, _ = render_with_settings(
        ExploreView, PanelSettings(end="2035-12", people_per_agent=5000.0)
    )
    try:
        rc.find(v.Slider, label="Seconds per month").widget.v_model = 0.0
        _click(rc, "Play")
        assert rc.find(v.Btn, children=["Pause"]).widgets, f"click returned at {month_shown(box)}"
        _click(rc, "Pause")
        wait_until(lambda: rc.find(v.Btn, children=["Play"]).widgets, 30, "Pause to stop")
        paused_at = month_shown(box)
        time.sleep(1.0)
        assert month_shown(box) == paused_at
        assert paused_at < "2035-12"
    finally:
        rc.close()


def test_play_stops_by_itself_at_the_last_month():
    box, rc, _ = render_with_settings(
        ExploreView, PanelSettings(end="2010-04", people_per_agent=5000.0)
    )
    try:
        rc.find(v.Slider, label="Seconds per month").widget.v_model = 0.0
        _click(rc, "Play")
        wait_until(lambda: rc.find(v.Btn, children=["Play"]).widgets, 60, "Play to stop at the end")
        assert month_shown(box) == "2010-04"
        _click(rc, "Step")  # nothing left to simulate
        assert month_shown(box) == "2010-04"
    finally:
        rc.close()


def test_inspector_shows_a_picked_migrant_and_choice_probabilities(explore):
    box, rc, holder = explore
    for _ in range(4):
        _click(rc, "Step")
    assert "This worker has not weighed" in page_text(box) or "Last decision" in page_text(box)
    _click(rc, "Pick a migrant")
    row = int(rc.find(v.TextField, label="Worker (row)").widget.v_model)
    text = page_text(box)
    assert "Last decision" in text and "chose" in text

    # the same seeded run, outside the view, says the same about this worker
    model = MigrationModel(holder.settings.value.scenario())
    for _ in range(4):
        model.step()
    worker = model.worker(row)
    tables = [
        w
        for w in rc.find(DataTableWidget).widgets
        if [h["text"] for h in w.headers] == ["attribute", "value"]
    ]
    assert len(tables) == 1
    shown = {r["attribute"]: r["value"] for r in tables[0].items}
    assert shown == {k: str(x) for k, x in worker.describe().items()}
    choice = worker.last_choice()
    assert choice is not None
    assert f"chose {choice['chosen']}" in text
    assert math.isclose(sum(choice["probabilities"].values()), 1.0, rel_tol=1e-6)
    # map, stock series and the probability chart
    assert len(rc.find(ipywidgets.Image).widgets) == 3


def test_explore_steps_do_not_accumulate_pyplot_figures(explore):
    _, rc, _ = explore
    _click(rc, "Step")
    before = len(plt.get_fignums())
    for _ in range(5):
        _click(rc, "Step")
    assert len(plt.get_fignums()) <= before


def test_one_month_at_the_default_size_is_timed():
    session = ExploreSession(PanelSettings().scenario())  # 500 people per agent
    assert session.scenario.people_per_agent == 500.0
    for _ in range(12):
        assert session.step()
    assert session.model.month_label == "2010-12"
    assert len(session.step_seconds) == 12
    median = statistics.median(session.step_seconds)
    print(
        f"\none simulated month at 500 people per agent ({len(session.model.population):,} "
        f"worker agents): median {median * 1000:.1f} ms, "
        f"max {max(session.step_seconds) * 1000:.1f} ms over 12 months"
    )
