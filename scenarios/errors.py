"""The one error type for bad scenario, batch or data input.

Every message names the file, the key, the offending value and what is allowed, so a user can
fix the input without reading code. The command line turns it into exit status 2.

A value read from a file the user did not write (a preset or a file reached through
``extends``) is never quoted: such errors carry :data:`HIDDEN` and the message names the file
and the key only, so an error cannot be used to read a file's content.
"""

from __future__ import annotations

__all__ = ["HIDDEN", "ScenarioError"]


class _Hidden:
    def __repr__(self) -> str:
        return "(value not shown)"


HIDDEN = _Hidden()
"""Stands for a value an error must not quote."""


def _one_line(text: str, limit: int) -> str:
    """``text`` on one line (control characters escaped) and at most ``limit`` characters:
    a key or file name from a hostile file must not break or flood the message."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ScenarioError(ValueError):
    """Invalid input: carries where (file, key), what (value) and what is allowed."""

    def __init__(self, file: str, key: str, value: object, allowed: str) -> None:
        self.file = str(file)
        self.key = key
        self.value = value
        self.allowed = allowed
        where = f"{_one_line(self.file, 300)}: {_one_line(str(key), 120)}"
        what = _one_line(str(allowed), 2000)
        if value is HIDDEN:
            super().__init__(f"{where}: {what}")
            return
        super().__init__(f"{where} = {_one_line(_short_repr(value), 120)}: {what}")


def _short_repr(value: object) -> str:
    if isinstance(value, str) and len(value) > 200:
        value = value[:200]  # repr of a megabyte string only to cut it is wasteful
    try:
        return repr(value)
    except RecursionError:
        return "(nested too deeply to show)"
