"""One run each (the first seed from root 13) at stage 24's point behind the twenty-sixth
stage's configuration (calibration/dynamics_stage26.toml) and candidate
(calibration/baseline_dynamics_documents.toml): Thailand's documented (regular) and
irregular Cambodian, Lao and Burmese workers in June of 2019, 2021 and 2024

- with Myanmar's coup failing a share of its nationals' verifications
  (``coup_verification_failure_share.MMR`` 0, 0.3, 0.6, 0.9; 0 is stage 24's run);
- with Thailand's permit renewals dearer and slower for everyone, the share at 0 (366 USD
  and 2 months instead of 216 USD and 1; 4 months).

Prints Markdown (about a minute).

    .venv/bin/python docs/runs/dynamics_stage26_2026-12-07/sensitivity_runs.py
"""

from __future__ import annotations

from pathlib import Path

from calibration.config import load_config
from calibration.simulate import scenario_for, seeds_for
from calibration.slices import point_of_folder
from scenarios.scenario import load_scenario
from simulation.run import run_scenario

ROOT = Path(__file__).resolve().parents[3]
CLM = ("KHM", "LAO", "MMR")
YEARS = ("2019", "2021", "2024")


def june_stocks(scenario) -> tuple[dict, dict]:
    """({year: documented millions}, {year: irregular millions}) of Thailand's CLM workers."""
    t = run_scenario(scenario).table
    for c in ("origin", "destination", "channel", "measure", "month"):
        t[c] = t[c].astype(str)
    rows = t[(t["destination"] == "THA") & t["origin"].isin(CLM) & (t["measure"] == "stock")]
    out = []
    for channel in ("regular", "irregular"):
        sel = rows[rows["channel"] == channel]
        out.append({y: sel[sel["month"] == f"{y}-06"]["value"].sum() / 1e6 for y in YEARS})
    return out[0], out[1]


def main() -> None:
    stage = load_config(ROOT / "calibration" / "dynamics_stage24.toml")
    point = point_of_folder(stage, ROOT / "docs" / "runs" / "dynamics_stage24_2026-12-07")
    seed = seeds_for(13, 1)[0]
    documents = load_scenario(ROOT / "calibration" / "baseline_dynamics_documents.toml")
    # stage 24's fixed values, point and settings (250 people per agent, to 2024-12) on the
    # documents candidate
    settings = stage.scenario.to_dict()["settings"]
    base = scenario_for(documents, {**stage.fixed, **point}).with_values(
        seed=seed, people_per_agent=settings["people_per_agent"], end=settings["end"]
    )
    fee = dict(base.to_dict(resolved=False)["levers"]["permit_renewal_fee_usd"])
    months = dict(base.to_dict(resolved=False)["levers"]["permit_renewal_processing_months"])
    runs = {
        f"verification failure share {s}": base.with_values(
            coup_verification_failure_share={"MMR": s}
        )
        for s in (0.0, 0.3, 0.6, 0.9)
    }
    off = runs["verification failure share 0.0"]
    runs["renewals 366 USD, 2 months (share 0)"] = off.with_values(
        permit_renewal_fee_usd={**fee, "THA": 366},
        permit_renewal_processing_months={**months, "THA": 2},
    )
    runs["renewals 4 months (share 0)"] = off.with_values(
        permit_renewal_processing_months={**months, "THA": 4}
    )
    print("| run | documented 2019 / 2021 / 2024 (millions) | irregular 2019 / 2021 / 2024 |")
    print("|:--|:--|:--|")
    for name, scenario in runs.items():
        reg, irr = june_stocks(scenario)
        print(
            f"| {name} | {' / '.join(f'{reg[y]:.2f}' for y in YEARS)} | "
            f"{' / '.join(f'{irr[y]:.2f}' for y in YEARS)} |"
        )


if __name__ == "__main__":
    main()
