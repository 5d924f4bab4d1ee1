"""Churn into irregularity: employer changes under tied permits and held documents, and
contracts and permits that end (renewal, planned returns, lapse, overstay).

Steps 4 (second half) and 5 of the events abroad (:mod:`simulation.abroad`). Why a module of
its own: these are the roads by which people who arrived regularly become irregular, each
counted by its cause (``irregular_by_employer_change``, ``irregular_by_overstay``,
``irregular_by_lapse``), and policies act on each road separately (ODD 7.7, items 4b and 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from agents.status import Channel, Legal, Status

from .admissions import pay
from .decisions import home_income

if TYPE_CHECKING:
    from .model import MigrationModel
    from .policy import BoolArray, FloatArray, LeverArrays

from .moves import return_home

__all__ = [
    "PermitEnds",
    "employer_changes",
    "employer_keep_probability",
    "leaving_makes_irregular",
    "market_tightness",
    "overstay_or_return",
    "permits_ending",
    "planned_returns",
    "renewal_failures",
    "stay_limits",
]


def leaving_makes_irregular(lv: LeverArrays) -> FloatArray:
    """[destination] Chance that a regular worker who leaves the employer named on the permit
    becomes irregular: certain if the documents are held (``documents_held_share`` less what
    ``document_retention_ban_enforcement`` removes), else ``permit_employer_tie``. No state, no
    draws.

    Why: a tied permit is void away from its employer; a worker whose passport the employer or
    broker keeps cannot transfer or show a permit at all."""
    held = lv.documents_held_share * (1.0 - lv.document_retention_ban_enforcement)
    return held + (1.0 - held) * lv.permit_employer_tie


def employer_changes(
    model: MigrationModel, regular_employed: np.ndarray, exploitation_exits: np.ndarray
) -> np.ndarray:
    """Step 4, second half. Of the rows ``regular_employed``, those who left the employer named
    on their permit this month become irregular, each time with
    :func:`leaving_makes_irregular` of the destination. A worker leaves an employer when taken
    on by another after a layoff (regular, employed, ``timer`` still counting the grace
    period: :func:`~simulation.markets.hire_unemployed` keeps it), at the end of an exploitation
    case (``exploitation_exits``) and by a job move of their own
    (``voluntary_job_change_per_month``). One uniform for each row whose chance is above 0,
    and none at all while the chance is 0 everywhere (then nothing is read or written).
    Writes ``legal`` (irregular), ``status`` (employed irregular), ``contract_left`` and
    ``timer`` (0) of those who become irregular, ``timer`` (0) of the others taken on after a
    layoff; counts ``overstays`` and ``irregular_by_employer_change``. Returns the rows still
    regular, for :func:`permits_ending`.

    Why: where a permit names the employer, changing employer is a main road into
    irregularity; documents held by employers or brokers close the legal way out."""
    p_irr = leaving_makes_irregular(model.lv)
    if not p_irr.any() or len(regular_employed) == 0:
        return regular_employed
    pop, lv = model.population, model.lv
    p = p_irr[model.c_dest[pop.corridor[regular_employed]]]
    rehired = pop.timer[regular_employed] > 0
    exited = np.zeros(len(pop), bool)
    exited[exploitation_exits] = True
    leaves = rehired.astype(np.int64) + exited[regular_employed]
    p_change = 1.0 - (1.0 - p) ** leaves * (1.0 - lv.voluntary_job_change_per_month * p)
    cand = np.flatnonzero(p_change > 0)
    hit = cand[model.rng.random(len(cand)) < p_change[cand]]
    pop.timer[regular_employed[rehired]] = 0
    gone = regular_employed[hit]
    if len(gone):
        pop.legal[gone] = Legal.IRREGULAR
        pop.status[gone] = Status.EMPLOYED_IRREGULAR
        pop.contract_left[gone] = 0
        c = pop.corridor[gone]
        model.metrics.add("overstays", c, Channel.IRREGULAR)
        model.metrics.add("irregular_by_employer_change", c, Channel.IRREGULAR)
    keep = np.ones(len(regular_employed), bool)
    keep[hit] = False
    return regular_employed[keep]


# ---- 5: contracts and permits ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PermitEnds:
    """Rows whose regular permit ends this month, and why (for :func:`overstay_or_return`)."""

    rows: np.ndarray
    lapse: np.ndarray
    """[row] True where the employer wanted to renew but the renewal failed (fee,
    processing); False where it was not renewed, the stay limit ended it, or the grace
    period ran out."""

    def __len__(self) -> int:
        return len(self.rows)


def permits_ending(
    model: MigrationModel, regular_employed: np.ndarray, regular_jobless: np.ndarray
) -> PermitEnds:
    """Step 5, first half. Reads and writes ``contract_left`` of ``regular_employed`` (one
    month less) and ``timer`` of ``regular_jobless`` (the grace period, one month less). At
    the end of a contract those who planned a fixed stay go home (:func:`planned_returns`, only
    while ``planned_return_share`` is above 0); a contract whose renewal would run past the
    destination's longest stay ends (:func:`stay_limits`, only while some
    ``regular_stay_limit_months`` is above 0); for the others the employer keeps the worker
    with :func:`employer_keep_probability`
    (one uniform per ending contract); a kept worker renews (``contract_left`` back to
    ``contract_months``) unless :func:`renewal_failures` stops it. Returns the permits that
    end: contracts at the stay limit and contracts not renewed, renewals that failed
    (``lapse``), then grace periods over.

    Why: a regular permit lasts as long as the contract, or the grace period after a job is
    lost; keeping it takes an employer who wants the worker, money and time."""
    pop, lv = model.population, model.lv
    pop.contract_left[regular_employed] -= 1
    due = regular_employed[pop.contract_left[regular_employed] <= 0]
    pop.timer[regular_jobless] -= 1
    lapsed = regular_jobless[pop.timer[regular_jobless] <= 0]
    failed = due[:0]
    if len(due) and lv.planned_return_share:
        due = planned_returns(model, due)
    capped = due[:0]
    if len(due) and lv.regular_stay_limit_months.any():
        due, capped = stay_limits(model, due)
    if len(due):
        keep = model.rng.random(len(due)) < employer_keep_probability(model, due)
        kept = due[keep]
        fails = renewal_failures(model, kept)
        failed = kept[fails]
        pop.contract_left[kept[~fails]] = lv.contract_months
        due = due[~keep]
    rows = np.concatenate([capped, due, failed, lapsed])
    lapse = np.zeros(len(rows), bool)
    lapse[len(capped) + len(due) : len(capped) + len(due) + len(failed)] = True
    return PermitEnds(rows, lapse)


def planned_returns(model: MigrationModel, due: np.ndarray) -> np.ndarray:
    """Of the rows ``due`` (a regular contract ends this month) whose last move was on the
    regular channel, ``planned_return_share`` go home as they planned (one uniform for each
    row of ``due``): counted in ``planned_returns`` and sent home by :func:`return_home` (so
    also in ``returns``, regular row). Returns the rest, whose contract goes on to the
    employer's renewal decision.

    Why: many contract workers go for a fixed stay (a sum to save, a family reason, the
    contract sold to them) and go home when it ends rather than renewing or staying on.
    Only those who came on a contract: a worker legalised in a registration window came
    irregularly and registered to stay; no fixed-term contract was sold to them at home
    (Thailand's MOU terms bind MOU arrivals, not registered workers)."""
    home = model.rng.random(len(due)) < model.lv.planned_return_share
    home &= model.population.channel[due] == Channel.REGULAR
    back = due[home]
    if len(back):
        model.metrics.add("planned_returns", model.population.corridor[back], Channel.REGULAR)
        return_home(model, back)
    return due[~home]


def stay_limits(model: MigrationModel, due: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Of the rows ``due`` (a regular contract ends this month), those whose destination has
    a longest stay on permits (``regular_stay_limit_months`` above 0) that their months on
    permits (``stay_months``) plus a new contract (``contract_months``) would run past
    cannot renew: counted in
    ``stay_limit_ends`` (regular). Returns (the rest, for the employer's decision; the
    capped rows, whose permit ends). No draws.

    Why: destinations cap how long a migrant worker may stay on work permits (Thailand's MOU
    employment at four years, Malaysia's foreign workers at ten), which forces turnover
    that a renewal probability alone does not: the worker must go home, or stay on without
    a permit."""
    pop, lv = model.population, model.lv
    limit = lv.regular_stay_limit_months[model.c_dest[pop.corridor[due]]]
    over = (limit > 0) & (pop.stay_months[due].astype(np.int64) + lv.contract_months > limit)
    capped = due[over]
    if len(capped):
        model.metrics.add("stay_limit_ends", pop.corridor[capped], Channel.REGULAR)
    return due[~over], capped


def market_tightness(model: MigrationModel) -> FloatArray:
    """[destination] How tight this month's labour market is: the share of demand left
    unfilled (``vacancy_rate``) less the share of job-seekers who find no job
    (1 - ``job_finding``), from -1 (slack) to 1 (tight). Reads ``model.market``; no draws."""
    return model.market.vacancy_rate - (1.0 - model.market.job_finding)


def employer_keep_probability(model: MigrationModel, due: np.ndarray) -> float | FloatArray:
    """Chance that the employer of each of the rows ``due`` (a contract ends) wants to keep
    the worker: ``contract_renewal_probability``, plus ``renewal_keep_market_slope`` x the
    destination's :func:`market_tightness`, clipped to 0-1 (the bare renewal probability,
    a number, while the slope is 0). No draws.

    Why: an employer renews a worker it needs; in a slack market fewer are kept."""
    lv = model.lv
    if lv.renewal_keep_market_slope == 0:
        return lv.contract_renewal_probability
    tight = market_tightness(model)[model.c_dest[model.population.corridor[due]]]
    return np.clip(lv.contract_renewal_probability + lv.renewal_keep_market_slope * tight, 0, 1)


def renewal_failures(model: MigrationModel, kept: np.ndarray) -> BoolArray:
    """[row of ``kept``] Whose renewal fails although the employer keeps them, in this order:
    the fee (``permit_renewal_fee_usd``) neither covered by ``savings`` nor borrowable (the
    borrowing limit of ``borrowing_limit_months_of_income`` x home income, less ``debt``; no
    draws); then, for those who paid (from ``savings``, the rest borrowed into ``debt``), the
    old permit lapsing while the renewal is processed:
    ``1 - (1 - renewal_lapse_per_processing_month) ^ permit_renewal_processing_months`` (one
    uniform for each who paid, in every destination, whenever some destination's processing
    takes time; the chance is 0 where it takes none). Nothing is read, written or drawn
    while these levers are 0.

    Why: a renewal needs money and time; each can make a worker the employer wanted to keep
    irregular. Documents held by the employer do not stop it: the employer who holds them is
    the one who applies (Malaysia's pass is renewed on the employer's application; Verite
    2014 found 94% of foreign workers' passports held, while Malaysia's documented stock
    held steady, which a renewal blocked by held documents would contradict). Held
    documents act where the worker leaves the employer (:func:`leaving_makes_irregular`)."""
    pop, lv = model.population, model.lv
    fails = np.zeros(len(kept), bool)
    d = model.c_dest[pop.corridor[kept]]
    fee = lv.permit_renewal_fee_usd[d]
    if fee.any():
        room = lv.borrowing_limit_months_of_income * home_income(model, kept, model.month)
        fails |= pop.savings[kept] + np.maximum(room - pop.debt[kept], 0.0) < fee
        pay(model, kept[~fails], fee[~fails])
    months = lv.permit_renewal_processing_months[d]
    if months.any():
        p_lapse = 1.0 - (1.0 - lv.renewal_lapse_per_processing_month) ** months
        paid = np.flatnonzero(~fails)
        fails[paid[model.rng.random(len(paid)) < p_lapse[paid]]] = True
    return fails


def overstay_or_return(model: MigrationModel, ends: PermitEnds) -> None:
    """Step 5, second half. Of the rows of ``ends`` (a permit ends), some overstay with
    ``overstay_probability`` x (1 - the destination's social security portability) (one
    uniform each): ``legal`` irregular, ``status`` employed irregular if employed, else
    unemployed abroad (counted in ``overstays``, and by cause in ``irregular_by_lapse`` where
    a renewal failed, in ``irregular_by_overstay`` otherwise); the others go home
    (:func:`return_home`).

    Why: without a permit a worker either stays on irregularly or goes home; contributions
    that would be lost by staying make going home more attractive."""
    if len(ends) == 0:
        return
    ending = ends.rows
    pop, lv, st = model.population, model.lv, model.population.status
    d = model.c_dest[pop.corridor[ending]]
    p_stay = lv.overstay_probability * (1.0 - lv.social_security_portability[d])
    stay = model.rng.random(len(ending)) < p_stay
    over = ending[stay]
    pop.legal[over] = Legal.IRREGULAR
    st[over] = np.where(
        st[over] == Status.EMPLOYED_REGULAR, Status.EMPLOYED_IRREGULAR, Status.UNEMPLOYED_ABROAD
    )
    c = pop.corridor[over]
    lapse = ends.lapse[stay]
    model.metrics.add("overstays", c, Channel.IRREGULAR)
    model.metrics.add("irregular_by_overstay", c[~lapse], Channel.IRREGULAR)
    model.metrics.add("irregular_by_lapse", c[lapse], Channel.IRREGULAR)
    return_home(model, ending[~stay])
