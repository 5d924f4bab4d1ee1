"""Exogenous drivers: wage and labour-demand paths and shocks a scenario can set.

These are not policies but the economic and political conditions the policies meet: the wage
and development gaps and the labour-surplus versus labour-deficit demography that the source
chapter names as the main pull and push factors.
"""

from __future__ import annotations

from .declarations import Declaration

__all__ = ["DRIVERS"]

D = Declaration

DRIVERS: tuple[Declaration, ...] = (
    D("wage_level_factor", "float", "country", 1.0, 0.25, 4.0, "times the world-data path",
      "drivers",
      "Multiplies a country's low-skill wage path. Above 1 in a destination (or below 1 in "
      "an origin) widens the wage gap.", "wage and development gaps",
      label="Wage level"),
    D("wage_growth_after_data_pct_per_year", "float", "country", 3.0, -10.0, 15.0,
      "percent per year", "drivers",
      "Growth of a country's wages after the last year of wage data.",
      "wage and development gaps",
      label="Wage growth after the wage data end"),
    D("labour_demand_factor", "float", "destination", 1.0, 0.2, 4.0,
      "times the world-data path", "drivers",
      "Multiplies a destination's demand for migrant workers from the modelled origins.",
      "labour-deficit demography of receiving states",
      label="Demand for migrant workers"),
    D("labour_demand_growth_after_data_pct_per_year", "float", "destination", 2.0, -10.0,
      20.0, "percent per year", "drivers",
      "Growth of a destination's demand for migrant workers after the last year of data.",
      "labour-deficit demography of receiving states",
      label="Growth of demand after the data end"),
    D("border_closure_start", "months", "destination", (), None, None, "months (YYYY-MM)",
      "drivers",
      "Months in which the destination closes its border (as in 2020): no regular "
      "departures, irregular crossings cut by ``border_closure_crossing_factor``, labour "
      "demand scaled by ``border_closure_demand_factor``.", "border regimes; the 2020 "
      "closure",
      label="Border closures start"),
    D("border_closure_length_months", "int", "destination", 12, 1, 60, "months", "drivers",
      "How long each border closure lasts.", "border regimes",
      label="Length of a border closure"),
    D("border_closure_demand_factor", "float", "destination", 0.85, 0.2, 1.0,
      "times normal demand", "drivers",
      "Labour demand during a border closure, relative to normal.", "demand shocks",
      label="Labour demand during a border closure"),
    D("border_closure_crossing_factor", "float", "destination", 0.3, 0.0, 1.0,
      "share of irregular crossings still possible", "drivers",
      "Share of irregular crossings that still get through while the border is closed.",
      "border regimes",
      label="Irregular crossings during a border closure"),
    D("corridor_constant", "float", "corridor", 0.0, -5.0, 5.0, "utility", "drivers",
      "Attraction of a corridor that wages, costs, risks and networks do not explain "
      "(distance, language, employers' preference among nationalities, destinations outside "
      "the model that compete for the same workers): added to the utility of both of the "
      "corridor's channels. Zero unless calibrated.",
      "corridor-specific pull factors",
      label="Corridor attraction not explained by the model"),
    D("push_shock_start", "months", "origin", (), None, None, "months (YYYY-MM)", "drivers",
      "Months in which a push shock hits an origin (as Myanmar in 2021): home income falls "
      "and more people weigh leaving.", "political and security push factors",
      label="Push shocks start"),
    D("push_shock_length_months", "int", "origin", 24, 1, 312, "months", "drivers",
      "How long each push shock lasts.", "political and security push factors",
      label="Length of a push shock"),
    D("push_shock_home_income_factor", "float", "origin", 0.7, 0.1, 1.0,
      "times normal home income", "drivers",
      "Home income during a push shock, relative to normal.", "poverty and insecurity",
      label="Home income during a push shock"),
    D("push_shock_decision_factor", "float", "origin", 2.0, 1.0, 10.0,
      "times the normal decision rate", "drivers",
      "How much more often people weigh migrating during a push shock.",
      "political and security push factors",
      label="Migration decisions during a push shock"),
)
