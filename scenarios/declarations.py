"""The declaration type shared by policy levers, exogenous drivers, behavioural parameters and
run settings.

Each quantity is declared exactly once (name, unit, default, range, plain-language text, the
policy of the source chapter it stands for). Scenario validation, the command line, batch
sweeps, calibration, the dashboard's controls and the lever table in ``ODD.md`` are generated
from these declarations, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["FROM_WORLD_DATA", "Declaration", "Kind", "Scope"]

Kind = Literal["float", "int", "bool", "months"]
"""``months`` is a list of "YYYY-MM" start months (possibly empty)."""

Scope = Literal["global", "origin", "destination", "country", "corridor"]
"""What a value is keyed by: one value, per origin, per destination, per any country, or per
corridor ("MMR-THA")."""

FROM_WORLD_DATA = "world data"
"""Default of corridor levers whose baseline value is a fact of the world data (for example the
remittance cost of a corridor): unless a scenario sets it, the world data value applies."""


@dataclass(frozen=True, slots=True)
class Declaration:
    """One lever, driver, behavioural parameter or run setting."""

    name: str
    kind: Kind
    scope: Scope
    default: float | int | bool | tuple | str
    minimum: float | None
    maximum: float | None
    unit: str
    group: str
    description: str
    source_policy: str = ""
    side: str = ""
    label: str = ""
    """A short plain-language name for people (the dashboard's control label); ``name`` is the
    identifier scenario files use."""

    def bounds(self) -> tuple[float, float]:
        """``(minimum, maximum)`` of a numeric declaration; a TypeError for the others, which
        have no range (range checks need both ends)."""
        if self.minimum is None or self.maximum is None:
            raise TypeError(f"{self.name} is a {self.kind} declaration: it has no range")
        return self.minimum, self.maximum

    @property
    def title(self) -> str:
        """``label``, or the identifier in words when no label is declared."""
        return self.label or self.name.replace("_", " ").capitalize()

    def allowed(self) -> str:
        """Plain text of what values are allowed, for error messages and docs."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "months":
            return 'a list of months written "YYYY-MM" between 2010-01 and 2035-12'
        kind = "a whole number" if self.kind == "int" else "a number"
        return f"{kind} from {_fmt(self.minimum)} to {_fmt(self.maximum)} ({self.unit})"

    def default_text(self) -> str:
        """The default in words, for the lever table and the dashboard's help."""
        if self.default == FROM_WORLD_DATA:
            return "per corridor, from world data"
        if self.kind == "months":
            assert isinstance(self.default, tuple), self.default  # start months, "YYYY-MM"
            return ", ".join(self.default) or "none"
        if self.kind == "bool":
            return "true" if self.default else "false"
        return _fmt(self.default)


def _fmt(x: object) -> str:
    if x is None:
        return "-"
    if isinstance(x, float) and x.is_integer() and abs(x) >= 1000:
        x = int(x)
    if isinstance(x, int) and abs(x) >= 10_000:
        return f"{x:,}"
    return f"{x:g}" if isinstance(x, float) else str(x)
