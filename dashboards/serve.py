"""The dashboard's server process: Solara's app behind our own checks, run by uvicorn.

``corridors dashboard`` starts ``python -m dashboards.serve`` (its options are that
command's; see ``corridors/dashboard_command.py``). Serving Solara's ASGI app ourselves,
rather than through ``solara run``, is what lets the server refuse foreign host names
(``host_check``), forbid framing and name the page's language (``page_policy``), free closed
sessions (``session_cleanup``), and never contact PyPI at start (``solara run`` checks for a
newer Solara there).
"""

from __future__ import annotations

import argparse
import os
import sys

__all__ = ["build_app", "main"]


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m dashboards.serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--allowed-host", action="append", default=[])
    parser.add_argument("--session-timeout", type=float, default=300.0)
    return parser.parse_args(argv)


def build_app(host: str, allowed: list[str], session_timeout: float):
    """Configure Solara for this dashboard and return the ASGI app to serve."""
    os.environ.setdefault("SOLARA_APP", "dashboards.app")
    import solara.server.settings as settings

    settings.main.mode = "production"
    settings.kernel.cull_timeout = f"{session_timeout:g}s"

    from . import page_policy, session_cleanup
    from .host_check import HostGuard, allowed_hosts

    page_policy.install_lang("en")
    page_policy.quiet_embedding_warning()
    session_cleanup.install()
    from solara.server.starlette import app

    return HostGuard(page_policy.NoFraming(app), allowed_hosts(host, allowed))


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    import uvicorn
    from solara.__main__ import LOGGING_CONFIG

    app = build_app(args.host, args.allowed_host, args.session_timeout)
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = args.host, str(args.port)
    print(f"corridors: serving on http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_config=LOGGING_CONFIG,
        loop="asyncio",
        access_log=False,
        log_level="warning",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
