"""Matplotlib figures of the dashboard, each also exportable as PNG with its data as CSV.

Figures are made as ``matplotlib.figure.Figure`` objects, not through pyplot, so nothing is
kept in pyplot's global registry: a figure is freed when the view no longer shows it (a
dashboard makes one per month per session)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from corridors.figures import CHANNEL_COLOURS

__all__ = ["compare_figure", "difference_figure", "figure_png", "network_map",
           "probability_figure", "series_figure"]

# schematic positions (longitude, latitude); Japan drawn off the map's edge
POSITIONS = {"MMR": (96.1, 19.7), "LAO": (102.6, 18.0), "VNM": (105.8, 21.0),
             "KHM": (104.9, 11.6), "THA": (100.5, 13.75), "MYS": (101.7, 3.1),
             "SGP": (103.8, 1.35), "IDN": (106.8, -6.2), "JPN": (116.0, 22.0)}
SCENARIO_COLOURS = ("#1f77b4", "#ff7f0e")


def figure_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def _dates(months) -> pd.DatetimeIndex:
    return pd.to_datetime(pd.Index(months), format="%Y-%m")


def compare_figure(sa: pd.DataFrame, sb: pd.DataFrame, names: tuple[str, str],
                   title: str) -> Figure:
    """Per corridor (rows) and channel (columns): scenario A and B with 90% bands."""
    corridors = sorted(set(sa["corridor"]) | set(sb["corridor"]))
    fig = Figure(figsize=(10, 1.6 * len(corridors) + 0.8))
    axes = fig.subplots(len(corridors), 2, squeeze=False, sharex=True)
    for i, corridor in enumerate(corridors):
        for j, channel in enumerate(("regular", "irregular")):
            ax = axes[i, j]
            for summary, name, colour in zip((sa, sb), names, SCENARIO_COLOURS, strict=True):
                s = summary[(summary["corridor"] == corridor) & (summary["channel"] == channel)]
                if s.empty:
                    continue
                d = _dates(s["month"])
                ax.plot(d, s["mean"] / 1e3, color=colour, label=name, lw=1.2)
                ax.fill_between(d, s["p05"] / 1e3, s["p95"] / 1e3, color=colour, alpha=0.2)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
            if j == 0:
                ax.set_ylabel(f"{corridor}\n(thousand)", fontsize=8)
            if i == 0:
                ax.set_title(channel, fontsize=9, color=CHANNEL_COLOURS[channel])
    axes[0, 1].legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    return fig


def difference_figure(diff: pd.DataFrame, title: str) -> Figure:
    """B minus A per channel with the 90% band of paired replicate differences."""
    fig = Figure(figsize=(8, 3))
    ax = fig.subplots()
    for channel, colour in CHANNEL_COLOURS.items():
        s = diff[diff["channel"] == channel]
        d = _dates(s["month"])
        ax.plot(d, s["mean"] / 1e3, color=colour, label=channel)
        ax.fill_between(d, s["p05"] / 1e3, s["p95"] / 1e3, color=colour, alpha=0.2)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("B - A (thousand people)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def series_figure(table: pd.DataFrame, title: str) -> Figure:
    """Stocks by channel (all corridors) of one run so far."""
    fig = Figure(figsize=(6, 3))
    ax = fig.subplots()
    for channel, colour in CHANNEL_COLOURS.items():
        s = table[table["channel"] == channel]
        if not s.empty:
            ax.plot(_dates(s["month"]), s["value"] / 1e3, color=colour, label=channel)
    ax.set_ylabel("thousand people")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def network_map(flows: pd.DataFrame, stocks: pd.DataFrame, title: str) -> Figure:
    """Countries as nodes; each corridor drawn twice (regular, irregular) with width by the
    month's arrivals and the stock written beside the destination."""
    fig = Figure(figsize=(6, 5.5))
    ax = fig.subplots()
    peak = max(float(flows["value"].max()) if len(flows) else 0.0, 1.0)
    for _, row in flows.iterrows():
        (x0, y0), (x1, y1) = POSITIONS[row["origin"]], POSITIONS[row["destination"]]
        offset = 0.35 if row["channel"] == "regular" else -0.35
        width = 0.5 + 8.0 * row["value"] / peak
        ax.annotate("", xy=(x1 + offset, y1 + offset), xytext=(x0 + offset, y0 + offset),
                    arrowprops={"arrowstyle": "-|>", "lw": width, "alpha": 0.65,
                                "color": CHANNEL_COLOURS[row["channel"]],
                                "shrinkA": 9, "shrinkB": 9})
    countries = set(flows["origin"]) | set(flows["destination"]) | set(stocks.get(
        "destination", []))
    by_dest = stocks.groupby(["destination", "channel"])["value"].sum() if len(stocks) else {}
    for code in countries:
        x, y = POSITIONS[code]
        is_dest = code in {"THA", "MYS", "SGP", "JPN"}
        ax.scatter([x], [y], s=260, color="#444" if is_dest else "#999", zorder=3)
        ax.text(x, y, code, color="white", fontsize=7, ha="center", va="center", zorder=4)
        if is_dest and len(stocks):
            reg = by_dest.get((code, "regular"), 0.0) / 1e3
            irr = by_dest.get((code, "irregular"), 0.0) / 1e3
            ax.text(x - 1.2, y - 1.4, f"reg {reg:,.0f}k\nirr {irr:,.0f}k", fontsize=7)
    ax.set_xlim(92, 120)
    ax.set_ylim(-8, 25)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)
    handles = [Line2D([], [], color=c, lw=3, label=ch) for ch, c in CHANNEL_COLOURS.items()]
    ax.legend(handles=handles, fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def probability_figure(probabilities: dict[str, float], chosen: str, title: str) -> Figure:
    names = list(probabilities)
    values = np.array([probabilities[n] for n in names])
    fig = Figure(figsize=(6, 0.35 * len(names) + 1.2))
    ax = fig.subplots()
    colours = ["#2ca02c" if n == chosen else "#888" for n in names]
    ax.barh(names, values, color=colours)
    ax.set_xlim(0, 1)
    ax.set_xlabel("choice probability")
    ax.set_title(title, fontsize=9)
    ax.invert_yaxis()
    fig.tight_layout()
    return fig
