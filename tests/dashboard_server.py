"""A ``corridors dashboard`` of a test's own, started with the options the test needs
(``--results``, ``--session-timeout``, ...), and the numbers a test reads off it: the
resident memory of its process tree and Solara's count of live sessions (``/resourcez``).

The shared ``dashboard`` fixture (``dashboard_browser``) serves the defaults to every view's
tests; the server tests need a results folder of their own and a fresh process to measure.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["OwnServer", "own_dashboard"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class OwnServer:
    url: str
    port: int
    pid: int
    log: Path

    def rss_mb(self) -> float:
        """Resident memory of the server and every process it started (the process pool's
        workers included), in MiB."""
        import psutil

        root = psutil.Process(self.pid)
        total = 0
        for proc in (root, *root.children(recursive=True)):
            try:
                total += proc.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total / 2**20

    def cpu_percent(self, seconds: float) -> float:
        """Processor use of the server's process tree over ``seconds`` (100 = one core)."""
        import psutil

        root = psutil.Process(self.pid)
        procs = [root, *root.children(recursive=True)]
        for proc in procs:
            proc.cpu_percent()
        time.sleep(seconds)
        total = 0.0
        for proc in procs:
            try:
                total += proc.cpu_percent()
            except psutil.NoSuchProcess:
                continue
        return total

    def status(self) -> dict:
        with urllib.request.urlopen(self.url + "resourcez", timeout=10) as response:
            return json.load(response)

    def sessions(self) -> int:
        return self.status()["kernels"]["total"]

    def threads(self) -> int:
        return self.status()["threads"]["active"]


def _stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def own_dashboard(log: Path, *options: str, env: dict[str, str] | None = None):
    """Serve the dashboard on a free port of 127.0.0.1 until the block ends."""
    port = _free_port()
    script = Path(sys.executable).with_name("corridors")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "corridors.cli"]
    environment = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", **(env or {})}
    environment.pop("CORRIDORS_DASHBOARD_WORKERS", None)  # its worker pool, as users get it
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*command, "dashboard", "--port", str(port), *options],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environment,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"'corridors dashboard' exited ({proc.returncode}):\n"
                    + log.read_text(errors="replace")[-3000:]
                )
            try:
                with urllib.request.urlopen(url + "readyz", timeout=2):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    "the dashboard did not answer within 90 s:\n"
                    + log.read_text(errors="replace")[-3000:]
                )
            time.sleep(0.3)
        yield OwnServer(url, port, proc.pid, log)
    finally:
        _stop(proc)
