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


def check_depth(data: object, f: str, quote: bool = True) -> None:
    """A ScenarioError when ``data`` nests deeper than :data:`MAX_DEPTH`."""
    if nesting_depth(data) > MAX_DEPTH:
        raise ScenarioError(
            f,
            "(nesting)",
            "deeper than allowed" if quote else HIDDEN,
            f"tables and arrays nested at most {MAX_DEPTH} levels deep",
        )


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
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f, "(syntax)", str(exc) if quote else HIDDEN, "valid TOML") from None
    except RecursionError:
        raise ScenarioError(
            f,
            "(nesting)",
            "deeper than allowed" if quote else HIDDEN,
            f"tables and arrays nested at most {MAX_DEPTH} levels deep",
        ) from None
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
