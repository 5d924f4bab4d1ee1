"""The answer the Compare view opens on: the baseline's regular and irregular arrivals and
stocks, all corridors of the modelled origins (the rest of the world, if the baseline ever
has it on, is not added in), with 90% bands.

Its replicates are the first a server runs (on the shared pool, into the shared replicate
cache), started when the first page opens; every later session, and a comparison with the
baseline as scenario A, takes them from the cache. Because the cache is keyed by the
scenario's digest and the code version, a changed end month, scale or parameter setting
computes a new baseline rather than showing an old one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import solara
import solara.lab

from scenarios.scenario import Scenario

from .compare_charts import MODELLED_TOTAL, channel_chart
from .export import ChartWithExport
from .replicate_cache import shared_cache
from .replicates import run_replicates, summarise
from .run_pool import shared_executor
from .uncertainty import BANDS

__all__ = ["BaselineGlance", "BaselineSummary", "baseline_summary"]


@dataclass(frozen=True)
class BaselineSummary:
    arrivals: pd.DataFrame  # modelled origins' total: month, channel, mean, p05, p95
    stock: pd.DataFrame


def baseline_summary(
    scenario: Scenario, replicates: int, parameter_uncertainty: bool
) -> BaselineSummary:
    runs = run_replicates(
        scenario,
        replicates,
        parameter_uncertainty=parameter_uncertainty,
        executor=shared_executor(),
        cache=shared_cache(),
    )
    return BaselineSummary(
        summarise(runs, "arrivals", by_corridor=False), summarise(runs, "stock", by_corridor=False)
    )


@solara.component
def BaselineGlance(
    scenario: Scenario | None, replicates: int, parameter_uncertainty: bool, period: str
):
    """Charts of the baseline (computed in the background on first need)."""
    digest = None if scenario is None else scenario.digest()

    def compute():
        if scenario is None:
            return None
        return baseline_summary(scenario, replicates, parameter_uncertainty)

    task = solara.lab.use_task(compute, dependencies=[digest, replicates, parameter_uncertainty])
    with solara.Column(style={"width": "100%"}):
        solara.Markdown(
            f"### The baseline at a glance ({period}, {MODELLED_TOTAL})\n"
            f"No policy change: what the model expects if today's rules stay. "
            f"{BANDS} Choose a scenario B and press **Run comparison** to see "
            "what a policy changes."
        )
        if task.pending:
            solara.ProgressLinear(True)
            solara.Text("computing the baseline (once per server; later visits are instant)")
        elif task.error:
            solara.Error(f"the baseline could not be computed: {task.exception}")
        elif task.finished and task.value is not None:
            BaselineCharts(task.value)


@solara.component
def BaselineCharts(result: BaselineSummary):
    charts = solara.use_memo(
        lambda: [
            (
                channel_chart(result.arrivals, "Baseline: arrivals per month"),
                result.arrivals,
                "baseline_arrivals",
                "Baseline arrivals per month, regular and irregular",
            ),
            (
                channel_chart(result.stock, "Baseline: migrants abroad (stock)"),
                result.stock,
                "baseline_stock",
                "Baseline stock of migrants abroad, regular and irregular",
            ),
        ],
        dependencies=[result],
    )
    for option, data, name, label in charts:
        ChartWithExport(option, data, name, label, height_px=300)
