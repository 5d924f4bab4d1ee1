"""The tempered sequential Monte Carlo sampler (calibration/tempering.py) on posteriors whose
answer is known: a Gaussian's mean and sd, the split of mass between two separated modes
(where a sampler that locks onto the best point found, as the importance sampler it replaced
did, puts everything in one), and its rules on hand-made weights."""

from __future__ import annotations

import numpy as np
import pytest

from calibration.tempering import (
    _moves_wanted,
    _next_increment,
    _systematic,
    tempered_posterior,
)


def gaussian(mean, sd):
    mean, sd = np.asarray(mean), np.asarray(sd)

    def loglik(u):
        return -0.5 * (((u - mean) / sd) ** 2).sum(axis=1)

    return loglik


def test_it_recovers_a_narrow_gaussian_in_eight_dimensions():
    mean = np.linspace(0.2, 0.8, 8)
    sd = np.full(8, 0.03)
    post = tempered_posterior(gaussian(mean, sd), 8, seed=4, particles=2000)
    assert post.stages >= 3  # narrow: the prior is far from it, tempering had to walk
    assert post.effective_sample_size >= 1000
    assert post.distinct >= 1900  # the moves spread the resampled copies
    np.testing.assert_allclose(post.u.mean(axis=0), mean, atol=0.005)
    np.testing.assert_allclose(post.u.std(axis=0), sd, rtol=0.12)
    draws, distinct = post.draws(400, np.random.default_rng(1))
    assert draws.shape == (400, 8) and distinct == 400


def test_it_keeps_both_modes_with_their_mass():
    """Two modes 0.6 apart, weights 0.3 and 0.7: the particles split about 30/70."""
    a, b = np.array([0.2, 0.2]), np.array([0.8, 0.8])
    sd = 0.04

    def loglik(u):
        la = -0.5 * (((u - a) / sd) ** 2).sum(axis=1) + np.log(0.3)
        lb = -0.5 * (((u - b) / sd) ** 2).sum(axis=1) + np.log(0.7)
        return np.logaddexp(la, lb)

    shares = []
    for seed in range(3):
        post = tempered_posterior(loglik, 2, seed=seed, particles=3000)
        near_a = np.linalg.norm(post.u - a, axis=1) < 0.2
        near_b = np.linalg.norm(post.u - b, axis=1) < 0.2
        assert (near_a | near_b).mean() > 0.99
        shares.append(near_a.mean())
    assert 0.22 < np.mean(shares) < 0.38, shares


def test_the_same_seed_gives_the_same_particles_and_another_seed_others():
    ll = gaussian([0.5, 0.3], [0.1, 0.05])
    one = tempered_posterior(ll, 2, seed=9, particles=500)
    two = tempered_posterior(ll, 2, seed=9, particles=500)
    other = tempered_posterior(ll, 2, seed=10, particles=500)
    np.testing.assert_array_equal(one.u, two.u)
    assert not np.array_equal(one.u, other.u)


def test_a_flat_likelihood_leaves_the_prior():
    post = tempered_posterior(lambda u: np.zeros(len(u)), 3, seed=2, particles=4000)
    assert post.stages == 1 and post.effective_sample_size == pytest.approx(4000)
    np.testing.assert_allclose(post.u.mean(axis=0), 0.5, atol=0.02)
    np.testing.assert_allclose(post.u.std(axis=0), 12**-0.5, atol=0.01)


def test_impossible_points_get_no_particles():
    """-inf (or NaN) log likelihood where u0 > 0.5: no particle ends there."""

    def loglik(u):
        out = -0.5 * ((u[:, 1] - 0.5) / 0.1) ** 2
        return np.where(u[:, 0] > 0.5, np.where(u[:, 1] > 0.5, np.nan, -np.inf), out)

    post = tempered_posterior(loglik, 2, seed=1, particles=1000)
    assert (post.u[:, 0] <= 0.5).all()


def test_each_step_keeps_half_the_effective_sample_size():
    ll = np.random.default_rng(0).normal(0, 30, 1000)
    delta = _next_increment(ll, 1.0, 500)
    w = np.exp(delta * ll - (delta * ll).max())
    assert w.sum() ** 2 / (w**2).sum() == pytest.approx(500, rel=1e-3)
    assert _next_increment(np.zeros(10), 0.4, 5) == 0.4  # nothing to lose: the whole rest


def test_systematic_resampling_keeps_each_weights_share():
    w = np.array([0.5, 0.25, 0.125, 0.125])
    counts = np.bincount(_systematic(np.random.default_rng(3), w), minlength=4)
    assert counts[0] == 2 and counts[1] == 1 and counts[2] + counts[3] == 1
    big = np.bincount(_systematic(np.random.default_rng(4), np.full(1000, 1e-3)), minlength=1000)
    assert (big == 1).all()


def test_moves_continue_until_almost_every_particle_moved():
    assert _moves_wanted(0.25) == 17  # 0.75**17 < 0.01 < 0.75**16
    assert _moves_wanted(1.0) == 1 and _moves_wanted(0.0) > 1000
