"""``corridors heldout``: a calibrated point against the figures kept back from calibration
(calibration/heldout.py), run as a user runs it on a small calibration (2011-2012, 5,000
people per agent), and the guard that keeps those figures out of every fit."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from test_calibration import _small_config

from calibration.config import load_config
from calibration.heldout import KIND_OBSERVABLE, heldout_figures
from calibration.simulate import seeds_for, simulate_targets
from calibration.targets import OBSERVABLES
from corridors.cli import main
from scenarios.errors import ScenarioError

EVERY_DESTINATION = ("THA", "MYS", "SGP", "JPN")
LAST_MONTH_2024 = 179


def test_figures_are_the_held_out_kinds_each_compared_per_month_or_at_its_end():
    figures = heldout_figures(LAST_MONTH_2024, EVERY_DESTINATION)
    kinds = {f.flow.kind for f in figures}
    assert {"registrants", "amnesty_returns", "irregular_estimate", "return_wave"} <= kinds
    for f in figures:
        assert f.flow.use == "held_out" and f.reason
        t = f.target
        if t is None:
            assert f.skipped
            continue
        assert t.observable in OBSERVABLES and t.observable == KIND_OBSERVABLE[f.flow.kind][0]
        assert t.origins == (() if f.flow.origin == "ALL" else (f.flow.origin,))
        observed = t.centre * (1 if f.flow.measure == "stock" else f.months)
        expected = f.flow.value if not f.flow.is_band else (f.flow.low + f.flow.high) / 2
        assert observed == pytest.approx(expected)
    skipped = {f.skipped for f in figures if f.target is None}
    assert any("rest of the world" in s for s in skipped)  # Bangladeshis, Indians, Nepalese
    # a figure dated after 2016 that is no held-out kind is the hindcast's, not this check's
    assert not [f for f in figures if f.flow.kind == "deployments" and f.flow.destination != "JPN"]


def test_figures_outside_the_run_are_listed_not_measured():
    figures = heldout_figures(35, EVERY_DESTINATION)  # a run to 2012-12
    late = [f for f in figures if f.flow.end[0] > 2012]
    assert late and all(f.target is None for f in late)
    assert any("outside" in f.skipped for f in late)


def test_a_calibration_may_not_name_a_held_out_observable(tmp_path):
    _small_config(tmp_path, 1, 0)
    targets = tmp_path / "targets.csv"
    text = targets.read_text()
    header = text.splitlines()[0]
    row = (
        "returns_3plus1,amnesty_returns_per_month,MYS,ALL,,2014-07,2018-08,15000,,,1,"
        '"The Star, 4 Aug 2018"'
    )
    assert header.startswith("target_id,observable,destination,origin,channel,start,end")
    targets.write_text(text.rstrip("\n") + "\n" + row + "\n")
    with pytest.raises(ScenarioError, match="returns_3plus1"):
        load_config(tmp_path / "cal_1_0.toml")


def test_heldout_compares_the_point_with_each_figure_from_its_own_runs(tmp_path, capsys):
    config = _small_config(tmp_path, 1, 0)
    out = tmp_path / "heldout"
    args = ["heldout", str(tmp_path / "cal_1_0.toml"), "--seeds", "2", "--workers", "1"]
    assert main([*args, "--out", str(out)]) == 0
    table = pd.read_csv(out / "heldout.csv", keep_default_na=False, na_values=[""])
    measured = table[table["skipped"].isna()]
    assert len(measured) >= 5  # Malaysia's 6P of 2011 and its irregular population
    assert set(measured["kind"]) >= {"registrants", "amnesty_returns", "irregular_estimate"}
    # the figures' own runs, seed by seed, give the table's means
    figures = [f for f in heldout_figures(35, ("THA", "MYS", "SGP")) if f.target is not None]
    point = config.start_point()
    runs = np.vstack(
        [
            simulate_targets(config.scenario, tuple(f.target for f in figures), point, s)
            for s in seeds_for(config.root_seed, 2)
        ]
    )
    assert measured["simulated_mean"].to_numpy() == pytest.approx(runs.mean(axis=0))
    for _, r in measured.iterrows():
        if not math.isnan(r["observed_total"]):  # a point figure: the sign says which side
            below = r["simulated_mean"] < r["observed"]
            assert (r["relative_difference"] < 0) == below
    report = (out / "heldout.md").read_text()
    assert "none was a target" in report and "| registrants |" in report
    assert "outside the run's months" in report  # the later figures, listed
    capsys.readouterr()


def test_bad_seeds_are_refused_and_nothing_is_written(tmp_path, capsys):
    _small_config(tmp_path, 1, 0)
    out = tmp_path / "heldout"
    code = main(["heldout", str(tmp_path / "cal_1_0.toml"), "--seeds", "0", "--out", str(out)])
    assert code == 2
    assert "--seeds" in capsys.readouterr().err
    assert not out.exists()
