"""Render a fast-changing part of the page in its own render context (an "island").

Why: Solara's renderer (reacton), after any state change, reconciles the *whole* page's
widget tree, even parts whose components did not run. With the levers panel's hundreds of
controls on the page, one Explore frame cost 0.3-0.6 s of server time, all of it comparing
widgets that had not changed. An island is rendered by its own reacton render context into
a container widget that sits in the page: a state change read only inside the island (the
Explore view's frame counter) re-renders and reconciles the island alone (about sixty
widgets), however large the rest of the page grows.

The island's root element is replaced whenever the component holding it renders (its
arguments may have changed); the island's render context is closed when that component
unmounts, so a closed page keeps nothing alive.
"""

from __future__ import annotations

import ipyvuetify
import reacton
import solara

__all__ = ["Island"]


@solara.component
def Island(element: reacton.core.Element, classes: list[str] | None = None):
    """Show ``element`` rendered in a render context of its own."""
    container = solara.use_memo(
        lambda: ipyvuetify.Html(tag="div", class_=" ".join(classes or []), children=[]),
        dependencies=[],
    )
    context = solara.use_ref(None)

    def mount():
        _, rc = reacton.render(element, container, handle_error=True)
        context.current = rc

        def unmount():
            context.current = None
            rc.close()

        return unmount

    solara.use_effect(mount, dependencies=[])

    def update():
        rc = context.current
        if rc is not None and rc.element is not element:
            rc.render(element, container)

    solara.use_effect(update, dependencies=[element])
    ipyvuetify.Html.element(tag="div", children=[container])
