"""Unit specification of the longest stay on work permits (lever
``regular_stay_limit_months``; ``simulation.permits.stay_limits``, ODD 7.7 item 5) and of the
stay's month count (``stay_months``), on a handful of hand-built workers in Myanmar ->
Thailand, and the direction of its effect over seeded replicates of whole runs."""

from __future__ import annotations

import numpy as np
from effects_helpers import compare, replicates, total
from rule_workers import MMR_THA, CountingUniforms, flow_count, set_levers, small_model

from agents.status import Channel, Legal, Status
from simulation import abroad, permits

MYS = 1  # destination index of Malaysia in the baseline world
REGULAR = {
    "status": Status.EMPLOYED_REGULAR,
    "legal": Legal.REGULAR,
    "corridor": MMR_THA,
    "channel": 0,
    "contract_left": 1,  # the contract ends this month
}
KEEP_ALL = {
    "contract_renewal_probability": 1.0,
    "planned_return_share": 0.0,
    "overstay_probability": 0.0,
    "permit_renewal_fee_usd": 0.0,
    "permit_renewal_processing_months": 0.0,
}


def counted(model, measure: str) -> float:
    return flow_count(model, measure, Channel.REGULAR)


def test_contract_that_would_run_past_the_limit_is_not_renewed():
    """Limit 48 months, contracts of 24: after 24 months a renewal ends at 48 (allowed), after
    25 or 47 it would run past it: those two permits end and, without overstays, they go
    home; the employer would have kept all three."""
    stays = (24, 25, 47)
    model = small_model(
        [{**REGULAR, "stay_months": m} for m in stays],
        regular_stay_limit_months=48,
        contract_months=24,
        **KEEP_ALL,
    )
    ends = permits.permits_ending(model, np.arange(3), np.arange(0))
    assert sorted(ends.rows.tolist()) == [1, 2]
    assert not ends.lapse.any()
    assert counted(model, "stay_limit_ends") == 2 * model.people_per_agent
    assert model.population.contract_left[0] == 24
    permits.overstay_or_return(model, ends)
    assert model.population.status.tolist() == [
        Status.EMPLOYED_REGULAR,
        Status.RETURNED,
        Status.RETURNED,
    ]
    assert model.population.stay_months.tolist() == [24, 0, 0]


def test_no_limit_renews_however_long_the_stay():
    """Limit 0 (the default everywhere): a worker 30 years in Thailand is renewed, nothing
    is counted."""
    model = small_model([{**REGULAR, "stay_months": 360}], regular_stay_limit_months=0, **KEEP_ALL)
    assert len(permits.permits_ending(model, np.arange(1), np.arange(0))) == 0
    assert counted(model, "stay_limit_ends") == 0


def test_a_limit_elsewhere_leaves_thailand_alone():
    """A 48-month limit in Malaysia only: a worker 30 years in Thailand is still renewed."""
    limits = np.zeros(len(small_model([]).lv.regular_stay_limit_months), np.int64)
    limits[MYS] = 48
    model = small_model([{**REGULAR, "stay_months": 360}], **KEEP_ALL)
    set_levers(model, regular_stay_limit_months=limits)
    assert len(permits.permits_ending(model, np.arange(1), np.arange(0))) == 0
    assert counted(model, "stay_limit_ends") == 0


def test_capped_and_failed_renewals_end_side_by_side():
    """One worker at the limit and one whose renewal fee cannot be met: both permits end,
    only the failed renewal is a lapse."""
    model = small_model(
        [{**REGULAR, "stay_months": 47}, {**REGULAR, "stay_months": 0, "savings": 0.0}],
        **{**KEEP_ALL, "permit_renewal_fee_usd": 10_000.0},
        regular_stay_limit_months=48,
        borrowing_limit_months_of_income=0.0,
    )
    ends = permits.permits_ending(model, np.arange(2), np.arange(0))
    assert ends.rows.tolist() == [0, 1]
    assert ends.lapse.tolist() == [False, True]


def test_months_on_permits_are_counted_in_the_destination_and_cleared_at_home():
    """The month's events: a regular worker employed or out of work counts one more month,
    so does one who arrives on a contract this month; an irregular worker, a detained one and
    one who crosses irregularly this month do not; whoever goes home (here: deported) is back
    at 0."""
    detained = {
        "status": Status.DETAINED,
        "legal": Legal.IRREGULAR,
        "corridor": MMR_THA,
        "channel": 1,
        "timer": 2,
    }
    model = small_model(
        [
            {**REGULAR, "contract_left": 10, "stay_months": 5},
            {**REGULAR, "status": Status.UNEMPLOYED_ABROAD, "timer": 3, "stay_months": 7},
            {**detained, "stay_months": 9},
            {**detained, "timer": 1, "stay_months": 11},
            {**detained, "status": Status.EMPLOYED_IRREGULAR, "timer": 0},
            {"status": Status.WAITING, "corridor": MMR_THA, "channel": 0, "timer": 1},
            {"status": Status.IN_TRANSIT, "corridor": MMR_THA, "channel": 1, "timer": 1},
        ],
        **KEEP_ALL,
        return_hazard_per_month=0.0,
        exploitation_base_regular=0.0,
        exploitation_base_irregular=0.0,
        border_control=0.0,
    )
    model.policy.arrest_probability[:] = 0.0
    model.policy.border_closed[:] = False
    model.policy.deployment_ban[:] = False
    abroad.abroad_events(model, 0)
    pop = model.population
    assert pop.status[3] == Status.RETURNED
    assert pop.status[5] == Status.EMPLOYED_REGULAR
    assert pop.legal[6] == Legal.IRREGULAR  # arrived
    assert pop.stay_months.tolist() == [6, 8, 9, 0, 0, 1, 0]


def test_stay_limits_draw_nothing():
    model = small_model([{**REGULAR, "stay_months": 100}], regular_stay_limit_months=48)
    model.rng = CountingUniforms(0.0)
    rest, capped = permits.stay_limits(model, np.arange(1))
    assert rest.tolist() == [] and capped.tolist() == [0]
    assert model.rng.sizes == []


# ---- direction of the effect over seeded replicates ------------------------------------------
N = 6
RUN = {"people_per_agent": 5000, "end": "2014-12"}
LIMITED = {"start": "2011-01", "end": "2014-12"}


def test_a_stay_limit_raises_regular_returns_and_overstays_in_thailand():
    """Thailand's longest stay 0 (none) -> 24 months, with contracts of 12 (the 2010 stock
    counts from January 2010, so its permits end in a pulse in 2011, and later arrivals' two
    years on): over 2011-2014 more regular workers leave Thailand and more become irregular
    by overstaying; nobody outside Thailand is stopped by it."""
    base = {**RUN, "contract_months": 12}
    none = replicates(N, **base)
    capped = replicates(N, **base, regular_stay_limit_months={"all": 0, "THA": 24})

    def in_thailand(measure: str, channel: str):
        return lambda t: total(t, measure, channel=channel, destination="THA", **LIMITED)

    returns = compare(
        "regular returns from Thailand 2011-2014", in_thailand("returns", "regular"), none, capped
    )
    print(returns)
    returns.assert_raises()
    overstays = compare(
        "overstays in Thailand 2011-2014",
        in_thailand("irregular_by_overstay", "irregular"),
        none,
        capped,
    )
    print(overstays)
    overstays.assert_raises()
    for table in capped:
        assert total(table, "stay_limit_ends", channel="regular", **LIMITED) == total(
            table, "stay_limit_ends", channel="regular", destination="THA", **LIMITED
        )
        assert total(table, "stay_limit_ends", channel="regular", destination="THA") > 0
