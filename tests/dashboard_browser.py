"""Shared fixtures and page helpers for the dashboard in a real browser: ``corridors
dashboard`` served on a free port (one server for the session), driven with Playwright and
the Debian Chromium.

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
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from scenarios.calendar import month_index, month_label

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
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
        return (
            f"Solara's front-end assets are missing from {cache} "
            "(run 'bash dashboards/install_assets.sh')"
        )
    return ""


MISSING = _missing()
BROWSER_MARKS = [pytest.mark.e2e, pytest.mark.skipif(bool(MISSING), reason=MISSING)]

if not MISSING:
    from playwright.sync_api import Page, expect, sync_playwright

    expect.set_options(timeout=20_000)  # a month's render can take a few seconds on 2 cores
else:  # the test files import these names; their tests are skipped
    Page = expect = sync_playwright = None


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


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory) -> Server:
    port = _free_port()
    folder = tmp_path_factory.mktemp("dashboard")
    log, results = folder / "server.log", folder / "results"  # never the checkout's results/
    results.mkdir()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "MPLBACKEND": "Agg"}
    env.pop("CORRIDORS_DASHBOARD_WORKERS", None)  # served as users get it (see conftest)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*_corridors(), "dashboard", "--port", str(port), "--results", str(results)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )  # own process group
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"'corridors dashboard' exited ({proc.returncode}):\n"
                    + log.read_text(errors="replace")[-3000:]
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    "the dashboard did not answer within 60 s:\n"
                    + log.read_text(errors="replace")[-3000:]
                )
            time.sleep(0.3)
        yield Server(url, log)
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def dashboard_url(dashboard) -> str:
    return dashboard.url


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
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
    expect(page.get_by_role("button", name="Run comparison")).to_be_visible(timeout=TIMEOUT_MS)
    return page


# ---- page helpers -------------------------------------------------------------------------
def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the Vuetify select labelled ``label`` (open it, click the item)."""
    field = page.locator(".v-select").filter(
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    expect(field).to_have_count(1)
    field.locator(".v-select__slot").click()
    page.locator(".menuable__content__active").get_by_role(
        "option", name=option, exact=True
    ).click()
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
