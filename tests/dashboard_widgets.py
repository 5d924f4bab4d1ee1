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


def _classes(widget) -> list[str]:
    return str(getattr(widget, "class_", "") or "").split()


def _first(root, kind):
    return next((w for w in walk(root) if isinstance(w, kind)), None)


class LeverControl:
    """One rendered control of a lever (for every key, or for one key), read and driven the
    way a user does: typing into the number field, dragging the slider and letting go,
    ticking the box, writing months."""

    def __init__(self, decl, box) -> None:
        self.decl, self.box = decl, box
        self.slider = _first(box, v.Slider)
        self.field = _first(box, v.TextField)
        self.checkbox = _first(box, v.Checkbox)

    def shown(self):
        """The value the control shows, in the scenario's internal form (exact: the number
        field's text)."""
        if self.decl.kind == "bool":
            return self.checkbox.v_model
        text = self.field.v_model
        if self.decl.kind == "months":
            return tuple(month_index(p.strip()) for p in text.split(",") if p.strip())
        return int(text) if self.decl.kind == "int" else float(text)

    def type(self, value) -> None:
        """Type a value and commit it (Enter)."""
        if self.decl.kind == "bool":
            self.checkbox.v_model = bool(value)
            return
        text = value if isinstance(value, str) else str(value)
        self.field.v_model = text
        if self.decl.kind == "months":
            self.field.fire_event("keyup.enter", None)
        else:
            self.field.fire_event("change", text)

    def drag(self, value) -> None:
        """Move the slider to ``value`` and let go (Vuetify's ``change`` event)."""
        self.slider.v_model = value
        self.slider.fire_event("change", value)

    def draw_snapped(self, value) -> None:
        """What Vuetify does when it draws a slider whose value is off its step grid: it
        reports the snapped value as ``v_model``, with no ``change`` event."""
        self.slider.v_model = value


def lever_controls(root) -> dict[str, tuple[LeverControl, dict[str, LeverControl]]]:
    """name -> (control for all keys, {key: per-key control}) from the rendered panel, found
    by the CSS classes the panel gives each lever row (``lever-<name>``, ``lever-all``,
    ``lever-key-<KEY>``)."""
    from scenarios.registry import DECLARATIONS

    out: dict = {}
    for widget in walk(root):
        classes = _classes(widget)
        if "lever-row" not in classes:
            continue
        name = next(
            c.removeprefix("lever-") for c in classes if c.startswith("lever-") and c != "lever-row"
        )
        if name in out:
            raise AssertionError(f"two rows for {name}")
        decl = DECLARATIONS[name]
        top, per_key = None, {}
        for inner in walk(widget):
            inner_classes = _classes(inner)
            if "lever-all" in inner_classes:
                top = LeverControl(decl, inner)
            for c in inner_classes:
                if c.startswith("lever-key-"):
                    per_key[c.removeprefix("lever-key-")] = LeverControl(decl, inner)
        out[name] = (top, per_key)
    return out


def shown_value(decl, control: LeverControl):
    """What a control shows, in the scenario's internal form."""
    return control.shown()


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
