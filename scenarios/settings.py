"""Run settings: seed, length and scale of a run."""

from __future__ import annotations

from .declarations import Declaration

__all__ = ["SETTINGS"]

SETTINGS: tuple[Declaration, ...] = (
    Declaration(
        "seed",
        "int",
        "global",
        20100101,
        0,
        2**63 - 1,
        "integer",
        "run",
        "Root seed of the run's random numbers; same seed, same results.",
    ),
    Declaration(
        "end",
        "int",
        "global",
        251,
        0,
        311,
        "months after 2010-01",
        "run",
        'Last simulated month, written "YYYY-MM" in scenario files (default 2030-12; '
        "at most 2035-12).",
    ),
    Declaration(
        "people_per_agent",
        "float",
        "global",
        500.0,
        1.0,
        1_000_000.0,
        "people per worker agent",
        "run",
        "How many people each worker agent stands for. Results are always in people.",
    ),
)
