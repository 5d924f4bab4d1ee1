"""The levers panel, generated from the lever declarations.

Grouped by the rows of the source's policy matrix (human resource development, recruitment,
pre-deployment, protection in the destination, remittances, return) plus enforcement and
bilateral levers and the exogenous drivers. Every control starts at the value the chosen
preset resolves to; per-country (or per-corridor) values sit under "by country". A preset
picker, and download and upload of the settings as a scenario TOML file.
"""

from __future__ import annotations

import solara

from scenarios.calendar import month_index, month_label
from scenarios.declarations import Declaration
from scenarios.errors import ScenarioError

from .settings_state import PanelSettings, grouped_levers, presets, settings_from_toml

__all__ = ["LeversPanel"]

END_CHOICES = [f"{y}-12" for y in range(2011, 2036)]
SCALE_CHOICES = [250.0, 500.0, 1000.0, 2000.0, 5000.0]


def _step(decl: Declaration) -> float:
    """Slider step: whole numbers are exact (a quota of 15,000 must not show as 25,000);
    numbers move in thousandths of their range, finer than a slider can be placed by hand
    (the lever's label also states the exact value)."""
    if decl.kind == "int":
        return 1
    return float(decl.maximum - decl.minimum) / 1000.0


@solara.component
def ValueControl(decl: Declaration, label: str, value, on_value):
    if decl.kind == "bool":
        solara.Checkbox(label=label, value=bool(value), on_value=on_value)
    elif decl.kind == "months":
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

        solara.InputText(label=f"{label} (YYYY-MM, comma separated)", value=text,
                         on_value=parse, continuous_update=False)
        if error:
            solara.Error(error, dense=True)
    elif decl.kind == "int":
        solara.SliderInt(label=label, value=int(value), min=int(decl.minimum),
                         max=int(decl.maximum), step=int(_step(decl)), on_value=on_value)
    else:
        solara.SliderFloat(label=label, value=float(value), min=float(decl.minimum),
                           max=float(decl.maximum), step=_step(decl), on_value=on_value)


def _label(decl: Declaration, value) -> str:
    """'name [unit]', with the exact value for numbers."""
    if decl.kind in ("int", "float"):
        return f"{decl.name} [{decl.unit}] = {value:,.6g}"
    return f"{decl.name} [{decl.unit}]"


@solara.component
def LeverRow(decl: Declaration, current, settings: solara.Reactive):
    """One lever: a control for every country at once, and per-country controls."""
    with solara.Column(gap="0px", style={"margin-bottom": "6px"}):
        if hasattr(current, "items"):
            keys = list(current)
            first = current[keys[0]]
            ValueControl(decl, _label(decl, first), first,
                         lambda v: settings.set(settings.value.with_override(decl.name, v)))
            same = all(current[k] == first for k in keys)
            with solara.Details(summary=f"by {decl.scope}" + ("" if same else " (differ)")):
                for key in keys:
                    ValueControl(decl, key, current[key],
                                 lambda v, k=key: settings.set(
                                     settings.value.with_override(decl.name, v, key=k)))
        else:
            ValueControl(decl, _label(decl, current), current,
                         lambda v: settings.set(settings.value.with_override(decl.name, v)))
        solara.Text(decl.description, style={"font-size": "0.75em", "color": "#555"})


@solara.component
def LeversPanel(settings: solara.Reactive):
    """Edit ``settings`` (a reactive :class:`PanelSettings`)."""
    message, set_message = solara.use_state("")
    try:
        scenario = settings.value.scenario()
        problem = ""
    except ScenarioError as exc:
        scenario = settings.value.base()
        problem = str(exc)

    def on_file(info) -> None:
        try:
            settings.set(settings_from_toml(info["data"], info["name"]))
            set_message(f"loaded {info['name']}")
        except ScenarioError as exc:
            set_message(f"not loaded: {exc}")

    with solara.Column(gap="4px"):
        solara.Select("Preset", values=presets(), value=settings.value.preset,
                      on_value=lambda p: settings.set(settings.value.with_preset(p)))
        if settings.value.uploaded is not None:
            solara.Info(f"using the uploaded scenario {settings.value.preset!r}", dense=True)
        with solara.Row():
            solara.Select("Run until", values=END_CHOICES, value=settings.value.end,
                          on_value=lambda e: settings.set(PanelSettings(
                              settings.value.preset, settings.value.overrides, e,
                              settings.value.people_per_agent, settings.value.uploaded)))
            solara.Select("People per agent", values=SCALE_CHOICES,
                          value=settings.value.people_per_agent,
                          on_value=lambda x: settings.set(PanelSettings(
                              settings.value.preset, settings.value.overrides,
                              settings.value.end, x, settings.value.uploaded)))
        if problem:
            solara.Error(problem, dense=True)
        with solara.Row(gap="6px"):
            solara.FileDownload(settings.value.to_toml() if not problem else "",
                                filename="scenario.toml", label="Download settings (TOML)",
                                mime_type="text/plain")
            solara.Button("Reset to preset", text=True,
                          on_click=lambda: settings.set(settings.value.reset()))
        solara.FileDrop(label="Drop a scenario TOML file here to load it", on_file=on_file,
                        lazy=False)
        if message:
            solara.Text(message, style={"font-size": "0.8em"})
        for group, decls in grouped_levers():
            with solara.Details(summary=group.capitalize()):
                for decl in decls:
                    LeverRow(decl, scenario[decl.name], settings)
