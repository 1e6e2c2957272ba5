"""Losses of the margin m = y f(x), against PyTorch and against lossviz.losses."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lossviz import losses, margins

M = np.array([-50.0, -3.0, -1.0, -0.2, 0.0, 0.5, 1.0, 1.0 + 1e-9, 2.0, 40.0])

TORCH = {
    "hinge": lambda m: torch.clamp(1 - m, min=0),
    "squared_hinge": lambda m: torch.clamp(1 - m, min=0) ** 2,
    "logistic": lambda m: F.softplus(-m) / math.log(2),  # in bits: log2(1 + e^-m)
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
    # the logistic loss in bits is PyTorch's binary cross-entropy with logits divided by ln 2
    bce = F.binary_cross_entropy_with_logits(torch.tensor(M), torch.tensor(ones), reduction="none").numpy()
    np.testing.assert_allclose(margins.margin_loss("logistic", M), bce / math.log(2), rtol=1e-12)
    np.testing.assert_allclose(margins.margin_loss("logistic", M),
                               losses.binary_cross_entropy_with_logits(M, ones, reduction="none") / math.log(2),
                               rtol=1e-12)  # fmt: skip


def test_zero_one_counts_mistakes_and_has_no_gradient():
    assert margins.margin_loss("zero_one", [-1.0, 0.0, 0.1]).tolist() == [1.0, 1.0, 0.0]
    assert np.all(margins.margin_grad("zero_one", M) == 0)


# a fine grid that holds the kinks and the crossing points exactly
FINE = np.union1d(np.linspace(-20, 20, 400_001), [0.0, 1.0, -math.log(math.e - 1)])


def test_every_convex_loss_is_an_upper_bound_of_the_zero_one_loss():
    # hinge, squared hinge and the logistic loss in bits lie on or above the 0-1 loss everywhere:
    # making them small forces the number of mistakes down
    zero_one = margins.margin_loss("zero_one", FINE)
    for name in ("hinge", "squared_hinge", "logistic"):
        assert np.all(margins.margin_loss(name, FINE) >= zero_one), name
    # all three equal 1 at the boundary m = 0, where the 0-1 loss is 1 too
    assert [margins.margin_loss(n, [0.0])[0] for n in ("zero_one", "hinge", "squared_hinge", "logistic")] == [1.0] * 4


def test_the_natural_log_logistic_loss_is_not_an_upper_bound():
    # why margins uses log2: ln(1 + e^-m) < 1 exactly for m > -ln(e - 1) ~ -0.541, so on (-0.541, 0]
    # it lies below the 0-1 loss (at m = 0 it is ln 2 ~ 0.693)
    natural = np.logaddexp(0.0, -FINE)
    below = FINE[natural < margins.margin_loss("zero_one", FINE)]
    assert below.min() == pytest.approx(-math.log(math.e - 1), abs=1e-4) and below.max() == 0.0
    assert math.log(math.e - 1) == pytest.approx(0.5413, abs=1e-4)
    assert np.logaddexp(0.0, 0.0) == pytest.approx(math.log(2))


def test_logistic_gradient_tends_to_minus_one_over_ln2():
    g = margins.margin_grad("logistic", [-60.0, 0.0, 60.0])
    np.testing.assert_allclose(g, [-1 / math.log(2), -0.5 / math.log(2), 0.0], atol=1e-15)


def test_unknown_name():
    with pytest.raises(ValueError, match="unknown margin loss 'exp'"):
        margins.margin_loss("exp", [0.0])
