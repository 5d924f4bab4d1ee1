"""A cancel flag that a running comparison's worker processes can see.

The flag is an empty file: creating it is the cancel, its existence is checked by a replicate
every few simulated months. A file works the same in this process, in a process pool and on
any executor that shares the machine's file system, costs one ``stat`` per check, and needs no
manager process; its path is a plain string, so it pickles with the task.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

__all__ = ["CancelToken", "ComparisonCancelled", "is_cancelled"]

_DIR: Path | None = None
_DIR_LOCK = threading.Lock()


class ComparisonCancelled(Exception):
    """The user cancelled the comparison this replicate belonged to."""


def _flag_dir() -> Path:
    global _DIR
    with _DIR_LOCK:
        if _DIR is None:
            _DIR = Path(tempfile.mkdtemp(prefix="corridors-cancel-"))
            atexit.register(shutil.rmtree, _DIR, True)
        return _DIR


class CancelToken:
    """One comparison's cancel flag (``path`` goes to the workers)."""

    def __init__(self) -> None:
        self.path = str(_flag_dir() / uuid.uuid4().hex)

    def cancel(self) -> None:
        Path(self.path).touch()

    @property
    def cancelled(self) -> bool:
        return is_cancelled(self.path)

    def close(self) -> None:
        """Remove the flag file (the token must not be used afterwards)."""
        Path(self.path).unlink(missing_ok=True)


def is_cancelled(path: str | None) -> bool:
    return path is not None and Path(path).exists()
