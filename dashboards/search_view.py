"""The Search view (issue 17, item 3): pick a finished ``corridors search`` inside the server's
results folder, see its Pareto set (table and parallel-coordinates chart) and open any
solution as scenario B of the Compare view.

Like the Results view, it reaches only the folders directly inside the results root
(:mod:`dashboards.results_root`): finished searches are offered by name (a ``search.json``
whose status is ``finished``), a name from the browser is used only once found in a fresh
listing, and a solution is only read when it is a row of that search's ``pareto.csv`` whose
file is inside the folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import solara

from scenarios.errors import ScenarioError
from scenarios.scenario import Scenario, load_scenario

from .export import ChartWithExport
from .results_root import OutsideRoot, results_root

__all__ = [
    "SearchView",
    "open_solution",
    "parallel_option",
    "search_folder",
    "search_names",
    "solution_label",
]

MANIFEST = "search.json"  # as corridors.search_report writes it (not imported: a light view)


def search_names(root: Path) -> list[str]:
    """Names of the finished searches directly inside ``root``, sorted (links left out)."""
    try:
        entries = list(os.scandir(root))
    except OSError:
        return []
    names = []
    for entry in entries:
        if entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
            continue
        manifest = Path(entry.path) / MANIFEST
        if manifest.is_file() and not manifest.is_symlink() and _finished(manifest):
            names.append(entry.name)
    return sorted(names)


def _finished(manifest: Path) -> bool:
    try:
        data = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("status") == "finished"


def search_folder(root: Path, name: str) -> Path:
    """The search folder ``name`` inside ``root``, checked against a fresh listing."""
    if not isinstance(name, str) or name not in search_names(root):
        raise OutsideRoot(f"{name!r} is not one of the finished searches in {root}")
    folder = root / name
    if not folder.resolve().is_relative_to(root.resolve()):
        raise OutsideRoot(f"{name!r} leads outside {root}")
    return folder


def solution_label(search: str, solution: str) -> str:
    """How the Compare view names an opened solution."""
    return f"search {search}: {solution}"


def open_solution(folder: Path, solution: str) -> Scenario:
    """The scenario of one solution of the search in ``folder``: only a solution its
    ``pareto.csv`` lists, read from a file inside the folder (a ScenarioError otherwise)."""
    pareto = pd.read_csv(folder / "pareto.csv")
    if solution not in set(pareto["solution"].astype(str)):
        raise ScenarioError(str(folder / "pareto.csv"), "solution", solution, "a listed solution")
    path = folder / "solutions" / f"{solution}.toml"
    if path.is_symlink() or not path.resolve().is_relative_to(folder.resolve()):
        raise ScenarioError(str(path), "(file)", solution, "a solution file inside the search")
    return load_scenario(path)


def parallel_option(manifest: dict, pareto: pd.DataFrame, title: str) -> dict:
    """An ECharts parallel-coordinates chart of the Pareto set: one axis per lever (its
    searched range) and per objective (the range of the set), one line per solution."""
    axes = [(lv["key"], lv["low"], lv["high"]) for lv in manifest["levers"]]
    for q in manifest["objectives"]:
        col = pareto[q["name"]]
        axes.append((q["name"], float(col.min()), float(col.max())))
    parallel_axis = [
        {
            "dim": i,
            "name": name.replace("_", " ").replace(".", " "),
            "min": _nice(lo),
            "max": _nice(hi) if hi > lo else _nice(lo) + 1,
            "nameTextStyle": {"fontSize": 10},
        }
        for i, (name, lo, hi) in enumerate(axes)
    ]
    data = [
        [float(f"{float(row[name]):.6g}") for name, _, _ in axes] + [str(row["solution"])]
        for _, row in pareto.iterrows()
    ]
    return {
        "title": {"text": title, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "item"},
        "toolbox": {"feature": {"saveAsImage": {"title": "PNG"}}},
        "parallelAxis": parallel_axis,
        "parallel": {"left": 60, "right": 90, "top": 70, "bottom": 40},
        "series": [
            {
                "type": "parallel",
                "name": "Pareto set",
                "lineStyle": {"width": 2, "opacity": 0.7},
                "data": data,
            }
        ],
    }


def _nice(x: float) -> float:
    return float(f"{x:.4g}")


def readable_pareto(manifest: dict, pareto: pd.DataFrame) -> pd.DataFrame:
    """The Pareto set as people read it: solution, levers, objectives, 4 significant
    digits (the CSV download keeps every digit)."""
    columns = ["solution", *(lv["key"] for lv in manifest["levers"])]
    columns += [q["name"] for q in manifest["objectives"]]
    out = pareto[columns].copy()
    for c in columns[1:]:
        out[c] = [f"{float(x):.4g}" for x in out[c]]
    return out


@solara.component
def SearchReport(folder: Path, on_open: Callable[[str, Scenario], None] | None):
    """One finished search: what it searched, its Pareto set, and opening a solution."""
    manifest = solara.use_memo(lambda: json.loads((folder / MANIFEST).read_text()), [folder])
    pareto = solara.use_memo(lambda: pd.read_csv(folder / "pareto.csv"), [folder])
    chosen = solara.use_reactive(None)
    message = solara.use_reactive("")
    objectives = ", ".join(f"{q['label']} ({q['direction']})" for q in manifest["objectives"])
    robust = manifest["robustness"]
    solara.Markdown(
        f"**{manifest['name']}**: {manifest.get('description', '')}\n\n"
        f"Objectives: {objectives}. Each is the {robust['percentile']:g}th percentile, on the "
        f"bad side, of {robust['replicates']} seed(s) x {1 + robust['posterior_draws']} "
        f"parameter point(s). {manifest.get('evaluations', '?')} lever vectors evaluated; "
        f"{len(pareto)} in the Pareto set."
    )
    solara.DataFrame(readable_pareto(manifest, pareto), items_per_page=20)
    solara.FileDownload((folder / "pareto.csv").read_bytes(), "pareto.csv", label="CSV")
    title = f"Pareto set of {manifest['name']}: levers and objectives"
    ChartWithExport(
        parallel_option(manifest, pareto, title),
        pareto,
        f"pareto_{folder.name}",
        title,
        height_px=420,
    )
    names = [str(s) for s in pareto["solution"]]

    def do_open():
        try:
            scenario = open_solution(folder, chosen.value)
        except (ScenarioError, OSError, ValueError) as exc:
            message.set(f"could not open the solution: {exc}")
            return
        message.set("")
        if on_open is not None:
            on_open(solution_label(folder.name, chosen.value), scenario)

    with solara.Row(gap="8px", style={"align-items": "center"}):
        solara.Select("Solution", values=names, value=chosen)
        solara.Button(
            "Open as scenario B in Compare",
            on_click=do_open,
            color="primary",
            disabled=chosen.value is None or on_open is None,
        )
    solara.Text(
        "The Compare view runs it at the page's period and scale, against scenario A.",
        style={"font-size": "0.8em"},
    )
    if message.value:
        solara.Error(message.value)


@solara.component
def SearchView(on_open: Callable[[str, Scenario], None] | None = None):
    root = solara.use_memo(results_root, dependencies=[])
    listing = solara.use_reactive(0)
    chosen = solara.use_reactive(None)
    names = solara.use_memo(lambda: search_names(root), dependencies=[listing.value])
    with solara.Column():
        with solara.Row(gap="8px", style={"align-items": "center"}):
            solara.Select("Search folder", values=names, value=chosen)
            solara.Button(
                "Refresh the list", text=True, on_click=lambda: listing.set(listing.value + 1)
            )
        solara.Text(
            f"Finished searches in {root} (written by 'corridors search SPEC --out {root}/NAME').",
            style={"font-size": "0.8em"},
        )
        if not names:
            solara.Info(f"There are no finished searches in {root} yet.")
            return
        if chosen.value is None:
            solara.Text("Choose a search folder.")
            return
        try:
            folder = search_folder(root, chosen.value)
        except OutsideRoot as exc:
            solara.Error(str(exc))
            return
        SearchReport(folder, on_open).key(folder.name)
