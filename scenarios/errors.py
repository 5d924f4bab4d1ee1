"""The one error type for bad scenario, batch or data input.

Every message names the file, the key, the offending value and what is allowed, so a user can
fix the input without reading code. The command line turns it into exit status 2.
"""

from __future__ import annotations

__all__ = ["ScenarioError"]


class ScenarioError(ValueError):
    """Invalid input: carries where (file, key), what (value) and what is allowed."""

    def __init__(self, file: str, key: str, value: object, allowed: str) -> None:
        self.file = str(file)
        self.key = key
        self.value = value
        self.allowed = allowed
        shown = repr(value)
        if len(shown) > 120:
            shown = shown[:117] + "..."
        super().__init__(f"{self.file}: {key} = {shown}: {allowed}")
