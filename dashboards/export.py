"""Downloads: every chart as PNG (the chart's own toolbox, drawn in the browser) and its data
as CSV, and a whole comparison as one ZIP bundle a reader can keep, share and rerun.

The bundle holds both scenarios as TOML files (``corridors run`` and ``corridors batch`` take
them), the headline numbers and the series as CSV with scenarios named, and a JSON note of
how the comparison was run (replicates, seeds, parameter setting, code version), so a reload
or a colleague loses nothing.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pandas as pd
import solara

from simulation.metrics import DISTINGUISHABLE_AT, ROBUST_AT

from .comparison import Comparison
from .replicate_cache import code_version
from .replicates import ROOT_SEED
from .uncertainty import setting_note

__all__ = [
    "ChartWithExport",
    "bundle_name",
    "comparison_bundle",
    "file_stem",
    "stable_callable",
]


def file_stem(text: str) -> str:
    """A name safe in a file name: ``"baseline vs crackdown"`` -> ``"baseline_vs_crackdown"``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "scenario"


@solara.component
def ChartWithExport(option: dict, data: pd.DataFrame, name: str, label: str, height_px: int = 440):
    """An ECharts chart (PNG from its toolbox) with a CSV download of its data under it.
    ``label`` is the chart's accessible name (screen readers read it for the canvas)."""
    with solara.Column(gap="2px", style={"width": "100%"}):
        solara.FigureEcharts(
            option=option,
            responsive=True,
            attributes={
                "role": "img",
                "aria-label": label,
                "style": f"height: {height_px}px; width: 100%;",
            },
        )
        solara.FileDownload(
            stable_callable(lambda: data.to_csv(index=False), id(data)),
            filename=f"{name}.csv",
            label="Chart data (CSV)",
            mime_type="text/csv",
        )


def stable_callable(make: Callable[[], Any], key: object) -> Callable[[], Any]:
    """The same function object on every render while ``key`` is unchanged.

    ``solara.FileDownload`` forgets a click when its data argument changes, and a lambda
    written in a component is a new object on each render: the click's own re-render would
    cancel the download. Hook: call it in the same order on every render."""
    return solara.use_memo(lambda: make, dependencies=[key])


def bundle_name(comparison: Comparison) -> str:
    a, b = comparison.labels
    return f"compare_{file_stem(a)}_vs_{file_stem(b)}.zip"


def comparison_bundle(comparison: Comparison, headline_text: pd.DataFrame | None = None) -> bytes:
    """The ZIP bundle of a comparison (bytes)."""
    a, b = comparison.labels
    inputs = comparison.inputs
    about = {
        "scenario_a": a,
        "scenario_b": b,
        "replicates": inputs.replicates,
        "root_seed": ROOT_SEED,
        "parameters": "posterior draws" if inputs.parameter_uncertainty else "point estimate",
        "parameters_note": setting_note(inputs.parameter_uncertainty),
        "scenario_digests": {a: inputs.digest_a, b: inputs.digest_b},
        "code_version": code_version(),
        "files": {
            f"A_{file_stem(a)}.toml": "scenario A",
            f"B_{file_stem(b)}.toml": "scenario B",
            "headline.csv": "headline indicators: mean, 5th and 95th percentile across "
            f"replicates of {a} and {b}, {b} minus {a}; same_sign_share: share of paired "
            "replicates (same seed and posterior draw) where B - A has the sign of its mean; "
            f"robust: true when that share is at least {ROBUST_AT}; sign_verdict: robust, "
            f"uncertain or not distinguishable from zero (below {DISTINGUISHABLE_AT})",
            "series.csv": "stock and arrivals per month, channel and corridor ('all': every "
            "corridor of the modelled origins; the rest of the world's corridors, when a "
            "scenario has it, are rows of their own), mean and 90% interval across replicates",
        },
    }
    if headline_text is not None:
        about["files"]["headline_readable.csv"] = (
            "the headline table as the dashboard shows it (rounded, with units, intervals in "
            "brackets and the robust verdict in words)"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"A_{file_stem(a)}.toml", comparison.toml_a)
        z.writestr(f"B_{file_stem(b)}.toml", comparison.toml_b)
        z.writestr("headline.csv", labelled_headline(comparison).to_csv(index=False))
        if headline_text is not None:
            z.writestr("headline_readable.csv", headline_text.to_csv(index=False))
        z.writestr("series.csv", comparison.series().to_csv(index=False))
        z.writestr("comparison.json", json.dumps(about, indent=2))
    return buffer.getvalue()


def labelled_headline(comparison: Comparison) -> pd.DataFrame:
    """The headline table with the A/B columns named after the scenarios."""
    a, b = comparison.labels
    renames = {f"A_{s}": f"{a}_{s}" for s in ("mean", "p05", "p95")}
    renames |= {f"B_{s}": f"{b}_{s}" for s in ("mean", "p05", "p95")}
    renames["B_minus_A"] = f"{b}_minus_{a}"
    return comparison.headline.rename(columns=renames)
