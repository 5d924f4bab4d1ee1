"""Scenario discovery with EMA Workbench: under which conditions does a crackdown raise the
irregular share of the migrant stock?

EMA samples a few uncertain behavioural parameters and drivers (Latin hypercube, with a
posterior draw of the shipped calibration and a seed each), and the crackdown preset's three
levers (arrest probability, employer sanctions, border control) in Thailand and Malaysia, each
from the baseline's value to beyond the preset's. Each scenario of the uncertainties is also
run with the baseline's values of those levers (the reference; same seed and posterior draw:
common random numbers; the levers set explicitly win over the draw's value of Malaysia's arrest
probability, in the reference too), so each crackdown run has its own counterfactual. PRIM
then looks for a box of uncertainties and lever values in which the crackdown's irregular
share at the end of the run is above the reference's. If no run (or every run) shows that,
PRIM has nothing to separate: the script says so and asks the nearest question the runs can
answer: where the crackdown is weak (among its weakest ``--weak-share`` of runs).

    python examples/ema_prim.py                        # 40 scenarios x (1 + 3): minutes
    python examples/ema_prim.py --scenarios 8 --policies 2 --people-per-agent 20000 --end 2013-12

What it prints: how many crackdown runs raised the irregular share and the range of effects,
then PRIM's chosen box (coverage: the share of all such runs inside the box; density: the share of
runs inside the box that are such runs; mass: the share of all runs inside the box) with its
limits. Coarse scales are noisy: read a box as a question for a finer batch, not an answer.
"""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np
import pandas as pd

from corridors.ema import corridors_model, ema_name
from scenarios.scenario import load_scenario

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="ipyparallel not installed")
    import ema_workbench as ema
    from ema_workbench.analysis import prim
    from ema_workbench.em_framework.samplers import LHSSampler

UNCERTAINTIES = {
    # name: range explored (inside its declared range)
    "beta_arrest_risk": [2.0, 40.0],  # how strongly movers weigh the risk of arrest
    "irregular_channel_constant": [-1.0, 1.5],  # taste for the irregular channel
    "labour_demand_factor": [0.6, 1.6],  # labour demand in every destination
    "employer_irregular_hiring_base": [0.4, 1.0],  # employers' readiness to hire irregulars
    "overstay_probability": [0.1, 0.5],  # regular workers who stay on when a permit ends
}
CRACKDOWN_TOP = {
    # the crackdown preset's levers in the two large destinations, explored from the
    # baseline's own value (the reference) up to these, beyond the preset's
    "enforcement_monthly_arrest_probability.THA": 0.012,
    "enforcement_monthly_arrest_probability.MYS": 0.04,
    "employer_sanction_usd_per_irregular_worker.THA": 10000.0,
    "employer_sanction_usd_per_irregular_worker.MYS": 10000.0,
    "border_control.THA": 0.7,
    "border_control.MYS": 0.7,
}


def lever_ranges() -> dict[str, list[float]]:
    """Each lever from the baseline's value to the top of :data:`CRACKDOWN_TOP`."""
    baseline = load_scenario("baseline")
    out = {}
    for key, top in CRACKDOWN_TOP.items():
        name, _, country = key.partition(".")
        out[key] = [float(baseline[name][country]), top]
    return out


OUTCOME = "irregular_share_final_year"
REFERENCE = "reference"


def experiments(
    scenarios: int, policies: int, people_per_agent: float, end: str, workers: int, seed: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """EMA's experiments and the outcome, with the reference policy's run of every scenario."""
    levers = lever_ranges()
    model = corridors_model(
        "baseline",
        uncertainties=list(UNCERTAINTIES),
        levers=list(levers),
        outcomes=[OUTCOME],
        ranges={**UNCERTAINTIES, **levers},
        posterior_draw=True,
        replicates=scenarios,
        root_seed=seed,
        people_per_agent=people_per_agent,
        end=end,
    )
    sampled = [u for u in model.uncertainties if u.name != "replicate"]
    designs = LHSSampler().generate_samples(sampled, scenarios, rng=seed)
    # one seed per scenario (the replicate index): the reference and the crackdowns share it
    scenario_list = [ema.Sample(**{**dict(s), "replicate": i}) for i, s in enumerate(designs)]
    crackdowns = LHSSampler().generate_samples(list(model.levers), policies, rng=seed + 1)
    reference = {ema_name(key): low for key, (low, _) in levers.items()}
    policy_list = [ema.Sample(REFERENCE, **reference)] + [
        ema.Sample(f"crackdown_{i}", **dict(p)) for i, p in enumerate(crackdowns)
    ]
    if workers > 1:
        with ema.MultiprocessingEvaluator(model, n_processes=workers) as evaluator:
            exp, out = evaluator.perform_experiments(scenario_list, policy_list)
    else:
        exp, out = ema.perform_experiments(model, scenario_list, policy_list)
    return exp, out[OUTCOME]


def relative_change(exp: pd.DataFrame, share: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """The crackdown runs (their uncertainties and lever values) and each one's irregular
    share relative to the reference run of the same scenario, minus 1 (-0.3: 30% lower)."""
    frame = exp.assign(share=share)
    reference = frame[frame["policy"] == REFERENCE].set_index("replicate")["share"]
    runs = frame[frame["policy"] != REFERENCE].reset_index(drop=True)
    base = reference.loc[runs["replicate"]].to_numpy()
    change = runs["share"].to_numpy() / np.maximum(base, 1e-9) - 1
    x = runs[[*UNCERTAINTIES, *(ema_name(k) for k in CRACKDOWN_TOP)]].astype(float)
    return x, change


def find_box(x: pd.DataFrame, y: np.ndarray, min_density: float = 0.8):
    """PRIM's box: along the peeling trajectory, the one with the highest coverage whose
    density is at least ``min_density`` (else the densest), selected on the box object."""
    box = prim.Prim(x, y, mass_min=0.1).find_box()
    trajectory = box.peeling_trajectory
    dense = trajectory[trajectory["density"] >= min_density]
    i = int(dense["coverage"].idxmax()) if len(dense) else int(trajectory["density"].idxmax())
    box.select(i)
    return box


def describe(box) -> str:
    """The selected box in words: its statistics and the limits of the restricted names."""
    stats, limits = box.inspect(style="data")[0]
    lines = [
        f"coverage {stats['coverage']:.2f}, density {stats['density']:.2f}, "
        f"mass {stats['mass']:.2f}, {int(stats['res_dim'])} restricted dimension(s)"
    ]
    for name, row in limits.iterrows():
        lo, hi = row.iloc[0], row.iloc[1]
        # PRIM's quasi-p value of the restriction (lower or upper limit); above 0.05 it may be
        # chance
        qp = np.nanmin(row.iloc[2:].to_numpy(dtype=float))
        note = "" if qp < 0.05 else "  (may be chance)"
        lines.append(f"  {name}: {lo:.4g} to {hi:.4g}, quasi-p {qp:.2g}{note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", type=int, default=40, help="samples of the uncertainties")
    parser.add_argument("--policies", type=int, default=3, help="sampled crackdowns")
    parser.add_argument("--people-per-agent", type=float, default=10000)
    parser.add_argument("--end", default="2016-12", help='last month, "YYYY-MM"')
    parser.add_argument("--workers", type=int, default=2, help="processes (1: in this one)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--weak-share",
        type=float,
        default=0.25,
        help="if no crackdown raises the share: PRIM finds where the crackdown is among this "
        "share of its weakest runs",
    )
    parser.add_argument("--save", help="also write EMA's results to this .tar.gz")
    parser.add_argument("--load", help="read EMA's results from this .tar.gz instead of running")
    args = parser.parse_args(argv)
    if args.load:
        exp, outcomes = ema.load_results(args.load)
        share = outcomes[OUTCOME]
    else:
        exp, share = experiments(
            args.scenarios, args.policies, args.people_per_agent, args.end, args.workers, args.seed
        )
    if args.save:
        ema.save_results((exp, {OUTCOME: share}), args.save)
    x, change = relative_change(exp, share)
    year = args.end[:4]
    raised = change > 0
    print(
        f"{len(exp)} runs. The crackdown raised the irregular share at the end of {year} in "
        f"{raised.sum()} of {len(change)} crackdown runs; its effect ranged from "
        f"{change.min():+.0%} to {change.max():+.0%} (median {np.median(change):+.0%})."
    )
    question = "raises the irregular share"
    if raised.all() or not raised.any():
        # PRIM needs both kinds of run; ask the nearest question the runs can answer
        cut = float(np.quantile(change, 1 - args.weak_share))
        raised = change > cut
        question = (
            f"is weak: cuts the irregular share by less than {-cut:.0%} "
            f"(its weakest {args.weak_share:.0%} of runs)"
        )
        print(f"No contrast for that question; asking instead where the crackdown {question}:")
        print(f"  {raised.sum()} of {len(change)} runs.")
    if raised.all() or not raised.any():
        print("no contrast for PRIM: every crackdown run went the same way")
        return {"x": x, "change": change, "y": raised, "box": None, "question": question}
    box = find_box(x, raised)
    print(f"PRIM box: conditions under which the crackdown {question}")
    print(describe(box))
    return {"x": x, "change": change, "y": raised, "box": box, "question": question}


if __name__ == "__main__":
    main(sys.argv[1:])
