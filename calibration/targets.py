"""Observed figures to calibrate against: read and validate a targets CSV.

Columns: ``target_id, observable, destination, origin, channel, start, end, value, low, high,
weight, source``. A target is a point (``value``) or a band (``low``-``high``, for sources
that disagree or give only bounds); ``start``-``end`` are the months it covers ("YYYY-MM";
stocks use the end month, per-month flows average over the period). ``origin`` is a code, a
group of codes run together ("CLM" = KHM, LAO, MMR) or ALL. Every row needs a source.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from scenarios.calendar import month_index
from scenarios.errors import ScenarioError
from scenarios.world import available_destinations, load_world

from .remittance_recording import RECORDED_REMITTANCE_SHARE

__all__ = ["DEFAULT_TARGETS", "OBSERVABLES", "POINT_TOLERANCE", "Target", "load_targets"]

DEFAULT_TARGETS = Path(__file__).parent / "targets.csv"
OBSERVABLES = {
    "census_stock": "people counted as born abroad (regular and irregular) x census coverage",
    "documented_stock": "regular (permit-holding or registered) stock",
    "irregular_stock": "irregular stock",
    "total_stock": "regular plus irregular stock",
    "regular_share": "regular stock / total stock",
    "deportations_per_month": "deportations per month over the period",
    "border_interceptions_per_month": "irregular crossings stopped at the border per month",
    "recruitment_cost_months": "fees paid per mover / monthly earnings abroad",
    "recruitment_cost_usd": "fees paid per mover, USD",
    "remittance_cost_pct": "remittance cost / amount sent, percent",
    # flows (issue 14; calibration/observation.py says what each counts)
    "regular_departures_per_month": "departures on the regular channel per month (deployments)",
    "forced_returns_per_month": "deportations plus border interceptions per month (sent back)",
    "returns_per_month": "returns of one's own accord per month",
    "remittances_received_usd_per_month": "remittances received at home per month, USD",
    "recorded_remittances_usd_per_month": (
        "remittances received at home per month x the origin's recorded share, USD"
    ),
    "notified_workers_stock": "employed with regular status (employer notifications)",
    # held-out kinds only (calibration/heldout.py): their names make held_out_reason refuse
    # them as calibration targets
    "amnesty_registrants_per_month": "came forward and registered in a window, per month",
    "amnesty_legalised_per_month": "legalised in a window (registrations), per month",
    "amnesty_returns_per_month": (
        "went home through a window's return track or a return-only programme, per month"
    ),
}
COLUMNS = (
    "target_id",
    "observable",
    "destination",
    "origin",
    "channel",
    "start",
    "end",
    "value",
    "low",
    "high",
    "weight",
    "source",
)


MAX_TARGETS_BYTES = 10_000_000
"""Largest targets CSV read (the shipped one is a few kilobytes)."""

POINT_TOLERANCE = 0.2
"""A point target is met within this relative error (the calibration goal)."""


@dataclass(frozen=True)
class Target:
    target_id: str
    observable: str
    destination: str
    origins: tuple[str, ...]  # empty = every origin
    origin_label: str
    channel: str  # "", "regular" or "irregular"
    start: int  # month index
    end: int
    value: float  # nan for a band
    low: float  # nan for a point
    high: float
    weight: float
    source: str

    @property
    def is_band(self) -> bool:
        return math.isnan(self.value)

    @property
    def centre(self) -> float:
        return (self.low + self.high) / 2 if self.is_band else self.value

    def _outside(self, simulated: float, low: float, high: float) -> float:
        """0 inside ``low``-``high``, else the distance to the nearer edge relative to the
        band's centre."""
        if low <= simulated <= high:
            return 0.0
        edge = low if simulated < low else high
        return abs(simulated - edge) / max(abs(self.centre), 1e-12)

    def distance(self, simulated: float) -> float:
        """0 inside the band; else relative distance to the nearest edge (band) or relative
        error (point)."""
        if math.isnan(simulated):
            return 1.0
        if self.is_band:
            return self._outside(simulated, self.low, self.high)
        return abs(simulated - self.value) / max(abs(self.value), 1e-12)

    def signed_distance(self, simulated: float) -> float:
        """:meth:`distance` with the sign of the miss, negative where the model is below: the
        out-of-sample check reports which way the model errs, not only how far."""
        if math.isnan(simulated):
            return float("nan")
        below = simulated < (self.low if self.is_band else self.value)
        return -self.distance(simulated) if below else self.distance(simulated)

    def overlaps(self, low: float, high: float) -> bool:
        """Whether the interval ``[low, high]`` (a spread of simulated values) meets the band,
        or holds the point."""
        lo, hi = (self.low, self.high) if self.is_band else (self.value, self.value)
        return low <= hi and lo <= high

    def met(self, simulated: float) -> bool:
        """The calibration goal: inside the band, or within ``POINT_TOLERANCE`` of a point."""
        return self.distance(simulated) <= (0.0 if self.is_band else POINT_TOLERANCE)

    def shortfall(self, simulated: float, margin: float) -> float:
        """How far a value is from meeting the goal with a safety margin: the relative distance
        to the band shrunk at each edge by ``margin`` x its half-width, or the relative error
        beyond ``POINT_TOLERANCE`` x (1 - margin) for a point. A margin aims the fit away from
        the edges, where the seeds' noise would carry a value in and out of the band."""
        if math.isnan(simulated):
            return 1.0
        if self.is_band:
            half = margin * (self.high - self.low) / 2
            return self._outside(simulated, self.low + half, self.high - half)
        return max(0.0, self.distance(simulated) - POINT_TOLERANCE * (1.0 - margin))


def _origins(code: str, f: str, key: str) -> tuple[str, ...]:
    known = set(load_world(available_destinations()).origins)
    if code == "ALL":
        return ()
    if code in known:
        return (code,)
    letters = {"C": "KHM", "L": "LAO", "M": "MMR", "V": "VNM", "I": "IDN"}
    if code and all(ch in letters for ch in code):
        return tuple(letters[ch] for ch in code)
    raise ScenarioError(
        f,
        key,
        code,
        f"an origin code {sorted(known)}, ALL, or a group of "
        "initials such as CLM (Cambodia, Laos, Myanmar)",
    )


def _number(f, key, text, allow_empty):
    if text.strip() == "":
        if allow_empty:
            return math.nan
        raise ScenarioError(f, key, text, "a number")
    try:
        x = float(text)
    except ValueError:
        raise ScenarioError(f, key, text, "a number") from None
    if not math.isfinite(x) or x < 0:
        raise ScenarioError(f, key, text, "a number >= 0")
    return x


def load_targets(path: str | Path = DEFAULT_TARGETS) -> list[Target]:
    f = str(path)
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(f, "(file)", f, "an existing targets CSV file")
    with p.open("rb") as fh:
        raw = fh.read(MAX_TARGETS_BYTES + 1)
    if len(raw) > MAX_TARGETS_BYTES:
        raise ScenarioError(
            f,
            "(size)",
            f"over {MAX_TARGETS_BYTES:,} bytes",
            f"a targets CSV of at most {MAX_TARGETS_BYTES:,} bytes",
        )
    try:
        reader = csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""))
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ScenarioError(f, "(header)", reader.fieldnames, f"the columns {list(COLUMNS)}")
        rows = list(reader)
        header = list(reader.fieldnames or [])
    except UnicodeDecodeError:
        raise ScenarioError(f, "(file)", "not UTF-8", "a UTF-8 CSV file") from None
    except csv.Error as exc:
        raise ScenarioError(f, "(syntax)", str(exc), "a valid CSV file") from None
    if not rows:
        raise ScenarioError(f, "(rows)", 0, "at least one target")
    for i, r in enumerate(rows, start=2):
        if None in r or any(v is None for v in r.values()):  # a short or a long row
            fields = sum(v is not None for k, v in r.items() if k is not None)
            raise ScenarioError(
                f,
                f"row {i} (fields)",
                fields + len(r.get(None) or []),
                f"{len(header)} fields, one per column of the header",
            )
    destinations = available_destinations()
    out, seen = [], set()
    for i, r in enumerate(rows, start=2):
        row = f"row {i}"
        tid = r["target_id"].strip()
        if not tid or tid in seen:
            raise ScenarioError(f, f"{row} target_id", tid, "a non-empty, unique id")
        seen.add(tid)
        if r["observable"] not in OBSERVABLES:
            raise ScenarioError(
                f, f"{row} observable", r["observable"], f"one of {sorted(OBSERVABLES)}"
            )
        if r["destination"] not in destinations:
            raise ScenarioError(
                f, f"{row} destination", r["destination"], f"one of {list(destinations)}"
            )
        origins = _origins(r["origin"].strip(), f, f"{row} origin")
        if r["observable"] == "recorded_remittances_usd_per_month" and (
            len(origins) != 1 or origins[0] not in RECORDED_REMITTANCE_SHARE
        ):
            raise ScenarioError(
                f,
                f"{row} origin",
                r["origin"],
                "for recorded remittances, one origin with a sourced recorded share: one of "
                f"{sorted(RECORDED_REMITTANCE_SHARE)} (calibration/remittance_recording.py)",
            )
        if r["channel"] not in ("", "regular", "irregular"):
            raise ScenarioError(f, f"{row} channel", r["channel"], "empty, regular or irregular")
        try:
            start, end = month_index(r["start"]), month_index(r["end"])
        except ValueError:
            raise ScenarioError(
                f, f"{row} start/end", (r["start"], r["end"]), 'months written "YYYY-MM"'
            ) from None
        if not 0 <= start <= end <= 311:
            raise ScenarioError(
                f,
                f"{row} start/end",
                (r["start"], r["end"]),
                "start <= end, both between 2010-01 and 2035-12",
            )
        value = _number(f, f"{row} value", r["value"], True)
        low = _number(f, f"{row} low", r["low"], True)
        high = _number(f, f"{row} high", r["high"], True)
        if math.isnan(value) == (math.isnan(low) or math.isnan(high)) or (
            not math.isnan(low) and low > high
        ):
            raise ScenarioError(
                f,
                f"{row} value/low/high",
                (r["value"], r["low"], r["high"]),
                "either a value, or a band with low <= high",
            )
        weight = _number(f, f"{row} weight", r["weight"], False)
        if not r["source"].strip():
            raise ScenarioError(
                f, f"{row} source", r["source"], "the publisher or report the figure comes from"
            )
        corridor_ok = any(
            c.destination == r["destination"] and (not origins or c.origin in origins)
            for c in load_world(destinations).corridors
        )
        if not corridor_ok:
            raise ScenarioError(
                f,
                f"{row} origin/destination",
                (r["origin"], r["destination"]),
                "a corridor the world data has",
            )
        out.append(
            Target(
                tid,
                r["observable"],
                r["destination"],
                origins,
                r["origin"],
                r["channel"],
                start,
                end,
                value,
                low,
                high,
                weight,
                r["source"],
            )
        )
    return out
