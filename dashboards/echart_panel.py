"""One ECharts chart with its exports: PNG from the chart's toolbox, CSV from a button.

Why this wrapper: every Explore chart needs the same three things, a screen-reader label
(``role="img"`` and ``aria-label``), a fixed height that a phone's narrow column keeps, and
its data as CSV, produced only when the button is pressed (``csv`` is called then, so a chart
redrawn ten times a second never builds a CSV it does not need).

Why the chart widget is kept and updated rather than declared: Solara's renderer copies and
deep-compares every list and dict of an element's arguments on each render, and a chart's
option holds hundreds of data points; ten frames a second of that cost more server time than
the model. The panel makes its ``EchartsWidget`` once and sets the new option on it directly
(one message to the browser, which redraws the chart from the numbers); the widget is closed
when the panel goes away. The option is handed to the panel inside a ``ChartOption``, which
compares by identity: a new frame always brings a new option, and comparing two options
point by point (what Solara does with a plain dict argument) would cost as much again.
"""

from __future__ import annotations

from collections.abc import Callable

import solara
from solara.components.echarts import EchartsWidget

__all__ = ["ChartOption", "ChartPanel"]


class ChartOption:
    """An ECharts option passed by identity (see the module's docstring)."""

    __slots__ = ("value",)

    def __init__(self, value: dict) -> None:
        self.value = value


@solara.component
def ChartPanel(
    option: ChartOption,
    *,
    name: str,
    aria_label: str,
    height_px: int,
    csv: Callable[[], str] | None = None,
    on_click: Callable | None = None,
    maps: dict | None = None,
):
    """``name`` is the file name of the exports and a CSS class (``chart-<name>``);
    ``maps`` (registered with ECharts) are read when the chart is first drawn."""
    attributes = {
        "role": "img",
        "aria-label": aria_label,
        "style": f"height: {height_px}px; width: 100%;",
    }
    chart = solara.use_memo(
        lambda: EchartsWidget(
            option=option.value, maps=maps or {}, attributes=attributes, responsive=True
        ),
        dependencies=[],
    )
    solara.use_effect(lambda: chart.close, dependencies=[])
    with chart.hold_sync():  # the new numbers, in one message
        if chart.option is not option.value:
            chart.option = option.value
        if chart.attributes != attributes:
            chart.attributes = attributes
    chart.on_click = on_click
    with solara.Column(
        gap="0px",
        classes=["explore-chart", f"chart-{name}"],
        style={"min-width": "0", "width": "100%"},
        children=[chart],
    ):
        if csv is not None:
            with solara.Row(justify="end", style={"margin-top": "-6px"}):
                solara.FileDownload(csv, filename=f"{name}.csv", label="CSV", mime_type="text/csv")
