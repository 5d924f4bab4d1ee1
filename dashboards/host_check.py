"""Refuse requests addressed to a name the dashboard was not started for (DNS rebinding).

A page on any web site can make a browser talk to ``127.0.0.1``: after a DNS rebinding its
own name resolves to this machine, its requests arrive here with ``Host: its.name`` and the
browser treats our answers as that site's (issue 12, item 2). So every HTTP request and
websocket handshake must name this server in ``Host``; and a websocket, which browsers open
across sites, must also come from a page of this server (``Origin``). Everything else gets
403 before Solara sees it. Requests without ``Origin`` (curl, scripts) are not from a web
page and only need a good ``Host``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["HostGuard", "allowed_hosts", "host_name"]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
ALL_INTERFACES = ("0.0.0.0", "::", "")


def host_name(value: str) -> str:
    """The name in a ``Host`` header (``name``, ``name:port``, ``[v6]:port``), lower case;
    ``""`` when it is not a well-formed host."""
    value = value.strip().lower()
    if value.startswith("["):  # [v6] or [v6]:port
        name, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return ""
        port = rest[1:]
    else:
        name, _, port = value.partition(":")
    if port and not port.isdigit():
        return ""
    return name.rstrip(".")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(bound: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names a request may carry in ``Host``: the bound address, the loopback names when
    bound to a loopback address, and the names given with ``--allowed-host``. Bound to every
    interface (``0.0.0.0``), only the loopback names and the given names are accepted: the
    server cannot know which of the machine's names its users will type."""
    names = {host_name(n) for n in extra if host_name(n)}
    bound = bound.strip().lower().strip("[]")
    if bound in ALL_INTERFACES or _is_loopback(bound):
        names.update(LOOPBACK_NAMES)
    if bound not in ALL_INTERFACES:
        names.add(bound)
    return frozenset(names)


class HostGuard:
    """ASGI middleware: 403 unless ``Host`` names an allowed host, and so does ``Origin``
    when the request has one (browsers always send it on a websocket and on a cross-site
    POST)."""

    def __init__(self, app, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(hosts)

    def _host_ok(self, headers: dict[bytes, bytes]) -> bool:
        return host_name(headers.get(b"host", b"").decode("latin-1")) in self.hosts

    def _origin_ok(self, headers: dict[bytes, bytes]) -> bool:
        origin = headers.get(b"origin")
        if origin is None:  # not sent by a web page (curl, a script): Host decides
            return True
        parts = urlsplit(origin.decode("latin-1"))
        if parts.scheme not in ("http", "https"):
            return False
        return host_name(parts.netloc) in self.hosts

    async def __call__(self, scope, receive, send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        ok = self._host_ok(headers) and self._origin_ok(headers)
        if ok:
            await self.app(scope, receive, send)
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # uvicorn answers 403
        else:
            await _forbidden(send)


async def _forbidden(send) -> None:
    body = b"403: this server does not answer to that host name or origin\n"
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
