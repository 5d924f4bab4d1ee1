"""The words every view uses for the two ways of setting the model's fitted parameters, and
for regular, irregular and the bands, so one question never gets two unexplained answers.

The calibration gives two things (issue 15): a point estimate (the single parameter set that
fits the 36 targets best, found by the method of simulated moments and shipped in
``scenarios/data/calibrated/calibrated_parameters.toml``) and posterior draws (40 parameter
sets from ABC-SMC, ``.../posterior_draws.csv``). The point lies outside the bulk of the draws,
so the two give different levels and effects (baseline irregular share in 2030: 52.8% at the
point, 33.3% with draws; the crackdown's effect -32.5 pp against -12.8 pp). Until the
calibration is redone, a view must say which one it shows and why the other differs.
"""

from __future__ import annotations

__all__ = ["BANDS", "CHANNELS", "DRAWS", "POINT", "WHY_DIFFERENT", "WHY_TITLE", "setting_note"]

DRAWS = (
    "**Parameter uncertainty on (posterior draws):** replicate *r* runs with the *r*-th of "
    "the calibration's 40 posterior parameter sets and its own random seed, so the bands show "
    "what the fitted parameters leave open as well as chance."
)
POINT = (
    "**Parameter uncertainty off (point estimate):** every replicate runs with the single "
    "best-fitting parameter set (the one `corridors batch` and the Results view use); the "
    "bands show chance only."
)
WHY_TITLE = "Why do the two settings give different numbers?"
WHY_DIFFERENT = (
    "The calibration fitted the model to 36 published figures in two ways. The *point "
    "estimate* is the single parameter set that matches them best. The *posterior draws* are "
    "40 parameter sets that all match them acceptably. The best fit lies outside the bulk of those "
    "sets, not in their middle, and the data do not pin the parameters down well "
    "(the posterior rests on about 30 effectively different sets). The two settings therefore "
    "give different levels and different effects: for example, the baseline's irregular share "
    "of the stock in 2030 is 52.8% at the point estimate and 33.3% with posterior draws, and "
    "the crackdown preset lowers it by 32.5 percentage points at the point estimate but by "
    "12.8 with draws.\n\n"
    "Neither number is wrong arithmetic; they answer the question under different parameter "
    "assumptions. Read a policy's effect as robust only if it has the same sign under both "
    "settings. The project is recalibrating so that the headline point is the posterior's own "
    "summary and the two agree (issue 15)."
)
CHANNELS = (
    "**Regular** migrants go through a licensed recruitment agency, pay official fees, wait "
    "for processing and work with a permit. **Irregular** migrants go through brokers or "
    "smugglers without a permit, or stay on after their permit ends; they can be arrested and "
    "deported, and an amnesty can make them regular."
)
BANDS = "Shaded bands are 90% intervals across the replicates (5th to 95th percentile)."


def setting_note(posterior_draws: bool) -> str:
    """The always-visible sentence that says which parameters a result was computed with."""
    return DRAWS if posterior_draws else POINT
