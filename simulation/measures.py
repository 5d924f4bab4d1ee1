"""The model's outputs, declared once: every measure of the results table and every headline
indicator, with unit and meaning.

As the levers are declared once in ``scenarios/``, the outputs are declared here and everything
else is generated from these declarations: the monthly table (:mod:`simulation.metrics`), the
results tables, ``corridors compare``, ``corridors sensitivity``, the dashboard's comparison
and the "Outputs" table in ``ODD.md``. So the command line and the dashboard cannot disagree on
what a measure is, which measures are stocks, or how a headline indicator is computed.

* A :class:`Measure` is a column of the tidy results table (``measure``): a **flow** is summed
  over the month, a **stock** is counted at the end of the month. ``channel`` says which
  channel row holds it (``regular``/``irregular`` rows split by legal status, by the channel of
  the move, ...); per-origin status rows are not split by channel.
* An :class:`Indicator` is one number per run, computed from the run's yearly table by its
  ``formula``, a small structure rather than code in a string: :class:`Total` sums a measure
  over every corridor and year of the run, :class:`Final` takes it in the final year (for a
  stock: at the end of that year's December, or of the run's last month if it ends earlier),
  :class:`Share` divides one by the other.

Only the standard library here (this module sits low in the layers: ``scenarios`` below it,
everything else above); the tables are computed by :mod:`simulation.metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

__all__ = [
    "CHANNEL_NAMES",
    "FLOW_MEASURES",
    "HEADLINE",
    "HEADLINE_LABELS",
    "MEASURES",
    "MEASURE_UNITS",
    "OUTPUTS_MARKER",
    "STATUS_MEASURES",
    "STOCK_MEASURES",
    "Indicator",
    "Measure",
    "RunValues",
    "indicator",
    "measure",
    "outputs_table",
    "render_outputs",
]

Kind = Literal["flow", "stock"]
Unit = Literal["people", "USD"]
CHANNEL_NAMES = ("regular", "irregular")
"""The two channel rows of every corridor measure, in the order of the metrics arrays."""

# what a measure's channel row means
BY_LEGAL_STATUS = "legal status"
BY_MOVE = "channel of the move"
BY_LAST_MOVE = "channel of the last move"
NOT_SPLIT = ""  # per-origin status rows: no destination, no channel


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure of the results table."""

    name: str
    kind: Kind
    channel: str
    """Which channel row holds it: ``regular`` or ``irregular`` (only that row is ever
    non-zero), ``legal status``, ``channel of the move``, ``channel of the last move``; empty
    for the per-origin status rows, which are not split by channel (nor by destination)."""
    description: str

    @property
    def unit(self) -> Unit:
        """USD for the money measures (their names end in ``_usd``), people otherwise."""
        return "USD" if self.name.endswith("_usd") else "people"

    @property
    def is_stock(self) -> bool:
        """Counted at the end of the month (a flow is summed over the month)."""
        return self.kind == "stock"

    @property
    def by_channel(self) -> bool:
        """Split into a regular and an irregular row per corridor."""
        return self.channel != NOT_SPLIT


def _flow(name: str, channel: str, description: str) -> Measure:
    return Measure(name, "flow", channel, description)


def _stock(name: str, channel: str, description: str) -> Measure:
    return Measure(name, "stock", channel, description)


FLOWS: tuple[Measure, ...] = (
    _flow(
        "applications",
        "regular",
        "signed with a licensed agency this month (admitted applicants only)",
    ),
    _flow(
        "departures",
        BY_MOVE,
        "left home: regular after processing, irregular at the start of the crossing",
    ),
    _flow("arrivals", BY_MOVE, "entered the destination stock"),
    _flow(
        "arrivals_titp",
        "regular",
        "of the regular arrivals in Japan, technical interns (TITP), each on a fixed term",
    ),
    _flow(
        "arrivals_ssw",
        "regular",
        "of the regular arrivals in Japan, Specified Skilled Workers (i), from the SSW start",
    ),
    _flow(
        "returns",
        BY_LEGAL_STATUS,
        "went home of their own accord (contract end, a season's end, voluntary, after a "
        "shock, or through a window's return track or a return-only programme)",
    ),
    _flow(
        "shock_returns",
        BY_LEGAL_STATUS,
        "of the returns, those a shock sent home (an enforcement scare or a pandemic in the "
        "destination), including the stranded who went home when the border opened",
    ),
    _flow(
        "planned_returns",
        "regular",
        "of the returns, regular workers who went home at the end of their contract as they "
        "had planned (a fixed stay) rather than renewing",
    ),
    _flow(
        "seasonal_returns",
        BY_LEGAL_STATUS,
        "of the returns, seasonal and cross-border movers who went home when their season ended",
    ),
    _flow(
        "remigrations",
        BY_MOVE,
        "of the departures, people who had migrated before (returnees leaving again)",
    ),
    _flow("deportations", "irregular", "deported after detention"),
    _flow(
        "border_interceptions",
        "irregular",
        "irregular crossings stopped at the border and sent back",
    ),
    _flow(
        "stay_limit_ends",
        "regular",
        "regular contracts not renewed because the renewal would run past the destination's "
        "longest stay on work permits (part of the permits that end)",
    ),
    _flow(
        "forced_return_reentries",
        "irregular",
        "of the deported and intercepted, people who crossed again at once (part of the "
        "irregular departures)",
    ),
    _flow("arrests", "irregular", "irregular migrants arrested"),
    _flow(
        "arrests_without_place",
        "irregular",
        "irregular migrants caught beyond the free places of the destination's depots "
        "(detention_places): not arrested, not in arrests, still irregular where they were "
        "(one caught again in a later month is counted again)",
    ),
    _flow(
        "registrations",
        "regular",
        "irregular -> regular in an amnesty: legalised (at registration where there is no "
        "verification step, else when verification succeeds)",
    ),
    _flow(
        "amnesty_registrants",
        "irregular",
        "came forward in an open window, eligible, and paid the registration fee: legalised at "
        "once without a verification step, else pending (still irregular)",
    ),
    _flow(
        "amnesty_lapses",
        "irregular",
        "registrants back to plain irregular status: verification failed, its fee unpaid, not "
        "finished by the deadline, or given up by going home",
    ),
    _flow(
        "amnesty_returns",
        "irregular",
        "went home through a window's return track or a return-only programme (repatriation "
        "without penalty); also in returns",
    ),
    _flow(
        "overstays",
        "irregular",
        "regular -> irregular, every cause: irregular_by_overstay + irregular_by_lapse + "
        "irregular_by_employer_change + absconding",
    ),
    _flow(
        "irregular_by_overstay",
        "irregular",
        "regular -> irregular: the permit ended unrenewed (the employer did not keep them, a "
        "renewal would have run past the destination's stay limit, or the grace period after a "
        "lost job ran out) and they stayed on",
    ),
    _flow(
        "irregular_by_lapse",
        "irregular",
        "regular -> irregular: the employer kept them but the renewal failed ("
        "fee neither paid nor borrowed, permit lapsed in processing) and they stayed on",
    ),
    _flow(
        "irregular_by_employer_change",
        "irregular",
        "regular -> irregular: left the employer named on a tied permit, or left without the "
        "documents an employer or broker held (taken on elsewhere after a layoff, out of an "
        "exploitative job, a job move of their own)",
    ),
    _flow(
        "absconding",
        "irregular",
        "regular -> irregular: technical interns in Japan who left the employer named on their "
        "permit (absconded) and stayed on; also in overstays",
    ),
    _flow(
        "irregular_by_entry",
        "irregular",
        "into irregular status by entering irregularly (the irregular arrivals)",
    ),
    _flow(
        "layoffs",
        BY_LEGAL_STATUS,
        "lost their job: demand fell below employment, or (irregular) let go by an employer "
        "deterred by sanctions",
    ),
    _flow(
        "recruitment_fees_paid_usd",
        BY_MOVE,
        "fees paid by movers (recruiter's fee, plus official fees on the regular channel)",
    ),
    _flow(
        "earnings_usd",
        BY_LEGAL_STATUS,
        "gross wages earned abroad (after pay withheld from the exploited)",
    ),
    _flow("remittances_sent_usd", BY_LEGAL_STATUS, "money sent home"),
    _flow("remittance_cost_usd", BY_LEGAL_STATUS, "cost of sending it"),
    _flow("remittances_received_usd", BY_LEGAL_STATUS, "sent minus cost"),
    _flow(
        "exploitation_cases",
        BY_LEGAL_STATUS,
        "new exploitation cases (those from trafficking in the irregular row)",
    ),
    _flow("trafficking_cases", "irregular", "irregular moves that ended in trafficking"),
)
STOCKS: tuple[Measure, ...] = (
    _stock(
        "stock",
        BY_LEGAL_STATUS,
        "people in the destination (employed, unemployed, detained)",
    ),
    _stock("stock_female", BY_LEGAL_STATUS, "women in the destination"),
    _stock("stock_male", BY_LEGAL_STATUS, "men in the destination"),
    _stock(
        "stock_titp",
        "regular",
        "of the regular stock in Japan, technical interns (TITP) on their fixed term, employed "
        "or not (Japan's statistics count foreign residents by status of residence)",
    ),
    _stock(
        "stock_ssw",
        "regular",
        "of the regular stock in Japan, Specified Skilled Workers (i) on their fixed term, "
        "employed or not; zero before the SSW start",
    ),
    _stock("employed", BY_LEGAL_STATUS, "employed abroad"),
    _stock("unemployed", BY_LEGAL_STATUS, "unemployed abroad"),
    _stock("detained", "irregular", "detained, awaiting deportation"),
    _stock(
        "stranded",
        BY_LEGAL_STATUS,
        "in the destination, wanting to go home after a shock but held by a closed border",
    ),
    _stock(
        "amnesty_pending",
        "irregular",
        "registrants awaiting verification: still irregular (in the irregular stock), not arrested",
    ),
    _stock("waiting", "regular", "regular pipeline: signed, not yet departed (still at home)"),
    _stock("in_transit", "irregular", "crossing at the end of the month"),
    _stock("exploited_now", BY_LEGAL_STATUS, "exploited at the end of the month (abroad)"),
    _stock(
        "debt_outstanding_usd",
        BY_LAST_MOVE,
        "debt of everyone whose last move was in this corridor and channel (abroad, waiting, "
        "in transit or back home)",
    ),
)
STATUSES: tuple[Measure, ...] = tuple(
    _stock(f"people_{status}", NOT_SPLIT, f"people of the origin {what}")
    for status, what in (
        ("at_home", "at home who never migrated"),
        ("waiting", "waiting for a regular placement"),
        ("in_transit", "crossing irregularly"),
        ("employed_regular", "employed abroad, regular"),
        ("employed_irregular", "employed abroad, irregular"),
        ("unemployed_abroad", "abroad without a job"),
        ("detained", "detained abroad, awaiting deportation"),
        ("returned", "back home after migrating"),
    )
)
"""Per-origin status counts, one per worker status in the order of ``agents.status.Status``
(a test checks it)."""

MEASURES: tuple[Measure, ...] = FLOWS + STOCKS + STATUSES
FLOW_MEASURES: tuple[str, ...] = tuple(m.name for m in FLOWS)
STOCK_MEASURES: tuple[str, ...] = tuple(m.name for m in STOCKS)
STATUS_MEASURES: tuple[str, ...] = tuple(m.name for m in STATUSES)
MEASURE_UNITS: dict[str, str] = {m.name: m.unit for m in MEASURES}
_BY_NAME = {m.name: m for m in MEASURES}


def measure(name: str) -> Measure:
    """The declaration of a measure (``KeyError`` for an unknown name)."""
    return _BY_NAME[name]


class RunValues(Protocol):
    """What an indicator's formula reads of one run (sums over every corridor; over both
    channels unless one is named)."""

    def total(self, measure: str, channel: str | None = None) -> float:
        """A measure summed over the whole run."""
        ...

    def final(self, measure: str, channel: str | None = None) -> float:
        """A measure in the final year (a stock: at the end of its December, or of the run's
        last month if it ends earlier)."""
        ...


@dataclass(frozen=True, slots=True)
class Total:
    """A measure summed over every corridor and month of the run (both channels unless one
    is named)."""

    measure: str
    channel: str | None = None

    def value(self, run: RunValues) -> float:
        """This term of one run."""
        return run.total(self.measure, self.channel)

    def text(self) -> str:
        """The term as ODD.md writes it."""
        return _term_text("total", self.measure, self.channel)

    def measures(self) -> tuple[str, ...]:
        """The measures this term reads."""
        return (self.measure,)


@dataclass(frozen=True, slots=True)
class Final:
    """A measure in the final year, over every corridor (a stock: at the end of that year's
    December, or of the run's last month)."""

    measure: str
    channel: str | None = None

    def value(self, run: RunValues) -> float:
        """This term of one run."""
        return run.final(self.measure, self.channel)

    def text(self) -> str:
        """The term as ODD.md writes it."""
        return _term_text("final", self.measure, self.channel)

    def measures(self) -> tuple[str, ...]:
        """The measures this term reads."""
        return (self.measure,)


@dataclass(frozen=True, slots=True)
class Share:
    """One term as a share of another (0 when the whole is 0: an empty world has no
    irregular share)."""

    part: Total | Final
    whole: Total | Final

    def value(self, run: RunValues) -> float:
        """The share in one run."""
        return self.part.value(run) / max(self.whole.value(run), 1e-9)

    def text(self) -> str:
        """The formula as ODD.md writes it."""
        return f"{self.part.text()} / max({self.whole.text()}, 1e-9)"

    def measures(self) -> tuple[str, ...]:
        """The measures this formula reads."""
        return tuple(dict.fromkeys(self.part.measures() + self.whole.measures()))


Formula = Total | Final | Share
"""How an indicator is computed from a run: a plain structure, not code in a string, so it
can be shown, checked against the declared measures and computed without ``eval``."""


def _term_text(kind: str, measure: str, channel: str | None) -> str:
    return f"{kind}('{measure}', '{channel}')" if channel else f"{kind}('{measure}')"


@dataclass(frozen=True, slots=True)
class Indicator:
    """One headline indicator: one number per run."""

    name: str
    label: str
    """Plain-language name with its unit, as the dashboard and the reports show it."""
    unit: Literal["share", "people", "USD"]
    better: Literal["lower", "higher"]
    definition: str
    formula: Formula
    """The one place the indicator is computed (see :class:`Total`, :class:`Final`,
    :class:`Share`)."""

    def __post_init__(self) -> None:
        unknown = set(self.measures) - set(_BY_NAME)
        if unknown:
            raise ValueError(f"indicator {self.name} reads undeclared measures {unknown}")

    @property
    def measures(self) -> tuple[str, ...]:
        """The measures the formula reads."""
        return self.formula.measures()

    def compute(self, values: RunValues) -> float:
        """The indicator of one run."""
        return self.formula.value(values)


HEADLINE: tuple[Indicator, ...] = (
    Indicator(
        "irregular_share_final_year",
        "Irregular share of the stock, final year",
        "share",
        "lower",
        "irregular migrants as a share of the migrant stock (all corridors of the modelled "
        "origins) at the end of the final year",
        Share(Final("stock", "irregular"), Final("stock")),
    ),
    Indicator(
        "deportations",
        "Deportations (people, whole run)",
        "people",
        "lower",
        "deportations over the whole run (one person deported twice counts twice)",
        Total("deportations"),
    ),
    Indicator(
        "recruitment_fees_paid_usd",
        "Recruitment fees paid (USD, whole run)",
        "USD",
        "lower",
        "recruitment and official fees paid by movers over the whole run",
        Total("recruitment_fees_paid_usd"),
    ),
    Indicator(
        "debt_outstanding_usd_final",
        "Migration debt outstanding at the end (USD)",
        "USD",
        "lower",
        "migration debt still owed at the end of the final year",
        Final("debt_outstanding_usd"),
    ),
    Indicator(
        "remittances_received_usd",
        "Remittances received at home (USD, whole run)",
        "USD",
        "higher",
        "remittances received by families at home (after the cost of sending) over the whole run",
        Total("remittances_received_usd"),
    ),
    Indicator(
        "exploitation_cases",
        "Exploitation cases (whole run)",
        "people",
        "lower",
        "new cases of exploitation (trafficking included) over the whole run",
        Total("exploitation_cases"),
    ),
)
"""The headline indicators of ``corridors compare`` and the dashboard's Compare view, in the
order the dashboard shows them."""
HEADLINE_LABELS: dict[str, str] = {i.name: i.label for i in HEADLINE}
_INDICATORS = {i.name: i for i in HEADLINE}


def indicator(name: str) -> Indicator:
    """The declaration of a headline indicator (``KeyError`` for an unknown name)."""
    return _INDICATORS[name]


# ---- the "Outputs" table of ODD.md ---------------------------------------------------------
OUTPUTS_MARKER = "outputs-table"


def outputs_table() -> str:
    """Markdown tables of every measure and every headline indicator."""
    lines = [
        "| measure | flow or stock | unit | channel row | what |",
        "|---|---|---|---|---|",
    ]
    for m in MEASURES:
        channel = m.channel or "none (per origin)"
        lines.append(f"| `{m.name}` | {m.kind} | {m.unit} | {channel} | {m.description} |")
    lines += [
        "",
        "| headline indicator | unit | better when | definition | computed as |",
        "|---|---|---|---|---|",
    ]
    for i in HEADLINE:
        lines.append(
            f"| `{i.name}` | {i.unit} | {i.better} | {i.definition} | `{i.formula.text()}` |"
        )
    return "\n".join(lines)


def render_outputs(text: str) -> str:
    """``text`` (ODD.md) with the part between ``<!-- outputs-table:start -->`` and
    ``<!-- outputs-table:end -->`` replaced by the current declarations."""
    from scenarios.generated_text import replace_between_markers

    return replace_between_markers(text, OUTPUTS_MARKER, outputs_table())


if __name__ == "__main__":  # python -m simulation.measures ODD.md: rewrite the table in place
    import sys
    from pathlib import Path

    for arg in sys.argv[1:]:
        path = Path(arg)
        path.write_text(render_outputs(path.read_text(encoding="utf-8")), encoding="utf-8")
