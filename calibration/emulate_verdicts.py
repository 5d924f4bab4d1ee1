"""Issue 15's goals for an emulated posterior, and the verdict sentences that say which a run
meets: kept apart from the stages that produce the run (:mod:`calibration.emulate`) because the
install gate (:mod:`calibration.emulate_install`) applies today's checks to runs made before
them, and must read them without the machinery that made the run."""

from __future__ import annotations

from .sbc import RANK_FAMILY_ALPHA, non_uniform_ranks

__all__ = ["ESS_GOAL", "NOISE_BAND_FAMILY", "SBC_COVERAGE_GOAL", "sbc_noise_band", "verdicts"]

ESS_GOAL = 500.0
"""Issue 15's goal for a posterior's effective sample size (and 200 distinct draws)."""
SBC_COVERAGE_GOAL = (0.85, 0.95)
"""Share of truths a calibrated method's central 90% intervals should hold (issue 15)."""
NOISE_BAND_FAMILY = 0.9
"""The probability with which every parameter's coverage of a calibrated method falls inside
:func:`sbc_noise_band` together."""


def verdicts(summary: dict) -> list[str]:
    """One sentence per goal of issue 15 that the run meets or misses, the misses first:
    what a user must read before taking the draws anywhere."""
    out = []
    ess, distinct = summary["effective_sample_size"], summary["distinct_draws"]
    ok = ess >= ESS_GOAL and distinct >= min(200, summary["draws"])
    out.append(
        f"{'MET' if ok else 'NOT MET'}: effective sample size {ess:.0f} (goal {ESS_GOAL:.0f}), "
        f"{distinct} distinct draws (goal 200)"
        + ("" if ok else ": the sampler did not spread over the posterior's mass")
    )
    coverage = summary["sbc_coverage_90"]
    noise_only = False
    if coverage:
        lo, hi = SBC_COVERAGE_GOAL
        values = list(coverage.values())
        inside = sum(lo <= v <= hi for v in values)
        k = summary["truth_runs"]
        band_lo, band_hi = sbc_noise_band(k, len(values))
        in_band = sum(band_lo <= v <= band_hi for v in values)
        out.append(
            f"{'MET' if inside == len(values) else 'NOT MET'}: simulation-based calibration, "
            f"90% intervals hold the truth {min(values):.0%}-{max(values):.0%} of the time "
            f"(goal {lo:.0%}-{hi:.0%}; {inside} of {len(values)} parameters inside); over "
            f"{k} truths a calibrated method's shares for all {len(values)} parameters fall "
            f"in {band_lo:.1%}-{band_hi:.1%} with at least {NOISE_BAND_FAMILY:.0%} "
            f"probability, and {in_band} of {len(values)} parameters do"
        )
        noise_only = inside < len(values) and in_band == len(values)
    ks = summary.get("sbc_ks_p_value")
    if ks:
        leaning = non_uniform_ranks(ks)
        out.append(
            f"{'NOT MET' if leaning else 'MET'}: simulation-based calibration ranks, not "
            f"rejected as uniform for {len(ks) - len(leaning)} of {len(ks)} parameters "
            f"(Kolmogorov-Smirnov p-value at least {RANK_FAMILY_ALPHA:g}/{len(ks)}, Bonferroni)"
            + (
                ""
                if not leaning
                else ": not for "
                + ", ".join(f"{k} (p = {p:.4f})" for k, p in leaning.items())
                + " (see the rank histograms)"
            )
        )
    failed = [v for v in out if not v.startswith("MET")]
    if failed and noise_only and len(failed) == 1:
        out.append(
            "The misses are within what this many truths can tell apart from 90%: rerun "
            "with more --truths before taking or rejecting these draws."
        )
    elif failed:
        out.append("Do not use these draws as a posterior: the method failed its own checks.")
    return sorted(out, key=lambda v: v.startswith("MET"))


def sbc_noise_band(truths: int, parameters: int = 1) -> tuple[float, float]:
    """The range of the share of ``truths`` a calibrated method's 90% intervals hold
    (binomial) into which the shares of all ``parameters`` fall together with probability at
    least :data:`NOISE_BAND_FAMILY`: each parameter's central range of probability
    ``1 - (1 - NOISE_BAND_FAMILY) / parameters`` (Bonferroni, as for the ranks). Why for all
    together: with one parameter's 90% range for each of 9, a calibrated method at 120
    truths has some parameter outside about half the time (47% in a simulation of 20,000
    such runs), and the verdicts would reject it for noise. The goal's 85-95% is only
    tellable apart from noise with many truths."""
    from scipy.stats import binom

    if truths <= 0:
        return 0.0, 1.0
    tail = (1.0 - NOISE_BAND_FAMILY) / max(1, parameters) / 2
    lo, hi = binom.ppf([tail, 1.0 - tail], truths, 0.9)
    return float(lo / truths), float(hi / truths)
