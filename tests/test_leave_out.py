"""``[leave_out]`` in a calibration configuration: a target the sources contradict is
simulated and reported with its reason, but weighs nothing in the distance, the search's
objective or the count of targets met."""

from __future__ import annotations

import csv
import io
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


def test_a_leave_out_that_leaves_only_zero_weights_fails(tmp_path):
    path = _config(tmp_path, "")
    text = (tmp_path / "targets.csv").read_text().splitlines()
    header, rows = text[0], text[1:]
    column = header.split(",").index("weight")

    def weighted(line: str, w: str) -> str:
        cells = next(csv.reader([line]))
        cells[column] = w
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(cells)
        return out.getvalue()

    lines = [weighted(rows[0], "1")] + [weighted(r, "0") for r in rows[1:]]
    (tmp_path / "targets.csv").write_text("\n".join([header, *lines]) + "\n")
    first = next(csv.reader([rows[0]]))[0]
    path.write_text(path.read_text() + f'[leave_out]\n{first} = "why"\n')
    with pytest.raises(ScenarioError) as err:
        load_config(path)
    assert err.value.key == "leave_out" and "weight above 0" in err.value.allowed


def test_a_left_out_target_infinitely_far_adds_nothing(tmp_path):
    ids = _ids(tmp_path)
    config = load_config(_config(tmp_path, f'[leave_out]\n{ids[0]} = "contradicted"'))
    simulated = np.array([t.centre for t in config.targets])
    simulated[0] = np.inf
    assert distance(config.targets, simulated) == 0.0
    assert msm_objective(config.targets, simulated, 0.25, 5.0) == 0.0


def test_a_hindcast_trains_on_fitted_targets_up_to_its_cutoff(tmp_path):
    from calibration.validate import training_config
    from scenarios.calendar import month_index

    config = load_config(_config(tmp_path, ""))
    early = [t for t in config.targets if t.end <= month_index("2011-12")]
    late = [t for t in config.targets if t.end > month_index("2011-12")]
    assert early and late
    table = "\n".join(f'{t.target_id} = "why"' for t in early)
    config = load_config(_config(tmp_path, f'[leave_out]\n{table}\n{late[0].target_id} = "why"'))
    with pytest.raises(ScenarioError) as err:  # everything up to 2011 left out
        training_config(config, month_index("2011-12"), tmp_path)
    assert err.value.key == "cutoff"
    train = training_config(config, month_index("2012-12"), tmp_path)
    assert set(train.left_out) == set(config.left_out)  # every left-out id is a training one
    # a cut-off before a left-out target drops its id with it (not in the training file)
    partial = load_config(_config(tmp_path, f'[leave_out]\n{late[0].target_id} = "why"'))
    assert training_config(partial, month_index("2011-12"), tmp_path).left_out == {}


STAGE_RUNS = sorted((ROOT / "docs" / "runs").glob("dynamics_stage*_*/fit.csv"))


@pytest.mark.parametrize("fit", STAGE_RUNS, ids=[p.parent.name for p in STAGE_RUNS])
def test_each_measured_stage_fits_the_targets_it_was_measured_with(fit):
    """Targets added to the shared files later are left out of earlier stages' files, so a
    stage's file still fits (and reports) what its kept fit report shows."""
    stage = fit.parent.name.split("_")[1]  # dynamics_stage8_2026-12-05 -> stage8
    config = load_config(ROOT / "calibration" / f"dynamics_{stage}.toml")
    table = pd.read_csv(fit, keep_default_na=False)
    reported_left_out = (
        set(table.loc[table["left_out"] != "", "target_id"]) if "left_out" in table else set()
    )
    fitted_then = set(table["target_id"]) - reported_left_out
    assert {t.target_id for t in config.fitted_targets} == fitted_then
    assert reported_left_out <= set(config.left_out)


def test_stage_9_fits_the_count_without_students_in_place_of_the_all_status_counts():
    config = load_config(ROOT / "calibration" / "dynamics_stage9.toml")
    fitted = {t.target_id for t in config.fitted_targets}
    assert "japan_workers_not_students_VNM_JPN_2016-10" in fitted
    assert not any(i.startswith("japan_workers_VNM_JPN") for i in fitted)
    assert {"remittances_MMR_JPN_2015_2016", "remittances_KHM_JPN_2010_2016"} <= set(
        config.left_out
    )


def test_stage_11_compares_all_origins_with_whole_counts_in_place_of_the_share_bands():
    """With the rest of the world on, an all-nationality count is fitted at its whole value
    (targets_all_origins.csv) and the bands for the modelled origins' share are left out."""
    config = load_config(ROOT / "calibration" / "dynamics_stage11.toml")
    fitted = {t.target_id: t for t in config.fitted_targets}
    whole = {i for i in fitted if "_all_origins_" in i}
    assert len(whole) == 5
    assert not any(fitted[i].origins for i in whole)  # every origin of the run
    bands = {
        "deportations_ALL_MYS_2016",
        "deportations_MYS_2017",
        "deportations_MYS_2020",
        "deportations_MYS_2023",
        "interceptions_THA_2021",
    }
    assert bands <= set(config.left_out)
    assert not bands & set(fitted)
