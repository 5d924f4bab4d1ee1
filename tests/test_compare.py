"""``corridors compare`` and ``corridors sensitivity`` on small real batches.

The comparison is checked through the files it writes (``compare/*.csv``, figures, report),
not by recomputing from the raw results: those files are what a user reads.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import tomli_w

from corridors.cli import main

FINAL_YEAR = 2014
BATCH = {
    "name": "crackdown_vs_baseline",
    "scenarios": ["baseline", "crackdown"],
    "replicates": 3,
    "root_seed": 3,
    "settings": {"end": f"{FINAL_YEAR}-12", "people_per_agent": 3000},
}
PNG = b"\x89PNG\r\n\x1a\n"


def read_csv(path: Path) -> pd.DataFrame:
    # origin-level rows have destination ""; keep it as text rather than NaN
    return pd.read_csv(path, keep_default_na=False)


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("compare")
    batch = d / "batch.toml"
    batch.write_text(tomli_w.dumps(BATCH))
    out = d / "out"
    assert main(["batch", str(batch), "--out", str(out), "--serial", "--quiet"]) == 0
    assert main(["compare", str(out)]) == 0
    return out / "compare"


def test_compare_writes_every_output(compared):
    names = {p.name for p in compared.iterdir()}
    for stem in ("summary", "differences", "headline", "final_stock_change"):
        assert {f"{stem}.csv", f"{stem}.parquet"} <= names
    assert {
        "flows_by_scenario.png",
        "flows_by_scenario.svg",
        "stocks_by_scenario.png",
        "stocks_by_scenario.svg",
        "report.md",
        "report.html",
    } <= names
    assert not [n for n in names if n.startswith(".")], "temporary files left behind"
    # CSV and Parquet hold the same table
    for stem in ("summary", "differences", "headline", "final_stock_change"):
        csv, parquet = (
            read_csv(compared / f"{stem}.csv"),
            pd.read_parquet(compared / f"{stem}.parquet"),
        )
        assert len(csv) == len(parquet) > 0
        assert csv["mean"].sum() == pytest.approx(parquet["mean"].sum(), rel=1e-9)


def test_crackdown_deports_more_than_baseline(compared):
    headline = read_csv(compared / "headline.csv").set_index(["label", "indicator"])
    assert (headline["replicates"] == 3).all()
    assert (headline["final_year"] == FINAL_YEAR).all()
    deportations = headline.xs("deportations", level="indicator")
    assert deportations.loc["crackdown", "mean"] > deportations.loc["baseline", "mean"] > 0
    # across replicates, not only on average: the intervals do not even overlap
    assert deportations.loc["crackdown", "p05"] > deportations.loc["baseline", "p95"]
    share = headline.xs("irregular_share_final_year", level="indicator")
    assert 0 < share.loc["crackdown", "mean"] < share.loc["baseline", "mean"] < 1

    diff = read_csv(compared / "differences.csv")
    deported = diff[(diff["label"] == "crackdown") & (diff["measure"] == "deportations")]
    assert deported["mean"].sum() > 0


def test_crackdown_lowers_the_final_irregular_stock_in_every_replicate(compared):
    change = read_csv(compared / "final_stock_change.csv").set_index(["label", "channel"])
    assert set(change.index) == {("crackdown", "irregular"), ("crackdown", "regular")}
    irregular = change.loc[("crackdown", "irregular")]
    assert irregular["replicates"] == 3
    assert irregular["p05"] <= irregular["mean"] <= irregular["p95"] < 0
    # the same number as the final-year stock differences, summed over corridors
    diff = read_csv(compared / "differences.csv")
    stock = diff[
        (diff["label"] == "crackdown")
        & (diff["measure"] == "stock")
        & (diff["channel"] == "irregular")
        & (diff["year"] == FINAL_YEAR)
    ]
    assert len(stock) > 1
    assert stock["mean"].sum() == pytest.approx(irregular["mean"], rel=1e-9)


def test_reference_differences_are_exactly_zero(compared):
    diff = read_csv(compared / "differences.csv")
    assert set(diff["label"]) == {"baseline", "crackdown"}
    ref = diff[diff["label"] == "baseline"]
    assert len(ref) > 0
    assert (ref[["mean", "p05", "p95"]] == 0).all().all()
    assert (ref["replicates"] == 3).all()
    other = diff[diff["label"] == "crackdown"]
    assert (other["mean"] != 0).any()


def test_summary_intervals_contain_the_mean(compared):
    summary = read_csv(compared / "summary.csv")
    assert set(summary["label"]) == {"baseline", "crackdown"}
    assert set(summary["year"]) == set(range(2010, FINAL_YEAR + 1))
    assert (summary["replicates"] == 3).all()
    tol = 1e-9 * summary["mean"].abs() + 1e-9  # a mean of equal values may be off by an ulp
    assert (summary["p05"] <= summary["mean"] + tol).all()
    assert (summary["mean"] <= summary["p95"] + tol).all()
    assert (summary["p05"] < summary["p95"]).any()  # replicates do differ
    for table in ("headline", "differences", "final_stock_change"):
        t = read_csv(compared / f"{table}.csv")
        tol = 1e-9 * t["mean"].abs() + 1e-9
        assert (t["p05"] <= t["mean"] + tol).all() and (t["mean"] <= t["p95"] + tol).all()


def test_figures_and_report_name_both_scenarios(compared):
    for stem in ("flows_by_scenario", "stocks_by_scenario"):
        png = (compared / f"{stem}.png").read_bytes()
        assert png[:8] == PNG and len(png) > 10_000
        svg = (compared / f"{stem}.svg").read_text()
        assert "<svg" in svg
        # matplotlib keeps each text of the figure (here the legend) as a comment
        assert "<!-- baseline -->" in svg and "<!-- crackdown -->" in svg
    md = (compared / "report.md").read_text()
    html = (compared / "report.html").read_text()
    for text in (md, html):
        assert "baseline" in text and "crackdown" in text
        assert "flows_by_scenario.png" in text and "stocks_by_scenario.png" in text
    assert "Reference: `baseline`" in md
    assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")


def test_compare_bad_input_exits_2(compared, tmp_path, capsys):
    assert main(["compare", str(tmp_path)]) == 2
    assert str(tmp_path) in capsys.readouterr().err
    assert not (tmp_path / "compare").exists()
    batch_dir = compared.parent
    assert main(["compare", str(batch_dir), "--reference", "no_such_scenario"]) == 2
    assert "--reference" in capsys.readouterr().err


def test_compare_against_another_reference(compared, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(compared.parent, copy, ignore=shutil.ignore_patterns("compare"))
    assert main(["compare", str(copy), "--reference", "crackdown"]) == 0
    change = read_csv(copy / "compare" / "final_stock_change.csv").set_index(["label", "channel"])
    original = read_csv(compared / "final_stock_change.csv").set_index(["label", "channel"])
    assert change.loc[("baseline", "irregular"), "mean"] == pytest.approx(
        -original.loc[("crackdown", "irregular"), "mean"], rel=1e-9
    )
    assert "Reference: `crackdown`" in (copy / "compare" / "report.md").read_text()


# ---- sensitivity ---------------------------------------------------------------------------
SENSITIVITY = {
    "name": "what_drives_irregular_share",
    "scenario": "baseline",
    "method": "morris",
    "samples": 4,
    "replicates": 1,
    "root_seed": 1,
    "settings": {"end": "2014-12", "people_per_agent": 3000},
    "ranges": {
        "enforcement_monthly_arrest_probability": [0.001, 0.02],
        "trafficking_probability_per_crossing": [0.0, 0.05],
        "nest_scale": [0.3, 0.9],
    },
    "output": {"indicator": "irregular_share"},
}


def test_morris_ranks_enforcement_above_an_irrelevant_parameter(tmp_path, capsys):
    config = tmp_path / "sensitivity.toml"
    config.write_text(tomli_w.dumps(SENSITIVITY))
    out = tmp_path / "out"
    assert main(["sensitivity", str(config), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    capsys.readouterr()
    indices = pd.read_csv(out / "sensitivity" / "indices.csv").set_index("name")
    assert list(indices.index) == list(SENSITIVITY["ranges"])
    assert {"mu_star", "mu_star_conf", "mu", "sigma", "output"} <= set(indices.columns)
    assert (indices["mu_star"] >= 0).all()
    enforcement = indices.loc["enforcement_monthly_arrest_probability"]
    irrelevant = indices.loc["trafficking_probability_per_crossing"]
    assert enforcement["mu_star"] > irrelevant["mu_star"]
    assert enforcement["mu"] < 0  # more arrests, a smaller irregular share
    assert (
        indices["output"].iloc[0] == "irregular_share in 2014 (all destinations, modelled origins)"
    )
    # 4 trajectories of 3 + 1 points, each one run
    outputs = pd.read_csv(out / "sensitivity" / "outputs.csv")
    assert len(outputs) == 16 and outputs["output"].between(0, 1).all()
    assert len(list((out / "runs").glob("*.json"))) == 16
    assert (out / "sensitivity" / "indices.png").read_bytes()[:8] == PNG
    assert "<svg" in (out / "sensitivity" / "indices.svg").read_text()
