"""corridors search (issue 17, item 1) on a tiny search: the Pareto set is non-dominated
(checked here, not by the optimiser), each solution TOML reproduces its run, a search killed
mid-way resumes without redoing finished runs and ends with the same Pareto set, bad input is
refused with exit 2 and nothing written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tomli_w

from corridors.search_archive import ARCHIVE_NAME, RunArchive
from corridors.search_command import main
from corridors.search_eval import (
    RunKey,
    quantity_values,
    robust_value,
    run_keys,
    run_scenario_for,
)
from corridors.search_report import pareto_mask
from corridors.search_spec import load_search

ROOT = Path(__file__).resolve().parents[1]

TINY = {
    "name": "tiny",
    "scenario": "baseline",
    "budget": 8,
    "population": 4,
    "seed": 3,
    "settings": {"end": "2011-12", "people_per_agent": 20000},
    "robustness": {"replicates": 1, "posterior_draws": 0, "percentile": 90, "root_seed": 5},
    "levers": {
        "recruitment_fee_cap_usd": "declared",
        "enforcement_monthly_arrest_probability.MYS": [0.0, 0.05],
    },
    "objectives": [
        {"indicator": "irregular_share_final_year"},
        {"indicator": "deportations"},
    ],
}


def _write(folder: Path, data: dict, name: str = "tiny.toml") -> Path:
    path = folder / name
    path.write_text(tomli_w.dumps(data))
    return path


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """An uninterrupted tiny search: (its spec file, its folder)."""
    folder = tmp_path_factory.mktemp("search")
    spec = _write(folder, TINY)
    out = folder / "out"
    assert main([str(spec), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return spec, out


# ---- the Pareto set ------------------------------------------------------------------------
def test_pareto_mask_on_hand_built_points():
    # minimise both: (1, 3), (2, 2), (3, 1) trade off; (3, 3) is dominated by (2, 2);
    # (2, 2) twice: equal points do not dominate each other
    points = np.array([[1, 3], [2, 2], [3, 1], [3, 3], [2, 2]])
    assert pareto_mask(points, [False, False]).tolist() == [True, True, True, False, True]
    # maximising the second objective instead: (1, 3) dominates (2, 2), (3, 3) dominates all
    # points with a first objective of at least 3 ... and (3, 1)
    assert pareto_mask(points, [False, True]).tolist() == [True, False, False, False, False]


def _dominates(a, b, maximise):
    sign = np.where(maximise, -1.0, 1.0)
    a, b = np.asarray(a) * sign, np.asarray(b) * sign
    return bool(np.all(a <= b) and np.any(a < b))


def test_pareto_set_is_the_non_dominated_evaluations(finished):
    _, out = finished
    evaluations = pd.read_csv(out / "evaluations.csv")
    pareto = pd.read_csv(out / "pareto.csv")
    names = ["irregular_share_final_year", "deportations"]
    maximise = [False, False]
    assert len(evaluations) >= 6  # 8 asked; the optimiser may ask twice for one vector
    assert len(pareto) >= 1
    for _, p in pareto.iterrows():  # nothing evaluated dominates a member
        assert not any(_dominates(e, p[names], maximise) for e in evaluations[names].to_numpy())
    levers = ["recruitment_fee_cap_usd", "enforcement_monthly_arrest_probability.MYS"]
    members = {tuple(r) for r in pareto[levers].to_numpy()}
    for _, e in evaluations.iterrows():  # every other evaluation is dominated by a member
        if tuple(e[levers]) not in members:
            assert any(_dominates(p, e[names], maximise) for p in pareto[names].to_numpy())
    # the levers stay inside their ranges
    assert evaluations["enforcement_monthly_arrest_probability.MYS"].between(0, 0.05).all()
    assert evaluations["recruitment_fee_cap_usd"].between(0, 10000).all()


def test_outputs_and_report(finished):
    _, out = finished
    manifest = json.loads((out / "search.json").read_text())
    assert manifest["status"] == "finished"
    assert manifest["pareto_solutions"] == len(pd.read_csv(out / "pareto.csv"))
    assert (out / "figures" / "parallel_coordinates.png").stat().st_size > 1000
    report = (out / "report.md").read_text()
    assert "## Pareto set" in report and "Spearman rho" in report
    # the report's words agree with the correlation table it is made from
    importance = pd.read_csv(out / "lever_importance.csv")
    row = importance[
        (importance["objective"] == "deportations")
        & (importance["lever"] == "enforcement_monthly_arrest_probability.MYS")
    ].iloc[0]
    assert f"rho = {row['spearman_rho']:+.2f}" in report


# ---- solutions reproduce -------------------------------------------------------------------
def test_each_solution_toml_reproduces_its_run(finished):
    from scenarios.scenario import load_scenario
    from simulation.run import run_scenario

    spec_path, out = finished
    spec = load_search(spec_path)
    pareto = pd.read_csv(out / "pareto.csv")
    for _, row in pareto.iloc[[0, -1]].iterrows():
        scenario = load_scenario(out / "solutions" / f"{row['solution']}.toml")
        values = quantity_values(run_scenario(scenario).table, spec.quantities())
        for q in spec.objectives:
            assert values[q.name] == row[f"{q.name}__run1"]
        # one replicate, no draws: the robust value is that run's value
        for q in spec.objectives:
            assert row[q.name] == row[f"{q.name}__run1"]


def test_corridors_run_on_a_solution_reproduces_it(finished, tmp_path):
    from corridors.cli import main as cli_main

    spec_path, out = finished
    spec = load_search(spec_path)
    row = pd.read_csv(out / "pareto.csv").iloc[0]
    run_dir = tmp_path / "run"
    solution = out / "solutions" / f"{row['solution']}.toml"
    assert cli_main(["run", str(solution), "--out", str(run_dir), "--quiet"]) == 0
    values = quantity_values(pd.read_parquet(run_dir / "results.parquet"), spec.quantities())
    for q in spec.objectives:
        assert values[q.name] == row[f"{q.name}__run1"]


# ---- resume after a kill -------------------------------------------------------------------
def test_killed_search_resumes_without_redoing_runs(finished, tmp_path):
    spec_path, done = finished
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "corridors.search_command", str(spec_path)),
            *("--out", str(out), "--workers", "1", "--quiet"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    archive = out / ARCHIVE_NAME
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if archive.is_file() and archive.read_bytes().count(b"\n") >= 3:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the search ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    before = len(RunArchive(out))
    assert before >= 3
    assert json.loads((out / "search.json").read_text())["status"] == "running"
    assert main([str(spec_path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    manifest = json.loads((out / "search.json").read_text())
    total = json.loads((done / "search.json").read_text())["runs_computed"]
    assert manifest["runs_reused"] == before  # every finished run taken from the archive
    assert manifest["runs_computed"] == total - before  # and only the missing ones run
    lines = archive.read_text().splitlines()
    assert len(lines) == len({json.dumps(json.loads(x), sort_keys=True) for x in lines}) == total
    pd.testing.assert_frame_equal(pd.read_csv(out / "pareto.csv"), pd.read_csv(done / "pareto.csv"))


def test_a_torn_last_line_is_dropped(tmp_path):
    archive = RunArchive(tmp_path)
    archive.add(RunKey('{"a": 1}', 0, 5), {"x": 1.5})
    with open(tmp_path / ARCHIVE_NAME, "a") as fh:
        fh.write('{"vector": "{\\"a\\": 2}", "poi')  # a kill mid-write
    again = RunArchive(tmp_path)
    assert len(again) == 1 and again.get(RunKey('{"a": 1}', 0, 5)) == {"x": 1.5}
    again.add(RunKey('{"a": 2}', 0, 5), {"x": 2.5})
    assert len(RunArchive(tmp_path)) == 2


# ---- robustness and the runs of an evaluation ----------------------------------------------
def test_robust_value_takes_the_bad_side():
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert robust_value(values, 90, "minimise") == pytest.approx(4.6)
    assert robust_value(values, 90, "maximise") == pytest.approx(1.4)
    assert robust_value(values, 100, "minimise") == 5.0


def test_runs_cross_parameter_points_and_seeds_and_levers_override_draws(tmp_path):
    data = dict(TINY, robustness={"replicates": 2, "posterior_draws": 2, "root_seed": 5})
    spec = load_search(_write(tmp_path, data))
    vector = {"recruitment_fee_cap_usd": 100.0, "enforcement_monthly_arrest_probability.MYS": 0.03}
    runs = run_keys(spec, vector)
    assert len(runs) == 6 == spec.runs_per_evaluation
    assert sorted({r.point for r in runs}) == [0, 1, 2] and len({r.seed for r in runs}) == 2
    calibrated, drawn = run_scenario_for(spec, runs[0]), run_scenario_for(spec, runs[2])
    for s in (calibrated, drawn):  # the searched lever wins over a draw's calibrated value
        assert s["enforcement_monthly_arrest_probability"]["MYS"] == 0.03
        assert s["recruitment_fee_cap_usd"]["KHM"] == 100.0
    assert calibrated["beta_arrest_risk"] != drawn["beta_arrest_risk"]  # the draw applied
    assert calibrated.seed == runs[0].seed


# ---- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"levers": {"no_such_lever": [0, 1]}}, "levers.no_such_lever", "numeric policy lever"),
        (
            {"levers": {"recruitment_fee_cap_usd": [0, 50000]}},
            "levers.recruitment_fee_cap_usd",
            "10,000",
        ),
        ({"levers": {"stay_constant": [0, 1]}}, "levers.stay_constant", "policy lever"),
        (
            {"levers": {"recruitment_fee_cap_usd.XXX": [0, 1]}},
            "levers.recruitment_fee_cap_usd.XXX",
            "KHM",
        ),
        ({"objectives": [{"indicator": "happiness"}]}, "objectives[0].indicator", "deportations"),
        ({"objectives": [{"measure": "stock", "year": 2031}]}, "objectives[0].year", "2011"),
        (
            {"objectives": [{"indicator": "deportations", "direction": "up"}]},
            "objectives[0].direction",
            "minimise",
        ),
        ({"objectives": []}, "objectives", "at least one"),
        ({"budget": 2}, "budget", "population"),
        ({"robustness": {"percentile": 20}}, "robustness.percentile", "50 to 100"),
        ({"constraints": [{"indicator": "deportations"}]}, "constraints[0]", "min = ..."),
        ({"colour": "blue"}, "colour", "one of the keys"),
        (
            {"constraints": [{"indicator": "deportations", "max": 1.0}]},
            "constraints[0]",
            'name = "..."',
        ),
    ],
)
def test_bad_input_names_file_key_value_and_writes_nothing(tmp_path, capsys, change, key, words):
    spec = _write(tmp_path, {**TINY, **change}, "bad.toml")
    out = tmp_path / "out"
    assert main([str(spec), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and key in err and words in err
    assert not out.exists()


def test_another_search_into_the_same_folder_is_refused(finished, tmp_path, capsys):
    _, out = finished
    other = _write(tmp_path, {**TINY, "settings": {"end": "2012-12", "people_per_agent": 20000}})
    before = sorted(p.name for p in out.iterdir())
    assert main([str(other), "--out", str(out), "--quiet"]) == 2
    assert "--out" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == before


# ---- constraints, from archived runs (no model run) ----------------------------------------
class _NoRuns:
    """An executor that fails the test if a run is asked for: everything is archived."""

    def submit(self, fn, *args, **kwargs):
        raise AssertionError("a run was computed although the archive holds it")


def test_robust_objectives_and_constraint_violation_from_the_archive(tmp_path):
    from corridors.search_run import evaluate_vectors

    data = dict(
        TINY,
        robustness={"replicates": 2, "posterior_draws": 1, "percentile": 75, "root_seed": 5},
        constraints=[
            {"indicator": "deportations", "max": 30.0, "name": "deportations_cap"},
            {"indicator": "remittances_received_usd", "min": 100.0},
        ],
    )
    spec = load_search(_write(tmp_path, data))
    good = {"recruitment_fee_cap_usd": 10.0, "enforcement_monthly_arrest_probability.MYS": 0.01}
    bad = {"recruitment_fee_cap_usd": 20.0, "enforcement_monthly_arrest_probability.MYS": 0.02}
    archive = RunArchive(tmp_path)
    for vector, deport, remit in ((good, [10, 20, 30, 40], 200.0), (bad, [50] * 4, 60.0)):
        for run, d in zip(run_keys(spec, vector), deport, strict=True):
            share = 0.1 * d
            archive.add(
                run,
                {
                    "irregular_share_final_year": share,
                    "deportations": float(d),
                    "deportations_cap": float(d),
                    "remittances_received_usd": remit,
                },
            )
    rows = evaluate_vectors(spec, [good, bad], tmp_path, _NoRuns()).set_index(
        "recruitment_fee_cap_usd"
    )
    # 75th percentile of 10, 20, 30, 40 (linear) is 32.5: 2.5 over the maximum of 30
    assert rows.loc[10.0, "deportations"] == pytest.approx(32.5)
    assert rows.loc[10.0, "violation"] == pytest.approx(2.5)
    assert not rows.loc[10.0, "feasible"]
    # bad: 50 - 30 over the maximum, 100 - 60 under the minimum
    assert rows.loc[20.0, "violation"] == pytest.approx(20.0 + 40.0)
    assert rows.loc[10.0, "deportations__run1"] == 10.0  # calibrated point, first seed


def test_pareto_set_keeps_feasible_solutions_or_else_the_least_violating(tmp_path):
    from corridors.search_report import pareto_set

    spec = load_search(_write(tmp_path, TINY))
    frame = pd.DataFrame(
        {
            "recruitment_fee_cap_usd": [1.0, 2.0, 3.0, 4.0],
            "enforcement_monthly_arrest_probability.MYS": [0.01] * 4,
            "irregular_share_final_year": [0.1, 0.2, 0.3, 0.05],
            "deportations": [30.0, 20.0, 10.0, 5.0],
            "violation": [0.0, 0.0, 0.0, 1.0],  # the dominant one breaks a constraint
        }
    )
    feasible = pareto_set(spec, frame)
    assert feasible["recruitment_fee_cap_usd"].tolist() == [1.0, 2.0, 3.0]
    assert feasible["solution"].tolist() == ["s01", "s02", "s03"]
    none_feasible = pareto_set(spec, frame.assign(violation=[3.0, 2.0, 2.0, 5.0]))
    assert none_feasible["recruitment_fee_cap_usd"].tolist() == [2.0, 3.0]


def test_a_solution_of_a_scenario_file_extends_its_resolved_copy(tmp_path):
    from corridors.search_report import SOLUTIONS, _write_base, solution_toml
    from scenarios.scenario import load_scenario

    (tmp_path / "mine.toml").write_text(
        'extends = "crackdown"\nname = "mine"\n[levers]\nborder_control = 0.7\n'
    )
    spec = load_search(_write(tmp_path, {**TINY, "scenario": "mine.toml"}))
    out = tmp_path / "out"
    vector = {"recruitment_fee_cap_usd": 1234.5, "enforcement_monthly_arrest_probability.MYS": 0.02}
    row = pd.Series({**vector, "solution": "s01", "irregular_share_final_year": 0.2})
    row["deportations"] = 1.0
    extends = _write_base(out, spec)
    assert extends == "base.toml"
    path = out / SOLUTIONS / "s01.toml"
    path.write_text(solution_toml(spec, row, extends))
    solution = load_scenario(path)
    first_run = run_scenario_for(spec, run_keys(spec, vector)[0])
    # the same run as the search's first run of this solution: every value but the names
    mine, theirs = solution.to_dict(), first_run.to_dict()
    for key in ("name", "description"):
        mine.pop(key), theirs.pop(key)
    assert mine == theirs
    assert solution["border_control"]["THA"] == 0.7  # the user's base, not the preset


def test_other_draws_from_the_global_random_module_do_not_change_the_search(finished, tmp_path):
    """A Dask client draws from Python's random module on its own threads; the optimiser must
    not see those draws, or a rerun (or another executor) would search elsewhere."""
    import random

    from corridors.batch import SerialExecutor
    from corridors.search_run import run_search

    class Drawing(SerialExecutor):
        def submit(self, fn, /, *args, **kwargs):
            random.random(), random.shuffle([1, 2, 3])
            return super().submit(fn, *args, **kwargs)

    spec_path, done = finished
    outcome = run_search(load_search(spec_path), tmp_path, Drawing(), progress=False)
    expected = pd.read_csv(done / "evaluations.csv")
    got = outcome.evaluations[expected.columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_the_shipped_example_loads_with_three_levers_and_two_objectives():
    spec = load_search(ROOT / "examples" / "search_fee_cap.toml")
    assert len(spec.levers) == 3 and len(spec.objectives) == 2
    # sized for the 30 minutes on one core of a laptop that the README promises
    assert spec.budget * spec.runs_per_evaluation <= 400
    assert spec.base.people_per_agent >= 10000
