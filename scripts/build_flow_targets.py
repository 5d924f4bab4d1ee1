"""Build ``calibration/targets_flows.csv``: the flow targets of issue 14's recalibration.

    .venv/bin/python scripts/build_flow_targets.py            # write the file
    .venv/bin/python scripts/build_flow_targets.py --check    # exit 1 if it is out of date

Read from ``scenarios/data/flows.csv`` (through ``scenarios.flows.load_flows``, which checks
every row), rows with ``use = calibration`` only: ``held_out`` rows are kept for the
out-of-sample checks of issue 15 and ``context`` rows inform but are never targets. The
output has the columns of ``calibration/targets.csv`` and ``tests/test_flow_targets.py``
checks that it is what this script builds, that every row comes from calibration rows and
that none is a held-out kind (``scenarios.flows.held_out_targets``).

Rules, in order:

1. **What the model counts** (``calibration/observation.py``): deployments ->
   ``regular_departures_per_month`` (channel regular); deportations ->
   ``deportations_per_month``; returns that a source counts as sent back, deported or
   expelled -> ``forced_returns_per_month`` (deportations plus border interceptions), other
   returns -> ``returns_per_month``; remittances -> ``remittances_received_usd_per_month``,
   or ``recorded_remittances_usd_per_month`` for an origin whose recorded share of what is
   sent the sources give (``calibration/remittance_recording.py``: the World Bank's
   estimates split recorded inflows only);
   Japan's workers (a stock), of every status or without students working on a permit
   outside their status (kind ``japan_workers_not_students``, its own target id) ->
   ``notified_workers_stock``. A flow is a total over the row's
   months; the target is its average per month over exactly those months (a fiscal year,
   written in ``flows.csv`` as the months it covers, stays those months).
2. **Left out, with the reason printed**: rows that start before January 2010 (the model
   starts then); deployments that start in 2010 (the model's regular pipeline starts empty
   in January 2010, nobody having applied before, and fills over the processing months, 4.5
   and more: its regular departures of 2010 are a start-up artefact, none in the first six
   months); rows of one rest-of-world nationality (origin ``ROW``: a part of the
   aggregated origin with no upper bound, and the rest of the world is off in the shipped
   baseline); rows on a corridor the world data does not have (Indonesia to Thailand,
   Singapore and Japan, Cambodia and Laos to Japan).
3. **Disagreeing sources** (several rows of one kind, corridor and period): a band from the
   lowest to the highest figure. **Every band is at least as wide as a point's tolerance**:
   at least 20% either side of its centre (``POINT_TOLERANCE``), so sources that nearly
   agree (Indonesia's placements in Malaysia in 2016: 87,598 and 87,616) do not make a
   target harder to meet than one source would.
4. **All nationalities** (origin ``ALL``) against the modelled origins: 40-90% of the figure,
   as ``calibration/targets.csv``'s deportation targets (change both together when the rest
   of the world is switched on in the baseline).
5. **Some crossings** (``counted_at`` is ``some_crossings`` in ``flows.csv``: Poipet): a
   count at one checkpoint of several is a lower edge; the band runs from the lowest figure
   to 1.5 times the highest (an assumption: Poipet is the main crossing for Cambodians sent
   back by Thailand, not the only one).
6. **Remittances** (World Bank/KNOMAD bilateral estimates, a model of recorded inflows split
   by migrant stocks, whose editions jump: Thailand to Myanmar 1,738 million USD in 2015, 367
   million in 2016): one target per corridor over the months from the first edition's year to
   the last's, a band from the lowest edition divided by 1.5 to the highest times 1.5, never a
   trend.
7. **Weights**: 1 for a year or more and for stocks; 0.5 for shorter periods (a month or a
   quarter is noisy at coarse agent scales), for all-nationality bands and for remittances.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from calibration.observation import REMITTANCE_OBSERVABLES  # noqa: E402
from calibration.remittance_recording import RECORDED_REMITTANCE_SHARE  # noqa: E402
from calibration.targets import COLUMNS, POINT_TOLERANCE  # noqa: E402
from scenarios.flows import Flow, load_flows  # noqa: E402
from scenarios.world import available_destinations, load_world  # noqa: E402

OUT = ROOT / "calibration" / "targets_flows.csv"
FIRST_MODEL_MONTH = (2010, 1)
FIRST_DEPLOYMENT_MONTH = (2011, 1)
ALL_NATIONALITIES_SHARE = (0.4, 0.9)
ONE_CROSSING_FACTOR = 1.5
REMITTANCE_WIDENING = 1.5
SHORT_PERIOD_WEIGHT = 0.5
FORCED_WORDS = ("sent back", "deported", "brought back", "expelled")
PREFIX = {
    "regular_departures_per_month": "deployments",
    "deportations_per_month": "deportations",
    "forced_returns_per_month": "forced_returns",
    "returns_per_month": "returns",
    "remittances_received_usd_per_month": "remittances",
    "recorded_remittances_usd_per_month": "remittances",
    "notified_workers_stock": "japan_workers",
}
JAPAN_WORKER_KINDS = {
    "japan_workers": "japan_workers",
    "japan_workers_not_students": "japan_workers_not_students",
}
"""Japan's notified workers of every status (the students among them too), and the same
without those working on a permit outside their status (資格外活動, mostly students): both
are compared with the model's regular employed stock; each kind keeps its own target id."""


@dataclass(frozen=True)
class Built:
    """One target row and the ``flows.csv`` rows it was built from."""

    row: dict[str, str]
    flows: tuple[Flow, ...]


def observable_of(flow: Flow) -> str:
    """Rule 1: the observable a calibration row of this kind is compared with."""
    if flow.kind == "deployments":
        return "regular_departures_per_month"
    if flow.kind == "deportations":
        return "deportations_per_month"
    if flow.kind == "returns":
        text = flow.what_exactly.lower()
        forced = any(w in text for w in FORCED_WORDS)
        return "forced_returns_per_month" if forced else "returns_per_month"
    if flow.kind == "remittances_usd":
        if flow.origin in RECORDED_REMITTANCE_SHARE:
            return "recorded_remittances_usd_per_month"
        return "remittances_received_usd_per_month"
    if flow.kind in JAPAN_WORKER_KINDS and flow.measure == "stock":
        return "notified_workers_stock"
    raise SystemExit(f"no rule for a calibration row of kind {flow.kind} ({flow.measure})")


def months(flow: Flow) -> int:
    (y0, m0), (y1, m1) = flow.start, flow.end
    return (y1 - y0) * 12 + m1 - m0 + 1


def per_month(flow: Flow) -> float:
    """The row's figure as the target's value: a stock as it is, a flow per month."""
    return flow.value if flow.measure == "stock" else flow.value / months(flow)


def reason_left_out(flow: Flow, corridors: set[tuple[str, str]]) -> str | None:
    """Rule 2."""
    if flow.start < FIRST_MODEL_MONTH:
        return "starts before the model (January 2010)"
    if flow.kind == "deployments" and flow.start < FIRST_DEPLOYMENT_MONTH:
        return "deployments in the model's first year (its regular pipeline starts empty)"
    if flow.origin == "ROW":
        return "one rest-of-world nationality (a part of ROW, no upper bound; ROW is off)"
    if flow.origin != "ALL" and (flow.origin, flow.destination) not in corridors:
        return "a corridor the world data does not have"
    return None


def _label(start: tuple[int, int], end: tuple[int, int]) -> str:
    if start[1] == 1 and end[1] == 12:
        return str(start[0]) if start[0] == end[0] else f"{start[0]}_{end[0]}"
    return (
        f"{start[0]}-{start[1]:02d}"
        if start == end
        else (f"{start[0]}-{start[1]:02d}_{end[0]}-{end[1]:02d}")
    )


def _number(x: float) -> str:
    return f"{x:.0f}" if abs(x) >= 100 else f"{x:.2f}"


def _sources(flows: Iterable[Flow]) -> str:
    return " / ".join(dict.fromkeys(f.source_title for f in flows))


def _band_at_least_point(low: float, high: float) -> tuple[float, float]:
    """Rule 3: a band at least ``POINT_TOLERANCE`` either side of its centre."""
    centre = (low + high) / 2
    return min(low, centre * (1 - POINT_TOLERANCE)), max(high, centre * (1 + POINT_TOLERANCE))


def _row(
    observable: str,
    flows: tuple[Flow, ...],
    value: float,
    low: float,
    high: float,
    weight: float,
    note: str,
) -> Built:
    f0 = flows[0]
    start, end = min(f.start for f in flows), max(f.end for f in flows)
    channel = "regular" if observable == "regular_departures_per_month" else ""
    row = {
        "target_id": f"{JAPAN_WORKER_KINDS.get(f0.kind, PREFIX[observable])}_{f0.origin}_"
        f"{f0.destination}_{_label(start, end)}",
        "observable": observable,
        "destination": f0.destination,
        "origin": f0.origin,
        "channel": channel,
        "start": f"{start[0]}-{start[1]:02d}",
        "end": f"{end[0]}-{end[1]:02d}",
        "value": "" if math.isnan(value) else _number(value),
        "low": "" if math.isnan(low) else _number(low),
        "high": "" if math.isnan(high) else _number(high),
        "weight": f"{weight:g}",
        "source": f"{_sources(flows)} ({note})",
    }
    return Built(row, flows)


def _group_target(observable: str, flows: tuple[Flow, ...]) -> Built:
    """Rules 3 to 5 and 7 for the rows of one kind, corridor and period."""
    values = [per_month(f) for f in flows]
    n = months(flows[0])
    short = flows[0].measure != "stock" and n < 12
    if flows[0].measure == "stock":
        per = ""
    else:
        per = "one month's total; " if n == 1 else f"{n} months' total / {n}; "
    nan = math.nan
    if flows[0].origin == "ALL":
        lo_share, hi_share = ALL_NATIONALITIES_SHARE
        note = f"{per}all nationalities: {lo_share:.0%}-{hi_share:.0%} from the modelled origins"
        return _row(
            observable,
            flows,
            nan,
            lo_share * min(values),
            hi_share * max(values),
            SHORT_PERIOD_WEIGHT,
            note,
        )
    if any(f.counted_at == "some_crossings" for f in flows):
        note = f"{per}one border crossing: from its count to {ONE_CROSSING_FACTOR:g} times it"
        if len(flows) > 1:
            note += f"; {len(flows)} sources"
        return _row(
            observable,
            flows,
            nan,
            min(values),
            ONE_CROSSING_FACTOR * max(values),
            SHORT_PERIOD_WEIGHT if short else 1.0,
            note,
        )
    weight = SHORT_PERIOD_WEIGHT if short else 1.0
    if len(flows) > 1:
        low, high = _band_at_least_point(min(values), max(values))
        note = f"{per}{len(flows)} sources disagree: band, at least 20% either side"
        return _row(observable, flows, nan, low, high, weight, note)
    return _row(observable, flows, values[0], nan, nan, weight, f"{per}one source".lstrip())


def _remittance_target(observable: str, flows: tuple[Flow, ...]) -> Built:
    """Rule 6: one wide band per corridor across the World Bank's editions."""
    values = [per_month(f) for f in flows]
    years = sorted({f.start[0] for f in flows})
    note = (
        f"editions {', '.join(map(str, years))}, each a year's total / 12; wide band: lowest "
        f"/ {REMITTANCE_WIDENING:g} to highest x {REMITTANCE_WIDENING:g}, never a trend"
    )
    return _row(
        observable,
        flows,
        math.nan,
        min(values) / REMITTANCE_WIDENING,
        max(values) * REMITTANCE_WIDENING,
        SHORT_PERIOD_WEIGHT,
        note,
    )


def build(flows: Iterable[Flow] | None = None) -> tuple[list[Built], list[tuple[Flow, str]]]:
    """(the targets with the rows they come from, the calibration rows left out and why)."""
    world = load_world(available_destinations())
    corridors = {(c.origin, c.destination) for c in world.corridors}
    groups: dict[tuple, list[Flow]] = {}
    left_out: list[tuple[Flow, str]] = []
    for f in load_flows() if flows is None else flows:
        if f.use != "calibration":
            continue
        reason = reason_left_out(f, corridors)
        if reason is not None:
            left_out.append((f, reason))
            continue
        observable = observable_of(f)
        key: tuple = (observable, f.kind, f.origin, f.destination)  # kinds never merge
        if f.kind != "remittances_usd":
            key += (f.start, f.end)
        groups.setdefault(key, []).append(f)
    built = [
        _remittance_target(key[0], tuple(g))
        if key[0] in REMITTANCE_OBSERVABLES
        else _group_target(key[0], tuple(g))
        for key, g in groups.items()
    ]
    built.sort(
        key=lambda b: (
            b.row["observable"],
            b.row["origin"],
            b.row["destination"],
            b.row["start"],
            b.row["end"],
        )
    )
    ids = [b.row["target_id"] for b in built]
    if len(set(ids)) != len(ids):
        raise SystemExit("two targets with one id")
    return built, left_out


def render(built: Iterable[Built]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(b.row for b in built)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    built, left_out = build()
    text = render(built)
    for f, reason in left_out:
        print(f"left out: {f.kind} {f.origin}-{f.destination} {_label(f.start, f.end)}: {reason}")
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date: run scripts/build_flow_targets.py")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(built)} targets to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
