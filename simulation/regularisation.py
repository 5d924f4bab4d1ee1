"""Regularisation as it runs: take-up, registration, verification within a capacity,
legalisation, a programme's return track, and return-only programmes.

Step 7 of the events abroad (:mod:`simulation.abroad`). Why a module of its own: a
registration window is a programme with its own stages and outputs (registrants, legalised,
programme returns, lapses, pending), which the sources count separately (ODD 7.7, item 7).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.status import ABROAD, Channel, Legal, Status

if TYPE_CHECKING:
    from .model import MigrationModel
    from .policy import BoolArray, FloatArray

from .moves import amnesty_lapse, return_home, to_regular_contract
from .permits import market_tightness

__all__ = [
    "amnesty_registration",
    "amnesty_takeup",
    "amnesty_verification",
    "legalise",
    "programme_returns",
    "return_programme",
    "return_programme_takeup",
    "verification_failures",
    "verification_queue",
    "window_conditions",
]


# ---- 7: amnesty -----------------------------------------------------------------------------
def amnesty_takeup(model: MigrationModel, cand: np.ndarray, d: np.ndarray) -> float | FloatArray:
    """[row of ``cand``, in destinations ``d``] Monthly chance of coming forward in an open
    window: ``amnesty_monthly_takeup`` x exp(``amnesty_takeup_threat_sensitivity`` x the
    threat announced with the window (the policy's ``amnesty_threat``: 1 in
    ``amnesty_high_threat_months``, else ``amnesty_enforcement_threat``) +
    ``amnesty_takeup_information_sensitivity`` x
    ``amnesty_information_coverage`` - ``amnesty_takeup_time_sensitivity`` x
    ``amnesty_verification_months`` - ``amnesty_takeup_fee_sensitivity`` x (registration +
    verification fee) / monthly market wage + ``amnesty_takeup_need_sensitivity`` x
    :func:`market_tightness`, the last for the employed only), at most 1. The bare
    ``amnesty_monthly_takeup``, a number, while every sensitivity is 0. No draws.

    Why: people come forward when the threat of staying out is loud, when they know of the
    window, when it is cheap and quick, and when an employer needs them enough to sponsor
    them; not at a constant rate."""
    lv = model.lv
    s_threat, s_info = (
        lv.amnesty_takeup_threat_sensitivity.any(),  # any destination's
        lv.amnesty_takeup_information_sensitivity,
    )
    s_time, s_fee = lv.amnesty_takeup_time_sensitivity, lv.amnesty_takeup_fee_sensitivity
    s_need = lv.amnesty_takeup_need_sensitivity
    if not (s_threat or s_info or s_time or s_fee or s_need):
        return lv.amnesty_monthly_takeup
    fees = lv.amnesty_fee_usd + lv.amnesty_verification_fee_usd
    per_dest = (
        _threat_and_information(model, model.policy.amnesty_threat)
        - s_time * lv.amnesty_verification_months
        - s_fee * fees / np.maximum(model.policy.market_wage, 1.0)
    )
    x = per_dest[d]
    if s_need:
        employed = model.population.status[cand] == Status.EMPLOYED_IRREGULAR
        x = x + s_need * market_tightness(model)[d] * employed
    return np.minimum(1.0, lv.amnesty_monthly_takeup * np.exp(x))


def return_programme_takeup(model: MigrationModel, d: np.ndarray) -> float | FloatArray:
    """[destinations ``d``] Monthly chance of coming forward in an open return-only programme:
    ``return_programme_monthly_takeup`` x exp(``amnesty_takeup_threat_sensitivity`` x
    ``amnesty_enforcement_threat`` + ``amnesty_takeup_information_sensitivity`` x
    ``amnesty_information_coverage`` - ``amnesty_takeup_fee_sensitivity`` x
    ``return_programme_fee_usd`` / monthly market wage), at most 1. The bare rate, a number,
    while those three sensitivities are 0. No draws.

    Why: the same threat, information and cost move people to leave through a programme as
    to register in one; there is no verification to wait for, and an employer's need keeps a
    worker rather than sends one home, so neither term is read."""
    lv = model.lv
    s_fee = lv.amnesty_takeup_fee_sensitivity
    if not (
        lv.amnesty_takeup_threat_sensitivity.any()
        or lv.amnesty_takeup_information_sensitivity
        or s_fee
    ):
        return lv.return_programme_monthly_takeup
    fee_share = lv.return_programme_fee_usd / np.maximum(model.policy.market_wage, 1.0)
    per_dest = _threat_and_information(model, lv.amnesty_enforcement_threat) - s_fee * fee_share
    return np.minimum(1.0, lv.return_programme_monthly_takeup * np.exp(per_dest[d]))


def _threat_and_information(model: MigrationModel, threat: FloatArray) -> FloatArray:
    """[destination] The take-up exponent's threat and information terms, which act alike on
    a window's registration and on a return-only programme; ``threat`` [destination] is the
    enforcement announced (0-1), weighed by the destination's sensitivity. A return-only
    programme reads ``amnesty_enforcement_threat`` (``amnesty_high_threat_months`` date
    windows, not programmes)."""
    lv = model.lv
    return (
        lv.amnesty_takeup_threat_sensitivity * threat
        + lv.amnesty_takeup_information_sensitivity * lv.amnesty_information_coverage
    )


def amnesty_registration(model: MigrationModel, irregular: np.ndarray) -> None:
    """Step 7, second half. Of the rows ``irregular`` (those who could be arrested in step 6:
    not pending), the ones still irregular and not detained get one uniform each, in every
    destination; those in a destination whose amnesty window is open come forward if it is
    below :func:`amnesty_takeup`. Those below
    that chance x ``amnesty_eligible_share`` (the same uniform) or, where
    ``amnesty_eligibility_per_window`` is on, below that chance and found to meet the open
    window's conditions at its opening (:func:`window_conditions`), from an origin eligible
    there (``amnesty_origin_eligible`` of the corridor; not read while every corridor is) and
    whose ``savings`` cover ``amnesty_fee_usd`` register: ``savings`` less the fee, counted in
    ``amnesty_registrants``; they are legalised at once (:func:`legalise`) where
    ``amnesty_verification_months`` is 0, else pending (``amnesty_wait`` 1). Where the window
    has a return track (``amnesty_return_track``), those who came forward but are not
    eligible or cannot pay go home through it (:func:`programme_returns`).

    Why: a registration window is cheap and broad; legal status may wait for verification;
    a programme with a return track sends home without penalty those it cannot legalise."""
    pop, lv, pol, st = model.population, model.lv, model.policy, model.population.status
    per_window = lv.amnesty_eligibility_per_window.any()
    if per_window:
        window_conditions(model)
    cand = irregular[(st[irregular] != Status.DETAINED) & (pop.legal[irregular] == Legal.IRREGULAR)]
    d = model.c_dest[pop.corridor[cand]]
    fee = lv.amnesty_fee_usd[d]
    p_forward = amnesty_takeup(model, cand, d)
    u = model.rng.random(len(cand))
    eligible = u < p_forward * lv.amnesty_eligible_share[d]
    if per_window:
        opened = pol.amnesty_opened[d]
        meets = (pop.amnesty_window_eligible[cand] == opened) & (opened >= 0)
        eligible = np.where(lv.amnesty_eligibility_per_window[d], (u < p_forward) & meets, eligible)
    ok = pol.amnesty_open[d] & (pop.savings[cand] >= fee) & eligible
    if not lv.amnesty_origin_eligible.all():
        ok &= lv.amnesty_origin_eligible[pop.corridor[cand]]
    if lv.amnesty_return_track.any():
        back = pol.amnesty_open[d] & lv.amnesty_return_track[d] & (u < p_forward) & ~ok
        programme_returns(model, cand[back])
    reg = cand[ok]
    if len(reg) == 0:
        return
    pop.savings[reg] -= fee[ok]
    model.metrics.add("amnesty_registrants", pop.corridor[reg], Channel.IRREGULAR)
    now = lv.amnesty_verification_months[d[ok]] == 0
    legalise(model, reg[now])
    pop.amnesty_wait[reg[~now]] = 1


def window_conditions(model: MigrationModel) -> None:
    """Where a window opens this month in a destination with
    ``amnesty_eligibility_per_window``, draws (one uniform each) which of the people then in
    that destination (any status abroad) meet its conditions: those below
    ``amnesty_eligible_share`` get the opening month in ``amnesty_window_eligible``, the
    others -1 (the column is made, all -1, on the first call). Nothing is drawn in other
    months or destinations, so results without the lever are unchanged.

    Why: a window's conditions (an employer who sponsors, a sector, being in the country
    by a date) hold for a person or not for the whole window; a fresh chance each month
    would let a long window reach nearly everyone."""
    pop, lv, pol = model.population, model.lv, model.policy
    if len(pop.amnesty_window_eligible) != len(pop):
        pop.amnesty_window_eligible = np.full(len(pop), -1, np.int16)
    opening = np.flatnonzero(
        lv.amnesty_eligibility_per_window & pol.amnesty_open & (pol.amnesty_opened == model.month)
    )
    if len(opening) == 0:
        return
    away = np.flatnonzero(np.isin(pop.status, ABROAD) & (pop.corridor >= 0))
    dest = model.c_dest[pop.corridor[away]]
    for d in opening:
        there = away[dest == d]
        u = model.rng.random(len(there))
        pop.amnesty_window_eligible[there] = np.where(
            u < lv.amnesty_eligible_share[d], model.month, -1
        )


def legalise(model: MigrationModel, rows: np.ndarray) -> None:
    """Writes ``legal`` (regular) and ``contract_left`` (a regular contract), ``status``
    (employed irregular becomes employed regular; the unemployed stay unemployed with the grace
    period ``regular_grace_months`` in ``timer``), ``social_security`` (zero) and
    ``amnesty_wait`` (0) of ``rows``. Counts ``registrations`` (regular). No draws.

    Why: a registrant who is legalised gets a work permit like a regular arrival's."""
    if len(rows) == 0:
        return
    pop, lv, st = model.population, model.lv, model.population.status
    to_regular_contract(model, rows)
    st[rows] = np.where(
        st[rows] == Status.EMPLOYED_IRREGULAR, Status.EMPLOYED_REGULAR, Status.UNEMPLOYED_ABROAD
    )
    pop.timer[rows] = np.where(st[rows] == Status.UNEMPLOYED_ABROAD, lv.regular_grace_months, 0)
    pop.social_security[rows] = 0.0
    pop.amnesty_wait[rows] = 0
    model.metrics.add("registrations", pop.corridor[rows], Channel.REGULAR)


def programme_returns(model: MigrationModel, rows: np.ndarray) -> None:
    """Counts ``amnesty_returns`` (irregular) of ``rows`` and sends them home with
    :func:`return_home` (so they are also in ``returns``, irregular row).

    Why: repatriation without penalty is a voluntary return, counted apart so that a
    programme's returns (a window's return track, a return-only programme) can be told from
    other returns."""
    if len(rows):
        model.metrics.add("amnesty_returns", model.population.corridor[rows], Channel.IRREGULAR)
        return_home(model, rows)


def return_programme(model: MigrationModel, irregular: np.ndarray) -> None:
    """Step 7, last part. Of the rows ``irregular``, those still irregular, in a destination
    (employed or unemployed, not detained) and not pending verification, where a return-only
    programme is open (``return_programme_open``), come forward with
    :func:`return_programme_takeup` (one uniform each); those whose ``savings`` cover
    ``return_programme_fee_usd`` pay it and go home through the programme
    (:func:`programme_returns`). Nobody is legalised. Nothing drawn where no programme is
    open.

    Why: a return-only programme (Malaysia's 3+1, Back for Good) lets irregular workers leave
    without prosecution for a fee; it empties the irregular stock without legalising anyone,
    and those who cannot pay stay."""
    pop, pol, st = model.population, model.policy, model.population.status
    s = st[irregular]
    here = (
        (pop.legal[irregular] == Legal.IRREGULAR)
        & (pop.amnesty_wait[irregular] == 0)
        & ((s == Status.EMPLOYED_IRREGULAR) | (s == Status.UNEMPLOYED_ABROAD))
    )
    cand = irregular[here]
    cand = cand[pol.return_programme_open[model.c_dest[pop.corridor[cand]]]]
    if len(cand) == 0:
        return
    d = model.c_dest[pop.corridor[cand]]
    fee = model.lv.return_programme_fee_usd[d]
    go = (model.rng.random(len(cand)) < return_programme_takeup(model, d)) & (
        pop.savings[cand] >= fee
    )
    pop.savings[cand[go]] -= fee[go]
    programme_returns(model, cand[go])


def amnesty_verification(model: MigrationModel, away: np.ndarray) -> None:
    """Step 7, first half. Of the rows ``away``, the registrants pending verification
    (``amnesty_wait`` above 0) whose processing time is over (``amnesty_wait`` at least
    ``amnesty_verification_months``) are verified within the month's capacity
    (:func:`verification_queue`); of those, the ones who fail (:func:`verification_failures`)
    lapse, the others are legalised (:func:`legalise`). Of the ones not verified, those whose
    wait has reached ``amnesty_verification_deadline_months`` lapse (:func:`amnesty_lapse`),
    the others wait a month more (``amnesty_wait`` + 1). Reads ``amnesty_wait``,
    ``corridor``; draws only in :func:`verification_failures`.

    Why: nationality verification, biometrics and employer sponsorship take months and
    administrative capacity; a registrant not verified in time falls back into irregularity."""
    pop, lv = model.population, model.lv
    pending = away[pop.amnesty_wait[away] > 0]
    if len(pending) == 0:
        return
    d = model.c_dest[pop.corridor[pending]]
    wait = pop.amnesty_wait[pending]
    served = verification_queue(model, d, wait, wait >= lv.amnesty_verification_months[d])
    verified = pending[served]
    fails = verification_failures(model, verified)
    legalise(model, verified[~fails])
    late = ~served & (wait >= lv.amnesty_verification_deadline_months[d])
    amnesty_lapse(model, np.concatenate([verified[fails], pending[late]]))
    pop.amnesty_wait[pending[~served & ~late]] += 1


def verification_queue(
    model: MigrationModel, d: np.ndarray, wait: np.ndarray, ready: BoolArray
) -> BoolArray:
    """[row] Which of the ``ready`` registrants (in destinations ``d``, waiting ``wait``
    months) are verified this month: at most ``amnesty_verification_capacity_per_month`` /
    ``people_per_agent`` (rounded down) per destination, those waiting longest first (ties in
    row order). No draws, nothing written.

    Why: a verification programme processes a limited number of people a month; a queue
    forms when more registrants are due."""
    cap = np.floor(model.lv.amnesty_verification_capacity_per_month / model.people_per_agent)
    idx = np.flatnonzero(ready)
    if (np.bincount(d[idx], minlength=len(cap)) <= cap).all():
        return ready
    order = idx[np.lexsort((-wait[idx].astype(np.int64), d[idx]))]
    dd = d[order]
    rank = np.arange(len(order)) - np.searchsorted(dd, dd, side="left")
    served = ready.copy()
    served[order[rank >= cap[dd]]] = False
    return served


def verification_failures(model: MigrationModel, verified: np.ndarray) -> BoolArray:
    """[row of ``verified``] Whose verification fails: the verification fee
    (``amnesty_verification_fee_usd``) not covered by ``savings`` (no draws; those who can pay
    do so from ``savings``), then, of those who paid, a share ``1 - (1 -
    amnesty_verification_failure_share[d]) x (1 - c)``, where ``c`` is the origin's
    ``coup_verification_failure_share`` in a month its coup's risk lasts (the schedule's
    ``coup_on``) and 0 otherwise (one uniform each, drawn only where the destination's share
    is above 0 somewhere or the coup's is above 0 for one of them this month, so a coup
    draws nothing before it starts).

    Why: verification costs money and the origin's officials or the employer may not confirm
    a registrant; after a coup the origin's documents (passports, certificates of identity)
    may not be had in time at all, whatever the destination does."""
    pop, lv = model.population, model.lv
    d = model.c_dest[pop.corridor[verified]]
    fee = lv.amnesty_verification_fee_usd[d]
    fails = pop.savings[verified] < fee
    pop.savings[verified[~fails]] -= fee[~fails]
    paid = np.flatnonzero(~fails)
    p = lv.amnesty_verification_failure_share[d[paid]]
    draw = bool(lv.amnesty_verification_failure_share.any())
    if lv.coup_verification_failure_share.any():
        o = model.c_origin[pop.corridor[verified[paid]]]
        c = lv.coup_verification_failure_share[o] * model.shocks.coup_on[o, model.month]
        if c.any():
            p, draw = 1.0 - (1.0 - p) * (1.0 - c), True
    if draw:
        fails[paid[model.rng.random(len(paid)) < p]] = True
    return fails
