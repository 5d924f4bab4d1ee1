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
from calibration.targets import OBSERVABLES, Target
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


def test_partial_counts_are_listed_never_compared():
    """A window's first days (``measure`` partial) are no count of its month: the model must
    not be judged against them, whatever words describe them."""
    figures = heldout_figures(LAST_MONTH_2024, EVERY_DESTINATION)
    partial = [f for f in figures if f.flow.measure == "partial"]
    assert len(partial) >= 3  # Thailand's 2017 certificates, Malaysia's 2016 rehiring (x2)
    assert all(f.target is None and "part of its period" in f.skipped for f in partial)
    assert all(f.flow.measure != "partial" for f in figures if f.target is not None)


def test_a_count_at_some_crossings_is_never_compared():
    """A count at one checkpoint is a lower edge of the flow, not the flow: a held-out figure
    marked ``some_crossings`` is listed with the reason, as a partial count is."""
    import dataclasses

    from calibration.heldout import _comparison

    figures = heldout_figures(LAST_MONTH_2024, EVERY_DESTINATION)
    compared = next(f for f in figures if f.target is not None)
    assert _comparison(compared.flow, 0, LAST_MONTH_2024)[0] is not None
    marked = dataclasses.replace(compared.flow, counted_at="some_crossings")
    target, why = _comparison(marked, 0, LAST_MONTH_2024)
    assert target is None and "some crossings" in why


def test_signed_distance_says_which_way_and_overlap_meets_band_or_point():
    nan = float("nan")
    band = Target("b", "stock", "MYS", (), "ALL", "", 0, 0, nan, 100.0, 200.0, 1.0, "s")
    point = Target("p", "stock", "MYS", (), "ALL", "", 0, 0, 100.0, nan, nan, 1.0, "s")
    assert band.signed_distance(150.0) == 0.0  # inside the band
    assert band.signed_distance(50.0) == pytest.approx(-50 / 150)  # below: to the low edge
    assert band.signed_distance(260.0) == pytest.approx(60 / 150)
    assert point.signed_distance(80.0) == pytest.approx(-0.2)
    assert point.signed_distance(130.0) == pytest.approx(0.3)
    assert math.isnan(point.signed_distance(float("nan")))
    assert band.overlaps(190.0, 400.0) and band.overlaps(0.0, 100.0)
    assert not band.overlaps(201.0, 300.0) and not band.overlaps(10.0, 99.0)
    assert point.overlaps(99.0, 101.0) and not point.overlaps(100.5, 120.0)


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
