"""Recruiters: licensed agencies (regular channel) and brokers or smugglers (irregular).

Each recruiter serves one corridor and one channel and has a market fee (USD), a monthly
capacity (people), a malpractice level (0-1) and is active or excluded. Per recruiter, each
month:

* its market fee moves toward what demand allows: up when last month's applications exceeded
  its capacity, down when places went unused (rate ``fee_adjustment_rate``), within half and
  three times its starting fee;
* a licensed agency's capacity grows where last month's applications exceeded it and its
  destination still had places, at its corridor's ``agency_capacity_growth_per_month`` (0 by
  default: capacity stays as in 2010);
* a licensed agency charges ``min(fee, cap) + malpractice x max(0, fee - cap)``: compliant
  agencies respect the origin's fee cap, malpractice overcharges;
* a broker charges its fee plus a risk premium that grows with border control and
  anti-trafficking enforcement;
* a licensed agency is inspected with probability ``agency_inspection_rate`` (plus complaints
  from exploited workers it placed, where protection reaches them); an inspection finds
  malpractice with probability equal to its malpractice level and blacklists it;
* a broker is caught with probability ``anti_trafficking_enforcement x (0.5 + malpractice /
  2)``;
* an excluded recruiter is replaced after ``recruiter_reentry_months`` by a new entrant with
  freshly drawn malpractice.

State lives in numpy columns (:class:`RecruiterTable`); :class:`Recruiter` is the Mesa agent
view of one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mesa
import numpy as np

from scenarios.world import Corridor

from .status import Channel

__all__ = ["Recruiter", "RecruiterTable"]


@dataclass
class RecruiterTable:
    """Every recruiter's state as numpy columns, one row per recruiter (see the module doc)."""

    corridor: np.ndarray  # int16
    channel: np.ndarray  # int8 Channel (REGULAR: licensed agency, IRREGULAR: broker)
    base_fee: np.ndarray  # USD, starting fee
    fee: np.ndarray  # USD, market fee
    capacity: np.ndarray  # people per month
    malpractice: np.ndarray  # 0-1
    active: np.ndarray  # bool
    reentry_timer: np.ndarray  # months until a replacement enters
    applications: np.ndarray  # people who asked for a place last month
    placed: np.ndarray  # people placed this month (reset at the month's start)
    complaints: np.ndarray  # exploitation complaints against it this month (people)
    excluded_total: np.ndarray  # times blacklisted or caught
    destination_full: np.ndarray  # bool: its destination's places ran out last month

    @classmethod
    def build(
        cls,
        corridors: Sequence[Corridor],
        fees_regular: np.ndarray,
        fees_irregular: np.ndarray,
        rng: np.random.Generator,
        *,
        agencies_per_corridor: int,
        brokers_per_corridor: int,
        regular_capacity_share_per_month: float,
        irregular_capacity_share_per_month: float,
        agency_malpractice_mean: float,
        broker_malpractice_mean: float,
    ) -> RecruiterTable:
        """``fees_*``: per-corridor starting fee (nan where the channel does not exist); the
        keyword arguments are the declared parameters of the same names."""
        rows = []
        for ci, corridor in enumerate(corridors):
            for channel, n, fee, share, mean_mal in (
                (
                    Channel.REGULAR,
                    agencies_per_corridor,
                    fees_regular[ci],
                    regular_capacity_share_per_month,
                    agency_malpractice_mean,
                ),
                (
                    Channel.IRREGULAR,
                    brokers_per_corridor,
                    fees_irregular[ci],
                    irregular_capacity_share_per_month,
                    broker_malpractice_mean,
                ),
            ):
                if np.isnan(fee):
                    continue
                capacity = max(corridor.initial_stock * share / n, 1.0)
                for _ in range(n):
                    rows.append((ci, int(channel), fee, capacity, mean_mal))
        c_col, ch_col, fee_col, cap_col, mal_col = (np.array(x) for x in zip(*rows, strict=True))
        n = len(rows)
        return cls(
            corridor=c_col.astype(np.int16),
            channel=ch_col.astype(np.int8),
            base_fee=fee_col.astype(float),
            fee=fee_col.astype(float).copy(),
            capacity=cap_col.astype(float),
            malpractice=_draw_malpractice(rng, mal_col),
            active=np.ones(n, bool),
            reentry_timer=np.zeros(n, np.int16),
            applications=np.zeros(n),
            placed=np.zeros(n),
            complaints=np.zeros(n),
            excluded_total=np.zeros(n, np.int32),
            destination_full=np.zeros(n, bool),
        )

    def __len__(self) -> int:
        return len(self.fee)

    def monthly_update(
        self,
        *,
        inspection_rate: np.ndarray,
        anti_trafficking: np.ndarray,
        fee_adjustment_rate: float,
        recruiter_reentry_months: int,
        agency_malpractice_mean: float,
        broker_malpractice_mean: float,
        rng: np.random.Generator,
        capacity_growth: np.ndarray | None = None,
    ) -> tuple[int, int]:
        """Fees follow demand; inspections blacklist, enforcement removes brokers; excluded
        recruiters are replaced after a while. ``inspection_rate`` and ``anti_trafficking``
        are per-recruiter arrays (from the corridor's origin and destination); the other
        keywords are the declared parameters of the same names; ``capacity_growth`` (per
        recruiter, from its corridor's ``agency_capacity_growth_per_month``; None: no
        growth) feeds :meth:`grow_capacity`. Returns the numbers of agencies blacklisted and
        brokers caught this month."""
        pressure = self.demand_pressure()  # last month's: both read it before the reset
        self.adjust_fees(fee_adjustment_rate, pressure)
        if capacity_growth is not None:
            self.grow_capacity(capacity_growth, pressure)
        caught_agency, caught_broker = self.exclude_caught(
            inspection_rate, anti_trafficking, recruiter_reentry_months, rng
        )
        self.replace_excluded(
            caught_agency | caught_broker, agency_malpractice_mean, broker_malpractice_mean, rng
        )
        self.applications[:] = 0.0
        self.placed[:] = 0.0
        self.complaints[:] = 0.0
        self.destination_full[:] = False
        return int(caught_agency.sum()), int(caught_broker.sum())

    def demand_pressure(self) -> np.ndarray:
        """Last month's ``applications`` / ``capacity`` per recruiter (0 without capacity):
        what fees and agencies' growth respond to."""
        return np.where(
            self.capacity > 0, self.applications / np.maximum(self.capacity, 1e-300), 0.0
        )

    def adjust_fees(self, fee_adjustment_rate: float, pressure: np.ndarray | None = None) -> None:
        """Reads last month's ``applications`` against ``capacity`` (or ``pressure``, their
        ratio from :meth:`demand_pressure`); writes ``fee``.

        Why: fees respond to demand. The market fee moves by ``fee_adjustment_rate`` times the
        excess of applications over capacity (clipped to -50%..+100% of the rate), and stays
        within half and three times the starting fee."""
        if pressure is None:
            pressure = self.demand_pressure()
        step = fee_adjustment_rate * np.clip(pressure - 1.0, -0.5, 1.0)
        self.fee = np.clip(self.fee * (1.0 + step), 0.5 * self.base_fee, 3.0 * self.base_fee)

    def grow_capacity(self, growth: np.ndarray, pressure: np.ndarray | None = None) -> None:
        """Reads last month's ``applications`` against ``capacity`` (or ``pressure``, their
        ratio from :meth:`demand_pressure`) and ``destination_full``; writes ``capacity`` of
        licensed agencies (brokers keep theirs). No draws.

        Why: where applicants queue beyond what the licensed agencies can process, agencies
        expand and new ones are licensed (Viet Nam's licensed labour-export companies, for
        all destinations, went from 196 in 2014 to 340 in 2018), so a corridor's regular
        capacity follows sustained demand instead of staying a share of its 2010 stock. Each
        month capacity grows by ``growth`` (per recruiter, from its corridor) times the
        excess of applications over capacity, clipped to 0..1: at most ``growth`` a month,
        when applications are twice the capacity or more; it never shrinks. Not in a month
        when the destination's places (quota or employers' job orders) ran out: then the
        agencies were not what held applicants back, and more of them would place nobody."""
        agency = (self.channel == Channel.REGULAR) & ~self.destination_full
        if pressure is None:
            pressure = self.demand_pressure()
        step = growth * np.clip(pressure - 1.0, 0.0, 1.0)
        self.capacity = np.where(agency, self.capacity * (1.0 + step), self.capacity)

    def exclude_caught(
        self,
        inspection_rate: np.ndarray,
        anti_trafficking: np.ndarray,
        recruiter_reentry_months: int,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Reads ``channel``, ``active``, ``complaints``, ``capacity``, ``malpractice``; writes
        ``active``, ``excluded_total``, ``reentry_timer`` of those caught. Draws two uniforms
        per recruiter (always, so the stream does not depend on who is active).

        Why: an active agency is inspected with its origin's ``inspection_rate`` or because of
        complaints (rate ``1 - exp(-complaints / capacity)``), and an inspection finds its
        malpractice with probability equal to its malpractice level: blacklisted. An active
        broker is caught with probability ``anti_trafficking x (0.5 + malpractice / 2)``.
        Returns the masks (agencies blacklisted, brokers caught)."""
        agency = self.channel == Channel.REGULAR
        u = rng.random((2, len(self)))
        complaint_rate = 1.0 - np.exp(-self.complaints / np.maximum(self.capacity, 1.0))
        inspected = u[0] < 1.0 - (1.0 - inspection_rate) * (1.0 - complaint_rate)
        caught_agency = agency & self.active & inspected & (u[1] < self.malpractice)
        caught_broker = (
            ~agency & self.active & (u[0] < anti_trafficking * (0.5 + 0.5 * self.malpractice))
        )
        caught = caught_agency | caught_broker
        self.active[caught] = False
        self.excluded_total[caught] += 1
        self.reentry_timer[caught] = recruiter_reentry_months
        return caught_agency, caught_broker

    def replace_excluded(
        self,
        caught: np.ndarray,
        agency_malpractice_mean: float,
        broker_malpractice_mean: float,
        rng: np.random.Generator,
    ) -> None:
        """Reads ``active``, ``reentry_timer`` (``caught``: excluded this month, who do not
        count down yet); writes ``reentry_timer``, and for those whose timer runs out
        ``malpractice`` (a fresh draw around the channel's mean), ``fee`` (back to the
        starting fee) and ``active``.

        Why: an excluded recruiter's place is taken by a new entrant after
        ``recruiter_reentry_months``."""
        waiting = ~self.active & ~caught
        self.reentry_timer[waiting] -= 1
        reenter = waiting & (self.reentry_timer <= 0)
        if reenter.any():
            mean = np.where(
                self.channel[reenter] == Channel.REGULAR,
                agency_malpractice_mean,
                broker_malpractice_mean,
            )
            self.malpractice[reenter] = _draw_malpractice(rng, mean)
            self.fee[reenter] = self.base_fee[reenter]
            self.active[reenter] = True

    def charged_fee(self, fee_cap: np.ndarray, risk_premium: np.ndarray) -> np.ndarray:
        """What each recruiter charges a worker now (USD)."""
        capped = np.minimum(self.fee, fee_cap) + self.malpractice * np.maximum(
            0.0, self.fee - fee_cap
        )
        return np.where(self.channel == Channel.REGULAR, capped, self.fee * (1.0 + risk_premium))


def _draw_malpractice(rng: np.random.Generator, mean: np.ndarray | float) -> np.ndarray:
    """Beta(2 m / (1 - m), 2) has mean m: most recruiters near the mean, a few far worse."""
    m = np.clip(np.asarray(mean, dtype=float), 1e-3, 1 - 1e-3)
    return rng.beta(2.0 * m / (1.0 - m), 2.0)


class Recruiter(mesa.Agent):
    """Mesa agent view of one recruiter row (for inspection and agent reporters)."""

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = int(row)

    @property
    def licensed(self) -> bool:
        """A licensed agency (regular channel), not a broker."""
        return bool(self.model.recruiters.channel[self.row] == Channel.REGULAR)

    @property
    def corridor(self) -> str:
        """The corridor it serves."""
        return self.model.world.corridors[int(self.model.recruiters.corridor[self.row])].code

    @property
    def fee_usd(self) -> float:
        """Its market fee now, USD."""
        return float(self.model.recruiters.fee[self.row])

    @property
    def malpractice(self) -> float:
        """Its malpractice level, 0-1."""
        return float(self.model.recruiters.malpractice[self.row])

    @property
    def placed_this_month(self) -> float:
        """People this recruiter placed in the current month."""
        return float(self.model.recruiters.placed[self.row])

    @property
    def active(self) -> bool:
        """Active (not blacklisted or caught and awaiting a replacement)."""
        return bool(self.model.recruiters.active[self.row])
