"""The colours every figure and chart uses, in one place.

Regular and irregular differ in lightness as well as hue (a dark blue and a light orange from
the Okabe-Ito palette), so they stay apart in greyscale and for the common forms of colour
blindness. Scenarios A and B are drawn in colours that are neither channel's (near-black and
a reddish purple) and in different line styles, so "A vs B" is never read as "regular vs
irregular".
"""

from __future__ import annotations

__all__ = ["CHANNEL_COLOURS", "SCENARIO_COLOURS", "SCENARIO_DASHES", "relative_luminance"]

CHANNEL_COLOURS = {"regular": "#1d4e89", "irregular": "#e69f00"}
SCENARIO_COLOURS = ("#222222", "#cc79a7")  # A, B
SCENARIO_DASHES = ("solid", "dashed")  # A, B (ECharts lineStyle.type; matplotlib linestyle)


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour (0 black to 1 white)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
