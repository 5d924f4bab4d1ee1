"""Month-by-month paths fixed by the scenario: wages, labour demand and the windows in which
amnesties, deployment bans, border closures and push shocks are on.

Precomputed once per run as arrays indexed [country or corridor, month], so the monthly step
only looks values up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenarios.scenario import Scenario
from scenarios.world import path

__all__ = ["Schedules"]


def _windows(starts: tuple[int, ...], length: int, n_months: int) -> np.ndarray:
    on = np.zeros(n_months, bool)
    for s in starts:
        on[s : s + length] = True
    return on


@dataclass(frozen=True)
class Schedules:
    home_wage: np.ndarray  # [origin, month] USD per month, low-skill
    dest_wage: np.ndarray  # [destination, month] USD per month, low-skill market wage
    demand: np.ndarray  # [destination, month] people (before closure shocks)
    amnesty_open: np.ndarray  # [destination, month] bool
    closure: np.ndarray  # [destination, month] bool
    push_shock: np.ndarray  # [origin, month] bool
    deployment_ban: np.ndarray  # [corridor, month] bool

    @classmethod
    def build(cls, scenario: Scenario) -> Schedules:
        w, v, n = scenario.world, scenario.values, scenario.n_months

        def wage(country: str) -> np.ndarray:
            return path(
                w.wage_points[country],
                v["wage_growth_after_data_pct_per_year"][country],
                v["wage_level_factor"][country],
                n,
            )

        return cls(
            home_wage=np.array([wage(o) for o in w.origins]),
            dest_wage=np.array([wage(d) for d in w.destinations]),
            demand=np.array(
                [
                    path(
                        w.demand_points[d],
                        v["labour_demand_growth_after_data_pct_per_year"][d],
                        v["labour_demand_factor"][d],
                        n,
                    )
                    for d in w.destinations
                ]
            ),
            amnesty_open=np.array(
                [
                    _windows(v["amnesty_start"][d], v["amnesty_length_months"][d], n)
                    for d in w.destinations
                ]
            ),
            closure=np.array(
                [
                    _windows(v["border_closure_start"][d], v["border_closure_length_months"][d], n)
                    for d in w.destinations
                ]
            ),
            push_shock=np.array(
                [
                    _windows(v["push_shock_start"][o], v["push_shock_length_months"][o], n)
                    for o in w.origins
                ]
            ),
            deployment_ban=np.array(
                [
                    _windows(
                        v["deployment_ban_start"][c.code],
                        v["deployment_ban_length_months"][c.code],
                        n,
                    )
                    for c in w.corridors
                ]
            ),
        )
