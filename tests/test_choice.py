"""Unit tests of the nested-logit choice (``agents/choice.py``) and of the Worker agents."""

from __future__ import annotations

import itertools

import mesa
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from agents.choice import choose, nested_logit_probabilities
from agents.status import Legal, Status
from agents.worker import Worker
from scenarios.scenario import load_scenario
from simulation.model import MigrationModel
from simulation.run import run_scenario

NEG = -np.inf


def mnl(utility: np.ndarray, stay: float) -> np.ndarray:
    """Plain multinomial logit with staying as one more alternative, by hand."""
    out = []
    for row in utility:
        e = [np.exp(stay)] + [0.0 if np.isneginf(v) else np.exp(v) for v in row]
        total = sum(e)
        out.append([x / total for x in e])
    return np.array(out)


def nested_by_hand(row: np.ndarray, stay: float, lam: float) -> np.ndarray:
    """The formulas of the module docstring, one decider, no tricks."""
    feasible = [v for v in row if np.isfinite(v)]
    if not feasible:
        return np.r_[1.0, np.zeros(len(row))]
    s = sum(np.exp(v / lam) for v in feasible)
    iv = lam * np.log(s)
    p_go = np.exp(iv) / (np.exp(stay) + np.exp(iv))
    within = [0.0 if not np.isfinite(v) else np.exp(v / lam) / s for v in row]
    return np.r_[1.0 - p_go, p_go * np.array(within)]


# ---- probabilities ------------------------------------------------------------------------
UTIL = st.one_of(st.floats(-30, 30), st.just(NEG))


@settings(max_examples=200, deadline=None)
@given(
    utility=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 8)), elements=UTIL),
    stay=st.floats(-10, 20),
    lam=st.floats(0.05, 1.0),
)
def test_probabilities_are_a_distribution(utility, stay, lam):
    p = nested_logit_probabilities(utility, stay, lam)
    assert p.shape == (utility.shape[0], utility.shape[1] + 1)
    assert np.isfinite(p).all()
    assert (p >= 0).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    # infeasible alternatives never get probability
    assert (p[:, 1:][np.isneginf(utility)] == 0).all()
    for i, row in enumerate(utility):
        np.testing.assert_allclose(p[i], nested_by_hand(row, stay, lam), rtol=1e-9, atol=1e-12)


def test_infeasible_alternatives_get_zero():
    u = np.array([[1.0, NEG, 2.0, NEG]])
    p = nested_logit_probabilities(u, 0.5, 0.6)
    assert p[0, 2] == 0.0 and p[0, 4] == 0.0
    assert p[0, 1] > 0 and p[0, 3] > 0 and p[0, 0] > 0
    # an infeasible alternative changes nothing compared with leaving it out
    q = nested_logit_probabilities(np.array([[1.0, 2.0]]), 0.5, 0.6)
    np.testing.assert_allclose(p[0, [0, 1, 3]], q[0], rtol=1e-12)


def test_all_infeasible_means_stay():
    u = np.full((3, 5), NEG)
    for lam in (0.05, 0.5, 1.0):
        p = nested_logit_probabilities(u, np.array([-5.0, 0.0, 20.0]), lam)
        np.testing.assert_array_equal(p[:, 0], 1.0)
        np.testing.assert_array_equal(p[:, 1:], 0.0)
    # mixed: one decider with nothing feasible among others who can go
    mixed = np.array([[0.0, 1.0], [NEG, NEG], [2.0, NEG]])
    p = nested_logit_probabilities(mixed, 0.0, 0.5)
    assert p[1, 0] == 1.0 and p[0, 0] < 1.0 and p[2, 0] < 1.0


def test_nest_scale_one_is_multinomial_logit():
    u = np.array([[0.3, -1.2, 2.0, NEG], [5.0, 5.0, NEG, -4.0], [-2.0, 0.0, 1.0, 3.0]])
    for stay in (-1.0, 0.0, 3.0):
        np.testing.assert_allclose(
            nested_logit_probabilities(u, stay, 1.0), mnl(u, stay), rtol=1e-12, atol=1e-15
        )
    # hand-computed numbers: exp(0), exp(1), exp(2) with stay utility 0
    p = nested_logit_probabilities(np.array([[1.0, 2.0]]), 0.0, 1.0)
    total = 1.0 + np.e + np.e**2
    np.testing.assert_allclose(p[0], [1 / total, np.e / total, np.e**2 / total])


def test_nest_scale_below_one_differs_from_mnl():
    u = np.array([[1.0, 1.5, 0.2]])
    nested = nested_logit_probabilities(u, 1.0, 0.4)
    np.testing.assert_allclose(nested[0], nested_by_hand(u[0], 1.0, 0.4), rtol=1e-12)
    assert not np.allclose(nested, mnl(u, 1.0))
    # lambda * logsumexp(V / lambda) tends to max V as lambda -> 0: the nest is then worth
    # its best alternative only
    go_small = 1 - nested_logit_probabilities(u, 1.0, 0.05)[0, 0]
    go_max = np.exp(1.5) / (np.exp(1.0) + np.exp(1.5))
    assert go_small == pytest.approx(go_max, abs=1e-3)


def test_stay_utility_per_decider():
    u = np.array([[1.0, 0.0], [1.0, 0.0]])
    p = nested_logit_probabilities(u, np.array([0.0, 4.0]), 0.5)
    assert p[1, 0] > p[0, 0]
    np.testing.assert_allclose(p[0], nested_by_hand(u[0], 0.0, 0.5))
    np.testing.assert_allclose(p[1], nested_by_hand(u[1], 4.0, 0.5))


@pytest.mark.parametrize("lam", [0.1, 0.5, 1.0])
def test_raising_one_utility_raises_its_probability_and_lowers_stay(lam):
    base = np.array([[0.5, -0.3, 1.1, NEG]])
    p0 = nested_logit_probabilities(base, 1.0, lam)
    for k in range(3):
        up = base.copy()
        up[0, k] += 0.7
        p1 = nested_logit_probabilities(up, 1.0, lam)
        assert p1[0, k + 1] > p0[0, k + 1]
        assert p1[0, 0] < p0[0, 0]
        others = [j for j in range(3) if j != k]
        assert (p1[0, [j + 1 for j in others]] < p0[0, [j + 1 for j in others]]).all()
        assert p1[0, 4] == 0.0
    # raising the stay utility lowers every alternative
    p2 = nested_logit_probabilities(base, 2.0, lam)
    assert p2[0, 0] > p0[0, 0] and (p2[0, 1:4] < p0[0, 1:4]).all()


def test_extreme_utilities_do_not_overflow():
    u = np.array([[800.0, 790.0], [-800.0, -790.0], [800.0, NEG]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow is fine
        p = nested_logit_probabilities(u, 0.0, 0.05)
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert p[0, 1] == pytest.approx(1.0) and p[1, 0] == pytest.approx(1.0)
    assert p[2, 1] == pytest.approx(1.0)


# ---- drawing ------------------------------------------------------------------------------
def test_choose_reproduces_probabilities_in_frequency():
    rng = np.random.default_rng(12345)
    u = np.array([[0.4, -1.0, 1.2, NEG, 0.0]])
    p = nested_logit_probabilities(u, 1.0, 0.6)[0]
    n = 200_000
    chosen = choose(np.repeat(p[None, :], n, axis=0), rng.random(n))
    freq = np.bincount(chosen, minlength=len(p)) / n
    se = np.sqrt(p * (1 - p) / n)
    assert (np.abs(freq - p) <= 5 * se + 1e-12).all(), (freq, p)
    assert freq[4] == 0.0  # the infeasible alternative is never drawn
    assert chosen.min() >= 0 and chosen.max() <= len(p) - 1


def test_choose_with_different_rows():
    probs = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])
    u = np.array([0.3, 0.3, 0.3, 0.7])
    np.testing.assert_array_equal(choose(probs, u), [0, 2, 1, 2])
    # the uniform is inverted through the cumulative probabilities
    p = np.array([[0.2, 0.3, 0.5]])
    for x, want in ((0.1, 0), (0.25, 1), (0.49, 1), (0.51, 2), (0.999999, 2)):
        assert choose(p, np.array([x]))[0] == want


def test_choose_never_picks_a_zero_probability_last_alternative_despite_rounding():
    # probabilities of three feasible alternatives and one infeasible one; their running
    # sum ends two ulps below 1
    p = nested_logit_probabilities(np.array([[-1.6, -1.9, 0.2, NEG]]), 1.0, 0.5)
    assert p[0, -1] == 0.0
    assert np.cumsum(p[0])[-2] < 1.0 - 2**-53  # the premise: a gap below 1
    # 1 - 2**-53 is the largest value numpy's Generator.random() returns
    largest_uniform = np.nextafter(1.0, 0.0)
    assert choose(p, np.array([largest_uniform]))[0] != 4  # picks the infeasible one


def test_choose_picks_no_zero_probability_alternative_in_the_middle():
    p = np.array([[0.3, 0.0, 0.7, 0.0]])
    for x in np.linspace(0.0, np.nextafter(1.0, 0.0), 1001):
        assert choose(p, np.array([x]))[0] in (0, 2)


# ---- Worker agents in a model -------------------------------------------------------------
@pytest.fixture(scope="module")
def model():
    s = load_scenario("baseline").with_values(
        people_per_agent=3000, end="2011-12", decision_rate_per_month=0.1
    )
    m = MigrationModel(s)
    for _ in range(8):
        m.step()
    return m


def test_one_worker_agent_per_population_row(model):
    workers = model.agents_by_type[Worker]
    assert len(workers) == len(model.population)
    rows = sorted(w.row for w in workers)
    assert rows == list(range(len(model.population)))
    for row in (0, len(model.population) // 2, len(model.population) - 1):
        assert model.worker(row).row == row
        assert isinstance(model.worker(row), Worker)


def test_describe_reports_the_rows_state(model):
    pop = model.population
    rng = np.random.default_rng(0)
    # a sample that covers every status present
    rows = [int(np.flatnonzero(pop.status == s)[0]) for s in np.unique(pop.status)]
    rows += list(rng.integers(0, len(pop), 20))
    for row in rows:
        d = model.worker(row).describe()
        assert d["status"] == Status(int(pop.status[row])).name
        assert d["legal"] == Legal(int(pop.legal[row])).name
        assert d["origin"] == model.world.origins[int(pop.origin[row])]
        c = int(pop.corridor[row])
        assert d["corridor"] == (None if c < 0 else model.world.corridors[c].code)
        assert d["savings_usd"] == pytest.approx(float(pop.savings[row]), abs=0.01)
        assert d["debt_usd"] == pytest.approx(float(pop.debt[row]), abs=0.01)
    assert len({model.worker(r).describe()["agent"] for r in rows}) == len(set(rows))


def test_history_of_a_worker_who_moved(model):
    pop = model.population
    moved = np.flatnonzero(
        np.isin(pop.status, [Status.WAITING, Status.IN_TRANSIT])
        | ((pop.status != Status.AT_HOME) & (pop.channel >= 0) & (pop.recruiter >= 0))
    )
    assert len(moved) > 0, "nobody moved in 8 months"
    checked = 0
    for row in moved[:30]:
        w = model.worker(int(row))
        h = w.history()
        assert h, f"row {row} moved but has no history"
        assert h[0]["from"] in ("at_home", "returned")
        for a, b in itertools.pairwise(h):
            assert a["to"] == b["from"]
            assert a["month"] <= b["month"]
        assert h[-1]["to"] == w.status.name.lower()
        assert all("2010-01" <= e["month"] <= model.month_label for e in h)
        if w.corridor is not None:
            assert h[-1]["corridor"] == w.corridor
        checked += 1
    assert checked > 0
    # someone at home who never migrated has an empty history
    never = np.flatnonzero((pop.status == Status.AT_HOME) & (pop.corridor < 0))
    assert len(never) > 0
    assert all(model.worker(int(r)).history() == [] for r in never[:20])


def test_last_choice_of_a_worker_who_moved(model):
    pop = model.population
    # moved during the run (has a recruiter) and is now waiting, crossing or abroad: its last
    # decision was that move
    on_the_move = np.isin(
        pop.status,
        [
            Status.WAITING,
            Status.IN_TRANSIT,
            Status.EMPLOYED_REGULAR,
            Status.EMPLOYED_IRREGULAR,
            Status.UNEMPLOYED_ABROAD,
            Status.DETAINED,
        ],
    )
    movers = np.flatnonzero(on_the_move & (pop.recruiter >= 0))
    channels = set(pop.channel[movers].tolist())
    assert channels == {0, 1}, "expected regular and irregular movers after 8 months"
    rng = np.random.default_rng(1)
    sample = np.r_[
        movers[pop.channel[movers] == 0][:15],
        movers[pop.channel[movers] == 1][:15],
        rng.choice(movers, 10),
    ]
    for row in sample:
        w = model.worker(int(row))
        lc = w.last_choice()
        assert lc is not None
        channel = ("regular", "irregular")[int(pop.channel[row])]
        assert lc["chosen"] == f"{w.corridor} {channel}"
        assert lc["outcome"] == "moved"
        assert "2010-01" <= lc["month"] <= model.month_label
        probs = lc["probabilities"]
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-5)
        assert all(v > 0 for v in probs.values())
        assert lc["chosen"] in probs
        # only the worker's own origin's corridors are on offer
        for alt in probs:
            if alt != "stay":
                assert alt.startswith(w.origin + "-")
        # the month of the choice is the month it left home in its history
        left = [e for e in w.history() if e["from"] in ("at_home", "returned")]
        assert left and left[-1]["month"] == lc["month"]
    # workers abroad since 2010 who never went home never weighed migrating
    initial_abroad = np.flatnonzero((pop.recruiter < 0) & (pop.legal != Legal.NONE))
    assert len(initial_abroad) > 0
    assert model.worker(int(initial_abroad[0])).last_choice() is None


def test_datacollector_collects_one_row_per_month_plus_initial():
    s = load_scenario("baseline").with_values(people_per_agent=3000, end="2011-06")
    dc = mesa.DataCollector(model_reporters={"irregular": "irregular_stock"})
    labels = mesa.DataCollector(model_reporters={"month": "month_label"})
    result = run_scenario(s, datacollector=dc)
    df = dc.get_model_vars_dataframe()
    assert len(df) == s.n_months + 1
    run_scenario(s, datacollector=labels)
    months = labels.get_model_vars_dataframe()["month"].tolist()
    assert months == sorted(result.table["month"].astype(str).unique())
    assert months[0] == "2009-12" and months[-1] == "2011-06"
    # the reporter equals the table's irregular stock, month by month
    t = result.table
    irr = t[(t["measure"] == "stock") & (t["channel"] == "irregular")]
    per_month = irr.groupby(irr["month"].astype(str))["value"].sum().sort_index()
    assert len(per_month) == s.n_months + 1
    np.testing.assert_allclose(df["irregular"].to_numpy(), per_month.to_numpy())
    assert df["irregular"].nunique() > 1
