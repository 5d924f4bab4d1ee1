"""Figure of regular versus irregular flows and stocks per corridor (matplotlib)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from scenarios.calendar import INITIAL_LABEL

from .palette import CHANNEL_COLOURS

__all__ = ["CHANNEL_COLOURS", "flows_and_stocks_figure"]


def _series(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    t = table[table["measure"] == measure]
    t = t[t["destination"] != ""]
    corridor = t["origin"].astype(str) + "-" + t["destination"].astype(str)
    return t.assign(corridor=corridor, month=t["month"].astype(str)).pivot_table(
        index="month", columns=["corridor", "channel"], values="value", aggfunc="sum", observed=True
    )


def flows_and_stocks_figure(table: pd.DataFrame, title: str = "") -> Figure:
    """One row per corridor: yearly arrivals by channel (left), stock at the end of each month
    by channel (right). Values in thousands of people."""
    stock = _series(table, "stock")
    arrivals = _series(table, "arrivals")
    arrivals = arrivals[arrivals.index != INITIAL_LABEL]
    yearly = arrivals.groupby(arrivals.index.str[:4]).sum()
    corridors = list(dict.fromkeys(column[0] for column in stock.columns))
    fig = Figure(figsize=(11, 1.9 * len(corridors) + 0.8))
    axes = fig.subplots(len(corridors), 2, squeeze=False, sharex="col")
    dates = pd.to_datetime(stock.index, format="%Y-%m")
    years = yearly.index.astype(int)
    for i, corridor in enumerate(corridors):
        ax_flow, ax_stock = axes[i]
        for channel, colour in CHANNEL_COLOURS.items():
            if (corridor, channel) in yearly.columns:
                offset = -0.2 if channel == "regular" else 0.2
                ax_flow.bar(
                    years + offset,
                    yearly[(corridor, channel)] / 1e3,
                    width=0.4,
                    color=colour,
                    label=channel,
                )
            if (corridor, channel) in stock.columns:
                ax_stock.plot(dates, stock[(corridor, channel)] / 1e3, color=colour, label=channel)
        ax_flow.set_ylabel(f"{corridor}\n(thousand)", fontsize=8)
        for ax in (ax_flow, ax_stock):
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
    axes[0, 0].set_title("Arrivals per year", fontsize=9)
    axes[0, 1].set_title("Stock at end of month", fontsize=9)
    axes[0, 1].legend(fontsize=7, loc="upper left")
    fig.suptitle(title or "Regular and irregular migration per corridor", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    return fig
