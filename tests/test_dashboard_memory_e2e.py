"""Closed sessions give their memory back (issue 11, defect 7).

Twenty browser sessions, one after another, on a server of the test's own: each opens the
page and either steps Explore a few months or runs a one-replicate comparison, then goes.
Every fourth leaves the way a killed browser or a dropped network does, without the page's
goodbye (its close request is blocked), so the server only sees the socket drop and must
cull the session itself after ``--session-timeout``. Afterwards no session is left, the
server is idle (no closed session's thread runs on), and its process tree is within 300 MB
of where it was before the twenty (after one warm-up session, which starts the shared pool
of worker processes and loads the model's code: memory that is not any session's).
"""

from __future__ import annotations

import time

import pytest
from dashboard_browser import (
    BROWSER_MARKS,
    TIMEOUT_MS,
    choose,
    expect,
    open_dashboard,
    open_explore,
    step,
)
from dashboard_server import own_dashboard

pytestmark = BROWSER_MARKS
psutil = pytest.importorskip("psutil", reason="the memory check reads RSS with psutil")

SESSIONS = 20
BOUND_MB = 300
SESSION_TIMEOUT_S = 5
FIRST_ANSWER_MS = 240_000  # the first comparison starts the worker pool on a busy machine


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("memory")
    with own_dashboard(
        base / "server.log",
        "--session-timeout",
        str(SESSION_TIMEOUT_S),
        "--results",
        str(base / "results"),
    ) as served:
        yield served


def _explore(page) -> None:
    open_explore(page)
    step(page, 3)


def _tiny_comparison(page) -> None:
    choose(page, "Scenario A", "baseline")
    choose(page, "Scenario B", "crackdown")
    slider = page.get_by_role("slider", name="Replicates")
    slider.focus()
    slider.press("Home")
    expect(slider).to_have_attribute("aria-valuenow", "1")
    page.get_by_role("button", name="Run comparison").click()
    expect(page.get_by_text("A = baseline, B = crackdown")).to_be_visible(timeout=FIRST_ANSWER_MS)


def _session(chromium, url: str, i: int) -> None:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    if i % 4 == 3:  # vanishes: the page's goodbye never reaches the server
        context.route("**/_solara/api/close/**", lambda route: route.abort())
    try:
        page = open_dashboard(context, url)
        (_tiny_comparison if i % 2 else _explore)(page)
    finally:
        context.close()


def _settled(server, deadline_s: float) -> int:
    """Wait until the server holds no session; the sessions left at the deadline."""
    deadline = time.monotonic() + deadline_s
    while (left := server.sessions()) and time.monotonic() < deadline:
        time.sleep(1)
    return left


def test_twenty_closed_sessions_leave_the_memory_where_it_was(chromium, server):
    _session(chromium, server.url, 1)  # warm-up: worker pool, model code, caches
    assert _settled(server, 60 + SESSION_TIMEOUT_S) == 0
    time.sleep(3)
    start_mb = server.rss_mb()
    peak_mb = start_mb
    for i in range(SESSIONS):
        _session(chromium, server.url, i)
        peak_mb = max(peak_mb, server.rss_mb())
    assert _settled(server, 60 + SESSION_TIMEOUT_S) == 0, "closed sessions were kept"
    time.sleep(15)  # the collector's grace, join and trim
    end_mb, busy = server.rss_mb(), server.cpu_percent(3.0)
    print(
        f"\n{SESSIONS} sessions: server tree {start_mb:.0f} MB before, peak {peak_mb:.0f} MB, "
        f"{end_mb:.0f} MB after; {busy:.0f}% of a core busy with no session open"
    )
    assert busy < 20, "closed sessions' threads still run"
    assert end_mb - start_mb < BOUND_MB, (start_mb, end_mb)
