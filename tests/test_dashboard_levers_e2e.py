"""The levers panel in a real browser: what a policymaker sees is what they set.

Runs in headless Chromium against ``corridors dashboard`` (fixtures in ``dashboard_browser``);
skipped with the reason when Chromium, Playwright or Solara's assets are missing.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from dashboard_browser import BROWSER_MARKS, TIMEOUT_MS, expect, open_dashboard

from scenarios.levers import POLICY_GROUPS

pytestmark = BROWSER_MARKS

GROUPS = [g.capitalize() for g in POLICY_GROUPS] + ["Drivers"]
PHONE = {"width": 390, "height": 844}
ENFORCEMENT = "enforcement_monthly_arrest_probability"


def download_settings(page) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("button", name="Download settings (TOML)").click()
    return Path(download.value.path()).read_bytes()


def lever(page, name: str):
    return page.locator(f".lever-{name}")


def number_field(page, name: str, key: str | None = None):
    scope = ".lever-all" if key is None else f".lever-key-{key}"
    return lever(page, name).locator(f"{scope} input[type=number]").first


OPEN = re.compile("v-expansion-panel-header--active")
CLICKS = 3
"""Clicks on a closed group's header before giving up. A user clicks again when a click does
nothing, and a headless click sometimes does nothing here: in one CI run (7 December 2026) the
first click on "Pre-deployment" left the header with Vuetify's ``--mousedown`` class and never
opened it (the mouseup was lost), so a single click made the test fail on what it does not
test."""


def open_group(page, group: str) -> None:
    header = (
        page.locator(".v-expansion-panel-header")
        .filter(has_text=re.compile(f"^{re.escape(group)}$"))
        .first
    )
    for click in range(1, CLICKS + 1):
        header.click()
        try:
            expect(header).to_have_class(OPEN, timeout=TIMEOUT_MS // CLICKS)
            return
        except AssertionError:
            if click == CLICKS:
                raise


@pytest.fixture
def phone(chromium):
    ctx = chromium.new_context(
        viewport=PHONE, accept_downloads=True, has_touch=True, is_mobile=True, device_scale_factor=2
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


def test_opening_every_lever_group_changes_nothing(context, dashboard_url):
    """Issue 11, defect 1: sliders drawn for the first time used to snap their values to the
    step grid and store them (processing months of 3-6 per corridor became 4.512)."""
    page = open_dashboard(context, dashboard_url)
    before = download_settings(page)
    for group in GROUPS:
        open_group(page, group)
    # and the per-country values of the levers the issue saw rewritten
    for name in (
        "regular_processing_months",
        "border_closure_crossing_factor",
        "crackdown_enforcement_multiplier",
        ENFORCEMENT,
    ):
        by_key = lever(page, name).locator(".v-expansion-panel-header")
        if by_key.count():
            by_key.first.click()
    expect(number_field(page, "regular_processing_months", "MMR-THA")).to_be_visible()
    page.wait_for_timeout(1500)  # anything the drawn sliders would send has arrived
    after = download_settings(page)
    assert after == before
    shown = number_field(page, "crackdown_enforcement_multiplier").input_value()
    assert shown == "2", shown  # off the slider's grid, shown as it is
    assert tomllib.loads(after.decode())["name"] == "baseline"


def test_a_mouse_drag_moves_a_lever_and_the_value_shown(context, dashboard_url):
    page = open_dashboard(context, dashboard_url)
    open_group(page, "Enforcement and regularisation")
    field = number_field(page, "border_control")
    start = float(field.input_value())
    track = lever(page, "border_control").locator(".lever-all .v-slider").first
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    assert box["width"] >= 200, box  # a track a mouse can use
    thumb = lever(page, "border_control").locator(".lever-all .v-slider__thumb").first
    t = thumb.bounding_box()
    x, y = t["x"] + t["width"] / 2, t["y"] + t["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + box["width"] * 0.3, y, steps=8)
    page.mouse.up()
    for _ in range(100):  # the server's answer redraws the field
        if float(field.input_value()) != start:
            break
        page.wait_for_timeout(200)
    moved = float(field.input_value())
    assert moved > start + 0.1, (start, moved)
    data = tomllib.loads(download_settings(page).decode())
    assert set(data["levers"]["border_control"].values()) == {moved}
    assert data["name"] == "baseline_custom"


def test_typing_a_value_and_reloading_keeps_it(context, dashboard_url):
    """The levers live in the page address: a reload (or a shared link) opens them."""
    page = open_dashboard(context, dashboard_url)
    open_group(page, "Enforcement and regularisation")
    field = number_field(page, ENFORCEMENT)
    field.fill("0.0123")
    field.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]s="), timeout=20_000)
    page.reload()
    expect(page.get_by_role("button", name="Run comparison")).to_be_visible(timeout=TIMEOUT_MS)
    open_group(page, "Enforcement and regularisation")
    expect(number_field(page, ENFORCEMENT)).to_have_value("0.0123")
    data = tomllib.loads(download_settings(page).decode())
    assert set(data["levers"][ENFORCEMENT].values()) == {0.0123}


def test_a_scenario_loads_through_the_file_picker(context, dashboard_url, tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text('name = "mine"\nextends = "baseline"\n[levers]\nborder_control = 0.65\n')
    page = open_dashboard(context, dashboard_url)
    button = page.get_by_role("button", name="Load a scenario file")
    expect(page.get_by_role("button", name="Drivers")).to_be_visible()  # panel drawn
    with page.expect_file_chooser(timeout=20_000) as chooser:
        button.click()
    chooser.value.set_files(str(mine))
    expect(page.get_by_text("loaded mine.toml")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("using the uploaded scenario 'mine'")).to_be_visible()
    open_group(page, "Enforcement and regularisation")
    expect(number_field(page, "border_control")).to_have_value("0.65")

    # a keyboard user reaches the picker: Tab to the button, Enter opens the file dialog
    # (seen as the click on the hidden file input that opens it)
    page.evaluate("""() => { window.pickerOpened = 0;
        document.addEventListener('click', e => { if (e.target.type === 'file')
            window.pickerOpened++; }, true); }""")
    button.focus()
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_function("window.pickerOpened > 0", timeout=20_000)


def test_an_upload_extending_a_server_file_shows_nothing_of_it(context, dashboard_url, tmp_path):
    """Issue 12, item 1: an upload may extend shipped presets only, and an error never
    echoes what a file the user did not write holds."""
    secret = tmp_path / "secret.toml"
    secret.write_text('api_token = "tok-9f8e7d"\n')
    page = open_dashboard(context, dashboard_url)
    for n, extends in enumerate((str(secret), "../../../../../../.." + str(secret))):
        upload = tmp_path / f"up{n}.toml"
        upload.write_text(f'extends = "{extends}"\n')
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Load a scenario file").click()
        chooser.value.set_files(str(upload))
        expect(page.get_by_text(f"not loaded: up{n}.toml")).to_be_visible(timeout=20_000)
        content = page.content()
        assert "tok-9f8e7d" not in content and "api_token" not in content
    expect(page.get_by_text("using the uploaded scenario")).to_have_count(0)


def test_a_phone_gets_folded_levers_and_no_sideways_scroll(phone, dashboard_url):
    page = open_dashboard(phone, dashboard_url)

    def page_width() -> int:
        return page.evaluate("document.documentElement.scrollWidth")

    toggle = page.get_by_role("button", name="Show policy levers")
    expect(toggle).to_be_visible()
    expect(page.get_by_role("button", name="Download settings (TOML)")).to_be_hidden()
    expect(page.get_by_role("tab", name="Compare")).to_be_in_viewport()  # views come first
    assert page_width() <= PHONE["width"]
    toggle.tap()
    expect(page.get_by_role("button", name="Hide policy levers")).to_be_visible()
    for group in ("Recruitment", "Enforcement and regularisation"):
        open_group(page, group)
    controls = page.locator(".corridors-levers").locator(
        ".v-slider:visible, input:not([type=checkbox]):visible, .v-select:visible"
    )
    expect(controls.first).to_be_visible()
    narrow = []
    for i in range(controls.count()):
        box = controls.nth(i).bounding_box()
        if box and box["width"] < 200:
            narrow.append((i, box["width"]))
    assert controls.count() > 10 and not narrow, narrow
    assert page_width() <= PHONE["width"]
    # typing on a phone works like anywhere else
    field = number_field(page, "annual_regular_quota")
    field.fill("150000")
    field.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]s="), timeout=20_000)  # the server has it
    data = tomllib.loads(download_settings(page).decode())
    assert set(data["levers"]["annual_regular_quota"].values()) == {150000}
    page.get_by_role("button", name="Hide policy levers").tap()
    expect(page.get_by_role("button", name="Show policy levers")).to_be_visible()
    for tab in ("Explore", "Learn", "Results", "Compare"):
        page.get_by_role("tab", name=tab).tap()
        page.wait_for_timeout(300)
        assert page_width() <= PHONE["width"], tab
