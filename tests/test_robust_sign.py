"""Robust or not (issue 15, item 4): the share of paired replicates (posterior draws with
their seeds) in which a scenario's effect keeps the sign of its mean, computed once
(:func:`simulation.metrics.same_sign_share`) for ``corridors compare`` and the dashboard."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import tomli_w

from corridors.cli import main
from simulation.measures import HEADLINE
from simulation.metrics import same_sign_share, sign_verdict


def draws(**effects: list[float]) -> pd.DataFrame:
    """Made-up paired differences B - A, one row per draw, per named effect."""
    return pd.DataFrame(
        [
            {"effect": k, "draw": i, "value": v}
            for k, vs in effects.items()
            for i, v in enumerate(vs)
        ]
    )


def test_the_share_is_counted_from_the_draws():
    t = draws(
        nine=[1.0] * 9 + [-1.0],  # 9 of 10 positive -> 0.9, robust
        seven=[2.0] * 7 + [-1.0] * 3,  # mean +1.1, 7 of 10 -> 0.7, not robust
        eight_down=[-1.0] * 8 + [0.5, 0.5],  # mean -0.7, 8 of 10 negative -> uncertain
        zero_mean=[1.0, -1.0, 2.0, -2.0],  # no sign to hold
        unchanged=[0.0] * 5,  # identical in every draw
        with_zero=[3.0, 0.0, 1.0, 1.0],  # a zero draw agrees with neither sign: 3 of 4
    )
    got = same_sign_share(t, ["effect"]).set_index("effect")
    assert got.loc["nine", "same_sign_share"] == pytest.approx(0.9)
    assert got.loc["nine", "robust"] and got.loc["nine", "sign_verdict"] == "robust"
    assert got.loc["seven", "same_sign_share"] == pytest.approx(0.7)
    assert not got.loc["seven", "robust"]
    assert got.loc["seven", "sign_verdict"] == "not distinguishable from zero"
    assert got.loc["eight_down", "same_sign_share"] == pytest.approx(0.8)
    assert got.loc["eight_down", "sign_verdict"] == "uncertain"
    for name in ("zero_mean", "unchanged"):
        assert math.isnan(got.loc[name, "same_sign_share"]) and not got.loc[name, "robust"]
        assert got.loc[name, "sign_verdict"] == "not distinguishable from zero"
    assert got.loc["with_zero", "same_sign_share"] == pytest.approx(0.75)


def test_the_order_of_the_draws_does_not_matter():
    t = draws(nine=[1.0] * 9 + [-1.0])
    shuffled = t.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(
        same_sign_share(t, ["effect"]), same_sign_share(shuffled, ["effect"])
    )


def test_verdict_thresholds():
    assert sign_verdict(1.0) == sign_verdict(0.9) == "robust"
    assert sign_verdict(0.89) == sign_verdict(0.75) == "uncertain"
    assert sign_verdict(0.74) == sign_verdict(float("nan")) == "not distinguishable from zero"


def batch(tmp: Path, **extra) -> Path:
    spec = {
        "name": "robust_sign",
        "scenarios": ["baseline", "crackdown"],
        "replicates": 4,
        "root_seed": 7,
        "settings": {"end": "2012-12", "people_per_agent": 5000},
    } | extra
    (tmp / "batch.toml").write_text(tomli_w.dumps(spec))
    out = tmp / "out"
    assert main(["batch", str(tmp / "batch.toml"), "--out", str(out), "--serial", "--quiet"]) == 0
    assert main(["compare", str(out)]) == 0
    return out / "compare"


@pytest.mark.parametrize("posterior", [False, True], ids=["seeds", "posterior_draws"])
def test_a_small_batch_reports_the_share_and_what_we_can_say(tmp_path, posterior):
    compared = batch(tmp_path, **({"parameter_uncertainty": True} if posterior else {}))
    headline = pd.read_csv(compared / "headline.csv").set_index(["label", "indicator"])
    effects = headline.xs("crackdown", level="label")
    assert set(effects.index) == {i.name for i in HEADLINE}
    assert set(effects["same_sign_share"]) <= {0.25, 0.5, 0.75, 1.0}
    assert (effects["robust"] == (effects["same_sign_share"] >= 0.9)).all()
    assert (headline.xs("baseline", level="label")["sign_verdict"] == "reference").all()
    # crackdown deports more in every replicate
    assert effects.loc["deportations", "same_sign_share"] == 1.0
    robustness = pd.read_csv(compared / "robustness.csv").set_index("indicator")
    pd.testing.assert_series_equal(
        robustness["same_sign_share"], effects["same_sign_share"].reindex(robustness.index)
    )
    assert (robustness["replicates"] == 4).all() and (robustness["reference"] == "baseline").all()
    diff = pd.read_csv(compared / "differences.csv", keep_default_na=False)
    assert {"same_sign_share", "robust", "sign_verdict"} <= set(diff.columns)

    report = (compared / "report.md").read_text()
    top = report.split("## Headline indicators")[0]
    assert "## What we can and cannot say" in top
    assert "**Warning: only 4 replicates.**" in top
    assert "Deportations (people, whole run): +" in top and "robust, same sign in 4 of 4" in top
    if posterior:
        assert "each a posterior draw" in top and "over chance alone" not in top
    else:
        assert "over chance alone, not over parameter uncertainty" in top
    html = (compared / "report.html").read_text()
    assert "<h2>What we can and cannot say</h2>" in html and "<li><code>crackdown</code>" in html
