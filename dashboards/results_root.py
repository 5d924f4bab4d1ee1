"""The one folder whose batches the Results view may read and write (issue 12, item 3).

``corridors dashboard --results DIR`` (default ``./results``) puts the folder's absolute
path in ``CORRIDORS_RESULTS_ROOT`` for the server; a session reads it when the view opens.
The view offers the batch folders directly inside it by name, and a name from the browser is
only used after it is found in a fresh listing, so nothing the browser sends (``..``, an
absolute path, a symbolic link) can point the view elsewhere. A batch folder that is a
link, or holds a link, leading out of the root is not offered / not opened.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DEFAULT", "ENV", "OutsideRoot", "batch_folder", "batch_names", "results_root"]

ENV = "CORRIDORS_RESULTS_ROOT"
DEFAULT = "results"


class OutsideRoot(ValueError):
    """A batch name that is not a batch folder inside the root (the message says why)."""


def results_root() -> Path:
    """The results root of this server (an absolute path; it need not exist yet)."""
    return Path(os.environ.get(ENV) or DEFAULT).resolve()


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def batch_names(root: Path) -> list[str]:
    """Names of the batch folders (with ``batch.json``) directly inside ``root``, sorted;
    links are left out, whatever they point to."""
    try:
        entries = list(os.scandir(root))
    except OSError:  # missing or unreadable: no batches
        return []
    names = []
    for entry in entries:
        if entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
            continue
        marker = Path(entry.path) / "batch.json"
        if marker.is_file() and not marker.is_symlink():
            names.append(entry.name)
    return sorted(names)


def _links_out(folder: Path, root: Path) -> str:
    """The first entry under ``folder`` that is a link resolving outside ``root``, or ""."""
    for here, dirs, files in os.walk(folder):  # does not descend into linked folders
        for name in (*dirs, *files):
            path = Path(here) / name
            if path.is_symlink() and not _inside(path, root):
                return str(path.relative_to(folder))
    return ""


def batch_folder(root: Path, name: str) -> Path:
    """The batch folder ``name`` inside ``root``, checked: it must be one of
    ``batch_names(root)`` now and hold no link leading out of the root."""
    if not isinstance(name, str) or name not in batch_names(root):
        raise OutsideRoot(f"{name!r} is not one of the batch folders in {root}")
    folder = root / name
    if not _inside(folder, root):
        raise OutsideRoot(f"{name!r} leads outside {root}")
    escape = _links_out(folder, root)
    if escape:
        raise OutsideRoot(f"{name}/{escape} is a link to outside {root}: not opened")
    return folder
