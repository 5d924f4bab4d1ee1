"""``corridors slice``: slices of a calibration's fit through a point (calibration/slices.py),
run as a user runs them, on a small calibration (2011-2012 targets, 5,000 people per agent)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_calibration import _small_config

from calibration.simulate import distance, seeds_for, simulate_targets
from corridors.cli import main


def test_slice_reports_the_fit_at_the_point_and_at_each_value(tmp_path, capsys):
    """Every row is the distance of the targets' mean over the same seeds, recomputed here
    run by run: the point (the file's [start], else the scenario's values) first, then each
    value of the parameter moved; the per-target file has a row per value and target."""
    config = _small_config(tmp_path, 1, 0)
    out = tmp_path / "slice"
    code = main(
        [
            "slice",
            str(tmp_path / "cal_1_0.toml"),
            "--vary",
            "decision_rate_per_month=0.015,0.05",
            "--seeds",
            "2",
            "--workers",
            "1",
            "--quiet",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    summary = pd.read_csv(out / "slices.csv")
    assert summary["parameter"].tolist() == ["point", *["decision_rate_per_month"] * 2]
    point = config.start_point()
    seeds = seeds_for(config.root_seed, 2)
    for value, row in zip((None, 0.015, 0.05), summary.itertuples(), strict=True):
        params = point if value is None else {**point, "decision_rate_per_month": value}
        runs = np.array(
            [simulate_targets(config.scenario, config.targets, params, s) for s in seeds]
        )
        mean = runs.mean(axis=0)
        assert np.isfinite(mean).all()  # every target of this small file is observed
        assert row.ard_all == pytest.approx(distance(config.targets, mean))
        assert row.ard_observed == pytest.approx(row.ard_all)
        met = sum(t.met(float(v)) for t, v in zip(config.targets, mean, strict=True))
        assert row.met_observed == met and row.observed == len(config.targets)
        per_seed = [distance(config.targets, one) for one in runs]
        assert row.ard_seed_sd == pytest.approx(np.std(per_seed))
    assert summary["ard_all"].nunique() == 3  # the decision rate moves the fit
    targets = pd.read_csv(out / "slice_targets.csv")
    assert len(targets) == 3 * len(config.targets)
    report = (out / "slices.md").read_text()
    assert "## `decision_rate_per_month`" in report and "| 0.015 |" in report


@pytest.mark.parametrize(
    ("vary", "named"),
    [
        ("decision_rate_per_month=0.9", "decision_rate_per_month"),  # range 0.001-0.5
        ("no_such_parameter=1", "no_such_parameter"),
        ("decision_rate_per_month=fast", "decision_rate_per_month=fast"),
        ("census_coverage.THA=1.0", "census_coverage.THA"),  # not fitted by this file
        ("amnesty_monthly_takeup=0.1 --vary amnesty_monthly_takeup=0.2", "amnesty_monthly"),
        ("amnesty_monthly_takeup=0.1 --seeds 0", "seeds"),
    ],
)
def test_bad_slice_is_refused_before_any_run_and_writes_nothing(
    tmp_path, capsys, monkeypatch, vary, named
):
    """Refused with exit 2 and a message naming it, and no model run at all (a run would
    fail the test: the one worker runs in this process)."""

    def no_run(*_):
        raise AssertionError("a model run before the input was checked")

    monkeypatch.setattr("calibration.simulate.simulate_targets", no_run)
    _small_config(tmp_path, 1, 0)
    out = tmp_path / "slice"
    args = ["slice", str(tmp_path / "cal_1_0.toml"), "--vary", *vary.split(), "--workers", "1"]
    assert main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "corridors: error:" in err and named in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("optimum", "observation", "named"),
    [
        (None, "{}", "msm_optimum.toml"),  # no optimum at all
        ("[parameters]\ndecision_rate_per_month = 0.03\n", "{}", "amnesty_monthly_takeup"),
        ("[parameters\n", "{}", "msm_optimum.toml"),  # not TOML
        (
            "[parameters]\ndecision_rate_per_month = 0.03\namnesty_monthly_takeup = [1]\n",
            "{}",
            "amnesty_monthly_takeup",
        ),
        ("[parameters]\n", "{not json", "observation_parameters.json"),
    ],
)
def test_slice_at_a_folder_without_a_readable_optimum_is_refused(
    tmp_path, capsys, optimum, observation, named
):
    """``--at`` a folder whose optimum is missing, lacks a fitted name, is not TOML, has a
    value that is not a number, or whose observation file is not JSON: exit 2 naming it."""
    _small_config(tmp_path, 1, 0)
    folder = tmp_path / "fit"
    folder.mkdir()
    if optimum is not None:
        (folder / "msm_optimum.toml").write_text(optimum)
    (folder / "observation_parameters.json").write_text(observation)
    args = ["slice", str(tmp_path / "cal_1_0.toml"), "--vary", "decision_rate_per_month=0.02"]
    code = main([*args, "--at", str(folder), "--out", str(tmp_path / "s")])
    assert code == 2
    assert named in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_slice_at_a_folder_uses_its_optimum(tmp_path):
    """``--at`` a calibration folder: the point row is the folder's optimum, not the file's
    start (the distance differs from a slice at the file's start)."""
    _small_config(tmp_path, 1, 0)
    folder = tmp_path / "fit"
    folder.mkdir()
    (folder / "msm_optimum.toml").write_text(
        "[parameters]\ndecision_rate_per_month = 0.055\namnesty_monthly_takeup = 0.3\n"
    )
    (folder / "observation_parameters.json").write_text("{}")
    base = ["slice", str(tmp_path / "cal_1_0.toml"), "--vary", "amnesty_monthly_takeup=0.1"]
    base += ["--seeds", "1", "--workers", "1", "--quiet"]
    assert main([*base, "--at", str(folder), "--out", str(tmp_path / "a")]) == 0
    assert main([*base, "--out", str(tmp_path / "b")]) == 0
    at = pd.read_csv(tmp_path / "a" / "slices.csv")
    start = pd.read_csv(tmp_path / "b" / "slices.csv")
    assert at["ard_all"][0] != start["ard_all"][0]
    assert "MSM optimum" in (tmp_path / "a" / "slices.md").read_text()
