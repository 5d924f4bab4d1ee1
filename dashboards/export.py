"""Download buttons: every chart as PNG and its data as CSV."""

from __future__ import annotations

import pandas as pd
import solara
from matplotlib.figure import Figure

from .charts import figure_png

__all__ = ["ChartWithExport"]


@solara.component
def ChartWithExport(figure: Figure, data: pd.DataFrame, name: str):
    """Show a matplotlib figure with 'PNG' and 'CSV' download buttons under it."""
    png = solara.use_memo(lambda: figure_png(figure), dependencies=[figure])
    with solara.Column(gap="2px"):
        solara.FigureMatplotlib(figure, format="png", dependencies=[figure])
        with solara.Row(gap="8px"):
            solara.FileDownload(png, filename=f"{name}.png", label="PNG",
                                mime_type="image/png")
            solara.FileDownload(lambda: data.to_csv(index=False), filename=f"{name}.csv",
                                label="CSV", mime_type="text/csv")
