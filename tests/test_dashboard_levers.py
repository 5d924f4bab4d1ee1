"""The levers panel and the page around it, rendered without a browser (widgets driven as a
browser would: typing into a number field and pressing Enter, letting go of a slider, ticking
a box)."""

from __future__ import annotations

import base64
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
    walk,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.app import Page, initial_settings
from dashboards.file_picker import MAX_BYTES, FilePickerWidget, decode_picked
from dashboards.lever_controls import exact_text, parse_number, plain_description
from dashboards.levers_panel import SCALE_CHOICES, LeversPanel
from dashboards.settings_state import (
    NOT_IN_PANEL,
    PanelSettings,
    grouped_levers,
    load_upload,
    settings_from_query,
    settings_from_toml,
)
from dashboards.text_download import TextDownloadWidget
from scenarios.calendar import month_index, month_label
from scenarios.drivers import DRIVERS
from scenarios.errors import ScenarioError
from scenarios.levers import LEVERS
from scenarios.registry import DECLARATIONS
from scenarios.scenario import load_scenario, preset_names, scenario_from_dict
from simulation.model import MigrationModel

PANEL_DECLS = tuple(d for d in (*LEVERS, *DRIVERS) if d.name not in NOT_IN_PANEL)
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
        assert tabs == ["Compare", "Explore", "Learn", "Results", "Search"]
        rc.find(v.Btn, children=["Reset to preset"]).assert_single()
        assert "Show policy levers" in page_text(box)
        assert rc.find(v.Select, label="Preset").widget.v_model == "baseline"
    finally:
        rc.close()


def test_the_page_address_restores_the_levers_and_a_bad_one_is_refused():
    changed = PanelSettings(preset="crackdown", end="2014-12", people_per_agent=1000.0)
    changed = changed.with_override(ENFORCEMENT, 0.05, key="THA").with_override(
        "border_control", 0.7
    )
    token = changed.to_query()
    restored, problem = initial_settings(f"s={token}&other=1")
    assert problem == "" and restored == changed
    assert restored.scenario().digest() == changed.scenario().digest()
    assert PanelSettings().to_query() == ""
    assert initial_settings(None) == (PanelSettings(), "")
    # a damaged or hostile link falls back to the defaults and says why
    for bad in ("not-base64!", token[:-6], base64.urlsafe_b64encode(b"x" * 50).decode()):
        settings_, why = initial_settings(f"s={bad}")
        assert settings_ == PanelSettings() and "not used" in why
    hostile = dataclasses.replace(changed, people_per_agent=1.0).to_query()
    with pytest.raises(ScenarioError, match="scale"):
        settings_from_query(hostile)
    out_of_range = PanelSettings().with_override(ENFORCEMENT, 0.9).to_query()
    with pytest.raises(ScenarioError, match=ENFORCEMENT):
        settings_from_query(out_of_range)


# ---- levers panel -------------------------------------------------------------------------
def test_one_control_per_declared_lever_and_driver(panel):
    box, _, _ = panel
    controls = lever_controls(box)
    assert set(controls) == {d.name for d in PANEL_DECLS}
    base = load_scenario("baseline")
    for decl in PANEL_DECLS:
        top, per_key = controls[decl.name]
        if decl.kind == "bool":
            assert top.checkbox is not None, decl.name
        elif decl.kind == "months":
            assert top.field is not None and top.slider is None, decl.name
        else:
            assert (top.slider.min, top.slider.max) == (decl.minimum, decl.maximum), decl.name
            assert all(
                (c.slider.min, c.slider.max) == (decl.minimum, decl.maximum)
                for c in per_key.values()
            ), decl.name
        keys = list(base[decl.name]) if hasattr(base[decl.name], "items") else []
        assert list(per_key) == keys, decl.name


def test_levers_are_named_in_plain_words_with_units(panel):
    box, _, _ = panel
    text = page_text(box)
    for decl in PANEL_DECLS:
        assert decl.label and "_" not in decl.label, decl.name
        assert f"{decl.title} ({decl.unit})" in text or decl.kind == "bool", decl.name
        assert "``" not in plain_description(decl), decl.name
    assert "border interception max" in plain_description(DECLARATIONS["border_control"])


@pytest.mark.parametrize("preset", preset_names())
def test_controls_start_at_the_presets_resolved_values(panel, preset):
    box, rc, holder = panel
    rc.find(v.Select, label="Preset").widget.v_model = preset
    assert holder.settings.value.preset == preset
    assert holder.settings.value.overrides == {}
    scenario = load_scenario(preset)
    controls = lever_controls(box)
    for decl in PANEL_DECLS:
        top, per_key = controls[decl.name]
        value = scenario[decl.name]
        if hasattr(value, "items"):
            assert set(per_key) == set(value), decl.name
            for key, control in per_key.items():
                assert shown_value(decl, control) == value[key], (decl.name, key)
            assert shown_value(decl, top) == value[next(iter(value))], decl.name
        else:
            assert shown_value(decl, top) == value, decl.name


def test_drawing_a_slider_off_its_grid_changes_nothing(panel):
    """Defect 1 of issue 11: Vuetify snaps a value to the slider's grid when it draws it and
    reports the snapped value. That must never reach the scenario: only a user's change
    event does."""
    box, _, holder = panel
    before = holder.settings.value
    digest = before.scenario().digest()
    for _name, (top, per_key) in lever_controls(box).items():
        for control in (top, *per_key.values()):
            if control.slider is not None:
                x = control.slider.v_model
                control.draw_snapped(x + control.slider.step * 0.37)
    assert holder.settings.value == before
    assert holder.settings.value.scenario().digest() == digest
    # the per-corridor processing months the issue saw rewritten are still shown exactly
    base = load_scenario("baseline")["regular_processing_months"]
    shown = {k: c.shown() for k, c in lever_controls(box)["regular_processing_months"][1].items()}
    assert shown == dict(base) and len(set(shown.values())) > 1


def test_every_value_is_shown_exactly_in_its_number_field():
    """A value off the slider's grid (a crackdown multiplier of 2, a quota of 15,000) is
    written as it is; plain decimals, never scientific notation."""
    for preset in preset_names():
        scenario = load_scenario(preset)
        for decl in PANEL_DECLS:
            if decl.kind not in ("int", "float"):
                continue
            value = scenario[decl.name]
            for x in value.values() if hasattr(value, "items") else [value]:
                text = exact_text(x)
                assert "e" not in text.lower(), (preset, decl.name, text)
                parsed, why = parse_number(decl, text)
                assert why == "" and parsed == x, (preset, decl.name, x, text)
    assert exact_text(2e-06) == "0.000002" and exact_text(1_500_000) == "1500000"


def test_typing_a_number_commits_it_and_bad_text_is_refused(panel):
    box, _, holder = panel
    control = lever_controls(box)["crackdown_enforcement_multiplier"][0]
    control.type("2.345")
    assert set(holder.settings.value.scenario()["crackdown_enforcement_multiplier"].values()) == {
        2.345
    }
    for bad, why in (("abc", "not a number"), ("11", "out of range"), ("nan", "out of range")):
        lever_controls(box)["crackdown_enforcement_multiplier"][0].type(bad)
        assert why in page_text(box), bad
        assert set(
            holder.settings.value.scenario()["crackdown_enforcement_multiplier"].values()
        ) == {2.345}
    lever_controls(box)["annual_regular_quota"][0].type("15000.5")
    assert "not a whole number" in page_text(box)


def test_crackdown_preset_shows_its_enforcement_for_thailand(panel):
    box, rc, _ = panel
    _, per_key = lever_controls(box)[ENFORCEMENT]
    assert per_key["THA"].shown() == load_scenario("baseline")[ENFORCEMENT]["THA"] == 0.002
    rc.find(v.Select, label="Preset").widget.v_model = "crackdown"
    _, per_key = lever_controls(box)[ENFORCEMENT]
    assert per_key["THA"].shown() == load_scenario("crackdown")[ENFORCEMENT]["THA"] == 0.006
    assert per_key["SGP"].shown() == 0.03


def test_moving_controls_changes_the_overrides_and_the_scenario(panel):
    box, rc, holder = panel
    base = load_scenario("baseline")
    _, per_key = lever_controls(box)[ENFORCEMENT]
    per_key["THA"].drag(0.1)
    s = holder.settings.value
    assert s.overrides == {ENFORCEMENT: {"THA": 0.1}}
    assert dict(s.scenario()[ENFORCEMENT]) == {**base[ENFORCEMENT], "THA": 0.1}
    # the control re-renders with the new value
    assert lever_controls(box)[ENFORCEMENT][1]["THA"].shown() == 0.1

    top, _ = lever_controls(box)["protection_coverage"]
    top.drag(0.5)
    s = holder.settings.value
    assert s.overrides["protection_coverage"] == 0.5
    assert set(s.scenario()["protection_coverage"].values()) == {0.5}

    top, _ = lever_controls(box)["adaptive_policy"]
    top.type(True)
    assert all(holder.settings.value.scenario()["adaptive_policy"].values())

    top, _ = lever_controls(box)["annual_regular_quota"]
    top.type(1_000_000)
    assert set(holder.settings.value.scenario()["annual_regular_quota"].values()) == {1_000_000}
    assert holder.settings.value.scenario().digest() != base.with_values(end="2019-12").digest()

    # "Reset to preset" drops every override
    rc.find(v.Btn, children=["Reset to preset"]).widget.click()
    assert holder.settings.value.overrides == {}
    assert lever_controls(box)[ENFORCEMENT][1]["THA"].shown() == 0.002


def test_months_text_is_parsed_and_bad_months_are_refused(panel):
    box, _, holder = panel
    field, _ = lever_controls(box)["amnesty_start"]
    field.type("2012-01; 2013-05")
    assert holder.settings.value.overrides == {"amnesty_start": ["2012-01", "2013-05"]}
    assert set(holder.settings.value.scenario()["amnesty_start"].values()) == {(24, 40)}

    field, _ = lever_controls(box)["amnesty_start"]
    field.field.v_model = "2012-13"
    field.field.fire_event("focusout", None)
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
    top.drag(0.1)
    _, per_key = lever_controls(box)[ENFORCEMENT]
    per_key["THA"].type("0.05")
    assert dict(holder.settings.value.scenario()[ENFORCEMENT]) == {
        "THA": 0.05,
        "MYS": 0.1,
        "SGP": 0.1,
    }


def test_downloaded_toml_reloads_to_the_same_scenario(panel):
    box, rc, holder = panel
    # no change: the file is the panel's scenario exactly
    s = holder.settings.value
    reloaded = scenario_from_dict(tomllib.loads(s.to_toml()))
    assert reloaded.digest() == s.scenario().digest()

    # after changes (per country, all countries, months): same values, name marked custom
    rc.find(v.Select, label="Preset").widget.v_model = "crackdown"
    lever_controls(box)[ENFORCEMENT][1]["THA"].type("0.15")
    lever_controls(box)["border_control"][0].drag(0.7)
    lever_controls(box)["push_shock_start"][1]["KHM"].type("2015-03")
    s = holder.settings.value
    assert set(s.overrides) == {ENFORCEMENT, "border_control", "push_shock_start"}

    # the download button holds the current settings (the browser saves them on a click)
    button = next(
        w for w in walk(box) if isinstance(w, TextDownloadWidget) and w.filename == "scenario.toml"
    )
    data = button.content.encode("utf-8")
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
    "extends a path": b'extends = "/etc/passwd"\n',
    "extends upwards": b'extends = "../../calibration/default.toml"\n',
    "extends a sibling file": b'extends = "baseline.toml"\n',
    "deeply nested": b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n",
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_settings_from_toml_rejects_a_bad_file(content):
    with pytest.raises(ScenarioError) as info:
        settings_from_toml(content, "mine.toml")
    assert "mine.toml" in str(info.value)


def test_an_upload_extending_a_file_never_shows_what_the_file_holds(tmp_path):
    secret = tmp_path / "secret.toml"
    secret.write_text('token_x7 = "s3cr3t-value"\n[levers]\nborder_control = 0.5\n')
    for extends in (str(secret), f"../../../../../../..{secret}"):
        with pytest.raises(ScenarioError) as info:
            settings_from_toml(f'extends = "{extends}"\n'.encode(), "mine.toml")
        assert "s3cr3t" not in str(info.value) and "token_x7" not in str(info.value)
        assert "preset" in str(info.value)


def test_an_upload_finer_than_the_dashboard_runs_is_bounded_and_says_so():
    loaded, notes = load_upload(
        b'extends = "baseline"\n[settings]\npeople_per_agent = 1\nend = "2035-12"\n', "big.toml"
    )
    assert loaded.people_per_agent == SCALE_CHOICES[0] == 250.0
    assert loaded.scenario().people_per_agent == 250.0
    assert len(notes) == 1 and "finer than the dashboard runs" in notes[0]


def test_the_file_picker_takes_a_file_and_refuses_a_large_or_damaged_one(panel):
    box, _, holder = panel
    picker = next(w for w in walk(box) if isinstance(w, FilePickerWidget))
    content = PanelSettings().with_override("border_control", 0.6).to_toml().encode()
    picker.picked = {"name": "mine.toml", "data": base64.b64encode(content).decode(), "nonce": 1}
    assert holder.settings.value.uploaded is not None
    assert set(holder.settings.value.scenario()["border_control"].values()) == {0.6}
    assert "loaded mine.toml" in page_text(box)
    picker = next(w for w in walk(box) if isinstance(w, FilePickerWidget))
    picker.picked = {"name": "huge.toml", "too_big": True, "nonce": 2}
    assert "not loaded: huge.toml: larger than" in page_text(box)
    assert decode_picked({"name": "x", "data": "!!!"})["error"]
    big = base64.b64encode(b"#" * (MAX_BYTES + 1)).decode()
    assert "larger than" in decode_picked({"name": "x", "data": big})["error"]


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
def test_any_lever_values_the_panel_allows_run_and_survive_the_page_address(chosen):
    assert settings_from_query(chosen.to_query()) == chosen
    scenario = chosen.scenario()
    for name, value in chosen.overrides.items():
        resolved = scenario[name]
        given_ = (
            value
            if isinstance(value, dict)
            else (dict.fromkeys(resolved, value) if hasattr(resolved, "items") else {None: value})
        )
        for key, x in given_.items():
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


def test_the_panel_offers_every_lever_and_driver_but_the_door_at_the_start():
    """The revolving door at the start is an initial condition that a corridor's stock bounds
    (most of its range is refused on small corridors): not in the panel; everything else
    declared as a lever or driver is."""
    offered = {d.name for _, decls in grouped_levers() for d in decls}
    assert offered == {d.name for d in (*LEVERS, *DRIVERS)} - NOT_IN_PANEL
    assert NOT_IN_PANEL == {"initial_forced_returns_per_month"}
