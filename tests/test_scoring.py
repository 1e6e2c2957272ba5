"""Scores of probability forecasts against scikit-learn and PyTorch; the expected scores against
a Monte Carlo average and their minima; bad input."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import accuracy_score, brier_score_loss
from sklearn.metrics import log_loss as sk_log_loss

from lossviz import scoring

RNG = np.random.default_rng(0)
P = RNG.uniform(0.01, 0.99, size=500)
Y = (RNG.random(500) < P).astype(int)


def test_scores_match_scikit_learn_and_torch():
    q = np.clip(P + RNG.normal(0, 0.1, size=P.size), 0.001, 0.999)
    assert scoring.log_loss(Y, q) == pytest.approx(sk_log_loss(Y, q, labels=[0, 1]), rel=1e-12)
    assert scoring.brier_score(Y, q) == pytest.approx(brier_score_loss(Y, q), rel=1e-12)
    assert scoring.accuracy(Y, q) == accuracy_score(Y, q > 0.5)
    qt, yt = torch.tensor(q), torch.tensor(Y, dtype=torch.float64)
    assert scoring.log_loss(Y, q) == pytest.approx(F.binary_cross_entropy(qt, yt).item(), rel=1e-12)
    assert scoring.brier_score(Y, q) == pytest.approx(F.mse_loss(qt, yt).item(), rel=1e-12)


def test_scores_by_hand():
    y, q = [1, 0, 1], [0.8, 0.4, 0.3]
    assert scoring.log_loss(y, q) == pytest.approx(-(np.log(0.8) + np.log(0.6) + np.log(0.3)) / 3)
    assert scoring.brier_score(y, q) == pytest.approx((0.04 + 0.16 + 0.49) / 3)
    assert scoring.accuracy(y, q) == pytest.approx(2 / 3)
    assert scoring.accuracy([1, 0], [0.5, 0.5]) == 0.5  # q = 0.5 calls "did not happen"


def test_brier_score_is_half_of_briers_original_two_outcome_sum():
    q = np.clip(P + RNG.normal(0, 0.1, size=P.size), 0.0, 1.0)
    original = np.mean((q - Y) ** 2 + ((1 - q) - (1 - Y)) ** 2)  # Brier (1950): summed over both outcomes
    assert scoring.brier_score(Y, q) == pytest.approx(original / 2, rel=1e-12)
    assert scoring.brier_score([1, 0], [0.0, 1.0]) == 1.0  # the worst forecast scores 1, not Brier's 2


def test_a_certain_forecast_that_is_wrong_costs_infinity_and_one_that_is_right_costs_nothing():
    assert scoring.log_loss([1, 0], [1.0, 0.0]) == 0.0
    assert scoring.log_loss([1, 0], [0.0, 0.0]) == np.inf


def test_expected_scores_are_the_average_over_outcomes():
    p, q = 0.3, np.array([0.1, 0.3, 0.6, 0.9])
    for expected, score in [(scoring.expected_log_loss, scoring.log_loss), (scoring.expected_brier, scoring.brier_score),
                            (scoring.expected_accuracy, scoring.accuracy)]:  # fmt: skip
        exact = p * np.array([score([1], [qi]) for qi in q]) + (1 - p) * np.array([score([0], [qi]) for qi in q])
        np.testing.assert_allclose(expected(p, q), exact, rtol=1e-12)


def test_expected_brier_is_squared_distance_plus_the_events_own_variance():
    p, q = np.meshgrid(np.linspace(0, 1, 21), np.linspace(0, 1, 21))
    np.testing.assert_allclose(scoring.expected_brier(p, q), (q - p) ** 2 + p * (1 - p), atol=1e-15)


@pytest.mark.parametrize("p", [0.05, 0.3, 0.5, 0.7, 0.93])
def test_honesty_is_the_only_best_report_for_log_loss_and_brier_not_for_accuracy(p):
    q = np.linspace(0.0005, 0.9995, 1999)  # step 0.0005: p is on the grid
    at_p = np.argmin(np.abs(q - p))
    for expected in (scoring.expected_log_loss, scoring.expected_brier):
        values = expected(p, q)
        assert np.argmin(values) == at_p
        assert np.all(np.delete(values, at_p) > values[at_p])  # strictly: every other q is worse
    acc = scoring.expected_accuracy(p, q)
    assert acc[at_p] == acc.max()  # honesty is among the best ...
    if p != 0.5:  # ... and so is every q on the same side of 0.5
        same_side = (q > 0.5) == (p > 0.5)
        assert np.all(acc[same_side] == max(p, 1 - p)) and np.all(acc[~same_side] == min(p, 1 - p))


def test_expected_log_loss_excess_is_the_kl_divergence():
    p, q = 0.7, np.array([0.2, 0.5, 0.9])
    kl = p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))
    np.testing.assert_allclose(scoring.expected_log_loss(p, q) - scoring.expected_log_loss(p, p), kl, rtol=1e-12)
    assert scoring.expected_log_loss(0.0, 0.0) == 0.0 and scoring.expected_log_loss(1.0, 0.0) == np.inf


def test_sharpen():
    p = np.array([0.0, 0.1, 0.3, 0.5, 0.8, 1.0])
    np.testing.assert_allclose(scoring.sharpen(p, 1.0), p, atol=1e-15)
    np.testing.assert_allclose(scoring.sharpen(p, 3.0), p**3 / (p**3 + (1 - p) ** 3), atol=1e-15)
    pt = torch.tensor(p[1:-1])
    np.testing.assert_allclose(scoring.sharpen(p[1:-1], 0.4), torch.sigmoid(0.4 * torch.logit(pt)).numpy(), rtol=1e-12)
    sharp, hedged = scoring.sharpen(p[1:-1], 3.0), scoring.sharpen(p[1:-1], 1 / 3)
    inner = p[1:-1]
    assert np.all(np.abs(sharp - 0.5) >= np.abs(inner - 0.5)) and np.all(np.abs(hedged - 0.5) <= np.abs(inner - 0.5))
    assert np.array_equal(sharp > 0.5, inner > 0.5) and np.array_equal(hedged > 0.5, inner > 0.5)
    assert scoring.sharpen([1e-300], 5000.0)[0] == 0.0  # no overflow warning, no nan


@pytest.mark.parametrize("fn", [scoring.log_loss, scoring.brier_score, scoring.accuracy])
def test_outcome_scores_reject_bad_input(fn):
    with pytest.raises(ValueError, match=r"y holds outcomes.*\{0, 1, 2\}"):
        fn([0, 1, 2], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"q must be probabilities in \[0, 1\].*1\.2"):
        fn([0, 1], [0.1, 1.2])
    with pytest.raises(ValueError, match=r"q has shape \(2, 1\) but y has shape \(2,\)"):
        fn([0, 1], [[0.1], [0.2]])
    with pytest.raises(ValueError, match="y is empty"):
        fn([], [])


@pytest.mark.parametrize("fn", [scoring.expected_log_loss, scoring.expected_brier, scoring.expected_accuracy])
def test_expected_scores_reject_bad_input(fn):
    with pytest.raises(ValueError, match=r"p must be probabilities"):
        fn(1.5, 0.2)
    with pytest.raises(ValueError, match=r"q must be probabilities"):
        fn(0.5, [-0.1])
    with pytest.raises(ValueError, match="do not broadcast"):
        fn([0.1, 0.2], [0.1, 0.2, 0.3])


def test_sharpen_rejects_bad_input():
    with pytest.raises(ValueError, match="k must be a positive number"):
        scoring.sharpen(0.3, 0.0)
    with pytest.raises(ValueError, match="p must be probabilities"):
        scoring.sharpen(1.3, 2.0)
