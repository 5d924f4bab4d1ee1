"""The words every view uses for the two ways of setting the model's fitted parameters, and
for regular, irregular and the bands, so one question never gets two unexplained answers.

The calibration gives two things (issue 15): a point estimate (shipped in
``scenarios/data/calibrated/calibrated_parameters.toml``) and posterior draws
(``.../posterior_draws.csv``). A view must say which one it shows and why the other differs.
What the words say about the calibration (its method, its draws, its targets) is read from
the shipped files and ``calibration/report/summary.json``; the numbers that compare the
point with the draws from ``calibration/report/point_and_draws.csv``
(:mod:`calibration.point_and_draws`), and only when that table was computed for the
calibration files in place, so no view quotes another calibration's numbers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd

from calibration import point_and_draws
from calibration.shipped_point import MSM_OPTIMUM
from scenarios.posterior import load_draws

__all__ = [
    "BANDS",
    "CHANNELS",
    "DRAWS",
    "POINT",
    "SHIPPED_POINT",
    "WHY_DIFFERENT",
    "WHY_TITLE",
    "point_and_draws_numbers",
    "setting_note",
    "why_different",
]

EXAMPLE = "irregular_share_final_year"
"""The indicator the explanation takes as its example (a share of the stock)."""


def _summary() -> Mapping:
    """The shipped fit report's summary; empty when missing or unreadable (the words then
    leave out what it would say: every view imports them, none may fail on a bad file)."""
    path = point_and_draws.REPORT_DIR / "summary.json"
    try:
        summary = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return summary if isinstance(summary, Mapping) else {}


def _draw_count() -> int:
    try:
        draws = load_draws()
    except (OSError, ValueError):  # pandas' parse errors are ValueErrors
        return 0
    return 0 if draws is None else len(draws)


def _posterior_facts(summary: Mapping) -> tuple[str, float | None]:
    """(how the draws were made, their effective sample size) from the fit report."""
    for key, method in (("emulator", "an emulator posterior"), ("abc", "ABC-SMC")):
        part = summary.get(key)
        if isinstance(part, Mapping):
            ess = part.get("effective_sample_size")
            return method, float(ess) if isinstance(ess, int | float) else None
    return "the calibration", None


def _is_msm_point(summary: Mapping) -> bool:
    """Whether the shipped point is an optimum (the method of simulated moments' best fit)
    rather than the posterior's own summary (an install records its ``point_choice``)."""
    choice = summary.get("point_choice")
    return not choice or str(choice).lower().startswith("msm")


def _point_words(summary: Mapping, short: bool = False) -> str:
    """What the shipped point is: the fit report's ``point_choice`` (an emulator install: the
    draw nearest the posterior median), else the method of simulated moments' optimum, said
    in plain words."""
    choice = summary.get("point_choice")
    if choice and choice != MSM_OPTIMUM:
        return f"the {choice}"
    if short:
        return "the single best-fitting parameter set"
    return "the single parameter set that matches them best (the method of simulated moments)"


def point_and_draws_numbers(table: pd.DataFrame | None, digest: str) -> dict[str, float] | None:
    """The example indicator's numbers (in percent and percentage points) from a
    :mod:`calibration.point_and_draws` table computed for the calibration files of ``digest``,
    else None: the baseline's level at the point and the draws' median and 50% interval, the
    crackdown's effect likewise, the end year, and how many of the baseline's indicators have
    the point inside the draws' 50% interval."""
    if table is None or set(table["calibration_digest"]) != {digest}:
        return None
    table = table.drop_duplicates(["scenario", "kind", "indicator"])
    ref, other = point_and_draws.SCENARIOS[0], point_and_draws.SCENARIOS[1]
    level = table[(table["scenario"] == ref) & (table["kind"] == "level")].set_index("indicator")
    effect = table[(table["scenario"] == other) & (table["kind"] == "effect")].set_index(
        "indicator"
    )
    if EXAMPLE not in level.index or EXAMPLE not in effect.index:
        return None
    inside, indicators = point_and_draws.share_inside(table, ref)
    lv, ef = level.loc[EXAMPLE], effect.loc[EXAMPLE]
    return {
        "year": float(str(lv["end"])[:4]),
        "level_point": 100 * float(lv["point"]),
        "level_median": 100 * float(lv["predictive_median"]),
        "level_low": 100 * float(lv["predictive_low"]),
        "level_high": 100 * float(lv["predictive_high"]),
        "level_inside": float(bool(lv["inside"])),
        "effect_point": 100 * float(ef["point"]),
        "effect_median": 100 * float(ef["predictive_median"]),
        "effect_inside": float(bool(ef["inside"])),
        "inside": float(inside),
        "indicators": float(indicators),
        "draws": float(lv["draws"]),
        "people_per_agent": float(lv["people_per_agent"]),
    }


def _count(k: float) -> str:
    return "none of them" if k == 0 else f"{k:.0f}"


def why_different(summary: Mapping, n_draws: int, numbers: Mapping[str, float] | None) -> str:
    """The explanation behind :data:`WHY_TITLE`, from the fit report's summary, the number of
    shipped draws and :func:`point_and_draws_numbers` (None: said without numbers)."""
    method, ess = _posterior_facts(summary)
    targets = summary.get("targets")
    spread = f" (they rest on about {ess:,.0f} effectively different sets)" if ess else ""
    text = (
        f"The calibration fitted the model to {targets or 'the'} published figures. The "
        f"*point estimate* is {_point_words(summary)}. "
        + (
            f"The *posterior draws* are {n_draws} parameter sets from {method} that all match "
            f"them acceptably{spread}. "
            if n_draws
            else "No posterior draws are shipped. "
        )
    )
    if numbers is None:
        text += (
            "The two can give different levels and effects; the figures that compare them for "
            "the shipped calibration are not available (`scripts/point_and_draws.py` computes "
            "them).\n\n"
        )
    else:
        n = numbers
        where = (
            "inside the middle half of what the draws give"
            if n["level_inside"]
            else "outside the middle half of what the draws give"
        )
        text += (
            f"For example, the baseline's irregular share of the stock at the end of "
            f"{n['year']:.0f} is {n['level_point']:.1f}% at the point estimate and "
            f"{n['level_median']:.1f}% with posterior draws (the median over {n['draws']:.0f} "
            f"draws, one run each; middle half {n['level_low']:.1f}-{n['level_high']:.1f}%), "
            f"{where}; the crackdown preset changes it by {n['effect_point']:+.1f} "
            f"percentage points at the point estimate and by {n['effect_median']:+.1f} with "
            f"draws. Over the baseline's {n['indicators']:.0f} headline numbers the point lies "
            f"inside the draws' middle half for {_count(n['inside'])} (at "
            f"{n['people_per_agent']:.0f} people per agent; "
            "`calibration/report/point_and_draws.csv`).\n\n"
        )
    agree = not _is_msm_point(summary) or (
        numbers is not None and numbers["inside"] == numbers["indicators"]
    )
    if numbers is not None:
        text += (
            "Neither number is an arithmetic error; they answer the question under different "
            "parameter assumptions. "
        )
    text += "Read a policy's effect as robust only if it has the same sign under both settings."
    if not agree:
        text += (
            " The project is recalibrating so that the headline point is the posterior's own "
            "summary and the two agree (issue 15)."
        )
    return text


_SUMMARY = _summary()
_N_DRAWS = _draw_count()


def _kept_numbers() -> dict[str, float] | None:
    """The kept table's numbers for the files in place; None for a table that is missing,
    stale or unreadable (an older layout, a bad value): said without numbers, never
    misread, and never an error in a view."""
    try:
        return point_and_draws_numbers(point_and_draws.read(), point_and_draws.calibration_digest())
    except (OSError, ValueError, TypeError, KeyError):
        return None


_NUMBERS = _kept_numbers()

SHIPPED_POINT = _point_words(_SUMMARY, short=True)
"""What the shipped point is, in a few words, for the views that run it (the Results view's
batches): read from the fit report, so an install that ships another kind of point changes
the words with it."""

DRAWS = (
    "**Parameter uncertainty on (posterior draws):** replicate *r* runs with the *r*-th of "
    f"the calibration's {_N_DRAWS} posterior parameter sets and its own random seed, so the "
    "bands show what the fitted parameters leave open as well as chance."
)
POINT = (
    "**Parameter uncertainty off (point estimate):** every replicate runs with "
    f"{SHIPPED_POINT}, as `corridors batch` and the Results view do; the "
    "bands show chance only."
)
WHY_TITLE = "Why do the two settings give different numbers?"
WHY_DIFFERENT = why_different(_SUMMARY, _N_DRAWS, _NUMBERS)
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
