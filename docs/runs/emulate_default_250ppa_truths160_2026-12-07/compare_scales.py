"""The simulation-based calibration of the emulator posterior at 250 people per agent (this
folder) against the one at 1,000 (docs/runs/emulate_default_design500_truths200_2026-12-06)
over the same truths: the first 160 of the 200 there are this folder's 160 (the same unit
points and seeds; only the scale differs). Per parameter: coverage of the central 90%
intervals and the Kolmogorov-Smirnov p-value of the posterior CDF at the truths, by
``calibration.sbc.sbc_table``, and the identification ratio (prior sd / posterior sd) from
each folder's ``narrowing.csv``. Prints Markdown; reads files only (a second).

    .venv/bin/python docs/runs/emulate_default_250ppa_truths160_2026-12-07/compare_scales.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.emulate_verdicts import sbc_noise_band
from calibration.sbc import RANK_FAMILY_ALPHA, sbc_table

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
COARSE = ROOT / "docs" / "runs" / "emulate_default_design500_truths200_2026-12-06"


def table(folder: Path, names: list[str], truths: int) -> pd.DataFrame:
    """The first ``truths`` truths' coverage and ranks, and the posterior's narrowing."""
    cdfs = np.loadtxt(folder / "sbc_cdfs.txt")[:truths]
    t = sbc_table(cdfs, tuple(names)).set_index("parameter")
    t["sd_ratio"] = pd.read_csv(folder / "narrowing.csv").set_index("parameter")["narrowing"]
    return t


def main() -> None:
    """Print the two scales' checks side by side."""
    summary = json.loads((HERE / "summary.json").read_text())
    names = list(summary["sbc_ks_p_value"])
    truths = int(summary["truth_runs"])
    fine = table(HERE, names, truths)
    coarse = table(COARSE, names, truths)
    lo, hi = sbc_noise_band(truths, len(names))
    print(
        f"Over the same {truths} truths; the goal's coverage 85-95% (all {len(names)} "
        f"parameters of a calibrated method fall in {lo:.1%}-{hi:.1%} together with 90% "
        f"probability at {truths} truths); ranks rejected below p = "
        f"{RANK_FAMILY_ALPHA / len(names):.4f} ({RANK_FAMILY_ALPHA:g}/{len(names)}).\n"
    )
    print(
        "| parameter | coverage at 250 | at 1,000 | KS p at 250 | at 1,000 | prior sd / "
        "posterior sd at 250 | at 1,000 |"
    )
    print("|:--|--:|--:|--:|--:|--:|--:|")
    for name in names:
        f, c = fine.loc[name], coarse.loc[name]
        print(
            f"| `{name}` | {f['coverage_90']:.1%} | {c['coverage_90']:.1%} | "
            f"{f['ks_p_value']:.4f} | {c['ks_p_value']:.4f} | {f['sd_ratio']:.1f} | "
            f"{c['sd_ratio']:.1f} |"
        )


if __name__ == "__main__":
    main()
