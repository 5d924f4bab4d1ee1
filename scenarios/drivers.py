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
    D(
        "wage_level_factor",
        "float",
        "country",
        1.0,
        0.25,
        4.0,
        "times the world-data path",
        "drivers",
        "Multiplies a country's low-skill wage path. Above 1 in a destination (or below 1 in "
        "an origin) widens the wage gap.",
        "wage and development gaps",
        label="Wage level",
    ),
    D(
        "wage_growth_after_data_pct_per_year",
        "float",
        "country",
        3.0,
        -10.0,
        15.0,
        "percent per year",
        "drivers",
        "Growth of a country's wages after the last year of wage data.",
        "wage and development gaps",
        label="Wage growth after the wage data end",
    ),
    D(
        "labour_demand_factor",
        "float",
        "destination",
        1.0,
        0.2,
        4.0,
        "times the world-data path",
        "drivers",
        "Multiplies a destination's demand for migrant workers from the modelled origins.",
        "labour-deficit demography of receiving states",
        label="Demand for migrant workers",
    ),
    D(
        "labour_demand_growth_after_data_pct_per_year",
        "float",
        "destination",
        2.0,
        -10.0,
        20.0,
        "percent per year",
        "drivers",
        "Growth of a destination's demand for migrant workers after the last year of data.",
        "labour-deficit demography of receiving states",
        label="Growth of demand after the data end",
    ),
    D(
        "border_closure_start",
        "months",
        "destination",
        (),
        None,
        None,
        "months (YYYY-MM)",
        "drivers",
        "Months in which the destination closes its border (as in 2020): no regular "
        "departures, irregular crossings cut by ``border_closure_crossing_factor``, labour "
        "demand scaled by ``border_closure_demand_factor``.",
        "border regimes; the 2020 closure",
        label="Border closures start",
    ),
    D(
        "border_closure_length_months",
        "int",
        "destination",
        12,
        1,
        60,
        "months",
        "drivers",
        "How long each border closure lasts.",
        "border regimes",
        label="Length of a border closure",
    ),
    D(
        "border_closure_demand_factor",
        "float",
        "destination",
        0.85,
        0.2,
        1.0,
        "times normal demand",
        "drivers",
        "Labour demand during a border closure, relative to normal.",
        "demand shocks",
        label="Labour demand during a border closure",
    ),
    D(
        "border_closure_crossing_factor",
        "float",
        "destination",
        0.3,
        0.0,
        1.0,
        "share of irregular crossings still possible",
        "drivers",
        "Share of irregular crossings that still get through while the border is closed.",
        "border regimes",
        label="Irregular crossings during a border closure",
    ),
    D(
        "border_closure_removal_factor",
        "float",
        "destination",
        1.0,
        0.0,
        1.0,
        "share of due deportations carried out a month",
        "drivers",
        "Share of the detainees due for deportation who are removed each month while the "
        "border is closed (flights and crossings suspended); the others stay in detention and "
        "are due again the next month. 1: removals go on as usual.",
        "border regimes; the 2020 closure",
        label="Deportations during a border closure",
    ),
    D(
        "reentry_after_forced_return",
        "float",
        "destination",
        0.0,
        0.0,
        1.0,
        "share of those sent back",
        "drivers",
        "Share of the people sent back from this destination (deported, or intercepted at "
        "the border) who cross again at once, paying border fixers ``reentry_fee_usd``: the "
        "revolving door of deportations across land borders. 0: everyone sent back goes home "
        "and decides again like any returnee.",
        "border regimes; deportation practice",
        label="Re-entry after being sent back",
    ),
    D(
        "initial_forced_returns_per_month",
        "float",
        "corridor",
        0.0,
        0.0,
        50_000.0,
        "people per month",
        "drivers",
        "People sent back a month on the corridor (deported, or intercepted at the border) in "
        "the months just before the run starts: the revolving door already turning in January "
        "2010. That many of the corridor's initial irregular stock start the run detained "
        "(for each month of ``detention_months``), crossing again (the destination's "
        "``reentry_after_forced_return`` share of them) and as recent crossers (what is left "
        "of the re-entries of the last ``border_area_months`` - 1 months after arrests, the "
        "destination's and the border area's), so the forced returns of the "
        "first months are those of a door in motion rather than of one starting from rest. "
        "0: the initial stock is settled, nobody is detained or crossing, as before. Not read "
        "on a corridor without an irregular channel; at most what the corridor's initial "
        "irregular stock can hold (checked when a scenario is loaded). Set in scenario files and "
        "calibration configurations, not in the dashboard's panel.",
        "border regimes; deportation practice",
        label="Forced returns a month before the run",
    ),
    D(
        "agency_capacity_growth_per_month",
        "float",
        "corridor",
        0.0,
        0.0,
        0.5,
        "share of capacity per month",
        "drivers",
        "How fast the licensed agencies of a corridor expand where applications exceed what "
        "they can process: each month an agency's capacity grows by this share times its "
        "excess of last month's applications over its capacity (at most the whole share, when "
        "applications are twice the capacity or more), except in a month when the "
        "destination's places (quota or job orders) ran out. 0: agencies keep the capacity "
        "they had in 2010 (a share of the corridor's stock then), as before.",
        "recruitment industry",
        label="Growth of licensed agencies under excess demand",
    ),
    D(
        "corridor_constant",
        "float",
        "corridor",
        0.0,
        -5.0,
        5.0,
        "utility",
        "drivers",
        "Attraction of a corridor that wages, costs, risks and networks do not explain "
        "(distance, language, employers' preference among nationalities, destinations outside "
        "the model that compete for the same workers): added to the utility of both of the "
        "corridor's channels. Zero unless calibrated.",
        "corridor-specific pull factors",
        label="Corridor attraction not explained by the model",
    ),
    D(
        "corridor_arrest_risk_weight",
        "float",
        "corridor",
        1.0,
        0.0,
        5.0,
        "times beta_arrest_risk",
        "drivers",
        "How heavily the corridor's would-be migrants weigh the yearly arrest risk of the "
        "irregular channel (and an enforcement scare's risk, on both channels), relative to "
        "the weight every corridor shares (parameter ``beta_arrest_risk``). An arrest costs "
        "more or less by corridor: a Cambodian sent back across a land border a few hours "
        "from home can cross again within days, an Indonesian deported from Malaysia loses "
        "the sea passage and the broker's fee. "
        "1: the shared weight, as before.",
        "corridor-specific perception of enforcement",
        label="Weight of arrest risk on the corridor",
    ),
    D(
        "push_shock_start",
        "months",
        "origin",
        (),
        None,
        None,
        "months (YYYY-MM)",
        "drivers",
        "Months in which a push shock hits an origin (as Myanmar in 2021): home income falls "
        "and more people weigh leaving.",
        "political and security push factors",
        label="Push shocks start",
    ),
    D(
        "push_shock_length_months",
        "int",
        "origin",
        24,
        1,
        312,
        "months",
        "drivers",
        "How long each push shock lasts.",
        "political and security push factors",
        label="Length of a push shock",
    ),
    D(
        "push_shock_home_income_factor",
        "float",
        "origin",
        0.7,
        0.1,
        1.0,
        "times normal home income",
        "drivers",
        "Home income during a push shock, relative to normal.",
        "poverty and insecurity",
        label="Home income during a push shock",
    ),
    D(
        "push_shock_decision_factor",
        "float",
        "origin",
        2.0,
        1.0,
        10.0,
        "times the normal decision rate",
        "drivers",
        "How much more often people weigh migrating during a push shock.",
        "political and security push factors",
        label="Migration decisions during a push shock",
    ),
    D(
        "enforcement_scare_start",
        "months",
        "destination",
        (),
        None,
        None,
        "months (YYYY-MM)",
        "drivers",
        "Months in which a destination announces an enforcement drive (as Thailand in June "
        "2014 and in June 2017): would-be migrants perceive a higher arrest risk and people "
        "abroad, irregular ones most, go home in the first weeks (shocks, ODD 7.7b).",
        "enforcement announcements and crackdowns",
        label="Enforcement scares start",
    ),
    D(
        "enforcement_scare_length_months",
        "int",
        "destination",
        3,
        1,
        36,
        "months",
        "drivers",
        "How long the perceived risk of each enforcement scare lasts.",
        "enforcement announcements and crackdowns",
        label="Length of an enforcement scare",
    ),
    D(
        "enforcement_scare_size",
        "float",
        "destination",
        0.3,
        0.0,
        1.0,
        "perceived yearly risk",
        "drivers",
        "The yearly arrest risk an enforcement scare adds in the eyes of migrants and would-be "
        "migrants (irregular channel; regular workers respond with "
        "``scare_regular_response`` of it).",
        "enforcement announcements and crackdowns",
        label="Size of an enforcement scare",
    ),
    D(
        "pandemic_start",
        "months",
        "destination",
        (),
        None,
        None,
        "months (YYYY-MM)",
        "drivers",
        "Months in which a pandemic reaches a destination (as COVID-19 in March 2020): would-be "
        "migrants perceive a risk of going there and people abroad go home in the first "
        "weeks; while the destination's border is closed, they are stranded instead.",
        "health shocks; the 2020 pandemic",
        label="Pandemics start",
    ),
    D(
        "pandemic_length_months",
        "int",
        "destination",
        12,
        1,
        60,
        "months",
        "drivers",
        "How long the perceived risk of each pandemic lasts.",
        "health shocks; the 2020 pandemic",
        label="Length of a pandemic",
    ),
    D(
        "pandemic_size",
        "float",
        "destination",
        0.3,
        0.0,
        1.0,
        "perceived yearly risk",
        "drivers",
        "The yearly risk (illness, lost work, being stuck) a pandemic adds in the eyes of "
        "migrants and would-be migrants, both channels alike.",
        "health shocks; the 2020 pandemic",
        label="Size of a pandemic",
    ),
    D(
        "coup_start",
        "months",
        "origin",
        (),
        None,
        None,
        "months (YYYY-MM)",
        "drivers",
        "Months in which a coup or other political crisis hits an origin (as Myanmar in "
        "February 2021): staying at home becomes riskier, so more of those who weigh "
        "migrating leave.",
        "political and security push factors",
        label="Coups at home start",
    ),
    D(
        "coup_length_months",
        "int",
        "origin",
        24,
        1,
        312,
        "months",
        "drivers",
        "How long the perceived risk of staying at home lasts after each coup.",
        "political and security push factors",
        label="Length of a coup's risk at home",
    ),
    D(
        "coup_size",
        "float",
        "origin",
        0.3,
        0.0,
        1.0,
        "perceived yearly risk",
        "drivers",
        "The yearly risk (violence, conscription, persecution) a coup adds to staying at home "
        "in the eyes of the origin's people.",
        "political and security push factors",
        label="Size of a coup",
    ),
    D(
        "coup_verification_failure_share",
        "float",
        "origin",
        0.0,
        0.0,
        1.0,
        "share of verifications",
        "drivers",
        "While a coup's risk lasts in an origin (coup_start, coup_length_months), the share of "
        "its nationals' verifications in a registration window abroad that fail because the "
        "origin's documents (passports, certificates of identity, nationality verification by "
        "its officials) cannot be had in time: they lapse back to irregular status. 0: a coup "
        "leaves verification as it was.",
        "political and security push factors; nationality verification of registered "
        "migrant workers",
        label="Verifications failed during a coup",
    ),
    # ---- Japan (issue 14, mechanism 5): read only when JPN is in the run ---------------
    D(
        "ssw_start",
        "months",
        "global",
        (),
        None,
        None,
        "months (YYYY-MM)",
        "drivers",
        "Month Japan opens the Specified Skilled Worker (i) channel (April 2019 in fact, under "
        "the revised Immigration Control Act of December 2018); the first month listed counts. "
        "None: no SSW channel, Japan admits technical interns only.",
        "labour-deficit demography of receiving states",
        label="SSW channel opens",
    ),
    D(
        "ssw_annual_intake",
        "float",
        "global",
        69_030.0,
        0.0,
        500_000.0,
        "people per year",
        "drivers",
        "Specified Skilled Worker (i) places Japan opens each year from the channel's start "
        "(prorated in the first year), on top of the technical-intern quota "
        "(``annual_regular_quota`` of JPN). 69,030: the government's estimate of up to 345,150 "
        "over the first five years (Kyodo, 2019-04-01), a year's share.",
        "labour-deficit demography of receiving states",
        label="SSW places a year",
    ),
)
