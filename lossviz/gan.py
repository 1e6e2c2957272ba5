"""The losses of a GAN (lesson 05), written from the discriminator's logit ``a = D(x)``.

With ``D = sigmoid(a)`` the probability that a sample is real:

    discriminator   L_D = -log D(x_real) - log(1 - D(G(z)))      = BCE(a_real, 1) + BCE(a_fake, 0)
    generator, minimax (Goodfellow et al. 2014):  L_G = log(1 - D(G(z)))  = -softplus(a_fake)
    generator, non-saturating:                    L_G = -log D(G(z))      =  softplus(-a_fake)

Both generator losses push D(G(z)) up, but early in training D rejects fakes easily
(``a_fake`` very negative) and the minimax loss is flat there: its gradient ``-sigmoid(a)``
vanishes, while the non-saturating gradient ``sigmoid(a) - 1`` stays near -1.
PyTorch: ``-F.binary_cross_entropy_with_logits(a, zeros)`` and ``F.binary_cross_entropy_with_logits(a, ones)``.
"""

from __future__ import annotations

import numpy as np

from . import checks, losses


def _a(logit, fn):
    return checks.as_float_array(logit, "logit", fn)


def generator_loss_minimax(logit) -> float:
    """Mean of ``log(1 - sigmoid(a))`` over the fake samples' logits."""
    return float(np.mean(-np.logaddexp(0.0, _a(logit, "generator_loss_minimax"))))


def generator_loss_minimax_grad(logit) -> np.ndarray:
    """``d/da`` of the mean: ``-sigmoid(a) / n``, which vanishes when D is sure a fake is fake."""
    a = _a(logit, "generator_loss_minimax_grad")
    return -losses.sigmoid(a) / a.size


def generator_loss_nonsaturating(logit) -> float:
    """Mean of ``-log sigmoid(a)`` over the fake samples' logits."""
    return float(np.mean(np.logaddexp(0.0, -_a(logit, "generator_loss_nonsaturating"))))


def generator_loss_nonsaturating_grad(logit) -> np.ndarray:
    """``d/da`` of the mean: ``(sigmoid(a) - 1) / n``, close to ``-1/n`` for an obvious fake."""
    a = _a(logit, "generator_loss_nonsaturating_grad")
    return (losses.sigmoid(a) - 1.0) / a.size


def wasserstein_1d(a, b) -> float:
    """Earth mover's distance between two 1-D samples, exactly.

    ``W1 = integral |F_a(t) - F_b(t)| dt = integral_0^1 |Q_a(q) - Q_b(q)| dq``: the area between the
    two empirical CDFs, or the mean gap between the quantile functions (for equal sizes, the mean
    of ``|sort(a) - sort(b)|``). SciPy: ``scipy.stats.wasserstein_distance(a, b)``.
    """
    a = np.sort(checks.as_float_array(a, "a", "wasserstein_1d").ravel())
    b = np.sort(checks.as_float_array(b, "b", "wasserstein_1d").ravel())
    points = np.sort(np.concatenate([a, b]))
    # both CDFs are constant between consecutive points, so the integral is a sum of rectangles
    cdf_a = np.searchsorted(a, points[:-1], side="right") / a.size
    cdf_b = np.searchsorted(b, points[:-1], side="right") / b.size
    return float(np.sum(np.abs(cdf_a - cdf_b) * np.diff(points)))
