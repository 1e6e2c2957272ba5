"""Barron's loss at its named special cases and against autograd; focal and GCE against torch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lossviz import losses, robust

X = np.linspace(-5, 5, 41)


@pytest.mark.parametrize("alpha,closed_form", [
    (2.0, lambda x: x**2 / 2),
    (1.0, lambda x: np.sqrt(x**2 + 1) - 1),
    (0.0, lambda x: np.log(x**2 / 2 + 1)),
    (-2.0, lambda x: 2 * x**2 / (x**2 + 4)),
    (-np.inf, lambda x: 1 - np.exp(-(x**2) / 2)),
])  # fmt: skip
def test_barron_special_cases(alpha, closed_form):
    np.testing.assert_allclose(robust.barron(X, alpha), closed_form(X), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("alpha", [1.9999, 1e-6, -1e6])
def test_barron_is_continuous_in_alpha_at_its_limits(alpha):
    limit = {1.9999: 2.0, 1e-6: 0.0, -1e6: -np.inf}[alpha]
    np.testing.assert_allclose(robust.barron(X, alpha), robust.barron(X, limit), rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("alpha", [2.0, 1.5, 1.0, 0.5, -1.0, -2.0, -8.0])
@pytest.mark.parametrize("c", [0.5, 2.0])
def test_barron_grad_matches_autograd(alpha, c):
    x = torch.tensor(X, requires_grad=True)
    z = (x / c) ** 2
    b = abs(alpha - 2)
    rho = z / 2 if alpha == 2 else b / alpha * ((z / b + 1) ** (alpha / 2) - 1)
    rho.sum().backward()
    np.testing.assert_allclose(robust.barron(X, alpha, c), rho.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(robust.barron_grad(X, alpha, c), x.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_focal_and_gce_against_torch():
    rng = np.random.default_rng(0)
    z, t = rng.normal(size=(9, 4)) * 2, rng.integers(0, 4, 9)
    zt, tt = torch.tensor(z), torch.tensor(t)
    log_p = F.log_softmax(zt, 1)[torch.arange(9), tt]
    assert robust.focal(z, t, 2.0) == pytest.approx((-(1 - log_p.exp()) ** 2 * log_p).mean().item(), rel=1e-12)
    assert robust.focal(z, t, 0.0) == pytest.approx(losses.cross_entropy(z, t), rel=1e-12)
    assert robust.generalized_cross_entropy(z, t, 0.7) == pytest.approx(((1 - log_p.exp() ** 0.7) / 0.7).mean().item())
    assert robust.generalized_cross_entropy(z, t, 1e-6) == pytest.approx(losses.cross_entropy(z, t), rel=1e-4)


def test_bad_arguments():
    with pytest.raises(ValueError, match="c must be a positive"):
        robust.barron([1.0], 1.0, c=0)
    with pytest.raises(ValueError, match="q must be a number in"):
        robust.generalized_cross_entropy(np.zeros((1, 2)), [0], q=2.0)


@pytest.mark.parametrize("alpha", [0.999, 0.5, 0.0, -2.0, -8.0])
def test_barron_pull_peaks_and_loss_turns_concave_for_every_alpha_below_one(alpha):
    x = np.linspace(0, 40, 400001)
    g = robust.barron_grad(x, alpha)
    peak = np.sqrt(abs(alpha - 2) / (1 - alpha))  # c = 1
    assert x[np.argmax(g)] == pytest.approx(peak, abs=2e-4)
    assert np.all(np.diff(g[x > peak + 1e-3]) < 0)  # the pull falls beyond the peak
    assert np.gradient(g, x)[x > peak + 1e-3].max() < 0  # rho'' < 0 there: not convex


@pytest.mark.parametrize("alpha", [1.0, 1.5, 2.0])
def test_barron_is_convex_with_a_growing_pull_for_alpha_at_least_one(alpha):
    x = np.linspace(0, 40, 4001)
    g = robust.barron_grad(x, alpha)
    assert np.all(np.diff(g) > 0) and np.gradient(g, x).min() > 0
    if alpha == 1.0:
        assert g[-1] < 1 and g[-1] == pytest.approx(1, abs=1e-3)  # bounded by 1 / c


def test_barron_never_increases_as_alpha_falls():
    alphas = np.linspace(-10, 2, 121)
    rho = np.array([robust.barron(X, a) for a in alphas])
    assert np.all(np.diff(rho, axis=0) >= -1e-12)


def test_barron_partition_and_nll():
    assert robust.barron_log_partition(2.0) == pytest.approx(0.5 * np.log(2 * np.pi), abs=1e-10)
    assert robust.barron_log_partition(0.0) == pytest.approx(np.log(np.pi * np.sqrt(2)), abs=1e-10)
    # Charbonnier: integral of exp(1 - sqrt(x^2 + 1)) = 2 e K1(1)
    assert robust.barron_log_partition(1.0) == pytest.approx(np.log(2 * np.e * 0.6019072301972346), abs=1e-8)
    assert robust.barron_log_partition(0.001) == pytest.approx(robust.barron_log_partition(0.0), abs=2e-3)
    x, log_w = robust.quadrature_nodes(4000)
    for alpha, c in [(0.01, 0.5), (1.0, 0.7), (1.99, 2.0)]:
        assert np.sum(np.exp(log_w - robust.barron_nll(x, alpha, c))) == pytest.approx(1.0, abs=1e-4)  # a density
    with pytest.raises(ValueError, match="alpha must be a number in"):
        robust.barron_log_partition(-1.0)
    with pytest.raises(ValueError, match="nodes must be an integer"):
        robust.quadrature_nodes(3)
