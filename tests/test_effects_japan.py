"""Direction-of-effect tests of Japan's programmes (issue 14, mechanism 5) over seeded
replicates of ``baseline_japan`` (common random numbers: replicate k uses seed k in both arms).

The uncalibrated corridors to Japan draw few people, so every run makes them attractive
(corridor constant 3 on the four corridors to Japan) and drops the 2020-21 border closures
(so that arrivals after 2019 are not held back by the pandemic); the outcome compared is then
the mechanism's own: a binding technical-intern cap, the SSW places from 2019, the absconding
hazard's protection term. (The debt term has no test yet: in these runs trainees' debts are
small or repaid within months, so a higher fee changed no absconding measurably.)
"""

from __future__ import annotations

import json
from functools import cache

import pandas as pd
from effects_helpers import compare, total

from scenarios.scenario import load_scenario
from simulation.run import run_scenario

BASE = load_scenario("baseline_japan")
JAPAN_CORRIDORS = ("VNM-JPN", "IDN-JPN", "MMR-JPN", "KHM-JPN")
N = 4


def attractive() -> dict:
    """The calibrated corridor constants with the corridors to Japan raised to 3."""
    table = dict(BASE.values["corridor_constant"])
    table.update(dict.fromkeys(JAPAN_CORRIDORS, 3.0))
    return table


def japan_quota(people: int) -> dict:
    """The baseline's regular quotas with Japan's technical-intern cap at ``people``."""
    table = dict(BASE.values["annual_regular_quota"])
    table["JPN"] = people
    return table


COMMON = {"people_per_agent": 5000, "corridor_constant": attractive(), "border_closure_start": {}}


@cache
def _run(key: str, seed: int) -> pd.DataFrame:
    scenario = BASE.with_values(**{**COMMON, **json.loads(key), "seed": seed})
    table = run_scenario(scenario).table
    table = table[table["destination"].astype(str) == "JPN"]
    out = pd.DataFrame(
        {c: table[c].astype(str).to_numpy() for c in ("month", "origin", "channel", "measure")}
    )
    out["destination"] = "JPN"
    out["value"] = table["value"].to_numpy()
    return out


def runs(**overrides) -> list[pd.DataFrame]:
    """Japan's rows of ``N`` seeded replicates of the common runs with ``overrides``."""
    key = json.dumps(overrides, sort_keys=True)
    return [_run(key, seed) for seed in range(1, N + 1)]


def test_a_higher_japan_intake_cap_raises_regular_arrivals_in_japan():
    # all four corridors: at its 7,000 USD the Viet Nam-Japan move is beyond the borrowing
    # limit of almost everyone in these uncalibrated runs (see the report of this mechanism)
    low = runs(end="2016-12", annual_regular_quota=japan_quota(500))
    high = runs(end="2016-12", annual_regular_quota=japan_quota(20_000))
    c = compare(
        "regular arrivals in Japan 2011-2016",
        lambda t: total(t, "arrivals", channel="regular", start="2011-01"),
        low,
        high,
    )
    print(c)
    c.assert_raises()


def test_ssw_from_2019_raises_regular_japan_arrivals_after_2019():
    quota = japan_quota(2_000)  # technical interns capped: the SSW places are extra
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
    before = compare(
        "regular arrivals in Japan before 2019-04",
        lambda t: total(t, "arrivals", channel="regular", end="2019-03"),
        without,
        with_ssw,
    )
    assert before.difference == 0, str(before)  # nothing changes before the start


def abscond_rate(table: pd.DataFrame, origin: str | None = None) -> float:
    """Absconders per technical-intern arrival, 2011-2018."""
    where = {"origin": origin, "end": "2018-12"}
    arrivals = total(table, "arrivals_titp", channel="regular", **where)
    return total(table, "absconding", channel="irregular", **where) / max(arrivals, 1.0)


def test_higher_protection_coverage_in_japan_lowers_absconding():
    hazard = {"end": "2018-12", "titp_abscond_base_per_month": 0.03}
    coverage = dict(BASE.values["protection_coverage"])
    low = runs(**hazard, protection_coverage={**coverage, "JPN": 0.0})
    high = runs(**hazard, protection_coverage={**coverage, "JPN": 1.0})
    c = compare("absconders per trainee arrival 2011-2018", abscond_rate, low, high)
    print(c)
    c.assert_lowers()
