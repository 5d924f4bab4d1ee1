"""The flow targets of issue 14 (``calibration/targets_flows.csv``): each flow observable is
what the results table says by hand; the file is what ``scripts/build_flow_targets.py``
builds, from ``use = calibration`` rows of ``flows.csv`` only, with no held-out kind among
them; ``calibration/flows.toml`` reads both target files; ``corridors check`` accepts them."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

from calibration.config import load_config
from calibration.observation import FLOW_OBSERVABLES, REMITTANCE_OBSERVABLES, observe
from calibration.remittance_recording import RECORDED_REMITTANCE_SHARE
from calibration.targets import COLUMNS, OBSERVABLES, Target, load_targets
from corridors.cli import main
from scenarios.calendar import month_index
from scenarios.errors import ScenarioError
from scenarios.flows import held_out_targets, load_flows
from scenarios.scenario import scenario_from_dict
from simulation.model import MigrationModel

ROOT = Path(__file__).resolve().parent.parent
FLOW_TARGETS = ROOT / "calibration" / "targets_flows.csv"
NEW = (*FLOW_OBSERVABLES, "notified_workers_stock")


def _script():
    path = ROOT / "scripts" / "build_flow_targets.py"
    spec = importlib.util.spec_from_file_location("build_flow_targets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_flow_targets"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run():
    """A small run (Japan in its world) and its results table."""
    scenario = scenario_from_dict(
        {
            "extends": "baseline",
            "world": {"destinations": ["THA", "MYS", "SGP", "JPN"]},
            "settings": {"people_per_agent": 5000, "end": "2012-12", "seed": 7},
        }
    )
    model = MigrationModel(scenario)
    model.run()
    return model, model.metrics.to_frame(include_status=False)


def _target(observable, destination, origins=(), channel="", start="2011-01", end="2012-06"):
    return Target(
        "t",
        observable,
        destination,
        tuple(origins),
        "".join(origins) or "ALL",
        channel,
        month_index(start),
        month_index(end),
        1.0,
        math.nan,
        math.nan,
        1.0,
        "test",
    )


def _by_hand(table, measures, destination, origins, channels, start, end):
    """Sum of the measures over the cells and months of the results table."""
    rows = table[
        table["measure"].isin(measures)
        & (table["destination"] == destination)
        & table["channel"].isin(channels)
        & (table["month"].astype(str) >= start)
        & (table["month"].astype(str) <= end)
    ]
    if origins:
        rows = rows[rows["origin"].isin(origins)]
    return float(rows["value"].sum())


CASES = [
    # observable, destination, origins, channel, measures, channels counted
    ("regular_departures_per_month", "MYS", ("IDN",), "regular", ["departures"], ["regular"]),
    ("regular_departures_per_month", "THA", (), "", ["departures"], ["regular"]),
    (
        "forced_returns_per_month",
        "THA",
        ("KHM",),
        "",
        ["deportations", "border_interceptions"],
        ["irregular"],
    ),
    (
        "forced_returns_per_month",
        "MYS",
        (),
        "",
        ["deportations", "border_interceptions"],
        ["irregular"],
    ),
    ("returns_per_month", "THA", ("MMR",), "", ["returns"], ["regular", "irregular"]),
    ("returns_per_month", "THA", ("MMR",), "irregular", ["returns"], ["irregular"]),
    (
        "remittances_received_usd_per_month",
        "MYS",
        ("IDN",),
        "",
        ["remittances_received_usd"],
        ["regular", "irregular"],
    ),
    ("regular_departures_per_month", "JPN", ("VNM",), "regular", ["departures"], ["regular"]),
]


@pytest.mark.parametrize(
    ("observable", "destination", "origins", "channel", "measures", "channels"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{''.join(c[2]) or 'ALL'}-{c[3] or 'both'}" for c in CASES],
)
def test_flow_observable_is_the_table_by_hand(
    run, observable, destination, origins, channel, measures, channels
):
    model, table = run
    target = _target(observable, destination, origins, channel)
    expected = _by_hand(table, measures, destination, origins, channels, "2011-01", "2012-06")
    assert observe(model, target) == pytest.approx(expected / 18, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize(("destination", "origin"), [("THA", "MMR"), ("THA", "LAO")])
def test_recorded_remittances_are_the_received_times_the_origins_sourced_share(
    run, destination, origin
):
    """The World Bank's estimates split recorded inflows: for an origin whose recorded share
    the sources give, the target is that share of what the results table says was received."""
    model, table = run
    target = _target("recorded_remittances_usd_per_month", destination, (origin,))
    received = _by_hand(
        table,
        ["remittances_received_usd"],
        destination,
        (origin,),
        ["regular", "irregular"],
        "2011-01",
        "2012-06",
    )
    assert received > 0
    share = RECORDED_REMITTANCE_SHARE[origin]
    assert 0 < share < 1
    assert observe(model, target) == pytest.approx(share * received / 18, rel=1e-9)


def test_remittance_targets_of_origins_with_a_recorded_share_use_it():
    """The World Bank remittance targets of Cambodia, Laos and Myanmar (sourced recorded
    shares) compare the recorded part; Indonesia's and Viet Nam's everything received."""
    by_observable: dict[str, set[str]] = {o: set() for o in REMITTANCE_OBSERVABLES}
    for t in load_targets(FLOW_TARGETS):
        if t.observable in REMITTANCE_OBSERVABLES:
            by_observable[t.observable].add(t.target_id)
    assert by_observable["recorded_remittances_usd_per_month"] == {
        "remittances_KHM_JPN_2010_2016",
        "remittances_KHM_MYS_2015_2016",
        "remittances_KHM_THA_2010_2016",
        "remittances_LAO_THA_2010_2016",
        "remittances_MMR_JPN_2015_2016",
        "remittances_MMR_MYS_2015_2016",
        "remittances_MMR_THA_2015_2016",
    }
    assert by_observable["remittances_received_usd_per_month"] == {
        "remittances_IDN_JPN_2010_2016",
        "remittances_IDN_MYS_2010_2016",
        "remittances_VNM_JPN_2010_2016",
        "remittances_VNM_MYS_2015_2016",
        "remittances_VNM_THA_2010_2016",
    }


def test_a_recorded_remittances_target_built_in_code_for_another_origin_fails_clearly(run):
    model, _ = run
    for origins in (("VNM",), ("KHM", "LAO")):
        target = _target("recorded_remittances_usd_per_month", "THA", origins)
        with pytest.raises(ValueError, match="one of \\['KHM', 'LAO', 'MMR'\\]"):
            observe(model, target)


def test_the_flow_observables_count_something(run):
    """The run has deployments, returns and remittances where the targets look (so the
    comparisons above are not 0 = 0)."""
    model, _ = run
    for observable, destination, origins in (
        ("regular_departures_per_month", "MYS", ("IDN",)),
        ("returns_per_month", "THA", ("MMR",)),
        ("remittances_received_usd_per_month", "MYS", ("IDN",)),
    ):
        assert observe(model, _target(observable, destination, origins)) > 0


@pytest.mark.parametrize(("destination", "origin"), [("JPN", "VNM"), ("MYS", "IDN")])
def test_notified_workers_are_the_employed_regular_stock_at_the_end(run, destination, origin):
    model, table = run
    target = _target(
        "notified_workers_stock", destination, (origin,), start="2012-10", end="2012-10"
    )
    rows = table[
        (table["measure"] == "employed")
        & (table["destination"] == destination)
        & (table["origin"] == origin)
        & (table["channel"] == "regular")
        & (table["month"].astype(str) == "2012-10")
    ]
    assert len(rows) == 1
    assert observe(model, target) == pytest.approx(float(rows["value"].iloc[0]))
    assert observe(model, target) > 0


def test_a_flow_target_outside_the_run_is_not_observed():
    scenario = scenario_from_dict(
        {"extends": "baseline", "settings": {"people_per_agent": 20000, "end": "2010-12"}}
    )
    model = MigrationModel(scenario)
    model.run()
    for observable in NEW:
        target = _target(observable, "JPN", ("VNM",), start="2010-06", end="2010-10")
        assert math.isnan(observe(model, target))
        assert target.distance(observe(model, target)) == 1.0


def test_every_flow_observable_is_registered_and_named_in_the_observation_model():
    doc = (ROOT / "calibration" / "observation.py").read_text(encoding="utf-8")
    for observable in NEW:
        assert observable in OBSERVABLES
        assert f"``{observable}``" in doc


# ---- the file ---------------------------------------------------------------------------


def test_targets_flows_is_what_the_script_builds():
    script = _script()
    built, _ = script.build()
    assert FLOW_TARGETS.read_text(encoding="utf-8") == script.render(built), (
        "calibration/targets_flows.csv is out of date: run scripts/build_flow_targets.py"
    )


def test_every_flow_target_comes_from_calibration_rows_only():
    script = _script()
    built, left_out = script.build()
    assert built
    for b in built:
        assert b.flows and all(f.use == "calibration" for f in b.flows), b.row["target_id"]
    assert all(f.use == "calibration" for f, _ in left_out)
    # and, read back from the file alone: each row names a calibration row's source, on its
    # corridor, within its months
    calibration = [f for f in load_flows() if f.use == "calibration"]
    with FLOW_TARGETS.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(built)
    for r in rows:
        start = tuple(int(x) for x in r["start"].split("-"))
        end = tuple(int(x) for x in r["end"].split("-"))
        assert any(
            f.source_title in r["source"]
            and f.origin == r["origin"]
            and f.destination == r["destination"]
            and start <= f.start <= f.end <= end
            for f in calibration
        ), r["target_id"]


def test_a_count_at_some_crossings_is_a_lower_edge_whatever_its_words():
    """The band of rule 5 follows the ``counted_at`` column, not the description: the same
    Poipet rows give a band upward from the count when marked ``some_crossings`` and a point
    target when marked ``all``, and a described crossing without the mark gets no band."""
    script = _script()
    poipet = [
        f
        for f in load_flows()
        if f.use == "calibration" and f.counted_at == "some_crossings" and f.start == (2016, 1)
    ]
    assert len(poipet) == 1 and "Poipet" in poipet[0].what_exactly
    (edge,), _ = script.build(poipet)
    count = poipet[0].value / 12
    assert float(edge.row["low"]) == pytest.approx(count, abs=0.5)  # whole people
    assert float(edge.row["high"]) == pytest.approx(script.ONE_CROSSING_FACTOR * count, abs=0.5)
    whole = [dataclasses.replace(f, counted_at="all") for f in poipet]
    (point,), _ = script.build(whole)
    assert float(point.row["value"]) == pytest.approx(count, abs=0.5)
    assert point.row["low"] == point.row["high"] == ""
    # the mark without the word: still a lower edge
    unnamed = [dataclasses.replace(f, what_exactly="returns at one checkpoint") for f in poipet]
    (edge_again,), _ = script.build(unnamed)
    assert edge_again.row["low"] == edge.row["low"] and edge_again.row["high"] == edge.row["high"]


def test_workers_without_students_are_their_own_target_not_a_band_with_all_statuses():
    """Two kinds of one corridor and month that the model compares with the same stock (every
    status; without students) stay two point targets with their own ids."""
    script = _script()
    rows = [
        f
        for f in load_flows()
        if f.use == "calibration"
        and f.kind in ("japan_workers", "japan_workers_not_students")
        and f.start == (2016, 10)
    ]
    assert {f.kind for f in rows} == {"japan_workers", "japan_workers_not_students"}
    built, _ = script.build(rows)
    by_id = {b.row["target_id"]: b.row for b in built}
    assert set(by_id) == {
        "japan_workers_VNM_JPN_2016-10",
        "japan_workers_not_students_VNM_JPN_2016-10",
    }
    assert by_id["japan_workers_VNM_JPN_2016-10"]["value"] == "172018"
    assert by_id["japan_workers_not_students_VNM_JPN_2016-10"]["value"] == "95883"
    assert {r["observable"] for r in by_id.values()} == {"notified_workers_stock"}


def test_held_out_and_context_rows_never_become_targets():
    """The same rows with their use changed to held_out or context build nothing."""
    script = _script()
    flows = load_flows()
    for use in ("held_out", "context"):
        changed = [dataclasses.replace(f, use=use) for f in flows]
        built, left_out = script.build(changed)
        assert built == [] and left_out == []


def test_no_flow_target_is_a_held_out_kind_and_the_file_loads():
    assert held_out_targets(FLOW_TARGETS) == []
    targets = load_targets(FLOW_TARGETS)
    assert {t.observable for t in targets} <= set(NEW) | {"deportations_per_month"}
    with FLOW_TARGETS.open(newline="", encoding="utf-8") as fh:
        assert tuple(csv.DictReader(fh).fieldnames or ()) == COLUMNS
    for t in targets:
        assert t.end <= month_index("2016-12")  # after 2016 everything is held out
        assert t.source.strip()


def test_disagreeing_sources_make_a_band_at_least_a_points_width():
    targets = {t.target_id: t for t in load_targets(FLOW_TARGETS)}
    band = targets["deployments_IDN_MYS_2016"]  # 87,598 and 87,616 placements
    assert band.is_band
    assert band.low <= 87598 / 12 * 0.8 + 1 and band.high >= 87616 / 12 * 1.2 - 1
    for t in targets.values():
        if t.observable in REMITTANCE_OBSERVABLES:
            assert t.is_band and t.high / t.low >= 1.5**2  # wide: lowest / 1.5 to highest x 1.5


# ---- configuration and check ------------------------------------------------------------


def test_flows_config_reads_both_target_files_and_default_is_unchanged():
    flows = load_config(ROOT / "calibration" / "flows.toml")
    default = load_config(ROOT / "calibration" / "default.toml")
    assert len(default.targets) == len(load_targets(ROOT / "calibration" / "targets.csv"))
    assert len(flows.targets) == len(default.targets) + len(load_targets(FLOW_TARGETS))
    assert [Path(p).name for p in flows.targets_files] == ["targets.csv", "targets_flows.csv"]
    assert default.targets_files == (default.targets_file,)
    for name in ("return_hazard_per_month", "renewal_keep_market_slope"):
        assert name in flows.names
    lo, hi = (
        flows.low[flows.names.index("return_hazard_per_month")],
        flows.high[flows.names.index("return_hazard_per_month")],
    )
    assert lo < 0.002 < hi  # the shipped fit's bound is inside the new range


@pytest.mark.parametrize(
    ("targets", "key"),
    [([], "targets"), (["targets.csv", "targets.csv"], "targets"), ([5], "targets")],
    ids=["empty list", "same file twice", "not a path"],
)
def test_a_bad_list_of_target_files_fails_clearly(tmp_path, targets, key):
    text = (ROOT / "calibration" / "flows.toml").read_text(encoding="utf-8")
    line = 'targets = ["targets.csv", "targets_flows.csv"]'
    assert line in text
    config = tmp_path / "c.toml"
    for name in ("targets.csv", "targets_flows.csv"):
        (tmp_path / name).write_bytes((ROOT / "calibration" / name).read_bytes())
    config.write_text(text.replace(line, "targets = " + repr(targets).replace("'", '"')))
    with pytest.raises(ScenarioError) as info:
        load_config(config)
    assert info.value.key == key


def test_a_target_id_in_two_files_fails_clearly(tmp_path):
    text = (ROOT / "calibration" / "flows.toml").read_text(encoding="utf-8")
    (tmp_path / "targets.csv").write_bytes((ROOT / "calibration" / "targets.csv").read_bytes())
    (tmp_path / "targets_flows.csv").write_bytes(
        (ROOT / "calibration" / "targets.csv").read_bytes()
    )
    (tmp_path / "c.toml").write_text(text)
    with pytest.raises(ScenarioError, match="unique"):
        load_config(tmp_path / "c.toml")


@pytest.mark.filterwarnings("ignore:Mean of empty slice:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:All-NaN slice encountered:RuntimeWarning")
def test_corridors_check_accepts_the_flow_targets(tmp_path, capsys):
    scenario = tmp_path / "small.toml"
    scenario.write_text(
        'extends = "baseline"\nname = "small"\n[settings]\n'
        'people_per_agent = 20000\nend = "2016-12"\n'
    )
    out = tmp_path / "fit.csv"
    argv = ["check", str(scenario), "--observations", str(FLOW_TARGETS), "--replicates", "1"]
    assert main([*argv, "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table["target_id"]) == [t.target_id for t in load_targets(FLOW_TARGETS)]
    assert "averaged relative difference" in capsys.readouterr().out
