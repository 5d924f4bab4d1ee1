"""Comparison report of a batch: scenarios side by side, with replicate spread.

``corridors compare DIR`` reads the batch's Parquet dataset and writes into ``DIR/compare/``:

* ``summary.csv`` / ``.parquet``: per scenario, corridor, channel, measure and year, the mean
  and the 90% interval (5th-95th percentile) across replicates. Flows are summed over the
  year; stocks are taken at the end of December (or at the end of the run, in a final year
  it ends before December).
* ``differences.csv`` / ``.parquet``: the same for the difference from the reference scenario
  (``baseline`` unless told otherwise), computed replicate by replicate: replicates share seeds
  across scenarios (common random numbers), so the interval is the policy's effect, not seed
  noise.
* ``final_stock_change.csv``: change of the final-year regular and irregular stock, summed
  over all corridors of the modelled origins, against the reference, mean and 90% interval of
  the paired differences. The rest of the world (``ROW``), when a scenario has it on, is not
  added in (:func:`simulation.metrics.modelled_origins_only`, as for the headline): its
  corridors keep their own rows in ``summary.csv`` and ``differences.csv``.
* ``headline.csv``: per scenario, the headline indicators declared in
  :mod:`simulation.measures` (the irregular share of the stock in the final year,
  deportations, recruitment fees paid, debt outstanding, remittances received and exploitation
  cases over the whole run), computed as the dashboard's Compare view computes them; with,
  for each scenario against the reference, ``same_sign_share`` (the share of paired
  replicates, each one seed and, with ``parameter_uncertainty``, one posterior draw, in which
  the effect has the sign of its mean), ``robust`` (that share at least 90%) and
  ``sign_verdict`` (robust, uncertain or not distinguishable from zero), computed by
  :func:`simulation.metrics.same_sign_share` as the dashboard computes them.
  ``differences.csv`` carries the same three columns per row.
* ``robustness.csv``: the same per scenario and indicator with the paired difference's mean
  and 90% interval, the indicator's better-when, and what the replicates vary over.
* ``flows_by_scenario.png|svg`` and ``stocks_by_scenario.png|svg``: regular and irregular
  arrivals (stocks) per corridor, the rest of the world's included, scenarios side by side
  with their 90% bands (no total over corridors).
* ``report.md`` and ``report.html`` tying them together, opening with "What we can and cannot
  say": each indicator's effect in words, robust or not, and what that rests on.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from functools import partial
from html import escape as html_escape
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from scenarios.errors import ScenarioError
from simulation.measures import HEADLINE_LABELS, indicator
from simulation.metrics import (
    DISTINGUISHABLE_AT,
    FEW_REPLICATES,
    ROBUST_AT,
    headline_per_run,
    modelled_origins_only,
    over_replicates,
    same_sign_share,
    yearly,
)

from .atomic import write_atomic, write_text_atomic
from .listed import ListedRuns, listed_runs, read_listed
from .lock import folder_lock

__all__ = ["annual_table", "compare_batch", "final_stock_change"]

REPORTED = (
    "stock",
    "debt_outstanding_usd",
    "arrivals",
    "departures",
    "returns",
    "deportations",
    "registrations",
    "overstays",
    "irregular_by_overstay",
    "irregular_by_lapse",
    "irregular_by_employer_change",
    "irregular_by_entry",
    "recruitment_fees_paid_usd",
    "remittances_received_usd",
    "exploitation_cases",
    "trafficking_cases",
)
"""The measures summarised in ``summary.csv`` and ``differences.csv`` (their units, and
whether each is a stock or a flow, are declared in :mod:`simulation.measures`)."""


def annual_table(root: Path, listed: ListedRuns | None = None) -> pd.DataFrame:
    """Per run, corridor, channel, measure and year: yearly flow sums and year-end stocks,
    from the finished runs ``batch.json`` lists (nothing else under ``results/``)."""
    listed = listed or listed_runs(root)
    frames = []
    for measure in REPORTED:
        t = read_listed(listed, measure=measure)
        if t.empty:
            continue
        for k in ("scenario", "month", "origin", "destination", "channel", "measure"):
            t[k] = t[k].astype(str)
        frames.append(yearly(t, ["scenario", "point", "replicate"]))
    if not frames:
        raise ScenarioError(str(root), "results", "(none)", "a batch folder with finished runs")
    out = pd.concat(frames, ignore_index=True)
    points = out.groupby("scenario")["point"].transform("nunique")
    out["label"] = np.where(
        points > 1, out["scenario"] + "@p" + out["point"].astype(str), out["scenario"]
    )
    return out


def compare_batch(
    root: Path, reference: str | None = None, warn: Callable[[str], None] | None = None
) -> Path:
    """Write ``root/compare``: built in a new folder and swapped in whole, while holding the
    batch folder's lock, so a kill leaves the previous report or the new one, never a mix.
    ``warn`` is told when the batch is incomplete (the report says so too)."""
    root = Path(root)
    listed = listed_runs(root)
    annual = annual_table(root, listed)
    scenarios = sorted(annual["scenario"].unique())
    if reference is not None and (not isinstance(reference, str) or reference not in scenarios):
        raise ScenarioError(str(root), "--reference", reference, f"one of {scenarios}")
    reference = reference or ("baseline" if "baseline" in scenarios else scenarios[0])
    note = listed.incomplete_note()
    if note and warn is not None:
        warn(note)
    with folder_lock(root, "folder"):
        staged, old = root / ".compare.new", root / ".compare.old"
        for folder in (staged, old):  # left by a comparison that was killed
            shutil.rmtree(folder, ignore_errors=True)
        _write_comparison(root, staged, annual, reference, note, _posterior_draws(root))
        final = root / "compare"
        if final.exists():
            final.rename(old)
        staged.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    return final


def _posterior_draws(root: Path) -> bool:
    """Whether the batch's replicates took posterior draws (``parameter_uncertainty``)."""
    meta = json.loads((root / "batch.json").read_text(encoding="utf-8"))
    return bool((meta.get("definition") or {}).get("parameter_uncertainty", False))


def _write_comparison(
    root: Path,
    out: Path,
    annual: pd.DataFrame,
    reference: str,
    note: str,
    posterior_draws: bool = False,
) -> None:
    labels = sorted(annual["label"].unique(), key=lambda x: (not x.startswith(reference), x))
    keys = ["label", "origin", "destination", "channel", "measure", "year"]
    summary = over_replicates(annual, keys)
    paired = _paired(annual, reference, ["origin", "destination", "channel", "measure", "year"])
    differences = over_replicates(paired, keys, "difference").merge(
        same_sign_share(paired, keys, "difference"), on=keys, how="left"
    )
    reference_labels = annual.loc[annual["scenario"] == reference, "label"].unique()
    differences.loc[differences["label"].isin(reference_labels), "sign_verdict"] = "reference"
    headline, robustness = _headline(annual, reference, posterior_draws)
    stock_change = final_stock_change(paired, reference)
    for name, frame in (
        ("summary", summary),
        ("differences", differences),
        ("headline", headline),
        ("robustness", robustness),
        ("final_stock_change", stock_change),
    ):
        write_atomic(out / f"{name}.parquet", partial(frame.to_parquet, index=False))
        write_atomic(out / f"{name}.csv", partial(frame.to_csv, index=False))
    figures = {}
    for measure, title in (
        ("arrivals", "Arrivals per year, per corridor"),
        ("stock", "Stock at the end of the year, per corridor"),
    ):
        fig = _side_by_side(summary, measure, labels, title)
        stem = "flows_by_scenario" if measure == "arrivals" else "stocks_by_scenario"
        for ext in ("png", "svg"):
            write_atomic(out / f"{stem}.{ext}", partial(fig.savefig, format=ext, dpi=100))
        figures[stem] = title
    say = _what_we_can_say(robustness, reference, posterior_draws)
    md, html = _report(
        root, labels, reference, headline, stock_change, figures, note, say, _apart(annual)
    )
    write_text_atomic(out / "report.md", md)
    write_text_atomic(out / "report.html", html)


def final_stock_change(paired: pd.DataFrame, reference: str) -> pd.DataFrame:
    """``final_stock_change``: per scenario other than the reference and channel, the paired
    change in the final-year stock (rows of :func:`_paired` with ``measure`` and ``year``),
    summed over all corridors of the modelled origins, then its mean and 90% interval across
    replicates. With the rest of the world on, its workers would otherwise be added to the
    modelled origins' under one label, and the total would not compare with the headline or
    with a batch that has ROW off (:func:`simulation.metrics.modelled_origins_only`)."""
    last = modelled_origins_only(
        paired[
            (paired["measure"] == "stock")
            & (paired["year"] == paired["year"].max())
            & (paired["scenario"] != reference)
        ]
    )
    return over_replicates(
        last.groupby(["label", "channel", "replicate"])["difference"].sum().reset_index(),
        ["label", "channel"],
        "difference",
    )


def _apart(annual: pd.DataFrame) -> list[str]:
    """The batch's corridors (``ORIGIN-DEST``) that no total of the report counts: the rest of
    the world's, whose origin :func:`simulation.metrics.modelled_origins_only` leaves out."""
    pairs = annual[["origin", "destination"]].drop_duplicates()
    modelled = modelled_origins_only(pairs)
    outside = pairs.drop(index=modelled.index)
    return sorted(outside["origin"] + "-" + outside["destination"])


def _paired(frame: pd.DataFrame, reference: str, on: list[str]) -> pd.DataFrame:
    """Each row (columns ``label``, ``scenario``, ``point``, ``replicate``, ``on``, ``value``)
    with the reference run's value of the same replicate (and the same sweep point when the
    reference was swept too) and ``difference`` = value - the reference's."""
    ref = frame[frame["scenario"] == reference].drop(columns=["label", "scenario"])
    on = ["replicate", *on]
    if ref["point"].nunique() > 1:
        on.append("point")
    else:
        ref = ref.drop(columns=["point"])
    paired = frame.merge(ref, on=on, suffixes=("", "_reference"))
    paired["difference"] = paired["value"] - paired["value_reference"]
    return paired


def _headline(
    annual: pd.DataFrame, reference: str, posterior_draws: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The headline table (levels per scenario, with the robustness of each scenario's effect
    against the reference) and the robustness table (one row per scenario difference and
    indicator)."""
    keys = ["label", "indicator"]
    per_run = headline_per_run(annual, ["label", "replicate"])
    long = per_run.melt(id_vars=["label", "replicate"], var_name="indicator")
    table = over_replicates(long, keys)
    table["final_year"] = annual["year"].max()
    runs = annual.drop_duplicates("label").set_index("label")
    long["point"], long["scenario"] = (long["label"].map(runs[k]) for k in ("point", "scenario"))
    paired = _paired(long, reference, ["indicator"])
    paired = paired[paired["scenario"] != reference].sort_values([*keys, "replicate"])
    signs = same_sign_share(paired, keys, "difference")
    table = table.merge(signs, on=keys, how="left")
    table["robust"] = table["robust"].eq(True)
    table["sign_verdict"] = table["sign_verdict"].fillna("reference")
    robustness = over_replicates(paired, keys, "difference").merge(signs, on=keys)
    robustness.insert(1, "reference", reference)
    robustness["better"] = [indicator(i).better for i in robustness["indicator"]]
    robustness["varies_over"] = (
        "posterior draws and seeds" if posterior_draws else "seeds only (point estimate)"
    )
    order = {name: i for i, name in enumerate(HEADLINE_LABELS)}
    robustness = robustness.sort_values(
        ["label", "indicator"], key=lambda c: c.map(order) if c.name == "indicator" else c
    ).reset_index(drop=True)
    return table, robustness


def _effect_text(key: str, mean: float) -> str:
    unit = indicator(key).unit
    if unit == "share":
        return f"{mean * 100:+.3g} pp"
    size = abs(mean)
    scale, suffix = next(
        ((s, x) for s, x in ((1e9, " bn"), (1e6, " M"), (1e3, " k")) if size >= s), (1, "")
    )
    return f"{mean / scale:+.3g}{suffix}" + (" USD" if unit == "USD" else "")


def _what_we_can_say(
    robustness: pd.DataFrame, reference: str, posterior_draws: bool
) -> tuple[list[str], list[str]]:
    """The "What we can and cannot say" section: its paragraphs, then one list item per
    scenario (Markdown: backticks and ``**`` only)."""
    if robustness.empty:
        return [f"Only the reference `{reference}` was run: there is no effect to judge."], []
    n = int(robustness["replicates"].min())
    if posterior_draws:
        over = (
            f"{n} paired replicates, each a posterior draw of the calibrated parameters with "
            "its own seed, so the share of draws in which an effect keeps its sign covers "
            "parameter uncertainty as well as chance"
        )
    else:
        over = (
            f"{n} paired replicates that differ only in their seed, at the point estimate "
            "of the parameters (the batch did not set `parameter_uncertainty = true`): the "
            "share in which an effect keeps its sign is over chance alone, not over "
            "parameter uncertainty"
        )
    intro = [
        f"Each effect is a scenario minus `{reference}`, replicate by replicate, over {over}. "
        f"An effect is robust when it has the sign of its mean in at least "
        f"{ROBUST_AT:.0%} of them, uncertain from {DISTINGUISHABLE_AT:.0%}, and not "
        f"distinguishable from zero below that or when its mean is zero."
    ]
    if n < FEW_REPLICATES:
        intro.append(
            f"**Warning: only {n} replicates.** A share over so few draws moves in steps of "
            f"{1 / n:.0%}; rerun with at least {FEW_REPLICATES} before calling an effect "
            "robust."
        )
    items = []
    for label, rows in robustness.groupby("label", sort=False):
        parts = []
        for r in rows.to_dict("records"):
            key, mean, n = str(r["indicator"]), float(r["mean"]), int(r["replicates"])
            name, share = HEADLINE_LABELS[key], float(r["same_sign_share"])
            if not np.isfinite(share):
                held = "mean exactly zero"
                if r["p05"] == r["p95"] == 0:
                    held = "identical in every replicate"
                parts.append(f"{name}: not distinguishable from zero ({held})")
                continue
            better = (mean < 0) == (r["better"] == "lower")
            parts.append(
                f"{name}: {_effect_text(key, mean)} "
                f"({'better' if better else 'worse'}), {r['sign_verdict']}, same sign in "
                f"{round(share * n)} of {n}"
            )
        items.append(f"`{label}` against `{reference}`: " + "; ".join(parts) + ".")
    return intro, items


def _side_by_side(summary: pd.DataFrame, measure: str, labels: list[str], title: str):
    s = summary[summary["measure"] == measure]
    corridors = sorted((s["origin"] + "-" + s["destination"]).unique())
    colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    fig = Figure(figsize=(11, 1.8 * len(corridors) + 1))
    axes = fig.subplots(len(corridors), 2, squeeze=False, sharex=True)
    for i, corridor in enumerate(corridors):
        o, d = corridor.split("-")
        for j, channel in enumerate(("regular", "irregular")):
            ax = axes[i, j]
            for k, label in enumerate(labels):
                r = s[
                    (s["label"] == label)
                    & (s["origin"] == o)
                    & (s["destination"] == d)
                    & (s["channel"] == channel)
                ].sort_values("year")
                if r.empty:
                    continue
                c = colours[k % len(colours)]
                ax.plot(r["year"], r["mean"] / 1e3, color=c, label=label)
                ax.fill_between(r["year"], r["p05"] / 1e3, r["p95"] / 1e3, color=c, alpha=0.2)
            ax.tick_params(labelsize=7)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
            if j == 0:
                ax.set_ylabel(f"{corridor}\n(thousand)", fontsize=8)
            if i == 0:
                ax.set_title(f"{channel}", fontsize=9)
    axes[0, 1].legend(fontsize=7, loc="upper left")
    fig.suptitle(
        f"{title}: scenarios side by side (mean and 90% interval across replicates)", fontsize=10
    )
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    return fig


def _report(
    root: Path, labels, reference, headline, stock_diff, figures, note="", say=((), ()), apart=()
):
    """``report.md`` and ``report.html``. ``apart``: the corridors left out of every total
    over corridors (the rest of the world's), named under the stock change when there are
    any, so a reader does not take the totals for every migrant in the region."""
    wide = headline.pivot(index="label", columns="indicator", values="mean").reindex(labels)
    intro, items = say
    apart_text = (
        "The headline indicators and this total count the modelled origins only. The rest "
        f"of the world's corridors ({', '.join(apart)}) are not added in: they have their "
        "own rows in `summary.csv` and `differences.csv` and their own panels in the figures."
        if apart
        else ""
    )
    lines = [
        f"# Comparison of batch `{root.name}`",
        "",
        *([f"**{note}**", ""] if note else []),
        "## What we can and cannot say",
        "",
        *(x for p in intro for x in (p, "")),
        *(f"- {item}" for item in items),
        *([""] if items else []),
        f"Scenarios: {', '.join(labels)}. Reference: `{reference}`. Means and 90% "
        "intervals (5th-95th percentile) across replicates; differences are paired by "
        "replicate (common random numbers).",
        "",
        "## Headline indicators (modelled origins; means over replicates)",
        "",
        wide.to_markdown(floatfmt=",.3g") if _has_tabulate() else wide.to_string(),
        "",
        f"## Change in the final-year stock against `{reference}` (people, all "
        "corridors of the modelled origins; mean and 90% interval of the paired differences)",
        "",
        *([apart_text, ""] if apart_text else []),
        stock_diff.to_markdown(index=False, floatfmt=",.0f")
        if _has_tabulate()
        else stock_diff.to_string(index=False),
        "",
    ]
    for stem, title in figures.items():
        lines += [f"## {title}", "", f"![{title}]({stem}.png)", ""]
    lines += [
        "Data: `summary.csv`, `differences.csv`, `headline.csv`, "
        "`final_stock_change.csv` in this folder.",
        "",
    ]
    md = "\n".join(lines)
    body = [
        f"<h1>Comparison of batch <code>{html_escape(root.name)}</code></h1>",
        *([f"<p><strong>{html_escape(note)}</strong></p>"] if note else []),
        "<h2>What we can and cannot say</h2>",
        *(f"<p>{_md_to_html(p)}</p>" for p in intro),
        *(["<ul>", *(f"<li>{_md_to_html(i)}</li>" for i in items), "</ul>"] if items else []),
        f"<p>Scenarios: {', '.join(labels)}. Reference: <code>{reference}</code>. Means "
        "and 90% intervals across replicates; differences paired by replicate.</p>",
        "<h2>Headline indicators (modelled origins; means over replicates)</h2>",
        wide.to_html(float_format=lambda x: f"{x:,.3g}"),
        f"<h2>Change in the final-year stock against <code>{reference}</code> (all "
        "corridors of the modelled origins)</h2>",
        *([f"<p>{_md_to_html(apart_text)}</p>"] if apart_text else []),
        stock_diff.to_html(index=False, float_format=lambda x: f"{x:,.0f}"),
    ]
    for stem, title in figures.items():
        body += [f"<h2>{title}</h2>", f'<img src="{stem}.png" style="max-width:100%">']
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>corridors comparison"
        "</title><style>body{font-family:sans-serif;max-width:70em;margin:auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
        "</style></head><body>" + "\n".join(body) + "</body></html>"
    )
    return md, html


def _md_to_html(text: str) -> str:
    """The little Markdown the "what we can say" section uses: backticks and bold."""
    out = html_escape(text)
    out = re.sub(r"`([^`]*)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]*)\*\*", r"<strong>\1</strong>", out)


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True
