"""The dashboard server's own checks, without a server: which host names and origins pass
(issue 12, item 2), the page template's ``lang``, and what ``corridors dashboard`` starts."""

from __future__ import annotations

import argparse
import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from corridors.dashboard_command import add_arguments, server_command
from dashboards.host_check import HostGuard, allowed_hosts, host_name
from dashboards.results_root import ENV
from scenarios.errors import ScenarioError


def test_host_name_reads_names_ports_and_v6():
    assert host_name("LocalHost:8765") == "localhost"
    assert host_name("127.0.0.1") == "127.0.0.1"
    assert host_name("[::1]:8765") == "::1"
    assert host_name("example.org.:80") == "example.org"
    assert host_name("evil:abc") == ""
    assert host_name("[::1]x") == ""


def test_allowed_hosts_follow_the_bound_address():
    assert allowed_hosts("127.0.0.1") == {"127.0.0.1", "localhost", "::1"}
    assert allowed_hosts("localhost") == {"127.0.0.1", "localhost", "::1"}
    assert allowed_hosts("192.168.1.5") == {"192.168.1.5"}
    assert allowed_hosts("0.0.0.0", ["dash.lan"]) == {"127.0.0.1", "localhost", "::1", "dash.lan"}
    assert "0.0.0.0" not in allowed_hosts("0.0.0.0")


def _call(guard: HostGuard, kind: str, headers: dict[str, str]) -> tuple[list[dict], bool]:
    reached = []

    async def app(scope, receive, send):
        reached.append(scope)

    guard.app = app
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": f"{kind}.disconnect"}

    scope = {"type": kind, "headers": [(k.encode(), v.encode()) for k, v in headers.items()]}
    # a thread of its own: the browser tests' Playwright may keep a loop running in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, guard(scope, receive, send)).result()
    return sent, bool(reached)


@pytest.mark.parametrize(
    ("kind", "headers", "passes"),
    [
        ("http", {"host": "127.0.0.1:8765"}, True),
        ("http", {"host": "localhost:8765"}, True),
        ("http", {"host": "evil.example:8765"}, False),
        ("http", {}, False),
        ("http", {"host": "127.0.0.1:8765", "origin": "http://evil.example:8765"}, False),
        ("http", {"host": "127.0.0.1:8765", "origin": "http://127.0.0.1:8765"}, True),
        ("websocket", {"host": "127.0.0.1:8765", "origin": "http://127.0.0.1:8765"}, True),
        ("websocket", {"host": "127.0.0.1:8765", "origin": "http://evil.example"}, False),
        ("websocket", {"host": "127.0.0.1:8765", "origin": "null"}, False),
        ("websocket", {"host": "evil.example", "origin": "http://127.0.0.1:8765"}, False),
    ],
)
def test_host_guard_refuses_foreign_names_and_origins(kind, headers, passes):
    sent, reached = _call(HostGuard(None, allowed_hosts("127.0.0.1")), kind, headers)
    assert reached == passes
    if passes:
        return
    if kind == "http":
        assert sent[0]["status"] == 403
    else:
        assert sent == [{"type": "websocket.close", "code": 1008}]


def test_page_template_names_its_language():
    """Solara's own page template, through the loader ``install_lang`` gives Solara."""
    import jinja2
    import solara.server.server as solara_server

    from dashboards.page_policy import _LangLoader

    loader = _LangLoader(jinja2.FileSystemLoader(str(solara_server.directory / "templates")), "en")
    env = jinja2.Environment(loader=loader)
    assert loader.get_source(env, "solara.html.j2")[0].count('<html lang="en">') == 1
    assert "<html>" in loader.get_source(env, "plain.html")[0]  # other templates untouched


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_the_command_passes_the_results_root_and_checks_its_options(tmp_path, monkeypatch):
    import solara.server.settings as settings

    cache = Path(settings.assets.proxy_cache_dir)
    if not (cache / "@widgetti" / "solara-vuetify-app@10.1.1").is_dir():
        pytest.skip("Solara's front-end assets are not installed")
    monkeypatch.chdir(tmp_path)
    command, env = server_command(_args("--allowed-host", "dash.lan"))
    assert env[ENV] == str(tmp_path / "results")
    assert command[1:3] == ["-m", "dashboards.serve"]
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--allowed-host") + 1] == "dash.lan"
    (tmp_path / "file").write_text("x")
    for bad in (["--results", "file"], ["--session-timeout", "0"], ["--port", "0"]):
        with pytest.raises(ScenarioError):
            server_command(_args(*bad))
