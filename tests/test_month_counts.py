"""The month's stocks counted in one pass (``simulation/month_counts.py``, issue 16) on six
hand-built people, against counts written out by hand."""

from __future__ import annotations

import numpy as np

from agents.status import Legal, Status
from simulation.month_counts import COUNTED, count_month

S, L = Status, Legal
# (status, legal, corridor, channel, female, amnesty months, exploited, debt, origin, programme)
PEOPLE = [
    (S.AT_HOME, L.NONE, -1, -1, True, 0, False, 0.0, 0, 0),  # never left: no stock, no debt
    (S.WAITING, L.NONE, 1, 0, False, 0, False, 300.0, 0, 1),  # regular queue, owes 300
    (S.IN_TRANSIT, L.NONE, 1, 1, True, 0, False, 0.0, 1, 0),  # crossing irregularly
    (S.EMPLOYED_REGULAR, L.REGULAR, 0, 0, True, 0, True, 50.0, 1, 1),  # exploited, programme 1
    (S.EMPLOYED_IRREGULAR, L.IRREGULAR, 0, 1, False, 3, False, 0.0, 0, 0),  # amnesty pending
    (S.RETURNED, L.NONE, 0, 1, False, 0, False, 80.0, 1, 0),  # home, still owes 80
]


def _count():
    cols = list(zip(*PEOPLE, strict=True))
    dtypes = [np.int8, np.int8, np.int16, np.int8, bool, np.int16, bool, float, np.int8, np.int8]
    a = [np.array(c, dtype=t) for c, t in zip(cols, dtypes, strict=True)]
    return count_month(*a, np.array([1, 2], np.int64), 4, 2, len(Status))


def test_counts_follow_the_rules_by_hand():
    counts, debt, people = _count()
    col = {name: j for j, name in enumerate(COUNTED)}
    want = np.zeros_like(counts)
    # cell = 2 corridor + irregular (legal status); waiting and crossing: the move's channel
    want[0, [col["stock"], col["stock_female"], col["employed"], col["exploited_now"]]] = 1
    want[0, len(COUNTED)] = 1  # regular abroad on programme 1
    want[1, [col["stock"], col["stock_male"], col["employed"], col["amnesty_pending"]]] = 1
    want[2, col["waiting"]] = 1
    want[3, col["in_transit"]] = 1
    np.testing.assert_array_equal(counts, want)
    # debt by the last move's cell, for everyone with a corridor (the returnee too)
    np.testing.assert_array_equal(debt, [50.0, 80.0, 300.0, 0.0])
    by_origin = people.reshape(2, len(Status))
    assert by_origin.sum() == len(PEOPLE)
    assert by_origin[0, S.AT_HOME] == 1 and by_origin[1, S.RETURNED] == 1


def test_no_programme_counts_nobody_on_one():
    cols = list(zip(*PEOPLE, strict=True))
    dtypes = [np.int8, np.int8, np.int16, np.int8, bool, np.int16, bool, float, np.int8, np.int8]
    a = [np.array(c, dtype=t) for c, t in zip(cols, dtypes, strict=True)]
    a[-1] = np.zeros(0, np.int8)
    counts, _, _ = count_month(*a, np.array([1, 2], np.int64), 4, 2, len(Status))
    assert (counts[:, len(COUNTED) :] == 0).all()
    np.testing.assert_array_equal(counts[:, : len(COUNTED)], _count()[0][:, : len(COUNTED)])
