"""The fused choice loop (``simulation/choice_loop.py``, issue 16) on hand-built workers: its
utilities follow the formula of ``_origin_choices``'s docstring term by term, closed and
unaffordable alternatives get no probability, and the choice is the one ``choose`` draws
from the same uniform."""

from __future__ import annotations

import numpy as np

from agents.choice import choose, nested_logit_probabilities
from simulation.choice_loop import origin_choices

B_GAP, B_COST, B_NET, BORROW, STAY, LAM = 0.9, 0.05, 0.4, 2.0, 1.5, 0.6


def _workers():
    """Three workers of one origin over two corridors (four alternatives: corridor j,
    channel k at 2j + k); the second corridor's regular channel is closed."""
    rng = np.random.default_rng(7)
    by_group = rng.normal(0.0, 1.0, (8, 4))
    group = np.array([0, 5, 7], dtype=np.int64)
    income = np.array([120.0, 300.0, 80.0])
    savings = np.array([800.0, 20.0, 0.0])
    ties = np.array([0, 3, 1], dtype=np.int64)
    network = np.log1p(np.arange(4)[:, None] * np.array([0.1, 0.1, 0.3, 0.3])[None, :])
    cost = np.array([900.0, 300.0, 2000.0, 150.0])
    open_ = np.array([True, True, False, True])
    return by_group, group, income, savings, ties, network, cost, open_


def _by_hand(by_group, group, income, savings, ties, network, cost, open_, extra, loan=None):
    """The utility of each worker and alternative, one term at a time."""
    loan = np.zeros(len(cost)) if loan is None else loan
    v = np.empty((len(group), len(cost)))
    for i in range(len(group)):
        for a in range(len(cost)):
            u = (
                by_group[group[i], a]
                - B_GAP * np.log(income[i])
                - B_COST * cost[a] / income[i]
                + B_NET * network[ties[i], a]
                + (extra[i, a] if len(extra) else 0.0)
            )
            affordable = cost[a] <= savings[i] + BORROW * income[i] + loan[a]
            v[i, a] = u if open_[a] and affordable else -np.inf
    return v


def _run(extra, loan=None):
    """The loop over the three workers as one origin's deciders at positions 0-2 of the
    month's arrays, their population rows 4, 0 and 2, and alternatives in columns 1-4; what
    can be borrowed against a contract ``loan`` (USD per alternative, none by default)."""
    by_group, group, income, savings, ties, network, cost, open_ = _workers()
    loan = np.zeros(len(cost)) if loan is None else loan
    uniforms = np.array([0.05, 0.5, 0.97])
    coefficients = np.array([B_GAP, B_COST, B_NET, BORROW, STAY, LAM])
    rows = np.array([4, 0, 2])
    skilled, female = np.zeros(5, bool), np.zeros(5, bool)
    skilled[rows], female[rows] = group >= 4, (group % 4) >= 2
    pop_ties, pop_savings = np.zeros(5, np.int16), np.zeros(5)
    pop_ties[rows], pop_savings[rows] = ties, savings
    out, chosen = np.zeros((3, 5)), np.zeros(3, np.int64)
    origin_choices(
        np.arange(3),
        rows,
        skilled,
        female,
        pop_ties,
        pop_savings,
        (group % 2).astype(bool),
        income,
        uniforms,
        by_group,
        network,
        extra,
        cost,
        loan,
        open_,
        np.arange(5),
        coefficients,
        out,
        chosen,
    )
    v = _by_hand(by_group, group, income, savings, ties, network, cost, open_, extra, loan)
    return out, chosen, v, uniforms


def test_loop_equals_the_formula_and_the_draw():
    probs, chosen, v, uniforms = _run(np.empty((0, 4)))
    want = nested_logit_probabilities(v, STAY, LAM)
    np.testing.assert_allclose(probs, want, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(chosen, choose(want, uniforms))
    # the closed channel never, and the third worker (no savings, low income) cannot afford
    # the 900-dollar regular channel of the first corridor (borrowing 2 x 80); the first
    # worker can (800 saved + 2 x 120)
    assert (probs[:, 1 + 2] == 0).all()
    assert probs[2, 1 + 0] == 0 and probs[0, 1 + 0] > 0


def test_a_contract_loan_makes_a_dear_regular_move_affordable():
    """The third worker (no savings, 80 a month, 160 borrowable) cannot pay the 900-dollar
    regular channel, nor can the second (20 saved, 2 x 300); a loan of 750 against the
    contract leaves 150 to find: now both can. The utility keeps the whole cost, and the
    first worker's probabilities do not move: 800 saved already paid."""
    loan = np.array([750.0, 0.0, 0.0, 0.0])
    probs, chosen, v, uniforms = _run(np.empty((0, 4)), loan)
    base, _, _, _ = _run(np.empty((0, 4)))
    assert (base[1:, 1] == 0).all() and (probs[1:, 1] > 0).all()
    np.testing.assert_allclose(probs, nested_logit_probabilities(v, STAY, LAM), rtol=1e-12)
    np.testing.assert_array_equal(chosen, choose(probs, uniforms))
    np.testing.assert_array_equal(probs[0], base[0])
    # 80 x 2 + 739 is one dollar short: still out of reach
    short, _, _, _ = _run(np.empty((0, 4)), np.array([739.0, 0.0, 0.0, 0.0]))
    assert short[2, 1] == 0


def test_returnee_terms_are_added():
    extra = np.zeros((3, 4))
    extra[1] = 2.0  # the second worker's past moves make every move more attractive
    probs, _, v, _ = _run(extra)
    base, _, _, _ = _run(np.empty((0, 4)))
    np.testing.assert_allclose(probs, nested_logit_probabilities(v, STAY, LAM), rtol=1e-12)
    assert probs[1, 0] < base[1, 0]  # less staying
    np.testing.assert_array_equal(probs[[0, 2]], base[[0, 2]])


def test_only_the_origins_deciders_and_columns_are_written():
    """Deciders at positions 0 and 2 of a month of three, whose origin has corridors 0 and 2
    of three (columns 0, 1-2 and 5-6 of seven): the rest of the month's matrix is left as it
    was, and the choice is a column of the whole matrix."""
    by_group, group, income, savings, ties, network, cost, open_ = _workers()
    columns = np.array([0, 1, 2, 5, 6])
    out, chosen = np.full((3, 7), -1.0), np.full(3, -1, np.int64)
    sel = np.array([0, 2])
    origin_choices(
        sel,
        np.arange(3),
        group >= 4,
        (group % 4) >= 2,
        ties.astype(np.int16),
        savings,
        (group % 2).astype(bool),
        income,
        np.array([0.05, 0.5, 0.97]),
        by_group,
        network,
        np.empty((0, 4)),
        cost,
        np.zeros(4),
        open_,
        columns,
        np.array([B_GAP, B_COST, B_NET, BORROW, STAY, LAM]),
        out,
        chosen,
    )
    v = _by_hand(by_group, group, income, savings, ties, network, cost, open_, np.empty((0, 4)))
    want = nested_logit_probabilities(v[sel], STAY, LAM)
    np.testing.assert_allclose(out[sel][:, columns], want, rtol=1e-12)
    assert (out[1] == -1).all() and chosen[1] == -1
    assert (out[sel][:, [3, 4]] == -1).all()  # another origin's corridor
    np.testing.assert_array_equal(chosen[sel], columns[choose(want, np.array([0.05, 0.97]))])
