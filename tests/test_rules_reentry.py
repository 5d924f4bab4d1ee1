"""Unit specification of the revolving door (``simulation.moves.send_back``, ODD 7.7 step 6
and step 2): people deported or stopped at the border go home, and where the destination's
``reentry_after_forced_return`` is above 0 that share of them cross straight back, paying
``reentry_fee_usd``; on a handful of hand-built workers in Myanmar -> Thailand, and the
direction of its effect over seeded replicates of whole runs."""

from __future__ import annotations

import numpy as np
from effects_helpers import compare, replicates, total
from rule_workers import (
    MMR_THA,
    CountingUniforms,
    FixedUniforms,
    flow_count,
    set_levers,
    small_model,
)

from agents.status import Channel, Legal, Status
from simulation import abroad

DETAINED = {
    "status": Status.DETAINED,
    "legal": Legal.IRREGULAR,
    "corridor": MMR_THA,
    "channel": 1,
    "timer": 1,
}
MYS = 1  # destination index of Malaysia in the baseline world
MMR_SGP = 8  # corridor index of Myanmar -> Singapore in the baseline world
CROSSING = {"status": Status.IN_TRANSIT, "corridor": MMR_THA, "channel": 1, "timer": 1}


def counted(model, measure: str) -> float:
    return flow_count(model, measure, Channel.IRREGULAR)


def test_deported_people_cross_straight_back_and_pay_the_fixers():
    """Share 1 (every destination): both deportees are in transit again on the same corridor,
    on the irregular channel, for the half-month crossing (timer 1); the one with 30 USD of
    savings pays them and owes the rest of the 51 USD fee, the one with 100 USD pays from
    savings; neither keeps the agency or the training of the last move."""
    came = {"savings": 30.0, "trips": 1, "recruiter": 4, "trained": True}
    model = small_model(
        [{**DETAINED, **came}, {**DETAINED, "savings": 100.0, "trips": 2}],
        reentry_after_forced_return=1.0,
        reentry_fee_usd=51.0,
    )
    model.rng = FixedUniforms(0.99)
    abroad.deportations(model, np.arange(2))
    pop = model.population
    assert pop.status.tolist() == [Status.IN_TRANSIT] * 2
    assert pop.legal.tolist() == [Legal.NONE] * 2
    assert pop.channel.tolist() == [Channel.IRREGULAR] * 2
    assert pop.corridor.tolist() == [MMR_THA] * 2
    assert model.c_transit[MMR_THA] == 0.5
    assert pop.timer.tolist() == [1, 1]
    assert pop.recruiter.tolist() == [-1, -1]
    assert not pop.trained.any()
    assert pop.savings.tolist() == [0.0, 49.0]
    assert pop.debt.tolist() == [21.0, 0.0]
    assert pop.trips.tolist() == [2, 3]
    ppa = model.people_per_agent
    assert counted(model, "deportations") == 2 * ppa
    assert counted(model, "forced_return_reentries") == 2 * ppa
    assert counted(model, "departures") == 2 * ppa
    assert counted(model, "remigrations") == 2 * ppa


def test_share_decides_who_crosses_back():
    """Share 0.4: a uniform of 0.3 sends the deportee back across, 0.5 leaves them home."""
    for uniform, expected in ((0.3, Status.IN_TRANSIT), (0.5, Status.RETURNED)):
        model = small_model([DETAINED], reentry_after_forced_return=0.4)
        model.rng = FixedUniforms(uniform)
        abroad.deportations(model, np.arange(1))
        assert model.population.status[0] == expected


def test_without_reentry_deportees_go_home_and_nothing_is_drawn():
    """Share 0 everywhere (as in every shipped scenario: only calibration/dynamics_stage5.toml
    sets it): deportees are home, and the rule takes no uniform (no stream shifts)."""
    model = small_model([DETAINED, DETAINED], reentry_after_forced_return=0.0)
    model.rng = CountingUniforms(0.0)
    abroad.deportations(model, np.arange(2))
    assert model.population.status.tolist() == [Status.RETURNED] * 2
    assert model.rng.sizes == []
    assert counted(model, "forced_return_reentries") == 0


def test_share_of_another_destination_or_a_corridor_without_irregular_channel_sends_none():
    """A share of 1 in Malaysia only leaves a deportee from Thailand at home; a share of 1
    everywhere leaves one from Singapore at home (Myanmar -> Singapore has no irregular
    channel in the baseline world)."""
    model = small_model([DETAINED])
    share = np.zeros(len(model.lv.reentry_after_forced_return))
    share[MYS] = 1.0
    set_levers(model, reentry_after_forced_return=share)
    abroad.deportations(model, np.arange(1))
    assert model.population.status[0] == Status.RETURNED
    assert not model.c_has_irregular[MMR_SGP]
    model = small_model([{**DETAINED, "corridor": MMR_SGP}], reentry_after_forced_return=1.0)
    abroad.deportations(model, np.arange(1))
    assert model.population.status[0] == Status.RETURNED
    assert counted(model, "forced_return_reentries") == 0


def quiet_border(model) -> None:
    """No arrests, no return hazard, no closure: only the crossing itself acts."""
    model.policy.arrest_probability[:] = 0.0
    model.policy.border_closed[:] = False
    set_levers(model, return_hazard_per_month=0.0)


def test_deportee_crosses_back_this_month_and_arrives_the_next():
    """The month's events, twice, without touching the timer: deported in month 0 (detention
    over) and in transit at its end; in Thailand (employed or looking for work) at the end of
    month 1, since Myanmar -> Thailand takes half a month."""
    model = small_model(
        [DETAINED], reentry_after_forced_return=1.0, border_control=0.0, detention_months=0
    )
    quiet_border(model)
    assert model.c_transit[MMR_THA] <= 1
    abroad.abroad_events(model, 0)
    assert model.population.status[0] == Status.IN_TRANSIT
    abroad.abroad_events(model, 1)
    assert model.population.status[0] in (Status.EMPLOYED_IRREGULAR, Status.UNEMPLOYED_ABROAD)
    assert model.population.legal[0] == Legal.IRREGULAR


def test_someone_stopped_at_the_border_every_month_is_counted_every_month():
    """Border control certain and share 1: the same person is intercepted in each of three
    months (the counts of people sent back count crossings, not people)."""
    model = small_model(
        [CROSSING],
        border_control=1.0,
        border_interception_max=1.0,
        reentry_after_forced_return=1.0,
    )
    quiet_border(model)
    for month in range(3):
        abroad.abroad_events(model, month)
        assert model.population.status[0] == Status.IN_TRANSIT
        assert counted(model, "border_interceptions") == (month + 1) * model.people_per_agent
    assert model.population.trips[0] == 3


# ---- direction of the effect over seeded replicates ------------------------------------------
N = 6
RUN = {"people_per_agent": 5000, "end": "2013-12"}
AFTER = {"start": "2011-01", "end": "2013-12"}
ENFORCED = {"enforcement_monthly_arrest_probability": {"all": 0.01, "THA": 0.02}}


def test_revolving_door_raises_people_sent_back_and_the_irregular_stock_in_thailand():
    """Re-entry 0 -> 0.8 in Thailand with its arrest probability at 0.02 a month: the
    deportations and interceptions counted in Thailand over 2011-2013 rise (the same people
    are sent back again), and so does its irregular stock at the end of 2013 (deportees
    return to it)."""
    base = replicates(N, **RUN, **ENFORCED)
    door = replicates(N, **RUN, **ENFORCED, reentry_after_forced_return={"THA": 0.8})

    def sent_back(table):
        return sum(
            total(table, m, channel="irregular", destination="THA", **AFTER)
            for m in ("deportations", "border_interceptions")
        )

    c = compare("people sent back from Thailand 2011-2013", sent_back, base, door)
    print(c)
    c.assert_raises()
    stock = compare(
        "irregular stock in Thailand, December 2013",
        lambda t: total(
            t, "stock", channel="irregular", destination="THA", start="2013-12", end="2013-12"
        ),
        base,
        door,
    )
    print(stock)
    stock.assert_raises()
