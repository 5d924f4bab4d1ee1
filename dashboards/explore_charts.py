"""ECharts options for the Explore view's charts, and their data as CSV.

Why ECharts options and not images: a month of play changes a few numbers, so the page
sends those numbers and the browser redraws the chart (a matplotlib PNG cost 0.4 s a chart
per month). Options are plain JSON-ready dicts built from numpy arrays; nothing here needs a
browser or Solara, so each option is tested as data.

Every chart: no animation (a frame is drawn at once), a fixed time axis from the run's first
to its last month (the axis does not jump while the run grows), labels that hide when they
would overlap, a toolbox button saving the chart as PNG (drawn in the browser, so it works
offline) and a short text for screen readers (``aria_label``).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence

import numpy as np

from corridors.palette import CHANNEL_COLOURS

from .chart_toolbox import png_toolbox

__all__ = [
    "STAY_COLOUR",
    "aria_label",
    "probability_height_px",
    "probability_option",
    "series_csv",
    "series_option",
]

STAY_COLOUR = "#8c8c8c"
FONT_PX = 12


def _clean(values: np.ndarray, digits: int) -> list[float | None]:
    """JSON-ready numbers: rounded (a smaller message), NaN as a gap."""
    return [None if not math.isfinite(v) else round(float(v), digits) for v in values]


def series_option(
    *,
    title: str,
    months: Sequence[str],
    columns: Mapping[str, np.ndarray],
    unit: str,
    first_month: str,
    last_month: str,
    file_name: str,
    digits: int = 2,
) -> dict:
    """Line chart of one measure by channel over the run so far.

    ``months`` are "YYYY-MM" labels, one per row of each column; ``columns`` maps a series
    name ("regular", "irregular" or another) to its values, already in ``unit`` (stated in
    the title, where it cannot collide with the axis labels); the x axis always spans
    ``first_month`` to ``last_month``."""
    series = []
    for name, values in columns.items():
        colour = CHANNEL_COLOURS.get(name, "#444444")
        series.append(
            {
                "type": "line",
                "name": name,
                "showSymbol": len(months) < 3,  # a single point is invisible without its symbol
                "symbolSize": 5,
                "connectNulls": False,
                "lineStyle": {"color": colour, "width": 2},
                "itemStyle": {"color": colour},
                "data": [
                    [m, v]
                    for m, v in zip(months, _clean(np.asarray(values, float), digits), strict=True)
                ],
            }
        )
    return {
        "animation": False,
        "title": {
            "text": f"{title} ({unit})",
            "left": 4,
            "top": 0,
            "textStyle": {"fontSize": FONT_PX + 1, "fontWeight": "bold"},
        },
        "tooltip": {"trigger": "axis"},
        # not clickable: each frame replaces the whole option, so a hidden series would
        # come back at the next frame
        "legend": {"bottom": 0, "selectedMode": False, "textStyle": {"fontSize": FONT_PX}},
        "toolbox": png_toolbox(file_name),
        "grid": {"left": 8, "right": 18, "top": 34, "bottom": 30, "containLabel": True},
        "xAxis": {
            "type": "time",
            "min": first_month,
            "max": last_month,
            "splitNumber": 5,
            "axisLabel": {"hideOverlap": True, "fontSize": FONT_PX},
        },
        "yAxis": {
            "type": "value",
            "min": 0,
            "splitNumber": 4,
            "axisLabel": {"hideOverlap": True, "fontSize": FONT_PX},
        },
        "series": series,
    }


def series_csv(months: Sequence[str], columns: Mapping[str, np.ndarray], unit: str) -> str:
    """The data of a series chart: one row per month, one column per series, in ``unit``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["month", *(f"{name} ({unit})" for name in columns)])
    arrays = [np.asarray(v, float) for v in columns.values()]
    for i, month in enumerate(months):
        writer.writerow(
            [month, *("" if not math.isfinite(a[i]) else repr(float(a[i])) for a in arrays)]
        )
    return out.getvalue()


def _alternative_colour(name: str) -> str:
    for channel, colour in CHANNEL_COLOURS.items():
        if name.endswith(f" {channel}"):
            return colour
    return STAY_COLOUR


def probability_option(
    probabilities: Mapping[str, float], chosen: str, title: str, file_name: str
) -> dict:
    """Horizontal bars of a decision's choice probabilities, each with its number (percent);
    the chosen alternative is outlined and marked "(chosen)"."""
    names = list(probabilities)
    labels = [f"{n} (chosen)" if n == chosen else n for n in names]
    data = [
        {
            "value": round(100.0 * probabilities[n], 1),
            "itemStyle": {
                "color": _alternative_colour(n),
                "borderColor": "#000000" if n == chosen else "transparent",
                "borderWidth": 2,
            },
        }
        for n in names
    ]
    return {
        "animation": False,
        "title": {
            "text": title,
            "left": 4,
            "top": 0,
            "textStyle": {"fontSize": FONT_PX + 1, "fontWeight": "bold"},
        },
        "toolbox": png_toolbox(file_name),
        "grid": {"left": 8, "right": 48, "top": 36, "bottom": 24, "containLabel": True},
        "xAxis": {
            "type": "value",
            "min": 0,
            "max": 100,
            "name": "%",
            "axisLabel": {"hideOverlap": True, "fontSize": FONT_PX},
        },
        "yAxis": {
            "type": "category",
            "inverse": True,
            "data": labels,
            "axisLabel": {"interval": 0, "fontSize": FONT_PX},
        },
        "series": [
            {
                "type": "bar",
                "name": "probability",
                "data": data,
                "barMaxWidth": 18,
                "label": {
                    "show": True,
                    "position": "right",
                    "formatter": "{c}%",
                    "fontSize": FONT_PX,
                },
            }
        ],
    }


def probability_height_px(n_alternatives: int) -> int:
    """Room for every bar and its label (labels never overlap: one row of 26 px each)."""
    return 70 + 26 * n_alternatives


def aria_label(
    title: str, months: Sequence[str], columns: Mapping[str, np.ndarray], unit: str
) -> str:
    """What a screen reader says about a series chart: its title, span and latest values."""
    if not months:
        return f"Line chart: {title}. No months simulated yet."
    latest = []
    for name, values in columns.items():
        finite = [v for v in np.asarray(values, float) if math.isfinite(v)]
        if finite:
            latest.append(f"{name} {finite[-1]:,.3g} {unit}")
    span = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"
    return f"Line chart: {title}, {span}." + (f" Latest: {'; '.join(latest)}." if latest else "")
