"""Posterior draws replace calibrated values, not the values a scenario sets on purpose
(scenarios/posterior.py ``apply_draw``).

Why: two fitted names are levers or drivers (Malaysia's arrest probability, Malaysia's
amnesty-eligible share) and a preset may set them. The crackdown sets Malaysia's arrest
probability to 0.025; a draw written over it made the crackdown run with the baseline's
enforcement in Malaysia whenever parameter uncertainty was on (batches, the dashboard).
"""

from __future__ import annotations

import pandas as pd
import pytest
import tomli_w

from corridors.batchspec import load_batch
from dashboards.replicates import replicate_scenarios
from scenarios.posterior import apply_draw, calibrated_values, is_observation, load_draws
from scenarios.scenario import load_scenario

ARREST_MYS = "enforcement_monthly_arrest_probability.MYS"


def value(scenario, key: str):
    name, _, sub = key.partition(".")
    v = scenario.values[name]
    return v[sub] if sub else v


@pytest.fixture(scope="module")
def draws() -> pd.DataFrame:
    d = load_draws()
    assert d is not None and len(d) >= 2
    return d


def test_a_baseline_takes_every_fitted_value_of_the_draw(draws):
    baseline = load_scenario("baseline")
    for i in range(3):
        drawn = apply_draw(baseline, draws, i)
        for key, v in draws.iloc[i].items():
            if not is_observation(str(key)):
                assert value(drawn, str(key)) == pytest.approx(float(v)), key


def test_the_crackdown_keeps_its_own_arrest_probability_in_every_draw(draws):
    crackdown = load_scenario("crackdown")
    assert value(crackdown, ARREST_MYS) == 0.025 != calibrated_values()[ARREST_MYS]
    for i in range(len(draws)):
        drawn = apply_draw(crackdown, draws, i)
        assert value(drawn, ARREST_MYS) == 0.025
        # the parameters it does not set still come from the draw
        rate = "return_hazard_per_month"
        assert value(drawn, rate) == pytest.approx(draws.iloc[i][rate])


def test_a_value_set_by_hand_wins_and_one_left_calibrated_does_not(draws):
    """A few hand-built cases against a made-up calibrated point."""
    scenario = load_scenario("baseline")
    calibrated = {"return_hazard_per_month": 0.001, ARREST_MYS: 0.5}
    made_up = pd.DataFrame([{"return_hazard_per_month": 0.02, ARREST_MYS: 0.7}])
    own = scenario.with_values(return_hazard_per_month=0.001)  # equals the calibrated value
    drawn = apply_draw(own, made_up, 0, calibrated=calibrated)
    assert value(drawn, "return_hazard_per_month") == 0.02  # replaced by the draw
    assert value(drawn, ARREST_MYS) == value(own, ARREST_MYS)  # != 0.5: set by the scenario


def test_a_batch_sweep_point_wins_over_the_draw_and_a_preset_keeps_its_levers(tmp_path):
    spec = {
        "name": "draws_and_points",
        "scenarios": ["crackdown"],
        "replicates": 2,
        "parameter_uncertainty": True,
        "settings": {"end": "2012-12", "people_per_agent": 20000},
        "sweep": {"method": "grid", "values": {"return_hazard_per_month": [0.0123]}},
    }
    (tmp_path / "b.toml").write_text(tomli_w.dumps(spec))
    batch = load_batch(tmp_path / "b.toml")
    for task in batch.tasks():
        scenario = batch.scenario_for(task)
        assert value(scenario, "return_hazard_per_month") == 0.0123
        assert value(scenario, ARREST_MYS) == 0.025


def test_the_dashboards_replicates_keep_the_crackdown(draws):
    runs = replicate_scenarios(load_scenario("crackdown"), 3, parameter_uncertainty=True)
    assert [value(s, ARREST_MYS) for s in runs] == [0.025] * 3
    assert len({value(s, "decision_rate_per_month") for s in runs}) == 3
