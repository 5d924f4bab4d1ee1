"""Issue 12, items 5, 8, 15 and 16: one writer per output folder (a lock with pid and host,
stale locks taken over), ``run --out`` never mixes two runs, ``compare`` reads only the runs
``batch.json`` lists and swaps its report in whole, serial batches write each run at once."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomli_w

from corridors import batch as batch_module
from corridors.batch import exit_with_parent, run_batch
from corridors.batchspec import load_batch
from corridors.cli import main
from corridors.lock import LOCK_NAME, folder_lock

TINY = ["--end", "2010-06", "--people-per-agent", "20000", "--quiet"]
BATCH = {
    "name": "tiny",
    "scenarios": ["baseline", "crackdown"],
    "replicates": 2,
    "root_seed": 4,
    "settings": {"end": "2011-12", "people_per_agent": 20000},
}


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A finished 4-run batch folder (copy it before changing it)."""
    d = tmp_path_factory.mktemp("finished")
    (d / "b.toml").write_text(tomli_w.dumps(BATCH))
    assert main(["batch", str(d / "b.toml"), "--out", str(d / "out"), "--serial", "--quiet"]) == 0
    return d / "out"


def copy_of(finished: Path, tmp_path: Path) -> Path:
    out = tmp_path / "copy"
    shutil.copytree(finished, out)
    return out


# ---- item 8: the lock ---------------------------------------------------------------------
def test_a_second_writer_is_refused_with_exit_2_and_nothing_changes(finished, tmp_path, capsys):
    out = copy_of(finished, tmp_path)
    before = listing(out)
    batch = tmp_path / "b.toml"
    batch.write_text(tomli_w.dumps(BATCH))
    with folder_lock(out):
        assert main(["batch", str(batch), "--out", str(out), "--serial", "--quiet"]) == 2
        err = capsys.readouterr().err
        assert f"pid {os.getpid()} on {socket.gethostname()}" in err
        assert main(["compare", str(out)]) == 2
        assert main(["run", "--out", str(out), *TINY]) == 2
        assert "--out" in capsys.readouterr().err
    assert listing(out) == before  # the lock file went with its owner


def test_lock_held_by_another_process_then_stale_after_its_kill(tmp_path, capsys):
    out = tmp_path / "run"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom corridors.lock import folder_lock\n"
            f"with folder_lock({str(out)!r}):\n    print('locked', flush=True)\n"
            "    time.sleep(120)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert main(["run", "--out", str(out), *TINY]) == 2
        assert f"pid {holder.pid}" in capsys.readouterr().err
        assert listing(out) == [LOCK_NAME]
        holder.kill()  # SIGKILL: the lock file stays behind, its flock does not
        holder.wait(timeout=30)
        assert (out / LOCK_NAME).exists()
        assert main(["run", "--out", str(out), *TINY]) == 0
        assert (out / "manifest.json").is_file() and not (out / LOCK_NAME).exists()
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_an_unwritable_out_folder_is_a_clean_exit_2(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    assert main(["run", "--out", str(blocker / "out"), *TINY]) == 2
    assert "a folder this user can write" in capsys.readouterr().err
    if os.geteuid() != 0:  # root writes anywhere
        parent = tmp_path / "ro"
        parent.mkdir()
        parent.chmod(0o555)
        try:
            assert main(["run", "--out", str(parent / "out"), *TINY]) == 2
        finally:
            parent.chmod(0o755)
        assert not (parent / "out").exists()


# ---- item 8: run --out -----------------------------------------------------------------
def test_run_out_refuses_a_folder_of_something_else_and_accepts_its_own(tmp_path, capsys):
    cluttered = tmp_path / "cluttered"
    cluttered.mkdir()
    (cluttered / "notes.txt").write_text("mine")
    assert main(["run", "--out", str(cluttered), *TINY]) == 2
    assert "notes.txt" in capsys.readouterr().err
    assert listing(cluttered) == ["notes.txt"]

    out = tmp_path / "run"
    assert main(["run", "--out", str(out), "--seed", "5", *TINY]) == 0
    manifest = (out / "manifest.json").read_text()
    assert main(["run", "--out", str(out), "--seed", "6", *TINY]) == 2
    assert "another scenario, seed or setting" in capsys.readouterr().err
    assert (out / "manifest.json").read_text() == manifest
    assert main(["run", "--out", str(out), "--seed", "5", *TINY]) == 0  # the same run again
    # killed before its manifest: the same command finishes it, another one is refused
    (out / "manifest.json").unlink()
    assert main(["run", "--out", str(out), "--seed", "6", *TINY]) == 2
    assert main(["run", "--out", str(out), "--seed", "5", *TINY]) == 0


# ---- item 5: compare reads the listed runs only -------------------------------------------
def test_a_stray_copy_in_results_is_refused_by_name(finished, tmp_path, capsys):
    out = copy_of(finished, tmp_path)
    one = next((out / "results").rglob("*.parquet"))
    shutil.copy(one, one.with_name("copy of run.parquet"))
    assert main(["compare", str(out)]) == 2
    assert "copy of run.parquet" in capsys.readouterr().err
    assert not (out / "compare").exists()


def test_a_file_copied_over_another_runs_name_is_refused(finished, tmp_path, capsys):
    out = copy_of(finished, tmp_path)
    files = sorted((out / "results").rglob("*.parquet"))
    shutil.copy(files[0], files[1])
    assert main(["compare", str(out)]) == 2
    assert "twice" in capsys.readouterr().err


def test_another_batchs_manifest_in_runs_is_refused(finished, tmp_path, capsys):
    out = copy_of(finished, tmp_path)
    (out / "runs" / "baseline-p0000-r000-deadbeef.json").write_text("{}")
    assert main(["compare", str(out)]) == 2
    assert "deadbeef" in capsys.readouterr().err


def test_an_incomplete_batch_is_compared_and_says_so(finished, tmp_path, capsys):
    out = copy_of(finished, tmp_path)
    victim = sorted((out / "runs").glob("crackdown-*.json"))[0]
    victim.unlink()  # as if killed before this run's manifest
    assert main(["compare", str(out)]) == 0
    err = capsys.readouterr().err
    assert "Incomplete batch: 3 of 4 runs finished" in err
    assert "Incomplete batch" in (out / "compare" / "report.md").read_text()
    change = (out / "compare" / "final_stock_change.csv").read_text()
    assert "crackdown,irregular" in change


def test_compare_without_finished_runs_or_results_exits_2(finished, tmp_path, capsys):
    out = copy_of(finished, tmp_path)
    for path in (out / "runs").glob("*.json"):
        path.unlink()
    assert main(["compare", str(out)]) == 2
    assert "at least one finished run" in capsys.readouterr().err
    shutil.rmtree(out / "results")
    assert main(["compare", str(out)]) == 2
    (out / "batch.json").write_text("{not json")
    assert main(["compare", str(out)]) == 2
    assert "readable batch.json" in capsys.readouterr().err


# ---- item 15: compare swaps its folder in ---------------------------------------------
def test_compare_replaces_its_folder_whole_and_cleans_a_killed_one(finished, tmp_path):
    out = copy_of(finished, tmp_path)
    (out / "compare").mkdir()
    (out / "compare" / "old_extra.csv").write_text("from an older comparison")
    (out / ".compare.new").mkdir()  # a comparison killed while writing
    (out / ".compare.new" / ".summary.csv.x.tmp").write_text("half")
    assert main(["compare", str(out)]) == 0
    names = {p.name for p in (out / "compare").iterdir()}
    assert "old_extra.csv" not in names and "report.html" in names
    assert not (out / ".compare.new").exists() and not (out / ".compare.old").exists()


# ---- item 16: serial runs are written one by one -------------------------------------
def test_serial_batch_writes_each_run_before_starting_the_next(tmp_path, monkeypatch):
    batch = tmp_path / "b.toml"
    batch.write_text(
        tomli_w.dumps({**BATCH, "settings": {"end": "2010-03", "people_per_agent": 20000}})
    )
    computed, written = [], []
    real = batch_module.execute_task

    def counting(scenario, task):
        computed.append(task.run_id)
        assert len(computed) == len(written) + 1, "a run started before the last was written"
        return real(scenario, task)

    monkeypatch.setattr(batch_module, "execute_task", counting)
    outcome = run_batch(
        load_batch(batch),
        tmp_path / "out",
        serial=True,
        workers=4,
        progress=False,
        on_done=lambda task, _: written.append(task.run_id),
    )
    assert outcome.done == 4 and computed == written


# ---- item 13: pool workers exit with their parent ----------------------------------
def test_a_worker_exits_once_its_parent_is_gone():
    gone = subprocess.Popen(["true"])
    gone.wait()
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\nfrom corridors.batch import exit_with_parent\n"
            f"exit_with_parent({gone.pid}, 0.05)\ntime.sleep(60)\n",
        ]
    )
    t0 = time.monotonic()
    assert child.wait(timeout=30) == 1
    assert time.monotonic() - t0 < 20
    assert exit_with_parent  # imported for the reader: the pool's initializer


def test_batch_json_of_a_finished_batch_is_untouched_by_a_refused_writer(finished, tmp_path):
    out = copy_of(finished, tmp_path)
    before = json.loads((out / "batch.json").read_text())
    with folder_lock(out), pytest.raises(Exception, match="no other process"):
        run_batch(load_batch(_write(tmp_path, BATCH)), out, serial=True, progress=False)
    assert json.loads((out / "batch.json").read_text()) == before


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "again.toml"
    path.write_text(tomli_w.dumps(data))
    return path


# ---- item 14: a lost cluster is a clear error, not a pile of failures ----------------------
class _LostCluster:
    """An executor whose every future is cancelled, as Dask's are when the scheduler goes."""

    def submit(self, fn, *args, **kwargs):
        from concurrent.futures import Future

        future: Future = Future()
        future.cancel()
        future.set_running_or_notify_cancel()  # what an executor does when it cancels
        return future


def test_runs_cancelled_by_the_executor_are_not_failures(tmp_path, monkeypatch, capsys):
    from corridors.batch import ExecutorLost

    batch = _write(tmp_path, {**BATCH, "settings": {"end": "2010-03", "people_per_agent": 20000}})
    with pytest.raises(ExecutorLost, match="none was recorded as failed"):
        run_batch(load_batch(batch), tmp_path / "out", executor=_LostCluster(), progress=False)
    assert not list((tmp_path / "out" / "failures").iterdir())
    monkeypatch.setattr(batch_module, "make_executor", lambda *a: (_LostCluster(), lambda: None))
    assert main(["batch", str(batch), "--out", str(tmp_path / "out2"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Dask cluster lost" in err
