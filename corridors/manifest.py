"""Provenance of a results folder: what was run, with which code and packages, and when.

The version comes from the installed distribution's metadata, whose one source is
``pyproject.toml``. The git commit is added only when the code runs from a git checkout of
corridors itself: an installed copy in ``site-packages`` has none, even when the virtual
environment sits inside some other git repository (whose commit says nothing about this code).
"""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

__all__ = ["SOURCE_ROOT", "code_version", "corridors_version", "package_versions"]

_PACKAGES = ("corridors", "mesa", "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "solara")
SOURCE_ROOT = Path(__file__).resolve().parent.parent
"""The folder holding the ``corridors`` package: the repository in a checkout (or an editable
install), ``site-packages`` in an installed copy."""


def corridors_version() -> str:
    """The installed distribution's version (``pyproject.toml``'s ``version``), or
    ``"not installed"`` when the sources are imported without being installed."""
    try:
        return metadata.version("corridors")
    except metadata.PackageNotFoundError:
        return "not installed"


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _git(root: Path, *args: str) -> str:
    """Output of ``git ARGS`` run in ``root`` (stripped); raises OSError or SubprocessError
    when git is missing, fails or takes more than 10 s."""
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True
    ).stdout.strip()


def code_version(root: Path = SOURCE_ROOT) -> dict[str, str | bool]:
    """The corridors version and, when ``root`` is the top of a git checkout, its commit and
    whether the tree had uncommitted changes."""
    out: dict[str, str | bool] = {"version": corridors_version()}
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel")).resolve()
        if top != root.resolve():
            return out  # an installed copy inside someone else's repository
        out["git_commit"] = _git(root, "rev-parse", "HEAD")
        out["uncommitted_changes"] = bool(_git(root, "status", "--porcelain"))
    except (OSError, subprocess.SubprocessError):
        pass
    return out


def platform_info() -> dict[str, str]:
    return {"platform": platform.platform(), "executable": sys.executable}
