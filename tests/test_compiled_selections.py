"""The abroad step's selections, the markets' head counts and the admissions' ranks in
compiled passes (``simulation/abroad_rows.py``, ``simulation/market_counts.py``,
``simulation/groups.py``, issue 16) against the numpy passes they replaced, written out here,
on 400 random people of every status: the same rows in the same order and the same
probabilities, to the bit."""

from __future__ import annotations

import numpy as np
import pytest

from agents.status import NO_IRREGULAR_ENTRY, Legal, Status, channel_of_legal
from simulation.abroad_rows import abroad_groups_rows, arrest_candidates, return_candidates
from simulation.groups import admit_within_capacity, rank_within_groups
from simulation.market_counts import employment_counts, in_destination_rows

S, L = Status, Legal
N = 400


def _people(seed: int):
    rng = np.random.default_rng(seed)
    status = rng.integers(0, len(Status), N).astype(np.int8)
    legal = rng.integers(0, len(Legal), N).astype(np.int8)
    amnesty_wait = np.where(rng.random(N) < 0.2, 3, 0).astype(np.int16)
    corridor = rng.integers(0, 4, N).astype(np.int16)
    age = rng.integers(18 * 12, 60 * 12, N).astype(np.int16)
    away = np.sort(rng.choice(N, 300, replace=False)).astype(np.int64)
    return status, legal, amnesty_wait, corridor, age, away


@pytest.mark.parametrize("seed", [1, 2])
def test_groups_are_the_masks_rows(seed):
    status, legal, _, _, _, away = _people(seed)
    s, g = status[away], legal[away]
    want = (
        away[(s == S.EMPLOYED_REGULAR) | (s == S.EMPLOYED_IRREGULAR)],
        away[s == S.UNEMPLOYED_ABROAD],
        away[(g != L.NONE) & (s != S.DETAINED)],
        away[s == S.EMPLOYED_REGULAR],
        away[(s == S.UNEMPLOYED_ABROAD) & (g == L.REGULAR)],
        away[s == S.DETAINED],
    )
    got = abroad_groups_rows(away, status, legal)
    for w, r in zip(want, got, strict=True):
        np.testing.assert_array_equal(r, w)
        assert len(w) > 0  # every group is exercised


@pytest.mark.parametrize(("border_area", "settled"), [(False, 37), (True, 37), (True, -2)])
def test_arrest_candidates_and_their_probability(border_area, settled):
    """The loop against the rule in numpy passes: the destination's rate, for a recent
    crosser on a corridor with a border-area probability ``q + (1 - q) b``, the unemployed
    factor on top, capped at 1."""
    status, legal, wait, corridor, _, away = _people(3)
    c_dest = np.array([0, 1, 1, 0])
    prob = np.array([0.02, 0.3])
    b = np.array([0.5, 0.0, 0.2, 0.0]) if border_area else np.zeros(4)
    # entries after ``settled`` are recent (37: month 40 with a 3-month window; -2: month 1,
    # where an entry a month before the run, -1, counts and no irregular entry,
    # NO_IRREGULAR_ENTRY, must not)
    base = np.random.default_rng(9).integers(-1, 41, len(status))
    entry = np.where(base == -1, NO_IRREGULAR_ENTRY, base).astype(np.int16)
    if settled < 0:  # no entry, -1, 0 and 1 only
        entry = np.select([base > 30, base > 20], [NO_IRREGULAR_ENTRY, -1], base % 2).astype(
            np.int16
        )
    s, g = status[away], legal[away]
    rows = away[(g == L.IRREGULAR) & (s != S.DETAINED) & (wait[away] == 0)]
    c = corridor[rows]
    p = prob[c_dest[c]]
    recent = (entry[rows] != NO_IRREGULAR_ENTRY) & (entry[rows] > settled)
    p = np.where(recent & (b[c] > 0), p + (1 - p) * b[c], p)
    p = np.where(status[rows] == S.UNEMPLOYED_ABROAD, np.minimum(1.0, 4.0 * p), p)
    got_rows, got_p = arrest_candidates(
        away, status, legal, wait, corridor, c_dest, prob, 4.0, entry, b, settled
    )
    np.testing.assert_array_equal(got_rows, rows)
    np.testing.assert_array_equal(got_p, p)
    assert (got_p == 1.0).any() and (got_p == 0.02).any()  # the cap and the plain rate
    if settled < 0:  # no irregular entry, and one before the run, on a corridor with b > 0
        assert ((entry[rows] == NO_IRREGULAR_ENTRY) & (b[c] > 0)).any()
        assert ((entry[rows] == -1) & (b[c] > 0)).any()
    if border_area:  # a recent crosser on corridor 0 (rate 0.02, b 0.5) is exercised
        assert (recent & (c == 0)).any() and np.isclose(got_p, 0.02 + 0.98 * 0.5).any()


@pytest.mark.parametrize("registrants_wait", [True, False])
def test_return_candidates_and_their_hazard(registrants_wait):
    status, _, wait, _, age, away = _people(4)
    s = status[away]
    here = away[
        (s == S.EMPLOYED_REGULAR) | (s == S.EMPLOYED_IRREGULAR) | (s == S.UNEMPLOYED_ABROAD)
    ]
    if registrants_wait:
        here = here[wait[here] == 0]
    hazard = np.where(status[here] == S.UNEMPLOYED_ABROAD, 0.05, 0.002)
    hazard = np.where(age[here] >= 600, np.maximum(hazard, 0.1), hazard)
    got_rows, got_h = return_candidates(
        away, status, wait, registrants_wait, age, 0.002, 0.05, 600, 0.1
    )
    np.testing.assert_array_equal(got_rows, here)
    np.testing.assert_array_equal(got_h, hazard)
    assert {0.002, 0.05, 0.1} <= set(got_h.tolist())


def test_market_counts_are_the_numpy_passes():
    """``simulation/market_counts.py`` against the passes of ``LabourMarket.clear`` and
    ``employment_rates`` it replaced."""
    status, legal, _, corridor, _, _ = _people(5)
    c_dest = np.array([0, 1, 2, 1])
    away = np.flatnonzero(legal != L.NONE)
    dest = c_dest[corridor[away]]
    s = status[away]
    is_emp = (s == S.EMPLOYED_REGULAR) | (s == S.EMPLOYED_IRREGULAR)
    got = in_destination_rows(legal, status, corridor, c_dest, 3)
    for w, r in zip(
        (away, dest, away[is_emp], dest[is_emp], np.bincount(dest[is_emp], minlength=3)),
        got,
        strict=True,
    ):
        np.testing.assert_array_equal(r, w)
    cell = dest * 2 + channel_of_legal(legal[away])
    employed, present = employment_counts(away, dest, status, legal, 3)
    np.testing.assert_array_equal(employed, np.bincount(cell[is_emp], minlength=6))
    np.testing.assert_array_equal(present, np.bincount(cell[s != S.DETAINED], minlength=6))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rank_within_groups_is_the_stable_sort_ranks(seed):
    """The admissions' lottery order (``simulation/groups.py``): each element's occurrence
    number within its group, as the sort-based numpy version gave it."""
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, [1, 3, 40][seed - 1], 500).astype(np.int16)
    order = np.argsort(groups, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(groups[order])) + 1]
    lengths = np.diff(np.r_[starts, len(groups)])
    expected = np.empty(len(groups), np.int64)
    expected[order] = np.arange(len(groups)) - np.repeat(starts, lengths)
    assert (rank_within_groups(groups) == expected).all()
    capacity = rng.integers(0, 20, groups.max() + 1)
    assert (admit_within_capacity(groups, capacity) == (expected < capacity[groups])).all()


def test_rank_within_groups_takes_non_negative_integers_only():
    assert rank_within_groups(np.zeros(0, np.int16)).shape == (0,)
    with pytest.raises(ValueError, match="non-negative"):
        rank_within_groups(np.array([0, -1]))
    with pytest.raises(TypeError, match="integers"):
        rank_within_groups(np.array([0.0, 1.5]))
