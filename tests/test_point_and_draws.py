"""What the shipped point and draws answer (``calibration/point_and_draws.py``), and the
dashboard's words built from it (``dashboards/uncertainty.py``): the kept table belongs to the
calibration files in place, effects pair draws and seeds, and the words quote the table's
numbers or none."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibration import point_and_draws as pad
from dashboards import uncertainty
from scenarios.posterior import load_draws

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def script(monkeypatch):
    """``scripts/point_and_draws.py`` as a module (scripts/ on the path for this test only)."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    return importlib.import_module("point_and_draws")


def test_the_kept_table_was_computed_for_the_shipped_calibration(script):
    """Installing another calibration without rerunning scripts/point_and_draws.py fails
    here, instead of the dashboard quoting the old calibration's numbers."""
    table = pad.read()
    assert table is not None, "run scripts/point_and_draws.py"
    assert set(table["calibration_digest"]) == {pad.calibration_digest()}, (
        "calibration/report/point_and_draws.csv is stale: run scripts/point_and_draws.py"
    )
    assert script.main(["--check"]) == 0
    assert set(table["scenario"]) == set(pad.SCENARIOS)
    levels = table[table["kind"] == "level"]
    assert (levels["predictive_low"] <= levels["predictive_median"]).all()
    assert (levels["predictive_median"] <= levels["predictive_high"]).all()
    inside = (levels["predictive_low"] <= levels["point"]) & (
        levels["point"] <= levels["predictive_high"]
    )
    assert inside.tolist() == levels["inside"].tolist()


def test_a_stale_or_old_table_is_refused_by_the_check(script, tmp_path, monkeypatch):
    table = pad.read()
    assert table is not None
    path = tmp_path / "point_and_draws.csv"
    monkeypatch.setattr(pad, "POINT_AND_DRAWS", path)
    assert script.main(["--check"]) == 1  # none
    pad.write(table.assign(calibration_digest="0" * 64), path)
    assert script.main(["--check"]) == 1  # another calibration's
    pad.write(table.drop(columns="end"), path)
    assert script.main(["--check"]) == 1  # an older layout
    pad.write(table, path)
    assert script.main(["--check"]) == 0


def test_the_digest_reads_windows_line_ends_as_unix_ones(tmp_path):
    unix, windows = tmp_path / "u.csv", tmp_path / "w.csv"
    unix.write_bytes(b"a,b\n1,2\n")
    windows.write_bytes(b"a,b\r\n1,2\r\n")
    assert pad.calibration_digest((unix,)) == pad.calibration_digest((windows,))


def test_the_digest_follows_every_calibration_file(tmp_path):
    files = tuple(tmp_path / n for n in ("a.toml", "b.csv", "c.json"))
    for f in files:
        f.write_text("x")
    before = pad.calibration_digest(files)
    for f in files:
        f.write_text("y")
        assert pad.calibration_digest(files) != before
        f.write_text("x")
    assert pad.calibration_digest(files) == before
    files[1].unlink()
    assert pad.calibration_digest(files) != before


def test_effects_pair_each_draw_and_seed_with_the_reference():
    """Draw i of the policy minus draw i of the reference: a policy that adds 10 under every
    draw has an effect of exactly 10, however much the draws spread the levels."""
    spread = pd.DataFrame({"x": np.arange(8.0) * 100})
    draw_runs = {"base": spread, "policy": spread + 10.0}
    point_runs = {
        "base": pd.DataFrame({"x": [1.0, 3.0]}),
        "policy": pd.DataFrame({"x": [4.0, 8.0]}),
    }
    out = pad.effects(point_runs, draw_runs, "base")
    row = out.set_index("indicator").loc["x"]
    assert row["scenario"] == "policy"
    assert row["predictive_median"] == row["predictive_low"] == row["predictive_high"] == 10.0
    assert row["point"] == 4.0  # (4 + 8) / 2 - (1 + 3) / 2
    assert not row["inside"]


def _table(point: float, low: float, high: float, inside_all: bool, digest: str) -> pd.DataFrame:
    rows = []
    for name in ("irregular_share_final_year", "deportations"):
        for scenario, kind in (("baseline", "level"), ("crackdown", "effect")):
            rows.append(
                {
                    "scenario": scenario,
                    "kind": kind,
                    "indicator": name,
                    "point": point if kind == "level" else -0.25,
                    "predictive_median": (low + high) / 2 if kind == "level" else -0.1,
                    "predictive_low": low if kind == "level" else -0.15,
                    "predictive_high": high if kind == "level" else -0.05,
                    "inside": inside_all or name != "irregular_share_final_year",
                    "draws": 40,
                    "point_seeds": 4,
                    "people_per_agent": 500.0,
                    "end": "2030-12",
                    "calibration_digest": digest,
                }
            )
    return pd.DataFrame(rows)


def test_the_words_quote_the_table_of_the_calibration_in_place():
    summary = {"targets": 36, "abc": {"effective_sample_size": 29.9}}
    numbers = uncertainty.point_and_draws_numbers(_table(0.5, 0.2, 0.3, False, "d"), "d")
    assert numbers is not None
    text = uncertainty.why_different(summary, 40, numbers)
    assert "at the end of 2030 is 50.0% at the point estimate and 25.0% with posterior" in text
    assert "middle half 20.0-30.0%), outside the middle half" in text
    assert "by -25.0 percentage points at the point estimate and by -10.0 with draws" in text
    assert "inside the draws' middle half for 1 (at 500 people per agent" in text
    assert "an arithmetic error" in text
    assert "40 parameter sets from ABC-SMC" in text and "about 30 effectively" in text
    assert "(issue 15)" in text


def test_the_words_give_no_numbers_of_another_calibration():
    summary = {"targets": 36}
    assert uncertainty.point_and_draws_numbers(_table(0.5, 0.2, 0.3, False, "old"), "new") is None
    assert uncertainty.point_and_draws_numbers(None, "new") is None
    text = uncertainty.why_different(summary, 40, None)
    assert "%" not in text and "not available" in text and "(issue 15)" in text
    assert "No posterior draws are shipped." in uncertainty.why_different(summary, 0, None)


def test_a_posterior_summary_point_is_not_said_to_await_recalibration():
    """An install ships the draw nearest the posterior median: even where it lies outside
    the draws' middle half, the page does not say the project is recalibrating for it."""
    summary = {"targets": 36, "emulator": {"effective_sample_size": 3345.0}, "point_choice": "y"}
    numbers = uncertainty.point_and_draws_numbers(_table(0.5, 0.2, 0.3, False, "d"), "d")
    text = uncertainty.why_different(summary, 400, numbers)
    assert ", outside the middle half" in text and "(issue 15)" not in text
    assert "about 3,345 effectively different sets" in text


def test_a_point_inside_every_interval_is_said_to_agree():
    summary = {"targets": 36, "emulator": {"effective_sample_size": 3345.0}, "point_choice": "x"}
    numbers = uncertainty.point_and_draws_numbers(_table(0.25, 0.2, 0.3, True, "d"), "d")
    text = uncertainty.why_different(summary, 400, numbers)
    assert "The *point estimate* is the x." in text and "from an emulator posterior" in text
    assert ", inside the middle half" in text and "(issue 15)" not in text


def test_the_shown_words_are_built_from_the_shipped_files():
    draws = load_draws()
    assert draws is not None
    assert f"the calibration's {len(draws)} posterior parameter sets" in uncertainty.DRAWS
    numbers = uncertainty.point_and_draws_numbers(pad.read(), pad.calibration_digest())
    assert numbers is not None
    assert f"{numbers['level_point']:.1f}% at the point estimate" in uncertainty.WHY_DIFFERENT
    assert uncertainty.setting_note(True) == uncertainty.DRAWS
    assert uncertainty.setting_note(False) == uncertainty.POINT
    assert "((" not in uncertainty.POINT and ") (" not in uncertainty.POINT


def test_the_point_is_named_in_plain_words_for_every_kind_of_install():
    """The views name the shipped point from the fit report: an emulator install's draw by
    its description, an MSM optimum (the install of ``corridors calibrate`` writes that
    choice) and a report without a choice in words, not as the method's jargon."""
    from dashboards.uncertainty import _point_words

    draw = "posterior draw nearest the posterior median (draw 17 of 400)"
    assert _point_words({"point_choice": draw}, short=True) == f"the {draw}"
    plain = "the single best-fitting parameter set"
    assert _point_words({"point_choice": "MSM optimum"}, short=True) == plain
    assert _point_words({}, short=True) == plain
