"""Loss landscapes along random directions (Li et al., NeurIPS 2018), for lesson 06.

A network has thousands of parameters, so we look at a slice: the loss at
``theta + a * d1 (+ b * d2)`` for random directions ``d``. Raw random directions mislead,
because a layer's weights can be rescaled without changing the function; *filter
normalisation* gives each filter (row of a weight matrix) of ``d`` the norm of the same filter
in ``theta``, so distances along ``d`` mean the same in every layer. Biases get zero.
"""

from __future__ import annotations

import numpy as np


def filter_normalised_direction(model, seed: int = 0) -> list:
    """A random direction shaped like ``model``'s parameters, each filter rescaled to its norm."""
    import torch

    g = torch.Generator().manual_seed(seed)
    direction = []
    for p in model.parameters():
        d = torch.randn(p.shape, generator=g, dtype=p.dtype)
        if p.dim() <= 1:
            d.zero_()  # biases and norms stay put
        else:
            d *= p.detach().flatten(1).norm(dim=1).view(-1, *[1] * (p.dim() - 1)) / d.flatten(1).norm(dim=1).view(-1, *[1] * (p.dim() - 1))
        direction.append(d)
    return direction


def loss_surface(model, loss_fn, X, y, directions, alphas, betas=None) -> np.ndarray:
    """Loss at ``theta + a d1`` for each ``a`` (1-D), or ``theta + a d1 + b d2`` on a grid (2-D).

    Returns shape ``(len(alphas),)`` or ``(len(betas), len(alphas))``. The model is restored after.
    """
    import torch

    params = list(model.parameters())
    theta = [p.detach().clone() for p in params]
    betas = [0.0] if betas is None else betas
    out = np.empty((len(betas), len(alphas)))
    try:
        with torch.no_grad():
            for i, b in enumerate(betas):
                for j, a in enumerate(alphas):
                    for p, t, d1, d2 in zip(params, theta, directions[0], directions[-1]):
                        p.copy_(t + a * d1 + (b * d2 if len(directions) > 1 else 0))
                    out[i, j] = loss_fn(model(X), y).item()
    finally:
        with torch.no_grad():
            for p, t in zip(params, theta):
                p.copy_(t)
    return out[0] if len(directions) == 1 else out
