"""Japan's programmes (issue 14, mechanism 5): technical interns (TITP) and, from the driver
``ssw_start``, Specified Skilled Workers (SSW (i)) on the regular channel of every corridor to
Japan; their fixed terms; trainees who abscond.

Each month, only while Japan is in the run (:attr:`JapanPrograms.on`):

1. :func:`open_ssw_places` (after the states' policies): from the SSW start, each January
   (and in the month the channel opens, prorated) adds ``ssw_annual_intake`` places to Japan's
   regular places left this year (``annual_regular_quota`` of JPN is the technical-intern cap).
2. :func:`assign_programmes` (after the decisions): those who signed for Japan this month are
   technical interns, or SSW recruits with the SSW share of the places left; an SSW recruit
   pays ``ssw_cost_share`` of the recruiter's fee (:func:`settle_ssw_fees`).
3. :func:`start_stays` (at departure): a fixed term, ``titp_max_stay_months`` or
   ``ssw_max_stay_months``; counted in ``arrivals_titp`` or ``arrivals_ssw``.
4. :func:`absconding` (abroad, after the employer changes): trainees leave the employer named
   on their permit with a monthly hazard that rises with their debt and with poor conditions
   (exploitation) and falls with protection (:func:`abscond_hazard`); they become irregular,
   counted in ``absconding`` (and so in ``overstays``).
5. :func:`programme_ends` (abroad, before the other permits): a programme's term ends without
   renewal: home, or an irregular stay (``irregular_by_overstay``), as any permit that ends.
6. :func:`clear_programmes` (end of the month): who is neither waiting nor regular abroad has
   no programme any more.

The month-end stocks on each programme (``stock_titp``, ``stock_ssw``) are counted from
:attr:`JapanPrograms.programme` with the other stocks, in
:meth:`simulation.metrics.Metrics.close_month`.

Why a module of its own: Japan admits low-skilled workers only through these programmes, with
fixed terms and no change of employer for trainees (ODD 7.7d). With Japan off nothing here is
read, written or drawn, so every run without Japan is as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from agents.status import Channel, Legal, Status

from .formulas import protection_factor
from .permits import PermitEnds, overstay_or_return

if TYPE_CHECKING:
    from .model import MigrationModel
    from .policy import FloatArray, LeverArrays

__all__ = [
    "NO_PROGRAMME",
    "SSW",
    "TITP",
    "JapanPrograms",
    "abscond_hazard",
    "absconding",
    "assign_programmes",
    "clear_programmes",
    "open_ssw_places",
    "programme_ends",
    "settle_ssw_fees",
    "ssw_start_month",
    "start_stays",
]

JAPAN = "JPN"
NO_PROGRAMME, TITP, SSW = 0, 1, 2
"""Values of :attr:`JapanPrograms.programme`."""


@dataclass
class JapanPrograms:
    """The programme of each population row and Japan's SSW places this year."""

    on: bool
    """Whether Japan is in the run (``[world] destinations``); nothing here acts otherwise."""
    jpn: int
    """Index of Japan among the run's destinations (-1 when off)."""
    programme: np.ndarray
    """int8 per population row: ``TITP`` or ``SSW`` while signed for Japan (waiting) or
    regular there on that programme, else ``NO_PROGRAMME`` (also the 2010 stock, whose
    statuses are of every kind). Empty when Japan is off."""
    ssw_left: float = 0.0
    """SSW places left this year, people."""
    places_before: float = 0.0
    """Japan's regular places left (TITP and SSW) before this month's admissions, people."""

    @classmethod
    def build(cls, model: MigrationModel) -> JapanPrograms:
        """Nobody on a programme at the start. No draws."""
        dests = model.world.destinations
        on = JAPAN in dests
        n = len(model.population) if on else 0
        return cls(on, dests.index(JAPAN) if on else -1, np.zeros(n, np.int8))


def ssw_start_month(lv: LeverArrays) -> int | None:
    """Month index the SSW channel opens (the first of ``ssw_start``), None if never."""
    return lv.ssw_start[0] if lv.ssw_start else None


def open_ssw_places(model: MigrationModel, month: int) -> None:
    """Step 1. From the SSW start, in January and in the start month: ``ssw_left`` becomes the
    year's ``ssw_annual_intake`` x the share of the year still to come, added to the policy's
    ``quota_remaining`` of Japan (the states have just reset it to the technical-intern cap in
    January). Every month: keeps Japan's places left before the admissions
    (``places_before``). No draws.

    Why: Japan opened the SSW status in April 2019 with its own yearly intake, on top of the
    technical interns."""
    jp, lv = model.japan, model.lv
    start = ssw_start_month(lv)
    if start is not None and month >= start and (month % 12 == 0 or month == start):
        places = lv.ssw_annual_intake * (12 - month % 12) / 12.0
        jp.ssw_left = places
        model.policy.quota_remaining[jp.jpn] += places
    jp.places_before = float(model.policy.quota_remaining[jp.jpn])


def assign_programmes(model: MigrationModel) -> None:
    """Step 2. Those who signed for Japan this month (waiting, a corridor to Japan, no
    programme yet) become SSW recruits with the SSW share of the places left before the
    admissions (``ssw_left`` / ``places_before``: one uniform each, drawn only while SSW places
    are left), technical interns otherwise. Writes ``programme`` and ``ssw_left`` (less the
    SSW places taken); :func:`settle_ssw_fees` for the SSW recruits.

    Why: both programmes fill Japan's regular places; which one a recruit joins depends on
    the places each has left."""
    pop, jp = model.population, model.japan
    waiting = np.flatnonzero(pop.status == Status.WAITING)
    new = waiting[(jp.programme[waiting] == NO_PROGRAMME) & model.c_is_japan[pop.corridor[waiting]]]
    if len(new) == 0:
        return
    programme = np.full(len(new), TITP, np.int8)
    if jp.ssw_left > 0 and jp.places_before > 0:
        ssw = model.rng.random(len(new)) < min(1.0, jp.ssw_left / jp.places_before)
        programme[ssw] = SSW
        jp.ssw_left = max(0.0, jp.ssw_left - float(ssw.sum()) * model.people_per_agent)
        settle_ssw_fees(model, new[ssw])
    jp.programme[new] = programme


def settle_ssw_fees(model: MigrationModel, rows: np.ndarray) -> None:
    """SSW recruits ``rows`` (signed this month, charged the recruiter's technical-intern fee)
    get back ``1 - ssw_cost_share`` of that fee: ``debt`` first, then ``savings``; the
    corridor's ``recruitment_fees_paid_usd`` is lowered by as much. No draws.

    Why: the SSW route costs less than the TITP one (no sending and supervising organisations,
    no deposits under the cooperation memoranda), though brokers still charge."""
    if len(rows) == 0:
        return
    pop = model.population
    back = (1.0 - model.lv.ssw_cost_share) * model.recruitment.charged[pop.recruiter[rows]]
    off_debt = np.minimum(pop.debt[rows], back)
    pop.debt[rows] -= off_debt
    pop.savings[rows] += back - off_debt
    model.metrics.add("recruitment_fees_paid_usd", pop.corridor[rows], Channel.REGULAR, -back)


def start_stays(model: MigrationModel, departed: np.ndarray) -> None:
    """Step 3. Of the regular ``departed`` this month, those on a programme get its fixed term
    (``contract_left``: ``titp_max_stay_months`` or ``ssw_max_stay_months``), counted in
    ``arrivals_titp`` or ``arrivals_ssw``. No draws.

    Why: neither programme is an open-ended contract: the term is the longest stay."""
    pop, lv, jp = model.population, model.lv, model.japan
    for programme, months, measure in (
        (TITP, lv.titp_max_stay_months, "arrivals_titp"),
        (SSW, lv.ssw_max_stay_months, "arrivals_ssw"),
    ):
        rows = departed[jp.programme[departed] == programme]
        pop.contract_left[rows] = months
        model.metrics.add(measure, pop.corridor[rows], Channel.REGULAR)


def abscond_hazard(
    lv: LeverArrays,
    debt: FloatArray,
    wage: FloatArray,
    exploited: np.ndarray,
    protection_coverage: FloatArray,
) -> FloatArray:
    """Monthly chance a technical intern absconds: ``titp_abscond_base_per_month`` x (1 +
    ``abscond_debt_sensitivity`` x ``debt`` / monthly market ``wage``) x
    ``abscond_exploited_factor`` if ``exploited`` x (1 - ``protection_effectiveness`` x the
    destination's ``protection_coverage``), at most 1. No state, no draws.

    Why: trainees who cannot change employer leave when the debt they came with cannot be
    repaid on a trainee's pay, or when the job is abusive; protection (labour inspection,
    counselling, a way out to another employer) keeps them."""
    debt_months = np.divide(debt, wage, out=np.zeros(len(debt)), where=wage > 0)
    p = (
        lv.titp_abscond_base_per_month
        * (1.0 + lv.abscond_debt_sensitivity * debt_months)
        * np.where(exploited, lv.abscond_exploited_factor, 1.0)
        * protection_factor(lv.protection_effectiveness, protection_coverage)
    )
    return np.minimum(p, 1.0)


def absconding(model: MigrationModel, regular_employed: np.ndarray) -> np.ndarray:
    """Step 4. Of the rows ``regular_employed``, the technical interns abscond with
    :func:`abscond_hazard` (one uniform each): ``legal`` irregular, ``status`` employed
    irregular, ``contract_left`` 0, no programme; counted in ``absconding`` and
    ``overstays``. Returns the rows still regular.

    Why: a trainee's permit names the employer; leaving it makes the trainee irregular."""
    pop, jp = model.population, model.japan
    trainees = regular_employed[jp.programme[regular_employed] == TITP]
    if len(trainees) == 0:
        return regular_employed
    d = model.c_dest[pop.corridor[trainees]]
    p = abscond_hazard(
        model.lv,
        pop.debt[trainees],
        model.policy.market_wage[d],
        pop.exploited[trainees],
        model.lv.protection_coverage[d],
    )
    gone = trainees[model.rng.random(len(trainees)) < p]
    if len(gone) == 0:
        return regular_employed
    pop.legal[gone] = Legal.IRREGULAR
    pop.status[gone] = Status.EMPLOYED_IRREGULAR
    pop.contract_left[gone] = 0
    jp.programme[gone] = NO_PROGRAMME
    c = pop.corridor[gone]
    model.metrics.add("overstays", c, Channel.IRREGULAR)
    model.metrics.add("absconding", c, Channel.IRREGULAR)
    return np.setdiff1d(regular_employed, gone, assume_unique=True)


def programme_ends(model: MigrationModel, regular_employed: np.ndarray) -> np.ndarray:
    """Step 5. Of the rows ``regular_employed``, those on a programme count their term down
    (``contract_left`` one less); those whose term is over go home or stay on irregularly
    (:func:`~simulation.permits.overstay_or_return`, not a lapse) and leave their programme.
    Returns the rows not on a programme, for the ordinary permits
    (:func:`~simulation.permits.permits_ending`).

    Why: a technical intern's or SSW worker's stay is not renewed past its longest term."""
    pop, jp = model.population, model.japan
    on = jp.programme[regular_employed] != NO_PROGRAMME
    if not on.any():
        return regular_employed
    mine = regular_employed[on]
    pop.contract_left[mine] -= 1
    over = mine[pop.contract_left[mine] <= 0]
    if len(over):
        jp.programme[over] = NO_PROGRAMME
        overstay_or_return(model, PermitEnds(over, np.zeros(len(over), bool)))
    return regular_employed[~on]


def clear_programmes(model: MigrationModel) -> None:
    """Step 6. Writes ``programme`` (none) of everyone neither waiting nor regular abroad
    (home again, irregular, detained). No draws.

    Why: a programme is a status in Japan; whoever left it has none, and a returnee who signs
    again starts a new one."""
    pop = model.population
    keep = (pop.status == Status.WAITING) | (pop.legal == Legal.REGULAR)
    model.japan.programme[~keep] = NO_PROGRAMME
