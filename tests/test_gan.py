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
