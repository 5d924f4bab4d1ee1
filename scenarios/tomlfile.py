"""Read a TOML input file (batch, calibration or sensitivity definition) with the project's
error conventions: a missing file, bad syntax or an unknown top-level key is a
:class:`~scenarios.errors.ScenarioError` naming the file, the key and what is allowed."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import ScenarioError

__all__ = ["read_toml"]


def read_toml(path: str | Path, what: str, keys: set[str]) -> tuple[dict, str]:
    """The parsed table and the file name used in messages. ``what`` names the kind of file
    ("batch", "calibration") for the message when it does not exist."""
    p = Path(path)
    f = str(p)
    if not p.is_file():
        raise ScenarioError(f, "(file)", f, f"an existing {what} TOML file")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(f, "(syntax)", str(exc), "valid TOML (UTF-8)") from exc
    for key in data:
        if key not in keys:
            raise ScenarioError(f, key, data[key], f"one of the keys {sorted(keys)}")
    return data, f
