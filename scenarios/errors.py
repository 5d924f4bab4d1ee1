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


class ScenarioError(ValueError):
    """Invalid input: carries where (file, key), what (value) and what is allowed."""

    def __init__(self, file: str, key: str, value: object, allowed: str) -> None:
        self.file = str(file)
        self.key = key
        self.value = value
        self.allowed = allowed
        if value is HIDDEN:
            super().__init__(f"{self.file}: {key}: {allowed}")
            return
        shown = repr(value)
        if len(shown) > 120:
            shown = shown[:117] + "..."
        super().__init__(f"{self.file}: {key} = {shown}: {allowed}")
