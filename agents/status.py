"""Worker statuses and legal statuses (small integers stored in numpy columns)."""

from __future__ import annotations

from enum import IntEnum

import numpy as np

__all__ = ["NO_IRREGULAR_ENTRY", "Channel", "Legal", "Outcome", "Status", "channel_of_legal"]

NO_IRREGULAR_ENTRY = -32768
"""``irregular_entry_month`` of a stay that did not begin with an irregular entry (and of
everyone at home): the smallest int16, because months before the run's first (negative
indices) are entries too, for the recent crossers a run can start with (driver
``initial_forced_returns_per_month``)."""


class Status(IntEnum):
    """Where a person is and what they do. Every person is in exactly one status."""

    AT_HOME = 0  # never migrated (or renewed), in the origin
    WAITING = 1  # signed with a licensed agency, waiting for a regular placement
    IN_TRANSIT = 2  # crossing irregularly with a broker or smuggler
    EMPLOYED_REGULAR = 3
    EMPLOYED_IRREGULAR = 4
    UNEMPLOYED_ABROAD = 5  # in the destination without a job (regular or irregular)
    DETAINED = 6  # arrested in the destination, awaiting deportation
    RETURNED = 7  # back in the origin after migrating (voluntarily or deported)


class Legal(IntEnum):
    """Legal status in the destination."""

    NONE = 0  # not in a destination
    REGULAR = 1
    IRREGULAR = 2


class Channel(IntEnum):
    """Channel of a move (also the column of per-channel outputs)."""

    REGULAR = 0
    IRREGULAR = 1


class Outcome(IntEnum):
    """What came of a worker's last migration decision (``ChoiceRecord.outcome``)."""

    NONE = 0  # stayed (or not yet admitted)
    MOVED = 1  # admitted by a recruiter: signed with an agency or started crossing
    TURNED_AWAY = 2  # chose a move but found no place (capacity, quota or job orders)


def channel_of_legal(legal: np.ndarray) -> np.ndarray:
    """The output channel of people by their legal status abroad: regular -> ``Channel.REGULAR``
    (0), irregular -> ``Channel.IRREGULAR`` (1). Only for people in a destination (legal
    status not ``Legal.NONE``)."""
    return legal - (Legal.REGULAR - Channel.REGULAR)


ABROAD = (
    Status.EMPLOYED_REGULAR,
    Status.EMPLOYED_IRREGULAR,
    Status.UNEMPLOYED_ABROAD,
    Status.DETAINED,
)
HOME = (Status.AT_HOME, Status.RETURNED)
