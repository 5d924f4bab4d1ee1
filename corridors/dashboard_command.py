"""``corridors dashboard``: serve the Solara dashboard (127.0.0.1 unless told otherwise).

Its own module so the dashboard's serving options (host, port, and the checks around them)
live apart from the batch and calibration commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scenarios.errors import ScenarioError

__all__ = ["add_arguments", "run"]


def add_arguments(dash: argparse.ArgumentParser) -> None:
    dash.add_argument("--host", default="127.0.0.1",
                      help="address to bind (default 127.0.0.1: this machine only)")
    dash.add_argument("--port", type=int, default=8765, help="port (default 8765)")


def run(args: argparse.Namespace) -> int:
    import os
    import subprocess

    import solara.server.settings as solara_settings

    cache = Path(solara_settings.assets.proxy_cache_dir)
    if not (cache / "@widgetti" / "solara-vuetify-app@10.1.1").is_dir():
        raise ScenarioError(str(cache), "solara front-end assets", "missing",
                            "run 'bash dashboards/install_assets.sh' once (it fetches them "
                            "from the npm registry) so the page renders offline")
    if not 1 <= args.port <= 65535:
        raise ScenarioError("(command line)", "--port", args.port, "a port from 1 to 65535")
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
           "SOLARA_ASSETS_PROXY": "True", "MPLBACKEND": "Agg"}
    command = [sys.executable, "-m", "solara", "run", "dashboards.app", "--host", args.host,
               "--port", str(args.port), "--production", "--no-open"]
    print(f"corridors: dashboard on http://{args.host}:{args.port} (Ctrl-C stops it)",
          file=sys.stderr)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0


