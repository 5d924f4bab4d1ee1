"""``corridors slice``: slices of a calibration's fit through a point (calibration/slices.py),
run as a user runs them, on a small calibration (2011-2012 targets, 5,000 people per agent)."""

from __future__ import annotations

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
        runs = [simulate_targets(config.scenario, config.targets, params, s) for s in seeds]
        mean = pd.DataFrame(runs).mean().to_numpy()
        assert row.ard_all == pytest.approx(distance(config.targets, mean))
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
    ],
)
def test_bad_slice_is_refused_before_any_run_and_writes_nothing(tmp_path, capsys, vary, named):
    _small_config(tmp_path, 1, 0)
    out = tmp_path / "slice"
    args = ["slice", str(tmp_path / "cal_1_0.toml"), "--vary", vary, "--workers", "1"]
    assert main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "corridors: error:" in err and named in err
    assert not out.exists()


def test_slice_at_a_folder_without_an_optimum_is_refused(tmp_path, capsys):
    _small_config(tmp_path, 1, 0)
    args = ["slice", str(tmp_path / "cal_1_0.toml"), "--vary", "decision_rate_per_month=0.02"]
    code = main([*args, "--at", str(tmp_path), "--out", str(tmp_path / "s")])
    assert code == 2
    assert "msm_optimum.toml" in capsys.readouterr().err
