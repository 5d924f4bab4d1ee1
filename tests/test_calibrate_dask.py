"""Issue 15, item 5: ``corridors calibrate --dask ADDRESS`` gives what a local run gives.

A real ``dask.distributed`` cluster of two workers in this process (threads: the case where
ABC-SMC's proposals, seeded through numpy's global random state, could read each other's
seeds) runs a tiny calibration through the command line; its MSM evaluations, posterior
particles and draws, calibrated point and fit are those of the same calibration run in this
process."""

from __future__ import annotations

import pandas as pd
import pytest
from test_calibration import _small_config

from calibration.config import load_config
from calibration.run import calibrate
from corridors.cli import main


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=2, processes=False, threads_per_worker=1, dashboard_address=None
    )
    try:
        yield cluster
    finally:
        cluster.close()


def _tiny(folder):
    """The tiny calibration's file: the checkpoint test's (2011-2012 targets, two
    parameters, 3 MSM evaluations, one ABC generation) with 8 particles, 5 draws and
    20,000 people per agent."""
    _small_config(folder, 3, 1)  # writes targets.csv and cal_3_1.toml
    path = folder / "tiny.toml"
    path.write_text(
        (folder / "cal_3_1.toml")
        .read_text()
        .replace("people_per_agent = 5000", "people_per_agent = 20000")
        .replace("population_size = 12", "population_size = 8\nposterior_draws = 5")
    )
    return path


def test_a_dask_cluster_gives_the_local_calibration(tmp_path, cluster):
    path = _tiny(tmp_path)
    config = load_config(path)
    assert (config.abc_population, config.posterior_draws) == (8, 5)
    local = calibrate(config, tmp_path / "local", workers=1, quiet=True)
    out = tmp_path / "dask"
    code = main(
        ["calibrate", str(path), "--out", str(out), "--dask", cluster.scheduler_address, "--quiet"]
    )
    assert code == 0
    for name in ("msm_evaluations.jsonl", "posterior_draws.csv", "calibrated_parameters.toml"):
        assert (out / name).read_text() == (tmp_path / "local" / name).read_text(), name
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "particles.csv"), pd.read_csv(tmp_path / "local" / "particles.csv")
    )
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "report" / "fit.csv"),
        pd.read_csv(tmp_path / "local" / "report" / "fit.csv"),
    )
    draws = pd.read_csv(out / "posterior_draws.csv")
    assert draws.nunique().min() > 1  # not a degenerate posterior any order would give
    assert local["abc"]["model_runs"] > 0


def test_an_unreachable_dask_address_exits_2(tmp_path, capsys):
    path = _tiny(tmp_path)
    out = tmp_path / "out"
    code = main(["calibrate", str(path), "--out", str(out), "--dask", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2 and "--dask" in err and "tcp://127.0.0.1:9" in err, err
    assert not (out / "state.json").exists()


def test_dask_and_workers_are_exclusive(tmp_path, capsys):
    path = _tiny(tmp_path)
    for command in ("calibrate", "validate"):
        with pytest.raises(SystemExit) as info:
            main(
                [command, str(path), "--out", str(tmp_path / "o"), "--dask", "x", "--workers", "2"]
            )
        assert info.value.code == 2
        assert "not allowed with argument" in capsys.readouterr().err
