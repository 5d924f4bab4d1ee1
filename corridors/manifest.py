"""Provenance of a results folder: what was run, with which code and packages, and when."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

__all__ = ["code_version", "package_versions"]

_PACKAGES = ("corridors", "mesa", "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "solara")


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def code_version() -> dict[str, str | bool]:
    """Git commit of the source tree (and whether it had uncommitted changes), if any."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain"],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()
        )
        return {"git_commit": commit, "uncommitted_changes": dirty}
    except (OSError, subprocess.SubprocessError):
        from corridors import __version__

        return {"package_version": __version__}


def platform_info() -> dict[str, str]:
    return {"platform": platform.platform(), "executable": sys.executable}
