"""Atomic file writes: a reader sees the old file or the whole new one, never half."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

__all__ = ["write_atomic", "write_text_atomic"]


def write_atomic(path: Path, writer: Callable[[Path], object]) -> None:
    """Call ``writer(tmp_path)`` on a temporary file beside ``path``, fsync, then rename
    (whatever the writer returns is ignored: ``write_text`` gives a count, ``copy2`` a path)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # created exclusively, with the usual mode less the umask (as open() would give), so the
    # umask need not be read: reading it means setting it, a process-wide side effect
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        break
    try:
        writer(Path(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))
