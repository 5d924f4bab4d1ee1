"""Read a TOML input file (scenario, batch, calibration or sensitivity definition) with the
project's error conventions: a missing file, a file too large, bad syntax, nesting too deep or
an unknown top-level key is a :class:`~scenarios.errors.ScenarioError` naming the file, the
key and what is allowed.

Every TOML input goes through :func:`parse_toml`, so the limits hold everywhere: Python's
``tomllib`` recurses once per nesting level and raises ``RecursionError`` (a traceback of
thousands of lines) on a file such as ``a = [[[[...]]]]``; no input of this project needs more
than a few levels.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

from .errors import HIDDEN, ScenarioError

__all__ = [
    "MAX_DEPTH",
    "MAX_TOML_BYTES",
    "bracket_depth",
    "nesting_depth",
    "parse_toml",
    "read_toml",
    "read_toml_text",
]

MAX_TOML_BYTES = 1_000_000
"""Largest TOML input accepted (bytes): the biggest shipped file is a few kilobytes."""

MAX_DEPTH = 8
"""Deepest nesting of tables and arrays accepted (a scenario needs 4: section, lever,
country, list of months)."""


def nesting_depth(value: object, limit: int = MAX_DEPTH) -> int:
    """Depth of nested dicts and lists (a scalar is 0), counted without recursion and
    stopping once past ``limit``."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    children: Iterable[object]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth) for child in children)
    return deepest


def bracket_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """Deepest nesting of ``[``/``{`` in TOML ``text`` outside strings and comments,
    stopping once past ``limit``.

    Checked before ``tomllib`` parses, so a hostile file such as ``a = {b = {b = ...}}``
    is refused without the parser recursing thousands of frames deep: at Python's recursion
    limit, audit hooks installed by other libraries (filelock's, for one) fail too and print
    "Exception ignored in audit hook" to stderr, spoiling the one-line error. A value's
    bracket depth never exceeds its data depth (``[[x]]`` headers: 2 against 3), so this
    refuses nothing that :func:`check_depth` would accept.
    """
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            i = _string_end(text, i)
        else:
            if c in "[{":
                depth += 1
                deepest = max(deepest, depth)
                if deepest > limit:
                    return deepest
            elif c in "]}":
                depth = max(0, depth - 1)
            i += 1
    return deepest


def _string_end(text: str, i: int) -> int:
    """Index just past the TOML string opening at ``text[i]`` (basic ``"``, literal ``'``,
    or their triple-quoted multi-line forms; only basic strings have escapes)."""
    c, n = text[i], len(text)
    escapes = c == '"'
    if text.startswith(c * 3, i):
        j = i + 3
        while j < n and not text.startswith(c * 3, j):
            j += 2 if (escapes and text[j] == "\\") else 1
        j += 3
        while j < n and text[j] == c:  # up to two quotes may end the content
            j += 1
        return j
    j = i + 1
    while j < n and text[j] not in (c, "\n"):
        j += 2 if (escapes and text[j] == "\\") else 1
    return j + 1


def _too_deep(f: str, quote: bool) -> ScenarioError:
    """The one error for a file nested deeper than :data:`MAX_DEPTH`, however it was found."""
    return ScenarioError(
        f,
        "(nesting)",
        "deeper than allowed" if quote else HIDDEN,
        f"tables and arrays nested at most {MAX_DEPTH} levels deep",
    )


def check_depth(data: object, f: str, quote: bool = True) -> None:
    """A ScenarioError when ``data`` nests deeper than :data:`MAX_DEPTH`."""
    if nesting_depth(data) > MAX_DEPTH:
        raise _too_deep(f, quote)


def parse_toml(raw: bytes, f: str, quote: bool = True) -> dict:
    """Parse TOML bytes read from file ``f``. ``quote=False`` keeps parser messages out of
    the error (for a file the user did not write)."""
    if len(raw) > MAX_TOML_BYTES:
        raise ScenarioError(
            f, "(size)", f"{len(raw):,} bytes", f"a TOML file of at most {MAX_TOML_BYTES:,} bytes"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(
            f, "(file)", "not UTF-8" if quote else HIDDEN, "a UTF-8 text file"
        ) from None
    if bracket_depth(text) > MAX_DEPTH:
        raise _too_deep(f, quote)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f, "(syntax)", str(exc) if quote else HIDDEN, "valid TOML") from None
    except RecursionError:
        raise _too_deep(f, quote) from None
    check_depth(data, f, quote)
    return data


def read_toml_text(p: Path, f: str, what: str, quote: bool = True) -> dict:
    """Read and parse file ``p`` (named ``f`` in messages); ``what`` names the kind of file
    ("batch", "scenario") for the message when it cannot be read."""
    if not p.is_file():
        raise ScenarioError(f, "(file)", f, f"an existing {what} TOML file")
    try:
        with p.open("rb") as fh:
            raw = fh.read(MAX_TOML_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(
            f, "(file)", f, f"a readable {what} TOML file ({exc.strerror})"
        ) from None
    return parse_toml(raw, f, quote)


def read_toml(path: str | Path, what: str, keys: set[str]) -> tuple[dict, str]:
    """The parsed table and the file name used in messages. ``what`` names the kind of file
    ("batch", "calibration") for the message when it does not exist."""
    p = Path(path)
    f = str(p)
    data = read_toml_text(p, f, what)
    for key in data:
        if key not in keys:
            raise ScenarioError(f, key, data[key], f"one of the keys {sorted(keys)}")
    return data, f
