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
        if month % 12 == 0:  # January: a new quota year
            self.start_quota_year(month)
        self.set_enforcement()
        self.set_market(month)

    def start_quota_year(self, month: int) -> None:
        """January. Reads the year's mean unfilled vacancies and demand; writes
        ``quota_this_year`` and the policy's ``quota_remaining``: the declared
        ``annual_regular_quota``, or, when adaptive after a year in which unfilled vacancies
        exceeded ``labour_shortage_vacancy_rate`` of demand, the larger of last year's and the
        declared quota raised by ``quota_increase_on_shortage_pct``; resets the year's sums.

        Why: a receiving state opens more regular places after a labour shortage."""
        lv, d = self.model.lv, self.index
        quota = float(lv.annual_regular_quota[d])
        shortage = (
            self.unfilled_vacancies_this_year
            > lv.labour_shortage_vacancy_rate * self.demand_this_year
        )
        if bool(lv.adaptive_policy[d]) and month > 0 and shortage:
            self.quota_this_year = max(self.quota_this_year, quota) * (
                1.0 + float(lv.quota_increase_on_shortage_pct[d]) / 100.0
            )
        else:
            self.quota_this_year = quota
        self.model.policy.quota_remaining[d] = self.quota_this_year
        self.unfilled_vacancies_this_year = 0.0
        self.demand_this_year = 0.0

    def set_enforcement(self) -> None:
        """Reads the irregular stock at the end of last month; writes ``crackdown``,
        ``crackdown_months`` and the policy's ``arrest_probability``: the declared
        ``enforcement_monthly_arrest_probability``, times ``crackdown_enforcement_multiplier``
        (at most 1) during a crackdown, which an adaptive state starts when the irregular
        stock passes ``crackdown_threshold_irregular_people``.

        Why: receiving states crack down when irregular migration grows."""
        m, d = self.model, self.index
        lv = m.lv
        irregular_stock = m.irregular_stock_by_destination()[d]
        self.crackdown = bool(
            bool(lv.adaptive_policy[d])
            and irregular_stock > float(lv.crackdown_threshold_irregular_people[d])
        )
        self.crackdown_months += int(self.crackdown)
        factor = float(lv.crackdown_enforcement_multiplier[d]) if self.crackdown else 1.0
        m.policy.arrest_probability[d] = min(
            1.0, float(lv.enforcement_monthly_arrest_probability[d]) * factor
        )

    def set_market(self, month: int) -> None:
        """Writes the policy's ``border_closed``, ``amnesty_open``, ``amnesty_threat``,
        ``amnesty_opened``, ``return_programme_open``, ``demand`` (the demand path, times
        ``border_closure_demand_factor`` during a closure) and ``market_wage`` for this month
        from the schedules; adds the demand to the year's mean.

        Why: closures, amnesty windows, return programmes, demand and wages follow the
        scenario's paths."""
        m, d = self.model, self.index
        p = m.policy
        p.border_closed[d] = m.schedules.closure[d, month]
        p.amnesty_open[d] = m.schedules.amnesty_open[d, month]
        p.amnesty_threat[d] = m.schedules.amnesty_threat[d, month]
        p.amnesty_opened[d] = m.schedules.amnesty_opened[d, month]
        p.return_programme_open[d] = m.schedules.return_programme_open[d, month]
        demand = m.schedules.demand[d, month]
        if p.border_closed[d]:
            demand *= float(m.lv.border_closure_demand_factor[d])
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
