"""Give a closed browser session's memory back: stop its threads, collect, trim the heap.

Measured on this server (issue 11, defect 7), three things kept a closed session's memory:

* A session whose browser went away without closing the tab (a killed browser, a dropped
  network, a sleeping laptop) is only "disconnected": Solara keeps it 24 hours in case it
  comes back (``kernel.cull_timeout``), with its model, runs and widgets. ``serve`` sets that
  to a few minutes (``corridors dashboard --session-timeout``).
* A session's background threads (Explore's play loop, a comparison waiting on its runs)
  run on after the session closes, holding the model and the whole closed session through
  their frames, and keep using a core. Solara only tells its tasks to stop updating the page;
  it cannot stop the code. Here every thread that a session started to run this project's
  code or a Solara task, and that has not ended a second after the session closed, gets an
  asynchronous ``SystemExit`` (a thread ends silently on it) at its next Python instruction.
* Freed objects do not shrink the process: glibc keeps freed heap pages for reuse, and the
  many threads of a busy server spread allocations over several arenas. After a session's
  threads have ended, a full collection and ``malloc_trim(0)`` return the free pages to the
  system (``serve`` also caps the arenas with ``MALLOC_ARENA_MAX``).

Generic session teardown, so it holds whatever the views hold: ``install()`` registers it
with Solara's kernel lifecycle once per server.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
from pathlib import Path

__all__ = ["install", "release_memory", "session_threads", "stop_session_threads"]

logger = logging.getLogger(__name__)
GRACE_SECONDS = 1.0  # a closed session's threads may end by themselves this long
JOIN_SECONDS = 10.0  # how long the collector waits for them once told to stop


def _libc_malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        return None


_MALLOC_TRIM = _libc_malloc_trim()


def _package_dirs() -> tuple[Path, ...]:
    import solara

    import agents
    import calibration
    import corridors
    import dashboards
    import scenarios
    import simulation

    ours = (agents, calibration, corridors, dashboards, scenarios, simulation)
    return (*(Path(m.__file__).parent for m in ours), Path(solara.__file__).parent / "tasks.py")


def _code_file(target) -> Path | None:
    function = getattr(target, "__func__", target)  # a bound method's function
    code = getattr(function, "__code__", None)
    return Path(code.co_filename) if code is not None else None


def session_threads(context) -> list[threading.Thread]:
    """Live threads started inside ``context`` (Solara's patched ``Thread`` records the
    session it was started in) to run this project's code or a Solara task; not threads that
    serve every session although a session happened to start them (a process pool's feeder
    and manager threads), not the calling thread."""
    me = threading.current_thread()
    roots = _package_dirs()
    chosen = []
    for thread in threading.enumerate():
        if thread is me or getattr(thread, "current_context", None) is not context:
            continue
        code = _code_file(getattr(thread, "_target", None))
        if code is not None and any(code == r or code.is_relative_to(r) for r in roots):
            chosen.append(thread)
    return chosen


def stop_session_threads(threads: list[threading.Thread]) -> int:
    """Ask each live thread to stop by raising ``SystemExit`` in it at its next Python
    instruction (a thread ends silently on ``SystemExit``); the count asked."""
    asked = 0
    for thread in threads:
        if thread.ident is None or not thread.is_alive():
            continue
        done = ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(SystemExit)
        )
        asked += done == 1
    return asked


def release_memory() -> None:
    """A full collection, then hand the heap's free pages back to the system."""
    gc.collect()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _collect_after(closed: threading.Event, threads: list[threading.Thread]) -> None:
    """Once the session has closed (its page unmounted, so no thread is drawing it), give
    its threads a moment to end by themselves, stop the rest, then free the memory."""
    closed.wait(JOIN_SECONDS)
    for thread in threads:
        thread.join(GRACE_SECONDS)
    stop_session_threads(threads)
    for thread in threads:
        thread.join(JOIN_SECONDS)
    still = [t.name for t in threads if t.is_alive()]
    if still:  # blocked in a call that does not return to Python (it will end later)
        logger.warning(
            "closed session: threads still running after %.0f s: %s", JOIN_SECONDS, still
        )
    del threads
    release_memory()


def _on_session_close(context) -> None:
    collector = threading.Thread(
        target=_collect_after,
        args=(context.closed_event, session_threads(context)),  # not the context: freed
        daemon=True,
        name="corridors-session-cleanup",
    )
    collector.current_context = None  # must not run in the closing session
    collector.start()


def _on_session_start():
    from solara.server import kernel_context

    context = kernel_context.get_current_context()
    return lambda: _on_session_close(context)


_installed = False


def install() -> None:
    """Run the teardown when any session closes (once per server process)."""
    global _installed
    if _installed:
        return
    import solara.lifecycle

    solara.lifecycle.on_kernel_start(_on_session_start)
    _installed = True
