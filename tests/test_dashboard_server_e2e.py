"""The dashboard as served: offline assets, independent sessions, Learn and Results.

Runs in headless Chromium against ``corridors dashboard`` (fixtures in ``dashboard_browser``);
skipped with the reason when Chromium, Playwright or Solara's assets are missing."""

from __future__ import annotations

import re

import pytest
from dashboard_browser import (
    BROWSER_MARKS,
    TIMEOUT_MS,
    NetworkLog,
    choose,
    expect,
    month_text,
    open_dashboard,
    open_explore,
    shown_month,
    step,
)

pytestmark = BROWSER_MARKS


def test_page_loads_offline(context, dashboard_url):
    page = context.new_page()
    network = NetworkLog(page)
    page.goto(dashboard_url)
    expect(page.get_by_role("button", name="Run comparison")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("Policy levers")).to_be_visible()
    failed_before_shown = list(network.failed)
    for tab in ("Explore", "Learn", "Results", "Compare"):
        page.get_by_role("tab", name=tab).click()
    expect(month_text(page)).to_have_count(1)
    assert network.urls and any(u.startswith("ws://127.0.0.1") for u in network.urls), (
        "the page made no requests or opened no kernel socket"
    )
    assert any("solara-vuetify-app" in u for u in network.urls), "front-end bundle not loaded"
    assert not network.elsewhere(), f"requests to other hosts: {network.elsewhere()}"
    assert not failed_before_shown, failed_before_shown


def test_no_request_fails_and_the_server_fetches_nothing_from_the_internet(context, dashboard):
    """Every view, once every request has settled: nothing failed, and the asset proxy never
    had to go to a CDN (solara.Markdown loads mermaid and katex through it)."""
    page = context.new_page()
    network = NetworkLog(page)
    page.goto(dashboard.url)
    expect(page.get_by_role("button", name="Run comparison")).to_be_visible(timeout=TIMEOUT_MS)
    for tab in ("Explore", "Learn", "Results", "Compare"):
        page.get_by_role("tab", name=tab).click()
    network.settle(page)
    log = dashboard.log.read_text(errors="replace")
    assert not network.failed, network.failed
    assert "Could not load URL" not in log, log[-2000:]


def test_two_browser_sessions_are_independent(chromium, dashboard_url):
    contexts = [chromium.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        first, second = (open_dashboard(c, dashboard_url) for c in contexts)
        open_explore(first)
        open_explore(second)
        step(first, 3)
        assert shown_month(first) == "2010-03"
        assert shown_month(second) == "2009-12"

        choose(first, "Preset", "crackdown")
        expect(month_text(first)).to_contain_text("scenario crackdown")
        expect(month_text(second)).to_contain_text("Month: 2009-12")
        expect(month_text(second)).to_contain_text("scenario baseline")
        preset = second.locator(".v-select").filter(
            has=second.locator("label", has_text=re.compile("^Preset$"))
        )
        expect(preset.locator(".v-select__selection")).to_have_text("baseline")

        step(second, 1)
        assert shown_month(second) == "2010-01"
        assert shown_month(first) == "2009-12"  # rebuilt by its own preset change only
    finally:
        for c in contexts:
            c.close()


@pytest.fixture(scope="module")
def test_learn_and_results_views(context, dashboard_url, artifacts, batch_folder, tmp_path):
    from dashboards.learn_view import learn_text

    heading = learn_text().splitlines()[0].lstrip("#").strip()
    assert "Reading guide" in heading, "ODD.md lacks the section the Learn view shows"
    page = open_dashboard(context, dashboard_url)
    page.get_by_role("tab", name="Learn").click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.screenshot(path=artifacts / "learn.png", full_page=True)

    page.get_by_role("tab", name="Results").click()
    expect(page.get_by_text("Type the path of a batch folder")).to_be_visible()
    folder = page.get_by_label(re.compile("^Batch results folder"))
    folder.fill(str(tmp_path))
    folder.press("Enter")
    expect(page.get_by_text("is not a batch folder")).to_be_visible()

    folder.fill(str(batch_folder))
    folder.press("Enter")
    expect(page.get_by_text("2 finished runs")).to_be_visible()
    page.get_by_role("button", name="Build the comparison report").click()
    expect(page.get_by_text("Headline indicators")).to_be_visible(timeout=120_000)
    assert (batch_folder / "compare" / "report.md").is_file()
    expect(page.get_by_role("button", name="Build the comparison report")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="indicator").first).to_be_visible()
    figures = page.locator("img[src^='blob:']")
    expect(figures).to_have_count(2)
    for i in range(2):
        expect(figures.nth(i)).to_be_visible()
    page.screenshot(path=artifacts / "results.png", full_page=True)
