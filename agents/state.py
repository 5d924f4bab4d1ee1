"""State agents: one per country, applying its policy levers each month.

A receiving state sets this month's arrest probability (raised during an adaptive crackdown),
resets its annual regular quota each January (raised after a year of labour shortage when
adaptive), opens amnesty windows and border closures on schedule and sets labour demand. A
sending state switches its push shocks and deployment bans on and off. These time-varying
values go into the model's :class:`~simulation.policy.Policy` arrays; the sending levers that
do not vary over time (fee cap, inspections, training, information, reintegration) act
directly in the vectorised rules (``model.lv``).
"""

from __future__ import annotations

import mesa

__all__ = ["State"]


class State(mesa.Agent):
    """A sending or receiving government."""

    def __init__(self, model: mesa.Model, country: str, role: str, index: int) -> None:
        super().__init__(model)
        self.country = country
        self.role = role  # "origin" or "destination"
        self.index = index  # position among the world's origins or destinations
        self.crackdown = False
        self.quota_this_year = 0.0
        self.unfilled_vacancies_this_year = 0.0  # mean monthly unfilled vacancies, people
        self.demand_this_year = 0.0  # mean monthly demand, people
        self.crackdown_months = 0

    def apply_policy(self, month: int) -> None:
        """Write this month's policy of the country into ``model.policy``."""
        if self.role == "destination":
            self._apply_receiving(month)
        else:
            self._apply_sending(month)

    def _apply_receiving(self, month: int) -> None:
        m, d = self.model, self.index
        lv, p = m.lv, m.policy
        adaptive = bool(lv.adaptive_policy[d])
        if month % 12 == 0:  # January: a new quota year
            quota = float(lv.annual_regular_quota[d])
            shortage = (
                self.unfilled_vacancies_this_year
                > lv.labour_shortage_vacancy_rate * self.demand_this_year
            )
            if adaptive and month > 0 and shortage:
                self.quota_this_year = max(self.quota_this_year, quota) * (
                    1.0 + float(lv.quota_increase_on_shortage_pct[d]) / 100.0
                )
            else:
                self.quota_this_year = quota
            p.quota_remaining[d] = self.quota_this_year
            self.unfilled_vacancies_this_year = 0.0
            self.demand_this_year = 0.0
        irregular_stock = m.irregular_stock_by_destination()[d]
        self.crackdown = bool(
            adaptive and irregular_stock > float(lv.crackdown_threshold_irregular_people[d])
        )
        self.crackdown_months += int(self.crackdown)
        factor = float(lv.crackdown_enforcement_multiplier[d]) if self.crackdown else 1.0
        p.arrest_probability[d] = min(
            1.0, float(lv.enforcement_monthly_arrest_probability[d]) * factor
        )
        p.border_closed[d] = m.schedules.closure[d, month]
        p.amnesty_open[d] = m.schedules.amnesty_open[d, month]
        demand = m.schedules.demand[d, month]
        if p.border_closed[d]:
            demand *= float(lv.border_closure_demand_factor[d])
        p.demand[d] = demand
        self.demand_this_year += demand / 12.0
        p.market_wage[d] = m.schedules.dest_wage[d, month]

    def _apply_sending(self, month: int) -> None:
        m, o = self.model, self.index
        m.policy.push_shock[o] = m.schedules.push_shock[o, month]
        for ci in m.corridors_of_origin[o]:
            m.policy.deployment_ban[ci] = m.schedules.deployment_ban[ci, month]

    def record_unfilled(self, vacancies: float) -> None:
        """Add this month's unfilled vacancies (people, already divided by 12) to the year's."""
        self.unfilled_vacancies_this_year += vacancies
