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
Moves into irregular status add up by cause:

    overstays            = irregular_by_overstay + irregular_by_lapse
                           + irregular_by_employer_change (+ absconding, Japan only)
    arrivals[irregular]  = irregular_by_entry

Registrants pending verification stay irregular until legalised (``registrations``), so

    amnesty_pending change = amnesty_registrants - registrations - amnesty_lapses

and ``amnesty_returns`` are part of ``returns[irregular]``. Of the returns, ``shock_returns``
are those a shock sent home (``simulation/shocks.py``); ``stranded`` is a stock that rule
counts (:meth:`Metrics.set_stock`), not one counted from the population's columns. Circular
migration (issue 14, mechanism 3) adds no stock: ``planned_returns`` and ``seasonal_returns``
are part of ``returns`` (planned ones of ``returns[regular]``), ``remigrations`` part of
``departures``, channel by channel.

Japan's programme stocks (``stock_titp``, ``stock_ssw``: regular people in Japan on each
programme, counted here from ``model.japan.programme``) are part of the regular stock of their
corridor. Only a programme's arrivals (``arrivals_titp``, ``arrivals_ssw``) enter them, and
whoever leaves them leaves the regular stock (``overstays``, of which ``absconding``, or
``returns[regular]``); the model records no exit flow by programme except absconding, so

    stock_titp change <= arrivals_titp - absconding
    stock_ssw change  <= arrivals_ssw
    stock_titp + stock_ssw change >= arrivals_titp + arrivals_ssw - overstays - returns[regular]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agents.status import Status
from scenarios.calendar import INITIAL_LABEL, month_label
from scenarios.world import default_origins

from .japan import SSW, TITP
from .measures import (
    CHANNEL_NAMES,
    FLOW_MEASURES,
    HEADLINE,
    MEASURE_UNITS,
    STATUS_MEASURES,
    STOCK_MEASURES,
)
from .month_counts import COUNTED, count_month

__all__ = [
    "FLOW_MEASURES",
    "HEADLINE_ORIGINS",
    "MEASURE_UNITS",
    "STOCK_MEASURES",
    "Metrics",
    "headline_per_run",
    "modelled_origins_only",
    "over_replicates",
    "same_sign_share",
    "sign_verdict",
    "yearly",
]

_FLOW_INDEX = {m: i for i, m in enumerate(FLOW_MEASURES)}
RULE_STOCKS = ("stranded",)
"""Stocks a rule counts (:meth:`Metrics.set_stock`) rather than :meth:`Metrics.close_month`."""
PROGRAMME_STOCKS = (("stock_titp", TITP), ("stock_ssw", SSW))
"""Japan's programme stocks and the programme each counts (:attr:`JapanPrograms.programme`
of :mod:`simulation.japan`)."""
_PROGRAMME_CODES = np.array([code for _, code in PROGRAMME_STOCKS], np.int64)
_COUNTED_STOCKS = COUNTED + tuple(name for name, _ in PROGRAMME_STOCKS)
"""The stocks :func:`~simulation.month_counts.count_month` returns, in its columns' order."""


class Metrics:
    """Accumulates one row of outputs per month."""

    def __init__(self, world, people_per_agent: float, n_months: int) -> None:
        self.world = world
        self.ppa = float(people_per_agent)
        self.n_cells = len(world.corridors) * 2
        self.n_origins = len(world.origins)
        # [month + 1, cell, measure]; index 0 is the initial state (INITIAL_LABEL)
        self.corridor_data = np.zeros(
            (n_months + 1, self.n_cells, len(FLOW_MEASURES) + len(STOCK_MEASURES))
        )
        self.status_data = np.zeros((n_months + 1, self.n_origins, len(Status)))
        self.flows = np.zeros((self.n_cells, len(FLOW_MEASURES)))
        self.rule_stocks: dict[str, np.ndarray] = {}  # RULE_STOCKS set this month
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

    def add_sums(self, measure: str, cell_sums: np.ndarray) -> None:
        """Add per-person amounts already summed per corridor x channel cell (corridor x 2 +
        channel), as :meth:`add` would have summed them (a compiled rule's sums)."""
        self.flows[:, _FLOW_INDEX[measure]] += self.ppa * cell_sums

    def set_stock(self, measure: str, corridor: np.ndarray, channel) -> None:
        """Count agents (as people) into a stock of :data:`RULE_STOCKS`, one a rule keeps
        rather than the population's columns, for the end of this month (zero unless set)."""
        cell = corridor.astype(np.int64) * 2 + channel
        self.rule_stocks[measure] = self.ppa * np.bincount(cell, minlength=self.n_cells)

    def close_month(self, pop, month_slot: int, programme: np.ndarray | None = None) -> None:
        """Record flows of the month and stocks at its end into slot ``month_slot``
        (0 = initial state). ``programme``: Japan's programme of each population row
        (``model.japan.programme``), for Japan's programme stocks; None or empty without
        Japan, and those stocks are zero."""
        n_cells, ppa = self.n_cells, self.ppa
        on = programme if programme is not None and len(programme) else np.zeros(0, np.int8)
        counts, debt, people = count_month(
            pop.status,
            pop.legal,
            pop.corridor,
            pop.channel,
            pop.female,
            pop.amnesty_wait,
            pop.exploited,
            pop.debt,
            pop.origin,
            on,
            _PROGRAMME_CODES,
            n_cells,
            self.n_origins,
            len(Status),
        )
        stocks = {name: ppa * counts[:, j] for j, name in enumerate(_COUNTED_STOCKS)}
        stocks["debt_outstanding_usd"] = ppa * debt
        for name in RULE_STOCKS:
            stocks[name] = self.rule_stocks.pop(name, np.zeros(n_cells))
        row = self.corridor_data[month_slot]
        row[:, : len(FLOW_MEASURES)] = self.flows
        for j, name in enumerate(STOCK_MEASURES):
            row[:, len(FLOW_MEASURES) + j] = stocks[name]
        self.status_data[month_slot] = ppa * people.reshape(self.n_origins, len(Status))
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
        status counts). The text columns are categoricals, built from integer codes (no
        string per row: the table of a dashboard replicate has some 200,000 rows)."""
        slots = self.months_recorded + 1
        w = self.world
        every = FLOW_MEASURES + STOCK_MEASURES
        measures = every if measures is None else tuple(m for m in every if m in measures)
        months = [INITIAL_LABEL] + [month_label(m) for m in range(slots - 1)]
        columns = [every.index(m) for m in measures]
        data = self.corridor_data[:slots][:, :, columns]  # [slot, cell, measure]
        n_cells, n_meas = data.shape[1], data.shape[2]
        # every text column as codes into one list of words
        origins = list(dict.fromkeys([*(c.origin for c in w.corridors), *w.origins]))
        dests = ["", *dict.fromkeys(c.destination for c in w.corridors)]
        channels = ["", *CHANNEL_NAMES]
        words = [*measures, *(STATUS_MEASURES if include_status else ())]
        cell_origin = np.repeat([origins.index(c.origin) for c in w.corridors], 2)
        cell_dest = np.repeat([dests.index(c.destination) for c in w.corridors], 2)
        cell_channel = np.tile([1, 2], len(w.corridors))
        month = np.repeat(np.arange(slots), n_cells * n_meas)
        measure = np.tile(np.arange(n_meas), slots * n_cells)
        # flows have no meaning for the initial state: leave them out there
        keep = ~(
            (month == 0)
            & np.isin(measure, [measures.index(m) for m in FLOW_MEASURES if m in measures])
        )
        parts = {
            "month": month[keep],
            "origin": np.tile(np.repeat(cell_origin, n_meas), slots)[keep],
            "destination": np.tile(np.repeat(cell_dest, n_meas), slots)[keep],
            "channel": np.tile(np.repeat(cell_channel, n_meas), slots)[keep],
            "measure": measure[keep],
        }
        value = data.reshape(-1)[keep]
        if include_status:
            n_status = self.n_origins * len(Status)
            status = {
                "month": np.repeat(np.arange(slots), n_status),
                "origin": np.tile(
                    np.repeat([origins.index(o) for o in w.origins], len(Status)), slots
                ),
                "destination": np.zeros(slots * n_status, np.int64),
                "channel": np.zeros(slots * n_status, np.int64),
                "measure": np.tile(
                    n_meas + np.arange(len(STATUS_MEASURES)), slots * self.n_origins
                ),
            }
            parts = {k: np.concatenate([v, status[k]]) for k, v in parts.items()}
            value = np.concatenate([value, self.status_data[:slots].reshape(-1)])
        units = [MEASURE_UNITS.get(m, "people") for m in words]
        unit_words = list(dict.fromkeys(units))
        unit_of = np.array([unit_words.index(u) for u in units], np.int64)
        vocabulary = {
            "month": months,
            "origin": origins,
            "destination": dests,
            "channel": channels,
            "measure": words,
        }
        out = pd.DataFrame({k: _categorical(codes, vocabulary[k]) for k, codes in parts.items()})
        out["value"] = value
        out["unit"] = _categorical(unit_of[parts["measure"]], unit_words)
        return out


def _categorical(codes: np.ndarray, words: list[str]) -> pd.Categorical:
    """The categorical of ``words[codes]`` with the categories ``astype("category")`` would
    give it: the words that occur, sorted."""
    present = np.unique(codes)
    used = [words[k] for k in present]
    order = sorted(range(len(used)), key=used.__getitem__)
    recode = np.zeros(len(words), np.int64)
    recode[present[order]] = np.arange(len(order))
    return pd.Categorical.from_codes(recode[codes], pd.Index([used[k] for k in order], dtype="str"))


# ---- tables of many runs ---------------------------------------------------------------------
def yearly(monthly: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Monthly results (columns ``keys``, ``origin``, ``destination``, ``channel``,
    ``measure``, ``month``, ``value``; text columns as ``str``) per calendar year: flows summed
    over the year, stocks at the end of its December (in a final year that a run, a group of
    ``keys``, ends before December: at its end). The initial state has no year."""
    unknown = set(monthly["measure"].unique()) - set(FLOW_MEASURES + STOCK_MEASURES)
    if unknown:
        raise ValueError(f"not measures of a corridor: {sorted(unknown)}")
    month = monthly["month"]
    codes, labels = pd.factorize(month)  # string work on the few distinct months only
    december = np.array([m.endswith("-12") for m in labels], dtype=bool)[codes]
    last = monthly.groupby(keys, observed=True)["month"].transform("max")
    year_end = december | (month == last).to_numpy()
    stock = monthly["measure"].isin(STOCK_MEASURES).to_numpy()
    keep = np.where(stock, year_end, (month != INITIAL_LABEL).to_numpy())
    t = monthly[keep].copy()
    t["year"] = np.array([int(m[:4]) for m in labels], dtype=np.int64)[codes[keep]]
    by = [*keys, "origin", "destination", "channel", "measure", "year"]
    out = t.groupby(by, observed=True)["value"].sum().reset_index()
    return out[out["year"] > int(INITIAL_LABEL[:4])]


def over_replicates(
    frame: pd.DataFrame, keys: list[str], column: str = "value", count: bool = True
) -> pd.DataFrame:
    """Mean and 90% interval (5th and 95th percentile) of ``column`` across the rows of each
    group of ``keys`` (the replicates), with their number when ``count``: the one summary
    of replicates that reports, the dashboard and their tests use."""
    g = frame.groupby(keys, observed=True)[column]
    out = {"mean": g.mean(), "p05": g.quantile(0.05), "p95": g.quantile(0.95)}
    if count:
        out["replicates"] = g.count()
    return pd.DataFrame(out).reset_index()


ROBUST_AT = 0.9
"""An effect is *robust* when its sign holds in at least this share of the paired draws."""
DISTINGUISHABLE_AT = 0.75
"""Below this share (or with a mean of exactly zero) an effect is *not distinguishable from
zero*: it takes the other sign in more than a quarter of the draws. In between: *uncertain*."""
FEW_REPLICATES = 10
"""Fewer paired replicates than this and the share rests on too few draws to lean on."""


def sign_verdict(share: float) -> str:
    """``robust``, ``uncertain`` or ``not distinguishable from zero`` for a
    :func:`same_sign_share` (NaN, a mean of exactly zero, is the last)."""
    if not np.isfinite(share) or share < DISTINGUISHABLE_AT:
        return "not distinguishable from zero"
    return "robust" if share >= ROBUST_AT else "uncertain"


def same_sign_share(frame: pd.DataFrame, keys: list[str], column: str = "value") -> pd.DataFrame:
    """For each group of ``keys`` whose rows are the paired replicates of one effect (B - A of
    the same replicate: same seed, and the same posterior draw when the batch used them), the
    share of rows in which ``column`` has the sign of the group's mean (``same_sign_share``),
    whether that is at least :data:`ROBUST_AT` (``robust``) and :func:`sign_verdict`
    (``sign_verdict``). A row equal to zero agrees with neither sign; a group whose mean is
    exactly zero has no sign to hold: its share is NaN, not robust. The one computation
    ``corridors compare`` and the dashboard's comparison both use."""
    d = frame[[*keys, column]].copy()
    g = d.groupby(keys, observed=True)[column]
    d["_mean"] = g.transform("mean")
    d["_agree"] = (np.sign(d[column]) == np.sign(d["_mean"])).astype(float)
    out = (
        d.groupby(keys, observed=True)
        .agg(_mean=("_mean", "first"), same_sign_share=("_agree", "mean"))
        .reset_index()
    )
    signed = out["_mean"].notna() & (out["_mean"] != 0)
    out["same_sign_share"] = out["same_sign_share"].where(signed)
    out["robust"] = (out["same_sign_share"] >= ROBUST_AT).astype(bool)
    out["sign_verdict"] = [sign_verdict(x) for x in out["same_sign_share"]]
    return out.drop(columns="_mean")


HEADLINE_ORIGINS: frozenset[str] = frozenset(default_origins())
"""The origins the headline indicators count: the modelled ones (those a scenario has by
default), never the aggregated rest of the world."""


def modelled_origins_only(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``table`` (a column ``origin``) whose origin is one of
    :data:`HEADLINE_ORIGINS`: what every figure that adds origins up before it is shown must
    count (the headline indicators, the dashboard's all-corridor charts, sensitivity's
    irregular share). With the rest of the world on, its workers would otherwise be counted
    with Cambodia's or Myanmar's under one label, and a ROW-on scenario would not compare
    with a ROW-off one; tables and charts per origin or corridor keep ROW's rows."""
    return table[table["origin"].isin(HEADLINE_ORIGINS)]


class _RunYears:
    """One run's yearly table as the :class:`~simulation.measures.RunValues` an indicator's
    formula reads.

    The measure and channel columns are factorised once, so each of the indicators'
    ``total``/``final`` queries is an integer mask rather than a string comparison over the
    table (the dashboard's comparison spent 0.14 s of a lever move on those comparisons,
    issue 16). The rows summed, and their order, are those of the table, so every sum is the
    one ``run[mask]["value"].sum()`` gave, bit for bit."""

    def __init__(self, run: pd.DataFrame, final_year: int) -> None:
        self.final_year = final_year
        self._measure, measures = pd.factorize(run["measure"])
        self._channel, channels = pd.factorize(run["channel"])
        self._measures = {str(m): i for i, m in enumerate(measures)}
        self._channels = {str(c): i for i, c in enumerate(channels)}
        self._is_final = run["year"].to_numpy() == final_year
        # a missing value counts 0, as pandas' sum skips it
        self._value = run["value"].to_numpy(dtype=float, na_value=0.0)

    def _mask(self, name: str, channel: str | None) -> np.ndarray:
        mask = self._measure == self._measures.get(name, -2)
        return (
            mask if channel is None else mask & (self._channel == self._channels.get(channel, -2))
        )

    def total(self, name: str, channel: str | None = None) -> float:
        return float(self._value[self._mask(name, channel)].sum())

    def final(self, name: str, channel: str | None = None) -> float:
        return float(self._value[self._mask(name, channel) & self._is_final].sum())


def headline_per_run(annual: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The headline indicators (:data:`~simulation.measures.HEADLINE`) of every run of a
    :func:`yearly` table, a run being a group of ``keys``: one row per run, one column per
    indicator. The final year is the last year in the table.

    The indicators are about the modelled origins (:data:`HEADLINE_ORIGINS`): a scenario with
    the rest of the world on (``ROW``) has its workers in the tables, per origin, but not in
    the headline, so a policy's effect on Cambodia's or Myanmar's workers is not diluted by
    (or credited with) what it does to Bangladesh's or Nepal's."""
    final_year = int(annual["year"].max())
    annual = modelled_origins_only(annual)
    rows = []
    for key, run in annual.groupby(keys):
        values = _RunYears(run, final_year)
        row: dict[str, object] = dict(zip(keys, key, strict=True))
        row.update({i.name: i.compute(values) for i in HEADLINE})
        rows.append(row)
    return pd.DataFrame(rows, columns=[*keys, *(i.name for i in HEADLINE)])
