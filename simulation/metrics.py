"""Monthly outputs per corridor and channel, in people and USD.

Flows are summed while the month runs (:meth:`Metrics.add`); stocks are counted from the
population at the end of the month (:meth:`Metrics.close_month`). Agent counts are multiplied
by ``people_per_agent`` so every output is in people (or USD for the money measures).

Accounting identities (tested): for each corridor, from the end of one month to the end of the
next,

    regular stock change   = arrivals[regular] + registrations - overstays - returns[regular]
    irregular stock change = arrivals[irregular] + overstays - registrations
                             - returns[irregular] - deportations

where registrations are recorded in the regular row and overstays in the irregular row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agents.status import Legal, Status
from scenarios.calendar import INITIAL_LABEL, month_label

__all__ = ["FLOW_MEASURES", "MEASURE_UNITS", "STOCK_MEASURES", "Metrics"]

FLOW_MEASURES = (
    "applications",  # signed with a licensed agency (regular) this month
    "departures",  # left home: regular after processing, irregular at the start of crossing
    "arrivals",  # entered the destination stock
    "returns",  # went home of their own accord
    "deportations",  # deported after detention (irregular)
    "border_interceptions",  # irregular crossings stopped at the border and sent back
    "arrests",  # irregular workers arrested
    "registrations",  # irregular -> regular in an amnesty (regular row)
    "overstays",  # regular -> irregular: contract or permit ended, stayed on (irregular row)
    "layoffs",
    "recruitment_fees_paid_usd",
    "earnings_usd",
    "remittances_sent_usd",
    "remittance_cost_usd",
    "remittances_received_usd",
    "exploitation_cases",  # new cases this month
    "trafficking_cases",  # irregular moves that ended in trafficking
)
STOCK_MEASURES = (
    "stock",  # people in the destination with this legal status (incl. detained)
    "stock_female",
    "stock_male",
    "employed",
    "unemployed",
    "detained",
    "waiting",  # regular pipeline (not yet departed)
    "in_transit",
    "exploited_now",
    "debt_outstanding_usd",  # debt of migrants and returnees whose last move was this one
)
MEASURE_UNITS = {
    m: ("USD" if m.endswith("_usd") else "people") for m in FLOW_MEASURES + STOCK_MEASURES
}
_FLOW_INDEX = {m: i for i, m in enumerate(FLOW_MEASURES)}
CHANNEL_NAMES = ("regular", "irregular")


class Metrics:
    """Accumulates one row of outputs per month."""

    def __init__(self, world, people_per_agent: float, n_months: int) -> None:
        self.world = world
        self.ppa = float(people_per_agent)
        self.n_cells = len(world.corridors) * 2
        self.n_origins = len(world.origins)
        # [month + 1, cell, measure]; index 0 is the initial state (2009-12)
        self.corridor_data = np.zeros(
            (n_months + 1, self.n_cells, len(FLOW_MEASURES) + len(STOCK_MEASURES))
        )
        self.status_data = np.zeros((n_months + 1, self.n_origins, len(Status)))
        self.flows = np.zeros((self.n_cells, len(FLOW_MEASURES)))
        self.months_recorded = 0

    def add(self, measure: str, corridor: np.ndarray, channel, amount=None) -> None:
        """Add agents (``amount=None``, counted as people) or per-person USD amounts."""
        if len(corridor) == 0:
            return
        cell = corridor.astype(np.int64) * 2 + channel
        weights = None if amount is None else amount
        self.flows[:, _FLOW_INDEX[measure]] += self.ppa * np.bincount(
            cell, weights=weights, minlength=self.n_cells
        )

    def close_month(self, pop, month_slot: int) -> None:
        """Record flows of the month and stocks at its end into slot ``month_slot``
        (0 = initial state)."""
        n_cells, ppa = self.n_cells, self.ppa
        st = pop.status
        away = np.flatnonzero((st >= Status.WAITING) & (st <= Status.DETAINED))
        s_away, legal, corridor = st[away], pop.legal[away], pop.corridor[away].astype(np.int64)
        female = pop.female[away]
        abroad = legal != Legal.NONE
        cell = corridor * 2 + (legal == Legal.IRREGULAR)

        def count(mask):
            return ppa * np.bincount(cell[mask], minlength=n_cells)

        stocks = {
            "stock": count(abroad),
            "stock_female": count(abroad & female),
            "stock_male": count(abroad & ~female),
            "employed": count(
                (s_away == Status.EMPLOYED_REGULAR) | (s_away == Status.EMPLOYED_IRREGULAR)
            ),
            "unemployed": count(s_away == Status.UNEMPLOYED_ABROAD),
            "detained": count(s_away == Status.DETAINED),
            "exploited_now": count(pop.exploited[away] & abroad),
        }
        move_cell = corridor * 2 + np.maximum(pop.channel[away], 0)
        for name, status in (("waiting", Status.WAITING), ("in_transit", Status.IN_TRANSIT)):
            stocks[name] = ppa * np.bincount(move_cell[s_away == status], minlength=n_cells)
        has_debt = np.flatnonzero((pop.debt > 0) & (pop.corridor >= 0))
        debt_cell = pop.corridor[has_debt].astype(np.int64) * 2 + np.maximum(
            pop.channel[has_debt], 0
        )
        stocks["debt_outstanding_usd"] = ppa * np.bincount(
            debt_cell, weights=pop.debt[has_debt], minlength=n_cells
        )
        row = self.corridor_data[month_slot]
        row[:, : len(FLOW_MEASURES)] = self.flows
        for j, name in enumerate(STOCK_MEASURES):
            row[:, len(FLOW_MEASURES) + j] = stocks[name]
        self.status_data[month_slot] = ppa * np.bincount(
            pop.origin.astype(np.int64) * len(Status) + st, minlength=self.n_origins * len(Status)
        ).reshape(self.n_origins, len(Status))
        self.flows[:] = 0.0
        self.months_recorded = month_slot

    # ---- views -------------------------------------------------------------------------
    def latest(self, measure: str) -> np.ndarray:
        """Last recorded month of one measure as [corridor, channel]."""
        j = (FLOW_MEASURES + STOCK_MEASURES).index(measure)
        return self.corridor_data[self.months_recorded, :, j].reshape(-1, 2)

    def to_frame(
        self, measures: tuple[str, ...] | None = None, include_status: bool = True
    ) -> pd.DataFrame:
        """Tidy table: one row per month x origin x destination x channel x measure
        (``measures`` to keep only some; ``include_status=False`` to leave out the per-origin
        status counts)."""
        slots = self.months_recorded + 1
        w = self.world
        every = FLOW_MEASURES + STOCK_MEASURES
        measures = every if measures is None else tuple(m for m in every if m in measures)
        labels = [INITIAL_LABEL] + [month_label(m) for m in range(slots - 1)]
        origin = np.repeat([c.origin for c in w.corridors], 2)
        dest = np.repeat([c.destination for c in w.corridors], 2)
        channel = np.tile(CHANNEL_NAMES, len(w.corridors))
        columns = [every.index(m) for m in measures]
        data = self.corridor_data[:slots][:, :, columns]  # [slot, cell, measure]
        n_cells, n_meas = data.shape[1], data.shape[2]
        corridor_part = pd.DataFrame(
            {
                "month": np.repeat(labels, n_cells * n_meas),
                "origin": np.tile(np.repeat(origin, n_meas), slots),
                "destination": np.tile(np.repeat(dest, n_meas), slots),
                "channel": np.tile(np.repeat(channel, n_meas), slots),
                "measure": np.tile(np.array(measures), slots * n_cells),
                "value": data.reshape(-1),
            }
        )
        # flows have no meaning for the initial state: drop them there
        initial_flow = (corridor_part["month"] == INITIAL_LABEL) & corridor_part["measure"].isin(
            FLOW_MEASURES
        )
        corridor_part = corridor_part[~initial_flow]
        if not include_status:
            out = corridor_part.reset_index(drop=True)
            out["unit"] = out["measure"].map(MEASURE_UNITS)
            for col in ("month", "origin", "destination", "channel", "measure", "unit"):
                out[col] = out[col].astype("category")
            return out
        status_names = [s.name.lower() for s in Status]
        sd = self.status_data[:slots]
        status_part = pd.DataFrame(
            {
                "month": np.repeat(labels, self.n_origins * len(Status)),
                "origin": np.tile(np.repeat(list(w.origins), len(Status)), slots),
                "destination": "",
                "channel": "",
                "measure": np.tile(["people_" + s for s in status_names], slots * self.n_origins),
                "value": sd.reshape(-1),
            }
        )
        out = pd.concat([corridor_part, status_part], ignore_index=True)
        out["unit"] = out["measure"].map(MEASURE_UNITS).fillna("people")
        for col in ("month", "origin", "destination", "channel", "measure", "unit"):
            out[col] = out[col].astype("category")
        return out
