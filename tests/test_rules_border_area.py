"""Border-area enforcement on recent crossers (lever ``border_area_arrest_probability``,
parameters ``border_area_months`` and ``border_area_risk_weight``; ODD 7.7 item 6 and 7.4),
and the corridor's own weight on arrest risk (driver ``corridor_arrest_risk_weight``, ODD 7.5):
the rule on a handful of hand-built workers, the perceived risk the decision weighs, and the
direction of its effect over seeded replicates.

Why a rule of its own: Thailand sent some 50,000-70,000 Cambodians a year back through
Poipet in 2015-2016, about ten times what a national arrest probability fitted to the
stocks sends back; reports describe arrests of people "not even a day in Thailand" near
Aranyaprathet and deportees mostly held under a month (ODD 7.7 item 6 quotes them).
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from effects_helpers import compare, replicates, total
from rule_workers import MMR_THA, THA, FixedUniforms, rows, set_levers, small_model

from agents.status import NO_IRREGULAR_ENTRY, Legal, Status
from simulation import abroad, moves
from simulation.decisions import corridor_offer
from simulation.formulas import yearly_arrest_risk, yearly_from_monthly

IRREGULAR = {
    "status": Status.EMPLOYED_IRREGULAR,
    "legal": Legal.IRREGULAR,
    "corridor": MMR_THA,
    "channel": 1,
}
MONTH = 20


def border_area_model(entries: list[int], probability: float, month: int = MONTH, **levers):
    """Irregular MMR-THA workers who got in at ``entries`` (month indices, negative before
    the run; ``NO_IRREGULAR_ENTRY``: settled or regular entry), at ``month``, Thailand's own
    rate 0.1, draws at 0.3."""
    model = small_model(
        [{**IRREGULAR, "irregular_entry_month": e} for e in entries],
        border_area_arrest_probability=probability,
        detention_months=2,
        **levers,
    )
    model.month = month
    model.policy.arrest_probability[THA] = 0.1
    model.rng = FixedUniforms(0.3)  # 0.3 >= 0.1 (own rate); 0.3 < 0.1 + 0.9 x 0.5
    return model


def test_recent_crossers_are_arrested_more_and_settled_workers_at_the_national_rate():
    """Border-area probability 0.5 within 3 months: got in this month, 1 and 2 months ago
    -> 0.55 (arrested at a draw of 0.3); 3 months ago, never irregularly -> 0.1 (not)."""
    entries = [MONTH, MONTH - 1, MONTH - 2, MONTH - 3, NO_IRREGULAR_ENTRY]
    model = border_area_model(entries, 0.5, border_area_months=3)
    abroad.arrests(model, rows(5))
    detained = model.population.status == Status.DETAINED
    assert detained.tolist() == [True, True, True, False, False]


def test_without_border_area_enforcement_recent_crossers_face_the_national_rate():
    model = border_area_model([MONTH, MONTH - 1], 0.0, border_area_months=3)
    abroad.arrests(model, rows(2))
    assert (model.population.status == Status.EMPLOYED_IRREGULAR).all()


def test_a_longer_border_area_window_reaches_older_crossers():
    model = border_area_model([MONTH - 3, MONTH - 5, MONTH - 6], 0.5, border_area_months=6)
    abroad.arrests(model, rows(3))
    assert (model.population.status == Status.DETAINED).tolist() == [True, True, False]


def test_early_in_a_run_the_window_reaches_entries_before_it_but_not_the_settled_stock():
    """At months 0 and 1 the 3-month window reaches before the run: the settled stock abroad
    at the start and overstayers (no irregular entry) face the national rate only; a
    crosser who got in a month before the run (entry -1, as the revolving door at the start
    leaves them) is recent at months 0 and 1, one who got in 2 months before at month 0
    only."""
    for month, recent_before in ((0, [True, True]), (1, [True, False])):
        model = border_area_model(
            [NO_IRREGULAR_ENTRY, 0, -1, -2], 0.5, month=month, border_area_months=3
        )
        abroad.arrests(model, rows(4))
        detained = (model.population.status == Status.DETAINED).tolist()
        assert detained == [False, True, *recent_before]


def test_another_corridors_border_area_enforcement_does_not_act_here():
    """Border-area probability 1 on every corridor but Myanmar -> Thailand's."""
    model = border_area_model([MONTH], 0.0, border_area_months=3)
    b = np.ones(len(model.world.corridors))
    b[MMR_THA] = 0.0
    set_levers(model, border_area_arrest_probability=b)
    abroad.arrests(model, rows(1))
    assert model.population.status[0] == Status.EMPLOYED_IRREGULAR


def test_an_irregular_arrival_records_its_month_and_going_home_clears_it():
    model = small_model(
        [{**IRREGULAR, "status": Status.IN_TRANSIT, "legal": Legal.NONE, "timer": 1}],
        border_control=0.0,
    )
    model.month = MONTH
    abroad.irregular_arrivals(model, rows(1))
    pop = model.population
    assert pop.legal[0] == Legal.IRREGULAR and pop.irregular_entry_month[0] == MONTH
    moves.go_home(model, rows(1))
    assert pop.irregular_entry_month[0] == NO_IRREGULAR_ENTRY


def test_perceived_yearly_risk_adds_the_border_months_and_is_unchanged_without_them():
    p = np.array([0.0, 0.002, 0.03])
    assert np.array_equal(yearly_arrest_risk(p, np.zeros(3), 3), yearly_from_monthly(p))
    got = yearly_arrest_risk(p, np.full(3, 0.5), 3)
    np.testing.assert_allclose(got, 1 - (1 - p) ** 12 * 0.5**3)
    capped = yearly_arrest_risk(p, np.full(3, 0.5), 12)
    np.testing.assert_allclose(capped, 1 - (1 - p) ** 12 * 0.5**12)
    assert (got > yearly_from_monthly(p)).all()


def test_the_weight_scales_the_chance_of_an_early_arrest():
    """A cost ratio weighs the chance of being caught early: weight 0.3 on a monthly 0.62 over
    3 months is 0.3 x (1 - 0.38**3) of an arrest on top of the national risk, not the 0.46 a
    weighed monthly probability would give; weight 0 leaves the national risk exactly."""
    p = np.array([0.0, 0.002, 0.03])
    early = 1 - 0.38**3
    got = yearly_arrest_risk(p, np.full(3, 0.62), 3, weight=0.3)
    np.testing.assert_allclose(got, 1 - (1 - p) ** 12 * (1 - 0.3 * early))
    assert got[0] == pytest.approx(0.3 * early) and got[0] < 0.3
    assert np.array_equal(yearly_arrest_risk(p, np.full(3, 0.62), 3, 0.0), yearly_from_monthly(p))


# ---- effect over seeded replicates -----------------------------------------------------------
N_BORDER = 6
SCALE = {"people_per_agent": 5000, "end": "2013-12"}
KHM_THA_AFTER = {"origin": "KHM", "destination": "THA", "start": "2011-01", "end": "2013-12"}


BORDER_AREA = {"border_area_arrest_probability": {"KHM-THA": 0.3}}


def arm(**values) -> list:
    return replicates(N_BORDER, **SCALE, **values)


def khm_tha(measure: str, channel: str | None = None):
    return partial(total, measure=measure, channel=channel, **KHM_THA_AFTER)


def test_unweighed_border_area_enforcement_churns_crossers_more_deported_fewer_stay():
    """Cambodia -> Thailand's border-area probability 0 -> 0.3 (3 months) with the risk not
    weighed in the decision (weight 0): more Cambodians deported from Thailand in 2011-2013,
    and a smaller irregular stock there."""
    base, lever = arm(), arm(**BORDER_AREA, border_area_risk_weight=0.0)
    c = compare("deportations KHM-THA 2011-2013", khm_tha("deportations"), base, lever)
    print(c)
    c.assert_raises()
    c = compare("irregular stock KHM-THA 2011-2013", khm_tha("stock", "irregular"), base, lever)
    print(c)
    c.assert_lowers()


def test_weighed_border_area_enforcement_deters_irregular_crossings():
    """The same lever weighed in full (weight 1): fewer irregular departures from Cambodia to
    Thailand in 2011-2013 than without the lever, and than with the risk not weighed."""
    departures = khm_tha("departures", "irregular")
    weighed = arm(**BORDER_AREA, border_area_risk_weight=1.0)
    c = compare("irregular departures KHM-THA 2011-2013", departures, arm(), weighed)
    print(c)
    c.assert_lowers()
    unweighed = arm(**BORDER_AREA, border_area_risk_weight=0.0)
    c = compare("the same, weight 0 -> 1", departures, unweighed, weighed)
    print(c)
    c.assert_lowers()


def test_a_lighter_corridor_weight_on_arrest_risk_lets_more_cross_irregularly():
    """Under weighed border-area enforcement (as above, weight 1), Cambodia -> Thailand's
    ``corridor_arrest_risk_weight`` 1 -> 0.2 (its migrants weigh an arrest at a fifth of
    what others do): more irregular departures from Cambodia to Thailand in 2011-2013."""
    weighed = {**BORDER_AREA, "border_area_risk_weight": 1.0}
    light = {**weighed, "corridor_arrest_risk_weight": {"KHM-THA": 0.2}}
    base, lever = arm(**weighed), arm(**light)
    c = compare(
        "irregular departures KHM-THA 2011-2013", khm_tha("departures", "irregular"), base, lever
    )
    print(c)
    c.assert_raises()


def test_the_decision_weighs_the_weighted_border_area_risk_of_each_corridor():
    """``corridor_offer``'s yearly arrest risk: Myanmar -> Thailand with border-area
    probability 0.5 weighed at 0.4 over 3 months; other corridors at their national rate."""
    model = small_model([IRREGULAR], border_area_months=3, border_area_risk_weight=0.4)
    b = np.zeros(len(model.world.corridors))
    b[MMR_THA] = 0.5
    set_levers(model, border_area_arrest_probability=b)
    model.policy.arrest_probability[:] = 0.01
    risk = corridor_offer(model).arrest_risk
    assert risk[MMR_THA] == pytest.approx(1 - 0.99**12 * (1 - 0.4 * (1 - 0.5**3)))
    others = np.arange(len(b)) != MMR_THA
    np.testing.assert_allclose(risk[others], 1 - 0.99**12)
