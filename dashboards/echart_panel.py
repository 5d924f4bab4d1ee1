"""One ECharts chart with its exports: PNG from the chart's toolbox, CSV from a button.

Why this wrapper: every Explore chart needs the same three things, a screen-reader label
(``role="img"`` and ``aria-label``), a fixed height that a phone's narrow column keeps, and
its data as CSV, produced only when the button is pressed (``csv`` is called then, so a chart
redrawn ten times a second never builds a CSV it does not need).
"""

from __future__ import annotations

from collections.abc import Callable

import solara

__all__ = ["ChartPanel"]


@solara.component
def ChartPanel(
    option: dict,
    *,
    name: str,
    aria_label: str,
    height_px: int,
    csv: Callable[[], str] | None = None,
    on_click: Callable | None = None,
    maps: dict | None = None,
):
    """``name`` is the file name of the exports and a CSS class (``chart-<name>``)."""
    with solara.Column(
        gap="0px",
        classes=["explore-chart", f"chart-{name}"],
        style={"min-width": "0", "width": "100%"},
    ):
        solara.FigureEcharts(
            option=option,
            on_click=on_click,
            maps=maps or {},
            attributes={
                "role": "img",
                "aria-label": aria_label,
                "style": f"height: {height_px}px; width: 100%;",
            },
            responsive=True,
        )
        if csv is not None:
            with solara.Row(justify="end", style={"margin-top": "-6px"}):
                solara.FileDownload(csv, filename=f"{name}.csv", label="CSV", mime_type="text/csv")
