"""Recruiters: licensed agencies (regular channel) and brokers or smugglers (irregular).

Each recruiter serves one corridor and one channel and has a market fee (USD), a monthly
capacity (people), a malpractice level (0-1) and is active or excluded. Per recruiter, each
month:

* its market fee moves toward what demand allows: up when last month's applications exceeded
  its capacity, down when places went unused (rate ``fee_adjustment_rate``), within half and
  three times its starting fee;
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

from dataclasses import dataclass

import mesa
import numpy as np

__all__ = ["Recruiter", "RecruiterTable"]


@dataclass
class RecruiterTable:
    corridor: np.ndarray  # int16
    channel: np.ndarray  # int8 (0 regular agency, 1 broker)
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

    @classmethod
    def build(cls, corridors, params, fees_regular, fees_irregular, rng) -> RecruiterTable:
        """``fees_*``: per-corridor starting fee (nan where the channel does not exist)."""
        rows = []
        for ci, corridor in enumerate(corridors):
            for channel, n, fee, share, mean_mal in (
                (
                    0,
                    params["agencies_per_corridor"],
                    fees_regular[ci],
                    params["regular_capacity_share_per_month"],
                    params["agency_malpractice_mean"],
                ),
                (
                    1,
                    params["brokers_per_corridor"],
                    fees_irregular[ci],
                    params["irregular_capacity_share_per_month"],
                    params["broker_malpractice_mean"],
                ),
            ):
                if np.isnan(fee):
                    continue
                capacity = max(corridor.initial_stock * share / n, 1.0)
                for _ in range(n):
                    rows.append((ci, channel, fee, capacity, mean_mal))
        ci, ch, fee, cap, mal = (np.array(x) for x in zip(*rows, strict=True))
        n = len(rows)
        return cls(
            corridor=ci.astype(np.int16),
            channel=ch.astype(np.int8),
            base_fee=fee.astype(float),
            fee=fee.astype(float).copy(),
            capacity=cap.astype(float),
            malpractice=_draw_malpractice(rng, mal),
            active=np.ones(n, bool),
            reentry_timer=np.zeros(n, np.int16),
            applications=np.zeros(n),
            placed=np.zeros(n),
            complaints=np.zeros(n),
            excluded_total=np.zeros(n, np.int32),
        )

    def __len__(self) -> int:
        return len(self.fee)

    def monthly_update(self, *, inspection_rate, anti_trafficking, params, rng):
        """Fees follow demand; inspections blacklist, enforcement removes brokers; excluded
        recruiters are replaced after a while. ``inspection_rate`` and ``anti_trafficking``
        are per-recruiter arrays (from the corridor's origin and destination)."""
        pressure = np.where(self.capacity > 0, self.applications / self.capacity, 0.0)
        step = params["fee_adjustment_rate"] * np.clip(pressure - 1.0, -0.5, 1.0)
        self.fee = np.clip(self.fee * (1.0 + step), 0.5 * self.base_fee, 3.0 * self.base_fee)
        agency = self.channel == 0
        n = len(self)
        u = rng.random((2, n))
        # inspections: scheduled ones plus those triggered by complaints
        complaint_rate = 1.0 - np.exp(-self.complaints / np.maximum(self.capacity, 1.0))
        inspected = u[0] < 1.0 - (1.0 - inspection_rate) * (1.0 - complaint_rate)
        caught_agency = agency & self.active & inspected & (u[1] < self.malpractice)
        caught_broker = (
            ~agency & self.active & (u[0] < anti_trafficking * (0.5 + 0.5 * self.malpractice))
        )
        caught = caught_agency | caught_broker
        self.active[caught] = False
        self.excluded_total[caught] += 1
        self.reentry_timer[caught] = params["recruiter_reentry_months"]
        waiting = ~self.active & ~caught
        self.reentry_timer[waiting] -= 1
        reenter = waiting & (self.reentry_timer <= 0)
        if reenter.any():
            mean = np.where(
                self.channel[reenter] == 0,
                params["agency_malpractice_mean"],
                params["broker_malpractice_mean"],
            )
            self.malpractice[reenter] = _draw_malpractice(rng, mean)
            self.fee[reenter] = self.base_fee[reenter]
            self.active[reenter] = True
        self.applications[:] = 0.0
        self.placed[:] = 0.0
        self.complaints[:] = 0.0
        return int(caught_agency.sum()), int(caught_broker.sum())

    def charged_fee(self, fee_cap: np.ndarray, risk_premium: np.ndarray) -> np.ndarray:
        """What each recruiter charges a worker now (USD)."""
        capped = np.minimum(self.fee, fee_cap) + self.malpractice * np.maximum(
            0.0, self.fee - fee_cap
        )
        return np.where(self.channel == 0, capped, self.fee * (1.0 + risk_premium))


def _draw_malpractice(rng: np.random.Generator, mean) -> np.ndarray:
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
        return bool(self.model.recruiters.channel[self.row] == 0)

    @property
    def corridor(self) -> str:
        return self.model.world.corridors[int(self.model.recruiters.corridor[self.row])].code

    @property
    def fee_usd(self) -> float:
        return float(self.model.recruiters.fee[self.row])

    @property
    def malpractice(self) -> float:
        return float(self.model.recruiters.malpractice[self.row])

    @property
    def placed_this_month(self) -> float:
        """People this recruiter placed in the current month."""
        return float(self.model.recruiters.placed[self.row])

    @property
    def active(self) -> bool:
        return bool(self.model.recruiters.active[self.row])
