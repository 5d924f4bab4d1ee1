"""The Explore view in a real browser.

Runs in headless Chromium against ``corridors dashboard`` (fixtures in ``dashboard_browser``);
skipped with the reason when Chromium, Playwright or Solara's assets are missing."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from dashboard_browser import (
    BROWSER_MARKS,
    ENFORCEMENT,
    expect,
    irregular_stock,
    month_text,
    open_dashboard,
    open_explore,
    shown_month,
    step,
)

pytestmark = BROWSER_MARKS


def test_maximum_enforcement_lowers_the_irregular_stock(context, dashboard_url, artifacts):
    page = open_dashboard(context, dashboard_url)
    open_explore(page)
    assert shown_month(page) == "2009-12"
    step(page, 4)
    reached, baseline_stock = shown_month(page), irregular_stock(page)
    assert reached == "2010-04"

    page.get_by_role("button", name="Enforcement and regularisation").click()
    slider = page.get_by_role("slider", name=re.compile(rf"^{ENFORCEMENT} \["))
    expect(slider).to_have_attribute("aria-valuenow", "0.002")  # the baseline's THA value
    slider.focus()
    slider.press("End")
    expect(slider).to_have_attribute("aria-valuenow", "0.2")
    # the Explore model is rebuilt from the new settings
    expect(month_text(page)).to_contain_text("Month: 2009-12")
    step(page, 4)
    assert shown_month(page) == reached
    crackdown_stock = irregular_stock(page)
    assert crackdown_stock < baseline_stock, (crackdown_stock, baseline_stock)
    page.screenshot(path=artifacts / "explore.png", full_page=True)

    # the downloaded settings carry the new value for every destination
    with page.expect_download() as download:
        page.get_by_role("button", name="Download settings (TOML)").click()
    data = tomllib.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["name"] == "baseline_custom"
    assert set(data["levers"][ENFORCEMENT].values()) == {0.2}


def test_play_and_pause_in_the_browser(context, dashboard_url):
    """At the default 0.3 s per month the page keeps showing new months while playing, and
    Pause is heard promptly (the session is not kept busy redrawing)."""
    page = open_dashboard(context, dashboard_url)
    open_explore(page)
    page.get_by_role("button", name="Play").click()
    expect(page.get_by_role("button", name="Step")).to_be_disabled()
    expect(month_text(page)).to_contain_text(re.compile(r"Month: 2010-0[2-9]"), timeout=30_000)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Step")).to_be_enabled()
    paused_at = shown_month(page)
    page.wait_for_timeout(2000)
    assert shown_month(page) == paused_at
    assert paused_at < "2019-12"
