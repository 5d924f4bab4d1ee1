"""The example scripts run: the one a researcher copies first (examples/read_batch.py) on a
real batch, printing the replicate summary the reports use; the EMA Workbench scenario
discovery (examples/ema_prim.py) reduced to a few seconds of real runs, with its pairing and
its PRIM box checked on data of known answer."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w

from corridors.cli import main as corridors

ROOT = Path(__file__).resolve().parent.parent


def test_read_batch_example_plots_and_prints_the_interval(tmp_path, capsys, monkeypatch):
    spec = {
        "name": "example",
        "scenarios": ["baseline", "crackdown"],
        "replicates": 2,
        "root_seed": 3,
        "settings": {"end": "2011-12", "people_per_agent": 20000},
    }
    (tmp_path / "b.toml").write_text(tomli_w.dumps(spec))
    assert (
        corridors(
            [
                "batch",
                str(tmp_path / "b.toml"),
                "--out",
                str(tmp_path / "out"),
                "--serial",
                "--quiet",
            ]
        )
        == 0
    )
    figure = tmp_path / "fig.png"
    monkeypatch.setattr(sys, "argv", ["read_batch.py", str(tmp_path / "out"), str(figure)])
    runpy.run_path(str(ROOT / "examples" / "read_batch.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert figure.stat().st_size > 1000
    assert "mean" in out and "p05" in out and "p95" in out
    assert "crackdown" in out and "2011" in out


def _ema_prim():
    return runpy.run_path(str(ROOT / "examples" / "ema_prim.py"), run_name="ema_prim")


def test_ema_prim_pairs_each_crackdown_with_its_scenarios_reference():
    ema_prim = _ema_prim()
    exp = pd.DataFrame(
        {
            "policy": ["reference", "crackdown_0", "reference", "crackdown_0", "crackdown_1"],
            "replicate": [0, 0, 1, 1, 0],
            **{name: np.arange(5.0) for name in ema_prim["UNCERTAINTIES"]},
            **{ema_prim["ema_name"](k): np.ones(5) for k in ema_prim["CRACKDOWN_TOP"]},
        }
    )
    share = np.array([0.4, 0.3, 0.2, 0.3, 0.5])
    x, change = ema_prim["relative_change"](exp, share)
    np.testing.assert_allclose(change, [0.3 / 0.4 - 1, 0.3 / 0.2 - 1, 0.5 / 0.4 - 1])
    assert len(x) == 3 and "beta_arrest_risk" in x and "border_control__THA" in x


def test_ema_prim_box_finds_a_planted_region():
    """On made-up data where the outcome is true exactly when a < 0.3, PRIM's chosen box (the
    widest with density 0.8 or more) restricts a, and only a, to [0, u] with u from 0.3 (all
    such runs, density 1) to about 0.3 / 0.8 (density 0.8)."""
    ema_prim = _ema_prim()
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.uniform(size=400), "b": rng.uniform(size=400)})
    box = ema_prim["find_box"](x, (x["a"] < 0.3).to_numpy())
    stats, limits = box.inspect(style="data")[0]
    assert list(limits.index) == ["a"]
    assert 0.28 <= limits.iloc[0, 1] <= 0.42
    assert stats["density"] >= 0.8 and stats["coverage"] >= 0.8
    assert "quasi-p" in ema_prim["describe"](box)


def test_ema_prim_example_runs_small_on_real_output(capsys, tmp_path):
    """A reduced run of the example (6 scenarios x (reference + 2 crackdowns), coarse and
    short): real runs, each crackdown paired with its reference, and the crackdown cuts the
    irregular share in most of them (the direction the full run shows in every run)."""
    ema_prim = _ema_prim()
    args = ["--scenarios", "6", "--policies", "2", "--people-per-agent", "20000"]
    saved = str(tmp_path / "runs.tar.gz")
    found = ema_prim["main"](
        [*args, "--end", "2011-12", "--workers", "1", "--seed", "3", "--save", saved]
    )
    out = capsys.readouterr().out
    assert "18 runs" in out and "of 12 crackdown runs" in out
    assert len(found["x"]) == 12 and np.isfinite(found["change"]).all()
    assert np.median(found["change"]) < 0
    assert found["y"].dtype == bool and len(found["y"]) == 12
    if found["box"] is not None:
        assert "PRIM box" in out and "coverage" in out
    # EMA's saved results give the same analysis without running again
    again = ema_prim["main"](["--load", saved, "--end", "2011-12"])
    np.testing.assert_allclose(again["change"], found["change"])
