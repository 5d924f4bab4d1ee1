"""Helpers for the dashboard's component tests: render a view without a browser, find its
widgets in document order, read its visible text, wait for background work."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import ipyvuetify as v
import ipywidgets
import solara

from dashboards.settings_state import PanelSettings
from scenarios.calendar import month_index
from scenarios.drivers import DRIVERS
from scenarios.levers import LEVERS

PANEL_DECLS = (*LEVERS, *DRIVERS)
SMALL = {"end": "2011-12", "people_per_agent": 5000.0}
ENFORCEMENT = "enforcement_monthly_arrest_probability"


# ---- helpers ------------------------------------------------------------------------------
def walk(root: ipywidgets.Widget) -> Iterator[ipywidgets.Widget]:
    """Every widget under ``root``, depth first in document order (reacton's finder is
    breadth first, which loses the order of controls within a lever row)."""
    stack, seen = [root], set()
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        yield widget
        kids = []
        for name in widget.keys:
            value = getattr(widget, name, None)
            if isinstance(value, ipywidgets.Widget):
                kids.append(value)
            elif isinstance(value, list | tuple):
                kids.extend(x for x in value if isinstance(x, ipywidgets.Widget))
        stack.extend(reversed(kids))


def page_text(root: ipywidgets.Widget) -> str:
    """The visible text: rendered Markdown (tags stripped) and plain text children."""
    parts = []
    for widget in walk(root):
        template = getattr(widget, "template", None)
        if isinstance(template, str) and "solara-markdown" in template:
            html = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", template, flags=re.S)
            parts.append(re.sub(r"<[^>]+>", "", html))
        children = getattr(widget, "children", None)
        if isinstance(children, list | tuple):
            parts.extend(c for c in children if isinstance(c, str))
    return "\n".join(parts)


def wait_until(condition: Callable[[], object], timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


CONTROL_TYPES = (v.Slider, v.Checkbox, v.TextField)


def lever_controls(root) -> dict[str, tuple[ipywidgets.Widget, dict[str, ipywidgets.Widget]]]:
    """name -> (control for all keys, {key: per-key control}) from the rendered panel.

    A lever's own control is labelled "name [unit]"; its per-country (or per-corridor)
    controls follow it in the document, labelled with the key."""
    out: dict = {}
    current = None
    for widget in walk(root):
        if not isinstance(widget, CONTROL_TYPES):
            continue
        label = widget.label or ""
        m = re.match(r"^(\w+) \[", label)
        if m:
            current = m.group(1)
            if current in out:
                raise AssertionError(f"two controls for {current}")
            out[current] = (widget, {})
        elif current is not None and re.fullmatch(r"[A-Z]{3}(-[A-Z]{3})?( \(YYYY-MM.*\))?", label):
            out[current][1][label.split(" ")[0]] = widget
        else:
            current = None
    return out


def shown_value(decl, widget):
    """What a control shows, in the scenario's internal form."""
    if decl.kind == "months":
        return tuple(month_index(p.strip()) for p in widget.v_model.split(",") if p.strip())
    return widget.v_model


class Holder:
    """The reactive settings a wrapper component created (to read and set from the test)."""

    settings: solara.Reactive


def render_with_settings(view, initial: PanelSettings):
    holder = Holder()

    @solara.component
    def Wrapper():
        s = solara.use_reactive(initial)
        holder.settings = s
        view(s)

    box, rc = solara.render(Wrapper(), handle_error=False)
    return box, rc, holder


def month_shown(box) -> str:
    found = re.findall(r"Month: (\d{4}-\d{2})", page_text(box))
    assert len(found) == 1, found
    return found[0]
