"""A run folder keeps the runs of one configuration (``calibration/folder_config.py``):
``corridors calibrate`` and ``corridors emulate`` refuse to resume under a changed file,
except in what a resume may change (a calibration's budgets; the sections emulate does not
read), and name the keys that differ."""

from __future__ import annotations

import json

import pytest
from test_calibration import _small_config

from calibration.emulate import EMULATE_IGNORES
from calibration.folder_config import check_same_configuration, differing_keys
from calibration.run import CALIBRATE_MAY_GROW
from corridors.cli import main
from scenarios.errors import ScenarioError

RAW = {
    "targets": "targets.csv",
    "people_per_agent": 5000,
    "parameters": {"decision_rate_per_month": [0.01, 0.06]},
    "fixed": {"stay_constant": 3.5},
    "msm": {"max_evaluations": 6, "miss_penalty": 5.0},
    "abc": {"population_size": 12, "generations": 1},
}


def _changed(section: str, key: str, value) -> dict:
    raw = json.loads(json.dumps(RAW))
    if section:
        raw[section][key] = value
    else:
        raw[key] = value
    return raw


def test_differing_keys_are_named_dotted_and_ignores_apply_to_keys_or_sections():
    assert differing_keys(RAW, RAW) == []
    assert differing_keys(RAW, _changed("fixed", "stay_constant", 4.0)) == ["fixed.stay_constant"]
    assert differing_keys(RAW, _changed("", "people_per_agent", 250)) == ["people_per_agent"]
    new_range = _changed("parameters", "decision_rate_per_month", [0.01, 0.08])
    assert differing_keys(RAW, new_range) == ["parameters.decision_rate_per_month"]
    added = _changed("fixed", "overstay_probability", 0.3)
    assert differing_keys(RAW, added) == ["fixed.overstay_probability"]
    grown = _changed("msm", "max_evaluations", 600)
    assert differing_keys(RAW, grown, CALIBRATE_MAY_GROW) == []
    assert differing_keys(RAW, _changed("msm", "miss_penalty", 1.0), CALIBRATE_MAY_GROW) == [
        "msm.miss_penalty"
    ]  # the objective changed: not a budget
    assert differing_keys(RAW, _changed("abc", "population_size", 50), EMULATE_IGNORES) == []


def test_a_recorded_configuration_that_differs_is_refused_naming_file_and_keys(tmp_path):
    path = tmp_path / "config.json"
    assert check_same_configuration(path, RAW, "cal.toml") is False  # nothing recorded
    path.write_text(json.dumps(RAW))
    assert check_same_configuration(path, RAW, "cal.toml") is True
    with pytest.raises(ScenarioError) as err:
        check_same_configuration(path, _changed("fixed", "stay_constant", 4.0), "cal.toml")
    text = str(err.value)
    assert str(path) in text and "fixed.stay_constant" in text and "another --out" in text


def test_calibrate_refuses_to_resume_a_folder_of_another_configuration(tmp_path, capsys):
    """A calibration folder whose recorded file had another ``[fixed]`` value: exit 2 before
    any run, the folder as it was."""
    config = _small_config(tmp_path, 6, 1)
    out = tmp_path / "out"
    out.mkdir()
    kept = {**config.raw, "fixed": {"stay_constant": 4.0}}
    (out / "config.json").write_text(json.dumps(kept))
    before = sorted(p.name for p in out.iterdir())
    assert main(["calibrate", config.source_file, "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert "fixed.stay_constant" in err and "config.json" in err
    assert sorted(p.name for p in out.iterdir()) == before
    assert json.loads((out / "config.json").read_text()) == kept
