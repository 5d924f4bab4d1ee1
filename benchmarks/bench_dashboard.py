"""The dashboard's speed as a user feels it, measured in Chromium (issue 11).

    .venv/bin/python benchmarks/bench_dashboard.py [--runs 1]

Starts ``corridors dashboard`` on a free port of 127.0.0.1 (a fresh server: nothing cached),
drives it with Playwright and the Debian Chromium (``/usr/bin/chromium``) by roles and
visible text, as a user clicks, and prints:

* time to first answer on page load: from the request to the "Run comparison" button, and
  to the first baseline chart drawn (the page opens on the baseline);
* a comparison, baseline against crackdown to 2019-12 with 5 replicates at the default scale:
  from the "Run comparison" click to its charts drawn, and the longest time the progress
  indicator sits at 100% (goals: 10 s and 1 s);
* Explore: simulated months per second while playing, read off the "Month: YYYY-MM"
  counter over 15 s (goal: at least 10).

Timings depend on the machine and on whatever else runs on it; say so with the figures.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
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
LONG_MS = 300_000
PLAY_SECONDS = 15.0

# records, every 25 ms, the largest value any progress bar on the page shows (None: none)
WATCH_PROGRESS = """() => {
  window.__progress = [];
  window.__progressTimer = setInterval(() => {
    const bars = [...document.querySelectorAll('[role=progressbar]')]
      .filter(b => b.offsetParent !== null);
    const values = bars.map(b => parseFloat(b.getAttribute('aria-valuenow') || 'NaN'))
      .filter(v => !isNaN(v));
    window.__progress.push([performance.now(), values.length ? Math.max(...values) : null]);
  }, 25);
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    script = Path(sys.executable).with_name("corridors")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "corridors.cli"]
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*command, "dashboard", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the dashboard exited:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url + "readyz", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the dashboard did not answer within 120 s")


def stop_server(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=10)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select labelled ``label``, with the mouse."""
    field = page.locator(".v-select").filter(
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    field.locator(".v-select__slot").click()
    page.locator(".menuable__content__active").get_by_role(
        "option", name=option, exact=True
    ).click()


def page_load(page, url: str) -> dict[str, float]:
    t0 = time.perf_counter()
    page.goto(url)
    page.get_by_role("button", name="Run comparison").wait_for(timeout=LONG_MS)
    answered = time.perf_counter() - t0
    page.get_by_role("img", name=re.compile("^Baseline")).first.locator("canvas").wait_for(
        timeout=LONG_MS
    )
    return {"page answers (s)": answered, "baseline chart drawn (s)": time.perf_counter() - t0}


def _longest_at_full(samples: list[list], until_ms: float) -> float:
    """Longest stretch (s) during which a progress bar showed 100%, up to ``until_ms``."""
    longest, since = 0.0, None
    for at, value in [*samples, [until_ms, None]]:
        if value is not None and value >= 99.95:
            since = at if since is None else since
        elif since is not None:
            longest, since = max(longest, at - since), None
    return longest / 1000


def comparison(page) -> dict[str, float]:
    choose(page, "Scenario A", "baseline")
    choose(page, "Scenario B", "crackdown")
    slider = page.get_by_role("slider", name="Replicates")
    slider.focus()
    while int(slider.get_attribute("aria-valuenow")) != 5:
        slider.press(
            "ArrowLeft" if int(slider.get_attribute("aria-valuenow")) > 5 else "ArrowRight"
        )
    page.get_by_text("Run until").first.wait_for()
    page.evaluate(WATCH_PROGRESS)
    t0 = time.perf_counter()
    page.get_by_role("button", name="Run comparison").click()
    clicked_ms = page.evaluate("performance.now()")
    page.get_by_role("img", name=re.compile("^Migrants abroad")).first.locator("canvas").wait_for(
        timeout=LONG_MS
    )
    drawn = time.perf_counter() - t0
    drawn_ms = page.evaluate("clearInterval(window.__progressTimer) || performance.now()")
    samples = [s for s in page.evaluate("window.__progress") if s[0] >= clicked_ms]
    return {
        "click to charts drawn (s)": drawn,
        "longest at 100% (s)": _longest_at_full(samples, drawn_ms),
    }


def _month(page) -> int:
    text = page.locator(".solara-markdown").filter(has_text="Month:").first.inner_text()
    year, month = re.search(r"Month: (\d{4})-(\d{2})", text).groups()
    return int(year) * 12 + int(month)


def explore(page) -> dict[str, float]:
    """Play, and read the month counter until ``PLAY_SECONDS`` pass or the run ends."""
    page.get_by_role("tab", name="Explore").click()
    page.get_by_role("button", name="Play").wait_for()
    start = _month(page)
    page.get_by_role("button", name="Play").click()
    pause = page.get_by_role("button", name="Pause")
    changes = []  # (time, month) whenever the counter moved
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        month = _month(page)
        if month != (changes[-1][1] if changes else start):
            changes.append((time.perf_counter(), month))
        if changes and (time.perf_counter() - changes[0][0] > PLAY_SECONDS or not pause.count()):
            break
        page.wait_for_timeout(20)
    if pause.count():
        pause.click()
    (t0, m0), (t1, m1) = changes[0], changes[-1]
    return {
        "Explore months per second while playing": (m1 - m0) / max(t1 - t0, 1e-9),
        "Explore months played": float(m1 - start),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="fresh servers to measure (1)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results: dict[str, list[float]] = {}
    for run in range(args.runs):
        log = Path(f"/tmp/bench_dashboard_{os.getpid()}_{run}.log")
        proc, url = start_server(log)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                figures = {**page_load(page, url), **comparison(page), **explore(page)}
                second = context.new_page()  # a second visit: the server is warm
                figures["page answers, second visit (s)"] = page_load(second, url)[
                    "page answers (s)"
                ]
                browser.close()
        finally:
            stop_server(proc)
        for name, value in figures.items():
            results.setdefault(name, []).append(value)
            print(f"run {run + 1}: {name}: {value:.2f}", file=sys.stderr, flush=True)
    print(
        f"\ncorridors dashboard in Chromium, {args.runs} fresh server(s), "
        f"{os.cpu_count()} cores (timings depend on the machine's load):"
    )
    for name, values in results.items():
        spread = f" (min {min(values):.2f}, max {max(values):.2f})" if len(values) > 1 else ""
        print(f"  {name}: {statistics.median(values):.2f}{spread}")


if __name__ == "__main__":
    main()
