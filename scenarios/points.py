"""Points in the space of declared numeric values: which names may be varied, and a
scenario with a point applied.

Why here, in the lowest layer: batches sweep points, sensitivity analyses sample them, the
calibration fits them and posterior draws are points too. All four apply and check them the
same way, so the rule lives beside the declarations it reads.
"""

from __future__ import annotations

from typing import Any

from .declarations import Declaration
from .errors import ScenarioError
from .registry import DECLARATIONS, SECTION_OF
from .scenario import Scenario

__all__ = ["apply_point", "swept_declaration"]


def apply_point(scenario: Scenario, point: dict[str, Any]) -> Scenario:
    """Scenario with a point's values applied (``name.KEY`` changes one country or corridor,
    the other keys of that value keep the scenario's values)."""
    if not point:
        return scenario
    overrides: dict[str, Any] = {}
    for key, value in point.items():
        name, _, sub = key.partition(".")
        if sub:
            table = overrides.setdefault(name, dict(scenario.to_dict()[SECTION_OF[name]][name]))
            table[sub] = value
        else:
            overrides[name] = value
    return scenario.with_values(**overrides)


def swept_declaration(f: str, key: str, scenario: Scenario) -> Declaration:
    """The declaration a point's key varies: a numeric lever, driver or parameter, optionally
    one of its countries or corridors (``name.KEY``). Anything else is a ScenarioError naming
    file ``f`` and the key (settings are never varied: seeds and scale are not policies)."""
    name, _, sub = key.partition(".")
    decl = DECLARATIONS.get(name)
    if decl is None or decl.kind not in ("float", "int") or SECTION_OF[name] == "settings":
        raise ScenarioError(
            f, f"sweep.{key}", key, "a numeric lever, driver or parameter (optionally name.KEY)"
        )
    if sub and (decl.scope == "global" or sub not in scenario.values[name]):
        allowed = list(scenario.values[name]) if decl.scope != "global" else []
        raise ScenarioError(
            f, f"sweep.{key}", sub, f"a key of this {decl.scope}-level value: {allowed}"
        )
    return decl
