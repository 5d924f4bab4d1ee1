"""The policymaker's view: scenario A against scenario B, several replicates each.

Runs go on in a background thread with a progress bar, so the page stays responsive. When the
calibration's posterior draws are shipped, replicate r also takes draw r, so the bands hold
parameter uncertainty as well as chance. Shown
side by side: regular and irregular stocks and arrivals per corridor with 90% replicate
bands, B minus A (paired by replicate: both scenarios use the same seeds), and headline
numbers.
"""

from __future__ import annotations

import pandas as pd
import solara
import solara.lab

from calibration.posterior import POSTERIOR_DRAWS
from scenarios.errors import ScenarioError

from .charts import compare_figure, difference_figure
from .export import ChartWithExport
from .replicates import difference, headline, run_replicates, summarise
from .settings_state import PanelSettings, presets

__all__ = ["CURRENT", "CompareView", "compare_runs"]

CURRENT = "current lever settings"


def _scenario(choice: str, settings: PanelSettings):
    if choice == CURRENT:
        return settings.scenario()
    return PanelSettings(preset=choice, end=settings.end,
                         people_per_agent=settings.people_per_agent).scenario()


def compare_runs(a, b, replicates: int, progress=None,
                 parameter_uncertainty: bool = False) -> dict:
    """Run A and B with the same replicate seeds (and posterior draws); everything the view
    shows."""
    def step(offset):
        return None if progress is None else (
            lambda done, total: progress((offset + done) / (2 * total)))

    runs_a = run_replicates(a, replicates, progress=step(0),
                            parameter_uncertainty=parameter_uncertainty)
    runs_b = run_replicates(b, replicates, progress=step(replicates),
                            parameter_uncertainty=parameter_uncertainty)
    ha, hb = headline(runs_a), headline(runs_b)
    table = pd.DataFrame({"indicator": ha["indicator"], "key": ha["key"],
                          "A_mean": ha["mean"], "A_p05": ha["p05"], "A_p95": ha["p95"],
                          "B_mean": hb["mean"], "B_p05": hb["p05"], "B_p95": hb["p95"],
                          "B_minus_A": hb["mean"] - ha["mean"]})
    return {
        "headline": table,
        "stock": (summarise(runs_a, "stock"), summarise(runs_b, "stock")),
        "arrivals": (summarise(runs_a, "arrivals"), summarise(runs_b, "arrivals")),
        "difference_stock": difference(runs_a, runs_b, "stock"),
    }


def _fmt(key: str, x: float, difference: bool = False) -> str:
    if key.endswith("share_final_year"):
        return f"{100 * x:.1f} pp" if difference else f"{x:.1%}"
    return f"{x:,.0f}"


def readable_headline(table: pd.DataFrame) -> pd.DataFrame:
    """Headline numbers as text: shares in percent, counts and USD with separators."""
    rows = []
    for _, r in table.iterrows():
        k = r["key"]
        rows.append({"indicator": r["indicator"],
                     "A": f"{_fmt(k, r['A_mean'])} ({_fmt(k, r['A_p05'])} to "
                          f"{_fmt(k, r['A_p95'])})",
                     "B": f"{_fmt(k, r['B_mean'])} ({_fmt(k, r['B_p05'])} to "
                          f"{_fmt(k, r['B_p95'])})",
                     "B - A": ("+" if r["B_minus_A"] >= 0 else "")
                     + _fmt(k, r["B_minus_A"], difference=True)})
    return pd.DataFrame(rows)


@solara.component
def CompareView(settings: solara.Reactive):
    choice_a = solara.use_reactive("baseline")
    choice_b = solara.use_reactive(CURRENT)
    replicates = solara.use_reactive(5)
    has_posterior = POSTERIOR_DRAWS.is_file()
    uncertainty = solara.use_reactive(has_posterior)
    progress = solara.use_reactive(0.0)
    error = solara.use_reactive("")
    options = [CURRENT, *presets()]

    def work():
        error.set("")
        progress.set(0.0)
        try:
            a = _scenario(choice_a.value, settings.value)
            b = _scenario(choice_b.value, settings.value)
        except ScenarioError as exc:
            error.set(str(exc))
            return None
        names = (choice_a.value, choice_b.value)
        return names, compare_runs(a, b, replicates.value, progress=progress.set,
                                   parameter_uncertainty=uncertainty.value and has_posterior)

    task = solara.lab.use_task(work, dependencies=None)

    with solara.Column():
        with solara.Row(gap="12px"):
            solara.Select("Scenario A", values=options, value=choice_a)
            solara.Select("Scenario B", values=options, value=choice_b)
            solara.SliderInt("Replicates", value=replicates, min=1, max=10)
            solara.Checkbox(label="Parameter uncertainty (posterior draws)", value=uncertainty,
                            disabled=not has_posterior)
        solara.Text(f"Both run from 2010-01 to {settings.value.end} at "
                    f"{settings.value.people_per_agent:g} people per agent; '{CURRENT}' is "
                    "what the levers panel shows.", style={"font-size": "0.8em"})
        solara.Button("Run comparison", color="primary", on_click=lambda: task(),
                      disabled=task.pending)
        if task.pending:
            solara.ProgressLinear(max(progress.value * 100, 1.0))
            solara.Text(f"running... {progress.value:.0%}")
        if error.value:
            solara.Error(error.value)
        if task.finished and task.value is not None:
            (name_a, name_b), result = task.value
            solara.Markdown(f"**A** = {name_a}, **B** = {name_b} (mean over replicates, 90% "
                            "interval in brackets)")
            solara.DataFrame(readable_headline(result["headline"]), items_per_page=10)
            solara.FileDownload(lambda: result["headline"].to_csv(index=False),
                                filename="headline.csv", label="Headline numbers (CSV)")
            sa, sb = result["stock"]
            ChartWithExport(compare_figure(sa, sb, (name_a, name_b),
                                           "Stock per corridor (thousand people)"),
                            pd.concat([sa.assign(scenario="A"), sb.assign(scenario="B")]),
                            "compare_stock")
            ChartWithExport(difference_figure(result["difference_stock"],
                                              "B minus A: stock, all corridors"),
                            result["difference_stock"], "difference_stock")
            fa, fb = result["arrivals"]
            ChartWithExport(compare_figure(fa, fb, (name_a, name_b),
                                           "Arrivals per month per corridor (thousand)"),
                            pd.concat([fa.assign(scenario="A"), fb.assign(scenario="B")]),
                            "compare_arrivals")
        if task.error:
            solara.Error(f"the runs failed: {task.exception}")
