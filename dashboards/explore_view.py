"""The student's view: one run, month by month.

Play, pause, step, run to the end and reset; a render interval ("draw every N months") and a
speed; the scenario's seed. A map of the region with each corridor drawn by this month's
arrivals and coloured by channel; live charts of the stocks, arrivals, deportations and
recruitment fees; an inspector showing one worker's state, history and the choice
probabilities behind its last decision (pick one with the button, or by clicking a country,
a corridor or a chart).

Why it is built this way:

* The model is built only when the student asks (Step, Play or Run to end): a page that is
  opened and never explored costs no model. Each browser session has its own
  (``ExploreRun``, never module level).
* Playing runs in a background task of the session. A lever change while playing starts a
  new run from the new settings and keeps playing it (the loop asks ``ExploreRun`` for the
  run of the current settings every month). At most one loop steps a run: each Play, Pause
  and Reset takes a new token and an older loop stops at its next month.
* Charts are ECharts options (numbers), redrawn by the browser; the player draws a frame
  only once the browser has shown the previous one (``FrameClock``), so a slow browser sees
  fewer frames instead of a growing backlog, and Pause is heard at once.
"""

from __future__ import annotations

import csv
import io
import math
import time
from functools import partial

import numpy as np
import solara
import solara.lab

from scenarios.calendar import INITIAL_LABEL, month_label
from scenarios.errors import ScenarioError

from .echart_panel import ChartOption, ChartPanel
from .explore_charts import (
    aria_label,
    probability_height_px,
    probability_option,
    series_csv,
    series_option,
)
from .explore_run import CHANNELS, ExploreRun, ExploreSession
from .frame_clock import FrameAcks, FrameClock
from .play_pacing import Pacer, frame_due
from .region_map import (
    MAP_NAME,
    MapPick,
    map_option,
    nice_scale,
    parse_map_click,
    region_geojson_text,
)
from .render_island import Island

__all__ = ["CHANNEL_TEXT", "PACES", "ExploreSession", "ExploreView"]

PACES = {"1 month/s": 1.0, "3 months/s": 3.0, "1 year/s": 12.0, "fastest": math.inf}
DEFAULT_PACE = "1 year/s"
MAX_EVERY_MONTHS = 120
MAP_HEIGHT_PX = 470
SERIES_HEIGHT_PX = 230
CHANNEL_TEXT = (
    "**Regular** migrant workers came through a licensed agency with a work permit (or "
    "were registered in an amnesty). **Irregular** ones crossed with a broker or smuggler, "
    "or stayed on after their permit ended; they can be arrested and deported."
)


class SeriesChart:
    """One live chart: a measure summed over corridors, by channel, in a readable unit."""

    def __init__(
        self,
        name: str,
        measure: str,
        title: str,
        unit: str,
        divisor: float,
        channels: tuple[str, ...] = CHANNELS,
        digits: int = 2,
    ) -> None:
        self.name, self.measure, self.title, self.unit = name, measure, title, unit
        self.divisor, self.channels, self.digits = divisor, channels, digits

    def columns(self, session: ExploreSession | None) -> dict[str, np.ndarray]:
        if session is None:
            return {c: np.zeros(0) for c in self.channels}
        data = session.channel_series(self.measure) / self.divisor
        return {c: data[:, CHANNELS.index(c)] for c in self.channels}


SERIES = (
    SeriesChart("stocks", "stock", "Migrant workers abroad", "thousand people", 1e3, digits=1),
    SeriesChart("arrivals", "arrivals", "Arrivals per month", "thousand people", 1e3),
    SeriesChart(
        "deportations",
        "deportations",
        "Deportations per month",
        "people",
        1.0,
        channels=("irregular",),
        digits=0,
    ),
    SeriesChart(
        "fees", "recruitment_fees_paid_usd", "Recruitment fees paid per month", "million USD", 1e6
    ),
)
CLICKABLE_SERIES = {"stocks", "arrivals"}  # a click on these picks a worker of the channel


def _scenario(settings, seed: int | None):
    """The scenario of the panel's settings (with the student's seed), or the problem."""
    try:
        scenario = settings.scenario()
        if seed is not None and seed != scenario.seed:
            scenario = scenario.with_values(seed=int(seed))
    except ScenarioError as exc:
        return None, str(exc)
    return scenario, ""


def _map_csv(session: ExploreSession | None) -> str:
    """This month's arrivals and stocks per corridor and channel (people)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["month", "origin", "destination", "channel", "arrivals_people", "stock_people"]
    )
    if session is not None:
        arrivals, stocks = session.latest("arrivals"), session.latest("stock")
        for i, c in enumerate(session.model.world.corridors):
            for k, channel in enumerate(CHANNELS):
                writer.writerow(
                    [
                        session.model.month_label,
                        c.origin,
                        c.destination,
                        channel,
                        float(arrivals[i, k]),
                        float(stocks[i, k]),
                    ]
                )
    return out.getvalue()


def _probability_csv(probabilities: dict[str, float]) -> str:
    lines = ["alternative,probability"] + [f"{k},{p!r}" for k, p in probabilities.items()]
    return "\n".join(lines) + "\n"


def _series_csv(session: ExploreSession | None, chart: SeriesChart) -> str:
    months = session.month_labels[: session.months_done + 1] if session else []
    return series_csv(months, chart.columns(session), chart.unit)


@solara.component
def ExploreView(settings: solara.Reactive):
    run = solara.use_memo(ExploreRun, dependencies=[])
    acks = solara.use_memo(FrameAcks, dependencies=[])
    rng = solara.use_memo(np.random.default_rng, dependencies=[])
    frame = solara.use_reactive(0)  # bumps with every frame drawn
    playing = solara.use_reactive(False)
    to_end = solara.use_reactive(False)
    finished = solara.use_reactive(False)  # the run shown has reached its last month
    every = solara.use_reactive(1)
    pace = solara.use_reactive(DEFAULT_PACE)
    seed = solara.use_reactive(None)  # None: the scenario's own seed
    agent = solara.use_reactive(None)  # agent id shown in the inspector
    note = solara.use_reactive("")

    def wanted():
        scenario, problem = _scenario(settings.value, seed.value)
        if scenario is not None:
            run.want(scenario)
        return scenario, problem

    scenario, problem = solara.use_memo(wanted, dependencies=[settings.value, seed.value])
    solara.use_effect(lambda: run.close, dependencies=[])  # a closed page stops playing

    def draw() -> int:
        """Show the run as it is now (re-renders ``LiveArea`` only)."""
        session = run.current()
        finished.set(session is not None and session.finished)
        frame.set(frame.value + 1)
        return frame.value

    def play_loop(token: int, until_end: bool):
        """Step the run of the current settings until paused or at its end, drawing frames
        as ``frame_due`` says (see the module's docstring)."""
        pacer = Pacer(math.inf if until_end else PACES[pace.value])
        session, sent, months_since = None, frame.value, 0
        last_draw = time.perf_counter()
        try:
            while run.loop_active(token):
                current = run.ensure()  # a new run when the settings changed meanwhile
                if not run.loop_active(token):
                    break
                if current is not session:
                    if session is not None:  # show the new run's first month at once
                        sent, last_draw, months_since = draw(), time.perf_counter(), 0
                    session = current
                    pacer.restart(time.perf_counter())
                if not session.step():
                    break
                months_since += 1
                now = time.perf_counter()
                if frame_due(
                    months_since=months_since,
                    every_months=every.value,
                    seconds_since=now - last_draw,
                    to_end=until_end,
                    shown=not acks.heard or acks.drawn(sent),
                ):
                    sent, last_draw, months_since = draw(), time.perf_counter(), 0
                if not until_end:
                    pacer.months_per_s = PACES.get(pace.value, 12.0)
                wait_s = pacer.wait_s(time.perf_counter())
                if wait_s > 0:
                    time.sleep(wait_s)
        finally:
            if not run.closed:
                draw()  # the last month simulated, before the controls say it stopped
            if run.loop_active(token) and not run.closed:
                playing.set(False)
                to_end.set(False)

    player = solara.lab.use_task(play_loop, dependencies=None, raise_error=False)

    def start(until_end: bool) -> None:
        if scenario is None:
            return
        token = run.start_loop()
        playing.set(True)
        to_end.set(until_end)
        player(token, until_end)

    def pause() -> None:
        run.stop_loop()
        playing.set(False)
        to_end.set(False)
        draw()

    def step_once() -> None:
        if scenario is None:
            return
        run.ensure().step()
        draw()

    def reset() -> None:
        run.stop_loop()
        playing.set(False)
        to_end.set(False)
        if scenario is not None:
            run.restart()
        draw()

    def pick(target: MapPick) -> None:
        session = run.current()
        if session is None:
            note.set("Press Step or Play first: the run starts then.")
            return
        found = session.pick_worker(
            rng,
            origin=target.origin,
            destination=target.destination,
            corridor=target.corridor,
            channel=target.channel,
        )
        if found is None:
            note.set(f"No worker {target.describe()} in {session.model.month_label}.")
        else:
            agent.set(found)
            note.set(f"Worker {found}, picked {target.describe()}.")

    def on_map_click(event) -> None:
        target = parse_map_click(event, scenario.world) if scenario is not None else None
        if target is None:
            note.set("That country is not in the model's world: click one with a marker.")
        else:
            pick(target)

    def on_series_click(event) -> None:
        name = event.get("seriesName") if isinstance(event, dict) else None
        if name in CHANNELS:
            pick(MapPick(channel=name))

    busy = playing.value
    stopped = finished.value or scenario is None
    with solara.Column(gap="10px", classes=["explore-view"]):
        with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.Button(
                "Pause" if busy else "Play",
                color="primary",
                on_click=pause if busy else partial(start, False),
                disabled=not busy and stopped,
            )
            solara.Button("Step", on_click=step_once, disabled=busy or stopped)
            solara.Button(
                "Run to end", on_click=partial(start, True), disabled=to_end.value or stopped
            )
            solara.Button("Reset", on_click=reset, disabled=scenario is None)
            with solara.Div(style={"width": "170px"}):
                solara.InputInt(
                    "Draw every N months",
                    value=every.value,
                    on_value=lambda n: every.set(min(MAX_EVERY_MONTHS, max(1, int(n or 1)))),
                    continuous_update=False,
                    dense=True,
                )
            with solara.Div(classes=["explore-speed"]):
                solara.ToggleButtonsSingle(value=pace, values=list(PACES), dense=True)
            with solara.Div(style={"width": "150px"}):
                solara.InputInt(
                    "Seed",
                    value=seed.value
                    if seed.value is not None
                    else (scenario.seed if scenario is not None else 0),
                    on_value=lambda s: seed.set(None if s is None else int(s)),
                    continuous_update=False,
                    dense=True,
                )
            solara.Button(
                "Another seed",
                text=True,
                on_click=lambda: seed.set(int(rng.integers(1, 2**31 - 1))),
            )
        if problem:
            solara.Error(f"These settings are not a valid scenario: {problem}")
        if player.error:
            solara.Error(f"Playing stopped: {player.exception!r}")
        Island(
            LiveArea(
                run,
                frame,
                acks,
                scenario,
                agent,
                note,
                on_map_click,
                on_series_click,
                lambda: pick(MapPick()),
            ),
            classes=["explore-live"],
        )


@solara.component
def LiveArea(
    run: ExploreRun,
    frame: solara.Reactive,
    acks: FrameAcks,
    scenario,
    agent: solara.Reactive,
    note: solara.Reactive,
    on_map_click,
    on_series_click,
    pick_any,
):
    """Everything that changes with the month, rendered as an ``Island``: only this
    component reads ``frame``, so a frame re-renders and reconciles it alone, not the
    controls above it nor the rest of the page."""
    shown = frame.value
    session = run.current()
    MonthCounter(session, scenario, shown)
    solara.Markdown(CHANNEL_TEXT, style={"font-size": "0.95em"})
    FrameClock(shown, acks)
    with solara.ColumnsResponsive(default=12, large=[6, 6], gutters_dense=True):
        MapPanel(session, scenario, shown, on_map_click)
        with solara.Column(gap="4px"):
            for chart in SERIES:
                SeriesPanel(
                    session,
                    scenario,
                    chart,
                    shown,
                    on_series_click if chart.name in CLICKABLE_SERIES else None,
                )
    with solara.Details(summary="Agent inspector", expand=True):
        Inspector(session, agent, note, shown, pick_any)


@solara.component
def MonthCounter(session: ExploreSession | None, scenario, frame: int):
    """The month shown, how far the run is, and the stocks at the end of that month
    (``frame``: re-rendered with every frame, the session itself being the same object)."""
    with solara.Div(classes=["explore-month"]):
        if session is None:
            solara.Markdown(
                f"**Month: {INITIAL_LABEL}** · the run starts when you press "
                "Step, Play or Run to end"
            )
            return
        MonthText(session, scenario, frame)


@solara.component
def MonthText(session: ExploreSession, scenario, frame: int):
    model = session.model
    last_ms = session.step_seconds[-1] * 1000 if session.step_seconds else 0.0
    state = " · the run is over (Reset to start again)" if session.finished else ""
    solara.Markdown(
        f"**Month: {model.month_label}** · month {session.months_done} of "
        f"{session.months_total}{state}  \n"
        f"Regular stock: **{model.regular_stock:,.0f}** people · "
        f"Irregular stock: **{model.irregular_stock:,.0f}** people  \n"
        f"<small>scenario {scenario.name}, seed {session.scenario.seed}; "
        f"{len(model.population):,} worker agents of {session.scenario.people_per_agent:g} "
        f"people each; last month took {last_ms:.0f} ms to simulate</small>"
    )


@solara.component
def MapPanel(session: ExploreSession | None, scenario, frame: int, on_click):
    csv_of = solara.use_memo(lambda: partial(_map_csv, session), dependencies=[session])
    if scenario is None:
        return
    world = scenario.world
    n = len(world.corridors)
    if session is None:
        arrivals = stocks = np.zeros((n, 2))
        month, peak = INITIAL_LABEL, 0.0
    else:
        arrivals, stocks = session.latest("arrivals"), session.latest("stock")
        month = session.model.month_label
        peak = session.peak("arrivals")
    option = map_option(
        world=world, arrivals=arrivals, stocks=stocks, month=month, scale_people=nice_scale(peak)
    )
    total = arrivals.sum(axis=0)
    label = (
        f"Map of the region: arrows from origin to destination countries, their width "
        f"the people who arrived in {month}; {total[0]:,.0f} regular and "
        f"{total[1]:,.0f} irregular arrivals in all."
    )
    ChartPanel(
        ChartOption(option),
        name="explore_map",
        aria_label=label,
        height_px=MAP_HEIGHT_PX,
        csv=csv_of,
        on_click=on_click,
        maps={MAP_NAME: region_geojson_text()},
    )


@solara.component
def SeriesPanel(session: ExploreSession | None, scenario, chart: SeriesChart, frame: int, on_click):
    csv_of = solara.use_memo(
        lambda: partial(_series_csv, session, chart), dependencies=[session, chart]
    )
    if scenario is None:
        return
    months = session.month_labels[: session.months_done + 1] if session else []
    columns = chart.columns(session)
    last = session.month_labels[-1] if session else month_label(scenario.end)
    option = series_option(
        title=chart.title,
        months=months,
        columns=columns,
        unit=chart.unit,
        first_month=INITIAL_LABEL,
        last_month=last,
        file_name=f"explore_{chart.name}",
        digits=chart.digits,
    )
    ChartPanel(
        ChartOption(option),
        name=f"explore_{chart.name}",
        height_px=SERIES_HEIGHT_PX,
        aria_label=aria_label(chart.title, months, columns, chart.unit),
        csv=csv_of,
        on_click=on_click,
    )


@solara.component
def Inspector(
    session: ExploreSession | None,
    agent: solara.Reactive,
    note: solara.Reactive,
    frame: int,
    pick_any,
):
    """One worker: the number is its Mesa agent id (``unique_id``)."""
    with solara.Column(gap="6px"):
        with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}):
            with solara.Div(style={"width": "190px"}):
                solara.InputInt(
                    "Worker (agent id)",
                    value=agent.value,
                    optional=True,
                    on_value=agent.set,
                    continuous_update=False,
                    dense=True,
                )
            solara.Button("Pick a migrant", on_click=pick_any)
            if note.value:
                solara.Text(note.value)
        if session is None:
            solara.Markdown(
                "Start the run, then pick a worker with the button or by clicking "
                "a country, a corridor's arrow or the stock and arrival charts."
            )
            return
        ids = session.agent_ids()
        if agent.value is None:
            solara.Markdown(
                f"No worker picked yet (agent ids run from {ids.start:,} to {ids.stop - 1:,})."
            )
            return
        worker = session.worker_by_id(agent.value)
        if worker is None:
            solara.Error(
                f"There is no worker {agent.value}: choose an agent id from "
                f"{ids.start:,} to {ids.stop - 1:,}."
            )
            return
        WorkerDetails(worker, frame)


@solara.component
def WorkerDetails(worker, frame: int):
    info = worker.describe()
    rows = "\n".join(f"| {k} | {v} |" for k, v in info.items())
    history = worker.history()
    changes = (
        "; ".join(
            f"{h['month']}: {h['from']} → {h['to']}"
            + (f" ({h['corridor']})" if h["corridor"] else "")
            for h in history[-12:]
        )
        or "no change of status yet"
    )
    with solara.Columns([1, 2], gutters_dense=True):
        with solara.Div(classes=["explore-worker"]):
            solara.Markdown(f"| attribute | value |\n|---|---|\n{rows}")
        with solara.Column(gap="4px"):
            solara.Markdown(f"**History** (last 12 changes): {changes}")
            choice = worker.last_choice()
            if choice is None:
                solara.Markdown("This worker has not weighed migrating yet.")
                return
            solara.Markdown(
                f"**Last decision** ({choice['month']}): chose "
                f"*{choice['chosen']}*, {choice['outcome']}."
            )
            ProbabilityChart(worker.unique_id, choice)


@solara.component
def ProbabilityChart(agent_id: int, choice: dict):
    probabilities = choice["probabilities"]
    option = solara.use_memo(
        lambda: probability_option(
            probabilities,
            choice["chosen"],
            f"Choice probabilities, {choice['month']} (nested logit)",
            f"worker_{agent_id}_choice",
        ),
        dependencies=[agent_id, choice["month"], choice["chosen"]],
    )
    spoken = ", ".join(f"{k} {100 * p:.1f}%" for k, p in probabilities.items())
    csv_text = solara.use_memo(
        lambda: partial(_probability_csv, probabilities),
        dependencies=[agent_id, choice["month"], choice["chosen"]],
    )
    ChartPanel(
        ChartOption(option),
        name=f"worker_{agent_id}_choice",
        csv=csv_text,
        aria_label=f"Bar chart: choice probabilities of worker {agent_id} in "
        f"{choice['month']}: {spoken}; chose {choice['chosen']}.",
        height_px=probability_height_px(len(probabilities)),
    )
