"""Unit specifications of churn into irregularity (``simulation/abroad.py``, issue 14
mechanism 1): who leaves the employer named on the permit (:func:`employer_changes`), what a
renewal needs (:func:`permits_ending`, :func:`employer_keep_probability`,
:func:`renewal_failures`) and how each move into irregular status is counted by its cause
(:func:`overstay_or_return`, :func:`irregular_arrivals`), on hand-built workers in
Myanmar -> Thailand. With the levers at their defaults each rule draws nothing and changes
nothing (results stay identical to a model without the mechanism)."""

from __future__ import annotations

import numpy as np
import pytest
from rule_workers import MMR_THA, THA, CountingUniforms, FixedUniforms, rows, small_model

from agents.status import Legal, Status
from simulation import abroad, permits
from simulation.metrics import FLOW_MEASURES

EMPLOYED_REGULAR = {
    "status": Status.EMPLOYED_REGULAR,
    "legal": Legal.REGULAR,
    "corridor": MMR_THA,
    "channel": 0,
    "contract_left": 10,
}
REHIRED = {**EMPLOYED_REGULAR, "timer": 1}  # taken on again within the grace period
ENDING = {**EMPLOYED_REGULAR, "contract_left": 1}  # contract ends this month


def flow(model, measure: str) -> float:
    """People counted in a flow so far this month (all corridors and channels)."""
    return float(model.metrics.flows[:, FLOW_MEASURES.index(measure)].sum())


class NoDraws:
    """A stand-in generator that fails the test if a rule draws."""

    def random(self, size):  # pragma: no cover - reaching it is the failure
        raise AssertionError(f"drew {size} uniforms with the mechanism off")


# ---- leaving the employer ------------------------------------------------------------------
def test_leaving_makes_irregular_combines_documents_held_and_the_tie():
    model = small_model(
        [],
        permit_employer_tie=0.5,
        documents_held_share=0.4,
        document_retention_ban_enforcement=0.5,
    )
    # documents held 0.4 x (1 - 0.5) = 0.2: irregular for sure; the other 0.8 with the tie
    assert permits.leaving_makes_irregular(model.lv)[THA] == pytest.approx(0.2 + 0.8 * 0.5)


def test_tied_permit_voids_when_taken_on_elsewhere_after_a_layoff():
    model = small_model([REHIRED, EMPLOYED_REGULAR], permit_employer_tie=1.0)
    still = permits.employer_changes(model, rows(2), rows(0))
    pop = model.population
    assert still.tolist() == [1]
    assert pop.status.tolist() == [Status.EMPLOYED_IRREGULAR, Status.EMPLOYED_REGULAR]
    assert pop.legal.tolist() == [Legal.IRREGULAR, Legal.REGULAR]
    assert pop.contract_left[0] == 0 and pop.timer[0] == 0
    ppa = model.people_per_agent
    assert flow(model, "irregular_by_employer_change") == ppa
    assert flow(model, "overstays") == ppa  # overstays: every regular -> irregular move


def test_documents_held_make_leaving_an_exploitative_job_irregular_without_a_tie():
    model = small_model(
        [EMPLOYED_REGULAR, EMPLOYED_REGULAR], permit_employer_tie=0.0, documents_held_share=1.0
    )
    still = permits.employer_changes(model, rows(2), np.array([1]))  # row 1's case ended
    assert still.tolist() == [0]
    assert model.population.legal.tolist() == [Legal.REGULAR, Legal.IRREGULAR]


def test_a_ban_enforced_in_full_gives_the_documents_back():
    model = small_model([REHIRED], documents_held_share=1.0, document_retention_ban_enforcement=1.0)
    model.rng = NoDraws()
    assert permits.employer_changes(model, rows(1), rows(1)).tolist() == [0]


@pytest.mark.parametrize(("draw", "irregular"), [(0.05, True), (0.15, False)])
def test_voluntary_job_move_under_a_tied_permit(draw, irregular):
    # chance 0.2 (moves) x 0.5 (tie) = 0.1 per month
    model = small_model(
        [EMPLOYED_REGULAR], permit_employer_tie=0.5, voluntary_job_change_per_month=0.2
    )
    model.rng = FixedUniforms(draw)
    permits.employer_changes(model, rows(1), rows(0))
    assert (model.population.legal[0] == Legal.IRREGULAR) == irregular


def test_rehired_worker_who_keeps_the_permit_is_not_counted_again():
    # tie 0.5, draw 0.9: keeps the permit; the grace timer is cleared, so next month the
    # same worker is not "taken on after a layoff" again
    model = small_model([REHIRED], permit_employer_tie=0.5)
    model.rng = FixedUniforms(0.9)
    permits.employer_changes(model, rows(1), rows(0))
    assert model.population.legal[0] == Legal.REGULAR
    assert model.population.timer[0] == 0


def test_employer_changes_off_by_default_draw_and_change_nothing():
    model = small_model([REHIRED, EMPLOYED_REGULAR], voluntary_job_change_per_month=0.1)
    model.rng = NoDraws()
    assert permits.employer_changes(model, rows(2), rows(2)).tolist() == [0, 1]
    assert model.population.timer.tolist() == [1, 0]  # untouched while off


# ---- renewal: employer, money, time (not the documents) -----------------------------------
def test_employer_keeps_fewer_workers_in_a_slack_market():
    model = small_model([ENDING], contract_renewal_probability=0.9, renewal_keep_market_slope=1.0)
    model.market.vacancy_rate[:] = 0.0
    model.market.job_finding[:] = 0.5  # half the job-seekers find nothing: tightness -0.5
    assert permits.market_tightness(model)[THA] == pytest.approx(-0.5)
    assert permits.employer_keep_probability(model, rows(1)) == pytest.approx([0.4])
    model.rng = FixedUniforms(0.5)  # 0.5 >= 0.4: not kept
    ends = permits.permits_ending(model, rows(1), rows(0))
    assert ends.rows.tolist() == [0] and ends.lapse.tolist() == [False]


def test_without_the_slope_the_keep_chance_is_the_renewal_probability():
    model = small_model([ENDING], contract_renewal_probability=0.9)
    assert permits.employer_keep_probability(model, rows(1)) == 0.9


def test_renewal_fee_paid_from_savings_or_borrowed_or_the_permit_lapses():
    model = small_model(
        [
            {**ENDING, "savings": 400.0},  # pays from savings
            {**ENDING, "savings": 100.0},  # pays 100, borrows 200 (room 3 x 100 = 300)
            {**ENDING, "savings": 100.0, "debt": 250.0},  # room 300 - 250 = 50: cannot pay
        ],
        contract_renewal_probability=1.0,
        permit_renewal_fee_usd=300.0,
        borrowing_limit_months_of_income=3.0,
    )
    model.schedules.home_wage[:, 0] = 100.0
    ends = permits.permits_ending(model, rows(3), rows(0))
    pop = model.population
    assert ends.rows.tolist() == [2] and ends.lapse.tolist() == [True]
    assert pop.savings.tolist() == pytest.approx([100.0, 0.0, 100.0])
    assert pop.debt.tolist() == pytest.approx([0.0, 200.0, 250.0])
    assert pop.contract_left[:2].tolist() == [model.lv.contract_months] * 2


def test_documents_held_do_not_block_a_renewal_the_employer_wanted():
    """The employer who holds the documents applies for the renewal: every document held,
    the employer keeps the worker, and the renewal goes through without another draw."""
    model = small_model([ENDING], contract_renewal_probability=1.0, documents_held_share=1.0)
    model.rng = counting = CountingUniforms(0.5)
    ends = permits.permits_ending(model, rows(1), rows(0))
    assert len(ends) == 0
    assert model.population.contract_left[0] == model.lv.contract_months
    assert counting.sizes == [1]  # the employer's keep draw only
    assert permits.renewal_failures(model, rows(1)).tolist() == [False]


@pytest.mark.parametrize(("months", "draw", "lapses"), [(2.0, 0.3, True), (2.0, 0.4, False)])
def test_permit_lapses_while_the_renewal_is_processed(months, draw, lapses):
    # chance 1 - (1 - 0.2)^2 = 0.36 over two months of processing
    model = small_model(
        [ENDING],
        contract_renewal_probability=1.0,
        permit_renewal_processing_months=months,
        renewal_lapse_per_processing_month=0.2,
    )
    model.rng = FixedUniforms(draw)
    ends = permits.permits_ending(model, rows(1), rows(0))
    assert (len(ends) == 1) == lapses


def test_renewal_draws_nothing_with_the_levers_at_zero():
    model = small_model([ENDING, {**ENDING, "contract_left": 5}])
    model.rng = NoDraws()
    pop = model.population
    kept = permits.renewal_failures(model, rows(2))
    assert not kept.any()
    assert pop.savings.tolist() == [0.0, 0.0] and pop.debt.tolist() == [0.0, 0.0]


# ---- causes --------------------------------------------------------------------------------
def test_overstays_are_counted_by_cause():
    model = small_model(
        [ENDING, ENDING],
        overstay_probability=1.0,
        social_security_portability=0.0,
    )
    ends = permits.PermitEnds(rows(2), np.array([False, True]))
    permits.overstay_or_return(model, ends)
    ppa = model.people_per_agent
    assert model.population.legal.tolist() == [Legal.IRREGULAR, Legal.IRREGULAR]
    assert flow(model, "irregular_by_overstay") == ppa
    assert flow(model, "irregular_by_lapse") == ppa
    assert flow(model, "overstays") == 2 * ppa


def test_irregular_entry_is_counted_as_a_cause():
    model = small_model(
        [{"status": Status.IN_TRANSIT, "corridor": MMR_THA, "channel": 1, "timer": 1}],
        border_control=0.0,
    )
    abroad.irregular_arrivals(model, rows(1))
    assert flow(model, "irregular_by_entry") == model.people_per_agent
    assert flow(model, "arrivals") == model.people_per_agent
