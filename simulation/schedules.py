"""Month-by-month paths fixed by the scenario: wages, labour demand, the windows in which
amnesties, return-only programmes, deployment bans, border closures and push shocks are on,
and the enforcement threat announced with the amnesties.

With the rest of the world on, a destination's demand is the modelled origins' demand plus the
rest of the world's (``labour_demand.csv``), one pool that workers of every origin compete for.

Precomputed once per run as arrays indexed [country or corridor, month], so the monthly step
only looks values up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenarios.scenario import Scenario
from scenarios.world import World, path

from .policy import LeverArrays

__all__ = ["Schedules"]


def _windows(starts: tuple[int, ...], length: int, n_months: int) -> np.ndarray:
    on = np.zeros(n_months, bool)
    for s in starts:
        on[s : s + length] = True
    return on


def _window_threat(lv: LeverArrays, destination: int, n_months: int) -> np.ndarray:
    """[month] The enforcement threat announced with destination ``destination``'s windows:
    ``amnesty_enforcement_threat``, and 1 in ``amnesty_high_threat_months`` (read only where
    a window is open).

    Why: the sources describe windows of different force (Thailand's of 2017 opened weeks
    after a decree's heavy fines, later ones as routine measures); one threat per
    destination cannot let one window pull harder than another (ODD 7.7 item 7)."""
    threat = np.full(n_months, float(lv.amnesty_enforcement_threat[destination]))
    high = [m for m in lv.amnesty_high_threat_months[destination] if m < n_months]
    threat[high] = 1.0
    return threat


def _openings(on: np.ndarray) -> np.ndarray:
    """[month] The month index at which the window open in each month opened (a run of open
    months is one window), -1 in closed months.

    Why: a window's conditions are met or not once, at its opening
    (``amnesty_eligibility_per_window``), so each open month must know its window."""
    opened = np.full(len(on), -1, np.int16)
    start = -1
    for m, is_open in enumerate(on):
        if is_open and start < 0:
            start = m
        elif not is_open:
            start = -1
        opened[m] = start
    return opened


def _demand(w: World, destination: str, n: int, growth: float, factor: float) -> np.ndarray:
    """[month] Demand for migrant workers in ``destination``: for the modelled origins'
    workers, plus, for each enabled origin with demand rows of its own (the rest of the
    world), that origin's; all of it one pool the workers of every origin compete for. The
    growth after the data and the factor apply to each part alike."""
    demand = path(w.demand_points[destination], growth, factor, n)
    for points in w.origin_demand_points.values():
        if destination in points:
            demand = demand + path(points[destination], growth, factor, n)
    return demand


@dataclass(frozen=True)
class Schedules:
    """Paths over the run's months, [country or corridor, month] (see the module doc)."""

    home_wage: np.ndarray  # [origin, month] USD per month, low-skill
    dest_wage: np.ndarray  # [destination, month] USD per month, low-skill market wage
    demand: np.ndarray  # [destination, month] people (before closure shocks)
    amnesty_open: np.ndarray  # [destination, month] bool
    amnesty_threat: np.ndarray  # [destination, month] announced threat (0-1) while open
    amnesty_opened: np.ndarray  # [destination, month] month the open window opened, -1 closed
    return_programme_open: np.ndarray  # [destination, month] bool
    closure: np.ndarray  # [destination, month] bool
    push_shock: np.ndarray  # [origin, month] bool
    deployment_ban: np.ndarray  # [corridor, month] bool

    @classmethod
    def build(cls, scenario: Scenario, lv: LeverArrays) -> Schedules:
        """The paths of ``scenario``'s world under the declared values ``lv``."""
        w, n = scenario.world, scenario.n_months
        n_o = len(w.origins)  # country-scope arrays: origins, then destinations

        def wage(country: int, code: str) -> np.ndarray:
            return path(
                w.wage_points[code],
                float(lv.wage_growth_after_data_pct_per_year[country]),
                float(lv.wage_level_factor[country]),
                n,
            )

        amnesty_open = np.array(
            [
                _windows(lv.amnesty_start[i], int(lv.amnesty_length_months[i]), n)
                for i in range(len(w.destinations))
            ]
        )
        return cls(
            home_wage=np.array([wage(i, o) for i, o in enumerate(w.origins)]),
            dest_wage=np.array([wage(n_o + i, d) for i, d in enumerate(w.destinations)]),
            demand=np.array(
                [
                    _demand(
                        w,
                        d,
                        n,
                        float(lv.labour_demand_growth_after_data_pct_per_year[i]),
                        float(lv.labour_demand_factor[i]),
                    )
                    for i, d in enumerate(w.destinations)
                ]
            ),
            amnesty_open=amnesty_open,
            amnesty_threat=np.array([_window_threat(lv, i, n) for i in range(len(w.destinations))]),
            amnesty_opened=np.array([_openings(on) for on in amnesty_open]),
            return_programme_open=np.array(
                [
                    _windows(
                        lv.return_programme_start[i], int(lv.return_programme_length_months[i]), n
                    )
                    for i in range(len(w.destinations))
                ]
            ),
            closure=np.array(
                [
                    _windows(lv.border_closure_start[i], int(lv.border_closure_length_months[i]), n)
                    for i in range(len(w.destinations))
                ]
            ),
            push_shock=np.array(
                [
                    _windows(lv.push_shock_start[i], int(lv.push_shock_length_months[i]), n)
                    for i in range(n_o)
                ]
            ),
            deployment_ban=np.array(
                [
                    _windows(lv.deployment_ban_start[i], int(lv.deployment_ban_length_months[i]), n)
                    for i in range(len(w.corridors))
                ]
            ),
        )
