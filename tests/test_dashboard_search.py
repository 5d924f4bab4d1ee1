"""The Search view (issue 17, item 3), rendered without a browser: it lists only the finished
searches inside the results root, shows a search's Pareto set as a table and a
parallel-coordinates chart, and opens a solution as scenario B of the Compare view."""

from __future__ import annotations

import json
import os
import shutil

import ipyvuetify as v
import pandas as pd
import pytest
import solara
import tomli_w
from dashboard_widgets import SMALL, page_text, walk
from solara.components.echarts import EchartsWidget

from corridors.search_command import main as search_main
from dashboards.compare_view import CompareView, _scenario
from dashboards.results_root import ENV, OutsideRoot
from dashboards.search_view import SearchView, open_solution, search_folder, search_names
from dashboards.settings_state import PanelSettings

os.environ.setdefault("CORRIDORS_DASHBOARD_WORKERS", "0")
LEVER = "enforcement_monthly_arrest_probability.MYS"


@pytest.fixture(scope="module")
def finished_search(tmp_path_factory):
    folder = tmp_path_factory.mktemp("search")
    spec = folder / "tiny.toml"
    spec.write_text(
        tomli_w.dumps(
            {
                "name": "tiny",
                "budget": 8,
                "population": 4,
                "seed": 1,
                "settings": {"end": "2011-12", "people_per_agent": 20000},
                "levers": {"recruitment_fee_cap_usd": "declared", LEVER: [0.0, 0.05]},
                "objectives": [
                    {"indicator": "irregular_share_final_year"},
                    {"indicator": "deportations"},
                ],
            }
        )
    )
    out = folder / "tiny"
    assert search_main([str(spec), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out


@pytest.fixture
def root(tmp_path, monkeypatch, finished_search):
    """A results root with the finished search 'tiny', a search still running and a folder
    that is no search; a finished search outside the root."""
    root = tmp_path / "results"
    root.mkdir()
    shutil.copytree(finished_search, root / "tiny")
    running = root / "running"
    shutil.copytree(finished_search, running)
    manifest = json.loads((running / "search.json").read_text())
    (running / "search.json").write_text(json.dumps({**manifest, "status": "running"}))
    (root / "not-a-search").mkdir()
    shutil.copytree(finished_search, tmp_path / "outside")
    (root / "link").symlink_to(tmp_path / "outside")
    monkeypatch.setenv(ENV, str(root))
    return root


def test_lists_only_finished_searches_inside_the_root(root):
    assert search_names(root) == ["tiny"]
    for name in ("running", "link", "../outside", str(root.parent / "outside")):
        with pytest.raises(OutsideRoot):
            search_folder(root, name)


def _selects(box):
    return [w for w in walk(box) if isinstance(w, v.Select)]


def test_shows_the_pareto_set_as_table_and_parallel_coordinates(root):
    box, rc = solara.render(SearchView(), handle_error=False)
    try:
        select = _selects(box)[0]
        assert select.items == ["tiny"]
        select.v_model = "tiny"
        pareto = pd.read_csv(root / "tiny" / "pareto.csv")
        text = page_text(box)
        assert f"{len(pareto)} in the Pareto set" in text
        chart = next(w for w in walk(box) if isinstance(w, EchartsWidget))
        option = chart.option
        assert [a["name"] for a in option["parallelAxis"]] == [
            "recruitment fee cap usd",
            "enforcement monthly arrest probability MYS",
            "irregular share final year",
            "deportations",
        ]
        data = option["series"][0]["data"]
        assert len(data) == len(pareto)
        assert [row[-1] for row in data] == pareto["solution"].tolist()
        assert data[0][1] == pytest.approx(pareto[LEVER].iloc[0])
        # the lever axes span the searched ranges
        assert option["parallelAxis"][1]["min"] == 0.0
        assert option["parallelAxis"][1]["max"] == 0.05
        select.v_model = "../outside"  # what a hostile page could send
        assert "not one of the finished searches" in page_text(box)
    finally:
        rc.close()


def test_opens_a_solution_for_the_compare_view(root):
    opened = []
    box, rc = solara.render(
        SearchView(lambda label, scenario: opened.append((label, scenario))), handle_error=False
    )
    try:
        _selects(box)[0].v_model = "tiny"
        pareto = pd.read_csv(root / "tiny" / "pareto.csv")
        last = pareto["solution"].iloc[-1]
        solution_select = _selects(box)[1]
        assert solution_select.items == pareto["solution"].tolist()
        solution_select.v_model = last
        button = next(
            w for w in walk(box) if isinstance(w, v.Btn) and "Open as scenario B" in str(w.children)
        )
        button.click()
        assert len(opened) == 1
        label, scenario = opened[0]
        assert label == f"search tiny: {last}"
        assert scenario["enforcement_monthly_arrest_probability"]["MYS"] == pytest.approx(
            pareto[LEVER].iloc[-1]
        )
    finally:
        rc.close()
    with pytest.raises(ValueError, match="a listed solution"):
        open_solution(root / "tiny", "s99")


def test_compare_view_takes_an_opened_solution_as_scenario_b(root):
    pareto = pd.read_csv(root / "tiny" / "pareto.csv")
    scenario = open_solution(root / "tiny", pareto["solution"].iloc[0])
    label = "search tiny: " + pareto["solution"].iloc[0]
    holder = {}

    @solara.component
    def Wrapper():
        settings = solara.use_reactive(PanelSettings(**SMALL))
        opened = solara.use_reactive(None)
        holder["opened"] = opened
        CompareView(settings, opened=opened)

    box, rc = solara.render(Wrapper(), handle_error=False)
    try:
        b_select = _selects(box)[1]
        assert label not in b_select.items
        holder["opened"].set((label, scenario, 1))
        b_select = _selects(box)[1]
        assert label in b_select.items
        assert b_select.v_model == label
    finally:
        rc.close()
    # run at the page's period and scale, with the solution's levers
    settings = PanelSettings(**SMALL)
    b = _scenario(label, settings, (label, scenario, 1))
    assert b.people_per_agent == settings.people_per_agent
    assert b.to_dict()["settings"]["end"] == settings.end
    assert b["enforcement_monthly_arrest_probability"]["MYS"] == pytest.approx(
        pareto[LEVER].iloc[0]
    )


def test_the_page_opens_a_solution_from_the_search_tab_in_compare(root, monkeypatch):
    from dashboards import compare_view
    from dashboards.app import Page

    # the baseline at a glance (full period, default scale) is not what this test is about
    monkeypatch.setattr(compare_view, "BaselineGlance", lambda *args: None)

    pareto = pd.read_csv(root / "tiny" / "pareto.csv")
    first = pareto["solution"].iloc[0]
    _box, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    try:
        assert [t.children[0] for t in rc.find(v.Tab).widgets][-1] == "Search"
        tabs = rc.find(v.Tabs).widget
        search_select = rc.find(v.Select, label="Search folder").widget
        search_select.v_model = "tiny"
        rc.find(v.Select, label="Solution").widget.v_model = first
        rc.find(v.Btn, children=["Open as scenario B in Compare"]).widget.click()
        assert tabs.v_model == 0  # the Compare tab
        assert rc.find(v.Select, label="Scenario B").widget.v_model == f"search tiny: {first}"
    finally:
        rc.close()
