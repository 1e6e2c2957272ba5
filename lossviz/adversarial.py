"""Adversarial examples and adversarial training (lesson 06a), after Goodfellow, Shlens & Szegedy,
"Explaining and Harnessing Adversarial Examples" (ICLR 2015).

The *fast gradient sign method* (FGSM) moves every input by ``eps`` in the direction, coordinate
by coordinate, that raises the loss fastest to first order:

    x_adv = x + eps * sign(grad_x L(model(x), y))

For a binary linear classifier (a loss that is monotone in the score ``w . x + b``) it is the exact
maximiser of the loss over the box ``|x_adv - x|_inf <= eps``; for a network, a first-order guess.
*Adversarial training* minimises a mix of the clean and the adversarial loss (the paper uses
``weight = 0.5``), regenerating the FGSM examples from the current model at every step:

    L_adv = weight * L(model(x), y) + (1 - weight) * L(model(x_adv), y)
"""

from __future__ import annotations

import numpy as np

from . import checks
from .i18n import _


def fgsm(model, loss_fn, x, y, eps: float):
    """FGSM examples ``x + eps * sign(grad_x loss_fn(model(x), y))`` for a batch ``x`` (a tensor).

    The gradient is taken with ``torch.autograd.grad``, so the model's parameter gradients are
    left untouched; the result is detached (the perturbation is a constant for training).
    """
    import torch

    eps = checks.check_in_range(eps, "eps", "fgsm", 0.0, np.inf)
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise ValueError(
            _("fgsm: x must be a floating-point torch tensor, got {type}. Use torch.tensor(x, "
              "dtype=torch.float32).").format(type=type(x).__name__)
        )
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(loss_fn(model(x), y), x)
    return (x + eps * grad.sign()).detach()


def adversarial_loss(model, loss_fn, x, y, eps: float, weight: float = 0.5):
    """Goodfellow et al.'s objective ``weight * L(x) + (1 - weight) * L(fgsm(x))``."""
    weight = checks.check_in_range(weight, "weight", "adversarial_loss", 0.0, 1.0)
    x_adv = fgsm(model, loss_fn, x, y, eps)
    return weight * loss_fn(model(x), y) + (1 - weight) * loss_fn(model(x_adv), y)
