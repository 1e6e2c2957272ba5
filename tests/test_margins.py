"""Losses of the margin m = y f(x), against PyTorch and against lossviz.losses."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lossviz import losses, margins

M = np.array([-50.0, -3.0, -1.0, -0.2, 0.0, 0.5, 1.0, 1.0 + 1e-9, 2.0, 40.0])

TORCH = {
    "hinge": lambda m: torch.clamp(1 - m, min=0),
    "squared_hinge": lambda m: torch.clamp(1 - m, min=0) ** 2,
    "logistic": lambda m: F.softplus(-m),
}


@pytest.mark.parametrize("name", sorted(TORCH))
def test_margin_losses_and_gradients_match_torch(name):
    m = torch.tensor(M, requires_grad=True)
    value = TORCH[name](m)
    value.sum().backward()
    np.testing.assert_allclose(margins.margin_loss(name, M), value.detach().numpy(), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(margins.margin_grad(name, M), m.grad.numpy(), rtol=1e-10, atol=1e-300)


def test_margin_losses_agree_with_the_reference_losses():
    # with y = +1 the margin is the score itself
    ones = np.ones_like(M)
    np.testing.assert_allclose(margins.margin_loss("hinge", M), losses.hinge(M, ones, reduction="none"))
    np.testing.assert_allclose(margins.margin_loss("logistic", M),
                               losses.binary_cross_entropy_with_logits(M, ones, reduction="none"), rtol=1e-12)  # fmt: skip


def test_zero_one_counts_mistakes_and_has_no_gradient():
    assert margins.margin_loss("zero_one", [-1.0, 0.0, 0.1]).tolist() == [1.0, 1.0, 0.0]
    assert np.all(margins.margin_grad("zero_one", M) == 0)


def test_convex_losses_bound_the_zero_one_loss_where_it_counts():
    # hinge and squared hinge lie on or above the 0-1 loss everywhere: minimising them bounds the errors
    m = np.linspace(-5, 5, 1001)
    zero_one = margins.margin_loss("zero_one", m)
    for name in ("hinge", "squared_hinge"):
        assert np.all(margins.margin_loss(name, m) >= zero_one)


def test_unknown_name():
    with pytest.raises(ValueError, match="unknown margin loss 'exp'"):
        margins.margin_loss("exp", [0.0])
