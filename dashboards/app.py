"""corridors dashboard (Solara): Compare, Explore, Learn, Results and Search views.

Serve with ``corridors dashboard`` (127.0.0.1 by default). All state is created inside the
page component, so every browser session has its own settings, model and runs.

Layout: the levers sit in a column beside the views on a wide screen; below 900 px the two
stack, and the levers fold behind a "Policy levers" button so a phone opens on the results.
The lever settings are kept in the page address (``?s=...``): a reload or a shared link opens
the same levers.
"""

from __future__ import annotations

from pathlib import Path

import solara
import solara.lab

from scenarios.errors import ScenarioError

from .compare_view import CompareView
from .explore_view import ExploreView
from .learn_view import LearnView
from .levers_panel import LeversPanel
from .page_address import AddressSync, token_from_search
from .results_view import ResultsView
from .search_view import SearchView
from .settings_state import PanelSettings, settings_from_query

__all__ = ["Page"]

STYLE = Path(__file__).with_name("page.css")


def initial_settings(search: str | None) -> tuple[PanelSettings, str]:
    """Settings from the page address, or the defaults and why the address was not used."""
    token = token_from_search(search)
    if not token:
        return PanelSettings(), ""
    try:
        return settings_from_query(token), ""
    except ScenarioError as exc:
        return PanelSettings(), f"the settings in the page address were not used: {exc}"


@solara.component
def Page():
    router = solara.use_router()
    start, problem = solara.use_memo(lambda: initial_settings(router.search), dependencies=[])
    settings = solara.use_reactive(start)
    levers_folded = solara.use_reactive(True)  # only matters on narrow screens (CSS)
    tab = solara.use_reactive(0)
    opened = solara.use_reactive(None)  # a search solution opened as scenario B

    def open_solution(label, scenario):
        count = opened.value[2] + 1 if opened.value else 1
        opened.set((label, scenario, count))
        tab.set(0)  # the Compare tab

    solara.Title("corridors: labour migration in mainland Southeast Asia")
    solara.Style(STYLE)
    AddressSync(settings.value.to_query())
    folded = ["levers-folded"] if levers_folded.value else []
    with solara.Div(classes=["corridors-page"]):
        with solara.Div(classes=["corridors-levers", *folded]):
            solara.Markdown(
                "## corridors\nLabour migration from Cambodia, Laos, Myanmar, "
                "Viet Nam and Indonesia to Thailand, Malaysia and Singapore "
                "(and Japan): regular and irregular."
            )
            solara.Button(
                ("Show" if levers_folded.value else "Hide") + " policy levers",
                icon_name="mdi-tune",
                outlined=True,
                classes=["levers-toggle"],
                on_click=lambda: levers_folded.set(not levers_folded.value),
            )
            with solara.Div(classes=["levers-body"]):
                solara.Markdown("### Policy levers")
                if problem:
                    solara.Warning(problem, dense=True)
                LeversPanel(settings)
        with solara.Div(classes=["corridors-main"]):
            with solara.lab.Tabs(value=tab):
                with solara.lab.Tab("Compare"):
                    CompareView(settings, opened=opened)
                with solara.lab.Tab("Explore"):
                    ExploreView(settings)
                with solara.lab.Tab("Learn"):
                    LearnView()
                with solara.lab.Tab("Results"):
                    ResultsView()
                with solara.lab.Tab("Search"):
                    SearchView(open_solution)
