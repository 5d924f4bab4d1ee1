"""Unit specifications of the recruiters' monthly sub-steps (``agents/recruiter.py``) on a
hand-built table: one licensed agency and one broker."""

from __future__ import annotations

import numpy as np
import pytest
from rule_workers import uniforms

from agents.recruiter import RecruiterTable


def table(**columns) -> RecruiterTable:
    """An agency (row 0) and a broker (row 1), both active, fee 100 = starting fee, capacity
    10, no malpractice, no applications."""
    base: dict[str, np.ndarray] = {
        "corridor": np.zeros(2, np.int16),
        "channel": np.array([0, 1], np.int8),
        "base_fee": np.array([100.0, 100.0]),
        "fee": np.array([100.0, 100.0]),
        "capacity": np.array([10.0, 10.0]),
        "malpractice": np.zeros(2),
        "active": np.ones(2, bool),
        "reentry_timer": np.zeros(2, np.int16),
        "applications": np.zeros(2),
        "placed": np.zeros(2),
        "complaints": np.zeros(2),
        "excluded_total": np.zeros(2, np.int32),
        "destination_full": np.zeros(2, bool),
    }
    base.update({k: np.asarray(v, dtype=base[k].dtype) for k, v in columns.items()})
    return RecruiterTable(**base)


def test_fees_rise_with_excess_demand_and_fall_with_unused_places():
    t = table(applications=[15.0, 0.0])
    t.adjust_fees(0.1)
    # pressure 1.5 -> +0.1 x 0.5; pressure 0 -> -0.1 x 0.5 (clipped at -0.5)
    assert t.fee.tolist() == pytest.approx([105.0, 95.0])


def test_fees_stay_within_half_and_three_times_the_starting_fee():
    t = table(applications=[1000.0, 0.0], fee=[290.0, 52.0])
    t.adjust_fees(1.0)
    assert t.fee.tolist() == pytest.approx([300.0, 50.0])


def test_agencies_grow_with_excess_applications_and_brokers_do_not():
    # agency: applications 1.5 x capacity -> + growth x 0.5; the broker, as busy, keeps its 10
    t = table(applications=[15.0, 15.0])
    t.grow_capacity(np.array([0.2, 0.2]))
    assert t.capacity.tolist() == pytest.approx([11.0, 10.0])


def test_agency_growth_is_at_most_the_rate_and_never_a_shrink():
    # three times the capacity: the excess is clipped at 1 (+ the whole rate)
    busy = table(applications=[30.0, 0.0])
    busy.grow_capacity(np.array([0.2, 0.2]))
    assert busy.capacity[0] == pytest.approx(12.0)
    # fewer applications than capacity, none, or a rate of 0: capacity as it was
    for applications, rate in ((5.0, 0.2), (0.0, 0.2), (30.0, 0.0)):
        t = table(applications=[applications, 0.0])
        t.grow_capacity(np.array([rate, rate]))
        assert t.capacity.tolist() == [10.0, 10.0], (applications, rate)


def test_agencies_do_not_grow_when_their_destination_ran_out_of_places():
    # as busy as in the first test, but the destination's quota or job orders bound
    t = table(applications=[15.0, 15.0], destination_full=[True, False])
    t.grow_capacity(np.array([0.2, 0.2]))
    assert t.capacity.tolist() == [10.0, 10.0]


def test_monthly_update_grows_capacity_only_when_a_growth_is_given():
    kwargs = {
        "inspection_rate": np.zeros(2),
        "anti_trafficking": np.zeros(2),
        "fee_adjustment_rate": 0.0,
        "recruiter_reentry_months": 6,
        "agency_malpractice_mean": 0.0,
        "broker_malpractice_mean": 0.0,
    }
    without = table(applications=[20.0, 0.0])
    without.monthly_update(**kwargs, rng=np.random.default_rng(0))
    grown = table(applications=[20.0, 0.0])
    grown.monthly_update(**kwargs, rng=np.random.default_rng(0), capacity_growth=np.full(2, 0.1))
    assert without.capacity[0] == 10.0
    assert grown.capacity[0] == pytest.approx(11.0)
    assert grown.applications.tolist() == [0.0, 0.0]  # read before the counters reset
    full = table(applications=[20.0, 0.0], destination_full=[True, False])
    full.monthly_update(**kwargs, rng=np.random.default_rng(0), capacity_growth=np.full(2, 0.1))
    assert full.capacity[0] == 10.0 and not full.destination_full.any()  # read, then reset


def test_inspected_agency_with_malpractice_is_blacklisted_and_broker_caught():
    t = table(malpractice=[1.0, 1.0])
    agency, broker = t.exclude_caught(np.ones(2), np.ones(2), 6, uniforms(0.5))
    assert agency.tolist() == [True, False]
    assert broker.tolist() == [False, True]
    assert t.active.tolist() == [False, False]
    assert t.reentry_timer.tolist() == [6, 6]
    assert t.excluded_total.tolist() == [1, 1]


def test_compliant_agency_passes_inspection_and_no_enforcement_catches_nobody():
    t = table(malpractice=[0.0, 1.0])
    agency, broker = t.exclude_caught(np.ones(2), np.zeros(2), 6, uniforms(0.5))
    assert not agency.any() and not broker.any()
    assert t.active.all()


def test_excluded_recruiter_is_replaced_after_the_reentry_time():
    t = table(active=[False, False], reentry_timer=[1, 3], fee=[250.0, 250.0])
    t.replace_excluded(np.zeros(2, bool), 0.2, 0.5, np.random.default_rng(0))
    assert t.active.tolist() == [True, False]
    assert t.fee.tolist() == [100.0, 250.0]  # the new entrant starts at the starting fee
    assert t.reentry_timer.tolist() == [0, 2]


def test_just_caught_do_not_count_down():
    t = table(active=[False, True], reentry_timer=[6, 0])
    t.replace_excluded(np.array([True, False]), 0.2, 0.5, np.random.default_rng(0))
    assert t.reentry_timer.tolist() == [6, 0]


def test_monthly_update_resets_the_month_counters():
    t = table(applications=[5.0, 5.0], placed=[1.0, 1.0], complaints=[2.0, 0.0])
    counts = t.monthly_update(
        inspection_rate=np.zeros(2),
        anti_trafficking=np.zeros(2),
        fee_adjustment_rate=0.1,
        recruiter_reentry_months=6,
        agency_malpractice_mean=0.2,
        broker_malpractice_mean=0.5,
        rng=np.random.default_rng(0),
    )
    assert counts == (0, 0)
    assert (t.applications == 0).all() and (t.placed == 0).all() and (t.complaints == 0).all()


def test_agency_fee_respects_the_cap_unless_malpractice():
    t = table(fee=[300.0, 300.0], malpractice=[0.5, 0.5])
    charged = t.charged_fee(np.array([100.0, 100.0]), np.array([0.0, 0.2]))
    # agency: min(300, 100) + 0.5 x 200; broker: fee x (1 + risk premium)
    assert charged.tolist() == pytest.approx([200.0, 360.0])
