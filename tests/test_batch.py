"""The batch layer: batch files, seeds and sweeps, executors, the resumable store.

Every batch here is tiny (a few simulated years at thousands of people per agent) so the file
runs in about a minute on two cores. The subprocess tests run the installed ``corridors``
console script in its own session, so that SIGKILL and SIGINT reach it and its workers.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import tomli_w

from corridors.batch import SerialExecutor, run_batch
from corridors.batchspec import load_batch, replicate_seeds
from corridors.cli import main
from corridors.store import ResultsStore, read_results
from scenarios.errors import ScenarioError
from scenarios.scenario import load_scenario

KEYS = ["run_id", "month", "origin", "destination", "channel", "measure"]
ARREST = "enforcement_monthly_arrest_probability"

# 2 scenarios x 2 sweep points x 2 replicates = 8 short runs; the sweep changes one country,
# so the overrides must travel to the workers too.
SMALL = {
    "name": "small",
    "scenarios": ["baseline", "crackdown"],
    "replicates": 2,
    "root_seed": 5,
    "settings": {"end": "2012-12", "people_per_agent": 10000},
    "sweep": {"method": "grid", "values": {f"{ARREST}.MYS": [0.004, 0.03]}},
}
# 2 scenarios x 8 replicates = 16 runs of about half a second each: long enough to be stopped
# part-way, short enough to finish quickly.
LONGER = {
    "name": "longer",
    "scenarios": ["baseline", "crackdown"],
    "replicates": 8,
    "root_seed": 11,
    "settings": {"end": "2014-12", "people_per_agent": 3000},
}


def write_batch(path: Path, data: dict) -> Path:
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def corridors_command() -> list[str]:
    script = Path(sys.executable).with_name("corridors")
    return [str(script)] if script.exists() else [sys.executable, "-m", "corridors.cli"]


def canonical(root: Path) -> pd.DataFrame:
    """The batch's whole table in a fixed row and column order, categoricals as strings."""
    t = read_results(root)
    for col in t.columns:
        if not pd.api.types.is_numeric_dtype(t[col]):
            t[col] = t[col].astype(str)
    t = t.sort_values(KEYS, kind="mergesort").reset_index(drop=True)
    return t[sorted(t.columns)]


def manifests(root: Path) -> set[str]:
    return {p.stem for p in (root / "runs").glob("*.json")}


def parquet_runs(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "results").rglob("*.parquet"))


def assert_store_intact(root: Path, expected_ids: set[str]) -> None:
    """Exactly the expected runs, each once, every file whole, no temporaries."""
    assert manifests(root) == expected_ids
    files = parquet_runs(root)
    assert len(files) == len(set(files)), "a run has two Parquet files"
    assert set(files) == expected_ids
    for path in (root / "results").rglob("*.parquet"):
        table = pq.read_table(path)  # raises on a truncated file
        assert table.num_rows > 0
        assert set(table.column("run_id").to_pylist()) == {path.stem}
        assert path.parent.name == f"scenario={path.stem.split('-p')[0]}"
    for path in (root / "runs").glob("*.json"):
        m = json.loads(path.read_text())
        assert m["run_id"] == path.stem and m["ok"] is True
        assert (root / m["file"]).is_file()
    assert not list(root.rglob(".*.tmp")), "temporary files left behind"
    assert not list((root / "failures").iterdir())
    t = read_results(root, measure="stock")
    assert set(t["run_id"]) == expected_ids
    assert not t.duplicated(KEYS).any(), "some run's rows appear twice"


@pytest.fixture(scope="module")
def small_batch(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("small")
    return write_batch(d / "small.toml", SMALL)


@pytest.fixture(scope="module")
def serial_dir(small_batch, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("serial") / "out"
    outcome = run_batch(load_batch(small_batch), out, serial=True, progress=False)
    assert (outcome.done, outcome.failed, outcome.skipped, outcome.interrupted) == (8, 0, 0, False)
    return out


@pytest.fixture(scope="module")
def dask_cluster():
    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def longer_clean(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """The 16-run batch file and its table from a clean serial run."""
    d = tmp_path_factory.mktemp("longer")
    batch = write_batch(d / "longer.toml", LONGER)
    out = d / "clean"
    outcome = run_batch(load_batch(batch), out, serial=True, progress=False)
    assert outcome.done == 16
    return batch, canonical(out)


# ---- 1. the same results on every executor -------------------------------------------------
def test_serial_run_is_complete_and_replicates_differ(serial_dir, small_batch):
    spec = load_batch(small_batch)
    assert_store_intact(serial_dir, {t.run_id for t in spec.tasks()})
    t = canonical(serial_dir)
    stock = t[t["measure"] == "stock"].groupby(["scenario", "point", "replicate"])["value"].sum()
    # otherwise comparing executors would prove little
    assert stock.nunique() == len(stock) == 8


def test_process_pool_gives_identical_results(serial_dir, small_batch, tmp_path):
    out = tmp_path / "pool"
    outcome = run_batch(load_batch(small_batch), out, workers=2, progress=False)
    assert (outcome.done, outcome.failed) == (8, 0)
    assert manifests(out) == manifests(serial_dir)
    pd.testing.assert_frame_equal(canonical(out), canonical(serial_dir))


def test_dask_cluster_gives_identical_results(serial_dir, small_batch, tmp_path, dask_cluster):
    out = tmp_path / "dask"
    outcome = run_batch(
        load_batch(small_batch), out, dask_address=dask_cluster.scheduler_address, progress=False
    )
    assert (outcome.done, outcome.failed) == (8, 0)
    assert manifests(out) == manifests(serial_dir)
    pd.testing.assert_frame_equal(canonical(out), canonical(serial_dir))


def test_dask_through_the_command_line(serial_dir, small_batch, tmp_path, dask_cluster):
    out = tmp_path / "dask_cli"
    assert (
        main(
            [
                "batch",
                str(small_batch),
                "--out",
                str(out),
                "--dask",
                dask_cluster.scheduler_address,
                "--quiet",
            ]
        )
        == 0
    )
    pd.testing.assert_frame_equal(canonical(out), canonical(serial_dir))


def test_rerun_of_a_finished_batch_skips_everything(serial_dir, small_batch):
    before = {p: p.stat().st_mtime_ns for p in serial_dir.rglob("*") if p.is_file()}
    outcome = run_batch(load_batch(small_batch), serial_dir, serial=True, progress=False)
    assert (outcome.done, outcome.skipped, outcome.failed) == (0, 8, 0)
    after = {p: p.stat().st_mtime_ns for p in serial_dir.rglob("*") if p.is_file()}
    assert after == before


# ---- 2. SIGKILL and rerun ------------------------------------------------------------------
def _start(batch: Path, out: Path, log: Path) -> subprocess.Popen:
    """``corridors batch`` on 2 local workers, as the leader of a new process group, with
    SIGINT as a terminal gives it: a Python handler here becomes the default disposition in
    the child at exec, where Python turns it into KeyboardInterrupt. Without this, tests run
    from a shell's background job (which ignores SIGINT, and children inherit an ignored
    signal) would start a batch that no Ctrl-C can reach."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with log.open("w") as err:
            return subprocess.Popen(
                [*corridors_command(), "batch", str(batch), "--out", str(out), "--workers", "2"],
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=err,
                cwd=out.parent,
            )
    finally:
        signal.signal(signal.SIGINT, previous)


def _wait_for_some_runs(proc: subprocess.Popen, out: Path, log: Path) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        n = len(list((out / "runs").glob("*.json"))) if (out / "runs").is_dir() else 0
        if n >= 1:
            return n
        if proc.poll() is not None:
            pytest.fail(
                f"batch exited ({proc.returncode}) before any run was done:\n" + log.read_text()
            )
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("no run finished within 120 s:\n" + log.read_text())


def _group_gone(pgid: int, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _rerun(batch: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*corridors_command(), "batch", str(batch), "--out", str(out), "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=out.parent,
    )


def _counts(stderr: str) -> tuple[int, int, int]:
    m = re.search(r"(\d+) runs done now, (\d+) done before, (\d+) failed", stderr)
    assert m, stderr
    return int(m[1]), int(m[2]), int(m[3])


def test_sigkill_then_rerun_gives_every_run_once(longer_clean, tmp_path):
    batch, clean = longer_clean
    spec = load_batch(batch)
    expected = {t.run_id for t in spec.tasks()}
    out = tmp_path / "killed"
    log = tmp_path / "first.log"
    proc = _start(batch, out, log)
    try:
        n_at_kill = _wait_for_some_runs(proc, out, log)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _group_gone(proc.pid), "worker processes survived SIGKILL of their group"
    done = manifests(out)
    assert 1 <= n_at_kill <= len(done) < len(expected), "killed too late to test anything"
    # a manifest is written after its Parquet file: every done run has a whole file
    for run_id in done:
        manifest = json.loads((out / "runs" / f"{run_id}.json").read_text())
        assert pq.read_table(out / manifest["file"]).num_rows > 0
    # what a kill at a worse moment leaves: a half-written temporary file, and a run whose
    # Parquet file was written (here: garbage) but not its manifest
    pending = next(t for t in spec.tasks() if t.run_id not in done)
    stale = ResultsStore(out).parquet_path(pending)
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"PAR1 not really parquet")
    (stale.parent / f".{stale.name}.k1ll3d.tmp").write_bytes(b"half")
    (out / "runs" / f".{pending.run_id}.json.k1ll3d.tmp").write_text("{")

    again = _rerun(batch, out)
    assert again.returncode == 0, again.stderr
    now, before, failed = _counts(again.stderr)
    assert (now, before, failed) == (len(expected) - len(done), len(done), 0)
    assert_store_intact(out, expected)
    pd.testing.assert_frame_equal(canonical(out), clean)


# ---- 3. Ctrl-C and termination --------------------------------------------------------------
@pytest.mark.parametrize("target", ["process", "group", "terminate"])
def test_interrupt_exits_130_keeps_finished_runs_and_rerun_completes(
    longer_clean, tmp_path, target
):
    """Ctrl-C (SIGINT to the process or its group) and a termination of the leader alone
    (SIGTERM: ``kill PID``, a scheduler's time limit) stop the workers too, keep the finished
    runs, and a rerun completes the batch."""
    batch, clean = longer_clean
    expected = {t.run_id for t in load_batch(batch).tasks()}
    out = tmp_path / "interrupted"
    log = tmp_path / "first.log"
    proc = _start(batch, out, log)
    try:
        _wait_for_some_runs(proc, out, log)
        if target == "group":  # what Ctrl-C in a terminal does
            os.killpg(proc.pid, signal.SIGINT)
        elif target == "terminate":
            os.kill(proc.pid, signal.SIGTERM)
        else:
            os.kill(proc.pid, signal.SIGINT)
        rc = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    stderr = log.read_text()
    assert rc == 130, stderr
    assert "interrupted" in stderr
    assert _group_gone(proc.pid), "worker processes outlived the interrupted batch"
    kept = manifests(out)
    assert 1 <= len(kept) < len(expected)
    for run_id in kept:
        manifest = json.loads((out / "runs" / f"{run_id}.json").read_text())
        assert pq.read_table(out / manifest["file"]).num_rows > 0
    assert not list(out.rglob(".*.tmp"))
    assert not list((out / "failures").iterdir()), "an interrupted run counted as failed"

    again = _rerun(batch, out)
    assert again.returncode == 0, again.stderr
    assert _counts(again.stderr) == (len(expected) - len(kept), len(kept), 0)
    assert_store_intact(out, expected)
    pd.testing.assert_frame_equal(canonical(out), clean)


# ---- 4. a run that raises ------------------------------------------------------------------
def _fail_one_seed(monkeypatch, seed: int) -> None:
    import simulation.run

    real = simulation.run.run_scenario

    def flaky(scenario, **kwargs):
        if scenario.seed == seed:
            raise RuntimeError(f"boom for seed {seed}")
        return real(scenario, **kwargs)

    monkeypatch.setattr(simulation.run, "run_scenario", flaky)


def test_a_run_that_raises_is_recorded_and_the_batch_goes_on(small_batch, tmp_path, monkeypatch):
    spec = load_batch(small_batch)
    tasks = spec.tasks()
    victim = next(
        t for t in tasks if t.scenario_label == "crackdown" and t.point == 1 and t.replicate == 0
    )
    # only one task has this seed and point, so patch on the scenario: the arrest probability
    # of the sweep point identifies it together with the seed
    import simulation.run

    real = simulation.run.run_scenario

    def flaky(scenario, **kwargs):
        if (
            scenario.seed == victim.seed
            and scenario.name == "crackdown"
            and scenario[ARREST]["MYS"] == 0.03
        ):
            raise RuntimeError("boom in one run")
        return real(scenario, **kwargs)

    monkeypatch.setattr(simulation.run, "run_scenario", flaky)
    seen = []
    out = tmp_path / "out"
    outcome = run_batch(
        spec,
        out,
        serial=True,
        progress=False,
        on_done=lambda task, result: seen.append((task.run_id, result["ok"])),
    )
    assert (outcome.total, outcome.done, outcome.failed, outcome.interrupted) == (8, 7, 1, False)
    assert sorted(seen) == sorted((t.run_id, t.run_id != victim.run_id) for t in tasks)
    record = json.loads((out / "failures" / f"{victim.run_id}.json").read_text())
    assert record["error"] == "RuntimeError: boom in one run"
    assert "boom in one run" in record["traceback"] and "Traceback" in record["traceback"]
    assert record["seed"] == victim.seed and record["scenario_label"] == "crackdown"
    assert [p.stem for p in (out / "failures").glob("*.json")] == [victim.run_id]
    assert manifests(out) == {t.run_id for t in tasks} - {victim.run_id}
    assert victim.run_id not in parquet_runs(out)

    # the rerun (without the fault) runs only the failed one and clears its failure record
    monkeypatch.setattr(simulation.run, "run_scenario", real)
    outcome = run_batch(spec, out, serial=True, progress=False)
    assert (outcome.done, outcome.skipped, outcome.failed) == (1, 7, 0)
    assert_store_intact(out, {t.run_id for t in tasks})


def test_a_dead_worker_is_recorded_as_a_failure(small_batch, tmp_path):
    spec = load_batch(small_batch)
    victim = spec.tasks()[3]

    class DyingWorker(SerialExecutor):
        def submit(self, fn, /, *args, **kwargs):
            if args[1].run_id == victim.run_id:
                future = Future()
                future.set_exception(OSError("worker process died"))
                return future
            return super().submit(fn, *args, **kwargs)

    out = tmp_path / "out"
    outcome = run_batch(spec, out, executor=DyingWorker(), progress=False)
    assert (outcome.done, outcome.failed) == (7, 1)
    record = json.loads((out / "failures" / f"{victim.run_id}.json").read_text())
    assert record["error"] == "OSError: worker process died"
    assert victim.run_id not in manifests(out)


def test_cli_exit_status_is_1_when_a_run_failed(small_batch, tmp_path, monkeypatch, capsys):
    spec = load_batch(small_batch)
    seed = spec.tasks()[0].seed  # replicate 0: one run per scenario and point fails
    _fail_one_seed(monkeypatch, seed)
    out = tmp_path / "out"
    assert main(["batch", str(small_batch), "--out", str(out), "--serial", "--quiet"]) == 1
    failed = {p.stem for p in (out / "failures").glob("*.json")}
    assert failed == {t.run_id for t in spec.tasks() if t.seed == seed}
    assert "failed" in capsys.readouterr().err
    assert len(manifests(out)) == 4


# ---- 5. bad batch files --------------------------------------------------------------------
GOOD = {
    "scenarios": ["baseline", "crackdown"],
    "replicates": 2,
    "settings": {"end": "2011-12", "people_per_agent": 20000},
}


def _with(**changes) -> dict:
    data = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        data[key] = value
    return data


BAD = {
    "unknown top-level key": (_with(replicats=3), "replicats"),
    "unknown lever in a grid sweep": (
        _with(sweep={"values": {"no_such_lever": [1, 2]}}),
        "sweep.no_such_lever",
    ),
    "unknown lever in a range sweep": (
        _with(sweep={"method": "latin_hypercube", "ranges": {"no_such_lever": [0, 1]}}),
        "sweep.no_such_lever",
    ),
    "unknown country of a scoped lever": (
        _with(sweep={"values": {f"{ARREST}.XXX": [0.01]}}),
        f"sweep.{ARREST}.XXX",
    ),
    "a run setting swept": (
        _with(sweep={"values": {"people_per_agent": [1000, 2000]}}),
        "sweep.people_per_agent",
    ),
    "empty sweep values list": (
        _with(sweep={"values": {"recruitment_fee_cap_usd": []}}),
        "sweep.values.recruitment_fee_cap_usd",
    ),
    "grid value beyond the maximum": (
        _with(sweep={"values": {ARREST: [0.01, 0.5]}}),
        f"sweep.values.{ARREST}",
    ),
    "reversed range": (
        _with(
            sweep={"method": "latin_hypercube", "samples": 4, "ranges": {"nest_scale": [0.5, 0.1]}}
        ),
        "sweep.ranges.nest_scale",
    ),
    "range beyond the maximum": (
        _with(sweep={"method": "sobol", "samples": 4, "ranges": {ARREST: [0.001, 0.5]}}),
        f"sweep.ranges.{ARREST}",
    ),
    "unknown sweep method": (
        _with(sweep={"method": "random", "values": {ARREST: [0.01]}}),
        "sweep.method",
    ),
    "unknown key in the sweep": (_with(sweep={"valeus": {ARREST: [0.01]}}), "sweep.valeus"),
    "unknown scenario": (_with(scenarios=["baseline", "no_such_preset"]), "scenarios[1]"),
    "missing scenario file": (_with(scenarios=["missing.toml"]), "scenarios[0]"),
    "repeated scenario": (_with(scenarios=["baseline", "baseline"]), "scenarios"),
    "replicates = 0": (_with(replicates=0), "replicates"),
    "negative root seed": (_with(root_seed=-1), "root_seed"),
    "sobol samples not a power of two": (
        _with(sweep={"method": "sobol", "samples": 6, "ranges": {"nest_scale": [0.3, 0.9]}}),
        "sweep.samples",
    ),
    "settings.seed given": (_with(settings={"seed": 1, "end": "2011-12"}), "settings.seed"),
    "a lever in settings": (_with(settings={"border_control": 0.5}), "settings.border_control"),
    "end beyond the last month": (_with(settings={"end": "2040-12"}), "settings.end"),
    "parameter_uncertainty not a boolean": (
        _with(parameter_uncertainty="yes"),
        "parameter_uncertainty",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_batch_file_exits_2_names_file_and_key_writes_nothing(case, tmp_path, capsys):
    data, key = BAD[case]
    batch = write_batch(tmp_path / "bad.toml", data)
    out = tmp_path / "out"
    assert main(["batch", str(batch), "--out", str(out), "--serial", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"corridors: error: {batch}: {key} = " in err, err
    assert not out.exists()


def test_toml_syntax_error_and_missing_file_exit_2(tmp_path, capsys):
    broken = tmp_path / "broken.toml"
    broken.write_text('scenarios = ["baseline"\n')
    out = tmp_path / "out"
    assert main(["batch", str(broken), "--out", str(out), "--quiet"]) == 2
    assert str(broken) in capsys.readouterr().err
    assert main(["batch", str(tmp_path / "nope.toml"), "--out", str(out), "--quiet"]) == 2
    assert "nope.toml" in capsys.readouterr().err
    assert not out.exists()


def test_zero_workers_exits_2_and_writes_nothing(tmp_path, capsys):
    batch = write_batch(tmp_path / "ok.toml", GOOD)
    out = tmp_path / "out"
    assert main(["batch", str(batch), "--out", str(out), "--workers", "0", "--quiet"]) == 2
    assert "--workers" in capsys.readouterr().err
    assert not out.exists()


def test_out_folder_holding_something_else_is_refused(tmp_path, capsys):
    one_run = {
        "scenarios": ["baseline"],
        "replicates": 1,
        "root_seed": 1,
        "settings": {"end": "2010-06", "people_per_agent": 20000},
    }
    batch = write_batch(tmp_path / "a.toml", one_run)
    out = tmp_path / "out"
    assert main(["batch", str(batch), "--out", str(out), "--serial", "--quiet"]) == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    other = write_batch(tmp_path / "b.toml", {**one_run, "root_seed": 2})
    assert main(["batch", str(other), "--out", str(out), "--serial", "--quiet"]) == 2
    assert "--out" in capsys.readouterr().err
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before

    cluttered = tmp_path / "cluttered"
    cluttered.mkdir()
    (cluttered / "notes.txt").write_text("mine")
    assert main(["batch", str(batch), "--out", str(cluttered), "--serial", "--quiet"]) == 2
    assert [p.name for p in cluttered.iterdir()] == ["notes.txt"]


def test_out_path_that_is_a_file_exits_2(tmp_path, capsys):
    batch = write_batch(tmp_path / "ok.toml", GOOD)
    out = tmp_path / "results"
    out.write_text("a file")
    assert main(["batch", str(batch), "--out", str(out), "--serial", "--quiet"]) == 2
    assert out.read_text() == "a file"


def test_invalid_middle_grid_value_is_caught_before_anything_is_written(tmp_path, capsys):
    batch = write_batch(
        tmp_path / "mid.toml",
        _with(scenarios=["baseline"], sweep={"values": {"agencies_per_corridor": [5, 2.5, 10]}}),
    )
    out = tmp_path / "out"
    assert main(["batch", str(batch), "--out", str(out), "--serial", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{batch}: sweep.values.agencies_per_corridor = 2.5" in err, err
    assert not out.exists()


def test_scenarios_with_the_same_file_stem_are_not_confused(tmp_path):
    (tmp_path / "alt").mkdir()
    (tmp_path / "alt" / "baseline.toml").write_text(
        f'extends = "baseline"\nname = "alt"\n[levers]\n{ARREST} = {{ all = 0.006, MYS = 0.05 }}\n'
    )
    batch = write_batch(
        tmp_path / "dup.toml", _with(scenarios=["baseline", "alt/baseline.toml"], replicates=1)
    )
    try:
        spec = load_batch(batch)
    except ScenarioError as exc:  # refusing the batch is a fine answer too
        assert exc.key.startswith("scenarios")
        return
    assert len(set(spec.scenario_labels)) == 2
    mys = sorted(spec.scenario_for(t)[ARREST]["MYS"] for t in spec.tasks())
    assert mys == sorted([load_scenario("baseline")[ARREST]["MYS"], 0.05])
    assert len({t.run_id for t in spec.tasks()}) == 2


# ---- 6. batch spec behaviour ---------------------------------------------------------------
def test_replicate_seeds_are_common_random_numbers_from_seed_sequence(tmp_path):
    spec = load_batch(write_batch(tmp_path / "b.toml", _with(replicates=4, root_seed=99)))
    tasks = spec.tasks()
    assert len(tasks) == 8
    expected = [
        int(s.generate_state(1, np.uint64)[0] >> 1) for s in np.random.SeedSequence(99).spawn(4)
    ]
    assert replicate_seeds(99, 4) == expected
    assert len(set(expected)) == 4 and all(0 <= s < 2**63 for s in expected)
    for label in ("baseline", "crackdown"):
        assert [t.seed for t in tasks if t.scenario_label == label] == expected
        assert [t.replicate for t in tasks if t.scenario_label == label] == [0, 1, 2, 3]
    # the scenario that runs carries the replicate seed, not the preset's own seed
    preset_seed = load_scenario("baseline").seed
    for t in tasks:
        s = spec.scenario_for(t)
        assert s.seed == t.seed != preset_seed
        assert s.end == 23 and s.people_per_agent == 20000
    # a prefix of replicates keeps its seeds when more are added
    assert replicate_seeds(99, 2) == expected[:2]


def test_grid_sweep_is_the_product_of_the_values(tmp_path):
    fees = [0, 500, 5000]
    arrests = [0.004, 0.012]
    spec = load_batch(
        write_batch(
            tmp_path / "g.toml",
            _with(
                sweep={
                    "method": "grid",
                    "values": {"recruitment_fee_cap_usd": fees, ARREST: arrests},
                }
            ),
        )
    )
    assert spec.sweep_method == "grid"
    assert [tuple(p.values()) for p in spec.points] == list(itertools.product(fees, arrests))
    tasks = spec.tasks()
    assert len(tasks) == 2 * 6 * 2
    assert len({t.run_id for t in tasks}) == len(tasks)
    for t in tasks:
        s = spec.scenario_for(t)
        assert set(s["recruitment_fee_cap_usd"].values()) == {
            t.overrides["recruitment_fee_cap_usd"]
        }
        assert set(s[ARREST].values()) == {t.overrides[ARREST]}
        assert spec.points[t.point] == t.overrides


def test_keyed_sweep_changes_only_that_country(tmp_path):
    spec = load_batch(
        write_batch(tmp_path / "k.toml", _with(sweep={"values": {f"{ARREST}.MYS": [0.05, 0.1]}}))
    )
    for t in spec.tasks():
        base = spec.scenarios[spec.scenario_labels.index(t.scenario_label)]
        swept = spec.scenario_for(t)
        assert swept[ARREST]["MYS"] == t.overrides[f"{ARREST}.MYS"]
        others = {k: v for k, v in swept[ARREST].items() if k != "MYS"}
        assert others == {k: v for k, v in base[ARREST].items() if k != "MYS"}
        assert others  # THA and SGP are still there
        # nothing else changed
        a, b = swept.to_dict(), base.to_dict()
        for d in (a, b):
            del d["levers"][ARREST], d["settings"]["seed"]
        assert a == b
    crackdown = [spec.scenario_for(t) for t in spec.tasks() if t.scenario_label == "crackdown"]
    assert {s[ARREST]["THA"] for s in crackdown} == {0.006}


@pytest.mark.parametrize("method", ["latin_hypercube", "sobol"])
def test_sampled_points_lie_in_their_ranges_with_the_requested_count(tmp_path, method):
    ranges = {
        "nest_scale": [0.3, 0.9],
        f"{ARREST}.THA": [0.001, 0.02],
        "agencies_per_corridor": [2, 9],
    }
    spec = load_batch(
        write_batch(
            tmp_path / "s.toml",
            _with(sweep={"method": method, "samples": 16, "seed": 3, "ranges": ranges}),
        )
    )
    assert spec.sweep_method == method
    assert len(spec.points) == 16
    assert len(spec.tasks()) == 2 * 16 * 2
    for point in spec.points:
        assert list(point) == list(ranges)
        for key, (lo, hi) in ranges.items():
            assert lo <= point[key] <= hi
        assert isinstance(point["agencies_per_corridor"], int)
    x = np.array([point["nest_scale"] for point in spec.points])
    assert len(set(x)) == 16
    if method == "latin_hypercube":  # one point in each of the 16 strata of every axis
        for key, (lo, hi) in ranges.items():
            if key == "agencies_per_corridor":
                continue
            v = np.array([p[key] for p in spec.points])
            strata = np.floor((v - lo) / (hi - lo) * 16).astype(int)
            assert sorted(strata) == list(range(16))
    # the sampler seed decides the points
    other = load_batch(
        write_batch(
            tmp_path / "s2.toml",
            _with(sweep={"method": method, "samples": 16, "seed": 4, "ranges": ranges}),
        )
    )
    assert other.points != spec.points


def test_run_ids_are_stable_and_depend_on_the_root_seed(tmp_path):
    data = _with(sweep={"values": {ARREST: [0.01, 0.02]}}, root_seed=1)
    path = write_batch(tmp_path / "a.toml", data)
    ids = [t.run_id for t in load_batch(path).tasks()]
    assert ids == [t.run_id for t in load_batch(path).tasks()]
    assert len(set(ids)) == len(ids) == 8
    assert all(re.fullmatch(r"(baseline|crackdown)-p000[01]-r00[01]-[0-9a-f]{8}", i) for i in ids)
    reseeded = [
        t.run_id
        for t in load_batch(write_batch(tmp_path / "b.toml", {**data, "root_seed": 2})).tasks()
    ]
    assert not set(reseeded) & set(ids)
    rescaled = [
        t.run_id
        for t in load_batch(
            write_batch(
                tmp_path / "c.toml",
                {**data, "settings": {"end": "2011-12", "people_per_agent": 10000}},
            )
        ).tasks()
    ]
    assert not set(rescaled) & set(ids)


# ---- 8. reading the dataset with other tools -----------------------------------------------
def test_polars_reads_the_same_dataset(serial_dir):
    pl = pytest.importorskip("polars")
    ours = read_results(serial_dir)
    frame = (
        pl.scan_parquet(str(serial_dir / "results" / "**" / "*.parquet"), hive_partitioning=True)
        .group_by("scenario")
        .agg(pl.len().alias("rows"), pl.col("value").sum())
        .sort("scenario")
        .collect()
    )
    expected = ours.groupby("scenario")["value"].agg(["size", "sum"]).sort_index()
    assert frame["scenario"].to_list() == ["baseline", "crackdown"] == list(expected.index)
    assert frame["rows"].to_list() == expected["size"].to_list()
    assert frame["value"].to_list() == pytest.approx(expected["sum"].to_list(), rel=1e-12)
    assert frame["rows"].sum() == len(ours) > 0


def test_duckdb_reads_the_same_dataset(serial_dir):
    duckdb = pytest.importorskip("duckdb")
    ours = read_results(serial_dir)
    pattern = str(serial_dir / "results" / "*" / "*.parquet")
    [(rows, total, runs, scenarios)] = duckdb.sql(
        "select count(*), sum(value), count(distinct run_id), count(distinct scenario) "
        f"from read_parquet('{pattern}', hive_partitioning=true)"
    ).fetchall()
    assert rows == len(ours) > 0
    assert total == pytest.approx(ours["value"].sum(), rel=1e-12)
    assert runs == ours["run_id"].nunique() == 8
    assert scenarios == 2
    crackdown_stock = duckdb.sql(
        f"select sum(value) from read_parquet('{pattern}', hive_partitioning=true) "
        "where scenario = 'crackdown' and measure = 'stock'"
    ).fetchall()[0][0]
    assert crackdown_stock == pytest.approx(
        read_results(serial_dir, scenario="crackdown", measure="stock")["value"].sum(), rel=1e-12
    )


# ---- lazy expansion (issue 12, item 11) ------------------------------------------------------
def _eager_tasks(spec, grid: dict) -> list[tuple]:
    """The tasks as the batch layer listed them before expansion was lazy (every point of
    the grid in a list, then the product with scenarios and replicates): run ids, order and
    seeds must not change, or existing batch folders would no longer resume."""
    import hashlib

    from corridors.batchspec import replicate_seeds

    seeds = replicate_seeds(spec.root_seed, spec.replicates)
    axes = [[(key, v) for v in values] for key, values in grid.items()]
    points = [dict(combo) for combo in itertools.product(*axes)]
    out = []
    for (label, scenario), (p, point), (r, seed) in itertools.product(
        zip(spec.scenario_labels, spec.scenarios, strict=True), enumerate(points), enumerate(seeds)
    ):
        ident = json.dumps([scenario.digest(), point, seed, False], sort_keys=True)
        run_id = f"{label}-p{p:04d}-r{r:03d}-" + hashlib.sha256(ident.encode()).hexdigest()[:8]
        out.append((run_id, label, p, r, seed, point))
    return out


GRID = {
    "recruitment_fee_cap_usd": [0, 500, 5000],
    f"{ARREST}.MYS": [0.004, 0.012],
    "nest_scale": [0.4, 0.6, 0.8],
}


def test_lazy_tasks_are_the_eager_ones_in_the_same_order(tmp_path):
    spec = load_batch(write_batch(tmp_path / "g.toml", _with(sweep={"values": GRID})))
    eager = _eager_tasks(spec, GRID)
    tasks = spec.tasks()
    assert len(tasks) == len(eager) == 2 * 18 * 2
    as_tuples = [
        (t.run_id, t.scenario_label, t.point, t.replicate, t.seed, t.overrides) for t in tasks
    ]
    assert as_tuples == eager
    for i in (0, 1, 17, 35, 36, len(eager) - 1, -1, -len(eager)):  # by index, as by iteration
        t = tasks[i]
        assert (t.run_id, t.scenario_label, t.point, t.replicate, t.seed, t.overrides) == eager[i]
    assert [spec.points[i] for i in range(18)] == list(spec.points) == [e[5] for e in eager[:36:2]]
    with pytest.raises(IndexError):
        tasks[len(eager)]


def test_a_grid_of_10_to_the_8_points_is_counted_and_indexed_without_expanding(tmp_path):
    """10^8 runs at about 1 kB a task would be 100 GB of memory: the batch is loaded, counted
    and any task found in a few megabytes (the runs themselves are dispatched one window at
    a time; only batch.json, written when the batch starts, lists every task, on disk)."""
    import tracemalloc

    axes = {
        "recruitment_fee_cap_usd": list(range(0, 1000, 10)),
        f"{ARREST}.MYS": [i / 1000 for i in range(100)],
        "nest_scale": [0.3 + i / 200 for i in range(100)],
        "decision_rate_per_month": [0.01 + i / 2000 for i in range(100)],
    }
    path = write_batch(
        tmp_path / "huge.toml", _with(scenarios=["baseline"], replicates=1, sweep={"values": axes})
    )
    with pytest.raises(ScenarioError, match="= 100000000: at most 10,000 runs"):
        load_batch(path)  # refused by default, before anything is expanded
    tracemalloc.start()
    try:
        spec = load_batch(path, max_runs=10**8)
        tasks = spec.tasks()
        assert len(tasks) == len(spec.points) == 10**8
        last = tasks[-1]
        middle = tasks[12_345_678]
        first = list(itertools.islice(iter(tasks), 3))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30e6, f"{peak / 1e6:.0f} MB to load and index a 10^8-point grid"
    assert last.overrides == {k: v[-1] for k, v in axes.items()}
    assert last.point == 10**8 - 1 and last.run_id.startswith("baseline-p99999999-r000-")
    digits = [int(d) for d in f"{12_345_678:08d}"]
    assert middle.overrides == {
        k: v[int("".join(map(str, digits[2 * j : 2 * j + 2])))]
        for j, (k, v) in enumerate(axes.items())
    }
    assert [t.overrides for t in first] == [
        {
            **{k: v[0] for k, v in axes.items()},
            "decision_rate_per_month": axes["decision_rate_per_month"][i],
        }
        for i in range(3)
    ]


def _open_store_peak(tmp_path: Path, fees: int) -> tuple[float, str, object]:
    """Memory peak of starting a batch of ``fees`` x 100 runs, its batch.json, its tasks."""
    import tracemalloc

    axes = {
        "recruitment_fee_cap_usd": list(range(0, 10 * fees, 10)),
        "nest_scale": [0.3 + i / 200 for i in range(100)],
    }
    data = _with(scenarios=["baseline"], replicates=1, sweep={"values": axes})
    spec = load_batch(write_batch(tmp_path / f"b{fees}.toml", data))
    tasks = spec.tasks()
    tracemalloc.start()
    try:
        ResultsStore.open(tmp_path / f"out{fees}", spec, tasks)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, (tmp_path / f"out{fees}" / "batch.json").read_text(encoding="utf-8"), tasks


def test_a_large_batch_starts_without_holding_its_task_list(tmp_path):
    """batch.json lists every task, as before, written as it is encoded: the same bytes as
    json.dumps, without the list of tasks or the text in memory (starting 10,000 runs takes
    no more memory than starting 100)."""
    small_peak, _, _ = _open_store_peak(tmp_path, 1)
    peak, text, tasks = _open_store_peak(tmp_path, 100)
    growth = peak - small_peak
    print(
        f"{peak / 1e6:.2f} MB peak for 10,000 tasks, {small_peak / 1e6:.2f} MB for 100; "
        f"batch.json {len(text) / 1e6:.1f} MB"
    )
    assert growth < len(text) / 10, f"{growth / 1e6:.1f} MB more for 10,000 tasks than 100"
    data = json.loads(text)
    assert json.dumps(data, indent=1, default=str) == text  # json.dumps's very bytes
    assert data["run_ids"] == [t.run_id for t in tasks]
    assert data["tasks"][-1] == {**tasks[-1].__dict__}
    assert len(data["tasks"]) == 10_000
