"""The aggregated rest-of-world origin ``ROW`` (issue 14, mechanism 4: competing origins).

ROW (Bangladesh, Nepal, the Philippines, India, Pakistan and others) is in the world data but
off by default, like Japan; a scenario switches it on with ``[world] origins``. Checked here:
its data rows are sourced; it is off by default; its initial stocks and its share of labour
demand are UN DESA's residual (total less the modelled origins); people are conserved and
statuses exclusive with it on; ROW workers compete with the modelled origins' for the same
jobs (an effect over seeded replicates); and the results, ``corridors compare`` (its
tables, figures and all-corridor stock change), the observation model, the dashboard's "all
corridors" charts and sensitivity's output keep it apart from the modelled origins.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tomli_w
from test_invariants import check_table, run_checked

from agents.status import Legal
from calibration.observation import observe
from calibration.targets import Target
from corridors.cli import main
from scenarios.errors import ScenarioError
from scenarios.flows import MODELLED_ORIGINS, row_residual, row_workers_residual
from scenarios.scenario import load_scenario, scenario_from_dict
from scenarios.world import DATA_DIR, available_origins, default_origins, load_world
from simulation.model import MigrationModel

ALL_DESTINATIONS = ["THA", "MYS", "SGP", "JPN"]
WITH_ROW = ["KHM", "LAO", "MMR", "VNM", "IDN", "ROW"]
MID_2010, MID_2015 = (2010, 7), (2015, 7)


def row_scenario(**settings) -> dict:
    return {
        "extends": "baseline",
        "settings": settings,
        "world": {"destinations": ALL_DESTINATIONS, "origins": WITH_ROW},
    }


def rows_of(name: str) -> list[dict]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ---- data ---------------------------------------------------------------------------------
def test_row_is_in_the_data_but_off_by_default():
    assert "ROW" in available_origins()
    assert "ROW" not in default_origins()
    assert set(default_origins()) == MODELLED_ORIGINS
    for preset in ("baseline", "crackdown", "asean_japan_hrd"):
        world = load_scenario(preset).world
        assert "ROW" not in world.origins
        assert not any(c.origin == "ROW" for c in world.corridors)
        assert world.origin_demand_points == {}


def test_every_row_data_row_is_sourced():
    """Every ROW figure names its source (or says 'assumption')."""
    origin = [r for r in rows_of("origins.csv") if r["code"] == "ROW"]
    corridors = [r for r in rows_of("corridors.csv") if r["origin"] == "ROW"]
    demand = [r for r in rows_of("labour_demand.csv") if r["workers_from"] == "ROW"]
    wages = [r for r in rows_of("wages.csv") if r["country"] == "ROW"]
    assert len(origin) == 1 and len(wages) >= 2
    assert {r["destination"] for r in corridors} == set(ALL_DESTINATIONS)
    assert {r["destination"] for r in demand} == set(ALL_DESTINATIONS)
    for r in origin + corridors + demand + wages:
        for column, value in r.items():
            if column.endswith("source") and column != "irregular_transit_source":
                assert value.strip(), (r.get("code") or r.get("origin"), column)
    for r in corridors:  # a transit time needs a source where there is an irregular route
        if r["irregular_cost_usd"]:
            assert r["irregular_transit_source"].strip(), r["destination"]


def test_row_stocks_and_demand_are_the_un_desa_residual_or_japans_workers():
    """ROW's 2010 stock in each destination, and its part of the demand in 2010 and 2015,
    are UN DESA's total less the five modelled origins (:func:`row_residual`), but in Japan,
    where UN DESA counts settled residents: Japan's notified workers not on a status-based
    residence less the modelled origins (:func:`row_workers_residual`). No figure dated after
    2016 (held out) is used."""
    world = load_world(tuple(ALL_DESTINATIONS), tuple(WITH_ROW))
    demand = world.origin_demand_points["ROW"]
    for c in world.corridors:
        if c.origin != "ROW":
            continue
        if c.destination == "JPN":
            workers = row_workers_residual("JPN")
            first, second = workers[2010], workers[2015]
        else:
            residual = row_residual(c.destination)
            first, second = residual[MID_2010], residual[MID_2015]
        assert c.initial_stock == first, c.destination
        points = dict(demand[c.destination])
        assert points == {6: first, 66: second}, c.destination
    # Japan's: notified workers less the settled less the modelled origins (MHLW, October)
    assert row_workers_residual("JPN") == {
        2010: 649_982 - 296_834 - (41_781 + 24_895 + 2_683),
        2015: 907_896 - 367_211 - (146_956 + 35_910 + 3_383),
    }
    # the modelled origins' own demand is unchanged, so census totals add up to UN DESA's
    mys_modelled = dict(world.demand_points["MYS"])[6]
    assert mys_modelled + dict(demand["MYS"])[6] == 2_417_395  # UN DESA total, MYS 2010


def test_row_initial_population_matches_the_residual():
    ppa = 5000
    m = MigrationModel(scenario_from_dict(row_scenario(end="2010-01", people_per_agent=ppa)))
    pop, w = m.population, m.world
    row = w.origins.index("ROW")
    abroad = (pop.origin == row) & (pop.legal != Legal.NONE)
    for ci, c in enumerate(w.corridors):
        if c.origin != "ROW":
            continue
        people = ppa * np.count_nonzero(abroad & (pop.corridor == ci))
        # two blocks (regular, irregular), each rounded to the nearest whole agent
        assert abs(people - c.initial_stock) <= ppa, c.destination
    at_home = ppa * np.count_nonzero((pop.origin == row) & (pop.legal == Legal.NONE))
    assert abs(at_home - w.population_at_risk["ROW"]) <= ppa / 2


def test_scenario_with_row_round_trips():
    s = scenario_from_dict(row_scenario())
    assert s.world.origins[-1] == "ROW"
    again = scenario_from_dict(s.to_dict(resolved=True))
    assert again.world == s.world and again.digest() == s.digest()
    # a per-origin value keyed by ROW is accepted, and ignored while ROW is off
    on = scenario_from_dict({**row_scenario(), "levers": {"recruitment_fee_cap_usd": {"ROW": 900}}})
    assert on["recruitment_fee_cap_usd"]["ROW"] == 900
    off = scenario_from_dict({"levers": {"recruitment_fee_cap_usd": {"ROW": 900}}})
    assert "ROW" not in off["recruitment_fee_cap_usd"]
    assert "origins" not in load_scenario("baseline").to_dict()["world"]


@pytest.mark.parametrize("origins", [["KHM", "XXX"], [], ["ROW", "ROW"], "ROW", ["THA"]], ids=repr)
def test_world_origins_are_checked(origins):
    with pytest.raises(ScenarioError, match=r"world\.origins"):
        scenario_from_dict({"world": {"origins": origins}})


# ---- the run ------------------------------------------------------------------------------
def test_people_conserved_and_statuses_exclusive_with_row():
    scenario = scenario_from_dict(row_scenario(end="2012-12", people_per_agent=20000, seed=3))
    m, table = run_checked(scenario)  # statuses exclusive, legal status consistent, monthly
    check_table(m, table)  # people per origin constant, flows add up to stock changes
    origins = set(table["origin"].astype(str))
    assert "ROW" in origins and MODELLED_ORIGINS <= origins


MYS_2010_MODELLED, MYS_2010_ALL = 1_278_256, 2_417_395  # UN DESA 2019 revision, mid-2010


def modelled_arrivals_in_malaysia(world: dict | None, drivers: dict | None, seed: int) -> float:
    data: dict = {
        "extends": "baseline",
        "settings": {"end": "2014-12", "people_per_agent": 5000, "seed": seed},
    }
    if world:
        data["world"] = world
    if drivers:
        data["drivers"] = drivers
    m = MigrationModel(scenario_from_dict(data))
    m.run()
    t = m.metrics.to_frame()
    rows = t[
        (t["measure"].astype(str) == "arrivals")
        & (t["destination"].astype(str) == "MYS")
        & (t["origin"].astype(str) != "ROW")
        & (t["month"].astype(str) >= "2011-01")
    ]
    return float(rows["value"].sum())


def test_row_workers_compete_for_the_same_jobs():
    """With ROW on and Malaysia's total demand for migrant workers held at what it is with
    ROW off (``labour_demand_factor`` scales the modelled and ROW parts alike, to the 2010
    share of the modelled origins in UN DESA's total), the modelled origins' arrivals in
    Malaysia in 2011-2014 fall: ROW workers take part of the same jobs. Six seeds each, by
    more than two standard errors of the difference."""
    same_total = {"labour_demand_factor": {"MYS": MYS_2010_MODELLED / MYS_2010_ALL}}
    on_world = {"destinations": ["THA", "MYS", "SGP"], "origins": WITH_ROW}
    seeds = range(1, 7)
    off = np.array([modelled_arrivals_in_malaysia(None, None, s) for s in seeds])
    on = np.array([modelled_arrivals_in_malaysia(on_world, same_total, s) for s in seeds])
    se = math.sqrt(off.var(ddof=1) / len(off) + on.var(ddof=1) / len(on))
    assert off.mean() - on.mean() > 2 * se, (off.mean(), on.mean(), se)


# ---- consumers ----------------------------------------------------------------------------
def test_observation_compares_totals_with_all_origins():
    """A destination total (no origin, or ``ALL``) counts every origin of the run, ROW
    included; a per-origin or group target counts only its origins."""
    m = MigrationModel(scenario_from_dict(row_scenario(end="2010-02", people_per_agent=20000)))
    m.run()
    w, ppa = m.world, m.people_per_agent

    def target(origins: tuple[str, ...]) -> Target:
        last = m.scenario.end  # the stock at the end of the last month: ``latest``
        return Target(
            "t", "total_stock", "MYS", origins, "", "", last, last, 1.0, math.nan, math.nan, 1, ""
        )

    stock = m.metrics.latest("stock").sum(axis=1)
    by_origin = {o: 0.0 for o in w.origins}
    for ci, c in enumerate(w.corridors):
        if c.destination == "MYS":
            by_origin[c.origin] += stock[ci]
    assert observe(m, target(())) == pytest.approx(sum(by_origin.values()))
    assert observe(m, target(("IDN",))) == pytest.approx(by_origin["IDN"])
    assert observe(m, target(("ROW",))) == pytest.approx(by_origin["ROW"])
    assert by_origin["ROW"] > 10 * ppa


def test_results_and_compare_keep_row_apart(tmp_path: Path):
    """``corridors compare`` writes ROW's rows under origin ``ROW``, next to (never summed
    into) the modelled origins' rows."""
    scenario = tmp_path / "with_row.toml"
    scenario.write_text(tomli_w.dumps({"name": "with_row", **row_scenario()}))
    batch = tmp_path / "batch.toml"
    batch.write_text(
        tomli_w.dumps(
            {
                "name": "row",
                "scenarios": ["baseline", str(scenario)],
                "replicates": 1,
                "root_seed": 1,
                "settings": {"end": "2010-12", "people_per_agent": 20000},
            }
        )
    )
    out = tmp_path / "out"
    assert main(["batch", str(batch), "--out", str(out), "--serial", "--quiet"]) == 0
    assert main(["compare", str(out)]) == 0
    summary = pd.read_csv(out / "compare" / "summary.csv", keep_default_na=False)
    stock = summary[(summary["measure"] == "stock") & (summary["year"] == 2010)]
    with_row = stock[stock["label"] == "with_row"]
    assert "ROW" in set(with_row["origin"])
    assert "ROW" not in set(stock[stock["label"] == "baseline"]["origin"])
    mys = with_row[(with_row["destination"] == "MYS") & (with_row["origin"] == "IDN")]
    base = stock[
        (stock["label"] == "baseline")
        & (stock["destination"] == "MYS")
        & (stock["origin"] == "IDN")
    ]
    # IDN's row in Malaysia is IDN's alone: of the order of its own stock, not ROW's added
    assert mys["mean"].sum() < 2 * base["mean"].sum()


def test_headline_indicators_count_the_modelled_origins_only():
    """A hand-built yearly table: ROW's rows (many irregular workers, deportations, fees) are
    in the table but not in the headline, which equals that of the table without them."""
    from simulation.metrics import HEADLINE_ORIGINS, headline_per_run

    assert HEADLINE_ORIGINS == set(default_origins()) and "ROW" not in HEADLINE_ORIGINS

    def rows(origin, regular, irregular, deported, fees):
        base = {"run": 0, "origin": origin, "destination": "MYS", "year": 2012}
        return [
            base | {"channel": "regular", "measure": "stock", "value": regular},
            base | {"channel": "irregular", "measure": "stock", "value": irregular},
            base | {"channel": "", "measure": "deportations", "value": deported},
            base | {"channel": "", "measure": "recruitment_fees_paid_usd", "value": fees},
        ]

    modelled = pd.DataFrame(rows("IDN", 300.0, 100.0, 5.0, 1000.0))
    both = pd.concat([modelled, pd.DataFrame(rows("ROW", 100.0, 900.0, 50.0, 9000.0))])
    got = headline_per_run(both, ["run"]).iloc[0]
    assert got["irregular_share_final_year"] == pytest.approx(0.25)  # not 1000 / 1400
    assert got["deportations"] == 5.0 and got["recruitment_fees_paid_usd"] == 1000.0
    pd.testing.assert_frame_equal(
        headline_per_run(both, ["run"]), headline_per_run(modelled, ["run"])
    )


def runs_table(values: dict[tuple[str, int], tuple[float, float]]) -> pd.DataFrame:
    """A hand-built replicate table as the dashboard keeps one: one month of stock in
    Malaysia, ``(origin, replicate) -> (regular, irregular)``."""
    rows = []
    for (origin, replicate), pair in values.items():
        for channel, value in zip(("regular", "irregular"), pair, strict=True):
            rows.append(
                {
                    "month": "2010-01",
                    "origin": origin,
                    "destination": "MYS",
                    "channel": channel,
                    "measure": "stock",
                    "value": value,
                    "replicate": replicate,
                }
            )
    return pd.DataFrame(rows)


def test_dashboard_all_corridors_total_counts_the_modelled_origins_only():
    """The Compare view's "all corridors" charts (A, B and B minus A) add up the modelled
    origins, as its headline does; ROW keeps its own corridor and a caption says so."""
    from dashboards.compare_charts import shown_apart_note
    from dashboards.replicates import difference, summarise

    a = runs_table({("IDN", 0): (300.0, 100.0), ("IDN", 1): (500.0, 100.0)})
    a_row = pd.concat([a, runs_table({("ROW", 0): (10.0, 900.0), ("ROW", 1): (10.0, 700.0)})])
    b = runs_table({("IDN", 0): (300.0, 40.0), ("IDN", 1): (500.0, 60.0)})
    b_row = pd.concat([b, runs_table({("ROW", 0): (10.0, 100.0), ("ROW", 1): (10.0, 100.0)})])

    total = summarise(a_row, "stock", by_corridor=False).set_index("channel")
    assert total.loc["irregular", "mean"] == 100.0  # IDN's alone, not 100 + 800
    assert total.loc["regular", "mean"] == 400.0
    pd.testing.assert_frame_equal(
        summarise(a_row, "stock", by_corridor=False), summarise(a, "stock", by_corridor=False)
    )
    per_corridor = summarise(a_row, "stock").set_index(["corridor", "channel"])["mean"]
    assert per_corridor.loc[("ROW-MYS", "irregular")] == 800.0  # ROW shown on its own
    diff = difference(a_row, b_row, "stock").set_index("channel")
    assert diff.loc["irregular", "mean"] == -50.0  # IDN's change, not -50 - 700
    pd.testing.assert_frame_equal(difference(a_row, b_row, "stock"), difference(a, b, "stock"))
    assert "ROW-MYS" in shown_apart_note(["IDN-MYS", "ROW-MYS"])
    assert shown_apart_note(["IDN-MYS", "KHM-THA"]) == ""


def test_comparison_with_row_on_totals_the_modelled_origins_and_says_so():
    """A real (tiny) comparison with ROW on: the all-corridor series and their B minus A
    are the sums over the modelled origins' corridors, not over every corridor, and the
    charts' titles say whose total they show."""
    from dashboards.compare_charts import ALL_CORRIDORS
    from dashboards.compare_view import comparison_charts
    from dashboards.comparison import compare_runs

    small = row_scenario(end="2010-12", people_per_agent=20000)
    a = scenario_from_dict(small)
    b = scenario_from_dict({**small, "levers": {"enforcement_monthly_arrest_probability": 0.05}})
    result = compare_runs(a, b, 1)

    def sums(summary: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        modelled = summary[~summary["corridor"].str.startswith("ROW-")]
        return (
            modelled.groupby(["month", "channel"])["mean"].sum(),
            summary.groupby(["month", "channel"])["mean"].sum(),
        )

    for measure in ("stock", "arrivals"):
        per_corridor, total = getattr(result, measure), getattr(result, f"{measure}_total")
        assert any(c.startswith("ROW-") for c in per_corridor[0]["corridor"])
        for side in (0, 1):
            modelled, everyone = sums(per_corridor[side])
            got = total[side].set_index(["month", "channel"])["mean"]
            pd.testing.assert_series_equal(got, modelled, check_names=False)
            if measure == "stock":
                assert (everyone - modelled > 0).all()  # ROW's stock would have counted
        modelled_a, _ = sums(per_corridor[0])
        modelled_b, _ = sums(per_corridor[1])
        diff = getattr(result, f"difference_{measure}").set_index(["month", "channel"])["mean"]
        pd.testing.assert_series_equal(diff, modelled_b - modelled_a, check_names=False)
    series = result.series()
    all_rows = series[(series["corridor"] == "all") & (series["measure"] == "stock")]
    assert all_rows["mean"].sum() == pytest.approx(
        sum(sums(s)[0].sum() for s in result.stock), rel=1e-12
    )
    labels = [chart[3] for chart in comparison_charts(result, ALL_CORRIDORS)]
    assert all("all corridors of the modelled origins" in label for label in labels), labels
    # the page says where ROW went, under the corridor choice
    import solara
    from dashboard_widgets import page_text

    from dashboards.compare_view import ComparisonResult

    @solara.component
    def Shown():
        ComparisonResult(result, [], solara.use_reactive(ALL_CORRIDORS))

    box, rc = solara.render(Shown(), handle_error=False)
    try:
        text = page_text(box)
        assert "adds up the modelled origins only" in text and "ROW-MYS" in text
    finally:
        rc.close()


def stock_rows(point: int, origin: str, regular: float, irregular: float) -> list[dict]:
    base = {"point": point, "replicate": 0, "origin": origin, "destination": "MYS"}
    return [
        base | {"month": "2012-12", "measure": "stock", "channel": "regular", "value": regular},
        base | {"month": "2012-12", "measure": "stock", "channel": "irregular", "value": irregular},
    ]


def test_sensitivity_irregular_share_counts_the_modelled_origins_only():
    """Sensitivity's irregular share is the headline's: ROW's many irregular workers do not
    move it. Its label says so."""
    from corridors.sensitivity import _describe, indicator_per_point

    modelled = stock_rows(0, "IDN", 300.0, 100.0) + stock_rows(1, "KHM", 100.0, 100.0)
    rest = stock_rows(0, "ROW", 100.0, 900.0) + stock_rows(1, "ROW", 500.0, 0.0)
    table = pd.DataFrame(modelled + rest)
    share = {"indicator": "irregular_share"}
    got = indicator_per_point(table, share, 2012)
    assert list(got) == pytest.approx([0.25, 0.5])  # not 1000 / 1400 and 100 / 700
    pd.testing.assert_series_equal(got, indicator_per_point(pd.DataFrame(modelled), share, 2012))
    assert _describe(share, 2012) == "irregular_share in 2012 (all destinations, modelled origins)"


def test_sensitivity_measure_counts_the_modelled_origins_only():
    """A sensitivity output that is a measure (a stock, a flow) is summed over the modelled
    origins, as the irregular share is: ROW's rows are in the table but not in the output, and
    the label says whose sum it is."""
    from corridors.sensitivity import _describe, indicator_per_point

    modelled = stock_rows(0, "IDN", 300.0, 100.0) + stock_rows(1, "KHM", 100.0, 100.0)
    rest = stock_rows(0, "ROW", 100.0, 900.0) + stock_rows(1, "ROW", 500.0, 0.0)
    arrivals = [  # a flow: every month of the year counts
        {**row, "measure": "arrivals", "month": month}
        for row in modelled + rest
        for month in ("2012-03", "2012-12")
    ]
    table = pd.DataFrame(modelled + rest + arrivals)
    irregular = {"indicator": "stock", "channel": "irregular"}
    got = indicator_per_point(table, irregular, 2012)
    assert list(got) == [100.0, 100.0]  # IDN's and KHM's, not 100 + 900 and 100 + 0
    assert list(got) != list(indicator_per_point(table.assign(origin="IDN"), irregular, 2012))
    both = indicator_per_point(table, {"indicator": "stock"}, 2012)
    assert list(both) == [400.0, 200.0]  # not 1400 and 700
    flow = indicator_per_point(table, {"indicator": "arrivals"}, 2012)
    assert list(flow) == [800.0, 400.0]  # two months of IDN's and KHM's, not 2800 and 1400
    just_modelled = pd.DataFrame([r for r in modelled + arrivals if r["origin"] != "ROW"])
    for output in (irregular, {"indicator": "stock"}, {"indicator": "arrivals"}):
        pd.testing.assert_series_equal(
            indicator_per_point(table, output, 2012),
            indicator_per_point(just_modelled, output, 2012),
        )
    assert _describe({"indicator": "stock"}, 2012) == (
        "stock in 2012 (all destinations, modelled origins)"
    )
    assert _describe(irregular | {"destination": "MYS"}, 2012) == (
        "stock in 2012 (MYS, irregular, modelled origins)"
    )


def test_sensitivity_run_with_row_on_ranks_the_modelled_origins_share(tmp_path: Path):
    """A real (tiny) Morris run on a ROW-on scenario: the output of every sample point is the
    modelled origins' irregular share read back from its results, not the share with ROW."""
    from corridors.listed import listed_runs, read_listed
    from corridors.sensitivity import load_sensitivity, run_sensitivity

    (tmp_path / "with_row.toml").write_text(tomli_w.dumps({"name": "with_row", **row_scenario()}))
    config = tmp_path / "sensitivity.toml"
    config.write_text(
        tomli_w.dumps(
            {
                "name": "row_share",
                "scenario": "with_row.toml",
                "method": "morris",
                "samples": 2,
                "root_seed": 1,
                "settings": {"end": "2010-12", "people_per_agent": 20000},
                "ranges": {
                    "enforcement_monthly_arrest_probability": [0.001, 0.05],
                    "nest_scale": [0.3, 0.9],
                },
                "output": {"indicator": "irregular_share", "year": 2010},
            }
        )
    )
    out = tmp_path / "out"
    spec, setup = load_sensitivity(config)
    table = run_sensitivity(spec, setup, out, serial=True, progress=False)
    assert table["output"].iloc[0].endswith("modelled origins)")
    got = pd.read_csv(out / "sensitivity" / "outputs.csv")["output"].to_numpy()
    stock = read_listed(listed_runs(out), measure="stock")
    stock = stock[stock["month"].astype(str) == "2010-12"].astype({"origin": str, "channel": str})

    def share(rows: pd.DataFrame) -> np.ndarray:
        g = rows.groupby(["point", "channel"])["value"].sum().unstack()
        return (g["irregular"] / g.sum(axis=1)).sort_index().to_numpy()

    modelled = share(stock[stock["origin"] != "ROW"])
    assert got == pytest.approx(modelled, rel=1e-12)
    assert not np.allclose(got, share(stock), rtol=1e-3)  # with ROW it would differ


def annual_rows(label: str, origin: str, replicate: int, stock: tuple[float, float]) -> list:
    """Hand-built rows of ``corridors compare``'s yearly table: one corridor to Malaysia in
    one run, its final-year (2012) regular and irregular stock (and arrivals, equal to it, for
    the figures)."""
    base = {"label": label, "scenario": label, "point": 0, "replicate": replicate}
    base |= {"origin": origin, "destination": "MYS", "year": 2012}
    return [
        base | {"measure": measure, "channel": channel, "value": value}
        for measure in ("stock", "arrivals")
        for channel, value in zip(("regular", "irregular"), stock, strict=True)
    ]


def test_compare_final_stock_change_counts_the_modelled_origins_only(tmp_path: Path):
    """``final_stock_change.csv`` (the report's stock change, "all corridors") adds up the
    modelled origins' corridors, as the headline does: ROW's paired change is in
    ``differences.csv`` but not in the total, which equals that of the table without ROW;
    the report says whose total it is and names ROW's corridors."""
    from corridors.compare import _write_comparison

    modelled = [
        *annual_rows("baseline", "IDN", 0, (300.0, 100.0)),
        *annual_rows("baseline", "IDN", 1, (500.0, 100.0)),
        *annual_rows("baseline", "KHM", 0, (50.0, 50.0)),
        *annual_rows("baseline", "KHM", 1, (50.0, 50.0)),
        *annual_rows("crackdown", "IDN", 0, (300.0, 40.0)),
        *annual_rows("crackdown", "IDN", 1, (500.0, 60.0)),
        *annual_rows("crackdown", "KHM", 0, (50.0, 30.0)),
        *annual_rows("crackdown", "KHM", 1, (50.0, 50.0)),
    ]
    rest = [
        *annual_rows("baseline", "ROW", 0, (10.0, 900.0)),
        *annual_rows("baseline", "ROW", 1, (10.0, 700.0)),
        *annual_rows("crackdown", "ROW", 0, (10.0, 100.0)),
        *annual_rows("crackdown", "ROW", 1, (20.0, 100.0)),
    ]

    def compare(rows: list[dict], name: str) -> Path:
        out = tmp_path / name
        _write_comparison(tmp_path, out, pd.DataFrame(rows), "baseline", "")
        return out

    with_row, without = compare(modelled + rest, "with_row"), compare(modelled, "without")
    change = pd.read_csv(with_row / "final_stock_change.csv", keep_default_na=False)
    by_channel = change.set_index(["label", "channel"])["mean"]
    # replicate 0: -60 (IDN) - 20 (KHM); replicate 1: -40 (IDN): not -880 and -640 with ROW
    assert by_channel.loc[("crackdown", "irregular")] == -60.0
    assert by_channel.loc[("crackdown", "regular")] == 0.0  # not +5 (ROW's +10 in one)
    diff = pd.read_csv(with_row / "differences.csv", keep_default_na=False)
    stock = diff[(diff["label"] == "crackdown") & (diff["measure"] == "stock")]
    assert stock.groupby("channel")["mean"].sum()["irregular"] == -760.0  # the sum with ROW
    assert stock[stock["origin"] == "ROW"]["mean"].sum() == -695.0  # ROW keeps its rows
    pd.testing.assert_frame_equal(
        change, pd.read_csv(without / "final_stock_change.csv", keep_default_na=False)
    )
    md, html = ((with_row / f"report.{ext}").read_text() for ext in ("md", "html"))
    for text in (md, html):
        assert "all corridors of the modelled origins" in text
        assert "ROW-MYS" in text and "not added in" in text
    assert "Headline indicators (modelled origins" in md
    assert "not added in" not in (without / "report.md").read_text()  # no ROW, no note


def test_compare_with_row_on_totals_the_modelled_origins_and_says_so(tmp_path: Path):
    """A real (tiny) batch of two ROW-on scenarios: ``final_stock_change.csv`` is the paired
    final-year stock change summed over the modelled origins' corridors of
    ``differences.csv``, not over every corridor (ROW's have their own rows there), and the
    report's heading and note say whose total it is."""
    (tmp_path / "with_row.toml").write_text(tomli_w.dumps({"name": "with_row", **row_scenario()}))
    stricter = {**row_scenario(), "levers": {"enforcement_monthly_arrest_probability": 0.05}}
    (tmp_path / "stricter.toml").write_text(tomli_w.dumps({"name": "stricter", **stricter}))
    batch = tmp_path / "batch.toml"
    batch.write_text(
        tomli_w.dumps(
            {
                "name": "row_total",
                "scenarios": [str(tmp_path / "with_row.toml"), str(tmp_path / "stricter.toml")],
                "replicates": 1,
                "root_seed": 1,
                "settings": {"end": "2010-12", "people_per_agent": 20000},
            }
        )
    )
    out = tmp_path / "out"
    assert main(["batch", str(batch), "--out", str(out), "--serial", "--quiet"]) == 0
    assert main(["compare", str(out), "--reference", "with_row"]) == 0
    compared = out / "compare"
    change = pd.read_csv(compared / "final_stock_change.csv", keep_default_na=False)
    change = change.set_index(["label", "channel"])["mean"]
    diff = pd.read_csv(compared / "differences.csv", keep_default_na=False)
    stock = diff[(diff["label"] == "stricter") & (diff["measure"] == "stock")]
    stock = stock[stock["year"] == stock["year"].max()]
    assert "ROW" in set(stock["origin"])  # ROW's corridors keep their rows
    modelled = stock[stock["origin"] != "ROW"].groupby("channel")["mean"].sum()
    everyone = stock.groupby("channel")["mean"].sum()
    for channel in ("regular", "irregular"):
        assert change.loc[("stricter", channel)] == pytest.approx(modelled[channel], rel=1e-12)
    assert (everyone - modelled).abs().max() > 0  # ROW's change would have counted
    md, html = ((compared / f"report.{ext}").read_text() for ext in ("md", "html"))
    for text in (md, html):
        assert "all corridors of the modelled origins" in text
        assert "ROW-MYS" in text and "not added in" in text
    assert "Headline indicators (modelled origins" in md
    svg = (compared / "stocks_by_scenario.svg").read_text()
    assert "per corridor" in svg and "ROW-MYS" in svg  # ROW's own panels, no total
