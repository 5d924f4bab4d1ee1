"""Numbers as a reader takes them in: three significant figures, thousands, millions and
billions written as k, M and bn, shares in percent and their differences in percentage
points. Exact values stay in the CSV downloads."""

from __future__ import annotations

import math

__all__ = ["SCALE_NOTE", "human", "share", "share_points"]

SCALE_NOTE = "k = thousand, M = million, bn = billion; exact values are in the CSV."
_SCALES = ((1e9, "bn"), (1e6, "M"), (1e3, "k"))


def human(x: float, unit: str = "", signed: bool = False) -> str:
    """``1234567890, "USD"`` -> ``"1.23 bn USD"``; ``468.4`` -> ``"468"``; ``-46812`` ->
    ``"-46.8 k"``. Three significant figures (whole numbers below 1,000)."""
    if not math.isfinite(x):
        return "n/a"
    sign = "-" if x < 0 else ("+" if signed and x > 0 else "")
    size = abs(x)
    text = f"{size:,.0f}"
    for factor, suffix in _SCALES:
        if float(f"{size / factor:.3g}") >= 1:  # rounds to at least 1 of this scale
            scaled = size / factor
            decimals = 2 if scaled < 10 else 1 if scaled < 100 else 0
            text = f"{scaled:,.{decimals}f} {suffix}"
            break
    if text == "0":
        sign = ""
    return f"{sign}{text}" + (f" {unit}" if unit else "")


def share(x: float) -> str:
    """A share as a percentage with one decimal: ``0.3331`` -> ``"33.3%"``."""
    return f"{100 * x:.1f}%" if math.isfinite(x) else "n/a"


def share_points(x: float) -> str:
    """A difference of shares in percentage points, signed: ``-0.128`` -> ``"-12.8 pp"``."""
    if not math.isfinite(x):
        return "n/a"
    points = round(100 * x, 1) + 0.0  # no '-0.0'
    return f"{'+' if points > 0 else ''}{points:.1f} pp"
