"""``corridors validate`` (issue 15, item 1): a temporal hindcast on a tiny calibration.

Test figures never reach the training calibration; the report's numbers follow from the
per-run table; a second run recomputes nothing; a killed run resumes where it stopped; bad
cut-offs are refused with exit 2."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibration.config import load_config
from calibration.targets import COLUMNS, DEFAULT_TARGETS
from calibration.validate import resolve_cutoff, split_targets, validate
from corridors.cli import main
from scenarios.calendar import month_index
from simulation.model import MigrationModel

ROOT = Path(__file__).resolve().parent.parent
# Malaysia's documented stocks of 2012 and January 2016 to fit; those of June 2017 and the
# 2017 deportations (a band) to predict
TRAIN_IDS = (
    "documented_IDN_MYS_2012",
    "documented_MMR_MYS_2012",
    "documented_IDN_MYS_2016",
    "documented_MMR_MYS_2016",
)
TEST_IDS = ("documented_IDN_MYS_2017", "documented_MMR_MYS_2017", "deportations_MYS_2017")
CUTOFF = "2016-06"
DRAWS = 6
CONFIG = f"""
name = "tiny"
targets = "targets.csv"
end = "2017-12"
people_per_agent = 20000
seeds = 1
root_seed = 3
cutoff = "{CUTOFF}"
[parameters]
decision_rate_per_month = [0.01, 0.06]
"enforcement_monthly_arrest_probability.MYS" = [0.001, 0.03]
[msm]
max_evaluations = 3
[abc]
population_size = 6
generations = 1
posterior_draws = {DRAWS}
"""


def _write_config(folder: Path, text: str = CONFIG) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with DEFAULT_TARGETS.open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["target_id"] in TRAIN_IDS + TEST_IDS]
    with (folder / "targets.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    (folder / "cal.toml").write_text(text)
    return folder / "cal.toml"


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> tuple[Path, Path]:
    """A finished validation (serial, in this process): (calibration file, folder)."""
    base = tmp_path_factory.mktemp("validate")
    path = _write_config(base / "input")
    config = load_config(path)
    validate(config, base / "out", resolve_cutoff(config, None), workers=1, quiet=True)
    return path, base / "out"


@pytest.fixture
def count_runs(monkeypatch) -> dict:
    """Counts the model runs made in this process."""
    count = {"runs": 0}
    original = MigrationModel.run

    def counting(self, *args, **kwargs):
        count["runs"] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MigrationModel, "run", counting)
    return count


def test_test_figures_never_reach_the_training_calibration(finished):
    _, out = finished
    cut = month_index(CUTOFF)
    with (out / "train" / "targets.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["target_id"] for r in rows} == set(TRAIN_IDS)
    assert all(month_index(r["end"]) <= cut for r in rows)
    # what the calibration fitted and reported: the training targets only
    fit = pd.read_csv(out / "train" / "report" / "fit.csv")
    assert set(fit["target_id"]) == set(TRAIN_IDS)
    for line in (out / "train" / "msm_evaluations.jsonl").read_text().splitlines():
        assert len(json.loads(line)["simulated"]) == len(TRAIN_IDS)
    config = json.loads((out / "train" / "config.json").read_text())
    assert config["targets"] == "targets.csv" and config["end"] == CUTOFF
    # and the report compares every target, the later ones as test figures
    table = pd.read_csv(out / "validation.csv")
    periods = dict(zip(table["target_id"], table["period"], strict=True))
    assert periods == {**dict.fromkeys(TRAIN_IDS, "train"), **dict.fromkeys(TEST_IDS, "test")}


def test_report_numbers_follow_from_the_per_draw_table(finished):
    path, out = finished
    predictive = pd.read_csv(out / "predictive.csv")
    assert len(predictive) == DRAWS and list(predictive["draw"]) == list(range(DRAWS))
    summary = json.loads((out / "summary.json").read_text())
    with (path.parent / "targets.csv").open(newline="") as fh:
        rows = {r["target_id"]: r for r in csv.DictReader(fh)}
    # by hand: the distance of the predictive mean, weighted; inside the 5-95% interval
    for period, ids in (("train", TRAIN_IDS), ("test", TEST_IDS)):
        distances, weights, inside = [], [], 0
        for tid in ids:
            sims = predictive[tid].to_numpy(dtype=float)
            sims = sims[~np.isnan(sims)]
            mean = sims.mean()
            p05, p95 = np.quantile(sims, [0.05, 0.95])
            r = rows[tid]
            if r["value"]:
                value = float(r["value"])
                distances.append(abs(mean - value) / value)
                inside += p05 <= value <= p95
            else:
                low, high = float(r["low"]), float(r["high"])
                edge = low if mean < low else high if mean > high else mean
                distances.append(abs(mean - edge) / ((low + high) / 2))
                inside += p05 <= high and p95 >= low
            weights.append(float(r["weight"]))
        ard = float(np.dot(distances, weights) / np.sum(weights))
        assert summary[period]["averaged_relative_difference"] == pytest.approx(ard, rel=1e-12)
        assert summary[period]["inside_90"] == inside
        assert summary[period]["share_inside_90"] == pytest.approx(inside / len(ids))
        assert summary[period]["figures"] == len(ids)
    goals = summary["goals"]
    assert goals["test_averaged_relative_difference_below_0.20"] == (
        summary["test"]["averaged_relative_difference"] < 0.20
    )
    series = {s["series"]: s for s in summary["series"]}
    deportations = series["deportations_per_month|MYS|ALL|"]
    assert deportations["train_figures"] == 0 and deportations["test_figures"] == 1
    report = (out / "report.md").read_text()
    assert f"{summary['test']['averaged_relative_difference']:.3f}" in report
    figures = sorted(p.name for p in (out / "figures").glob("*.png"))
    assert len(figures) == len(series) == 3
    assert all(f"figures/{name}" in report for name in figures)


def test_a_second_run_recomputes_nothing(finished, tmp_path, count_runs):
    path, out = finished
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    stamps = {p: p.stat().st_mtime_ns for p in (copy / "runs").glob("*.parquet")}
    stamps[copy / "train" / "report" / "fit.csv"] = (
        (copy / "train" / "report" / "fit.csv").stat().st_mtime_ns
    )
    config = load_config(path)
    summary = validate(config, copy, resolve_cutoff(config, None), workers=1, quiet=True)
    assert count_runs["runs"] == 0
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items())
    before = json.loads((out / "summary.json").read_text())
    assert summary["test"] == before["test"] and summary["train"] == before["train"]


def test_a_killed_validation_resumes(finished, tmp_path, count_runs):
    """Killed (SIGKILL) in the middle of the predictive runs, the same command goes on
    with the runs that are missing and gives the same numbers."""
    path, out = finished
    folder = tmp_path / "out"
    folder.mkdir()
    for name in ("setup.json", "state.json"):  # the training calibration is done
        shutil.copy2(out / name, folder / name)
    shutil.copytree(out / "train", folder / "train")
    command = "import sys; from corridors.cli import main; sys.exit(main())"
    args = ["validate", str(path), "--out", str(folder), "--workers", "1", "--quiet"]
    proc = subprocess.Popen([sys.executable, "-c", command, *args], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while len(list((folder / "runs").glob("*.parquet"))) < 2:
            assert proc.poll() is None, "the validation ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    kept = {p: p.stat().st_mtime_ns for p in (folder / "runs").glob("*.parquet")}
    assert 2 <= len(kept) < DRAWS
    assert not (folder / "report.md").exists()
    config = load_config(path)
    summary = validate(config, folder, resolve_cutoff(config, None), workers=1, quiet=True)
    assert count_runs["runs"] == DRAWS - len(kept)
    assert all(p.stat().st_mtime_ns == t for p, t in kept.items())
    pd.testing.assert_frame_equal(
        pd.read_csv(folder / "predictive.csv"), pd.read_csv(out / "predictive.csv")
    )
    before = json.loads((out / "summary.json").read_text())
    assert summary["test"] == before["test"]


@pytest.mark.parametrize(
    ("cutoff", "allowed"),
    [
        ("2016-13", '"YYYY-MM"'),
        ("2016/12", '"YYYY-MM"'),
        ("1999-01", "from 2010-01"),
        ("2012-06", "the first target's end"),  # no training figure
        ("2017-08", "before the last target's end"),  # no test figure
    ],
)
def test_bad_cutoffs_exit_2(tmp_path, capsys, cutoff, allowed):
    path = _write_config(tmp_path / "input")
    out = tmp_path / "out"
    code = main(["validate", str(path), "--out", str(out), "--cutoff", cutoff, "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("corridors: error: (command line): --cutoff")
    assert err.count("\n") == 1 and cutoff in err and allowed in err, err
    assert not out.exists()


def test_a_bad_cutoff_in_the_file_and_bad_replicates_exit_2(tmp_path, capsys):
    path = _write_config(tmp_path / "input", CONFIG.replace(f'"{CUTOFF}"', "2016"))
    out = tmp_path / "out"
    assert main(["validate", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{path}: cutoff = 2016" in err and "YYYY-MM" in err
    path = _write_config(tmp_path / "input")
    assert main(["validate", str(path), "--out", str(out), "--replicates", "0"]) == 2
    assert "--replicates = 0" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "nope.toml"), "--out", str(out)]) == 2
    assert "nope.toml" in capsys.readouterr().err
    assert not out.exists()


def test_another_cutoff_is_another_split_and_needs_its_own_folder(finished, tmp_path, capsys):
    path, out = finished
    config = load_config(path)
    train, test = split_targets(config.targets, resolve_cutoff(config, "2015-12"))
    assert {t.target_id for t in train} == set(TRAIN_IDS[:2])
    assert {t.target_id for t in test} == set(TRAIN_IDS[2:] + TEST_IDS)
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    code = main(["validate", str(path), "--out", str(copy), "--cutoff", "2015-12", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "--out" in err and f"cut-off {CUTOFF}" in err, err


def test_help_names_the_options(capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--out", "--cutoff", "--replicates", "--workers", "--dask", "--quiet"):
        assert option in text


def test_a_folder_another_process_writes_is_refused(tmp_path, capsys):
    from corridors.lock import folder_lock

    path = _write_config(tmp_path / "input")
    out = tmp_path / "out"
    with folder_lock(out):
        assert main(["validate", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "no other process is writing" in err, err
    assert not (out / "setup.json").exists()


def test_the_training_record_holds_the_training_rows_of_every_targets_file(tmp_path):
    """With ``targets = [a.csv, b.csv]`` the training folder's targets.csv keeps the training
    rows of both files (it held only the first file's)."""
    from types import SimpleNamespace

    from calibration.validate import _training_targets_csv

    header = "target_id,observable,value\n"
    (tmp_path / "a.csv").write_text(header + "a1,x,1\na2,x,2\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(header + "b1,y,3\nb2,y,4\n", encoding="utf-8")
    config = SimpleNamespace(
        targets_file=str(tmp_path / "a.csv"),
        targets_files=(str(tmp_path / "a.csv"), str(tmp_path / "b.csv")),
    )
    train = tuple(SimpleNamespace(target_id=i) for i in ("a1", "b2"))
    text = _training_targets_csv(config, train)  # type: ignore[arg-type]
    assert text == header + "a1,x,1\nb2,y,4\n"


# ---- out of sample: nothing the shipped calibration learnt reaches the training fit -------
def _other_calibration(folder: Path) -> Path:
    """A copy of the baseline whose calibration layer (``data/calibrated/
    calibrated_parameters.toml``, as the shipped baseline extends it) holds other values:
    every shipped calibrated number times 0.9. Returns the scenario file."""
    import tomllib

    import tomli_w

    from scenarios.posterior import CALIBRATED

    def scaled(node):
        if isinstance(node, dict):
            return {k: scaled(v) for k, v in node.items()}
        return node * 0.9 if isinstance(node, float) else node

    layer = folder / "data" / "calibrated" / "calibrated_parameters.toml"
    layer.parent.mkdir(parents=True)
    layer.write_text(tomli_w.dumps(scaled(tomllib.loads(CALIBRATED.read_text()))))
    shutil.copy2(ROOT / "scenarios" / "baseline.toml", folder / "baseline.toml")
    return folder / "baseline.toml"


def test_the_training_fit_does_not_depend_on_the_shipped_calibration(finished, tmp_path):
    """The same validation on a baseline whose calibration layer holds other values gives
    the same training fit (every MSM evaluation, the posterior) and the same predictive runs:
    the training starts from the declared defaults and the prior, not from a calibration
    that saw the test period. (The hindcast of the first version started from the shipped
    calibration: this failed there.)"""
    from calibration.validate import training_config

    path, out = finished
    _other_calibration(tmp_path / "input" / "scen")
    text = CONFIG.replace('name = "tiny"', 'name = "tiny"\nscenario = "scen/baseline.toml"')
    other = load_config(_write_config(tmp_path / "input", text))
    shipped = load_config(path)
    # the other calibration does reach the scenario as loaded: the test can tell them apart
    rate = "decision_rate_per_month"
    assert other.scenario[rate] == pytest.approx(0.9 * shipped.scenario[rate])
    assert other.start_point() != shipped.start_point()
    cut = resolve_cutoff(shipped, None)
    start = training_config(shipped, cut, tmp_path).start_point()
    assert training_config(other, cut, tmp_path).start_point() == start
    assert start != shipped.start_point()
    validate(other, tmp_path / "out", resolve_cutoff(other, None), workers=1, quiet=True)
    for name in ("train/msm_evaluations.jsonl", "train/posterior_draws.csv", "predictive.csv"):
        assert (tmp_path / "out" / name).read_text() == (out / name).read_text(), name


def test_the_training_fit_starts_from_defaults_and_observation_parameters_of_one(
    tmp_path, monkeypatch
):
    """``corridors calibrate`` goes on from the shipped values (a recalibration), the
    hindcast's training fit from the scenario without its calibration layer (the declared
    default, or the baseline's own value for a per-country entry) and a census coverage of 1,
    clipped into the ranges."""
    import scenarios.posterior
    from calibration.uncalibrated import uncalibrated_scenario
    from calibration.validate import training_config
    from scenarios.scenario import scenario_from_dict

    shipped_obs = tmp_path / "observation_parameters.json"
    shipped_obs.write_text(json.dumps({"census_coverage.MYS": 1.9}))
    monkeypatch.setattr(scenarios.posterior, "OBSERVATION", shipped_obs)
    text = CONFIG.replace("[parameters]\n", '[parameters]\n"census_coverage.MYS" = [0.8, 2.0]\n')
    config = load_config(_write_config(tmp_path / "input", text))
    assert config.start_point()["census_coverage.MYS"] == 1.9
    start = training_config(config, resolve_cutoff(config, None), tmp_path).start_point()
    assert start["census_coverage.MYS"] == 1.0
    defaults = scenario_from_dict({})  # every value its declared default
    assert start["decision_rate_per_month"] == defaults["decision_rate_per_month"]
    # Malaysia's arrest probability: the baseline's own value for all destinations
    assert start["enforcement_monthly_arrest_probability.MYS"] == 0.002
    base = uncalibrated_scenario(config)
    assert base.end == config.scenario.end
    assert base.people_per_agent == config.scenario.people_per_agent == 20000
    assert base.seed == config.scenario.seed


def test_a_folder_of_the_version_that_started_from_the_shipped_calibration_is_refused(
    finished, tmp_path, capsys
):
    path, out = finished
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    setup = json.loads((copy / "setup.json").read_text())
    del setup["training_start"]
    (copy / "setup.json").write_text(json.dumps(setup))
    assert main(["validate", str(path), "--out", str(copy), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "earlier version" in err and "not out of sample" in err, err


def test_an_unreachable_dask_address_exits_2(tmp_path, capsys):
    path = _write_config(tmp_path / "input")
    code = main(
        ["validate", str(path), "--out", str(tmp_path / "out"), "--dask", "tcp://127.0.0.1:9"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "--dask" in err and "tcp://127.0.0.1:9" in err, err


def test_a_dask_cluster_gives_the_local_validation(finished, tmp_path):
    """``corridors validate --dask ADDRESS`` on a two-worker LocalCluster (threads) gives
    the training fit and the predictive runs of the local validation."""
    from distributed import LocalCluster

    path, out = finished
    with LocalCluster(
        n_workers=2, processes=False, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        args = ["validate", str(path), "--out", str(tmp_path / "out"), "--quiet"]
        assert main([*args, "--dask", cluster.scheduler_address]) == 0
    for name in ("train/msm_evaluations.jsonl", "train/posterior_draws.csv", "predictive.csv"):
        assert (tmp_path / "out" / name).read_text() == (out / name).read_text(), name


def test_fixed_values_run_uncalibrated_unless_kept_and_the_report_says_which(
    finished, tmp_path, capsys
):
    """A ``[fixed]`` value may come from a fit to all the data (the default configuration's
    do), so the hindcast runs the uncalibrated scenario's value by default and the
    configured one with ``--keep-fixed``; the report names both, and a folder made the
    other way is refused (its runs were made with other values)."""
    from calibration.hindcast_report import _fixed_paragraph
    from calibration.uncalibrated import uncalibrated_scenario
    from calibration.validate import fixed_in_hindcast, training_config

    text = CONFIG.replace("[msm]", "[fixed]\nstay_constant = 4.25\n[msm]")
    config = load_config(_write_config(tmp_path / "input", text))
    own = uncalibrated_scenario(config)["stay_constant"]
    assert own != 4.25 and config.scenario["stay_constant"] == 4.25
    cut = resolve_cutoff(config, None)
    assert training_config(config, cut, tmp_path).scenario["stay_constant"] == own
    assert training_config(config, cut, tmp_path, keep_fixed=True).scenario[
        "stay_constant"
    ] == pytest.approx(4.25)
    uncalibrated = training_config(config, cut, tmp_path).scenario
    kept_scenario = training_config(config, cut, tmp_path, keep_fixed=True).scenario
    assert fixed_in_hindcast(config, uncalibrated) == {
        "stay_constant": {"configured": 4.25, "hindcast": own}
    }
    assert fixed_in_hindcast(config, kept_scenario)["stay_constant"]["hindcast"] == 4.25
    paragraph = " ".join(
        _fixed_paragraph({"fixed": fixed_in_hindcast(config, uncalibrated), "keep_fixed": False})
    )
    assert "uncalibrated scenario's values" in paragraph
    assert f"stay_constant {own:.6g} (configured 4.25)" in paragraph
    kept = " ".join(
        _fixed_paragraph({"fixed": fixed_in_hindcast(config, kept_scenario), "keep_fixed": True})
    )
    assert "--keep-fixed" in kept and "configured 4.25" not in kept
    path, out = finished
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    assert main(["validate", str(path), "--out", str(copy), "--keep-fixed", "--quiet"]) == 2
    assert "--out" in capsys.readouterr().err
