"""The levers panel and the page around it, rendered without a browser (widgets driven by
setting ``v_model`` or clicking, as a browser would)."""

from __future__ import annotations

import dataclasses
import math
import tomllib

import ipyvuetify as v
import numpy as np
import pytest
import solara
from dashboard_widgets import (
    lever_controls,
    page_text,
    render_with_settings,
    shown_value,
    wait_until,
    walk,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from solara.components.file_download import FileDownloadWidget

from dashboards.app import Page
from dashboards.levers_panel import SCALE_CHOICES, LeversPanel, _step
from dashboards.settings_state import PanelSettings, settings_from_toml
from scenarios.calendar import month_index, month_label
from scenarios.drivers import DRIVERS
from scenarios.errors import ScenarioError
from scenarios.levers import LEVERS
from scenarios.scenario import load_scenario, preset_names, scenario_from_dict
from simulation.model import MigrationModel

PANEL_DECLS = (*LEVERS, *DRIVERS)
SMALL = {"end": "2011-12", "people_per_agent": 5000.0}
ENFORCEMENT = "enforcement_monthly_arrest_probability"


@pytest.fixture
def panel():
    box, rc, holder = render_with_settings(LeversPanel, PanelSettings())
    yield box, rc, holder
    rc.close()


# ---- the whole page -----------------------------------------------------------------------
def test_page_renders_every_view_inside_an_app_layout():
    box, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    try:
        tabs = [t.children[0] for t in rc.find(v.Tab).widgets]
        assert tabs == ["Compare", "Explore", "Learn", "Results"]
        for label in (
            "Run comparison",
            "Play",
            "Step",
            "Reset",
            "Pick a migrant",
            "Reset to preset",
        ):
            rc.find(v.Btn, children=[label]).assert_single()
        assert rc.find(v.Select, label="Preset").widget.v_model == "baseline"
        assert "Month: 2009-12" in page_text(box)
        assert "Reading guide for students" in page_text(box)
    finally:
        rc.close()


# ---- levers panel -------------------------------------------------------------------------
def test_one_control_per_declared_lever_and_driver(panel):
    box, _, _ = panel
    controls = lever_controls(box)
    assert set(controls) == {d.name for d in PANEL_DECLS}
    base = load_scenario("baseline")
    for decl in PANEL_DECLS:
        widget, per_key = controls[decl.name]
        expected_type = {"bool": v.Checkbox, "months": v.TextField}.get(decl.kind, v.Slider)
        assert isinstance(widget, expected_type), decl.name
        if decl.kind in ("int", "float"):
            assert (widget.min, widget.max) == (decl.minimum, decl.maximum), decl.name
            assert all((w.min, w.max) == (decl.minimum, decl.maximum) for w in per_key.values()), (
                decl.name
            )
        keys = list(base[decl.name]) if hasattr(base[decl.name], "items") else []
        assert list(per_key) == keys, decl.name


@pytest.mark.parametrize("preset", preset_names())
def test_controls_start_at_the_presets_resolved_values(panel, preset):
    box, rc, holder = panel
    rc.find(v.Select, label="Preset").widget.v_model = preset
    assert holder.settings.value.preset == preset
    assert holder.settings.value.overrides == {}
    scenario = load_scenario(preset)
    controls = lever_controls(box)
    for decl in PANEL_DECLS:
        widget, per_key = controls[decl.name]
        value = scenario[decl.name]
        if hasattr(value, "items"):
            assert set(per_key) == set(value), decl.name
            for key, control in per_key.items():
                assert shown_value(decl, control) == value[key], (decl.name, key)
            assert shown_value(decl, widget) == value[next(iter(value))], decl.name
        else:
            assert shown_value(decl, widget) == value, decl.name


def test_crackdown_preset_shows_its_enforcement_for_thailand(panel):
    box, rc, _ = panel
    _, per_key = lever_controls(box)[ENFORCEMENT]
    assert per_key["THA"].v_model == load_scenario("baseline")[ENFORCEMENT]["THA"] == 0.002
    rc.find(v.Select, label="Preset").widget.v_model = "crackdown"
    _, per_key = lever_controls(box)[ENFORCEMENT]
    assert per_key["THA"].v_model == load_scenario("crackdown")[ENFORCEMENT]["THA"] == 0.006
    assert per_key["SGP"].v_model == 0.03


def test_moving_controls_changes_the_overrides_and_the_scenario(panel):
    box, rc, holder = panel
    base = load_scenario("baseline")
    _, per_key = lever_controls(box)[ENFORCEMENT]
    per_key["THA"].v_model = 0.1
    s = holder.settings.value
    assert s.overrides == {ENFORCEMENT: {"THA": 0.1}}
    assert dict(s.scenario()[ENFORCEMENT]) == {**base[ENFORCEMENT], "THA": 0.1}
    # the control re-renders with the new value; the group says the countries differ
    assert lever_controls(box)[ENFORCEMENT][1]["THA"].v_model == 0.1

    top, _ = lever_controls(box)["protection_coverage"]
    top.v_model = 0.5
    s = holder.settings.value
    assert s.overrides["protection_coverage"] == 0.5
    assert set(s.scenario()["protection_coverage"].values()) == {0.5}

    top, _ = lever_controls(box)["adaptive_policy"]
    top.v_model = True
    assert all(holder.settings.value.scenario()["adaptive_policy"].values())

    top, _ = lever_controls(box)["annual_regular_quota"]
    top.v_model = 1_000_000
    assert set(holder.settings.value.scenario()["annual_regular_quota"].values()) == {1_000_000}
    assert holder.settings.value.scenario().digest() != base.with_values(end="2019-12").digest()

    # "Reset to preset" drops every override
    rc.find(v.Btn, children=["Reset to preset"]).widget.click()
    assert holder.settings.value.overrides == {}
    assert lever_controls(box)[ENFORCEMENT][1]["THA"].v_model == 0.002


def test_months_text_is_parsed_and_bad_months_are_refused(panel):
    box, _, holder = panel
    field, _ = lever_controls(box)["amnesty_start"]
    field.v_model = "2012-01; 2013-05"
    field.fire_event("keyup.enter", None)
    assert holder.settings.value.overrides == {"amnesty_start": ["2012-01", "2013-05"]}
    assert set(holder.settings.value.scenario()["amnesty_start"].values()) == {(24, 40)}

    field, _ = lever_controls(box)["amnesty_start"]
    field.v_model = "2012-13"
    field.fire_event("focusout", None)
    assert holder.settings.value.overrides == {"amnesty_start": ["2012-01", "2013-05"]}
    assert "write months as YYYY-MM" in page_text(box)


def test_run_length_and_scale_selects_change_the_settings(panel):
    _, rc, holder = panel
    rc.find(v.Select, label="Run until").widget.v_model = "2012-12"
    rc.find(v.Select, label="People per agent").widget.v_model = 2000.0
    s = holder.settings.value
    assert (s.end, s.people_per_agent) == ("2012-12", 2000.0)
    assert s.scenario().end == 35 and s.scenario().people_per_agent == 2000.0


def test_one_country_after_all_countries_keeps_the_all_value(panel):
    box, _, holder = panel
    top, _ = lever_controls(box)[ENFORCEMENT]
    top.v_model = 0.1
    _, per_key = lever_controls(box)[ENFORCEMENT]
    per_key["THA"].v_model = 0.05
    assert dict(holder.settings.value.scenario()[ENFORCEMENT]) == {
        "THA": 0.05,
        "MYS": 0.1,
        "SGP": 0.1,
    }


def test_every_preset_value_is_shown_faithfully():
    """Whole numbers sit exactly on their slider's grid (a quota of 15,000 must not show as
    25,000); other numbers are within half a step (a thousandth of the range), and the lever's
    label states the exact value."""
    off = []
    for preset in preset_names():
        scenario = load_scenario(preset)
        for decl in PANEL_DECLS:
            if decl.kind not in ("int", "float"):
                continue
            value = scenario[decl.name]
            for x in value.values() if hasattr(value, "items") else [value]:
                k = (x - decl.minimum) / _step(decl)
                if decl.kind == "int" and abs(k - round(k)) > 1e-9:
                    off.append((preset, decl.name, x))
                if abs(k - round(k)) * _step(decl) > _step(decl) / 2 + 1e-12:
                    off.append((preset, decl.name, x))
    assert not off, off[:10]


def test_downloaded_toml_reloads_to_the_same_scenario(panel):
    box, rc, holder = panel
    # no change: the file is the panel's scenario exactly
    s = holder.settings.value
    reloaded = scenario_from_dict(tomllib.loads(s.to_toml()))
    assert reloaded.digest() == s.scenario().digest()

    # after changes (per country, all countries, months): same values, name marked custom
    rc.find(v.Select, label="Preset").widget.v_model = "crackdown"
    lever_controls(box)[ENFORCEMENT][1]["THA"].v_model = 0.15
    lever_controls(box)["border_control"][0].v_model = 0.7
    field = lever_controls(box)["push_shock_start"][1]["KHM"]
    field.v_model = "2015-03"
    field.fire_event("keyup.enter", None)
    s = holder.settings.value
    assert set(s.overrides) == {ENFORCEMENT, "border_control", "push_shock_start"}

    # the download button hands out the current settings
    def download_button():
        return next(
            w
            for w in walk(box)
            if isinstance(w, FileDownloadWidget) and w.filename == "scenario.toml"
        )

    download_button().request_download = True
    data = wait_until(lambda: download_button().bytes, 20, "the TOML download")
    assert data.decode("utf-8") == s.to_toml()

    reloaded = scenario_from_dict(tomllib.loads(data.decode("utf-8")))
    expected = s.scenario()
    assert reloaded.name == "crackdown_custom"
    assert reloaded[ENFORCEMENT]["THA"] == 0.15
    assert reloaded["push_shock_start"]["KHM"] == (62,)
    assert dict(reloaded.values) == dict(expected.values)
    assert reloaded.digest() == dataclasses.replace(expected, name="crackdown_custom").digest()
    # uploading the file again gives the same scenario
    uploaded = settings_from_toml(data, "scenario.toml")
    assert uploaded.scenario().digest() == reloaded.digest()
    assert (uploaded.end, uploaded.people_per_agent) == (s.end, s.people_per_agent)


BAD_FILES = {
    "syntax": b"name = [unclosed\n",
    "not utf-8": b"\xff\xfe\x00name",
    "out of range": b"[levers]\nenforcement_monthly_arrest_probability = 0.9\n",
    "unknown lever": b"[levers]\nno_such_lever = 1\n",
    "wrong section": b"[drivers]\nborder_control = 0.5\n",
    "unknown country": b"[levers]\nborder_control = { XYZ = 0.5 }\n",
    "wrong type": b'[levers]\nadaptive_policy = "yes"\n',
    "bad month": b'[drivers]\nborder_closure_start = ["2020-13"]\n',
    "bad end": b'[settings]\nend = "2050-12"\n',
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_settings_from_toml_rejects_a_bad_file(content):
    with pytest.raises(ScenarioError) as info:
        settings_from_toml(content, "mine.toml")
    assert "mine.toml" in str(info.value)


def test_reset_to_preset_after_an_upload():
    box, rc, holder = render_with_settings(LeversPanel, PanelSettings())
    raised = None
    try:
        changed = PanelSettings().with_override("border_control", 0.6)
        holder.settings.set(settings_from_toml(changed.to_toml().encode(), "mine.toml"))
        assert "using the uploaded scenario" in page_text(box)
        try:
            rc.find(v.Btn, children=["Reset to preset"]).widget.click()
            holder.settings.value.scenario()
        except ScenarioError as exc:
            raised = exc
    finally:
        try:
            rc.close()
        except Exception:  # the render context is broken after the error
            pass
    assert raised is None, raised


# ---- any panel values run -----------------------------------------------------------------
_BASE = load_scenario("baseline")


@st.composite
def panel_settings(draw) -> PanelSettings:
    settings_ = PanelSettings(
        preset=draw(st.sampled_from(preset_names())),
        end="2011-12",
        people_per_agent=draw(st.sampled_from(SCALE_CHOICES)),
    )
    decls = draw(
        st.lists(st.sampled_from(PANEL_DECLS), min_size=6, max_size=8, unique_by=lambda d: d.name)
    )
    for decl in decls:
        if decl.kind == "bool":
            value = draw(st.booleans())
        elif decl.kind == "months":
            value = draw(st.lists(st.integers(0, 311).map(month_label), max_size=3))
        elif decl.kind == "int":
            value = draw(st.integers(int(decl.minimum), int(decl.maximum)))
        else:
            value = draw(st.floats(decl.minimum, decl.maximum, allow_nan=False))
        keys = list(_BASE[decl.name]) if hasattr(_BASE[decl.name], "items") else []
        key = draw(st.sampled_from([None, *keys]))
        settings_ = settings_.with_override(decl.name, value, key=key)
    return settings_


@settings(
    max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(panel_settings())
def test_any_lever_values_the_panel_allows_run(chosen):
    scenario = chosen.scenario()
    for name, value in chosen.overrides.items():
        resolved = scenario[name]
        given = (
            value
            if isinstance(value, dict)
            else (dict.fromkeys(resolved, value) if hasattr(resolved, "items") else {None: value})
        )
        for key, x in given.items():
            got = resolved if key is None else resolved[key]
            assert got == (
                tuple(sorted(month_index(m) for m in x)) if isinstance(x, list) else x
            ), (name, key)
    model = MigrationModel(scenario)
    for _ in range(3):
        model.step()
    assert model.month_label == "2010-03"
    for stock in (model.regular_stock, model.irregular_stock):
        assert math.isfinite(stock) and stock >= 0
    assert np.isfinite(model.metrics.latest("stock")).all()
