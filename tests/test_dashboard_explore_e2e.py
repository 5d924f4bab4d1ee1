"""The Explore view in a real browser, driven with real clicks and keys.

Runs in headless Chromium against ``corridors dashboard`` (fixtures in ``dashboard_browser``);
skipped with the reason when Chromium, Playwright or Solara's assets are missing."""

from __future__ import annotations

import re
import time
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

from scenarios.calendar import month_index

pytestmark = BROWSER_MARKS

MYANMAR_INLAND = (97.0, 21.5)  # (lon, lat) well inside Myanmar's shape


# ---- helpers of this file -----------------------------------------------------------------
def enforcement_to_maximum(page) -> None:
    """Open the enforcement group and move the arrest-risk lever (all countries) to its
    maximum with the keyboard, as a user can (the value changes on the slider's change)."""
    page.get_by_role("button", name="Enforcement and regularisation").click()
    row = page.locator(f".lever-{ENFORCEMENT} .lever-all")
    slider = row.locator("[role=slider]")
    expect(slider).to_have_attribute("aria-valuenow", "0.002")  # the baseline's THA value
    slider.focus()
    slider.press("End")
    expect(slider).to_have_attribute("aria-valuenow", "0.2")


def choose_pace(page, label: str) -> None:
    page.locator(".explore-speed").get_by_role("button", name=label).click()


def months_seen(page, seconds: float) -> list[tuple[float, str]]:
    """(time, month) every time the month counter changes, polled for ``seconds``."""
    seen: list[tuple[float, str]] = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        month = shown_month(page)
        if not seen or seen[-1][1] != month:
            seen.append((time.monotonic() - t0, month))
        page.wait_for_timeout(15)
    return seen


def pixel_of(page, chart_class: str, lon_lat: tuple[float, float]) -> tuple[float, float]:
    """Page coordinates of a (lon, lat) point of a map chart, from its ECharts instance."""
    box = page.locator(f".{chart_class} .solara-echarts").bounding_box()
    x, y = page.evaluate(
        """([selector, point]) => {
            const defined = window.requirejs.s.contexts._.defined;
            const key = Object.keys(defined).find((k) => k.includes("echarts@"));
            const chart = defined[key].getInstanceByDom(document.querySelector(selector));
            return chart.convertToPixel({geoIndex: 0}, point);
        }""",
        [f".{chart_class} .solara-echarts", list(lon_lat)],
    )
    return box["x"] + x, box["y"] + y


# ---- tests --------------------------------------------------------------------------------
def test_maximum_enforcement_lowers_the_irregular_stock(context, dashboard_url, artifacts):
    page = open_dashboard(context, dashboard_url)
    open_explore(page)
    assert shown_month(page) == "2009-12"
    step(page, 4)
    reached, baseline_stock = shown_month(page), irregular_stock(page)
    assert reached == "2010-04"

    enforcement_to_maximum(page)
    # the Explore run is rebuilt from the new settings
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
    """The page keeps showing new months while playing, and Pause is heard promptly."""
    page = open_dashboard(context, dashboard_url)
    open_explore(page)
    choose_pace(page, "3 months/s")
    page.get_by_role("button", name="Play").click()
    expect(page.get_by_role("button", name="Step")).to_be_disabled()
    expect(month_text(page)).to_contain_text(re.compile(r"Month: 2010-0[2-9]"), timeout=30_000)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Step")).to_be_enabled()
    page.wait_for_timeout(1500)  # a month under way when Pause was pressed is still shown
    paused_at = shown_month(page)
    page.wait_for_timeout(2000)
    assert shown_month(page) == paused_at
    assert paused_at < "2019-12"


def test_lever_change_during_play_keeps_playing_from_the_start_of_the_new_run(
    context, dashboard_url, artifacts
):
    page = open_dashboard(context, dashboard_url)
    open_explore(page)
    choose_pace(page, "1 month/s")
    page.get_by_role("button", name="Play").click()
    expect(month_text(page)).to_contain_text(re.compile(r"Month: 2010-0[3-9]"), timeout=60_000)
    before = shown_month(page)
    enforcement_to_maximum(page)
    # back to the start of the new run, and still playing it
    restarted = [m for _, m in months_seen(page, 6.0)]
    assert min(restarted) < before, (before, restarted)
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    expect(month_text(page)).to_contain_text(re.compile(r"Month: 2010-0[2-9]"), timeout=30_000)
    page.wait_for_timeout(2500)
    later = shown_month(page)
    assert month_index(later) > month_index(min(restarted)) + 1, (restarted, later)
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    page.screenshot(path=artifacts / "explore_lever_change_while_playing.png")
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=20_000)


def test_months_per_second_while_playing(context, dashboard_url):
    """Explore at the default settings (500 people per agent, draw every month, 1 year/s):
    how many simulated months the browser shows per second. The goal is 10; the floor
    asserted here is loose, as this 2-core machine is shared with other work."""
    page = open_dashboard(context, dashboard_url)
    open_explore(page)
    page.get_by_role("button", name="Play").click()
    expect(month_text(page)).to_contain_text("Month: 2010-", timeout=60_000)  # model built
    seen = months_seen(page, 8.0)
    page.get_by_role("button", name="Pause").click()
    (t_first, first), (t_last, last) = seen[0], seen[-1]
    months = month_index(last) - month_index(first)
    rate = months / (t_last - t_first)
    print(
        f"\nExplore in Chromium: {rate:.1f} simulated months per second "
        f"({months} months, {len(seen) - 1} frames in {t_last - t_first:.1f} s)"
    )
    assert rate > 2.0, seen


def test_clicking_a_country_on_the_map_picks_a_worker_from_there(context, dashboard_url):
    page = open_dashboard(context, dashboard_url)
    open_explore(page)
    step(page, 6)
    x, y = pixel_of(page, "chart-explore_map", MYANMAR_INLAND)
    page.mouse.click(x, y)
    inspector = page.locator(".explore-live")
    expect(inspector).to_contain_text("picked from Myanmar")
    agent = page.get_by_label("Worker (agent id)")
    expect(agent).not_to_have_value("")
    table = page.locator(".explore-worker")
    expect(table.locator("tr", has_text="origin")).to_contain_text("MMR")
    expect(table.locator("tr", has_text="agent")).to_contain_text(agent.input_value())


def test_charts_have_labels_and_export_png_and_csv(context, dashboard_url, artifacts):
    page = open_dashboard(context, dashboard_url)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_explore(page)
    step(page, 3)
    charts = page.locator(".explore-live [role=img]")
    expect(charts).to_have_count(5)
    for i in range(5):
        assert len(charts.nth(i).get_attribute("aria-label")) > 30
    # PNG from the chart's own toolbox (drawn in the browser, offline)
    stocks = page.locator(".chart-explore_stocks .solara-echarts")
    box = stocks.bounding_box()
    with page.expect_download() as png:
        page.mouse.click(box["x"] + box["width"] - 11, box["y"] + 7)
    assert png.value.suggested_filename == "explore_stocks.png"
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # CSV of the same chart from its button
    with page.expect_download() as csv:
        page.locator(".chart-explore_stocks").get_by_role("button", name="CSV").click()
    rows = Path(csv.value.path()).read_text(encoding="utf-8").splitlines()
    assert rows[0] == "month,regular (thousand people),irregular (thousand people)"
    assert [r.split(",")[0] for r in rows[1:]] == ["2009-12", "2010-01", "2010-02", "2010-03"]
    page.screenshot(path=artifacts / "explore_charts.png", full_page=True)
    assert errors == []


def test_explore_at_phone_width_stacks_its_charts(chromium, dashboard_url, artifacts):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    try:
        page = open_dashboard(context, dashboard_url)
        open_explore(page)
        step(page, 2)
        charts = page.locator(".explore-live .explore-chart")
        expect(charts.first).to_be_visible()
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box["width"] >= 300, (i, box)
            assert box["x"] + box["width"] <= 390 + 1, (i, box)
        page.screenshot(path=artifacts / "explore_phone.png", full_page=True)
    finally:
        context.close()
