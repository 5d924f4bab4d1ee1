"""The initial state (month "2009-12") reproduces the world data.

Expected values are read straight from ``scenarios/data/*.csv`` (not through
``scenarios.world``), so a mistake in loading or arranging the data shows up here. Agent
counts are rounded to whole agents, so every initial stock matches within half an agent's
worth of people.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agents.status import Legal, Status
from agents.worker import Worker
from scenarios.scenario import load_scenario, scenario_from_dict
from simulation.model import MigrationModel

DATA = Path(__file__).resolve().parents[1] / "scenarios" / "data"
INITIAL = "2009-12"
PPA_VALUES = (2000.0, 3700.0)


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


ORIGINS = {r["code"]: r for r in _rows("origins.csv")}
# the corridors of the origins a scenario has by default (the rest of the world is off)
CORRIDORS = [
    r
    for r in _rows("corridors.csv")
    if ORIGINS[r["origin"]]["enabled_by_default"].strip().lower() == "true"
]
DEFAULT_DESTINATIONS = [
    r["code"]
    for r in _rows("destinations.csv")
    if r["enabled_by_default"].strip().lower() == "true"
]


def expected_stocks(destinations) -> dict[tuple[str, str, str], float]:
    out = {}
    for r in CORRIDORS:
        if r["destination"] not in destinations:
            continue
        stock = float(r["initial_stock_2010"])
        share = float(r["initial_regular_share_2010"])
        out[r["origin"], r["destination"], "regular"] = stock * share
        out[r["origin"], r["destination"], "irregular"] = stock * (1.0 - share)
    return out


def expected_at_home(destinations) -> dict[str, float]:
    used = {r["origin"] for r in CORRIDORS if r["destination"] in destinations}
    return {
        o: float(ORIGINS[o]["working_age_population_2010"]) * float(ORIGINS[o]["at_risk_share"])
        for o in used
    }


def initial_model(ppa: float, destinations=None) -> MigrationModel:
    s = load_scenario("baseline").with_values(people_per_agent=ppa, end="2010-03")
    if destinations is not None:
        data = s.to_dict(resolved=False)
        data["world"] = {"destinations": list(destinations)}
        s = scenario_from_dict(data)
    return MigrationModel(s)


def initial_rows(m: MigrationModel, measure: str) -> pd.DataFrame:
    t = m.metrics.to_frame()
    t = t[(t["month"] == INITIAL) & (t["measure"] == measure)]
    return t.astype({"origin": str, "destination": str, "channel": str})


def test_default_world_is_the_data_default():
    assert DEFAULT_DESTINATIONS == ["THA", "MYS", "SGP"]
    m = initial_model(3000.0)
    assert list(m.world.destinations) == DEFAULT_DESTINATIONS


@pytest.mark.parametrize("ppa", PPA_VALUES)
@pytest.mark.parametrize("destinations", [None, ("THA", "MYS", "SGP", "JPN")])
def test_initial_stocks_match_world_data(ppa, destinations):
    m = initial_model(ppa, destinations)
    expected = expected_stocks(destinations or DEFAULT_DESTINATIONS)
    rows = initial_rows(m, "stock")
    got = {(r.origin, r.destination, r.channel): r.value for r in rows.itertuples()}
    assert set(got) == set(expected)
    for key, want in expected.items():
        assert abs(got[key] - want) <= ppa / 2 + 1e-6, (key, got[key], want)
        # whole agents
        assert got[key] / ppa == pytest.approx(round(got[key] / ppa))
    # everyone abroad starts employed, nobody waits, crosses or is detained
    for measure, same_as_stock in (
        ("employed", True),
        ("unemployed", False),
        ("detained", False),
        ("waiting", False),
        ("in_transit", False),
    ):
        vals = initial_rows(m, measure).set_index(["origin", "destination", "channel"])["value"]
        for key, stock in got.items():
            assert vals[key] == (stock if same_as_stock else 0.0), (measure, key)


@pytest.mark.parametrize("ppa", PPA_VALUES)
def test_total_initial_stock_close_to_world_data(ppa):
    """Rounding errors do not add up beyond half an agent per corridor and channel."""
    m = initial_model(ppa)
    expected = expected_stocks(DEFAULT_DESTINATIONS)
    total = initial_rows(m, "stock")["value"].sum()
    assert abs(total - sum(expected.values())) <= len(expected) * ppa / 2
    assert m.regular_stock + m.irregular_stock == pytest.approx(total)


@pytest.mark.parametrize("ppa", PPA_VALUES)
@pytest.mark.parametrize("destinations", [None, ("THA", "MYS", "SGP", "JPN")])
def test_people_at_home_match_population_at_risk(ppa, destinations):
    m = initial_model(ppa, destinations)
    expected = expected_at_home(destinations or DEFAULT_DESTINATIONS)
    rows = initial_rows(m, "people_at_home")
    got = dict(zip(rows["origin"], rows["value"], strict=True))
    assert set(got) == set(expected)
    for origin, want in expected.items():
        assert abs(got[origin] - want) <= ppa / 2 + 1e-6, (origin, got[origin], want)
    # and nobody has returned yet
    returned = initial_rows(m, "people_returned")
    assert (returned["value"] == 0).all()


@pytest.mark.parametrize("ppa", PPA_VALUES)
def test_population_columns_match_world_data(ppa):
    """The agents themselves (not only the table) carry the initial stocks."""
    m = initial_model(ppa)
    pop = m.population
    expected = expected_stocks(DEFAULT_DESTINATIONS)
    for ci, c in enumerate(m.world.corridors):
        for channel, legal, status in (
            ("regular", Legal.REGULAR, Status.EMPLOYED_REGULAR),
            ("irregular", Legal.IRREGULAR, Status.EMPLOYED_IRREGULAR),
        ):
            n = int(((pop.corridor == ci) & (pop.legal == legal)).sum())
            assert abs(n * ppa - expected[c.origin, c.destination, channel]) <= ppa / 2 + 1e-6
            assert (pop.status[(pop.corridor == ci) & (pop.legal == legal)] == status).all()
            assert (pop.origin[pop.corridor == ci] == m.world.origins.index(c.origin)).all()
    home = pop.status == Status.AT_HOME
    assert (pop.corridor[home] == -1).all() and (pop.legal[home] == Legal.NONE).all()
    assert len(m.agents_by_type[Worker]) == len(pop)


def test_scale_changes_agent_count_not_people():
    coarse, fine = initial_model(PPA_VALUES[1]), initial_model(PPA_VALUES[0])
    assert len(fine.population) > len(coarse.population)
    a = initial_rows(coarse, "stock").set_index(["origin", "destination", "channel"])["value"]
    b = initial_rows(fine, "stock").set_index(["origin", "destination", "channel"])["value"]
    assert ((a - b).abs() <= (PPA_VALUES[0] + PPA_VALUES[1]) / 2 + 1e-6).all()


def test_japan_corridors_only_when_japan_enabled():
    japan_codes = {(r["origin"], r["destination"]) for r in CORRIDORS if r["destination"] == "JPN"}
    assert japan_codes  # the data has Japan corridors

    def corridors_in_table(m):
        t = m.metrics.to_frame()
        t = t[t["destination"].astype(str) != ""]
        return set(zip(t["origin"].astype(str), t["destination"].astype(str), strict=True))

    off = initial_model(3000.0)
    off.run()
    assert "JPN" not in off.world.destinations
    assert not corridors_in_table(off) & japan_codes
    assert "JPN" not in set(off.metrics.to_frame()["destination"].astype(str))

    on = initial_model(3000.0, ("THA", "MYS", "SGP", "JPN"))
    on.run()
    assert japan_codes <= corridors_in_table(on)
    assert corridors_in_table(on) - corridors_in_table(off) == japan_codes
    # Japan's initial stocks are in the table and in the agents
    stock = initial_rows(on, "stock")
    jp = stock[stock["destination"] == "JPN"]["value"].sum()
    want = sum(v for (o, d, _), v in expected_stocks(["JPN"]).items())
    assert abs(jp - want) <= len(japan_codes) * 3000.0
    assert jp > 0
    # switching Japan on adds its origins' corridors but no origin-level people
    home_off = initial_rows(off, "people_at_home").set_index("origin")["value"]
    home_on = initial_rows(on, "people_at_home").set_index("origin")["value"]
    pd.testing.assert_series_equal(home_off.sort_index(), home_on.sort_index())


def test_japan_only_world_keeps_only_its_origins():
    m = initial_model(3000.0, ("JPN",))
    origins = sorted({r["origin"] for r in CORRIDORS if r["destination"] == "JPN"})
    assert sorted(m.world.origins) == origins
    rows = initial_rows(m, "people_at_home")
    assert sorted(rows["origin"]) == origins
    np.testing.assert_array_equal(np.unique(m.population.origin), np.arange(len(origins)))
