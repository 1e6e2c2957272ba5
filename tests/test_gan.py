"""GAN generator losses and their gradients against PyTorch; the 1-D Wasserstein distance."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lossviz import gan

LOGITS = np.array([-30.0, -8.0, -2.0, 0.0, 1.5, 12.0])


@pytest.mark.parametrize("ours,grad,theirs", [
    (gan.generator_loss_minimax, gan.generator_loss_minimax_grad,
     lambda a: -F.binary_cross_entropy_with_logits(a, torch.zeros_like(a))),
    (gan.generator_loss_nonsaturating, gan.generator_loss_nonsaturating_grad,
     lambda a: F.binary_cross_entropy_with_logits(a, torch.ones_like(a))),
])  # fmt: skip
def test_generator_losses_match_torch(ours, grad, theirs):
    a = torch.tensor(LOGITS, requires_grad=True)
    value = theirs(a)
    value.backward()
    assert ours(LOGITS) == pytest.approx(value.item(), rel=1e-12)
    np.testing.assert_allclose(grad(LOGITS), a.grad.numpy(), rtol=1e-10, atol=1e-300)


def test_minimax_saturates_where_nonsaturating_does_not():
    obvious_fake = np.array([-8.0])
    assert abs(gan.generator_loss_minimax_grad(obvious_fake)[0]) < 1e-3
    assert gan.generator_loss_nonsaturating_grad(obvious_fake)[0] < -0.99


def test_wasserstein_1d():
    rng = np.random.default_rng(0)
    x = rng.normal(size=5000)
    assert gan.wasserstein_1d(x, x) == 0.0
    assert gan.wasserstein_1d(x, x + 1.5) == pytest.approx(1.5, rel=1e-9)  # a shift moves every quantile
    assert gan.wasserstein_1d(x, rng.normal(size=3000)) < 0.06  # same distribution, other sample


def test_wasserstein_1d_matches_scipy_exactly():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(1)
    for na, nb in [(4000, 4000), (7, 3), (1, 5), (1000, 333)]:
        a, b = rng.normal(size=na), 2 * rng.standard_t(3, size=nb) + 0.5
        assert gan.wasserstein_1d(a, b) == pytest.approx(stats.wasserstein_distance(a, b), rel=1e-10)
    x = rng.normal(size=100)
    y = rng.normal(size=100)
    assert gan.wasserstein_1d(x, y) == pytest.approx(np.mean(np.abs(np.sort(x) - np.sort(y))), rel=1e-12)


@pytest.mark.parametrize("a,b,word", [([], [1.0], "empty"), ([1.0, np.nan], [1.0], "finite"), ("ab", [1.0], "numbers")])
def test_wasserstein_1d_rejects_bad_input(a, b, word):
    with pytest.raises(ValueError, match=word):
        gan.wasserstein_1d(a, b)


@pytest.mark.parametrize("fn", [gan.generator_loss_minimax, gan.generator_loss_minimax_grad,
                                gan.generator_loss_nonsaturating, gan.generator_loss_nonsaturating_grad])
def test_generator_losses_reject_bad_input(fn):
    with pytest.raises(ValueError, match="logit"):
        fn([0.0, np.inf])


def test_gradient_ratio_is_one_minus_d_over_d():
    # per fake, the non-saturating gradient is (1 - D) / D times the minimax one
    a = np.array([-8.0, -3.0, 0.0, 2.0])
    d = 1 / (1 + np.exp(-a))
    ratio = gan.generator_loss_nonsaturating_grad(a) / gan.generator_loss_minimax_grad(a)
    np.testing.assert_allclose(ratio, (1 - d) / d, rtol=1e-12)


# The game with densities known: D*, V and the Jensen-Shannon divergence.

X = np.linspace(-8, 8, 4001)


def _normal(x, mean, sd):
    return np.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))


P_DATA = 0.5 * _normal(X, -2, 0.4) + 0.5 * _normal(X, 2, 0.4)
P_G = _normal(X, 1, 1)


def test_optimal_discriminator_is_the_pointwise_argmax():
    d_grid = np.linspace(1e-4, 1 - 1e-4, 99999)  # step 1e-5
    for a, b in [(0.3, 0.1), (0.05, 0.4), (1.0, 1.0), (2.0, 1e-3)]:
        best = d_grid[np.argmax(a * np.log(d_grid) + b * np.log(1 - d_grid))]
        assert gan.optimal_discriminator([a], [b])[0] == pytest.approx(best, abs=1e-5)
        assert gan.optimal_discriminator([a], [b])[0] == pytest.approx(a / (a + b), rel=1e-15)
    assert gan.optimal_discriminator([0.0, 0.0, 1.0], [0.0, 1.0, 0.0]).tolist() == [0.5, 0.0, 1.0]


def test_value_at_the_optimal_discriminator_is_minus_log_4_plus_twice_the_jsd():
    d_star = gan.optimal_discriminator(P_DATA, P_G)
    jsd = gan.jensen_shannon(X, P_DATA, P_G)
    assert gan.value_function(d_star, X, P_DATA, P_G) == pytest.approx(-np.log(4) + 2 * jsd, abs=1e-10)
    for other in (np.clip(d_star + 0.02, 0, 1), np.clip(d_star - 0.02, 0, 1), np.full_like(X, 0.5), d_star**2):
        assert gan.value_function(other, X, P_DATA, P_G) < gan.value_function(d_star, X, P_DATA, P_G)
    # a discriminator that cannot tell (D = 1/2 everywhere) scores -log 4 on any pair of densities
    assert gan.value_function(np.full_like(X, 0.5), X, P_DATA, P_G) == pytest.approx(-np.log(4), abs=1e-9)


def test_jensen_shannon_matches_scipy_and_its_bounds():
    distance = pytest.importorskip("scipy.spatial.distance")
    assert gan.jensen_shannon(X, P_DATA, P_G) == pytest.approx(distance.jensenshannon(P_DATA, P_G) ** 2, rel=1e-9)
    assert gan.jensen_shannon(X, P_G, P_DATA) == pytest.approx(gan.jensen_shannon(X, P_DATA, P_G), rel=1e-12)
    assert gan.jensen_shannon(X, P_G, P_G) == pytest.approx(0.0, abs=1e-15)
    left, right = np.where(X < 0, 1 / 8.0, 0.0), np.where(X > 0, 1 / 8.0, 0.0)  # two boxes that do not overlap
    assert gan.jensen_shannon(X, left, right) == pytest.approx(np.log(2), rel=1e-3)  # the grid's ends cost 1/4000


def test_jensen_shannon_by_hand_on_two_half_overlapping_boxes():
    # p uniform on [0, 2], q on [1, 3]: on [1, 2] p = q = m, elsewhere one is 1/2 and m = 1/4 -> JSD = log(2) / 2
    x = np.linspace(-1, 4, 500001)
    p, q = np.where((x >= 0) & (x <= 2), 0.5, 0.0), np.where((x >= 1) & (x <= 3), 0.5, 0.0)
    assert gan.jensen_shannon(x, p, q) == pytest.approx(np.log(2) / 2, rel=1e-4)


@pytest.mark.parametrize("call,words", [
    (lambda: gan.jensen_shannon(X, -P_G, P_G), "p holds a density, which is never negative"),
    (lambda: gan.jensen_shannon(X[::-1], P_G, P_G), "x must be a 1-D grid of at least 2 increasing points"),
    (lambda: gan.jensen_shannon(X, P_G[:-1], P_G), r"p has shape \(4000,\) but x has shape \(4001,\)"),
    (lambda: gan.value_function(P_G * 3, X, P_DATA, P_G), "d must be probabilities"),
    (lambda: gan.value_function(np.full_like(X, 0.5), X, P_DATA, -P_G), "p_g holds a density"),
    (lambda: gan.optimal_discriminator([0.1, -0.2], [0.1, 0.2]), "p_data holds a density"),
    (lambda: gan.optimal_discriminator([0.1], [0.1, 0.2]), r"p_data has shape \(1,\) but p_g has shape \(2,\)"),
])  # fmt: skip
def test_game_functions_reject_bad_input(call, words):
    with pytest.raises(ValueError, match=words):
        call()
