"""How many people the revolving door at the start puts in each part of its cycle (driver
``initial_forced_returns_per_month``; the model places them, ``simulation/revolving_door.py``).

Why here: a scenario is checked when it is loaded, and a value the corridor's initial
irregular stock cannot hold must be refused then, naming the file and the key, not when a
model is built from it; the model places the same people, so both read this one formula.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .errors import ScenarioError
from .world import Corridor, World

__all__ = ["check_door_at_start", "corridor_door", "door_at_start", "transit_months"]

DRIVER = "initial_forced_returns_per_month"


def door_at_start(
    forced_returns_per_month: float,
    reentry: float,
    arrest_probability: float,
    border_area_probability: float,
    detention_months: int,
    transit_months: int,
    border_area_months: int,
) -> tuple[list[float], list[float], list[float]]:
    """People (not agents) in each part of the cycle at the start, from ``F`` =
    ``forced_returns_per_month`` sent back a month before the run: (detained, ``F`` for each
    month of detention left, 1 up; crossing again, ``r F`` for each month of transit left,
    1 up, with ``r`` = ``reentry``; recent crossers who got in ``k`` = 1, 2, ... months before
    the first month, ``r F (1 - p)^k`` for ``k`` below ``border_area_months``, having escaped
    ``k`` arrests at ``p = q + (1 - q) b``, the arrest rule's chance that either the
    destination's arrest probability ``q`` or border-area enforcement ``b`` catches them)."""
    f, r = forced_returns_per_month, reentry
    p = arrest_probability + (1.0 - arrest_probability) * border_area_probability
    detained = [f] * max(0, detention_months)
    crossing = [r * f] * max(1, transit_months)
    recent = [r * f * (1.0 - p) ** k for k in range(1, max(1, border_area_months))]
    return detained, crossing, recent


def transit_months(irregular_transit_months: float) -> int:
    """Whole months of an irregular crossing (1 where the world data give none), as the
    model counts a crossing down."""
    months = 1.0 if math.isnan(irregular_transit_months) else irregular_transit_months
    return max(1, math.ceil(months))


def corridor_door(
    corridor: Corridor, read: Callable[[str, str | None], float]
) -> tuple[list[float], list[float], list[float]]:
    """:func:`door_at_start` of one corridor: six of its inputs read by ``read(name, key)``
    (``name`` a lever, driver or parameter; ``key`` the corridor's code for a per-corridor
    value, its destination's for a per-destination one, ``None`` for a single value), the
    seventh, the transit months, from the corridor. One reading for both users: the
    scenario's check reads the resolved values, the model its lever arrays."""
    return door_at_start(
        read(DRIVER, corridor.code),
        read("reentry_after_forced_return", corridor.destination),
        read("enforcement_monthly_arrest_probability", corridor.destination),
        read("border_area_arrest_probability", corridor.code),
        int(read("detention_months", None)),
        transit_months(corridor.irregular_transit_months),
        int(read("border_area_months", None)),
    )


def check_door_at_start(values: Any, world: World, file: str) -> None:
    """Refuse a value of the driver that a corridor cannot hold: more people in the cycle
    than the corridor's initial irregular stock (``initial_stock x (1 - initial_regular_share)``),
    or, at the scenario's ``people_per_agent``, more agents (each part's people divided by it
    and rounded, as the model places them) than the stock's agents (rounded as the initial
    population is built). A corridor without an irregular channel has no door: its value is
    not read (as ``reentry_after_forced_return`` is not, there), so one value for every
    corridor is allowed."""
    for c in world.corridors:
        forced = float(values[DRIVER][c.code])
        if forced <= 0 or not c.has_irregular_entry:
            continue
        key = f"drivers.{DRIVER}.{c.code}"
        door = corridor_door(
            c, lambda lever, k: float(values[lever] if k is None else values[lever][k])
        )
        needed = sum(sum(part) for part in door)
        stock = c.initial_stock * (1.0 - c.initial_regular_share)
        if needed > stock:
            raise ScenarioError(
                file,
                key,
                forced,
                f"at most {forced * stock / needed:,.0f} people a month: the corridor's initial "
                f"irregular stock ({stock:,.0f}) must hold those detained, crossing again and "
                f"recently crossed ({needed:,.0f} at this value)",
            )
        ppa = float(values["people_per_agent"])
        agents = sum(round(x / ppa) for part in door for x in part)
        if agents > round(stock / ppa):
            raise ScenarioError(
                file,
                key,
                forced,
                f"a finer scale or a lower value: at {ppa:g} people per agent the cycle needs "
                f"{agents} agents and the corridor's initial irregular stock is "
                f"{round(stock / ppa)}",
            )
