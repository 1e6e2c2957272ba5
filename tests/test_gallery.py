"""What lesson 00 says a student sees in the gallery, checked on the curves it draws."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lossviz.gallery import ENTRIES


def curve(name, n=2001):
    loss, grad, _, (lo, hi), _ = ENTRIES[name]
    x = np.linspace(lo, hi, n)
    return x, loss(x), grad(x)


def test_mse_gradient_grows_linearly_mae_has_size_one():
    x, _, g = curve("mse")
    np.testing.assert_allclose(g, 2 * (x - 1.0), atol=1e-12)  # unbounded: grows with the distance
    x, _, g = curve("mae")
    away = np.abs(x - 1.0) > 1e-9
    np.testing.assert_allclose(np.abs(g[away]), 1.0)


@pytest.mark.parametrize("name,cap", [("huber", 1.0), ("smooth_l1", 1.0)])
def test_huber_and_smooth_l1_cap_the_gradient(name, cap):
    x, _, g = curve(name)
    assert np.max(np.abs(g)) == pytest.approx(cap)
    assert np.all(np.abs(g[np.abs(x - 1.0) > 1.0]) == pytest.approx(cap))


@pytest.mark.parametrize("name", ["hinge", "multi_margin"])
def test_margin_losses_reach_exactly_zero_past_the_margin(name):
    x, loss, g = curve(name)
    past = x > 1.0 + 1e-9
    assert np.all(loss[past] == 0) and np.all(g[past] == 0)


@pytest.mark.parametrize("name", ["binary_cross_entropy_with_logits", "cross_entropy"])
def test_cross_entropies_on_logits_never_reach_zero(name):
    _, loss, g = curve(name)
    assert np.all(loss > 0) and np.all(g < 0)
    assert np.abs(g[-1]) < 0.01  # small at the right end, but not zero


def test_bce_on_probability_explodes_near_zero_where_logits_do_not():
    x, _, g = curve("binary_cross_entropy")
    np.testing.assert_allclose(g, -1 / x, rtol=1e-9)
    assert g[0] < -100
    _, _, g_logit = curve("binary_cross_entropy_with_logits")
    assert np.all(np.abs(g_logit) < 1)


def test_gallery_curves_match_torch():
    x = torch.linspace(-6, 6, 101, dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy_with_logits(x, torch.ones_like(x), reduction="sum").backward()
    loss, grad, *_ = ENTRIES["binary_cross_entropy_with_logits"]
    np.testing.assert_allclose(grad(x.detach().numpy()), x.grad.numpy(), rtol=1e-10)
