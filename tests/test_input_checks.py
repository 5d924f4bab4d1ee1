"""Issue 12, items 6, 10, 11 and 12: inputs that used to give silent wrong numbers, a
traceback or hours of work now give the usual one-line error (exit 2) before anything runs or
is written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import tomli_w

from calibration import executor as executor_module
from calibration.targets import DEFAULT_TARGETS
from corridors import batch as batch_module
from corridors.batchspec import load_batch
from corridors.cli import main

FEE = "recruitment_fee_cap_usd"
GOOD = {
    "scenarios": ["baseline"],
    "replicates": 1,
    "settings": {"end": "2010-03", "people_per_agent": 20000},
}
SENS = {
    "scenario": "baseline",
    "method": "morris",
    "samples": 2,
    "replicates": 1,
    "settings": {"end": "2011-12", "people_per_agent": 20000},
    "ranges": {"nest_scale": [0.3, 0.9], FEE: [0, 1000]},
    "output": {"indicator": "irregular_share"},
}


def run_cli(tmp_path, capsys, command: str, data: dict | str, *extra: str) -> tuple[int, str]:
    path = tmp_path / "input.toml"
    path.write_text(data if isinstance(data, str) else tomli_w.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    code = main([command, str(path), "--out", str(out), "--quiet", *extra])
    err = capsys.readouterr().err
    if code == 2:
        assert not out.exists(), "written into --out on exit 2"
        assert err.startswith("corridors: error: ") and err.count("\n") == 1, err
    return code, err


# ---- item 6: overlapping sweep axes -----------------------------------------------------
@pytest.mark.parametrize("order", ["key first", "name first"])
def test_a_lever_swept_whole_and_by_country_is_an_error_naming_both(tmp_path, capsys, order):
    axes = [(f"{FEE}.MMR", [100]), (FEE, [200])]
    values = dict(axes if order == "key first" else axes[::-1])
    code, err = run_cli(
        tmp_path, capsys, "batch", {**GOOD, "sweep": {"values": values}}, "--serial"
    )
    assert code == 2 and f"{FEE}.MMR" in err and f"sweep.values.{FEE}" in err


def test_overlapping_ranges_in_sensitivity_and_sampled_sweeps(tmp_path, capsys):
    ranges = {FEE: [0, 100], f"{FEE}.MMR": [0, 50]}
    code, err = run_cli(tmp_path, capsys, "sensitivity", {**SENS, "ranges": ranges})
    assert code == 2 and f"{FEE}.MMR" in err
    sweep = {"method": "latin_hypercube", "samples": 2, "ranges": ranges}
    code, err = run_cli(tmp_path, capsys, "batch", {**GOOD, "sweep": sweep}, "--serial")
    assert code == 2 and f"{FEE}.MMR" in err


# ---- item 11: exploding sweeps ----------------------------------------------------------
def test_a_huge_grid_is_refused_at_once_without_expanding_it(tmp_path, capsys):
    values = {
        name: list(range(0, 100))
        for name in (
            FEE,
            "employer_sanction_usd_per_irregular_worker",
            "agencies_per_corridor",
            "amnesty_length_months",
        )
    }
    values["agencies_per_corridor"] = list(range(1, 101))
    values["amnesty_length_months"] = list(range(1, 25)) * 4
    t0 = time.perf_counter()
    code, err = run_cli(
        tmp_path, capsys, "batch", {**GOOD, "replicates": 10_000, "sweep": {"values": values}}
    )
    assert code == 2 and "(runs) = 960000000000" in err and "--max-runs" in err
    assert time.perf_counter() - t0 < 10


def test_max_runs_is_the_limit_and_can_be_raised(tmp_path):
    path = tmp_path / "b.toml"
    path.write_text(
        tomli_w.dumps({**GOOD, "replicates": 3, "sweep": {"values": {FEE: [0, 100, 200]}}})
    )
    with pytest.raises(ValueError, match="at most 8 runs"):
        load_batch(path, max_runs=8)
    assert len(load_batch(path, max_runs=9).tasks()) == 9


def test_sensitivity_counts_its_runs_before_sampling(tmp_path, capsys):
    code, err = run_cli(
        tmp_path, capsys, "sensitivity", {**SENS, "samples": 10_000, "replicates": 100}
    )
    assert code == 2 and "(runs) = 3000000" in err
    code, err = run_cli(tmp_path, capsys, "sensitivity", SENS, "--max-runs", "5")
    assert code == 2 and "at most 5 runs" in err


# ---- item 10: bad values that used to end in a traceback ----------------------------------
BAD_BATCH = {
    "sweep seed -1": {
        "method": "latin_hypercube",
        "samples": 2,
        "seed": -1,
        "ranges": {"nest_scale": [0.3, 0.9]},
    },
    "sweep seed abc": {
        "method": "sobol",
        "samples": 2,
        "seed": "abc",
        "ranges": {"nest_scale": [0.3, 0.9]},
    },
    "sweep seed 1.5": {
        "method": "sobol",
        "samples": 2,
        "seed": 1.5,
        "ranges": {"nest_scale": [0.3, 0.9]},
    },
    "samples under a grid": {"samples": 4, "values": {FEE: [1]}},
    "values under a sample": {
        "method": "sobol",
        "samples": 2,
        "values": {FEE: [1]},
        "ranges": {"nest_scale": [0.3, 0.9]},
    },
}


@pytest.mark.parametrize("case", list(BAD_BATCH), ids=list(BAD_BATCH))
def test_bad_sweep_settings_exit_2(tmp_path, capsys, case):
    code, err = run_cli(tmp_path, capsys, "batch", {**GOOD, "sweep": BAD_BATCH[case]})
    assert code == 2 and "sweep." in err


BAD_SENS = {
    "root_seed abc": ({"root_seed": "abc"}, "root_seed"),
    "root_seed -1": ({"root_seed": -1}, "root_seed"),
    "scenario 5": ({"scenario": 5}, "scenario"),
    "settings 5": ({"settings": 5}, "settings"),
    "a lever in settings": ({"settings": {"border_control": 0.5}}, "settings.border_control"),
    "unknown indicator": ({"output": {"indicator": "happiness"}}, "output.indicator"),
    "unknown channel": ({"output": {"indicator": "arrivals", "channel": "air"}}, "output.channel"),
    "unknown destination": (
        {"output": {"indicator": "arrivals", "destination": "KOR"}},
        "output.destination",
    ),
    "extra output key": ({"output": {"indicator": "arrivals", "colour": "red"}}, "output.colour"),
    "name 5": ({"name": 5}, "name"),
}


@pytest.mark.parametrize("case", list(BAD_SENS), ids=list(BAD_SENS))
def test_bad_sensitivity_files_exit_2_before_any_run(tmp_path, capsys, case, monkeypatch):
    monkeypatch.setattr(batch_module, "execute_task", _no_runs)
    change, key = BAD_SENS[case]
    code, err = run_cli(tmp_path, capsys, "sensitivity", {**SENS, **change})
    assert code == 2 and f": {key} = " in err, err


def _no_runs(*args):
    raise AssertionError("a run started before the file was validated")


def test_name_5_in_a_batch_is_an_error_not_coerced(tmp_path, capsys):
    code, err = run_cli(tmp_path, capsys, "batch", {**GOOD, "name": 5})
    assert code == 2 and ": name = 5: a string" in err


def test_calibration_name_targets_and_scenario_types(tmp_path, capsys):
    for change, key in (
        ({"name": 5}, "name"),
        ({"targets": 5}, "targets"),
        ({"scenario": 5}, "scenario"),
    ):
        path = tmp_path / "cal.toml"
        path.write_text(
            tomli_w.dumps(
                {
                    "parameters": {"nest_scale": [0.3, 0.9]},
                    "targets": str(DEFAULT_TARGETS),
                    **change,
                }
            )
        )
        assert main(["calibrate", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
        assert f": {key} = " in capsys.readouterr().err
        assert not (tmp_path / "out").exists()


def test_check_replicates_and_non_utf8_observations(tmp_path, capsys):
    bad = tmp_path / "obs.csv"
    bad.write_bytes(b"target_id,observable\n\xff\xfe\n")
    assert main(["check", "baseline", "--observations", str(bad)]) == 2
    assert "UTF-8" in capsys.readouterr().err
    for n in ("0", "-1"):
        assert main(["check", "baseline", "--observations", str(bad), "--replicates", n]) == 2
        assert "--replicates" in capsys.readouterr().err


def test_an_unreachable_dask_scheduler_exits_2_and_creates_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(batch_module, "DASK_CONNECT_TIMEOUT_S", 1)
    for address in ("tcp://127.0.0.1:9", "not an address"):
        code, err = run_cli(tmp_path, capsys, "batch", GOOD, "--dask", address)
        assert code == 2 and "--dask" in err


# ---- item 12: workers above the cores ---------------------------------------------------
def test_workers_above_the_cores_are_capped_with_a_warning(tmp_path, capsys):
    code, err = run_cli(tmp_path, capsys, "batch", GOOD, "--workers", "999")
    assert code == 0
    assert "warning: --workers 999 is more than the" in err


# Every command that takes --workers reads it through one function, so they agree: a count
# below 1 is bad input before anything is written (slice, heldout and emulate ran it as one
# worker until 7 December 2026; search refused it but capped counts above the cores
# silently).
WORKERS_COMMANDS = {
    "batch": ["examples/sweep_fee_cap.toml"],
    "sensitivity": ["examples/sensitivity_irregular_share.toml"],
    "calibrate": ["calibration/default.toml"],
    "validate": ["calibration/default.toml"],
    "emulate": ["calibration/default.toml"],
    "slice": ["calibration/default.toml", "--vary", "return_hazard_per_month=0.003"],
    "heldout": ["calibration/default.toml"],
    "search": ["examples/search_fee_cap.toml"],
}


@pytest.mark.parametrize("command", sorted(WORKERS_COMMANDS))
def test_workers_below_1_exit_2_in_every_command(tmp_path, capsys, monkeypatch, command):
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    monkeypatch.setattr(batch_module, "execute_task", _no_runs)
    # a command that let the count through would start runs; make that fail at once
    monkeypatch.setattr(batch_module, "make_executor", _no_runs)
    monkeypatch.setattr(executor_module, "calibration_executor", _no_runs)
    out = tmp_path / "out"
    args = [command, *WORKERS_COMMANDS[command], "--out", str(out), "--quiet"]
    for n in ("0", "-2"):
        assert main([*args, "--workers", n]) == 2
        err = capsys.readouterr().err
        assert err.startswith("corridors: error: ") and f"--workers = {n}" in err, err
        assert not out.exists()


def test_worker_count_defaults_to_the_cores_and_caps_with_a_warning(capsys, monkeypatch):
    monkeypatch.setattr(batch_module, "default_workers", lambda: 2)
    assert batch_module.worker_count(None) == 2
    assert batch_module.worker_count(1) == 1
    assert capsys.readouterr().err == ""
    assert batch_module.worker_count(5) == 2
    assert "--workers 5 is more than the 2 cores available; using 2" in capsys.readouterr().err
