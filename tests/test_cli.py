"""``corridors run`` writes a complete, reloadable results folder."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest

from corridors.atomic import write_atomic
from corridors.cli import main
from scenarios.scenario import load_scenario

SMALL = ["--end", "2011-12", "--people-per-agent", "5000", "--quiet"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "baseline"
    assert main(["run", "--out", str(out), *SMALL]) == 0
    return out


def test_folder_has_every_output(run_dir):
    names = {p.name for p in run_dir.iterdir()}
    assert {
        "results.parquet",
        "results.csv",
        "manifest.json",
        "scenario.toml",
        "flows_and_stocks.png",
        "flows_and_stocks.svg",
    } <= names
    assert not [n for n in names if n.startswith(".")], "temporary files left behind"
    assert (run_dir / "flows_and_stocks.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_parquet_and_csv_hold_the_same_tidy_table(run_dir):
    pq = pd.read_parquet(run_dir / "results.parquet")
    csv = pd.read_csv(
        run_dir / "results.csv", keep_default_na=False, dtype={"destination": str, "channel": str}
    )
    assert list(pq.columns) == [
        "month",
        "origin",
        "destination",
        "channel",
        "measure",
        "value",
        "unit",
    ]
    assert len(pq) == len(csv)
    assert pq["value"].sum() == pytest.approx(csv["value"].sum())
    months = sorted(pq["month"].astype(str).unique())
    assert months[0] == "2009-12" and months[-1] == "2011-12" and len(months) == 25


def test_manifest_records_provenance(run_dir):
    m = json.loads((run_dir / "manifest.json").read_text())
    assert m["scenario_name"] == "baseline"
    assert m["seed"] == load_scenario("baseline").seed
    assert m["people_per_agent"] == 5000
    assert m["packages"]["mesa"] == "3.5.1"
    # the version from the installed metadata (pyproject's one source); in this checkout the
    # commit too (tests/test_package.py checks an installed copy records none)
    assert m["code"]["version"] == metadata.version("corridors")
    if (Path(__file__).resolve().parents[1] / ".git").exists():
        assert re.fullmatch(r"[0-9a-f]{40}", m["code"]["git_commit"])
        assert isinstance(m["code"]["uncommitted_changes"], bool)
    assert set(m["timings_s"]) >= {"build", "simulate", "write"}
    assert m["scenario"]["settings"]["end"] == "2011-12"


def test_written_scenario_reloads_to_the_same_run(run_dir):
    again = load_scenario(run_dir / "scenario.toml")
    m = json.loads((run_dir / "manifest.json").read_text())
    assert again.digest() == m["scenario_digest"]


def test_console_script_runs_the_baseline_by_default(tmp_path):
    out = tmp_path / "r"
    exe = Path(sys.executable).parent / "corridors"
    proc = subprocess.run(
        [str(exe), "run", "--out", str(out), *SMALL], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads((out / "manifest.json").read_text())["scenario_name"] == "baseline"


def test_levers_table_lists_every_lever(capsys):
    from scenarios.levers import LEVERS

    assert main(["levers"]) == 0
    text = capsys.readouterr().out
    for lever in LEVERS:
        assert f"`{lever.name}`" in text


@pytest.mark.parametrize("command", ["levers", "presets"])
def test_a_reader_that_leaves_early_gets_no_error_message(command):
    """`corridors levers | head`: the pipe closes before the table is written. The read end
    is closed before the process starts, so every write fails, deterministically."""
    import os

    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "corridors"), command],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write)
    assert proc.stderr == ""
    assert proc.returncode == 1


def test_atomic_write_keeps_old_file_when_writer_fails(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("old")

    def broken(p: Path) -> None:
        p.write_text("half")
        raise RuntimeError("crash mid-write")

    with pytest.raises(RuntimeError):
        write_atomic(target, broken)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_install_calibration_replaces_the_shipped_data_and_report(tmp_path, monkeypatch):
    """``calibrate --install`` writes the parameter files where the baseline reads them
    (scenarios/data/calibrated) and swaps the report folder in whole."""
    import calibration.report
    import scenarios.posterior
    from corridors.install import install_calibration

    shipped, report = tmp_path / "shipped", tmp_path / "calibration" / "report"
    shipped.mkdir()
    (shipped / "posterior_draws.csv").write_text("old\n")
    report.mkdir(parents=True)
    (report / "old.md").write_text("old")
    monkeypatch.setattr(scenarios.posterior, "SHIPPED_CALIBRATION", shipped)
    monkeypatch.setattr(calibration.report, "REPORT_DIR", report)
    out = tmp_path / "out"
    (out / "report").mkdir(parents=True)
    (out / "report" / "report.md").write_text("new report")
    (out / "calibrated_parameters.toml").write_text("[parameters]\n")
    (out / "posterior_draws.csv").write_text("a\n1\n")
    install_calibration(out)
    assert (shipped / "calibrated_parameters.toml").read_text() == "[parameters]\n"
    assert (shipped / "posterior_draws.csv").read_text() == "a\n1\n"
    assert not (shipped / "observation_parameters.json").exists()
    assert sorted(p.name for p in report.iterdir()) == ["report.md"]
    assert sorted(p.name for p in report.parent.iterdir()) == ["report"]
    assert not [p for p in shipped.iterdir() if p.name.endswith(".tmp")]


def test_install_from_an_installed_package_is_refused_before_any_run(tmp_path, monkeypatch, capsys):
    # an installed copy has no pyproject.toml beside its packages: --install would rewrite
    # files inside site-packages, so it is refused before anything is calibrated or written
    import corridors.manifest

    monkeypatch.setattr(corridors.manifest, "SOURCE_ROOT", tmp_path / "site-packages")
    out = tmp_path / "cal"
    status = main(["calibrate", "calibration/default.toml", "--out", str(out), "--install"])
    assert status == 2
    err = capsys.readouterr().err
    assert "--install" in err and "source checkout" in err
    assert not out.exists()
