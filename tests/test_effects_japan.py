"""Direction-of-effect tests of Japan's programmes (issue 14, mechanism 5) over seeded
replicates (common random numbers: replicate k uses seed k in both arms).

Every run is ``baseline_japan`` with Japan as the only destination (the four corridors to
Japan alone, so 1,000 people per agent stay quick), the corridors to Japan made attractive
(corridor constant 3: uncalibrated, they draw few people), no 2020-21 border closure (arrivals
after 2019 are not held back by the pandemic), and recruitment paid by borrowing (no savings
at the start, up to 36 months of home income borrowed): at the borrowing limit of the baseline
(6 months) almost nobody in Viet Nam can pay the 7,000 USD of the Viet Nam-Japan move, while
the sources describe trainees who come with debts of about a year's pay. The outcome compared
is then the mechanism's own: a binding technical-intern cap, the SSW places from 2019, the
absconding hazard's protection and debt terms, and a Table 1 lever (pre-departure training)
on the corridors to Japan as on the others. ``BASE`` keeps ``baseline_japan``'s loans against
the contract (Viet Nam 0.78, Cambodia 0.82); the loans' own test sets them in both arms.
"""

from __future__ import annotations

import json
from functools import cache

import pandas as pd
from effects_helpers import compare, total

from scenarios.scenario import Scenario, scenario_from_dict
from simulation.run import run_scenario

JAPAN_CORRIDORS = ("VNM-JPN", "IDN-JPN", "MMR-JPN", "KHM-JPN")
N = 4
BASE: Scenario = scenario_from_dict(
    {
        "extends": "baseline_japan",
        "name": "japan_effects",
        "world": {"destinations": ["JPN"]},
        "settings": {"people_per_agent": 1000, "end": "2018-12"},
        "drivers": {
            "corridor_constant": dict.fromkeys(JAPAN_CORRIDORS, 3.0),
            "border_closure_start": {},
        },
        "parameters": {
            "borrowing_limit_months_of_income": 36.0,
            "initial_savings_months_of_income": 0.0,
        },
    }
)


@cache
def _run(key: str, seed: int) -> pd.DataFrame:
    scenario = BASE.with_values(**{**json.loads(key), "seed": seed})
    table = run_scenario(scenario).table
    table = table[table["destination"].astype(str) == "JPN"]
    out = pd.DataFrame(
        {c: table[c].astype(str).to_numpy() for c in ("month", "origin", "channel", "measure")}
    )
    out["destination"] = "JPN"
    out["value"] = table["value"].to_numpy()
    return out


def runs(n: int = N, **overrides) -> list[pd.DataFrame]:
    """Japan's rows of ``n`` seeded replicates of :data:`BASE` with ``overrides``."""
    key = json.dumps(overrides, sort_keys=True)
    return [_run(key, seed) for seed in range(1, n + 1)]


def japan_quota(people: int) -> dict:
    """Japan's technical-intern cap (``annual_regular_quota`` of JPN)."""
    return {"JPN": people}


def with_fee_added(usd: float) -> dict:
    """The corridors' own official fees to Japan, each plus ``usd``."""
    fees = BASE.values["regular_official_fee_usd"]
    return {c: fees[c] + usd for c in JAPAN_CORRIDORS}


def abscond_rate(table: pd.DataFrame) -> float:
    """Absconders per technical-intern arrival, 2011-2018."""
    arrivals = total(table, "arrivals_titp", channel="regular")
    return total(table, "absconding", channel="irregular") / max(arrivals, 1.0)


def test_a_higher_japan_intake_cap_raises_viet_nam_japan_arrivals():
    low = runs(end="2016-12", annual_regular_quota=japan_quota(5_000))
    high = runs(end="2016-12", annual_regular_quota=japan_quota(40_000))
    c = compare(
        "VNM-JPN regular arrivals 2010-2016",
        lambda t: total(t, "arrivals", channel="regular", origin="VNM"),
        low,
        high,
    )
    print(c)
    c.assert_raises()


def test_loans_against_the_contract_raise_viet_nam_japan_arrivals():
    """At the baseline's borrowing limit (6 months of home income) few in Viet Nam can pay the
    7,000 USD move; a loan of 80% of it against the contract (ODD 7.7d: about 80% of
    Vietnamese trainees borrow about the whole fee) lets people without savings go."""
    own_money = {"borrowing_limit_months_of_income": 6.0, "end": "2016-12"}
    without = runs(**own_money, contract_loan_share={"VNM": 0.0})
    with_loans = runs(**own_money, contract_loan_share={"VNM": 0.8})
    c = compare(
        "VNM-JPN regular arrivals 2010-2016",
        lambda t: total(t, "arrivals", channel="regular", origin="VNM"),
        without,
        with_loans,
    )
    print(c)
    c.assert_raises()


def test_agencies_that_grow_with_demand_raise_arrivals_in_japan():
    """With the corridors to Japan attractive, applicants queue beyond what the agencies of
    2010 can process (2% of each corridor's 2010 stock a month); agencies that expand under
    that excess (driver ``agency_capacity_growth_per_month``) place more of them. Japan's
    places are not capped here (as in ``baseline_dynamics``).

    Growth on all four corridors raises the arrivals in Japan but lowers Viet Nam's: they
    share Japan's job orders, and the small corridors (Myanmar, Indonesia) grow fastest and
    take places Viet Nam had. Growth on Viet Nam to Japan alone (as ``baseline_dynamics``
    sets it) raises Viet Nam's."""
    open_intake = {"end": "2016-12", "annual_regular_quota": japan_quota(2_000_000)}
    fixed = runs(**open_intake)
    every = runs(
        **open_intake, agency_capacity_growth_per_month=dict.fromkeys(JAPAN_CORRIDORS, 0.1)
    )
    viet_nam = runs(**open_intake, agency_capacity_growth_per_month={"VNM-JPN": 0.1})

    def arrivals(origin: str | None = None):
        where = {"origin": origin} if origin else {}
        return lambda t: total(t, "arrivals", channel="regular", **where)

    for name, measure, growing, direction in (
        ("regular arrivals in Japan 2010-2016", arrivals(), every, "raises"),
        (
            "VNM-JPN regular arrivals 2010-2016, every corridor growing",
            arrivals("VNM"),
            every,
            "lowers",
        ),
        (
            "VNM-JPN regular arrivals 2010-2016, VNM-JPN growing",
            arrivals("VNM"),
            viet_nam,
            "raises",
        ),
    ):
        c = compare(name, measure, fixed, growing)
        print(c)
        getattr(c, f"assert_{direction}")()


def test_ssw_from_2019_raises_regular_japan_arrivals_after_2019():
    quota = japan_quota(5_000)  # technical interns capped: the SSW places come on top
    without = runs(end="2021-12", annual_regular_quota=quota, ssw_start=[])
    with_ssw = runs(end="2021-12", annual_regular_quota=quota)
    c = compare(
        "regular arrivals in Japan 2019-06..2021-12",
        lambda t: total(t, "arrivals", channel="regular", start="2019-06"),
        without,
        with_ssw,
    )
    print(c)
    c.assert_raises()
    ssw = compare(
        "SSW arrivals", lambda t: total(t, "arrivals_ssw", channel="regular"), without, with_ssw
    )
    assert ssw.base_mean == 0 and ssw.lever_mean > 0, str(ssw)
    before = compare(
        "regular arrivals in Japan before 2019-04",
        lambda t: total(t, "arrivals", channel="regular", end="2019-03"),
        without,
        with_ssw,
    )
    assert before.difference == 0, str(before)  # nothing changes before the start


HAZARD = {"titp_abscond_base_per_month": 0.02}


def test_higher_protection_coverage_in_japan_lowers_absconding():
    low = runs(**HAZARD, protection_coverage={"JPN": 0.0})
    high = runs(**HAZARD, protection_coverage={"JPN": 1.0})
    c = compare("absconders per trainee arrival 2010-2018", abscond_rate, low, high)
    print(c)
    c.assert_lowers()


def test_a_higher_brokerage_debt_raises_absconding():
    # a binding cap keeps the trainees' number; the fee raises what they owe on arrival;
    # absconding is rare, so 250 people per agent (a few hundred trainees in a run), and the
    # debt response at 1 (default 0.1: a debt of a few months' wage, repaid within months,
    # moves the hazard too little to show in a test)
    capped = {
        "people_per_agent": 250,
        "titp_abscond_base_per_month": 0.005,
        "abscond_debt_sensitivity": 1.0,
        "annual_regular_quota": japan_quota(3_000),
    }
    cheap = runs(**capped)
    dear = runs(**capped, regular_official_fee_usd=with_fee_added(3000.0))
    arrivals = compare(
        "technical-intern arrivals", lambda t: total(t, "arrivals_titp"), cheap, dear
    )
    assert abs(arrivals.difference) <= 0.05 * arrivals.base_mean, str(arrivals)
    debt = compare(
        "debt of regular movers to Japan, end 2014",
        lambda t: total(
            t, "debt_outstanding_usd", channel="regular", start="2014-12", end="2014-12"
        ),
        cheap,
        dear,
    )
    print(debt)
    debt.assert_raises()
    c = compare("absconders per trainee arrival 2010-2018", abscond_rate, cheap, dear)
    print(c)
    c.assert_raises()


def test_protection_lowers_exploitation_on_the_corridors_to_japan():
    """Table 1's protection acts on the corridors to Japan as on the others (the same lever,
    the same hazard: ``tests/test_effects.py`` tests it on the whole baseline)."""
    base = runs(**HAZARD)
    protected = runs(**HAZARD, protection_coverage={"JPN": 1.0})
    c = compare(
        "exploitation cases in Japan 2010-2018",
        lambda t: total(t, "exploitation_cases"),
        base,
        protected,
    )
    print(c)
    c.assert_lowers()


def test_asean_japan_training_cooperation_raises_regular_moves_to_japan():
    """Table 1's human-resource development on the corridors to Japan: the ASEAN-Japan
    training raises the training coverage of the moves to Japan and halves their official
    fees; training's wage premium and the cheaper move draw more people to Japan (the cap of
    80,000 a year does not bind here)."""
    base = runs(end="2014-12")
    trained = runs(end="2014-12", asean_japan_training_cooperation=1.0)
    c = compare(
        "regular arrivals in Japan 2010-2014",
        lambda t: total(t, "arrivals", channel="regular"),
        base,
        trained,
    )
    print(c)
    c.assert_raises()
