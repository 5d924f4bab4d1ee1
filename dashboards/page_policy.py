"""How the page itself is served: in English (``<html lang="en">``), never inside a frame.

* ``lang``: screen readers pick their voice and hyphenation from it (issue 11, defect 9).
  Solara's page template writes a bare ``<html>`` outside any block a template could
  override, so ``install_lang`` gives Solara's template loader a copy of that template with
  the attribute added.
* Framing: Solara tries to set its session cookie ``SameSite=None`` so that a page can
  embed the app in an ``<iframe>``; over plain http on a name other than ``localhost``
  (``127.0.0.1``, a LAN address) browsers refuse such a cookie, so Solara falls back to
  ``SameSite=Lax`` and writes a long warning to the log on page loads. This dashboard is not
  made to be embedded (a framing page could drive its buttons), so ``NoFraming`` forbids
  frames outright (``frame-ancestors 'none'``, ``X-Frame-Options: DENY``); with embedding
  ruled out, ``Lax`` is the cookie we want and the warning, which only concerns embedding,
  is filtered (``quiet_embedding_warning``).
"""

from __future__ import annotations

import logging
import warnings

import jinja2

__all__ = ["NoFraming", "install_lang", "quiet_embedding_warning"]

logger = logging.getLogger(__name__)
TEMPLATE = "solara.html.j2"
EMBEDDING_WARNING = r"Cookies with samesite=none require https"
FRAME_HEADERS = [
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
]


class _LangLoader(jinja2.BaseLoader):
    """Solara's own loader, with ``lang`` added to the root element of its page template."""

    def __init__(self, inner: jinja2.BaseLoader, lang: str) -> None:
        self.inner = inner
        self.lang = lang

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if template == TEMPLATE:
            if "<html>" in source:
                source = source.replace("<html>", f'<html lang="{self.lang}">', 1)
            else:
                logger.warning("%s has no bare <html> tag: page served without lang", filename)
        return source, filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


def install_lang(lang: str = "en") -> None:
    """Serve Solara's page template with ``<html lang=...>`` (call before the first page)."""
    from solara.server import server

    original = server.get_jinja_env
    if getattr(original, "corridors_lang", None) == lang:
        return

    def get_jinja_env(app_name: str) -> jinja2.Environment:
        env = original(app_name=app_name)  # Solara memoizes it: one environment per app
        if not isinstance(env.loader, _LangLoader):
            env.loader = _LangLoader(env.loader, lang)
            if env.cache is not None:  # a template loaded before the swap
                env.cache.clear()
        return env

    get_jinja_env.corridors_lang = lang
    server.get_jinja_env = get_jinja_env


def quiet_embedding_warning() -> None:
    """Drop Solara's iframe-cookie warning, which ``NoFraming`` makes moot (see above)."""
    warnings.filterwarnings("ignore", message=EMBEDDING_WARNING, category=UserWarning)


class NoFraming:
    """ASGI middleware: every HTTP response forbids being shown inside a frame."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *FRAME_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
