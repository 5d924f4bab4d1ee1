"""Observed flows and rest-of-world stocks (``data/flows.csv``, ``data/other_origins.csv``).

These figures are what the model's flows are to be calibrated and checked on (issue 14):
deployments, deportations, returns, remittances, Japan's trainees and workers, and the
stocks of the aggregated rest-of-world origin (``ROW``). Every row carries its source, the
address it was read from and a quote that holds the number, so a reader can check each
figure against its publisher; this module only reads and checks them, and never changes a
number.

Each row has a ``use``. ``calibration`` rows may become calibration targets; ``held_out``
rows are kept back for out-of-sample checks (issue 15) and must never be tuned to;
``context`` rows inform (totals over all destinations, partial counts) but are not targets.
Two rules are checked on load, because a model tuned to the figures it is later checked
against proves nothing:

- every figure dated after 2016 is ``held_out`` (later years are for out-of-sample tests);
- the held-out kinds of issue 14 (registrants and amnesty or legalisation counts in
  registration windows, Malaysia's irregular population, return waves) are ``held_out``
  whatever their date, and so is any corridor to Japan after 2016 (by the first rule).

:func:`held_out_reason` says whether a calibration target names one of those kinds;
``tests/test_flow_data.py`` runs it over ``calibration/targets.csv``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import ScenarioError

__all__ = [
    "HELD_OUT_KINDS",
    "LAST_CALIBRATION_YEAR",
    "ORIGINS",
    "USES",
    "Flow",
    "OtherOriginStock",
    "held_out_reason",
    "held_out_targets",
    "load_flows",
    "load_other_origins",
    "row_residual",
    "row_stock",
    "row_workers_residual",
]

DATA_DIR = Path(__file__).parent / "data"
FLOWS_FILE = "flows.csv"
OTHER_ORIGINS_FILE = "other_origins.csv"

LAST_CALIBRATION_YEAR = 2016
"""Figures dated after this year are held out (the sources' own cut-off, issue 14)."""

ORIGINS = frozenset({"KHM", "LAO", "MMR", "VNM", "IDN", "ROW", "ALL"})
"""The modelled origins, ``ROW`` (the rest of the world, one aggregated origin) and ``ALL``
(every nationality together, as a source counts them)."""

DESTINATIONS = frozenset({"THA", "MYS", "SGP", "JPN"})
"""The model's destinations; a calibration row names exactly one of them."""

DESTINATION_GROUPS = frozenset({"ALL", "THA+KOR+JPN"})
"""Sources' totals over several destinations (context only): all destinations, and the Lao
ministry's Thailand, Korea and Japan together."""

USES = frozenset({"calibration", "held_out", "context"})

MEASURES = frozenset({"flow", "stock", "cumulative", "partial"})
"""What a row's value counts: a ``flow`` over its whole period, a ``stock`` at its date, a
``cumulative`` count from its start, or a ``partial`` flow over part of its period only (a
window's first days, reported before the window closed): no model quantity matches a partial
count, so it is context for the reader and never compared."""

COUNTED_AT = frozenset({"all", "some_crossings"})
"""Where a flow was counted: ``all`` of its crossings, ports and channels, or only
``some_crossings`` (one checkpoint, port, airport or returnee terminal of several, such as
Poipet): such a count is a lower edge of the flow, and a target built from it says so."""

KINDS = frozenset(
    {
        "deployments",
        "deportations",
        "border_interceptions",
        "arrests",
        "returns",
        "remittances_usd",
        "japan_trainees",
        "japan_workers",
        "japan_workers_not_students",
        "japan_residents",
        "work_permits",
        "registrants",
        "amnesty_returns",
        "legalised",
        "irregular_estimate",
        "return_wave",
        "overstayers",
    }
)

HELD_OUT_KINDS = frozenset(
    {"registrants", "amnesty_returns", "legalised", "irregular_estimate", "return_wave"}
)
"""Kinds that are never calibration targets, whatever their date (issue 14)."""

CHANNELS = frozenset(
    {
        "regular",
        "irregular",
        "all",
        "workers_all_statuses",
        "workers_status_based",
        "foreign_born",
    }
)
"""What a stock counts: permit holders, irregular migrants, both (an estimate), Japan's
notified workers of every status, those of them on a status-based residence (permanent
residents, Nikkei, spouses: settled, free to take any job), or UN DESA's international
migrant stock (people born abroad: workers and dependants, regular and irregular)."""

MODELLED_ORIGINS = frozenset({"KHM", "LAO", "MMR", "VNM", "IDN"})

_REQUIRED_TEXT = ("source_title", "source_url", "quote", "what_exactly", "unit")


@dataclass(frozen=True, slots=True)
class _Sourced:
    """What every figure has: where and when, how much, what exactly, and its source.

    ``start`` and ``end`` are ``(year, month)``: a calendar year ``2014`` runs 2014-01 to
    2014-12, a point in time ``2016-10`` starts and ends in that month.
    """

    origin_detail: str
    destination: str
    start: tuple[int, int]
    end: tuple[int, int]
    value: float
    what_exactly: str
    source_title: str
    source_url: str
    quote: str
    use: str


@dataclass(frozen=True, slots=True)
class Flow(_Sourced):
    """One observed figure: a flow, a stock or a cumulative count, with its source.

    ``value`` is nan for a band (``low`` and ``high``); ``low`` and ``high`` are nan for a
    single figure.
    """

    kind: str
    measure: str
    counted_at: str
    origin: str
    low: float
    high: float
    unit: str

    @property
    def is_band(self) -> bool:
        """Whether the sources give a range (low, high) rather than one figure."""
        return math.isnan(self.value)


@dataclass(frozen=True, slots=True)
class OtherOriginStock(_Sourced):
    """One stock in a destination, with its source: a rest-of-world nationality (``origin``
    ROW), or, for the residual of :func:`row_residual`, a total over all origins (TOTAL) or
    a modelled origin from the same table.

    ``channel`` says what the source counts (:data:`CHANNELS`). ``in_row_sum`` is True only
    for named rest-of-world nationalities: a source's catch-all ("others"), which may hold
    modelled origins, totals and modelled origins are never added into ``ROW``.
    """

    origin: str
    channel: str
    in_row_sum: bool


def _read(name: str, data_dir: Path) -> list[dict[str, str]]:
    with (data_dir / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def parse_period(file: str, row: int, text: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """``2014`` -> (2014, 1)..(2014, 12); ``2016-10`` -> one month; ``A/B`` -> A's first
    month to B's last. Sources date figures these three ways."""
    key = f"row {row} column period"
    allowed = "YYYY, YYYY-MM or a range YYYY[-MM]/YYYY[-MM] between 1990 and 2035"
    first, _, last = text.strip().partition("/")
    try:
        start = _month(first, first_month=True)
        end = _month(last or first, first_month=False)
    except ValueError:
        raise ScenarioError(file, key, text, allowed) from None
    if not (1990, 1) <= start <= end <= (2035, 12):
        raise ScenarioError(file, key, text, allowed)
    return start, end


def _month(text: str, *, first_month: bool) -> tuple[int, int]:
    year, _, month = text.partition("-")
    if len(year) != 4:
        raise ValueError(text)
    m = int(month) if month else (1 if first_month else 12)
    if not 1 <= m <= 12:
        raise ValueError(text)
    return int(year), m


def _positive(file: str, row: int, column: str, text: str, *, allow_empty: bool) -> float:
    """A figure must be a positive number: a count of zero or less is a typo or a gap."""
    if not text.strip():
        if allow_empty:
            return math.nan
        raise ScenarioError(file, f"row {row} column {column}", text, "a positive number")
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(file, f"row {row} column {column}", text, "a positive number") from None
    if not value > 0 or math.isinf(value):
        raise ScenarioError(file, f"row {row} column {column}", text, "a positive number")
    return value


def _one_of(file: str, row: int, column: str, text: str, allowed: Iterable[str]) -> str:
    options = sorted(allowed)
    if text not in options:
        raise ScenarioError(
            file, f"row {row} column {column}", text, "one of " + ", ".join(options)
        )
    return text


def _require_text(file: str, row: int, record: Mapping[str, str], columns: Iterable[str]) -> None:
    """Every figure names its source, the address it was read from and a quote holding it:
    a number nobody can trace back is not data."""
    for column in columns:
        if not (record.get(column) or "").strip():
            raise ScenarioError(
                file, f"row {row} column {column}", record.get(column), "a non-empty text"
            )


def _value_and_band(file: str, row: int, r: Mapping[str, str]) -> tuple[float, float, float]:
    """Either one value or a band low <= high (where sources disagree), never both."""
    value = _positive(file, row, "value", r["value"], allow_empty=True)
    low = _positive(file, row, "low", r["low"], allow_empty=True)
    high = _positive(file, row, "high", r["high"], allow_empty=True)
    has_band = not (math.isnan(low) and math.isnan(high))
    if math.isnan(value) == (not has_band) or (has_band and (math.isnan(low) or math.isnan(high))):
        raise ScenarioError(
            file, f"row {row}", (r["value"], r["low"], r["high"]), "a value, or both low and high"
        )
    if has_band and low > high:
        raise ScenarioError(file, f"row {row} column low", low, f"at most high ({high:g})")
    return value, low, high


def _check_use(
    file: str, row: int, kind: str, destination: str, end: tuple[int, int], use: str
) -> None:
    """The held-out rules of issue 14, and calibration rows naming one model destination."""
    if end[0] > LAST_CALIBRATION_YEAR and use != "held_out":
        raise ScenarioError(
            file,
            f"row {row} column use",
            use,
            f"'held_out': figures dated after {LAST_CALIBRATION_YEAR} are kept for "
            "out-of-sample checks",
        )
    if kind in HELD_OUT_KINDS and use != "held_out":
        raise ScenarioError(
            file, f"row {row} column use", use, f"'held_out': {kind} is a held-out kind"
        )
    if use == "calibration" and destination not in DESTINATIONS:
        raise ScenarioError(
            file,
            f"row {row} column destination",
            destination,
            "one model destination for a calibration row (totals are context)",
        )


def _flow(file: str, row: int, r: Mapping[str, str]) -> Flow:
    _require_text(file, row, r, _REQUIRED_TEXT)
    kind = _one_of(file, row, "kind", r["kind"], KINDS)
    destination = _one_of(
        file, row, "destination", r["destination"], DESTINATIONS | DESTINATION_GROUPS
    )
    use = _one_of(file, row, "use", r["use"], USES)
    start, end = parse_period(file, row, r["period"])
    _check_use(file, row, kind, destination, end, use)
    value, low, high = _value_and_band(file, row, r)
    measure = _one_of(file, row, "measure", r["measure"], MEASURES)
    if measure == "partial" and use == "calibration":
        raise ScenarioError(
            file,
            f"row {row} column use",
            use,
            "'held_out' or 'context' for a partial count (no model quantity matches it)",
        )
    return Flow(
        kind=kind,
        measure=measure,
        counted_at=_one_of(file, row, "counted_at", r["counted_at"], COUNTED_AT),
        origin=_one_of(file, row, "origin", r["origin"], ORIGINS),
        origin_detail=r["origin_detail"],
        destination=destination,
        start=start,
        end=end,
        value=value,
        low=low,
        high=high,
        unit=r["unit"],
        what_exactly=r["what_exactly"],
        source_title=r["source_title"],
        source_url=r["source_url"],
        quote=r["quote"],
        use=use,
    )


def _other(file: str, row: int, r: Mapping[str, str]) -> OtherOriginStock:
    _require_text(file, row, r, (*_REQUIRED_TEXT, "origin_detail"))
    origin = _one_of(file, row, "origin", r["origin"], MODELLED_ORIGINS | {"ROW", "TOTAL"})
    in_row_sum = _one_of(file, row, "in_row_sum", r["in_row_sum"], {"yes", "no"}) == "yes"
    if in_row_sum and origin != "ROW":
        raise ScenarioError(
            file, f"row {row} column in_row_sum", "yes", "'no' unless origin is ROW"
        )
    destination = _one_of(file, row, "destination", r["destination"], DESTINATIONS)
    use = _one_of(file, row, "use", r["use"], USES)
    start, end = parse_period(file, row, r["period"])
    _check_use(file, row, "stock", destination, end, use)
    value, _, _ = _value_and_band(file, row, r)
    if math.isnan(value):
        raise ScenarioError(file, f"row {row} column value", r["value"], "a positive number")
    return OtherOriginStock(
        origin_detail=r["origin_detail"],
        destination=destination,
        start=start,
        end=end,
        value=value,
        origin=origin,
        channel=_one_of(file, row, "channel", r["channel"], CHANNELS),
        in_row_sum=in_row_sum,
        what_exactly=r["what_exactly"],
        source_title=r["source_title"],
        source_url=r["source_url"],
        quote=r["quote"],
        use=use,
    )


@cache
def _load_flows(data_dir: Path) -> tuple[Flow, ...]:
    rows = _read(FLOWS_FILE, data_dir)
    return tuple(_flow(FLOWS_FILE, i, r) for i, r in enumerate(rows, start=2))


@cache
def _load_other(data_dir: Path) -> tuple[OtherOriginStock, ...]:
    rows = _read(OTHER_ORIGINS_FILE, data_dir)
    return tuple(_other(OTHER_ORIGINS_FILE, i, r) for i, r in enumerate(rows, start=2))


def load_flows(data_dir: Path = DATA_DIR) -> tuple[Flow, ...]:
    """Every row of ``flows.csv``, checked (read once per process and directory)."""
    return _load_flows(Path(data_dir))


def load_other_origins(data_dir: Path = DATA_DIR) -> tuple[OtherOriginStock, ...]:
    """Every row of ``other_origins.csv``, checked (read once per process and directory)."""
    return _load_other(Path(data_dir))


def row_stock(
    destination: str, stocks: Iterable[OtherOriginStock] | None = None
) -> dict[tuple[tuple[int, int], str, str], float]:
    """The ``ROW`` stock in ``destination``, one figure per source snapshot.

    The aggregation: the rest-of-world nationalities that one source names for one date and
    one channel (what it counts: permit holders, Japan's notified workers, estimates) are
    added up; a source's catch-all ("others", ``in_row_sum`` no) is left out because it may
    hold modelled origins. Sources are never mixed (two sources of one date may count
    different things: Malaysia's 1.8 and 2.08 million of January 2016), so each sum is a
    lower bound of the rest of the world's stock in that channel, and the snapshot naming
    most nationalities is the tightest. Keys are ``(start, channel, source_url)``.
    """
    totals: dict[tuple[tuple[int, int], str, str], float] = {}
    for s in load_other_origins() if stocks is None else stocks:
        if s.destination == destination and s.in_row_sum:
            key = (s.start, s.channel, s.source_url)
            totals[key] = totals.get(key, 0.0) + s.value
    return totals


def row_residual(
    destination: str, stocks: Iterable[OtherOriginStock] | None = None
) -> dict[tuple[int, int], float]:
    """The ``ROW`` stock in ``destination`` as UN DESA's total less the modelled origins.

    For each date with a TOTAL row of channel ``foreign_born``: the total over all origins
    minus the five modelled origins of the same revision and date. This is the stock the
    rest-of-world origin must hold for census totals to add up; it includes migrants of
    unknown origin and, in Singapore, Malaysians. Keys are ``start``.
    """
    rows = list(load_other_origins() if stocks is None else stocks)
    modelled = _modelled_foreign_born(rows, destination, lambda s: s.start)
    totals = {
        s.start: s.value
        for s in rows
        if s.destination == destination and s.channel == "foreign_born" and s.origin == "TOTAL"
    }
    return {start: total - modelled.get(start, 0.0) for start, total in totals.items()}


def _modelled_foreign_born(
    rows: list[OtherOriginStock], destination: str, key: Callable[[OtherOriginStock], object]
) -> dict:
    """The five modelled origins' UN DESA stocks in ``destination`` (``foreign_born``),
    summed by ``key`` of the row (its date, or its year): what the rest of the world's
    residuals subtract."""
    out: dict = {}
    for s in rows:
        if s.destination == destination and s.origin in MODELLED_ORIGINS:
            if s.channel == "foreign_born":
                out[key(s)] = out.get(key(s), 0.0) + s.value
    return out


def row_workers_residual(
    destination: str, stocks: Iterable[OtherOriginStock] | None = None
) -> dict[int, float]:
    """The ``ROW`` stock in ``destination`` as notified workers not on a status-based
    residence, less the modelled origins: for each year with both a TOTAL row of channel
    ``workers_all_statuses`` and one of ``workers_status_based``, the first less the second
    less the modelled origins' UN DESA stocks of mid-year (``foreign_born``, as the model's
    own 2010 stocks and demand are). Keys are years.

    Why, for Japan: UN DESA's stock there counts foreign residents (566,000 born in the
    Republic of Korea in 2010, most of them settled for generations), who do not move on
    contracts; the rest of the world's part of Japan's labour migration is its workers on
    work, trainee and student statuses. Approximations: the modelled origins' stocks are
    UN DESA's residents, subtracted from MHLW's workers of October (Viet Nam in 2015: 146,956
    residents, 110,013 notified workers); Myanmar's stock in Japan, from UN DESA's 2024
    revision and not in ``other_origins.csv``, is not subtracted (6,473 in 2010), so the
    model's demand in Japan exceeds MHLW's count by that much."""
    rows = list(load_other_origins() if stocks is None else stocks)
    modelled = _modelled_foreign_born(rows, destination, lambda s: s.start[0])
    workers: dict[int, float] = {}
    settled: dict[int, float] = {}
    for s in rows:
        if s.destination != destination or s.origin != "TOTAL":
            continue
        if s.channel == "workers_all_statuses":
            workers[s.start[0]] = s.value
        elif s.channel == "workers_status_based":
            settled[s.start[0]] = s.value
    return {
        year: workers[year] - settled[year] - modelled.get(year, 0.0)
        for year in sorted(workers)
        if year in settled
    }


_REGISTRATION_WORDS = ("registr", "amnesty", "regularis", "regulariz", "legalis", "legaliz")
_IRREGULAR_WORDS = ("irregular", "regular_share", "undocumented", "illegal")
_WAVE_WORDS = ("return_wave", "exodus", "mass_return")


def held_out_reason(
    observable: str,
    destination: str,
    origin: str,
    start: str,
    end: str,
    waves: Iterable[Flow] | None = None,
    channel: str = "",
) -> str | None:
    """Why a calibration target with these fields would be a held-out kind, or None.

    The observable is matched to a kind by its name: registration, amnesty or legalisation
    counts; Malaysia's irregular population (an irregular stock or share, a regular share,
    which fixes the irregular one, or a stock of the irregular channel); any figure on a
    corridor to Japan ending after 2016; a
    return wave (named so, or a returns observable overlapping a return wave in the data,
    same destination, origin equal or aggregate). ``start`` and ``end`` are ``YYYY-MM``.
    """
    name = observable.strip().lower()
    if any(w in name for w in _REGISTRATION_WORDS):
        return "registrants or amnesty counts in a registration window"
    a_level = any(w in name for w in ("stock", "share", "population"))
    irregular = any(w in name for w in _IRREGULAR_WORDS) or (
        channel.strip().lower() == "irregular" and a_level
    )
    if destination == "MYS" and irregular:
        return "an estimate of Malaysia's irregular population"
    first, last = parse_period("calibration target", 0, f"{start}/{end}")
    if destination == "JPN" and last[0] > LAST_CALIBRATION_YEAR:
        return f"the size of a corridor to Japan after {LAST_CALIBRATION_YEAR}"
    if any(w in name for w in _WAVE_WORDS):
        return "the size of a return wave"
    if ("return" in name or "repatriat" in name) and any(
        _overlaps(w, destination, origin, first, last)
        for w in (load_flows() if waves is None else waves)
    ):
        return "the size of a return wave"
    return None


_GROUP_LETTERS = {"C": "KHM", "L": "LAO", "M": "MMR", "V": "VNM"}


def _origins_of(code: str) -> frozenset[str]:
    """The origins a target's origin code stands for: itself, or a group such as ``CLM`` or
    ``CLMV`` (Cambodia, Laos, Myanmar, Viet Nam); empty for all nationalities."""
    if code in ("", "ALL"):
        return frozenset()
    if code in ORIGINS:
        return frozenset({code})
    return frozenset(_GROUP_LETTERS.get(c, c) for c in code)


def _overlaps(
    wave: Flow, destination: str, origin: str, first: tuple[int, int], last: tuple[int, int]
) -> bool:
    """Whether a returns target covers a return wave of the data: same destination, origins
    that meet (an aggregate meets every origin), periods that meet."""
    if wave.kind != "return_wave" or wave.destination != destination:
        return False
    mine, theirs = _origins_of(origin), _origins_of(wave.origin)
    if mine and theirs and not mine & theirs:
        return False
    return first <= wave.end and wave.start <= last


def held_out_targets(path: Path) -> list[str]:
    """The targets in a ``calibration/targets.csv``-shaped file that are held-out kinds, as
    ``target_id: reason`` (empty when none is): the guard of issue 14."""
    with Path(path).open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    found = []
    for r in rows:
        reason = held_out_reason(
            r["observable"],
            r["destination"],
            r["origin"],
            r["start"],
            r["end"],
            channel=r.get("channel") or "",
        )
        if reason is not None:
            found.append(f"{r['target_id']}: {reason}")
    return found
