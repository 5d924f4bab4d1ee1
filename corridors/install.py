"""``--install``: make a finished calibration the shipped one (``corridors calibrate`` and
``corridors emulate``), and the guard that refuses it outside a source checkout."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from scenarios.errors import ScenarioError

__all__ = ["check_install_possible", "install_calibration"]


def check_install_possible() -> None:
    """``--install`` rewrites files of the source tree: refused (exit 2) in an installed
    package."""
    from . import manifest

    if not (manifest.SOURCE_ROOT / "pyproject.toml").is_file():
        raise ScenarioError(
            "(command line)",
            "--install",
            True,
            "only from a source checkout of corridors (it rewrites the shipped calibration "
            f"under {manifest.SOURCE_ROOT}); an installed package is not changed: calibrate "
            "without --install and point scenarios at the result's calibrated_parameters.toml",
        )


def install_calibration(out: Path) -> None:
    """Make a finished calibration the shipped one: its parameter files go to
    ``scenarios/data/calibrated/`` (the data the baseline extends and batches draw from), its
    report to ``calibration/report/``. Each file is written atomically and the report folder
    is copied beside the old one and swapped in, so an interrupted install leaves the
    previous calibration whole."""
    import shutil

    from calibration.report import REPORT_DIR
    from scenarios.posterior import SHIPPED_CALIBRATION

    from .atomic import write_atomic

    staged, old = REPORT_DIR.with_name("report.new"), REPORT_DIR.with_name("report.old")
    for folder in (staged, old):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(out / "report", staged)
    for name in (
        "calibrated_parameters.toml",
        "posterior_draws.csv",
        "observation_parameters.json",
    ):
        if (out / name).exists():
            write_atomic(SHIPPED_CALIBRATION / name, functools.partial(shutil.copy2, out / name))
    if REPORT_DIR.exists():
        REPORT_DIR.rename(old)
    staged.rename(REPORT_DIR)
    shutil.rmtree(old, ignore_errors=True)
    print(
        f"corridors: installed the calibration into {SHIPPED_CALIBRATION} (report: {REPORT_DIR}); "
        "now run scripts/point_and_draws.py, which computes what the new point and draws "
        "answer for the dashboard's words (a few minutes; the tests fail until it has run)",
        file=sys.stderr,
    )
