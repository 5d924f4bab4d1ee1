"""The dashboard as served: offline assets, independent sessions, Learn and Results, the
page's language and a quiet log, and a server that answers only to its own names.

Runs in headless Chromium against ``corridors dashboard`` (fixtures in ``dashboard_browser``;
the Results and host tests start their own server with a results folder, ``dashboard_server``)
and with raw HTTP and websocket requests; skipped with the reason when Chromium, Playwright
or Solara's assets are missing."""

from __future__ import annotations

import http.client
import re
import socket
import uuid

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
from dashboard_server import own_dashboard

pytestmark = BROWSER_MARKS


def test_page_loads_offline(context, dashboard_url):
    page = context.new_page()
    network = NetworkLog(page)
    page.goto(dashboard_url)
    expect(page.get_by_role("button", name="Run comparison")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Policy levers")).to_be_visible()
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
        step(second, 1)
        assert shown_month(first) == "2010-03"
        assert shown_month(second) == "2010-01"

        choose(first, "Preset", "crackdown")  # rebuilds the first session's run only
        expect(month_text(first)).to_contain_text("Month: 2009-12")
        step(first, 1)
        expect(month_text(first)).to_contain_text("scenario crackdown")
        expect(month_text(second)).to_contain_text("Month: 2010-01")
        expect(month_text(second)).to_contain_text("scenario baseline")
        preset = second.locator(".v-select").filter(
            has=second.locator("label", has_text=re.compile("^Preset$"))
        )
        expect(preset.locator(".v-select__selection")).to_have_text("baseline")

        step(second, 1)
        assert shown_month(second) == "2010-02"
        assert shown_month(first) == "2010-01"
    finally:
        for c in contexts:
            c.close()


@pytest.fixture(scope="module")
def results_dashboard(tmp_path_factory):
    """A server of its own whose results root holds one tiny finished batch, 'tiny', with a
    second batch just outside the root."""
    import tomli_w

    from corridors.batch import run_batch
    from corridors.batchspec import load_batch

    base = tmp_path_factory.mktemp("results_dashboard")
    spec = base / "tiny.toml"
    spec.write_text(
        tomli_w.dumps(
            {
                "name": "tiny",
                "scenarios": ["baseline", "crackdown"],
                "replicates": 1,
                "root_seed": 3,
                "settings": {"end": "2011-12", "people_per_agent": 10000},
            }
        )
    )
    run_batch(load_batch(spec), base / "results" / "tiny", serial=True, progress=False)
    run_batch(load_batch(spec), base / "outside", serial=True, progress=False)
    (base / "results" / "link-out").symlink_to(base / "outside", target_is_directory=True)
    with own_dashboard(base / "server.log", "--results", str(base / "results")) as server:
        yield server, base


def test_learn_and_results_views(context, dashboard_url, artifacts, results_dashboard):
    from dashboards.learn_view import learn_text

    heading = learn_text().splitlines()[0].lstrip("#").strip()
    assert "Reading guide" in heading, "ODD.md lacks the section the Learn view shows"
    page = open_dashboard(context, dashboard_url)
    page.get_by_role("tab", name="Learn").click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.screenshot(path=artifacts / "learn.png", full_page=True)

    server, base = results_dashboard
    page = open_dashboard(context, server.url)
    page.get_by_role("tab", name="Results").click()
    expect(page.get_by_text("A batch runs the calibrated point estimate")).to_be_visible()
    page.locator(".v-select").filter(has=page.locator("label", has_text="Batch folder")).locator(
        ".v-select__slot"
    ).click()
    options = page.locator(".menuable__content__active").get_by_role("option")
    expect(options).to_have_text(["tiny"])  # the link out of the root is not offered
    page.keyboard.press("Escape")
    choose(page, "Batch folder", "tiny")
    expect(page.get_by_text("2 finished runs")).to_be_visible()
    page.get_by_role("button", name="Build the comparison report").click()
    expect(page.get_by_text("Headline indicators")).to_be_visible(timeout=120_000)
    assert (base / "results" / "tiny" / "compare" / "report.md").is_file()
    assert not (base / "outside" / "compare").exists()
    expect(page.get_by_role("button", name="Build the comparison report")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="indicator").first).to_be_visible()
    cells = page.locator("td").all_inner_texts()
    assert any(c.endswith("%") for c in cells), cells
    assert not [c for c in cells if re.search(r"\d\.\d{4,}|\d{7,}", c)], cells
    figures = page.get_by_role("img", name=re.compile("by scenario, corridor and channel"))
    expect(figures).to_have_count(2)
    for i in range(2):
        expect(figures.nth(i)).to_be_visible()
    page.screenshot(path=artifacts / "results.png", full_page=True)


def test_page_names_its_language_and_the_log_stays_quiet(context, dashboard):
    for _ in range(3):
        page = open_dashboard(context, dashboard.url)
        assert page.evaluate("document.documentElement.lang") == "en"
        page.close()
    log = dashboard.log.read_text(errors="replace")
    assert "samesite" not in log.lower() and "cookie" not in log.lower(), log[-2000:]


def _get(
    port: int,
    host: str,
    path: str = "/",
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, headers={"Host": host, **(headers or {})})
        return connection.getresponse().status
    finally:
        connection.close()


def test_requests_for_another_host_name_are_refused(results_dashboard):
    server, _ = results_dashboard
    port = server.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
        assert _get(port, host) == 200, host
    for host in (
        f"evil.example:{port}",
        "evil.example",
        f"127.0.0.1.evil.example:{port}",
        f"{port}",
        "",
    ):
        assert _get(port, host) == 403, host
        assert _get(port, host, "/static/assets/favicon.png") == 403, host
        assert _get(port, host, "/resourcez") == 403, host
    forged = {"Origin": f"http://evil.example:{port}"}
    assert (
        _get(
            port,
            f"127.0.0.1:{port}",
            f"/_solara/api/close/{uuid.uuid4()}?session_id=x",
            "POST",
            forged,
        )
        == 403
    )


def test_websockets_from_another_origin_are_refused(results_dashboard):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    server, _ = results_dashboard
    port = server.port

    def refused(host: str, origin: str) -> int:
        """Handshake with this ``Host`` and ``Origin`` on a socket to our server (as after a
        DNS rebinding); the HTTP status the server answered with."""
        url = f"ws://{host}/jupyter/api/kernels/{uuid.uuid4()}/channels?session_id={uuid.uuid4()}"
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        with pytest.raises(InvalidStatus) as answer:
            connect(url, sock=sock, origin=origin, open_timeout=30)
        return answer.value.response.status_code

    ours = f"127.0.0.1:{port}"
    assert refused(ours, f"http://evil.example:{port}") == 403
    assert refused(ours, "null") == 403
    assert refused(f"evil.example:{port}", f"http://{ours}") == 403
    assert refused(f"evil.example:{port}", f"http://evil.example:{port}") == 403
    url = f"ws://{ours}/jupyter/api/kernels/{uuid.uuid4()}/channels?session_id={uuid.uuid4()}"
    with connect(url, origin=f"http://{ours}", open_timeout=30) as ws:
        assert ws.protocol.state.name == "OPEN"
