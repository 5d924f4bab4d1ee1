"""The Compare view in a real browser, driven with the mouse as a user would.

Runs in headless Chromium against ``corridors dashboard`` (fixtures in ``dashboard_browser``);
skipped with the reason when Chromium, Playwright or Solara's assets are missing. Timings are
printed (run with ``-s`` to see them); the bounds asserted are loose, as the machine is shared.
"""

from __future__ import annotations

import io
import re
import time
import tomllib
import zipfile

import pytest
from dashboard_browser import BROWSER_MARKS, TIMEOUT_MS, choose, expect, open_dashboard

from dashboards.uncertainty import WHY_DIFFERENT

pytestmark = BROWSER_MARKS

FIRST_ANSWER_MS = 240_000  # the server's first baseline, on a busy 2-core machine
WHY = "Why do the two settings give different numbers?"


@pytest.fixture
def wide(chromium):
    """A 1440 x 900 window, the size at which issue 11 found the sliders unusable."""
    ctx = chromium.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


def chart(page, label_start: str):
    """The canvas of the chart whose accessible name starts with ``label_start``."""
    return page.locator(f"[role='img'][aria-label^='{label_start}'] canvas").first


def test_the_page_opens_on_the_baseline_and_the_slider_drags(wide, dashboard_url, artifacts):
    page = open_dashboard(wide, dashboard_url)
    t0 = time.monotonic()
    expect(chart(page, "Baseline arrivals")).to_be_visible(timeout=FIRST_ANSWER_MS)
    expect(chart(page, "Baseline stock")).to_be_visible()
    print(f"\nbaseline charts shown {time.monotonic() - t0:.1f} s after the page answered")
    expect(page.get_by_text("Parameter uncertainty on (posterior draws):")).to_be_visible()
    page.get_by_text(WHY).click()
    at_point = re.search(r"\d+\.\d% at the point estimate", WHY_DIFFERENT)
    assert at_point is not None, WHY_DIFFERENT
    expect(page.get_by_text(at_point.group(0))).to_be_visible()

    slider = page.get_by_role("slider", name="Replicates")
    before = int(slider.get_attribute("aria-valuenow"))
    track = page.locator(".v-slider").filter(has=slider).first.bounding_box()
    assert track["width"] >= 150, track  # issue 11: a zero-width track at 1440 px
    box = slider.bounding_box()  # Vuetify puts role=slider on the thumb
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 0.3 * track["width"], y, steps=12)
    page.mouse.up()
    expect(slider).not_to_have_attribute("aria-valuenow", str(before))
    after = int(slider.get_attribute("aria-valuenow"))
    assert 1 <= after < before
    expect(page.get_by_text(f"{after} runs of each scenario (at most 10")).to_be_visible()
    page.screenshot(path=artifacts / "compare_opening.png")


def test_compare_save_out_of_date_and_cancel(wide, dashboard_url, artifacts):
    page = open_dashboard(wide, dashboard_url)
    choose(page, "Scenario A", "baseline")
    choose(page, "Scenario B", "crackdown")
    run = page.get_by_role("button", name="Run comparison")
    t0 = time.monotonic()
    run.click()
    expect(chart(page, "Migrants abroad (stock), all corridors")).to_be_visible(
        timeout=FIRST_ANSWER_MS
    )
    expect(page.get_by_role("columnheader", name="B - A")).to_be_visible()
    print(
        f"\nbaseline vs crackdown, 5 replicates to 2019-12: charts {time.monotonic() - t0:.1f} "
        "s after the click"
    )
    for start in ("Arrivals per month", "B minus A: migrants abroad", "B minus A: arrivals"):
        expect(chart(page, start)).to_be_visible()
    expect(page.get_by_text("A = baseline, B = crackdown")).to_be_visible()

    # the table fits: nothing clipped at the right, numbers in k / M / bn
    table = page.locator(".corridors-headline table")
    fits = table.evaluate(
        "t => t.getBoundingClientRect().right <= document.documentElement.clientWidth + 1"
        " && t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1"
    )
    assert fits
    row = page.get_by_role("row").filter(has_text="Deportations").inner_text()
    assert re.search(r"\+[\d.]+ (k|M)\b", row), row
    assert not re.search(r"\d{5}", row.replace(",", "")), row
    page.screenshot(path=artifacts / "compare_result.png")

    # save the comparison: both scenarios, named CSVs
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Save this comparison")).click()
    bundle = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert tomllib.loads(bundle.read("B_crackdown.toml").decode())["name"] == "crackdown"
    rows = bundle.read("series.csv").decode().splitlines()[1:]
    assert {row.split(",")[0] for row in rows} == {"baseline", "crackdown"}

    # another choice: the results stay, marked out of date with what changed
    choose(page, "Scenario B", "zero_recruitment_fees")
    expect(
        page.get_by_text(re.compile("Out of date.*crackdown -> zero_recruitment_fees"))
    ).to_be_visible()
    expect(page.get_by_role("columnheader", name="crackdown")).to_be_visible()

    # a run that is cancelled stops, and the previous results stay
    run.click()
    cancel = page.get_by_role("button", name="Cancel")
    expect(cancel).to_be_enabled()
    t1 = time.monotonic()
    cancel.click()
    expect(page.get_by_text("Comparison cancelled")).to_be_visible(timeout=30_000)
    expect(run).to_be_enabled(timeout=30_000)
    print(f"cancelled within {time.monotonic() - t1:.1f} s")
    expect(page.get_by_role("columnheader", name="crackdown")).to_be_visible()
