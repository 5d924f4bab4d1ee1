"""Replicate results kept per server process, so a question asked twice is answered at once.

A replicate is fully determined by its scenario (seed and posterior draw included: both are
scenario values by the time it runs) and by the model's code, so the cache key is the
scenario's digest plus a digest of the code and data that produce the numbers
(:func:`code_version`). A changed lever, seed, draw or source file gives a new key: a cached
answer is never stale. Entries are futures, so a run already under way (the baseline that the
first page started) is waited for rather than started again. Failed and cancelled runs are
dropped; at most ``MAX_ENTRIES`` finished replicates are kept, least recently used first out
(about 0.3 MB each at the default scale).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from functools import cache
from pathlib import Path

__all__ = ["MAX_ENTRIES", "ReplicateCache", "code_version", "shared_cache"]

MAX_ENTRIES = 120
ROOT = Path(__file__).resolve().parent.parent
# what decides a replicate's numbers: the model, its agents, the scenario machinery and its
# data, and the code here that turns a run into the dashboard's table
SOURCES = (
    "simulation/*.py",
    "agents/*.py",
    "scenarios/*.py",
    "scenarios/*.toml",
    "scenarios/data/**/*",  # the world data and the shipped calibration
    "dashboards/replicates.py",
)


@cache
def code_version() -> str:
    """Digest of the files listed in ``SOURCES`` (read once per process: the code a process
    runs is the code it imported)."""
    h = hashlib.sha256()
    for pattern in SOURCES:
        for path in sorted(p for p in ROOT.glob(pattern) if p.is_file()):
            h.update(str(path.relative_to(ROOT)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


class ReplicateCache:
    """digest -> future of a replicate's table; bounded, thread-safe."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[str, Future] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, scenario_digest: str) -> str:
        return f"{code_version()}-{scenario_digest}"

    def get_or_submit(self, scenario_digest: str, submit: Callable[[], Future]) -> Future:
        """The cached (or running) future for this replicate, else ``submit()``'s."""
        key = self.key(scenario_digest)
        with self._lock:
            future = self._entries.get(key)
            if future is not None and not (future.done() and not _succeeded(future)):
                self._entries.move_to_end(key)
                return future
            future = submit()
            self._entries[key] = future
            self._trim()
        future.add_done_callback(lambda f: self._forget_failure(key, f))
        return future

    def cached(self, scenario_digest: str) -> bool:
        """Whether this replicate's finished result is held."""
        with self._lock:
            future = self._entries.get(self.key(scenario_digest))
        return future is not None and future.done() and _succeeded(future)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _forget_failure(self, key: str, future: Future) -> None:
        if not _succeeded(future):
            with self._lock:
                if self._entries.get(key) is future:
                    del self._entries[key]

    def _trim(self) -> None:
        finished = [k for k, f in self._entries.items() if f.done()]
        while len(self._entries) > self.max_entries and finished:
            del self._entries[finished.pop(0)]


def _succeeded(future: Future) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


_SHARED = ReplicateCache()


def shared_cache() -> ReplicateCache:
    """The server process's cache (one for every session)."""
    return _SHARED
