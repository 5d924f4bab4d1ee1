"""World data: countries, corridors, wage and labour-demand paths, read from ``data/``.

Every number in ``data/*.csv`` carries a source column (or is marked as an assumption); this
module only reads, checks and arranges them. Which destinations take part in a run is chosen
by the scenario (``[world] destinations``); Japan is in the data but off by default. Which
origins take part is chosen the same way (``[world] origins``): the aggregated rest of the
world (``ROW``: Bangladesh, Nepal, the Philippines, India, Pakistan and others) is in the data
but off by default. ``labour_demand.csv`` gives the demand for the modelled origins' workers
(``workers_from = modelled``) and, separately, for the rest of the world's (``ROW``); an
origin's own demand rows count only when that origin takes part.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from .errors import ScenarioError

__all__ = [
    "DATA_DIR",
    "MODELLED_DEMAND",
    "Corridor",
    "World",
    "available_origins",
    "default_origins",
    "load_world",
    "world_table",
]

DATA_DIR = Path(__file__).parent / "data"
N_MONTHS_MAX = 312  # 2010-01 .. 2035-12
MODELLED_DEMAND = "modelled"  # labour_demand.csv rows for the modelled origins' workers


@dataclass(frozen=True, slots=True)
class Corridor:
    """One origin -> destination corridor and its world-data facts (2010 unless noted)."""

    origin: str
    destination: str
    initial_stock: float  # people, mid-2010
    initial_regular_share: float
    regular_cost_usd: float  # total worker-paid regular cost (agency fee + official fees)
    irregular_cost_usd: float  # broker or smuggler fee; nan where there is no irregular entry
    regular_processing_months: float
    irregular_transit_months: float
    remittance_cost_pct: float

    @property
    def code(self) -> str:
        """``ORIGIN-DESTINATION``, the key of corridor-level values in scenario files."""
        return f"{self.origin}-{self.destination}"

    @property
    def has_irregular_entry(self) -> bool:
        """Whether an irregular route exists (the data give a smuggling cost for it)."""
        return not math.isnan(self.irregular_cost_usd)


@dataclass(frozen=True, slots=True)
class World:
    """The world of one run: the enabled countries and corridors with their data."""

    origins: tuple[str, ...]
    destinations: tuple[str, ...]
    corridors: tuple[Corridor, ...]
    origin_names: dict
    destination_names: dict
    population_at_risk: dict  # origin -> people at home at risk of migrating (2010)
    skilled_share: dict
    female_share: dict
    skilled_wage_multiplier: dict  # destination -> factor
    wage_points: dict  # country -> ((month_index, usd), ...)
    demand_points: dict  # destination -> ((month_index, people), ...), modelled origins
    # origin -> destination -> points: demand for an enabled extra origin's workers (ROW)
    origin_demand_points: dict = field(default_factory=dict)

    @property
    def countries(self) -> tuple[str, ...]:
        """Origins then destinations (the keys of country-level values)."""
        return self.origins + self.destinations

    def corridor_codes(self) -> tuple[str, ...]:
        """The enabled corridors' codes, in the order of the model's corridor arrays."""
        return tuple(c.code for c in self.corridors)


def _read(name: str) -> list[dict]:
    path = DATA_DIR / name
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _number(
    file: str,
    row: int,
    column: str,
    text: str,
    *,
    allow_empty=False,
    lo: float = 0.0,
    hi: float = math.inf,
) -> float:
    key = f"row {row} column {column}"
    if text in ("", None):
        if allow_empty:
            return math.nan
        raise ScenarioError(file, key, text, "a number is required")
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(file, key, text, f"a number from {lo:g} to {hi:g}") from None
    if not lo <= value <= hi or math.isnan(value):
        raise ScenarioError(file, key, value, f"a number from {lo:g} to {hi:g}")
    return value


def _require_source(file: str, row: int, record: dict, column: str) -> None:
    if not (record.get(column) or "").strip():
        raise ScenarioError(
            file,
            f"row {row} column {column}",
            record.get(column),
            "every figure needs a source or the word 'assumption'",
        )


def _points(rows, key_col, value_col, file, only: tuple[str, str] | None = None) -> dict:
    points: dict[str, list] = {}
    for i, r in enumerate(rows, start=2):
        if only is not None and r[only[0]] != only[1]:
            continue
        _require_source(file, i, r, "source")
        year = int(_number(file, i, "year", r["year"], lo=1990, hi=2035))
        value = _number(file, i, value_col, r[value_col], lo=0.0)
        # a yearly figure stands for mid-year (July)
        points.setdefault(r[key_col], []).append(((year - 2010) * 12 + 6, value))
    return {k: tuple(sorted(v)) for k, v in points.items()}


@cache
def _raw_world() -> dict:
    origins = _read("origins.csv")
    destinations = _read("destinations.csv")
    corridors = _read("corridors.csv")
    for i, r in enumerate(origins, start=2):
        for col in (
            "working_age_population_source",
            "at_risk_share_source",
            "skilled_share_source",
            "female_share_source",
        ):
            _require_source("origins.csv", i, r, col)
    for i, r in enumerate(corridors, start=2):
        for col in (
            "initial_stock_source",
            "initial_regular_share_source",
            "regular_cost_source",
            "irregular_cost_source",
            "regular_processing_source",
            "remittance_cost_source",
        ):
            _require_source("corridors.csv", i, r, col)
    return {
        "origins": origins,
        "destinations": destinations,
        "corridors": corridors,
        "wages": _points(
            _read("wages.csv"), "country", "low_skill_wage_usd_per_month", "wages.csv"
        ),
        "demand": _demand_by_workers(_read("labour_demand.csv")),
    }


def _demand_by_workers(rows: list[dict]) -> dict:
    """The demand rows grouped by whose workers they are for (``workers_from``: ``modelled``
    or an origin code), each group as destination -> points."""
    return {
        key: _points(
            rows,
            "destination",
            "migrant_labour_demand_people",
            "labour_demand.csv",
            ("workers_from", key),
        )
        for key in dict.fromkeys(r["workers_from"] for r in rows)
    }


def available_destinations() -> tuple[str, ...]:
    return tuple(r["code"] for r in _raw_world()["destinations"])


def default_destinations() -> tuple[str, ...]:
    return tuple(
        r["code"]
        for r in _raw_world()["destinations"]
        if r["enabled_by_default"].strip().lower() == "true"
    )


def available_origins() -> tuple[str, ...]:
    """Every origin in the data, enabled by default or not."""
    return tuple(r["code"] for r in _raw_world()["origins"])


def default_origins() -> tuple[str, ...]:
    """The origins a scenario has unless its ``[world] origins`` says otherwise (the modelled
    ones; the rest of the world is off by default)."""
    return tuple(
        r["code"]
        for r in _raw_world()["origins"]
        if r["enabled_by_default"].strip().lower() == "true"
    )


def load_world(
    destinations: tuple[str, ...] | None = None, origins: tuple[str, ...] | None = None
) -> World:
    """Build the world with the given destinations and origins (default: those enabled in
    the data)."""
    raw = _raw_world()
    dests = tuple(destinations) if destinations is not None else default_destinations()
    wanted = tuple(origins) if origins is not None else default_origins()
    f = "corridors.csv"
    corridors = []
    for i, r in enumerate(raw["corridors"], start=2):
        if r["destination"] not in dests or r["origin"] not in wanted:
            continue
        corridors.append(
            Corridor(
                origin=r["origin"],
                destination=r["destination"],
                initial_stock=_number(f, i, "initial_stock_2010", r["initial_stock_2010"]),
                initial_regular_share=_number(
                    f, i, "initial_regular_share_2010", r["initial_regular_share_2010"], hi=1.0
                ),
                regular_cost_usd=_number(f, i, "regular_cost_usd", r["regular_cost_usd"]),
                irregular_cost_usd=_number(
                    f, i, "irregular_cost_usd", r["irregular_cost_usd"], allow_empty=True
                ),
                regular_processing_months=_number(
                    f, i, "regular_processing_months", r["regular_processing_months"], hi=36
                ),
                irregular_transit_months=_number(
                    f,
                    i,
                    "irregular_transit_months",
                    r["irregular_transit_months"],
                    allow_empty=True,
                    hi=12,
                ),
                remittance_cost_pct=_number(
                    f, i, "remittance_cost_pct", r["remittance_cost_pct"], hi=100
                ),
            )
        )
    used_origins = {c.origin for c in corridors}
    origin_rows = [r for r in raw["origins"] if r["code"] in used_origins]
    dest_rows = [r for r in raw["destinations"] if r["code"] in dests]
    fo = "origins.csv"
    return World(
        origins=tuple(r["code"] for r in origin_rows),
        destinations=tuple(r["code"] for r in dest_rows),
        corridors=tuple(corridors),
        origin_names={r["code"]: r["name"] for r in origin_rows},
        destination_names={r["code"]: r["name"] for r in dest_rows},
        population_at_risk={
            r["code"]: _number(
                fo, i, "working_age_population_2010", r["working_age_population_2010"]
            )
            * _number(fo, i, "at_risk_share", r["at_risk_share"], hi=1.0)
            for i, r in enumerate(origin_rows, start=2)
        },
        skilled_share={
            r["code"]: _number(fo, i, "skilled_share", r["skilled_share"], hi=1.0)
            for i, r in enumerate(origin_rows, start=2)
        },
        female_share={
            r["code"]: _number(fo, i, "female_share", r["female_share"], hi=1.0)
            for i, r in enumerate(origin_rows, start=2)
        },
        skilled_wage_multiplier={
            r["code"]: _number(
                "destinations.csv",
                i,
                "skilled_wage_multiplier",
                r["skilled_wage_multiplier"],
                lo=1.0,
                hi=10.0,
            )
            for i, r in enumerate(dest_rows, start=2)
        },
        wage_points={k: v for k, v in raw["wages"].items() if k in used_origins or k in dests},
        demand_points={k: v for k, v in raw["demand"][MODELLED_DEMAND].items() if k in dests},
        origin_demand_points={
            o: {k: v for k, v in raw["demand"][o].items() if k in dests}
            for o in used_origins
            if o in raw["demand"]
        },
    )


def path(
    points: tuple, growth_pct_per_year: float, factor: float, n_months: int = N_MONTHS_MAX
) -> np.ndarray:
    """Monthly path through yearly data points, flat before the first point and growing at
    ``growth_pct_per_year`` after the last; multiplied by ``factor``."""
    months = np.arange(n_months, dtype=float)
    xs = np.array([p[0] for p in points], dtype=float)
    ys = np.array([p[1] for p in points], dtype=float)
    out = np.interp(months, xs, ys)
    after = months > xs[-1]
    monthly = (1.0 + growth_pct_per_year / 100.0) ** (1.0 / 12.0)
    out[after] = ys[-1] * monthly ** (months[after] - xs[-1])
    return out * factor


def world_table() -> list[dict]:
    """The corridor table as rows, for documentation."""
    return _raw_world()["corridors"]
