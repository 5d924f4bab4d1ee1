"""The student's view: one run, month by month.

Play, pause, step and reset; a map of the countries with each corridor drawn by its flow
this month and coloured by channel; live charts of the regular and irregular stocks; and an
inspector that shows one worker's state, history and the choice probabilities behind its
last decision. Each browser session builds its own model.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import solara
import solara.lab

from agents.status import Status
from simulation.model import MigrationModel

from .charts import network_map, probability_figure, series_figure
from .export import ChartWithExport

__all__ = ["ExploreSession", "ExploreView"]

MIN_FRAME_S = 0.5  # seconds between redraws while playing (a redraw takes ~0.4 s)


class ExploreSession:
    """One browser session's model and its stepping (no module-level state)."""

    def __init__(self, scenario) -> None:
        self.scenario = scenario
        self.lock = threading.Lock()
        self.model = MigrationModel(scenario)
        self.step_seconds: list[float] = []

    def step(self) -> bool:
        with self.lock:
            if not self.model.running:
                return False
            t0 = time.perf_counter()
            self.model.step()
            self.step_seconds.append(time.perf_counter() - t0)
            return True

    def month_table(self, measure: str) -> pd.DataFrame:
        """Last recorded month of a measure per corridor and channel."""
        m = self.model
        values = m.metrics.latest(measure)
        rows = [{"origin": c.origin, "destination": c.destination, "channel": ch,
                 "value": float(values[i, j])}
                for i, c in enumerate(m.world.corridors)
                for j, ch in enumerate(("regular", "irregular"))]
        return pd.DataFrame(rows)

    def stock_series(self) -> pd.DataFrame:
        m = self.model
        slots = m.metrics.months_recorded + 1
        from simulation.metrics import FLOW_MEASURES, STOCK_MEASURES

        j = (FLOW_MEASURES + STOCK_MEASURES).index("stock")
        data = m.metrics.corridor_data[:slots, :, j].reshape(slots, -1, 2).sum(axis=1)
        from scenarios.calendar import month_label

        months = [month_label(k - 1) for k in range(slots)]
        return pd.concat([pd.DataFrame({"month": months, "channel": ch, "value": data[:, k]})
                          for k, ch in enumerate(("regular", "irregular"))])

    def random_migrant(self, rng: np.random.Generator) -> int:
        """A worker who has weighed migrating (prefer one who moved)."""
        m = self.model
        moved = np.flatnonzero(m.choices.outcome == 1)
        pool = moved if len(moved) else np.flatnonzero(m.choices.month >= 0)
        if not len(pool):
            pool = np.flatnonzero(m.population.status != Status.AT_HOME)
        return int(rng.choice(pool)) if len(pool) else 0


@solara.component
def Inspector(session: ExploreSession, tick: int):
    row = solara.use_reactive(0)
    n = len(session.model.population)
    rng = solara.use_memo(lambda: np.random.default_rng(), dependencies=[])
    with solara.Column():
        with solara.Row():
            solara.InputInt("Worker (row)", value=row, continuous_update=False)
            solara.Button("Pick a migrant", on_click=lambda: row.set(
                session.random_migrant(rng)))
        if not 0 <= row.value < n:
            solara.Error(f"choose a row from 0 to {n - 1}")
            return
        worker = session.model.worker(row.value)
        info = worker.describe()
        solara.DataFrame(pd.DataFrame({"attribute": list(info),
                                       "value": [str(v) for v in info.values()]}),
                         items_per_page=20)
        history = worker.history()
        solara.Markdown("**History**: " + ("; ".join(
            f"{h['month']}: {h['from']} -> {h['to']}" + (f" ({h['corridor']})"
                                                         if h["corridor"] else "")
            for h in history[-12:]) or "no change of status yet"))
        choice = worker.last_choice()
        if choice is None:
            solara.Text("This worker has not weighed migrating yet.")
        else:
            solara.Markdown(f"**Last decision** ({choice['month']}): chose "
                            f"*{choice['chosen']}*, {choice['outcome']}.")
            probs = choice["probabilities"]
            ChartWithExport(probability_figure(probs, choice["chosen"],
                                               "Choice probabilities (nested logit)"),
                            pd.DataFrame({"alternative": list(probs),
                                          "probability": list(probs.values())}),
                            f"worker_{row.value}_choice")


@solara.component
def ExploreView(settings: solara.Reactive):
    generation = solara.use_reactive(0)  # bumps on reset
    tick = solara.use_reactive(0)  # bumps after every month
    playing = solara.use_reactive(False)
    delay = solara.use_reactive(0.3)
    scenario = solara.use_memo(lambda: settings.value.scenario(),
                               dependencies=[settings.value, generation.value])
    session = solara.use_memo(lambda: ExploreSession(scenario),
                              dependencies=[scenario, generation.value])

    def play_loop():
        """Step the model in a background task of this session (solara's tasks carry the
        session's context, so the page updates); the page is redrawn at most every
        MIN_FRAME_S, whatever the speed, so a fast run never keeps the session busy and
        Pause is always heard."""
        last_frame = 0.0
        while playing.value and session.step():
            if time.perf_counter() - last_frame >= MIN_FRAME_S:
                last_frame = time.perf_counter()
                tick.set(tick.value + 1)
            time.sleep(max(delay.value, 0.01))
        playing.set(False)
        tick.set(tick.value + 1)

    player = solara.lab.use_task(play_loop, dependencies=None, raise_error=False)

    def toggle():
        if playing.value:
            playing.set(False)
        elif session.model.running:
            playing.set(True)
            player()

    def step_once():
        if session.step():
            tick.set(tick.value + 1)

    model = session.model
    with solara.Column():
        with solara.Row(gap="8px"):
            solara.Button("Pause" if playing.value else "Play", color="primary",
                          on_click=toggle)
            solara.Button("Step", on_click=step_once, disabled=playing.value)
            solara.Button("Reset", on_click=lambda: (playing.set(False),
                                                     generation.set(generation.value + 1)))
            solara.SliderFloat("Seconds per month", value=delay, min=0.0, max=2.0, step=0.1)
        if player.error:
            solara.Error(f"playing stopped: {player.exception!r}")
        last = session.step_seconds[-1] * 1000 if session.step_seconds else 0.0
        solara.Markdown(f"**Month: {model.month_label}** "
                        f"(scenario {scenario.name}, {len(model.population):,} worker agents "
                        f"of {scenario.people_per_agent:g} people; last month took "
                        f"{last:.0f} ms)")
        regular, irregular = model.regular_stock, model.irregular_stock
        solara.Markdown(f"Regular stock: **{regular:,.0f}** people &nbsp; "
                        f"Irregular stock: **{irregular:,.0f}** people",
                        style={"font-size": "1.05em"})
        with solara.Columns([1, 1]):
            arrivals = session.month_table("arrivals")
            stocks = session.month_table("stock")
            ChartWithExport(network_map(arrivals, stocks,
                                        f"Arrivals in {model.month_label} (width) and stocks"),
                            pd.concat([arrivals.assign(measure="arrivals"),
                                       stocks.assign(measure="stock")]), "map")
            series = session.stock_series()
            ChartWithExport(series_figure(series, "Migrant stock, all corridors"), series,
                            "stock_series")
        with solara.Details(summary="Agent inspector", expand=True):
            Inspector(session, tick.value)
