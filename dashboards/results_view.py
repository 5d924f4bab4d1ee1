"""The Results view: pick a batch written by ``corridors batch`` inside the server's results
folder and browse its comparison (building it if it is not there yet).

The view can only reach the batch folders directly inside the results root the server was
started with (``corridors dashboard --results DIR``, see ``results_root``): they are offered
as a list, and a name from the browser is checked against a fresh listing before anything is
read or written. Numbers are shown rounded (``results_tables``); the CSVs keep them exact.
"""

from __future__ import annotations

import base64
import struct
from pathlib import Path

import pandas as pd
import reacton.ipyvuetify as rv
import solara

from corridors.compare import compare_batch
from scenarios.errors import ScenarioError

from .numbers import SCALE_NOTE
from .results_root import OutsideRoot, batch_folder, batch_names, results_root
from .results_tables import readable_headline, readable_stock_change
from .uncertainty import SHIPPED_POINT, WHY_DIFFERENT, WHY_TITLE

__all__ = ["POINT_ESTIMATE_NOTE", "ResultsView"]

POINT_ESTIMATE_NOTE = (
    "A batch runs the calibrated point estimate, one parameter set for every replicate "
    f"({SHIPPED_POINT}), not the posterior draws, so its numbers can differ from the "
    'Compare view\'s with "Parameter uncertainty" on.'
)
FIGURES = {
    "flows_by_scenario": "Arrivals per year by scenario, corridor and channel",
    "stocks_by_scenario": "Migrant stock at the end of each year by scenario, corridor and channel",
}


def _figure(png: Path, alt: str):
    """A comparison figure with its description as alt text, and its PNG download."""
    data = png.read_bytes()
    width, height = struct.unpack(">II", data[16:24])  # the PNG header's IHDR chunk
    rv.Img(
        src="data:image/png;base64," + base64.b64encode(data).decode("ascii"),
        alt=alt,
        contain=True,
        aspect_ratio=width / max(height, 1),
        width="100%",
        max_width=f"{width}px",
    )
    solara.FileDownload(data, png.name, label="PNG", mime_type="image/png")


@solara.component
def BatchReport(folder: Path):
    """One batch: its finished runs, a button to build the comparison, and the comparison."""
    refresh = solara.use_reactive(0)
    message = solara.use_reactive("")
    _ = refresh.value  # read while rendering, so a rebuilt report re-renders the view
    compare_dir = folder / "compare"

    def build():
        try:
            compare_batch(folder)
            message.set("")
        except (ScenarioError, OSError, ValueError) as exc:  # shown, not raised into the page
            message.set(f"could not build the comparison: {exc}")
        refresh.set(refresh.value + 1)

    runs = len(list((folder / "runs").glob("*.json")))
    solara.Markdown(f"**{folder.name}**: {runs} finished runs.")
    has_report = (compare_dir / "report.md").is_file()
    if not has_report:
        solara.Button("Build the comparison report", on_click=build, color="primary")
    if message.value:
        solara.Error(message.value)
    if not has_report:
        return
    if not (compare_dir / "headline.csv").is_file():
        solara.Error("the comparison is incomplete: build it again")
        return
    solara.Markdown("### Headline indicators (mean and 90% interval across replicates)")
    solara.DataFrame(
        readable_headline(pd.read_csv(compare_dir / "headline.csv")), items_per_page=20
    )
    solara.Text(SCALE_NOTE, style={"font-size": "0.8em"})
    solara.FileDownload((compare_dir / "headline.csv").read_bytes(), "headline.csv", label="CSV")
    change = compare_dir / "final_stock_change.csv"
    if change.is_file():
        solara.Markdown(
            "### Change in the final-year stock against the reference "
            "(all corridors of the modelled origins)"
        )
        solara.DataFrame(readable_stock_change(pd.read_csv(change)), items_per_page=20)
        solara.FileDownload(change.read_bytes(), change.name, label="CSV")
    for stem, alt in FIGURES.items():
        png = compare_dir / f"{stem}.png"
        if png.is_file():
            solara.Markdown(f"### {stem.replace('_', ' ').capitalize()}")
            _figure(png, alt)
    summary = compare_dir / "summary.csv"
    if summary.is_file():
        solara.FileDownload(summary.read_bytes(), "summary.csv", label="Full summary (CSV)")


@solara.component
def ResultsView():
    root = solara.use_memo(results_root, dependencies=[])
    listing = solara.use_reactive(0)  # bumps on "Refresh the list"
    chosen = solara.use_reactive(None)
    names = solara.use_memo(lambda: batch_names(root), dependencies=[listing.value])

    with solara.Column():
        solara.Markdown(POINT_ESTIMATE_NOTE)
        with solara.Details(summary=WHY_TITLE):
            solara.Markdown(WHY_DIFFERENT)
        with solara.Row(gap="8px", style={"align-items": "center"}):
            solara.Select("Batch folder", values=names, value=chosen)
            solara.Button(
                "Refresh the list", text=True, on_click=lambda: listing.set(listing.value + 1)
            )
        solara.Text(
            f"Batch folders in {root} (written by 'corridors batch SPEC --out {root}/NAME').",
            style={"font-size": "0.8em"},
        )
        if not names:
            solara.Info(f"There are no batch folders in {root} yet.")
            return
        if chosen.value is None:
            solara.Text("Choose a batch folder.")
            return
        try:
            folder = batch_folder(root, chosen.value)
        except OutsideRoot as exc:
            solara.Error(str(exc))
            return
        BatchReport(folder).key(folder.name)
