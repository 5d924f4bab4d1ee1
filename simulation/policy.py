"""Declared values as typed arrays in world order, and this month's effective policy.

:class:`LeverArrays` holds every lever, driver and behavioural parameter of the scenario
(``scenarios/levers.py``, ``drivers.py``, ``parameters.py``), one field per declaration, as
the rules read it: a float or int for a global declaration, a numpy array in world order for
one declared per origin, destination, corridor or country (``world.countries``: origins then
destinations), and a tuple of start-month indices per key for a list of months. It is built
once per run (``model.lv``), frozen and with read-only arrays, and it is the only way the
rules in ``simulation/`` and ``agents/`` read a declared value; ``tests/test_rules_levers.py``
checks that its fields are exactly the declarations, so adding a declaration without a field
(or the reverse) fails.
``Policy`` holds what the states decided for the current month (quotas left, arrest
probability after any crackdown, closures, amnesties, bans).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from scenarios.registry import DECLARATIONS, SECTIONS
from scenarios.scenario import Scenario

__all__ = [
    "LEVER_SECTIONS",
    "BoolArray",
    "FloatArray",
    "IntArray",
    "LeverArrays",
    "Policy",
    "declared_lever_names",
    "lever_arrays",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

LEVER_SECTIONS = ("levers", "drivers", "parameters")
"""The sections of a scenario file whose declarations are fields of :class:`LeverArrays`
(run settings such as ``seed`` or ``end`` are read from the scenario itself)."""


@dataclass(frozen=True, slots=True)
class LeverArrays:
    """Every declared lever, driver and parameter of one run, typed (see the module doc).

    Comments give the scope in brackets (the array's index) and the declared unit.
    """

    # ---- levers
    annual_regular_quota: IntArray  # [destination] people per year
    employer_levy_usd_per_month: FloatArray  # [destination] USD per worker per month
    enforcement_monthly_arrest_probability: FloatArray  # [destination] probability per irregular...
    border_area_arrest_probability: FloatArray  # [corridor] probability per recent irregular...
    detention_places: FloatArray  # [destination] people (0: no limit)
    employer_sanction_usd_per_irregular_worker: FloatArray  # [destination] USD per irregular wor...
    amnesty_start: tuple[tuple[int, ...], ...]  # [destination] start months (month indices)
    amnesty_length_months: IntArray  # [destination] months
    amnesty_fee_usd: FloatArray  # [destination] USD per person
    amnesty_eligible_share: FloatArray  # [destination] share of irregular workers
    amnesty_eligibility_per_window: BoolArray  # [destination] on/off
    amnesty_verification_months: FloatArray  # [destination] months
    amnesty_verification_capacity_per_month: FloatArray  # [destination] people per month
    amnesty_verification_fee_usd: FloatArray  # [destination] USD per person
    amnesty_verification_failure_share: FloatArray  # [destination] share of verifications
    amnesty_verification_deadline_months: IntArray  # [destination] months
    amnesty_return_track: BoolArray  # [destination] on/off
    amnesty_enforcement_threat: FloatArray  # [destination] intensity (0-1)
    amnesty_high_threat_months: tuple[tuple[int, ...], ...]  # [destination] months (month i...
    amnesty_information_coverage: FloatArray  # [destination] share of irregular workers reached
    amnesty_origin_eligible: BoolArray  # [corridor] on/off
    return_programme_start: tuple[tuple[int, ...], ...]  # [destination] start months (month i...
    return_programme_length_months: IntArray  # [destination] months
    return_programme_fee_usd: FloatArray  # [destination] USD per person
    migrant_minimum_wage_usd_per_month: FloatArray  # [destination] USD per month
    protection_coverage: FloatArray  # [destination] share of migrant workers reached
    social_security_portability: FloatArray  # [destination] share of contributions paid out on r...
    permit_employer_tie: FloatArray  # [destination] strength (0-1)
    regular_stay_limit_months: IntArray  # [destination] months
    documents_held_share: FloatArray  # [destination] share of regular migrant workers
    document_retention_ban_enforcement: FloatArray  # [destination] intensity (0-1)
    permit_renewal_fee_usd: FloatArray  # [destination] USD per renewal
    permit_renewal_processing_months: FloatArray  # [destination] months
    recruitment_fee_cap_usd: FloatArray  # [origin] USD per worker
    agency_inspection_rate: FloatArray  # [origin] probability per agency per month
    deployment_ban_start: tuple[tuple[int, ...], ...]  # [corridor] start months (month indices)
    deployment_ban_length_months: IntArray  # [corridor] months
    predeparture_training_coverage: FloatArray  # [origin] share of regular migrants trained
    contract_loan_share: FloatArray  # [origin] share of a regular move's cost borrowable
    information_campaign_coverage: FloatArray  # [origin] share of potential migrants reached
    reintegration_programme_coverage: FloatArray  # [origin] share of returnees reached
    regular_processing_months: FloatArray  # [corridor] months
    regular_official_fee_usd: FloatArray  # [corridor] USD per worker
    remittance_cost_pct: FloatArray  # [corridor] percent of the amount sent
    anti_trafficking_enforcement: FloatArray  # [destination] intensity (0-1)
    border_control: FloatArray  # [destination] intensity (0-1)
    seasonal_share: FloatArray  # [corridor] share of arrivals
    asean_japan_training_cooperation: float  # intensity (0-1)
    titp_max_stay_months: int  # months
    ssw_max_stay_months: int  # months
    ssw_cost_share: float  # share of the TITP fee
    adaptive_policy: BoolArray  # [destination] on/off
    crackdown_threshold_irregular_people: FloatArray  # [destination] people
    crackdown_enforcement_multiplier: FloatArray  # [destination] times
    quota_increase_on_shortage_pct: FloatArray  # [destination] percent per year
    # ---- drivers
    wage_level_factor: FloatArray  # [country] times the world-data path
    wage_growth_after_data_pct_per_year: FloatArray  # [country] percent per year
    labour_demand_factor: FloatArray  # [destination] times the world-data path
    labour_demand_growth_after_data_pct_per_year: FloatArray  # [destination] percent per year
    border_closure_start: tuple[tuple[int, ...], ...]  # [destination] start months (month indices)
    border_closure_length_months: IntArray  # [destination] months
    border_closure_demand_factor: FloatArray  # [destination] times normal demand
    border_closure_crossing_factor: FloatArray  # [destination] share of irregular crossings stil...
    border_closure_removal_factor: FloatArray  # [destination] share of due deportations carr...
    reentry_after_forced_return: FloatArray  # [destination] share of those sent back
    initial_forced_returns_per_month: FloatArray  # [corridor] people per month
    agency_capacity_growth_per_month: FloatArray  # [corridor] share of capacity a month
    corridor_constant: FloatArray  # [corridor] utility
    corridor_arrest_risk_weight: FloatArray  # [corridor] times beta_arrest_risk
    push_shock_start: tuple[tuple[int, ...], ...]  # [origin] start months (month indices)
    push_shock_length_months: IntArray  # [origin] months
    push_shock_home_income_factor: FloatArray  # [origin] times normal home income
    push_shock_decision_factor: FloatArray  # [origin] times the normal decision rate
    enforcement_scare_start: tuple[tuple[int, ...], ...]  # [destination] start months (month in...
    enforcement_scare_length_months: IntArray  # [destination] months
    enforcement_scare_size: FloatArray  # [destination] perceived yearly risk
    pandemic_start: tuple[tuple[int, ...], ...]  # [destination] start months (month indices)
    pandemic_length_months: IntArray  # [destination] months
    pandemic_size: FloatArray  # [destination] perceived yearly risk
    coup_start: tuple[tuple[int, ...], ...]  # [origin] start months (month indices)
    coup_length_months: IntArray  # [origin] months
    coup_size: FloatArray  # [origin] perceived yearly risk
    coup_verification_failure_share: FloatArray  # [origin] share of verifications abroad
    ssw_start: tuple[int, ...]  # start months (month indices); the first counts
    ssw_annual_intake: float  # people per year
    # ---- parameters
    decision_rate_per_month: float  # share per month
    vacancy_recruitment_pull: float  # times per unit vacancy rate
    stay_constant: float  # utility
    beta_log_earnings_gap: float  # utility per log point
    beta_cost_per_month_of_income: float  # utility per month of home income
    beta_wait_per_month: float  # utility per month
    beta_arrest_risk: float  # utility per unit annual risk
    beta_exploitation_risk: float  # utility per unit annual risk
    beta_network: float  # utility per log tie
    irregular_channel_constant: float  # utility
    regular_complexity_penalty: float  # utility
    nest_scale: float  # dimensionless
    risk_misperception: float  # share of true risk perceived
    network_mean_ties: float  # people (Poisson mean)
    skilled_home_wage_multiplier: float  # times
    borrowing_limit_months_of_income: float  # months of home income
    monthly_interest_rate_pct: float  # percent per month
    initial_savings_months_of_income: float  # months of home income (mean)
    home_saving_rate: float  # share of income
    living_cost_share_abroad: float  # share of earnings
    debt_repayment_share: float  # share of net earnings
    remittance_share: float  # share of net earnings after repayment
    irregular_wage_discount: float  # times the regular wage
    training_wage_premium: float  # share
    social_security_contribution_share: float  # share of wage
    reintegration_income_boost: float  # share of home income
    contract_months: int  # months
    contract_renewal_probability: float  # probability
    renewal_keep_market_slope: float  # probability per unit of market tightness
    voluntary_job_change_per_month: float  # probability per month
    renewal_lapse_per_processing_month: float  # probability per month
    overstay_probability: float  # probability
    return_hazard_per_month: float  # probability per month
    unemployed_return_hazard_per_month: float  # probability per month
    planned_return_share: float  # share of ending contracts
    border_area_months: int  # months
    border_area_risk_weight: float  # weight on the chance of an early (border-area) arrest
    season_length_months: int  # months
    seasonal_decision_factor: float  # times
    returnee_decision_factor: float  # times
    remigration_utility: float  # utility
    returnee_known_employer_utility: float  # utility
    beta_debt_push: float  # utility per month of income at home
    beta_shock_risk: float  # utility per unit annual risk
    shock_return_response: float  # probability per month per unit annual risk
    shock_return_decay_per_month: float  # share per month
    scare_regular_response: float  # times the irregular response
    regular_grace_months: int  # months
    detention_months: int  # months
    border_interception_max: float  # share of crossings
    amnesty_monthly_takeup: float  # probability per month
    return_programme_monthly_takeup: float  # probability per month
    amnesty_takeup_threat_sensitivity: FloatArray  # [destination] log take-up per unit of an...
    amnesty_takeup_fee_sensitivity: float  # log take-up per month of wage
    amnesty_takeup_time_sensitivity: float  # log take-up per month of verification
    amnesty_takeup_need_sensitivity: float  # log take-up per unit of market tightness
    amnesty_takeup_information_sensitivity: float  # log take-up per unit of coverage
    employer_irregular_hiring_base: float  # probability
    employer_sanction_sensitivity: float  # per USD of expected yearly fine
    sanction_dismissal_rate: float  # probability per month
    levy_job_order_elasticity: float  # per USD per month
    labour_shortage_vacancy_rate: float  # share of demand
    regular_job_order_share: float  # share of vacancies
    exploitation_base_regular: float  # probability per month
    exploitation_base_irregular: float  # probability per month
    female_vulnerability: float  # times
    exploitation_exit_per_month: float  # probability per month
    protection_effectiveness: float  # share
    unemployed_arrest_factor: float  # times
    reintegration_months: int  # months
    exploitation_wage_loss: float  # share of wage
    trafficking_probability_per_crossing: float  # probability
    agencies_per_corridor: int  # agencies
    brokers_per_corridor: int  # brokers
    regular_capacity_share_per_month: float  # share of the corridor's 2010 stock
    irregular_capacity_share_per_month: float  # share of the corridor's 2010 stock
    agency_service_fee_share: float  # share of regular cost
    fee_adjustment_rate: float  # share per month
    agency_malpractice_mean: float  # share
    broker_malpractice_mean: float  # share
    recruiter_reentry_months: int  # months
    broker_risk_premium: float  # times
    titp_abscond_base_per_month: float  # probability per month
    abscond_debt_sensitivity: float  # times per month of wage owed
    abscond_exploited_factor: float  # times
    reentry_fee_usd: float  # USD per crossing

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> LeverArrays:
        """The scenario's resolved values in world order (arrays read-only)."""
        w = scenario.world
        keys: dict[str, tuple[str, ...]] = {
            "origin": w.origins,
            "destination": w.destinations,
            "corridor": w.corridor_codes(),
            "country": w.countries,
        }
        out: dict[str, Any] = {}
        for f in fields(cls):
            decl = DECLARATIONS[f.name]
            value = scenario.values[f.name]
            if decl.scope == "global":
                out[f.name] = value
            elif decl.kind == "months":
                out[f.name] = tuple(tuple(value[k]) for k in keys[decl.scope])
            else:
                dtype = {"bool": bool, "int": np.int64, "float": float}[decl.kind]
                array = np.array([value[k] for k in keys[decl.scope]], dtype=dtype)
                array.flags.writeable = False
                out[f.name] = array
        return cls(**out)


def lever_arrays(scenario: Scenario) -> LeverArrays:
    """Every declared lever, driver and parameter, typed, in world order."""
    return LeverArrays.from_scenario(scenario)


def declared_lever_names() -> list[str]:
    """The names :class:`LeverArrays` must have, in declaration order."""
    return [d.name for section in LEVER_SECTIONS for d in SECTIONS[section]]


class Policy:
    """This month's effective policy, written by the State agents."""

    def __init__(self, n_origins: int, n_destinations: int, n_corridors: int) -> None:
        self.quota_remaining = np.zeros(n_destinations)
        self.arrest_probability = np.zeros(n_destinations)
        self.border_closed = np.zeros(n_destinations, bool)
        self.amnesty_open = np.zeros(n_destinations, bool)
        self.amnesty_threat = np.zeros(n_destinations)  # announced with an open window (0-1)
        # month index the open window opened (-1 while closed)
        self.amnesty_opened = np.full(n_destinations, -1, np.int16)
        self.return_programme_open = np.zeros(n_destinations, bool)
        self.demand = np.zeros(n_destinations)
        self.market_wage = np.zeros(n_destinations)
        self.push_shock = np.zeros(n_origins, bool)
        self.deployment_ban = np.zeros(n_corridors, bool)
