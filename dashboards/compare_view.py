"""The policymaker's view: scenario A against scenario B, several replicates each.

It opens on the baseline's regular and irregular arrivals and stocks (computed once per
server, :mod:`dashboards.baseline_glance`). A comparison runs in a background thread on the
server's process pool with a progress bar and a Cancel button; replicates already computed
(the baseline, a repeated question) come from the cache. The last comparison stays on screen
when a lever or choice changes, marked out of date with what changed, and can be downloaded
as a bundle (both scenario files, headline and series CSV). The page says which parameters
were used (posterior draws or the point estimate) and why the two differ
(:mod:`dashboards.uncertainty`).
"""

from __future__ import annotations

import solara
import solara.lab

from scenarios.errors import ScenarioError
from scenarios.posterior import POSTERIOR_DRAWS

from .baseline_glance import BaselineGlance
from .cancel import CancelToken, ComparisonCancelled
from .compare_charts import (
    ALL_CORRIDORS,
    MODELLED_TOTAL,
    corridor_names,
    difference_chart,
    scenario_chart,
    shown_apart_note,
)
from .comparison import Comparison, ComparisonInputs, compare_runs
from .export import (
    ChartWithExport,
    bundle_name,
    comparison_bundle,
    file_stem,
    labelled_headline,
    stable_callable,
)
from .headline_table import HeadlineTable, readable_headline
from .numbers import SCALE_NOTE
from .replicate_cache import shared_cache
from .replicates import MAX_REPLICATES
from .run_pool import shared_executor
from .settings_state import PanelSettings, presets
from .uncertainty import BANDS, CHANNELS, WHY_DIFFERENT, WHY_TITLE, setting_note

__all__ = ["CURRENT", "CompareView", "compare_runs", "readable_headline", "scenario_labels"]

CURRENT = "current lever settings"
DEFAULT_REPLICATES = 5


def _scenario(choice: str, settings: PanelSettings, opened: tuple | None = None):
    if choice == CURRENT:
        return settings.scenario()
    if opened is not None and choice == opened[0]:
        # a solution opened from the Search view: its levers, the page's period and scale
        return opened[1].with_values(end=settings.end, people_per_agent=settings.people_per_agent)
    return PanelSettings(
        preset=choice, end=settings.end, people_per_agent=settings.people_per_agent
    ).scenario()


def _label(choice: str, settings: PanelSettings) -> str:
    if choice != CURRENT:
        return choice
    name = settings.scenario().name
    return f"{name}_custom" if settings.overrides else name


def scenario_labels(choice_a: str, choice_b: str, settings: PanelSettings) -> tuple[str, str]:
    """Names of A and B as the charts, tables and files call them (told apart if equal)."""
    a, b = _label(choice_a, settings), _label(choice_b, settings)
    return (f"{a} (A)", f"{b} (B)") if a == b else (a, b)


def _inputs(
    choice_a, choice_b, settings, replicates, uncertainty, opened=None
) -> ComparisonInputs | str:
    """The request the controls now describe, or the reason it is not valid."""
    try:
        a, b = _scenario(choice_a, settings, opened), _scenario(choice_b, settings, opened)
        labels = scenario_labels(choice_a, choice_b, settings)
    except ScenarioError as exc:
        return str(exc)
    return ComparisonInputs.of(choice_a, choice_b, a, b, labels, replicates, uncertainty)


def _period(settings: PanelSettings) -> str:
    return f"2010-01 to {settings.end}"


@solara.component
def CompareView(settings: solara.Reactive, opened: solara.Reactive | None = None):
    """``opened``: a solution the Search view opened, ``(label, scenario, count)`` or None;
    it becomes one more choice, and scenario B each time a solution is opened."""
    choice_a = solara.use_reactive("baseline")
    choice_b = solara.use_reactive(CURRENT)
    replicates = solara.use_reactive(DEFAULT_REPLICATES)
    has_posterior = POSTERIOR_DRAWS.is_file()
    uncertainty = solara.use_reactive(has_posterior)
    progress = solara.use_reactive(0.0)
    status = solara.use_reactive("")  # "cancelled" or an error
    shown = solara.use_reactive(None)  # the last finished Comparison
    corridor = solara.use_reactive(ALL_CORRIDORS)
    token = solara.use_ref(None)
    s = settings.value
    extra = opened.value if opened is not None else None
    options = [CURRENT, *presets(), *([extra[0]] if extra else [])]
    use_draws = uncertainty.value and has_posterior

    def pick_opened():
        if extra:
            choice_b.set(extra[0])

    solara.use_effect(pick_opened, [extra[0] if extra else None, extra[2] if extra else 0])
    now = solara.use_memo(
        lambda: _inputs(choice_a.value, choice_b.value, s, replicates.value, use_draws, extra),
        dependencies=[
            choice_a.value,
            choice_b.value,
            s,
            replicates.value,
            use_draws,
            extra[2] if extra else 0,
        ],
    )

    def work(cancel: CancelToken):
        status.set("")
        progress.set(0.0)
        request = now
        if isinstance(request, str):
            status.set(request)
            return None
        try:
            result = compare_runs(
                _scenario(request.choice_a, s, extra),
                _scenario(request.choice_b, s, extra),
                request.replicates,
                progress=progress.set,
                parameter_uncertainty=request.parameter_uncertainty,
                executor=shared_executor(),
                cache=shared_cache(),
                cancel=cancel,
                labels=(request.label_a, request.label_b),
                choices=(request.choice_a, request.choice_b),
            )
        except ComparisonCancelled:
            status.set("cancelled")
            return None
        shown.set(result)
        corridor.set(ALL_CORRIDORS)
        return result

    task = solara.lab.use_task(work, dependencies=None)

    def start():
        # the token exists before the thread starts, so Cancel works from the first moment
        token.current = CancelToken()
        progress.set(0.0)  # not the last run's 100% while the thread starts
        status.set("")
        task(token.current)

    def cancel():
        if token.current is not None:
            token.current.cancel()

    with solara.Column(style={"width": "100%", "min-width": "0"}):
        solara.Markdown(f"### Compare two scenarios\n{CHANNELS} {BANDS}")
        with solara.Row(gap="16px", style={"flex-wrap": "wrap", "align-items": "center"}):
            with solara.Column(style={"min-width": "220px", "flex": "1 1 220px"}):
                solara.Select("Scenario A", values=options, value=choice_a)
            with solara.Column(style={"min-width": "220px", "flex": "1 1 220px"}):
                solara.Select("Scenario B", values=options, value=choice_b)
            with solara.Column(style={"min-width": "260px", "flex": "1 1 260px"}):
                solara.SliderInt(
                    "Replicates",
                    value=replicates,
                    min=1,
                    max=MAX_REPLICATES,
                    tick_labels="end_points",
                )
                solara.Text(
                    f"{replicates.value} runs of each scenario (at most "
                    f"{MAX_REPLICATES}: the server is shared)",
                    style={"font-size": "0.8em"},
                )
        solara.Checkbox(
            label="Parameter uncertainty (posterior draws)",
            value=uncertainty,
            disabled=not has_posterior,
        )
        solara.Markdown(setting_note(use_draws), style={"font-size": "0.9em"})
        with solara.Details(summary=WHY_TITLE):
            solara.Markdown(WHY_DIFFERENT)
        solara.Text(
            f"Both run from {_period(s)} at {s.people_per_agent:g} people per agent; "
            f"'{CURRENT}' is what the levers panel shows.",
            style={"font-size": "0.8em"},
        )
        with solara.Row(gap="8px"):
            solara.Button("Run comparison", color="primary", on_click=start, disabled=task.pending)
            solara.Button("Cancel", on_click=cancel, disabled=not task.pending, outlined=True)
        # the status area is always there, so the results below keep their place (and their
        # widgets) when the progress bar goes: a moved component is mounted anew, which
        # would drop a download the user had just asked for
        with solara.Column(gap="4px"):
            if task.pending:
                solara.ProgressLinear(max(progress.value * 100, 1.0))
                solara.Text(
                    f"running... {progress.value:.0%} of the replicates done"
                    + ("; summarising and drawing" if progress.value >= 1 else "")
                )
            if status.value == "cancelled":
                solara.Info(
                    "Comparison cancelled: its runs were stopped."
                    + (
                        " The results below are from the previous comparison."
                        if shown.value is not None
                        else ""
                    )
                )
            elif status.value:
                solara.Error(status.value)
            if task.error:
                solara.Error(f"the runs failed: {task.exception}")
        result: Comparison | None = shown.value
        if result is None:
            BaselineGlance(
                None if isinstance(now, str) else _scenario("baseline", s),
                replicates.value,
                use_draws,
                _period(s),
            )
            return
        changes = (
            ["the current settings are not valid"]
            if isinstance(now, str)
            else result.inputs.changes_since(now)
        )
        ComparisonResult(result, changes, corridor)


@solara.component
def ComparisonResult(result: Comparison, changes: list[str], corridor: solara.Reactive):
    """A finished comparison: out-of-date mark, headline table, downloads and charts."""
    a, b = result.labels
    inputs = result.inputs
    readable = solara.use_memo(
        lambda: readable_headline(result.headline, result.labels, inputs.replicates),
        dependencies=[result],
    )
    if changes:
        solara.Warning(
            "Out of date: the levers or choices changed since this comparison "
            f"was run ({'; '.join(changes)}). Press Run comparison to update it."
        )
    solara.Markdown(
        f"**A** = {a}, **B** = {b} (mean over {inputs.replicates} replicates, 90% interval "
        f"in brackets; 'same direction in': replicates where B - A has the sign shown; "
        "'robust?': robust when that is at least 90% of them, not distinguishable from zero "
        "below 75%, uncertain in between). " + setting_note(inputs.parameter_uncertainty),
        style={"font-size": "0.95em"},
    )
    HeadlineTable(readable, SCALE_NOTE)
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        solara.FileDownload(
            stable_callable(lambda: comparison_bundle(result, readable), id(result)),
            filename=bundle_name(result),
            label="Save this comparison (ZIP: both scenarios, CSV)",
            mime_type="application/zip",
        )
        solara.FileDownload(
            stable_callable(lambda: labelled_headline(result).to_csv(index=False), id(result)),
            filename="headline.csv",
            label="Headline numbers (CSV)",
            mime_type="text/csv",
        )
        solara.FileDownload(
            result.toml_a, filename=f"A_{file_stem(a)}.toml", label=f"Scenario A: {a} (TOML)"
        )
        solara.FileDownload(
            result.toml_b, filename=f"B_{file_stem(b)}.toml", label=f"Scenario B: {b} (TOML)"
        )
    names = [ALL_CORRIDORS, *corridor_names(result.stock[0])]
    with solara.Column(style={"max-width": "320px"}):
        solara.Select("Corridor", values=names, value=corridor)
    note = shown_apart_note(names[1:])
    if note:
        solara.Markdown(note, style={"font-size": "0.9em"})
    where = corridor.value if corridor.value in names else ALL_CORRIDORS
    charts = solara.use_memo(lambda: comparison_charts(result, where), dependencies=[result, where])
    for option, data, name, label, height_px in charts:
        ChartWithExport(option, data, name, label, height_px=height_px)


def comparison_charts(result: Comparison, where: str) -> list[tuple]:
    """(ECharts option, CSV data, file name, accessible label, height) of each chart: A and B
    for one corridor or all, then B minus A for all corridors; "all" is the modelled origins'
    corridors (:data:`MODELLED_TOTAL`, in the titles). Built once per result and corridor,
    not on every render (a progress update re-renders the page)."""
    a, b = result.labels
    series = result.series()
    place = "all" if where == ALL_CORRIDORS else where
    out = []
    for measure, title in (
        ("stock", "Migrants abroad (stock)"),
        ("arrivals", "Arrivals per month"),
    ):
        if where == ALL_CORRIDORS:
            pair = getattr(result, f"{measure}_total")
        else:
            pair = tuple(t[t["corridor"] == where] for t in getattr(result, measure))
        data = series[(series["measure"] == measure) & (series["corridor"] == place)]
        label = f"{title}, {MODELLED_TOTAL if place == 'all' else where}: {a} against {b}"
        option = scenario_chart(pair, (a, b), label, "thousand people")
        out.append((option, data, f"{measure}_{file_stem(where)}", label, 440))
    for measure, title in (
        ("stock", "B minus A: migrants abroad (stock)"),
        ("arrivals", "B minus A: arrivals per month"),
    ):
        diff = getattr(result, f"difference_{measure}")
        label = f"{title}, {MODELLED_TOTAL} ({b} minus {a})"
        data = diff.assign(scenario_a=a, scenario_b=b)
        out.append((difference_chart(diff, label), data, f"difference_{measure}", label, 380))
    return out
