"""Direction of policy effects, averaged over seeded replicates.

Each test compares the baseline (coarsened to ``people_per_agent`` 2000, January 2010 to
December 2016) with the same scenario and one lever changed, over the same seeds 1..N, and
asserts that the mean outcome moves in the expected direction by more than two standard
errors of the difference of means (replicate noise), so every test can fail.

The issue's list: a lower regular fee cap or shorter processing time raises the regular share;
stronger enforcement raises deportations and lowers the irregular stock; a wider wage gap
raises departures; a lower remittance cost raises remittances received; an amnesty window moves
irregular workers to regular. Also: higher labour demand raises arrivals and a stronger vacancy
pull raises the stock abroad (demand pull beyond full employment); wider amnesty eligibility
raises registrations; employer sanctions lower the irregular stock; a deployment ban lowers
regular applications on the banned corridor; a border closure lowers arrivals during the
closure; stronger border control raises interceptions and lowers irregular arrivals; a higher
corridor constant raises the corridor's departures; anti-trafficking enforcement lowers
trafficking cases; protection lowers exploitation cases; information campaigns raise the
regular share. Churn into irregularity (issue 14, mechanism 1; coarser and shorter runs, to
December 2013): a stricter permit-employer tie raises flows into irregularity by employer
change; a higher renewal fee raises lapses; documents held by employers or brokers raise
irregularity after leaving an employer or an exploitative job. Shocks that move people in
weeks (issue 14, mechanism 6; at the churn scale): a louder enforcement announcement raises
returns in the two months after it and lowers the irregular stock; a pandemic while the border
is closed raises the stranded stock; slower removals behind a closed border lower deportations
and fill detention; a coup at home raises departures from that origin.
Circular migration (issue 14, mechanism 3; at the churn scale): a higher planned-return share
raises returns at contract end and shortens the average stay; a seasonal share on Cambodia ->
Thailand raises the corridor's departures and returns at a similar stock; a re-migration
propensity (decision factor or experience utility), a known employer, debt still owed (with
interceptions that send people home owing their broker) and a higher next-season propensity
raise departures of returnees.

Levers set from January 2010 are measured from January 2011 to December 2016 (the years
after the change, once the first movers have arrived); windows (amnesty, ban, closure) are
measured during or right after the window.
"""

from __future__ import annotations

from functools import partial

import pytest
from effects_helpers import (
    BASELINE,
    baseline_table,
    compare,
    plus_window,
    replicates,
    scaled,
    share,
    total,
)

N = 8  # replicates for most effects
N_RARE = 16  # for effects on rare events or small shifts (trafficking, sanctions)
AFTER = {"start": "2011-01", "end": "2016-12"}


@pytest.fixture(scope="module")
def baseline():
    return replicates(N)


@pytest.fixture(scope="module")
def baseline_rare():
    return replicates(N_RARE)  # its first N runs are the cached ``baseline`` runs


def regular_share_of_departures(table):
    return share(table, "departures", **AFTER)


def mean_irregular_stock(start: str, end: str, months: int):
    def outcome(table):
        return total(table, "stock", channel="irregular", start=start, end=end) / months

    return outcome


# ---- recruitment cost and time -----------------------------------------------------------
def test_lower_fee_cap_raises_regular_share(baseline):
    """Fee cap 5000 USD (Myanmar 230, Viet Nam 1000) -> 100 USD for every origin."""
    lever = replicates(N, recruitment_fee_cap_usd={"all": 100})
    c = compare(
        "regular share of departures 2011-2016", regular_share_of_departures, baseline, lever
    )
    print(c)
    c.assert_raises()


def test_shorter_processing_raises_regular_share(baseline):
    """Regular (MOU) processing 3-6 months (4.5 on the Thai corridors) -> 1 month."""
    lever = replicates(N, regular_processing_months={"all": 1})
    c = compare(
        "regular share of departures 2011-2016", regular_share_of_departures, baseline, lever
    )
    print(c)
    c.assert_raises()


# ---- enforcement -------------------------------------------------------------------------
def _enforcement_x5():
    return replicates(
        N,
        enforcement_monthly_arrest_probability=scaled(
            "enforcement_monthly_arrest_probability", 5, 0.2
        ),
    )


def test_stronger_enforcement_raises_deportations(baseline):
    """Monthly arrest probability x5 (Thailand 0.002 -> 0.01, Malaysia 0.004 -> 0.02,
    Singapore 0.02 -> 0.1)."""
    c = compare(
        "deportations 2011-2016",
        lambda t: total(t, "deportations", **AFTER),
        baseline,
        _enforcement_x5(),
    )
    print(c)
    c.assert_raises()


def test_stronger_enforcement_lowers_irregular_stock(baseline):
    """Same x5 enforcement; irregular stock averaged over the month-ends of 2012-2016."""
    c = compare(
        "mean irregular stock 2012-2016",
        mean_irregular_stock("2012-01", "2016-12", 60),
        baseline,
        _enforcement_x5(),
    )
    print(c)
    c.assert_lowers()


def test_employer_sanctions_lower_irregular_stock(baseline):
    """Employer fine per irregular worker found: Thailand 1000, Malaysia 2000, Singapore 5000
    USD -> five times as much. Employers weigh the expected yearly fine (fine x yearly
    chance of being caught): they hire fewer irregular workers and let some go
    (simulation/markets.py)."""
    lever = replicates(
        N, employer_sanction_usd_per_irregular_worker={"THA": 5000, "MYS": 10000, "SGP": 20000}
    )
    c = compare(
        "mean irregular stock 2011-2016",
        mean_irregular_stock("2011-01", "2016-12", 72),
        baseline,
        lever,
    )
    print(c)
    c.assert_lowers()


# ---- pull factors and remittances --------------------------------------------------------
def test_wider_wage_gap_raises_departures(baseline):
    """Destination wages x1.25 (Thailand, Malaysia, Singapore)."""
    lever = replicates(N, wage_level_factor={"THA": 1.25, "MYS": 1.25, "SGP": 1.25})
    c = compare("departures 2011-2016", lambda t: total(t, "departures", **AFTER), baseline, lever)
    print(c)
    c.assert_raises()


def test_higher_labour_demand_raises_arrivals(baseline):
    """Malaysia's labour demand x1.3: unfilled vacancies pull workers beyond full employment
    (agencies and brokers recruit in the villages), so more arrive in Malaysia."""
    lever = replicates(N, labour_demand_factor={"MYS": 1.3})
    c = compare(
        "arrivals in Malaysia 2011-2016",
        lambda t: total(t, "arrivals", destination="MYS", **AFTER),
        baseline,
        lever,
    )
    print(c)
    c.assert_raises()


def test_stronger_vacancy_pull_raises_stock(baseline):
    """``vacancy_recruitment_pull`` x2: where jobs go unfilled, more people weigh moving, so
    the stock abroad at the end of 2016 is higher."""
    pull = BASELINE.values["vacancy_recruitment_pull"]
    lever = replicates(N, vacancy_recruitment_pull=2 * pull if pull > 0 else 10.0)
    c = compare(
        "stock abroad 2016-12",
        lambda t: total(t, "stock", start="2016-12", end="2016-12"),
        baseline,
        lever,
    )
    print(c)
    c.assert_raises()


def test_lower_remittance_cost_raises_remittances_received(baseline):
    """Remittance cost halved on every corridor (world data 3.2-14.6% of the amount)."""
    half = {c.code: round(c.remittance_cost_pct / 2, 3) for c in BASELINE.world.corridors}
    lever = replicates(N, remittance_cost_pct=half)
    c = compare(
        "remittances received 2011-2016 (USD)",
        lambda t: total(t, "remittances_received_usd", **AFTER),
        baseline,
        lever,
    )
    print(c)
    c.assert_raises()


# ---- regularisation ----------------------------------------------------------------------
def test_amnesty_window_moves_irregular_to_regular(baseline):
    """An extra registration window from January 2013 in Thailand (3 months) and Malaysia
    (6 months), on top of the baseline's windows (none open in 2013)."""
    lever = replicates(N, amnesty_start=plus_window("amnesty_start", "2013-01", "THA", "MYS"))
    month = {"start": "2013-12", "end": "2013-12"}
    checks = [
        (
            compare(
                "registrations 2013",
                lambda t: total(t, "registrations", start="2013-01", end="2013-12"),
                baseline,
                lever,
            ),
            +1,
        ),
        (
            compare(
                "irregular stock 2013-12",
                lambda t: total(t, "stock", channel="irregular", **month),
                baseline,
                lever,
            ),
            -1,
        ),
        (
            compare(
                "regular share of the stock 2013-12",
                lambda t: share(t, "stock", **month),
                baseline,
                lever,
            ),
            +1,
        ),
    ]
    for c, _ in checks:
        print(c)
    wrong = [str(c) for c, sign in checks if not sign * c.difference > 2 * c.se]
    assert not wrong, "\n".join(wrong)


def test_wider_amnesty_eligibility_raises_registrations(baseline):
    """Every irregular worker in Malaysia eligible for its registration windows (the baseline
    restricts them: ``amnesty_eligible_share`` is calibrated), 2016 rehiring programme."""
    lever = replicates(N, amnesty_eligible_share={"MYS": 1.0})
    c = compare(
        "registrations in Malaysia 2016",
        lambda t: total(t, "registrations", destination="MYS", start="2016-01", end="2016-12"),
        baseline,
        lever,
    )
    print(c)
    c.assert_raises()


# ---- bans and closures -------------------------------------------------------------------
def test_deployment_ban_lowers_regular_applications_on_banned_corridor(baseline):
    """Myanmar bans deployment to Thailand from January 2012 for 36 months (the baseline's
    Cambodia-Malaysia ban stays)."""
    starts = plus_window("deployment_ban_start", "2012-01", "MMR-THA")
    lengths = {**baseline_table("deployment_ban_length_months"), "MMR-THA": 36}
    lever = replicates(N, deployment_ban_start=starts, deployment_ban_length_months=lengths)
    c = compare(
        "regular applications MMR-THA 2012-2014",
        lambda t: total(
            t,
            "applications",
            channel="regular",
            origin="MMR",
            destination="THA",
            start="2012-01",
            end="2014-12",
        ),
        baseline,
        lever,
    )
    print(c)
    c.assert_lowers()


def test_border_closure_lowers_arrivals_during_closure(baseline):
    """Thailand closes its border from January to December 2012 (the baseline's 2020
    closures stay, Thailand's now 12 months long, after the end of these runs)."""
    starts = plus_window("border_closure_start", "2012-01", "THA")
    lengths = {**baseline_table("border_closure_length_months"), "THA": 12}
    lever = replicates(N, border_closure_start=starts, border_closure_length_months=lengths)
    c = compare(
        "arrivals in Thailand 2012",
        lambda t: total(t, "arrivals", destination="THA", start="2012-01", end="2012-12"),
        baseline,
        lever,
    )
    print(c)
    c.assert_lowers()


def test_stronger_border_control_raises_interceptions_and_lowers_irregular_arrivals(baseline):
    """Thailand's border control 0.1 -> 0.8 (interception 4% -> 32% of crossings): more
    crossings are stopped, and although a would-be migrant weighs interception only as the
    chance of failing (the broker paid, no earnings), fewer irregular migrants arrive."""
    lever = replicates(N, border_control={**baseline_table("border_control"), "THA": 0.8})
    checks = [
        compare(
            "border interceptions into Thailand 2011-2016",
            lambda t: total(t, "border_interceptions", destination="THA", **AFTER),
            baseline,
            lever,
        ),
        compare(
            "irregular arrivals in Thailand 2011-2016",
            lambda t: total(t, "arrivals", channel="irregular", destination="THA", **AFTER),
            baseline,
            lever,
        ),
    ]
    for c in checks:
        print(c)
    checks[0].assert_raises()
    checks[1].assert_lowers()


def test_higher_corridor_constant_raises_the_corridors_departures(baseline):
    """``corridor_constant`` of Myanmar-Malaysia raised by 1 (utility): more of Myanmar's
    movers choose Malaysia."""
    table = dict(baseline_table("corridor_constant"))
    table["MMR-MYS"] = table.get("MMR-MYS", 0.0) + 1.0
    lever = replicates(N, corridor_constant=table)
    c = compare(
        "departures Myanmar-Malaysia 2011-2016",
        lambda t: total(t, "departures", origin="MMR", destination="MYS", **AFTER),
        baseline,
        lever,
    )
    print(c)
    c.assert_raises()


# ---- harms and information ---------------------------------------------------------------
def test_anti_trafficking_enforcement_lowers_trafficking_cases():
    """Anti-trafficking enforcement 0.05 -> 0.5 in every destination. Trafficking is rare
    (a few thousand cases over the years), so this test runs at a finer scale (500 people
    per agent, to 2014) to count enough of them."""
    fine = {"people_per_agent": 500, "end": "2014-12"}
    base = replicates(N_RARE, **fine)
    lever = replicates(N_RARE, **fine, anti_trafficking_enforcement={"all": 0.5})
    c = compare("trafficking cases 2010-2014", lambda t: total(t, "trafficking_cases"), base, lever)
    print(c)
    c.assert_lowers()


def test_protection_lowers_exploitation_cases(baseline):
    """Protection coverage 0.1 (Singapore 0.3) -> 0.6 in every destination."""
    lever = replicates(N, protection_coverage={"all": 0.6})
    c = compare(
        "new exploitation cases 2011-2016",
        lambda t: total(t, "exploitation_cases", **AFTER),
        baseline,
        lever,
    )
    print(c)
    c.assert_lowers()


def test_information_campaigns_raise_regular_share(baseline):
    """Information campaign coverage 0.1 -> 0.5 in every origin."""
    lever = replicates(N, information_campaign_coverage={"all": 0.5})
    c = compare(
        "regular share of departures 2011-2016", regular_share_of_departures, baseline, lever
    )
    print(c)
    c.assert_raises()


# ---- churn into irregularity (issue 14, mechanism 1) -------------------------------------
N_CHURN = 6
CHURN = {"people_per_agent": 5000, "end": "2013-12"}  # about a second a run
CHURN_AFTER = {"start": "2011-01", "end": "2013-12"}


def assert_churn_raises(measure: str, base: dict, lever: dict) -> None:
    """The irregular flow ``measure`` summed over 2011-2013 is higher in the ``lever`` arm
    than in the ``base`` arm (each the baseline at the churn scale with these values)."""
    c = compare(
        f"{measure} 2011-2013",
        lambda table: total(table, measure, channel="irregular", **CHURN_AFTER),
        replicates(N_CHURN, **CHURN, **base),
        replicates(N_CHURN, **CHURN, **lever),
    )
    print(c)
    c.assert_raises()


def test_stricter_permit_employer_tie_raises_irregularity_by_employer_change():
    """Permit-employer tie 0.3 -> 1 in every destination, with voluntary job moves of 0.5% a
    month in both arms (layoffs and exploitation exits also change employers)."""
    moves = {"voluntary_job_change_per_month": 0.005}
    assert_churn_raises(
        "irregular_by_employer_change",
        {**moves, "permit_employer_tie": {"all": 0.3}},
        {**moves, "permit_employer_tie": {"all": 1.0}},
    )


def test_higher_renewal_fee_raises_lapses():
    """Permit renewal fee 800 -> 1600 USD in every destination: more workers whose employer
    would keep them can neither pay nor borrow it."""
    assert_churn_raises(
        "irregular_by_lapse",
        {"permit_renewal_fee_usd": {"all": 800}},
        {"permit_renewal_fee_usd": {"all": 1600}},
    )


def test_documents_held_raise_irregularity_after_leaving_an_employer():
    """Documents held 0 -> 0.3 in every destination, with a weak tie (0.1) and no voluntary
    job moves: the employer changes are those after exploitation exits and layoffs."""
    tie = {"permit_employer_tie": {"all": 0.1}}
    assert_churn_raises(
        "irregular_by_employer_change", tie, {**tie, "documents_held_share": {"all": 0.3}}
    )


# ---- shocks that move people in weeks (issue 14, mechanism 6) ------------------------------
N_SHOCK = 6
SHOCK = {"people_per_agent": 5000, "end": "2012-12"}  # about a second a run


def shock_arms(base: dict, lever: dict) -> tuple[list, list]:
    """Seeded replicates of the baseline at the shock scale with ``base`` and ``lever``."""
    return replicates(N_SHOCK, **SHOCK, **base), replicates(N_SHOCK, **SHOCK, **lever)


def test_louder_enforcement_announcement_raises_returns_and_lowers_irregular_stock():
    """Thailand announces an enforcement drive in January 2012 (3 months): its size, the
    yearly arrest risk it adds in people's eyes, 0.1 -> 0.4."""
    scare = {"enforcement_scare_start": {"THA": ["2012-01"]}}
    base, lever = shock_arms(
        {**scare, "enforcement_scare_size": {"THA": 0.1}},
        {**scare, "enforcement_scare_size": {"THA": 0.4}},
    )
    weeks = {"destination": "THA", "start": "2012-01", "end": "2012-02"}
    c = compare(
        "returns from Thailand 2012-01..02", lambda t: total(t, "returns", **weeks), base, lever
    )
    print(c)
    c.assert_raises()
    c = compare(
        "irregular stock in Thailand at the end of 2012-02",
        lambda t: total(
            t, "stock", channel="irregular", destination="THA", start="2012-02", end="2012-02"
        ),
        base,
        lever,
    )
    print(c)
    c.assert_lowers()


def test_pandemic_with_closed_borders_raises_the_stranded_stock():
    """Thailand closes its border from January 2012 for 6 months; a pandemic reaches it in the
    same month (size 0.3) or not."""
    closure = {
        "border_closure_start": plus_window("border_closure_start", "2012-01", "THA"),
        "border_closure_length_months": {
            **baseline_table("border_closure_length_months"),
            "THA": 6,
        },
    }
    base, lever = shock_arms(
        closure, {**closure, "pandemic_start": {"THA": ["2012-01"]}, "pandemic_size": {"THA": 0.3}}
    )
    c = compare(
        "stranded in Thailand at the end of 2012-03",
        lambda t: total(t, "stranded", destination="THA", start="2012-03", end="2012-03"),
        base,
        lever,
    )
    print(c)
    c.assert_raises()


def malaysia_closure() -> dict:
    """Malaysia's border closed from January 2012 for 6 months, with four times its arrest
    probability so detainees are many."""
    return {
        "border_closure_start": plus_window("border_closure_start", "2012-01", "MYS"),
        "border_closure_length_months": {
            **baseline_table("border_closure_length_months"),
            "MYS": 6,
        },
        "enforcement_monthly_arrest_probability": scaled(
            "enforcement_monthly_arrest_probability", 4, 0.2
        ),
    }


def test_slower_removals_behind_a_closed_border_lower_deportations_and_fill_detention():
    """Malaysia closes its border from January 2012 for 6 months, with four times its arrest
    probability so detainees are many; its removal factor during the closure 1 (removals
    go on) or 0.1 (a tenth of those due leave each month)."""
    closure = malaysia_closure()
    finer = {"people_per_agent": 1000, "end": "2012-07"}  # deportations are a few agents a month
    base = replicates(N_SHOCK, **finer, **closure, border_closure_removal_factor={"MYS": 1.0})
    lever = replicates(N_SHOCK, **finer, **closure, border_closure_removal_factor={"MYS": 0.1})
    during = {"destination": "MYS", "start": "2012-02", "end": "2012-06"}
    c = compare(
        "deportations from Malaysia 2012-02..06",
        lambda t: total(t, "deportations", **during),
        base,
        lever,
    )
    print(c)
    c.assert_lowers()
    c = compare(
        "detained in Malaysia at the end of 2012-06",
        lambda t: total(t, "detained", destination="MYS", start="2012-06", end="2012-06"),
        base,
        lever,
    )
    print(c)
    c.assert_raises()


def test_depot_places_cap_detention_and_keep_the_uncaught_irregular():
    """The closure above with removals at 0.1, Malaysia's depots without a limit or with
    8,000 places (every nationality): fewer detained and fewer arrests once the depots are
    full, so more irregular workers stay in Malaysia."""
    closure = {**malaysia_closure(), "border_closure_removal_factor": {"MYS": 0.1}}
    finer = {"people_per_agent": 1000, "end": "2012-07"}
    base = replicates(N_SHOCK, **finer, **closure)
    lever = replicates(N_SHOCK, **finer, **closure, detention_places={"MYS": 8000.0})
    end = {"destination": "MYS", "start": "2012-06", "end": "2012-06"}
    c = compare(
        "detained in Malaysia at the end of 2012-06",
        lambda t: total(t, "detained", **end),
        base,
        lever,
    )
    print(c)
    c.assert_lowers()
    c = compare(
        "irregular in Malaysia, not detained, at the end of 2012-06",
        lambda t: sum(total(t, m, channel="irregular", **end) for m in ("employed", "unemployed")),
        base,
        lever,
    )
    print(c)
    c.assert_raises()
    c = compare(
        "arrests in Malaysia 2012-03..06",
        lambda t: total(t, "arrests", destination="MYS", start="2012-03", end="2012-06"),
        base,
        lever,
    )
    print(c)
    c.assert_lowers()
    assert max(total(t, "detained", **end) for t in lever) <= 8000.0
    # the arrests the places prevented are counted apart, and only where there is a limit
    turned_away = {"destination": "MYS", "start": "2012-03", "end": "2012-06"}
    assert all(total(t, "arrests_without_place", **turned_away) == 0 for t in base)
    assert min(total(t, "arrests_without_place", **turned_away) for t in lever) > 0


def test_coup_at_home_raises_departures_from_that_origin():
    """A coup in Myanmar in January 2012 (12 months, size 0.5) or none."""
    base, lever = shock_arms(
        {},
        {
            "coup_start": {"MMR": ["2012-01"]},
            "coup_length_months": {"MMR": 12},
            "coup_size": {"MMR": 0.5},
        },
    )
    c = compare(
        "departures from Myanmar 2012",
        lambda t: total(t, "departures", origin="MMR", start="2012-01", end="2012-12"),
        base,
        lever,
    )
    print(c)
    c.assert_raises()


# ---- regularisation as it runs (issue 14, mechanism 2) -----------------------------------
N_REGUL = 6
REGUL = {"people_per_agent": 5000, "end": "2012-06"}  # about a second a run
THA_WINDOW = {"destination": "THA", "start": "2011-06", "end": "2011-08"}  # the 2011 drive
MYS_WINDOW = {"destination": "MYS", "start": "2011-08", "end": "2012-01"}  # the 6P programme
REGUL_AFTER = {"start": "2011-06", "end": "2012-06"}


def regularisation_arms(base: dict, lever: dict) -> tuple[list, list]:
    """Seeded replicates of the baseline at the regularisation scale with ``base`` and
    ``lever`` (the baseline's 2011 windows: Thailand June-August, Malaysia August-January)."""
    return replicates(N_REGUL, **REGUL, **base), replicates(N_REGUL, **REGUL, **lever)


def test_return_track_raises_programme_returns_and_lowers_the_irregular_stock():
    """Malaysia's 2011 window with a return track for those who come forward but cannot be
    legalised (the baseline restricts eligibility there), or without."""
    base, lever = regularisation_arms({}, {"amnesty_return_track": {"MYS": True}})
    c = compare(
        "programme returns from Malaysia in the 2011 window",
        lambda t: total(t, "amnesty_returns", **MYS_WINDOW),
        base,
        lever,
    )
    print(c)
    c.assert_raises()
    c = compare(
        "irregular stock in Malaysia at the end of 2012-01",
        lambda t: total(
            t, "stock", channel="irregular", destination="MYS", start="2012-01", end="2012-01"
        ),
        base,
        lever,
    )
    print(c)
    c.assert_lowers()


THREAT_1 = {"amnesty_takeup_threat_sensitivity": 1.0}
THREAT_HALF = {**THREAT_1, "amnesty_enforcement_threat": {"THA": 0.5}}
THA_2011_HIGH = {"amnesty_high_threat_months": {"THA": ["2011-06", "2011-07", "2011-08"]}}


@pytest.mark.parametrize(
    ("base", "lever"),
    [
        (THREAT_1, {**THREAT_1, "amnesty_enforcement_threat": {"THA": 1.0}}),
        (THREAT_HALF, {**THREAT_HALF, **THA_2011_HIGH}),
    ],
    ids=["announced_threat_0_to_1", "window_opened_amid_a_crackdown"],
)
def test_louder_enforcement_announced_with_the_window_raises_takeup(base, lever):
    """Thailand's 2011 window announced with no threat or with the lever's strongest (intensity
    0 -> 1, a window opened amid a crackdown on its scale); or announced with enforcement
    after its deadline (0.5) or opened amid a crackdown (its months in
    ``amnesty_high_threat_months``: threat 1). Take-up sensitivity to the threat 1 in both
    arms."""
    base, lever = regularisation_arms(base, lever)
    c = compare(
        "registrants in Thailand's 2011 window",
        lambda t: total(t, "amnesty_registrants", **THA_WINDOW),
        base,
        lever,
    )
    print(c)
    c.assert_raises()


def test_eligibility_fixed_for_a_window_lowers_a_long_windows_registrants():
    """Malaysia's 2011 window (six months), take-up 0.5 a month and eligible share 0.3 in both
    arms: the share read as a scale on each month's chance (1 - 0.85^6 = 62% of those who
    stay irregular could come forward) or as the share of people who meet the window's
    conditions at its opening (at most 30%)."""
    levers = {"amnesty_monthly_takeup": 0.5, "amnesty_eligible_share": {"MYS": 0.3}}
    base, lever = regularisation_arms(
        levers, {**levers, "amnesty_eligibility_per_window": {"MYS": True}}
    )
    c = compare(
        "registrants in Malaysia's 2011 window",
        lambda t: total(t, "amnesty_registrants", **MYS_WINDOW),
        base,
        lever,
    )
    print(c)
    c.assert_lowers()
    # not by shutting the window: about half as many (expected 0.4-0.5 of the baseline's
    # pool), not none
    assert 0.3 < c.lever_mean / c.base_mean < 0.8, str(c)


def test_lower_verification_capacity_raises_lapses():
    """Thailand verifies its 2011 registrants in 2 months with a 6-month deadline, without a
    limit or at 10,000 people a month."""
    verification = {
        "amnesty_verification_months": {"THA": 2.0},
        "amnesty_verification_deadline_months": {"THA": 6},
    }
    base, lever = regularisation_arms(
        verification,
        {**verification, "amnesty_verification_capacity_per_month": {"THA": 10_000.0}},
    )
    c = compare(
        "lapsed registrants in Thailand 2011-06..2012-06",
        lambda t: total(t, "amnesty_lapses", destination="THA", start="2011-06", end="2012-06"),
        base,
        lever,
    )
    print(c)
    c.assert_raises()


def test_a_coup_that_fails_verifications_lowers_legalised_and_raises_the_irregular_stock():
    """Thailand verifies its 2011 registrants in 2 months; a coup in Myanmar from June 2011
    (size 0, so nobody's decision changes) fails half of its nationals' verifications in
    one arm and none in the other. Burmese registrants legalised in Thailand fall, the
    Cambodians' do not move, and Thailand's Burmese irregular stock at the end is higher."""
    verification = {
        "amnesty_verification_months": {"THA": 2.0},
        "coup_start": {"MMR": ["2011-06"]},
        "coup_length_months": {"MMR": 24},
        "coup_size": {"MMR": 0.0},
    }
    base, lever = regularisation_arms(
        verification, {**verification, "coup_verification_failure_share": {"MMR": 0.5}}
    )
    legalised = partial(total, measure="registrations", destination="THA", **REGUL_AFTER)
    c = compare(
        "Burmese legalised in Thailand 2011-06..2012-06",
        lambda t: legalised(t, origin="MMR"),
        base,
        lever,
    )
    print(c)
    c.assert_lowers()
    assert 0.35 < c.lever_mean / c.base_mean < 0.65, str(c)  # about half fail
    khm = compare(
        "Cambodians legalised in Thailand", lambda t: legalised(t, origin="KHM"), base, lever
    )
    print(khm)
    assert abs(khm.lever_mean / khm.base_mean - 1) < 0.15, str(khm)
    irregular = compare(
        "Burmese irregular in Thailand, June 2012",
        lambda t: total(
            t,
            "stock",
            channel="irregular",
            origin="MMR",
            destination="THA",
            start="2012-06",
            end="2012-06",
        ),
        base,
        lever,
    )
    print(irregular)
    irregular.assert_raises()


def test_higher_fee_lowers_registrants():
    """Thailand's 2011 registration fee 100 -> 400 USD (fewer can pay it), with a take-up
    sensitivity to the fee of 0.5 per month of wage in both arms."""
    sensitivity = {"amnesty_takeup_fee_sensitivity": 0.5}
    base, lever = regularisation_arms(
        {**sensitivity, "amnesty_fee_usd": {"all": 100, "MYS": 300}},
        {**sensitivity, "amnesty_fee_usd": {"all": 100, "MYS": 300, "THA": 400}},
    )
    c = compare(
        "registrants in Thailand's 2011 window",
        lambda t: total(t, "amnesty_registrants", **THA_WINDOW),
        base,
        lever,
    )
    print(c)
    c.assert_lowers()


MYS_RETURN_PROGRAMME = {"return_programme_start": {"MYS": ["2011-02"]}}


def test_return_only_programme_raises_programme_returns_and_lowers_the_irregular_stock():
    """A return-only programme in Malaysia from February to April 2011 (3 months, fee 0,
    take-up 0.02 a month: the declared defaults), or none, before Malaysia's 2011 window."""
    base, lever = regularisation_arms({}, MYS_RETURN_PROGRAMME)
    programme = {"destination": "MYS", "start": "2011-02", "end": "2011-04"}
    c = compare(
        "programme returns from Malaysia, February-April 2011",
        lambda t: total(t, "amnesty_returns", **programme),
        base,
        lever,
    )
    print(c)
    c.assert_raises()
    c = compare(
        "irregular stock in Malaysia at the end of 2011-04",
        lambda t: total(
            t, "stock", channel="irregular", destination="MYS", start="2011-04", end="2011-04"
        ),
        base,
        lever,
    )
    print(c)
    c.assert_lowers()


def test_higher_return_programme_fee_lowers_programme_returns():
    """Malaysia's February-April 2011 return-only programme at no fee or 800 USD (fewer can
    pay it; take-up's fee sensitivity 0, so only the savings decide)."""
    base, lever = regularisation_arms(
        MYS_RETURN_PROGRAMME,
        {**MYS_RETURN_PROGRAMME, "return_programme_fee_usd": {"MYS": 800.0}},
    )
    c = compare(
        "programme returns from Malaysia, February-April 2011",
        lambda t: total(t, "amnesty_returns", destination="MYS", start="2011-02", end="2011-04"),
        base,
        lever,
    )
    print(c)
    c.assert_lowers()


# ---- circular migration (issue 14, mechanism 3) ------------------------------------------
N_CIRCULAR = 6
N_SEASONAL = 12  # seasonal moves on one corridor are a small flow at this scale
CIRCULAR = {"people_per_agent": 5000, "end": "2013-12"}  # a fraction of a second a run
CIRCULAR_AFTER = {"start": "2011-01", "end": "2013-12"}
KHM_THA = {"origin": "KHM", "destination": "THA"}


def circular_effect(name: str, outcome, base: list, lever: list):
    """The comparison of ``outcome`` in the two arms, printed."""
    c = compare(name, outcome, base, lever)
    print(c)
    return c


def average_stay_years(table) -> float:
    """Average stay abroad in 2011-2013 (years): the mean stock over the outflow a month
    (returns and deportations), as in a steady state."""
    months = 36
    stock = total(table, "stock", **CIRCULAR_AFTER) / months
    out = total(table, "returns", **CIRCULAR_AFTER) + total(table, "deportations", **CIRCULAR_AFTER)
    return stock / (out / months) / 12.0


def test_planned_returns_raise_returns_at_contract_end_and_shorten_stays():
    """Planned-return share 0 -> 0.5: half the regular contracts that end go home."""
    base = replicates(N_CIRCULAR, **CIRCULAR)
    lever = replicates(N_CIRCULAR, **CIRCULAR, planned_return_share=0.5)
    planned = partial(total, measure="planned_returns", **CIRCULAR_AFTER)
    circular_effect("planned returns 2011-2013", planned, base, lever).assert_raises()
    circular_effect("average stay (years)", average_stay_years, base, lever).assert_lowers()


def test_seasonal_share_raises_departures_and_returns_on_khm_tha_at_a_similar_stock():
    """Seasonal share on Cambodia -> Thailand 0 -> 0.5 (6-month seasons): more departures and
    more returns each year, with the corridor's stock at the end of 2013 within 10%."""
    base = replicates(N_SEASONAL, **CIRCULAR)
    lever = replicates(N_SEASONAL, **CIRCULAR, seasonal_share={"KHM-THA": 0.5})
    for measure in ("departures", "returns", "seasonal_returns"):
        outcome = partial(total, measure=measure, **KHM_THA, **CIRCULAR_AFTER)
        circular_effect(f"{measure} KHM-THA 2011-2013", outcome, base, lever).assert_raises()
    end_stock = partial(total, measure="stock", **KHM_THA, start="2013-12", end="2013-12")
    c = circular_effect("stock KHM-THA 2013-12", end_stock, base, lever)
    assert abs(c.difference) < 0.1 * c.base_mean, str(c)


@pytest.mark.parametrize(
    "lever", [{"returnee_decision_factor": 3.0}, {"remigration_utility": 1.0}], ids=str
)
def test_remigration_propensity_raises_departures_of_returnees(lever):
    """Returnees weigh migrating 3 times as often, or gain 1 utility on every move."""
    circular_effect(
        "re-migrations 2011-2013",
        lambda t: total(t, "remigrations", **CIRCULAR_AFTER),
        replicates(N_CIRCULAR, **CIRCULAR),
        replicates(N_CIRCULAR, **CIRCULAR, **lever),
    ).assert_raises()


def test_known_employer_raises_regular_remigrations():
    """A known employer worth 1 utility on the regular channel of a regular returnee's last
    corridor."""
    circular_effect(
        "regular re-migrations 2011-2013",
        partial(total, measure="remigrations", channel="regular", **CIRCULAR_AFTER),
        replicates(N_CIRCULAR, **CIRCULAR),
        replicates(N_CIRCULAR, **CIRCULAR, returnee_known_employer_utility=1.0),
    ).assert_raises()


def test_debt_still_owed_raises_remigrations():
    """Debt push 0 -> 2 per month of home income, with border control 0.6 in both arms: those
    intercepted at the border come home owing their broker (returnees who saved pay their
    debt off at once, so without interceptions few at home owe anything)."""
    control = {"border_control": {"all": 0.6}}
    circular_effect(
        "re-migrations 2011-2013",
        partial(total, measure="remigrations", **CIRCULAR_AFTER),
        replicates(N_CIRCULAR, **CIRCULAR, **control),
        replicates(N_CIRCULAR, **CIRCULAR, **control, beta_debt_push=2.0),
    ).assert_raises()


def test_seasonal_decision_factor_raises_remigrations_on_khm_tha():
    """With half of KHM-THA's arrivals seasonal in both arms, seasonal returnees weigh the
    next season 5 -> 15 times as often as others at home."""
    seasonal = {"seasonal_share": {"KHM-THA": 0.5}}
    circular_effect(
        "re-migrations KHM-THA 2011-2013",
        partial(total, measure="remigrations", **KHM_THA, **CIRCULAR_AFTER),
        replicates(N_SEASONAL, **CIRCULAR, **seasonal),
        replicates(N_SEASONAL, **CIRCULAR, **seasonal, seasonal_decision_factor=15.0),
    ).assert_raises()
