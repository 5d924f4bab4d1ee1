"""Issue 12, item 17: the ABC stage of ``corridors calibrate`` is reproducible. Two clean runs
with the same seed give the same posterior, on one process or on a pool of two workers, and
a calibration interrupted after its first generation and resumed gives what a clean one does.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from test_calibration import _small_config

from calibration.abc_smc import run_abc
from corridors.batch import make_executor


def _config(tmp_path, generations: int):
    """The checkpoint test's small calibration, smaller still: 8 particles, 10,000 people
    per agent."""
    config = _small_config(tmp_path, 0, generations)
    return dataclasses.replace(
        config, abc_population=8, scenario=config.scenario.with_values(people_per_agent=10_000)
    )


def _abc(tmp_path, name: str, workers: int, generations: list[int]) -> dict:
    """run_abc into a new folder, once per entry of ``generations`` (a resumed run: the
    later calls go on from the database the earlier ones left)."""
    out = tmp_path / name
    out.mkdir()
    executor, close = make_executor(workers, None, workers <= 1)
    try:
        for g in generations:
            result = run_abc(_config(tmp_path, g), out, executor, workers)
    finally:
        close()
    return result


def _same(a: dict, b: dict) -> None:
    pd.testing.assert_frame_equal(a["particles"], b["particles"], check_exact=True)
    pd.testing.assert_frame_equal(a["draws"], b["draws"], check_exact=True)
    for key in ("epsilons", "generations", "model_runs", "effective_sample_size"):
        assert a[key] == b[key], key


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict:
    return _abc(tmp_path_factory.mktemp("abc"), "clean", 1, [2])


def test_two_clean_runs_give_the_same_posterior(clean, tmp_path):
    again = _abc(tmp_path, "again", 1, [2])
    _same(clean, again)
    assert clean["generations"] == 2 and len(clean["particles"]) == 8
    # not a degenerate posterior that any seed would give
    assert clean["particles"].drop(columns="weight").nunique().min() > 1


def test_two_workers_give_the_posterior_of_one(clean, tmp_path):
    _same(clean, _abc(tmp_path, "pool", 2, [2]))


def test_a_resumed_calibration_gives_the_posterior_of_a_clean_one(clean, tmp_path):
    _same(clean, _abc(tmp_path, "resumed", 1, [1, 2]))
