"""FGSM against a hand computation, and the adversarial-training objective."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lossviz import adversarial


def _logistic(w, b):
    model = nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([w]))
        model.bias.fill_(b)
    return model


def test_fgsm_matches_the_hand_computation():
    # logistic regression, BCE with logits: grad_x L = (sigmoid(w.x + b) - y) w / N
    model = _logistic([2.0, -3.0], 0.5)
    x = torch.tensor([[1.0, 1.0], [0.5, -1.0]])
    y = torch.tensor([[1.0], [0.0]])
    # sample 1: z = 2 - 3 + 0.5 = -0.5, p - y = sigmoid(-0.5) - 1 < 0, so sign(grad) = -sign(w) = (-1, +1)
    # sample 2: z = 1 + 3 + 0.5 = 4.5, p - y = sigmoid(4.5) > 0, so sign(grad) = sign(w) = (+1, -1)
    want = torch.tensor([[1.0 - 0.1, 1.0 + 0.1], [0.5 + 0.1, -1.0 - 0.1]])
    got = adversarial.fgsm(model, F.binary_cross_entropy_with_logits, x, y, 0.1)
    torch.testing.assert_close(got, want)
    assert model.weight.grad is None  # the parameters' gradients are not touched
    assert not got.requires_grad


def test_fgsm_is_the_worst_case_in_the_box_for_a_linear_model():
    model = _logistic([2.0, -3.0], 0.5)
    x, y = torch.tensor([[1.0, 1.0]]), torch.tensor([[1.0]])
    worst = F.binary_cross_entropy_with_logits(model(adversarial.fgsm(model, F.binary_cross_entropy_with_logits, x, y, 0.2)), y)
    corners = torch.tensor([[sx, sy] for sx in (-0.2, 0.2) for sy in (-0.2, 0.2)]) + x
    others = F.binary_cross_entropy_with_logits(model(corners), y.expand(4, 1), reduction="none")
    assert worst.item() == pytest.approx(others.max().item())


def test_adversarial_loss_is_the_weighted_mix():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3))
    x, y = torch.randn(16, 2), torch.randint(0, 3, (16,))
    x_adv = adversarial.fgsm(model, F.cross_entropy, x, y, 0.3)
    want = 0.25 * F.cross_entropy(model(x), y) + 0.75 * F.cross_entropy(model(x_adv), y)
    assert adversarial.adversarial_loss(model, F.cross_entropy, x, y, 0.3, weight=0.25).item() == pytest.approx(want.item())
    assert F.cross_entropy(model(x_adv), y) > F.cross_entropy(model(x), y)
    torch.testing.assert_close(adversarial.fgsm(model, F.cross_entropy, x, y, 0.0), x)


def test_bad_arguments():
    model = _logistic([1.0, 1.0], 0.0)
    with pytest.raises(ValueError, match="eps must be a number in"):
        adversarial.fgsm(model, F.binary_cross_entropy_with_logits, torch.zeros(1, 2), torch.zeros(1, 1), -0.1)
    with pytest.raises(ValueError, match="floating-point torch tensor"):
        adversarial.fgsm(model, F.binary_cross_entropy_with_logits, np.zeros((1, 2)), torch.zeros(1, 1), 0.1)
    with pytest.raises(ValueError, match="weight must be a number in"):
        adversarial.adversarial_loss(model, F.binary_cross_entropy_with_logits, torch.zeros(1, 2), torch.zeros(1, 1), 0.1, 2.0)
