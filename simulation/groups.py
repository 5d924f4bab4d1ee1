"""Small array helpers for admitting people up to per-group capacities."""

from __future__ import annotations

import numpy as np

__all__ = ["admit_within_capacity", "rank_within_groups", "stochastic_round"]


def rank_within_groups(groups: np.ndarray) -> np.ndarray:
    """Occurrence number of each element within its group, in array order (0, 1, 2, ...)."""
    if len(groups) == 0:
        return np.zeros(0, np.int64)
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_groups)) + 1]
    lengths = np.diff(np.r_[starts, len(groups)])
    rank_sorted = np.arange(len(groups)) - np.repeat(starts, lengths)
    rank = np.empty(len(groups), np.int64)
    rank[order] = rank_sorted
    return rank


def stochastic_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Round down or up with probability equal to the fraction (unbiased)."""
    x = np.maximum(np.asarray(x, dtype=float), 0.0)
    base = np.floor(x)
    return (base + (rng.random(x.shape) < (x - base))).astype(np.int64)


def admit_within_capacity(groups: np.ndarray, capacity_agents: np.ndarray) -> np.ndarray:
    """Boolean mask: the first ``capacity_agents[g]`` elements of each group ``g`` (in array
    order, so shuffle first for a fair lottery)."""
    return rank_within_groups(groups) < capacity_agents[groups]
