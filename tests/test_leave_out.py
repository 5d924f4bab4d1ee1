"""``[leave_out]`` in a calibration configuration: a target the sources contradict is
simulated and reported with its reason, but weighs nothing in the distance, the search's
objective or the count of targets met."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibration.config import load_config
from calibration.run import calibrate
from calibration.simulate import distance, msm_objective
from calibration.targets import COLUMNS, DEFAULT_TARGETS
from scenarios.errors import ScenarioError

ROOT = Path(__file__).resolve().parent.parent


def _config(tmp_path: Path, leave_out: str, evaluations: int = 2) -> Path:
    """The 2011-2012 level targets at 20,000 people per agent, one seed, no ABC."""
    with DEFAULT_TARGETS.open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["end"] <= "2012-12"]
    with (tmp_path / "targets.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    path = tmp_path / "c.toml"
    path.write_text(f"""
targets = "targets.csv"
end = "2012-12"
people_per_agent = 20000
seeds = 1
root_seed = 3
[parameters]
decision_rate_per_month = [0.01, 0.06]
[msm]
max_evaluations = {evaluations}
[abc]
population_size = 0
{leave_out}
""")
    return path


def _ids(tmp_path: Path) -> list[str]:
    return [t.target_id for t in load_config(_config(tmp_path, "")).targets]


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ('[leave_out]\nno_such_target = "a reason"', "leave_out.no_such_target"),
        ('[leave_out]\nFIRST = ""', "leave_out.FIRST"),
        ('[leave_out]\nFIRST = "  "', "leave_out.FIRST"),
        ("[leave_out]\nFIRST = 3", "leave_out.FIRST"),
        ('[[leave_out]]\nreason = "FIRST"', "leave_out"),
        ("ALL", "leave_out"),
    ],
    ids=["unknown id", "empty reason", "blank reason", "not a string", "not a table", "all"],
)
def test_a_bad_leave_out_fails_naming_the_file_and_the_key(tmp_path, table, key):
    ids = _ids(tmp_path)
    if table == "ALL":
        table = "[leave_out]\n" + "\n".join(f'{i} = "why"' for i in ids)
    path = _config(tmp_path, table.replace("FIRST", ids[0]))
    with pytest.raises(ScenarioError) as err:
        load_config(path)
    assert err.value.key == key.replace("FIRST", ids[0]) and str(path) in str(err.value)


def test_a_left_out_target_weighs_nothing_in_the_distance_and_the_objective(tmp_path):
    ids = _ids(tmp_path)
    config = load_config(_config(tmp_path, f'[leave_out]\n{ids[1]} = "contradicted"'))
    assert config.left_out == {ids[1]: "contradicted"}
    assert [t.target_id for t in config.fitted_targets] == [i for i in ids if i != ids[1]]
    assert [t.weight for t in config.targets if t.target_id == ids[1]] == [0.0]
    simulated = np.array([t.centre for t in config.targets])  # every target met
    far = simulated.copy()
    far[1] *= 50  # the left-out target missed by far: nothing changes
    for value in (distance, lambda t, s: msm_objective(t, s, 0.25, 5.0)):
        assert value(config.targets, far) == value(config.targets, simulated) == 0.0
    far[0] *= 50  # a fitted one missed: the distance moves
    assert distance(config.targets, far) > 0.0


def test_the_fit_report_keeps_a_left_out_target_with_its_reason_and_does_not_count_it(tmp_path):
    ids = _ids(tmp_path)
    reason = "the sources contradict each other"
    config = load_config(_config(tmp_path, f'[leave_out]\n{ids[0]} = "{reason}"'))
    out = tmp_path / "out"
    summary = calibrate(config, out, workers=1, quiet=True)
    fit = pd.read_csv(out / "report" / "fit.csv", keep_default_na=False)
    assert list(fit["target_id"]) == ids  # still simulated and in the table
    assert list(fit["left_out"]) == [reason] + [""] * (len(ids) - 1)
    fitted = fit.iloc[1:]
    assert summary["targets"] == len(ids) - 1
    assert summary["targets_met"] == int(fitted["inside"].astype(str).eq("True").sum())
    assert summary["targets_left_out"] == {ids[0]: reason}
    written = json.loads((out / "report" / "summary.json").read_text())
    assert written["targets_left_out"] == {ids[0]: reason}
    report = (out / "report" / "report.md").read_text()
    assert f"`{ids[0]}`: {reason}" in report
    assert f"of {len(ids) - 1}**" in report


def test_stage_8_leaves_out_the_two_contradicted_remittance_targets():
    config = load_config(ROOT / "calibration" / "dynamics_stage8.toml")
    assert set(config.left_out) == {
        "remittances_MMR_JPN_2015_2016",
        "remittances_KHM_JPN_2010_2016",
    }
    assert len(config.fitted_targets) == len(config.targets) - 2
