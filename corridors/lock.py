"""An exclusive lock on an output folder, so two processes never write one folder.

Two ``corridors run`` into one ``--out`` used to leave the manifest of one beside the results
of the other; a batch started twice computed every run twice and deleted the other's
temporary files mid-write. ``run``, ``batch``, ``calibrate``, ``validate``, ``emulate``,
``search`` and ``compare`` hold :func:`folder_lock` while they write a folder; ``sensitivity``
holds it while its runs are written (through ``run_batch``), and ``slice`` and ``heldout``,
which write their few files atomically at the end, take none.

The lock is the file ``.corridors.lock`` inside the folder, holding the owner's pid, host and
start time, and locked with ``flock``: the kernel releases it when the owner dies (SIGKILL and
out-of-memory kills included), so a lock left behind by a dead process is detected as stale
and taken over, and a live owner is named in the refusal. After locking, the file is checked
to still be the one at the path (another process may have removed it meanwhile).

What is not covered: ``flock`` on some network file systems locks only within one machine;
there the pid and host in the file still name the writer for the user to judge.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from scenarios.errors import ScenarioError

__all__ = ["LOCK_NAME", "folder_lock", "is_lock_file"]

LOCK_NAME = ".corridors.lock"


def is_lock_file(path: Path) -> bool:
    return path.name == LOCK_NAME


def _owner(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return (
            f"pid {int(info['pid'])} on {str(info['host'])[:64]}, since "
            f"{str(info['started_utc'])[:32]}"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


@contextlib.contextmanager
def folder_lock(folder: Path, option: str = "--out") -> Iterator[Path]:
    """Hold the folder's lock (creating the folder) for the ``with`` block; a ScenarioError
    naming ``option`` and the owner when another live process holds it."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ScenarioError(
            "(command line)", option, str(folder), "a folder path (a file of that name exists)"
        )
    path = folder / LOCK_NAME
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = _acquire(path, folder, option)
    except OSError as exc:
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise ScenarioError(
            "(command line)", option, str(folder), f"a folder this user can write ({exc.strerror})"
        ) from None
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)
        if created:  # a command refused after locking leaves no empty folder behind
            with contextlib.suppress(OSError):
                folder.rmdir()


def _acquire(path: Path, folder: Path, option: str) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ScenarioError(
                "(command line)",
                option,
                str(folder),
                f"a folder no other process is writing: {_owner(path)} holds "
                f"{path} (wait for it to finish)",
            ) from None
        except BaseException:
            os.close(fd)
            raise
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the previous owner removed the file as we locked it: try again
    # the lock is ours; whatever the file said before was a dead owner's (a stale lock)
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_utc": dt.datetime.now(dt.UTC).isoformat(),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(info).encode(), 0)
    return fd
