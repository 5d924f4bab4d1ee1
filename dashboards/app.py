"""corridors dashboard (Solara): Compare, Explore, Learn and Results views.

Serve with ``corridors dashboard`` (127.0.0.1 by default). All state is created inside the
page component, so every browser session has its own settings, model and runs.
"""

from __future__ import annotations

import solara
import solara.lab

from .compare_view import CompareView
from .explore_view import ExploreView
from .learn_view import LearnView
from .levers_panel import LeversPanel
from .results_view import ResultsView
from .settings_state import PanelSettings

__all__ = ["Page"]


@solara.component
def Page():
    settings = solara.use_reactive(PanelSettings())
    solara.Title("corridors: labour migration in mainland Southeast Asia")
    with solara.Columns([1, 3], style={"align-items": "flex-start"}):
        with solara.Column(style={"max-height": "95vh", "overflow-y": "auto",
                                  "padding-right": "8px"}):
            solara.Markdown("## corridors\nLabour migration from Cambodia, Laos, Myanmar, "
                            "Viet Nam and Indonesia to Thailand, Malaysia and Singapore "
                            "(and Japan): regular and irregular.\n### Policy levers")
            LeversPanel(settings)
        with solara.lab.Tabs():
            with solara.lab.Tab("Compare"):
                CompareView(settings)
            with solara.lab.Tab("Explore"):
                ExploreView(settings)
            with solara.lab.Tab("Learn"):
                LearnView()
            with solara.lab.Tab("Results"):
                ResultsView()
