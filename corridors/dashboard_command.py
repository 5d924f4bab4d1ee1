"""``corridors dashboard``: serve the Solara dashboard (127.0.0.1 unless told otherwise).

Its own module so the dashboard's serving options (host, port, the names the server answers
to, the results folder it may open, how long a vanished session is kept) and the checks
around them live apart from the batch and calibration commands. The server itself is a new
Python (``python -m dashboards.serve``) that replaces this process, with its environment set
before it starts: the C library reads ``MALLOC_ARENA_MAX`` only then. It refuses to start
while any of Solara's front-end bundles is missing from Solara's cache (the page would reach
for a public CDN), naming the command that fetches them, ``python -m dashboards.install_assets``
with this Python: in a checkout and in an installed package alike."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scenarios.errors import ScenarioError

__all__ = ["add_arguments", "run", "server_command"]


def add_arguments(dash: argparse.ArgumentParser) -> None:
    dash.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    dash.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    dash.add_argument(
        "--results",
        type=Path,
        default=Path("results"),
        metavar="DIR",
        help="folder of batch results the Results view may open and write "
        "into; nothing outside it is read (default ./results)",
    )
    dash.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another host name the server answers to (repeatable); requests "
        "for any other name get 403 (DNS rebinding)",
    )
    dash.add_argument(
        "--session-timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="how long a session whose browser vanished without closing the "
        "tab is kept for it to reconnect (default 300)",
    )


def server_command(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The server's command line and environment for these options (checked)."""
    import os

    from dashboards.install_assets import PACKAGES, cache_dir, missing
    from dashboards.results_root import ENV as RESULTS_ENV

    cache = cache_dir()
    absent = missing(cache)
    if absent:
        raise ScenarioError(
            str(cache),
            "solara front-end assets",
            f"{len(absent)} of {len(PACKAGES)} bundles missing",
            f"every bundle the page loads ({', '.join(absent)} not there): run "
            f"'{sys.executable} -m dashboards.install_assets' once (it fetches them from the "
            "npm registry) so the page renders offline",
        )
    if not 1 <= args.port <= 65535:
        raise ScenarioError("(command line)", "--port", args.port, "a port from 1 to 65535")
    if not 1 <= args.session_timeout <= 86400:
        raise ScenarioError(
            "(command line)", "--session-timeout", args.session_timeout, "seconds from 1 to 86400"
        )
    results = args.results.expanduser().resolve()
    if results.exists() and not results.is_dir():
        raise ScenarioError("(command line)", "--results", str(args.results), "a folder")
    env = {
        **os.environ,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_ASSETS_PROXY": "True",
        "MPLBACKEND": "Agg",
        "MALLOC_ARENA_MAX": "2",
        RESULTS_ENV: str(results),
    }
    command = [
        sys.executable,
        "-m",
        "dashboards.serve",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--session-timeout",
        str(args.session_timeout),
    ]
    for name in args.allowed_host:
        command += ["--allowed-host", name]
    return command, env


def run(args: argparse.Namespace) -> int:
    """Replace this process by the server (one process, not a waiting parent of 60 MB);
    Ctrl-C and SIGTERM then reach uvicorn, which closes the sessions and exits."""
    import os

    command, env = server_command(args)
    print(
        f"corridors: dashboard on http://{args.host}:{args.port} (Ctrl-C stops it); "
        f"batch results from {env['CORRIDORS_RESULTS_ROOT']}",
        file=sys.stderr,
        flush=True,
    )
    sys.stdout.flush()
    os.execve(command[0], command, env)
    return 0  # not reached: execve does not return
