"""One lever's controls: a slider to drag and a number field that shows the exact value.

Why not Solara's ``SliderFloat``: a Vuetify slider snaps the value it is given to its step
grid when it is first drawn and reports the snapped value back, as if the user had moved it.
Bound to the scenario, merely opening a lever group then rewrote per-country values (3-6
months of processing became 4.512 everywhere). Here the slider only *reports* a value on its
``change`` event, which Vuetify emits when the user releases the mouse or presses a key on
it, never on drawing; the number field shows the value as it is and commits on Enter or
when it loses focus. So only a user's action changes the scenario.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import solara
from solara.alias import rv

from scenarios.calendar import month_index, month_label
from scenarios.declarations import Declaration
from scenarios.registry import DECLARATIONS

__all__ = ["LeverValueControl", "exact_text", "plain_description", "slider_step"]

SLIDER_POSITIONS = 200
"""A slider places a value on one of about this many positions: as fine as a mouse can place
it on a 250-400 px track; the number field beside it takes any value in range."""


def slider_step(decl: Declaration) -> float:
    """Slider step: 1 for whole numbers, else the range over ``SLIDER_POSITIONS``."""
    if decl.kind == "int":
        return 1
    return float(decl.maximum - decl.minimum) / SLIDER_POSITIONS


def exact_text(value: float | int) -> str:
    """A number as people write it: exact, no scientific notation, no trailing zeros."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | np.integer):
        return str(int(value))
    return np.format_float_positional(float(value), trim="-")


def plain_description(decl: Declaration) -> str:
    """The declaration's description without code markup: a name in double backticks becomes
    the plain-language title of what it names."""

    def title(match: re.Match) -> str:
        name = match.group(1)
        return DECLARATIONS[name].title.lower() if name in DECLARATIONS else name.replace("_", " ")

    return re.sub(r"``([^`]+)``", title, decl.description)


def parse_number(decl: Declaration, text: str) -> tuple[float | int | None, str]:
    """(value, "") for text that is a number in the declared range, else (None, why)."""
    allowed = f"{decl.title}: {decl.allowed()}"
    try:
        x = float(text.strip().replace(",", ""))
    except ValueError:
        return None, f"{text!r} is not a number; {allowed}"
    if not np.isfinite(x) or not decl.minimum <= x <= decl.maximum:
        return None, f"{text} is out of range; {allowed}"
    if decl.kind == "int":
        if not x.is_integer():
            return None, f"{text} is not a whole number; {allowed}"
        return int(x), ""
    return x, ""


@solara.component
def NumberControl(decl: Declaration, label: str, value, on_value: Callable):
    """Slider plus exact number field for an int or float lever."""
    error, set_error = solara.use_state("")
    step = slider_step(decl)

    def from_slider(_widget, _event, data) -> None:
        if data is None:
            return
        x = round(float(data)) if decl.kind == "int" else float(data)
        set_error("")
        if x != value:
            on_value(x)

    def from_field(_widget, _event, data) -> None:
        x, why = parse_number(decl, str(data if data is not None else ""))
        set_error(why)
        if x is not None and x != value:
            on_value(x)

    with solara.Column(gap="0px"):  # one root whether or not an error shows: the controls
        with solara.Div(classes=["lever-control"]):  # are never rebuilt under the user
            slider = rv.Slider(
                v_model=value,
                min=decl.minimum,
                max=decl.maximum,
                step=step,
                label=label,
                hide_details=True,
                thumb_label=False,
                class_="lever-slider",
            )
            rv.use_event(slider, "change", from_slider)
            field = rv.TextField(
                v_model=exact_text(value),
                type="number",
                dense=True,
                hide_details=True,
                outlined=True,
                label=decl.unit,
                class_="lever-number",
            )
            rv.use_event(field, "change", from_field)
        if error:
            solara.Error(error, dense=True)


@solara.component
def MonthsControl(decl: Declaration, label: str, value, on_value: Callable):
    """Months as "YYYY-MM, YYYY-MM" text, checked before it is used."""
    text = ", ".join(month_label(m) if isinstance(m, int) else m for m in value)
    error, set_error = solara.use_state("")

    def parse(new: str) -> None:
        parts = [p.strip() for p in new.replace(";", ",").split(",") if p.strip()]
        try:
            for p in parts:
                if not 0 <= month_index(p) <= 311:
                    raise ValueError(p)
        except ValueError:
            set_error(f"write months as YYYY-MM between 2010-01 and 2035-12: {new!r}")
            return
        set_error("")
        on_value(parts)

    with solara.Column(gap="0px"):
        solara.InputText(
            label=f"{label} (YYYY-MM, comma separated)",
            value=text,
            on_value=parse,
            continuous_update=False,
            classes=["lever-months"],
        )
        if error:
            solara.Error(error, dense=True)


@solara.component
def LeverValueControl(decl: Declaration, label: str, value, on_value: Callable):
    """The control that fits the declaration's kind."""
    if decl.kind == "bool":
        solara.Checkbox(label=label, value=bool(value), on_value=on_value)
    elif decl.kind == "months":
        MonthsControl(decl, label, value, on_value)
    else:
        NumberControl(decl, label, value, on_value)
