"""The levers panel, generated from the lever declarations.

Grouped by the rows of the source's policy matrix (human resource development, recruitment,
pre-deployment, protection in the destination, remittances, return) plus enforcement and
bilateral levers and the exogenous drivers. Every control starts at the value the chosen
preset resolves to; per-country (or per-corridor) values sit under "by country". Levers are
named in plain words with their unit; the identifier a scenario file uses is in the tooltip.
A preset picker, and download and upload (file picker or drag and drop) of the settings as a
scenario TOML file.

Only a user's action changes a value (see ``lever_controls``): drawing a control never does.
"""

from __future__ import annotations

import solara

from scenarios.declarations import Declaration
from scenarios.errors import ScenarioError

from .file_picker import FilePicker
from .lever_controls import LeverValueControl, plain_description
from .settings_state import (
    END_CHOICES,
    SCALE_CHOICES,
    PanelSettings,
    grouped_levers,
    load_upload,
    presets,
)
from .text_download import TextDownload

__all__ = ["END_CHOICES", "SCALE_CHOICES", "LeversPanel"]

SCOPE_WORDS = {
    "origin": "origin country",
    "destination": "destination country",
    "country": "country",
    "corridor": "corridor",
}


def lever_label(decl: Declaration) -> str:
    """'Plain name (unit)', the control's visible and accessible label."""
    return f"{decl.title} ({decl.unit})"


@solara.component
def LeverRow(decl: Declaration, current, settings: solara.Reactive):
    """One lever: its name and what it does, a control for every country at once, and
    per-country controls."""

    def set_all(value) -> None:
        settings.set(settings.value.with_override(decl.name, value))

    with solara.Column(gap="2px", classes=["lever-row", f"lever-{decl.name}"]):
        if decl.kind != "bool":  # a checkbox carries its own label
            solara.Text(lever_label(decl), classes=["lever-label"])
        solara.Text(plain_description(decl), classes=["lever-description"])
        if not hasattr(current, "items"):
            with solara.Div(classes=["lever-all"]):
                LeverValueControl(decl, lever_label(decl), current, set_all)
            return
        keys = list(current)
        first = current[keys[0]]
        with solara.Div(classes=["lever-all"]):
            LeverValueControl(decl, lever_label(decl), first, set_all)
        same = all(current[k] == first for k in keys)
        summary = f"by {SCOPE_WORDS.get(decl.scope, decl.scope)}" + (
            "" if same else f" (they differ; above: {keys[0]})"
        )
        with solara.Details(summary=summary):
            for key in keys:
                with solara.Div(classes=["lever-key", f"lever-key-{key}"]):
                    LeverValueControl(
                        decl,
                        key,
                        current[key],
                        lambda v, k=key: settings.set(
                            settings.value.with_override(decl.name, v, key=k)
                        ),
                    )


@solara.component
def UploadControls(settings: solara.Reactive):
    """Load a scenario file: a file picker (keyboard and phone) and a drop zone (mouse)."""
    message, set_message = solara.use_state("")

    def load(name: str, data: bytes) -> None:
        try:
            loaded, notes = load_upload(data, name)
        except ScenarioError as exc:
            set_message(f"not loaded: {exc}")
            return
        settings.set(loaded)
        set_message(f"loaded {name}" + ("".join(f"; {n}" for n in notes)))

    def picked(file) -> None:
        if "error" in file:
            set_message(f"not loaded: {file['name']}: {file['error']}")
        else:
            load(file["name"], file["data"])

    with solara.Row(gap="6px", style={"align-items": "center", "flex-wrap": "wrap"}):
        FilePicker("Load a scenario file", on_file=picked)
        solara.FileDrop(
            label="or drop a scenario TOML file here",
            on_file=lambda info: load(info["name"], info["data"]),
            lazy=False,
        )
    if message:
        solara.Text(message, style={"font-size": "0.8em"}, classes=["upload-message"])


@solara.component
def LeversPanel(settings: solara.Reactive):
    """Edit ``settings`` (a reactive :class:`PanelSettings`)."""
    try:
        scenario = settings.value.scenario()
        problem = ""
    except ScenarioError as exc:
        scenario = settings.value.base()
        problem = str(exc)

    def replace(**changes) -> None:
        s = settings.value
        fields = {
            "preset": s.preset,
            "overrides": s.overrides,
            "end": s.end,
            "people_per_agent": s.people_per_agent,
            "uploaded": s.uploaded,
            **changes,
        }
        settings.set(PanelSettings(**fields))

    ends = (
        END_CHOICES
        if settings.value.end in END_CHOICES
        else sorted([*END_CHOICES, settings.value.end])
    )
    with solara.Column(gap="4px"):
        solara.Select(
            "Preset",
            values=presets(),
            value=settings.value.preset,
            on_value=lambda p: settings.set(settings.value.with_preset(p)),
        )
        with solara.Div():  # always there, so the controls below keep their state
            if settings.value.uploaded is not None:
                solara.Info(f"using the uploaded scenario {settings.value.preset!r}", dense=True)
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.Select(
                "Run until",
                values=ends,
                value=settings.value.end,
                on_value=lambda e: replace(end=e),
                classes=["setting-select"],
            )
            solara.Select(
                "People per agent",
                values=SCALE_CHOICES,
                value=settings.value.people_per_agent,
                on_value=lambda x: replace(people_per_agent=x),
                classes=["setting-select"],
            )
        with solara.Div():
            if problem:
                solara.Error(problem, dense=True)
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            TextDownload(
                settings.value.to_toml() if not problem else "",
                filename="scenario.toml",
                label="Download settings (TOML)",
            )
            solara.Button(
                "Reset to preset", text=True, on_click=lambda: settings.set(settings.value.reset())
            )
        UploadControls(settings)
        for group, decls in grouped_levers():
            with solara.Details(summary=group.capitalize()):
                for decl in decls:
                    LeverRow(decl, scenario[decl.name], settings)
