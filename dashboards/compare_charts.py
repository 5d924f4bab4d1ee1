"""ECharts options of the Compare view: lines with 90% bands, one panel per channel.

Built as plain JSON-ready dicts for ``solara.FigureEcharts``: the browser draws them (no
server-side image rendering), the toolbox saves a PNG offline, and a lever change only sends
new data. A band is drawn as ECharts' stacked-area idiom: an invisible lower line at the 5th
percentile and, stacked on it, the 95th-minus-5th percentile as a filled area; both are left
out of the tooltip (which shows the mean) and of the legend. ``stackStrategy: "all"`` keeps
bands that cross zero (differences) stacked correctly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from corridors.palette import CHANNEL_COLOURS, SCENARIO_COLOURS, SCENARIO_DASHES
from simulation.metrics import HEADLINE_ORIGINS

__all__ = [
    "ALL_CORRIDORS",
    "MODELLED_TOTAL",
    "Line",
    "Panel",
    "channel_chart",
    "corridor_names",
    "difference_chart",
    "scenario_chart",
    "shown_apart_note",
]

ALL_CORRIDORS = "All corridors"
MODELLED_TOTAL = "all corridors of the modelled origins"
"""What an all-corridor chart adds up, in its title: the modelled origins, as the headline
numbers do (:func:`dashboards.replicates.summarise`), never the rest of the world."""
CHANNELS = ("regular", "irregular")
BAND_OPACITY = 0.18


@dataclass(frozen=True)
class Line:
    name: str
    mean: np.ndarray
    p05: np.ndarray
    p95: np.ndarray
    colour: str
    dash: str = "solid"


@dataclass(frozen=True)
class Panel:
    title: str
    title_colour: str
    lines: tuple[Line, ...]


def _round(values, scale: float) -> list[float]:
    return [round(float(x) / scale, 3) for x in values]


def _series(line: Line, panel: int, scale: float) -> list[dict]:
    stack = f"band-{panel}-{line.name}"
    common = {
        "type": "line",
        "xAxisIndex": panel,
        "yAxisIndex": panel,
        "symbol": "none",
        "animation": False,
    }
    hidden = {
        "tooltip": {"show": False},
        "silent": True,
        "stack": stack,
        "stackStrategy": "all",
        "lineStyle": {"opacity": 0},
    }
    return [
        {
            **common,
            **hidden,
            "name": f"{line.name} (5th percentile)",
            "data": _round(line.p05, scale),
        },
        {
            **common,
            **hidden,
            "name": f"{line.name} (90% interval)",
            "data": _round(np.asarray(line.p95) - np.asarray(line.p05), scale),
            "areaStyle": {"color": line.colour, "opacity": BAND_OPACITY},
        },
        {
            **common,
            "name": line.name,
            "data": _round(line.mean, scale),
            "lineStyle": {"color": line.colour, "type": line.dash, "width": 2},
            "itemStyle": {"color": line.colour},
        },
    ]


def panels_chart(
    panels: list[Panel],
    months: list[str],
    title: str,
    unit: str,
    scale: float = 1e3,
    zero_line: bool = False,
) -> dict:
    """Panels stacked vertically, sharing the month axis; values divided by ``scale``. Each
    panel's title names its unit; value axes start at zero (levels are not exaggerated)."""
    n = len(panels)
    top0, bottom = 17.0, 8.0  # percent of the chart's height: title and legend, axis labels
    gap = 9.0
    height = (100 - top0 - bottom - gap * (n - 1)) / n
    grids, xs, ys, titles, series = (
        [],
        [],
        [],
        [{"text": title, "left": "center", "textStyle": {"fontSize": 14}}],
        [],
    )
    for i, panel in enumerate(panels):
        top = top0 + i * (height + gap)
        grids.append({"left": 64, "right": 24, "top": f"{top:.1f}%", "height": f"{height:.1f}%"})
        xs.append(
            {
                "type": "category",
                "data": months,
                "gridIndex": i,
                "boundaryGap": False,
                "axisLabel": {"show": i == n - 1, "hideOverlap": True},
            }
        )
        ys.append(
            {
                "type": "value",
                "gridIndex": i,
                "splitNumber": 3,
            }
        )
        titles.append(
            {
                "text": f"{panel.title} ({unit})" if panel.title else unit,
                "left": 64,
                "top": f"{top - 4.5:.1f}%",
                "textStyle": {"fontSize": 13, "color": panel.title_colour},
            }
        )
        for line in panel.lines:
            series.extend(_series(line, i, scale))
        if zero_line:
            series.append(
                {
                    "type": "line",
                    "xAxisIndex": i,
                    "yAxisIndex": i,
                    "data": [],
                    "name": "zero",
                    "silent": True,
                    "tooltip": {"show": False},
                    "markLine": {
                        "symbol": "none",
                        "silent": True,
                        "label": {"show": False},
                        "lineStyle": {"color": "#555", "width": 1},
                        "data": [{"yAxis": 0}],
                    },
                }
            )
    legend = list(dict.fromkeys(line.name for p in panels for line in p.lines))
    return {
        "title": titles,
        "legend": {"data": legend, "top": "7%"},
        "tooltip": {"trigger": "axis"},
        "toolbox": {
            "feature": {"saveAsImage": {"title": "Save as PNG", "pixelRatio": 2}},
            "right": 8,
        },
        "grid": grids,
        "xAxis": xs,
        "yAxis": ys,
        "series": series,
    }


def corridor_names(summary: pd.DataFrame) -> list[str]:
    return sorted(summary["corridor"].unique())


def shown_apart_note(corridors: list[str]) -> str:
    """The caption under the corridor choice when some corridors (``ORIGIN-DEST``) are not in
    the all-corridor total, the rest of the world's: without it a reader could take the
    total for every migrant in the region. Empty when every corridor is in the total."""
    apart = [c for c in corridors if c.split("-")[0] not in HEADLINE_ORIGINS]
    if not apart:
        return ""
    return (
        "**All corridors** adds up the modelled origins only, as the headline numbers do. "
        "The rest of the world (ROW: Bangladesh, Nepal and the other competing origins) is "
        f"shown separately: choose {', '.join(apart)} in the list."
    )


def scenario_chart(
    summaries: tuple[pd.DataFrame, pd.DataFrame],
    labels: tuple[str, str],
    title: str,
    unit: str = "thousand people",
) -> dict:
    """A against B (colours and dashes of the palette), one panel per channel. Each summary
    holds one corridor or the all-corridor total (from per-replicate totals, so its band is
    the total's 90% interval, not a sum of corridor bands)."""
    months = sorted(summaries[0]["month"].unique())
    panels = []
    for channel in CHANNELS:
        lines = []
        for k, (summary, label) in enumerate(zip(summaries, labels, strict=True)):
            s = summary[summary["channel"] == channel].set_index("month").reindex(months)
            lines.append(
                Line(
                    label,
                    s["mean"].to_numpy(),
                    s["p05"].to_numpy(),
                    s["p95"].to_numpy(),
                    SCENARIO_COLOURS[k],
                    SCENARIO_DASHES[k],
                )
            )
        panels.append(Panel(channel.capitalize(), CHANNEL_COLOURS[channel], tuple(lines)))
    return panels_chart(panels, months, title, unit)


def channel_chart(summary: pd.DataFrame, title: str, unit: str = "thousand people") -> dict:
    """Regular and irregular of one scenario in one panel, in the channel colours."""
    months = sorted(summary["month"].unique())
    lines = []
    for channel in CHANNELS:
        s = summary[summary["channel"] == channel].set_index("month").reindex(months)
        lines.append(
            Line(
                channel.capitalize(),
                s["mean"].to_numpy(),
                s["p05"].to_numpy(),
                s["p95"].to_numpy(),
                CHANNEL_COLOURS[channel],
                "solid" if channel == "regular" else "dashed",
            )
        )
    return panels_chart([Panel("", "#000", tuple(lines))], months, title, unit)


def difference_chart(diff: pd.DataFrame, title: str, unit: str = "thousand people") -> dict:
    """B minus A per channel (channel colours) with the 90% band of paired differences."""
    months = sorted(diff["month"].unique())
    panels = []
    for channel in CHANNELS:
        s = diff[diff["channel"] == channel].set_index("month").reindex(months)
        line = Line(
            "B minus A",
            s["mean"].to_numpy(),
            s["p05"].to_numpy(),
            s["p95"].to_numpy(),
            CHANNEL_COLOURS[channel],
        )
        panels.append(Panel(channel.capitalize(), CHANNEL_COLOURS[channel], (line,)))
    return panels_chart(panels, months, title, unit, zero_line=True)
