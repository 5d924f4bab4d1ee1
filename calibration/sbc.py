"""Simulation-based calibration of a posterior method (Talts et al. 2018): does the method's
posterior carry the uncertainty it claims?

For each of K truths drawn from the prior, the model is run at the truth, the measurement
noise the likelihood assumes is added, and the posterior is computed from that synthetic
data exactly as from the real targets. If the method is calibrated, the posterior CDF at
the truth is uniform over the truths for every parameter, and a central 90% interval holds
the truth 90% of the time. Over-confident posteriors pile the CDF values at 0 and 1
(U-shaped histograms, coverage below 90%); over-dispersed ones in the middle.

Why here and not only in a test: the check is the evidence that the shipped posterior's
widths mean what they say, so it is part of the fit report.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from corridors.atomic import write_text_atomic

from .emulator import Emulator, Measurement
from .tempering import tempered_posterior

__all__ = [
    "RANK_FAMILY_ALPHA",
    "SBC_BINS",
    "non_uniform_ranks",
    "plot_rank_histograms",
    "sbc_cdfs",
    "sbc_column",
    "sbc_table",
]

SBC_BINS = 5
"""Bins of the rank histograms (about six truths a bin at 30 truths)."""

RANK_FAMILY_ALPHA = 0.05
"""The chance, over all parameters together, of wrongly rejecting a calibrated method's ranks
as uniform: each parameter's Kolmogorov-Smirnov p-value is compared with this over the number
of parameters (Bonferroni), so that at most one time in twenty is any parameter of a
calibrated method flagged."""

PROBES, PROBE_SEED = 8, 20261206
"""Fixed points in the unit cube at which the emulator's predictions go into a checkpoint's
shared digest."""

SBC_CHUNK = 4
"""Truths per worker between two checkpoints (a posterior costs tens of seconds)."""


def sbc_cdfs(
    emulator: Emulator,
    m: Measurement,
    truths: np.ndarray,
    simulated_log: np.ndarray,
    seed: int,
    executor=None,
    workers: int = 1,
    checkpoint: Path | None = None,
    **sampler,
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior CDF at each truth (truths x parameters) and each posterior's effective
    sample size. ``simulated_log`` holds the model's log target values at each truth (one
    run, its own seed); the measurement noise of ``m`` is added here. With an ``executor``
    the truths go in ``workers`` contiguous chunks to its processes (each posterior costs
    tens of seconds at the default calibration's size); the noise is drawn here, in the
    truths' order, and each posterior has its own seed, so the result does not depend on
    ``workers``. With a ``checkpoint`` path the finished truths are kept there after every
    :data:`SBC_CHUNK` x ``workers`` of them, each under a key of its own (the emulator's
    prediction at it, its data, its seed and the sampler) beside a digest of what all share
    (the measurement, the emulator at fixed probes; :class:`_Basis`): a rerun keeps every
    truth whose key is unchanged, so a run extended with more truths (the verdicts' advice
    when coverage misses by no more than the truths' noise) computes only the new ones. The
    truths and their noise are drawn in order, so the first truths of a longer run are those
    of a shorter one with the same seed."""
    rng = np.random.default_rng(seed)
    datas = np.array([z + rng.normal(0.0, m.sd) for z in simulated_log]).reshape(
        simulated_log.shape
    )
    seeds = [seed + 1 + k for k in range(len(truths))]
    d = truths.shape[1]
    basis = _Basis.of(emulator, m, truths, datas, seeds, sampler) if checkpoint else None
    keys = basis.keys() if basis else []
    done = _load_checkpoint(checkpoint, basis, keys) if checkpoint and basis else {}
    todo = [k for k in range(len(truths)) if k not in done]
    step = max(1, workers) * SBC_CHUNK if checkpoint else max(1, len(todo))
    for start in range(0, len(todo), step):
        ks = todo[start : start + step]
        cdfs, ess = _sbc_split(
            emulator, m, truths[ks], datas[ks], [seeds[k] for k in ks], sampler, executor, workers
        )
        for k, c, e in zip(ks, cdfs, ess, strict=True):
            done[k] = (c, float(e))
        if checkpoint and basis:
            rows = {str(k): [v[1], *map(float, v[0])] for k, v in sorted(done.items())}
            kept = {str(k): keys[k] for k in sorted(done)}
            saved = {"shared": basis.shared, "keys": kept, "truths": rows}
            write_text_atomic(checkpoint, json.dumps(saved))
    if not truths.size:
        return np.empty((0, d)), np.empty(0)
    return (
        np.array([done[k][0] for k in range(len(truths))]).reshape(len(truths), d),
        np.array([done[k][1] for k in range(len(truths))]),
    )


def _sbc_split(emulator, m, truths, datas, seeds, sampler, executor, workers):
    """:func:`_sbc_chunk` over ``truths``, in ``workers`` contiguous parts when there is an
    executor."""
    if executor is None or workers <= 1 or len(truths) < 2:
        return _sbc_chunk(emulator, m, truths, datas, seeds, sampler)
    bounds = np.linspace(0, len(truths), min(workers, len(truths)) + 1).astype(int)
    futures = [
        executor.submit(_sbc_chunk, emulator, m, truths[a:b], datas[a:b], seeds[a:b], sampler)
        for a, b in itertools.pairwise(bounds)
    ]
    parts = [f.result() for f in futures]
    return np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


@dataclass(frozen=True)
class _Basis:
    """What the truths' posteriors are computed from: the emulator's predictions at them (a
    refit on other runs changes them), the truths, their data and seeds, the sampler and the
    emulator's tail (in each truth's key); and, shared by all truths, the measurement the
    likelihood reads (its sds, floors and the targets' weights: a target left out of the fit
    has weight 0) and the emulator's predictions at fixed probe points (a refit that happens
    to agree at one truth does not at all of them)."""

    mu: np.ndarray
    sd: np.ndarray
    truths: np.ndarray
    datas: np.ndarray
    seeds: np.ndarray
    common: bytes
    shared: str

    @classmethod
    def of(cls, emulator, m: Measurement, truths, datas, seeds, sampler) -> _Basis:
        mu, sd = emulator.predict(truths) if len(truths) else (np.empty(0), np.empty(0))
        common = repr(sorted(sampler.items())).encode()
        common += repr(getattr(emulator, "tail_df", None)).encode()
        probes = np.random.default_rng(PROBE_SEED).random((PROBES, truths.shape[1]))
        shared = _digest((*emulator.predict(probes), m.sd, m.floor, m.weight), common)
        seeds_array = np.asarray(seeds, dtype=np.int64)
        return cls(mu, sd, truths, datas, seeds_array, common, shared)

    def keys(self) -> list[str]:
        """One key per truth, so that adding truths keeps the finished ones."""
        return [
            _digest(
                (self.mu[k], self.sd[k], self.truths[k], self.datas[k], self.seeds[k : k + 1]),
                self.common,
            )
            for k in range(len(self.truths))
        ]

    def whole_run_fingerprint(self, n: int) -> str:
        """The one fingerprint over a run of the first ``n`` truths that checkpoints had before
        per-truth keys (until 6 December 2026), so that a run made then still resumes."""
        s = slice(0, n)
        parts = (self.mu[s], self.sd[s], self.truths[s], self.datas[s], self.seeds[s])
        return _digest(parts, self.common)


def _digest(arrays, common: bytes) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(np.round(a, 10), dtype=float).tobytes())
    h.update(common)
    return h.hexdigest()


def _load_checkpoint(
    path: Path, basis: _Basis, keys: list[str]
) -> dict[int, tuple[np.ndarray, float]]:
    """The finished truths of ``path`` whose key is unchanged, none when what all truths
    share has changed. Checkpoints written before 6 December 2026 carry no shared digest and
    are trusted as they were then: one with per-truth keys by those keys; one of the earlier
    form (one fingerprint over a run of ``n`` truths) whole when its fingerprint is that of
    the first ``n`` truths here, for any ``n`` from its finished ones to all. A file that
    cannot be read as either is ignored (every truth is computed again)."""
    if not path.exists():
        return {}
    try:
        saved = json.loads(path.read_text())
        rows = {int(k): (np.array(v[1:]), float(v[0])) for k, v in saved["truths"].items()}
        kept = saved.get("keys")
        if kept is not None and not isinstance(kept, dict):
            return {}
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return {}
    if saved.get("shared", basis.shared) != basis.shared:
        return {}
    if kept is not None:
        return {k: v for k, v in rows.items() if k < len(keys) and kept.get(str(k)) == keys[k]}
    old = saved.get("fingerprint")
    for n in range(max(rows, default=-1) + 1, len(basis.truths) + 1):
        if old == basis.whole_run_fingerprint(n):
            return rows
    return {}


def _sbc_chunk(
    emulator: Emulator,
    m: Measurement,
    truths: np.ndarray,
    datas: np.ndarray,
    seeds: list[int],
    sampler: dict,
) -> tuple[np.ndarray, np.ndarray]:
    """The posterior CDF at each of ``truths`` from its synthetic ``datas``, and the ESS.

    With one BLAS thread: the truths are what runs in parallel (one process per core), and a
    BLAS pool of its own in every process put two busy threads on each core (on the default
    calibration, 2026-12-04: four runnable threads on two cores, and not 8 truths done in
    9 minutes)."""
    from threadpoolctl import threadpool_limits

    cdfs, ess = [], []
    with threadpool_limits(limits=1, user_api="blas"):
        for truth, data, s in zip(truths, datas, seeds, strict=True):

            def loglik(u, data=data):
                return emulator.log_likelihood(u, m, centre=data)

            post = tempered_posterior(loglik, truths.shape[1], s, **sampler)
            cdfs.append(post.cdf_at(truth))
            ess.append(post.effective_sample_size)
    return np.array(cdfs).reshape(len(truths), truths.shape[1]), np.array(ess)


def sbc_table(cdfs: np.ndarray, names: tuple[str, ...]) -> pd.DataFrame:
    """Per parameter: the share of truths inside the central 90% interval, the
    Kolmogorov-Smirnov p-value of the CDF values against uniform, and the histogram."""
    from scipy.stats import kstest

    rows = []
    for j, name in enumerate(names):
        f = cdfs[:, j]
        counts = np.histogram(f, bins=SBC_BINS, range=(0.0, 1.0))[0]
        rows.append(
            {
                "parameter": name,
                "truths": len(f),
                "coverage_90": float(np.mean((f > 0.05) & (f < 0.95))),
                "ks_p_value": float(kstest(f, "uniform").pvalue),
                "histogram": " ".join(str(int(c)) for c in counts),
            }
        )
    return pd.DataFrame(rows)


def sbc_column(sbc: pd.DataFrame, column: str) -> dict[str, float]:
    """One column of an :func:`sbc_table` (as written to ``sbc.csv``) by parameter name, as the
    run's summary keeps it."""
    return {str(k): float(v) for k, v in zip(sbc["parameter"], sbc[column], strict=True)}


def plot_rank_histograms(cdfs: np.ndarray, names: tuple[str, ...], path: Path) -> None:
    """One small histogram of the CDF values per parameter, with the uniform expectation and
    its 90% band (binomial), as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy.stats import binom

    k = len(cdfs)
    cols = 4
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3 * cols, 2.2 * rows), squeeze=False)
    expected = k / SBC_BINS
    lo, hi = binom.ppf([0.05, 0.95], k, 1 / SBC_BINS)
    for j, ax in enumerate(axes.flat):
        if j >= len(names):
            ax.axis("off")
            continue
        ax.axhspan(lo, hi, color="0.85")
        ax.axhline(expected, color="0.4", lw=0.8)
        ax.hist(cdfs[:, j], bins=SBC_BINS, range=(0, 1), color="#4477aa", edgecolor="white")
        ax.set_title(names[j], fontsize=7)
        ax.tick_params(labelsize=6)
    fig.suptitle(f"Simulation-based calibration: posterior CDF at {k} truths", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


def non_uniform_ranks(ks_p_values: dict[str, float]) -> dict[str, float]:
    """The parameters whose posterior CDF values at the truths are rejected as uniform: a
    Kolmogorov-Smirnov p-value below :data:`RANK_FAMILY_ALPHA` over the number of parameters
    (Bonferroni), with their p-values. Why: issue 15 asks for uniform ranks as well as
    coverage; a posterior can hold the truth 90% of the time and still lean to one side,
    which coverage alone does not see."""
    if not ks_p_values:
        return {}
    threshold = RANK_FAMILY_ALPHA / len(ks_p_values)
    return {k: p for k, p in ks_p_values.items() if p < threshold}
