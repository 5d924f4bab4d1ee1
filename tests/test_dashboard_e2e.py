"""The dashboard in a real browser: ``corridors dashboard`` served on a free port, driven with
Playwright and the Debian Chromium.

Deselect with ``-m "not e2e"``. Skipped (with the reason) when /usr/bin/chromium, Playwright
or Solara's front-end assets are missing; ``scripts/test.sh`` installs all three. Screenshots
of every view go to ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
import tomli_w

from scenarios.calendar import month_index, month_label

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ENFORCEMENT = "enforcement_monthly_arrest_probability"
TIMEOUT_MS = 60_000


def _missing() -> str:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium; scripts/test.sh does it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is missing"
    import solara.server.settings as solara_settings

    cache = Path(solara_settings.assets.proxy_cache_dir)
    if not (cache / "@widgetti" / "solara-vuetify-app@10.1.1").is_dir():
        return (f"Solara's front-end assets are missing from {cache} "
                "(run 'bash dashboards/install_assets.sh')")
    return ""


MISSING = _missing()
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(bool(MISSING), reason=MISSING)]

if not MISSING:
    from playwright.sync_api import Page, expect, sync_playwright

    expect.set_options(timeout=20_000)  # a month's render can take a few seconds on 2 cores


# ---- server and browser -------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _corridors() -> list[str]:
    script = Path(sys.executable).with_name("corridors")
    return [str(script)] if script.exists() else [sys.executable, "-m", "corridors.cli"]


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server and its child (``solara run``): the whole process group."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


@dataclass(frozen=True)
class Server:
    url: str
    log: Path


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory) -> Server:
    port = _free_port()
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "MPLBACKEND": "Agg"}
    with open(log, "wb") as out:
        proc = subprocess.Popen([*_corridors(), "dashboard", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)  # own process group
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"'corridors dashboard' exited ({proc.returncode}):\n"
                            + log.read_text(errors="replace")[-3000:])
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the dashboard did not answer within 60 s:\n"
                            + log.read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        yield Server(url, log)
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def dashboard_url(dashboard) -> str:
    return dashboard.url


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def context(chromium):
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


def open_dashboard(context, url: str) -> Page:
    page = context.new_page()
    page.goto(url)
    expect(page.get_by_role("button", name="Run comparison")).to_be_visible(
        timeout=TIMEOUT_MS)
    return page


# ---- page helpers -------------------------------------------------------------------------
def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the Vuetify select labelled ``label`` (open it, click the item)."""
    field = page.locator(".v-select").filter(
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$")))
    expect(field).to_have_count(1)
    field.locator(".v-select__slot").click()
    page.locator(".menuable__content__active").get_by_role(
        "option", name=option, exact=True).click()
    expect(field.locator(".v-select__selection")).to_have_text(option)


def month_text(page: Page):
    return page.locator(".solara-markdown").filter(has_text="Month:")


def shown_month(page: Page) -> str:
    return re.search(r"Month: (\d{4}-\d{2})", month_text(page).inner_text()).group(1)


def irregular_stock(page: Page) -> int:
    text = page.locator(".solara-markdown").filter(has_text="Irregular stock:").inner_text()
    return int(re.search(r"Irregular stock: ([\d,]+) people", text).group(1).replace(",", ""))


def open_explore(page: Page) -> None:
    page.get_by_role("tab", name="Explore").click()
    expect(month_text(page)).to_be_visible()


def step(page: Page, months: int) -> None:
    for _ in range(months):
        expected = month_label(month_index(shown_month(page)) + 1)
        page.get_by_role("button", name="Step").click()
        expect(month_text(page)).to_contain_text(f"Month: {expected}")


# ---- tests --------------------------------------------------------------------------------
class NetworkLog:
    """Every request a page makes, which finished, which failed."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        self.pending: dict[int, str] = {}
        self.failed: list[str] = []
        page.on("request", self._start)
        page.on("requestfinished", lambda r: self.pending.pop(id(r), None))
        page.on("requestfailed", self._fail)
        page.on("response", self._response)
        page.on("websocket", lambda ws: self.urls.append(ws.url))

    def _start(self, request) -> None:
        self.urls.append(request.url)
        self.pending[id(request)] = request.url

    def _fail(self, request) -> None:
        self.pending.pop(id(request), None)
        self.failed.append(f"{request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

    def elsewhere(self) -> list[str]:
        urls = [u.removeprefix("blob:") for u in self.urls if not u.startswith("data:")]
        return sorted({u for u in urls if urlparse(u).hostname != "127.0.0.1"})

    def settle(self, page: Page, timeout: float = 45.0) -> None:
        """Wait until no request has been pending for a second."""
        deadline, quiet_since = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            page.wait_for_timeout(200)
            if self.pending:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > 1.0:
                return
        raise AssertionError(f"requests still pending: {sorted(self.pending.values())}")


def test_page_loads_offline(context, dashboard_url):
    page = context.new_page()
    network = NetworkLog(page)
    page.goto(dashboard_url)
    expect(page.get_by_role("button", name="Run comparison")).to_be_visible(
        timeout=TIMEOUT_MS)
    expect(page.get_by_text("Policy levers")).to_be_visible()
    failed_before_shown = list(network.failed)
    for tab in ("Explore", "Learn", "Results", "Compare"):
        page.get_by_role("tab", name=tab).click()
    expect(month_text(page)).to_have_count(1)
    assert network.urls and any(u.startswith("ws://127.0.0.1") for u in network.urls), \
        "the page made no requests or opened no kernel socket"
    assert any("solara-vuetify-app" in u for u in network.urls), "front-end bundle not loaded"
    assert not network.elsewhere(), f"requests to other hosts: {network.elsewhere()}"
    assert not failed_before_shown, failed_before_shown


def test_no_request_fails_and_the_server_fetches_nothing_from_the_internet(context,
                                                                          dashboard):
    """Every view, once every request has settled: nothing failed, and the asset proxy never
    had to go to a CDN (solara.Markdown loads mermaid and katex through it)."""
    page = context.new_page()
    network = NetworkLog(page)
    page.goto(dashboard.url)
    expect(page.get_by_role("button", name="Run comparison")).to_be_visible(
        timeout=TIMEOUT_MS)
    for tab in ("Explore", "Learn", "Results", "Compare"):
        page.get_by_role("tab", name=tab).click()
    network.settle(page)
    log = dashboard.log.read_text(errors="replace")
    assert not network.failed, network.failed
    assert "Could not load URL" not in log, log[-2000:]


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


def test_two_browser_sessions_are_independent(chromium, dashboard_url):
    contexts = [chromium.new_context(viewport={"width": 1400, "height": 1000})
                for _ in range(2)]
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
            has=second.locator("label", has_text=re.compile("^Preset$")))
        expect(preset.locator(".v-select__selection")).to_have_text("baseline")

        step(second, 1)
        assert shown_month(second) == "2010-01"
        assert shown_month(first) == "2009-12"  # rebuilt by its own preset change only
    finally:
        for c in contexts:
            c.close()


@pytest.fixture(scope="module")
def batch_folder(tmp_path_factory) -> Path:
    """A tiny finished batch (2 scenarios, 1 replicate, 2 years), no comparison report yet."""
    from corridors.batch import run_batch
    from corridors.batchspec import load_batch

    root = tmp_path_factory.mktemp("batch")
    spec = root / "tiny.toml"
    spec.write_text(tomli_w.dumps({
        "name": "tiny", "scenarios": ["baseline", "crackdown"], "replicates": 1,
        "root_seed": 3, "settings": {"end": "2011-12", "people_per_agent": 10000}}))
    out = root / "tiny"
    run_batch(load_batch(spec), out, serial=True, progress=False)
    assert (out / "batch.json").is_file() and not (out / "compare").exists()
    return out


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
