"""The Results view: open a batch folder written by ``corridors batch`` and browse its
comparison figures and tables (building the comparison if it is not there yet)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import solara

from corridors.compare import compare_batch

__all__ = ["ResultsView"]


@solara.component
def ResultsView():
    folder = solara.use_reactive("")
    refresh = solara.use_reactive(0)
    message = solara.use_reactive("")
    _ = refresh.value  # read while rendering, so a rebuilt report re-renders the view
    path = Path(folder.value).expanduser() if folder.value else None
    is_batch = path is not None and (path / "batch.json").is_file()
    compare_dir = path / "compare" if path is not None else None

    def build():
        try:
            compare_batch(path)
            message.set("")
        except Exception as exc:  # shown to the user, not raised into the page
            message.set(f"could not build the comparison: {exc}")
        refresh.set(refresh.value + 1)

    with solara.Column():
        solara.InputText("Batch results folder (written by 'corridors batch')",
                         value=folder, continuous_update=False)
        if path is None:
            solara.Text("Type the path of a batch folder on this machine.")
            return
        if not is_batch:
            solara.Error(f"{path} is not a batch folder (no batch.json)")
            return
        runs = len(list((path / "runs").glob("*.json")))
        solara.Markdown(f"**{path.name}**: {runs} finished runs.")
        if not (compare_dir / "report.md").is_file():
            solara.Button("Build the comparison report", on_click=build, color="primary")
        if message.value:
            solara.Error(message.value)
        if not (compare_dir / "report.md").is_file():
            return
        if not (compare_dir / "headline.csv").is_file():
            solara.Error("the comparison is incomplete: build it again")
            return
        headline = pd.read_csv(compare_dir / "headline.csv")
        solara.Markdown("### Headline indicators (mean and 90% interval across replicates)")
        solara.DataFrame(headline, items_per_page=20)
        solara.FileDownload((compare_dir / "headline.csv").read_bytes(), "headline.csv",
                            label="CSV")
        change = compare_dir / "final_stock_change.csv"
        if change.is_file():
            solara.Markdown("### Change in the final-year stock against the reference")
            solara.DataFrame(pd.read_csv(change), items_per_page=20)
        for stem in ("flows_by_scenario", "stocks_by_scenario"):
            png = compare_dir / f"{stem}.png"
            if png.is_file():
                solara.Markdown(f"### {stem.replace('_', ' ').capitalize()}")
                solara.Image(png.read_bytes())
                solara.FileDownload(png.read_bytes(), f"{stem}.png", label="PNG",
                                    mime_type="image/png")
        summary = compare_dir / "summary.csv"
        if summary.is_file():
            solara.FileDownload(summary.read_bytes(), "summary.csv", label="Full summary (CSV)")
