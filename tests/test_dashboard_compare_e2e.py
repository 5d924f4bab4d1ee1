"""The Compare view in a real browser.

Runs in headless Chromium against ``corridors dashboard`` (fixtures in ``dashboard_browser``);
skipped with the reason when Chromium, Playwright or Solara's assets are missing."""

from __future__ import annotations

import re

from dashboard_browser import (
    BROWSER_MARKS,
    TIMEOUT_MS,
    choose,
    expect,
    open_dashboard,
)

pytestmark = BROWSER_MARKS


def test_comparing_two_presets_shows_both(context, dashboard_url, artifacts):
    page = open_dashboard(context, dashboard_url)
    choose(page, "Scenario A", "baseline")
    choose(page, "Scenario B", "crackdown")
    choose(page, "Run until", "2012-12")
    replicates = page.get_by_role("slider", name="Replicates")
    replicates.focus()
    replicates.press("Home")
    replicates.press("ArrowRight")
    expect(replicates).to_have_attribute("aria-valuenow", "2")
    expect(page.get_by_text("Both run from 2010-01 to 2012-12")).to_be_visible()

    page.get_by_role("button", name="Run comparison").click()
    expect(page.get_by_role("columnheader", name="B - A")).to_be_visible(timeout=120_000)
    names = page.locator(".solara-markdown").filter(has_text="mean over replicates")
    expect(names).to_contain_text("A = baseline, B = crackdown")
    rows = page.get_by_role("row").filter(has_text="Deportations")
    expect(rows).to_have_count(1)
    assert re.search(r"\+[\d,]+$", rows.inner_text().strip()), rows.inner_text()
    charts = page.locator("img[src^='blob:']")
    expect(charts).to_have_count(3, timeout=TIMEOUT_MS)
    for i in range(3):
        expect(charts.nth(i)).to_be_visible()
        assert charts.nth(i).evaluate("img => img.naturalWidth") > 100
    page.screenshot(path=artifacts / "compare.png", full_page=True)
