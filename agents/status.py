"""Worker statuses and legal statuses (small integers stored in numpy columns)."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Channel", "Legal", "Status"]


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


ABROAD = (
    Status.EMPLOYED_REGULAR,
    Status.EMPLOYED_IRREGULAR,
    Status.UNEMPLOYED_ABROAD,
    Status.DETAINED,
)
HOME = (Status.AT_HOME, Status.RETURNED)
