"""The revolving door already turning when the run starts (driver
``initial_forced_returns_per_month``; ODD 5, item 2b).

Why: across Thailand's land border with Cambodia, deportations were a cycle before 2010: the
same people sent back through Poipet and crossing again (91,268 Cambodians sent back there in
2009, Banteay Meanchey's labour department via Cambodia Daily, 2010). A run that starts with
the whole stock settled has nobody detained, nobody crossing and no recent crosser for
border-area enforcement, so its forced returns start at zero and take about a year to reach
the cycle's level (the sixteenth stage of the issue-14 fit: 0 in January 2010, about 6,000 a
month from early 2011), and the 2010 count is missed by the model's start, not by its rules.

How many people go in each part of the cycle is :func:`scenarios.door_at_start.corridor_door`
(the scenario is checked with it when loaded); here they are placed on agents taken in row
order from the corridor's block of employed irregular workers, whose attributes were drawn
alike, so no draw is needed and the random stream is unchanged. Everyone stays in the
corridor's initial stock but those crossing again (they are between the two countries).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from agents.status import Channel, Legal, Status
from scenarios.door_at_start import corridor_door
from scenarios.world import World

from .policy import LeverArrays
from .population import Population

__all__ = ["start_the_door"]


def start_the_door(pop: Population, lv: LeverArrays, world: World, people_per_agent: float) -> None:
    """Put each corridor's cycle of forced returns in motion: each part's people divided by
    ``people_per_agent`` and rounded. Writes ``status``, ``legal``, ``channel``, ``timer`` and
    ``irregular_entry_month`` of the agents taken; no draws. Nothing is read or written where
    the driver is 0 (the default) or the corridor has no irregular channel. The scenario was
    checked when loaded (:func:`scenarios.door_at_start.check_door_at_start`): the
    corridor's irregular agents hold every agent placed here."""
    forced = lv.initial_forced_returns_per_month
    read = _lever_reader(lv, world)
    for c, corridor in enumerate(world.corridors):
        if forced[c] <= 0 or not corridor.has_irregular_entry:
            continue
        detained, crossing, recent = corridor_door(corridor, read)
        agents = [round(x / people_per_agent) for x in (*detained, *crossing, *recent)]
        block = np.flatnonzero((pop.corridor == c) & (pop.status == Status.EMPLOYED_IRREGULAR))
        _place(pop, block, agents, len(detained), len(crossing))


def _lever_reader(lv: LeverArrays, world: World) -> Callable[[str, str | None], float]:
    """``read(name, key)`` for :func:`scenarios.door_at_start.corridor_door` from the lever
    arrays: ``key`` a corridor's code (its index in ``world.corridors``), a destination's
    (its index in ``world.destinations``) or ``None`` (a single value). An array read with a
    key of the other scope is refused, not read at a wrong index."""
    scopes = (
        {c.code: i for i, c in enumerate(world.corridors)},
        {d: i for i, d in enumerate(world.destinations)},
    )

    def read(name: str, key: str | None) -> float:
        array = getattr(lv, name)
        if key is None:
            return float(array)
        index = next(s for s in scopes if key in s)
        if len(array) != len(index):
            raise ValueError(f"{name} has {len(array)} values, not one per {key}'s scope")
        return float(array[index[key]])

    return read


def _place(
    pop: Population, block: np.ndarray, agents: list[int], n_detained: int, n_crossing: int
) -> None:
    """Writes the parts of the cycle onto consecutive rows of ``block``: ``agents`` holds the
    agents per month of each part in order (detained, crossing, recent)."""
    start = 0
    for i, n in enumerate(agents):
        rows = block[start : start + n]
        start += n
        if i < n_detained:  # detained, i + 1 months left
            pop.status[rows] = Status.DETAINED
            pop.timer[rows] = i + 1
        elif i < n_detained + n_crossing:  # crossing again, arriving in i - n_detained + 1
            pop.status[rows] = Status.IN_TRANSIT
            pop.legal[rows] = Legal.NONE
            pop.channel[rows] = Channel.IRREGULAR
            pop.timer[rows] = i - n_detained + 1
        else:  # got in k months before the first, k = 1, 2, ...
            pop.irregular_entry_month[rows] = -(i - n_detained - n_crossing + 1)
