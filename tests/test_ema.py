"""The EMA Workbench adapter (issue 17, item 2): EMA's own ``perform_experiments`` runs the real
simulation, and each experiment's outcomes equal what corridors' own run gives for the same
lever and parameter values, posterior draw and seed; unknown names are clear errors; a lever
EMA sets really changes the scenario."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import tomli_w

from corridors.batchspec import replicate_seeds
from corridors.cli import main as corridors
from corridors.ema import CorridorsRun, corridors_model, ema_name, run_outcomes
from dashboards.replicates import headline_per_replicate
from scenarios.errors import ScenarioError
from scenarios.posterior import load_draws
from scenarios.registry import SECTION_OF
from scenarios.scenario import load_scenario, scenario_from_dict
from simulation.measures import HEADLINE
from simulation.run import run_scenario

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="ipyparallel not installed")
    import ema_workbench as ema

END, SCALE = "2012-12", 20000
UNCERTAINTIES = ["beta_arrest_risk", "labour_demand_factor.MYS"]
LEVERS = ["enforcement_monthly_arrest_probability.MYS", "border_control"]
HEADLINES = [i.name for i in HEADLINE]


def own_scenario(base: str, values: dict, draw: int | None = None, seed: int | None = None):
    """The same experiment written as a scenario file would write it (``extends`` and tables
    merged key by key), without the adapter's code: the posterior draw's values first, then
    the experiment's own values."""
    data: dict = {"extends": base, "settings": {"end": END, "people_per_agent": SCALE}}
    if seed is not None:
        data["settings"]["seed"] = seed
    rows: dict = {}
    if draw is not None:
        row = load_draws().iloc[draw]
        rows.update({k: float(v) for k, v in row.items() if not k.startswith("census_coverage")})
    rows.update(values)
    for key, value in rows.items():
        name, _, sub = key.partition(".")
        section = data.setdefault(SECTION_OF[name], {})
        if sub:
            section.setdefault(name, {})[sub] = value
        else:
            section[name] = value
    return data


def own_headline(data: dict) -> pd.Series:
    """The headline indicators of one run of ``data``, computed as the dashboard does."""
    table = run_scenario(scenario_from_dict(data)).table
    for k in ("month", "origin", "destination", "channel", "measure"):
        table[k] = table[k].astype(str)
    table = table[~table["measure"].str.startswith("people_")].assign(replicate=0)
    return headline_per_replicate(table).iloc[0]


@pytest.fixture(scope="module")
def experiments():
    model = corridors_model(
        "crackdown",
        uncertainties=UNCERTAINTIES,
        levers=LEVERS,
        ranges={
            "beta_arrest_risk": [5, 40],
            "enforcement_monthly_arrest_probability.MYS": [0, 0.05],
        },
        posterior_draw=True,
        people_per_agent=SCALE,
        end=END,
    )
    return model, *ema.perform_experiments(
        model, scenarios=4, policies=2, evaluator=ema.SequentialEvaluator(model)
    )


def test_perform_experiments_runs_the_model_and_matches_corridors_own_run(experiments):
    model, exp, outcomes = experiments
    assert len(exp) == 8 and set(outcomes) == set(HEADLINES)
    assert exp["posterior_draw"].between(0, len(load_draws()) - 1).all()
    assert exp["beta_arrest_risk"].between(5, 40).all()
    seed = load_scenario("crackdown").seed
    for i, row in exp.iterrows():
        values = {k: float(row[ema_name(k)]) for k in UNCERTAINTIES + LEVERS}
        own = own_headline(own_scenario("crackdown", values, draw=int(row["posterior_draw"])))
        for name in HEADLINES:
            assert outcomes[name][i] == pytest.approx(own[name], rel=1e-12, abs=1e-9), (i, name)
        # and the run really used this experiment's scenario, not the base's
        assert model.function.scenario(**row[list(model.function.keys)].to_dict()).seed == seed
    # the experiments differ, so do their outcomes (the values reached the model)
    assert len(set(np.round(outcomes["deportations"], 6))) > 1


def test_one_experiment_equals_corridors_run_on_the_command_line(experiments, tmp_path):
    """The strongest check: the experiment written as a scenario file and run by
    ``corridors run`` gives the same headline numbers."""
    _, exp, outcomes = experiments
    row = exp.iloc[5]
    values = {k: float(row[ema_name(k)]) for k in UNCERTAINTIES + LEVERS}
    data = own_scenario("crackdown", values, draw=int(row["posterior_draw"]))
    data["name"] = "ema_experiment"
    (tmp_path / "s.toml").write_text(tomli_w.dumps(data))
    assert (
        corridors(["run", str(tmp_path / "s.toml"), "--out", str(tmp_path / "r"), "--quiet"]) == 0
    )
    table = pd.read_parquet(tmp_path / "r" / "results.parquet")
    for k in ("month", "origin", "destination", "channel", "measure"):
        table[k] = table[k].astype(str)
    table = table[~table["measure"].str.startswith("people_")].assign(replicate=0)
    cli = headline_per_replicate(table).iloc[0]
    for name in HEADLINES:
        assert outcomes[name][5] == pytest.approx(cli[name], rel=1e-12, abs=1e-9), name


def test_measure_in_a_year_outcomes_and_the_replicate_seeds():
    model = corridors_model(
        "baseline",
        levers=["border_control"],
        outcomes=["stock_irregular_2011", "stock_2011", "deportations_2012"],
        replicates=3,
        root_seed=5,
        people_per_agent=SCALE,
        end=END,
    )
    run: CorridorsRun = model.function
    seeds = replicate_seeds(5, 3)
    assert [run.scenario(replicate=r).seed for r in range(3)] == seeds
    scenario = run.scenario(replicate=2, border_control=0.3)
    got = run(replicate=2, border_control=0.3)
    table = run_scenario(scenario).table
    month = table["month"].astype(str)
    stock = table[(table["measure"] == "stock") & (month == "2011-12")]
    assert got["stock_2011"] == pytest.approx(stock["value"].sum())
    irregular = stock[stock["channel"].astype(str) == "irregular"]["value"].sum()
    assert got["stock_irregular_2011"] == pytest.approx(irregular)
    assert 0 < got["stock_irregular_2011"] < got["stock_2011"]
    dep = table[(table["measure"] == "deportations") & month.str.startswith("2012")]
    assert got["deportations_2012"] == pytest.approx(dep["value"].sum())
    assert {p.name for p in model.uncertainties} == {"replicate"}
    assert [o.kind for o in model.outcomes] == [ema.ScalarOutcome.INFO] * 3


def test_headline_outcomes_carry_their_direction_and_levers_their_declared_range():
    model = corridors_model(
        posterior_draw=True,
        levers=["recruitment_fee_cap_usd.KHM", "adaptive_policy", "annual_regular_quota"],
        uncertainties=["corridor_constant.VNM-MYS"],
        end=END,
    )
    kinds = {o.name: o.kind for o in model.outcomes}
    assert kinds["remittances_received_usd"] == ema.ScalarOutcome.MAXIMIZE
    assert kinds["deportations"] == ema.ScalarOutcome.MINIMIZE
    levers = {p.name: p for p in model.levers}
    fee = levers["recruitment_fee_cap_usd__KHM"]
    assert (fee.lower_bound, fee.upper_bound) == (0.0, 10000.0)
    assert isinstance(levers["adaptive_policy"], ema.BooleanParameter)
    assert isinstance(levers["annual_regular_quota"], ema.IntegerParameter)
    assert model.uncertainties["corridor_constant__VNM_MYS"].lower_bound == -5.0
    # a per-country key changes that country only; a name without key sets every country
    s = model.function.scenario(recruitment_fee_cap_usd__KHM=123.0, annual_regular_quota=7.4)
    assert s["recruitment_fee_cap_usd"]["KHM"] == 123.0
    assert (
        s["recruitment_fee_cap_usd"]["LAO"]
        == load_scenario("baseline")["recruitment_fee_cap_usd"]["LAO"]
    )
    assert set(s["annual_regular_quota"].values()) == {7}


@pytest.mark.parametrize(
    ("kwargs", "key", "fragment"),
    [
        ({"uncertainties": ["no_such_driver"]}, "drivers or parameters", "beta_arrest_risk"),
        ({"uncertainties": [], "levers": ["border_control"]}, "uncertainties", "replicates=2"),
        ({"uncertainties": ["border_control"]}, "drivers or parameters", "nest_scale"),
        ({"levers": ["beta_arrest_risk"]}, "levers", "border_control"),
        ({"levers": ["amnesty_start"]}, "levers", "numeric or true/false"),
        ({"levers": ["border_control.XXX"]}, "levers.border_control.XXX", "'MYS'"),
        ({"levers": ["asean_japan_training_cooperation.JPN"]}, "levers.", "global-level"),
        ({"outcomes": ["happiness"]}, "outcomes", "irregular_share_final_year"),
        ({"outcomes": ["stock_2031"]}, "outcomes", "2012"),
        ({"outcomes": []}, "outcomes", "headline"),
        ({"levers": ["border_control"], "ranges": {"border_control": [0.5, 2]}}, "ranges", "1"),
        ({"ranges": {"border_control": [0, 1]}}, "ranges", "uncertainties or levers"),
        ({"uncertainties": ["nest_scale", "nest_scale"]}, "uncertainties", "each name once"),
        ({"replicates": 0}, "replicates", ">= 1"),
        ({"end": "2099-01"}, "end", "2035"),
    ],
)
def test_bad_names_are_clear_errors(kwargs, key, fragment):
    with pytest.raises(ScenarioError) as err:
        corridors_model(**{"end": END, "uncertainties": ["nest_scale"], **kwargs})
    assert err.value.file == "corridors.ema"
    assert err.value.key.startswith(key), err.value.key
    assert fragment in str(err.value)


def test_a_lever_set_by_ema_changes_the_run_border_control_cuts_irregular_entry():
    """Over four seeded replicates, EMA's policy with tight border control gives fewer
    irregular entries than its policy with none, in every replicate."""
    model = corridors_model(
        "baseline",
        levers=["border_control"],
        outcomes=["irregular_by_entry_irregular_2012", "irregular_share_final_year"],
        replicates=4,
        root_seed=11,
        people_per_agent=SCALE,
        end=END,
    )
    scenarios = [ema.Sample(replicate=r) for r in range(4)]
    policies = [ema.Sample("open", border_control=0.0), ema.Sample("closed", border_control=0.9)]
    exp, out = ema.perform_experiments(model, scenarios=scenarios, policies=policies)
    frame = exp[["replicate", "policy"]].assign(entry=out["irregular_by_entry_irregular_2012"])
    wide = frame.pivot(index="replicate", columns="policy", values="entry")
    assert (wide["closed"] < wide["open"]).all(), wide
    assert (wide["open"] > 0).all()


def test_multiprocessing_evaluator_gives_the_sequential_results():
    model = corridors_model(
        "crackdown",
        uncertainties=["beta_arrest_risk"],
        levers=["border_control"],
        outcomes=["irregular_share_final_year", "deportations"],
        people_per_agent=SCALE,
        end="2011-06",
    )
    scenarios = [ema.Sample(beta_arrest_risk=b) for b in (5.0, 30.0)]
    policies = [ema.Sample("p", border_control=0.5)]
    with ema.MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        _, parallel = evaluator.perform_experiments(scenarios=scenarios, policies=policies)
    _, serial = ema.perform_experiments(model, scenarios=scenarios, policies=policies)
    for name in serial:
        np.testing.assert_array_equal(parallel[name], serial[name])


def test_emas_optimiser_searches_the_levers_and_its_solutions_rerun_to_their_objectives(tmp_path):
    """EMA's many-objective search (platypus) over two levers for two headline objectives: a
    non-dominated set whose every solution, rerun through the adapter, gives its objectives."""
    model = corridors_model(
        "baseline",
        uncertainties=["beta_arrest_risk"],
        levers=["border_control.THA", "recruitment_fee_cap_usd"],
        outcomes=["irregular_share_final_year", "recruitment_fees_paid_usd"],
        people_per_agent=SCALE,
        end="2011-06",
    )
    reference = ema.Sample("reference", beta_arrest_risk=20.0)
    with ema.SequentialEvaluator(model) as evaluator:
        results = evaluator.optimize(
            nfe=16,
            population_size=8,
            searchover="levers",
            reference=reference,
            epsilons=[0.01, 1e7],
            filename="archive.tar.gz",
            directory=str(tmp_path),
            rng=[7],
        )
    pareto = results[0][0] if isinstance(results, list) else results[0]
    assert len(pareto) >= 1
    objectives = pareto[["irregular_share_final_year", "recruitment_fees_paid_usd"]].to_numpy()
    for a in objectives:  # nobody in the set is dominated by another
        assert not any((b <= a).all() and (b < a).any() for b in objectives)
    for _, row in pareto.iterrows():
        again = model.function(
            beta_arrest_risk=20.0,
            border_control__THA=row["border_control__THA"],
            recruitment_fee_cap_usd=row["recruitment_fee_cap_usd"],
        )
        assert again["irregular_share_final_year"] == pytest.approx(
            row["irregular_share_final_year"]
        )
        assert again["recruitment_fees_paid_usd"] == pytest.approx(row["recruitment_fees_paid_usd"])


def test_run_outcomes_is_the_same_run_twice():
    scenario = load_scenario("baseline").with_values(people_per_agent=SCALE, end="2011-06")
    a = run_outcomes(scenario, HEADLINES)
    assert a == run_outcomes(scenario, HEADLINES)
    assert 0 < a["irregular_share_final_year"] < 1
