"""Monthly calendar of the model: month indices and "YYYY-MM" labels.

The model runs in whole months from January 2010 (index 0). A stock reported for a month is
the stock at the *end* of that month; the initial state is labelled "2009-12" (end of
December 2009 = start of January 2010), so flows of month ``m`` always explain the change of
stocks from month ``m - 1`` to month ``m``.
"""

from __future__ import annotations

import re

__all__ = [
    "FIRST_MONTH",
    "INITIAL_LABEL",
    "LAST_MONTH",
    "month_index",
    "month_label",
    "parse_month",
]

FIRST_MONTH = "2010-01"
LAST_MONTH = "2035-12"
INITIAL_LABEL = "2009-12"
_FIRST_YEAR = 2010
_PATTERN = re.compile(r"([0-9]{4})-([0-9]{2})")  # ASCII digits; fullmatch: no "\n"


def parse_month(text: str) -> tuple[int, int]:
    """Return (year, month) from "YYYY-MM" in ASCII digits; raise ValueError on anything else
    (``\\d`` would accept any Unicode digit and ``$`` a trailing newline)."""
    match = _PATTERN.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not a month written as YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} has month {month}, not 01-12")
    return year, month


def month_index(text: str) -> int:
    """Months since January 2010 (2010-01 -> 0; 2009-12 -> -1)."""
    year, month = parse_month(text)
    return (year - _FIRST_YEAR) * 12 + (month - 1)


def month_label(index: int) -> str:
    """Inverse of :func:`month_index`."""
    year, month0 = divmod(int(index), 12)
    return f"{_FIRST_YEAR + year:04d}-{month0 + 1:02d}"
