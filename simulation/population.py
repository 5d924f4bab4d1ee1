"""The workers' state as numpy columns, and the initial population of January 2010.

Initial population, per origin: the people at risk of migrating (working-age population x
at-risk share, world data) at home, plus, per corridor, the 2010 migrant stock abroad split
into regular and irregular by the corridor's 2010 regular share. Counts of agents are the
people divided by ``people_per_agent``, rounded to the nearest whole agent, so every initial
stock matches the world data within half an agent's worth of people.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from agents.status import NO_IRREGULAR_ENTRY, Channel, Legal, Status
from scenarios.world import World

__all__ = ["Population", "build_population"]

MIN_AGE_MONTHS = 18 * 12
MAX_DECISION_AGE_MONTHS = 50 * 12
RENEWAL_AGE_MONTHS = 55 * 12


@dataclass
class Population:
    """The workers' state as numpy columns, one row per worker agent (see the module doc)."""

    origin: np.ndarray  # int8 index into world.origins
    skilled: np.ndarray  # bool
    female: np.ndarray  # bool
    age_months: np.ndarray  # int16
    savings: np.ndarray  # float64 USD
    debt: np.ndarray  # float64 USD
    network_ties: np.ndarray  # int16: relatives and friends who could be abroad
    status: np.ndarray  # int8 Status
    legal: np.ndarray  # int8 Legal
    corridor: np.ndarray  # int16 current (or last) corridor, -1 if never migrated
    channel: np.ndarray  # int8 Channel of the last move, -1 none
    timer: np.ndarray  # int16 months left waiting / in transit / detained / in grace
    contract_left: np.ndarray  # int16 months left on a regular contract or registration
    recruiter: np.ndarray  # int32 recruiter of the last move, -1 none
    trained: np.ndarray  # bool pre-departure training on the current stay
    exploited: np.ndarray  # bool exploited now
    exploitation_count: np.ndarray  # int16 cases so far
    trafficked: np.ndarray  # bool ever trafficked
    social_security: np.ndarray  # float64 USD accrued contributions of the current stay
    reintegration_left: np.ndarray  # int16 months of reintegration support left
    amnesty_wait: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    """int16 months since registering in an amnesty window while verification is pending
    (1 in the month of registration), 0 if not pending. A registrant is still irregular until
    legalised. Left out when building (nobody is pending at the start, nor among hand-built
    workers), it is all zeros."""

    trips: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    """int16 moves abroad so far (departures; 1 for those abroad at the start): a departure
    of someone with ``trips`` above 0 is a re-migration. All zeros when left out."""
    season_left: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    """int16 months left of a seasonal stay (above 0 while abroad on one), -1 once back home
    from a seasonal stay (until the next move or renewal), 0 otherwise. All zeros when left
    out (nobody is seasonal at the start)."""

    stay_months: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    """int16 months on work permits (legal regular, outside detention) in the destination on
    the current stay (for those abroad at the start, from January 2010), 0 at home: what a
    destination's longest stay on permits (``regular_stay_limit_months``) is checked
    against. All zeros when left out."""

    irregular_entry_month: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    """int16 month index of the irregular entry that began the current stay (the month the
    crossing got in; negative for a crossing before the run's first month),
    ``NO_IRREGULAR_ENTRY`` for a stay begun on the regular channel, for the settled stock
    abroad at the start and for everyone at home: who counts as a recent crosser for
    border-area enforcement (``border_area_arrest_probability``). All ``NO_IRREGULAR_ENTRY``
    when left out."""

    amnesty_window_eligible: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    """int16 month index at which the registration window this person meets the conditions
    of opened, -1 if none (``amnesty_eligibility_per_window``): drawn for those in the
    destination when a window opens, compared with the open window's opening month, so an
    earlier window's draw or an arrival after the opening never counts. Empty while no
    destination has that lever on (nothing is kept per person otherwise)."""

    def __post_init__(self) -> None:
        for name in ("amnesty_wait", "trips", "season_left", "stay_months"):
            if len(getattr(self, name)) != len(self.status):
                setattr(self, name, np.zeros(len(self.status), np.int16))
        if len(self.irregular_entry_month) != len(self.status):
            self.irregular_entry_month = np.full(len(self.status), NO_IRREGULAR_ENTRY, np.int16)

    def __len__(self) -> int:
        return len(self.status)

    def nbytes(self) -> int:
        """Memory held by the columns, bytes."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))


def build_population(
    world: World,
    people_per_agent: float,
    home_wage_2010: np.ndarray,
    contract_months: int,
    savings_months: float,
    mean_ties: float,
    rng: np.random.Generator,
) -> Population:
    """Create the January 2010 population (see module doc)."""
    blocks = []  # (origin, status, legal, corridor, channel, count)
    for oi, o in enumerate(world.origins):
        n_home = round(world.population_at_risk[o] / people_per_agent)
        blocks.append((oi, Status.AT_HOME, Legal.NONE, -1, -1, n_home))
    for ci, c in enumerate(world.corridors):
        oi = world.origins.index(c.origin)
        reg = round(c.initial_stock * c.initial_regular_share / people_per_agent)
        irr = round(c.initial_stock * (1.0 - c.initial_regular_share) / people_per_agent)
        blocks.append((oi, Status.EMPLOYED_REGULAR, Legal.REGULAR, ci, Channel.REGULAR, reg))
        blocks.append((oi, Status.EMPLOYED_IRREGULAR, Legal.IRREGULAR, ci, Channel.IRREGULAR, irr))
    counts = np.array([b[5] for b in blocks])
    n = int(counts.sum())

    def col(i, dtype):
        return np.repeat(np.array([b[i] for b in blocks]), counts).astype(dtype)

    origin = col(0, np.int8)
    status = col(1, np.int8)
    skilled_share = np.array([world.skilled_share[o] for o in world.origins])[origin]
    female_share = np.array([world.female_share[o] for o in world.origins])[origin]
    abroad = status != Status.AT_HOME
    age_years = np.where(abroad, rng.uniform(18, 45, n), rng.uniform(18, 55, n))
    income = home_wage_2010[origin]
    return Population(
        origin=origin,
        skilled=rng.random(n) < skilled_share,
        female=rng.random(n) < female_share,
        age_months=(age_years * 12).astype(np.int16),
        savings=rng.exponential(max(savings_months, 1e-9), n) * income,
        debt=np.zeros(n),
        network_ties=rng.poisson(mean_ties, n).astype(np.int16),
        status=status,
        legal=col(2, np.int8),
        corridor=col(3, np.int16),
        channel=col(4, np.int8),
        timer=np.zeros(n, np.int16),
        contract_left=np.where(
            status == Status.EMPLOYED_REGULAR, rng.integers(1, contract_months + 1, n), 0
        ).astype(np.int16),
        recruiter=np.full(n, -1, np.int32),
        trained=np.zeros(n, bool),
        exploited=np.zeros(n, bool),
        exploitation_count=np.zeros(n, np.int16),
        trafficked=np.zeros(n, bool),
        social_security=np.zeros(n),
        reintegration_left=np.zeros(n, np.int16),
        trips=abroad.astype(np.int16),
    )
