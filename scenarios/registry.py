"""Every declaration by name, and which section of a scenario file it belongs to."""

from __future__ import annotations

from .declarations import Declaration
from .drivers import DRIVERS
from .levers import LEVERS
from .parameters import PARAMETERS
from .settings import SETTINGS

__all__ = ["DECLARATIONS", "SECTIONS", "declaration"]

SECTIONS: dict[str, tuple[Declaration, ...]] = {
    "levers": LEVERS,
    "drivers": DRIVERS,
    "parameters": PARAMETERS,
    "settings": SETTINGS,
}

DECLARATIONS: dict[str, Declaration] = {d.name: d for decls in SECTIONS.values() for d in decls}
assert len(DECLARATIONS) == sum(len(v) for v in SECTIONS.values()), "duplicate declaration"

SECTION_OF: dict[str, str] = {d.name: s for s, decls in SECTIONS.items() for d in decls}


def declaration(name: str) -> Declaration:
    """The declaration of ``name`` (a KeyError for an undeclared name)."""
    return DECLARATIONS[name]
