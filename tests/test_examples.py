"""The example script a researcher copies first (examples/read_batch.py) runs on a real batch
and prints the replicate summary the reports use."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

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
