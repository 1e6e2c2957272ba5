"""Robust and adaptive losses of lesson 06.

``barron``: the general and adaptive robust loss of Barron (CVPR 2019), one formula whose shape
parameter ``alpha`` moves through the classic robust losses:

    rho(x, alpha, c) = |alpha - 2| / alpha * (((x / c)^2 / |alpha - 2| + 1)^(alpha / 2) - 1)

    alpha = 2      L2:               x^2 / (2 c^2)
    alpha = 1      Charbonnier:      sqrt((x / c)^2 + 1) - 1   (pseudo-Huber)
    alpha = 0      Cauchy / Lorentz: log((x / c)^2 / 2 + 1)     (the limit of the formula)
    alpha = -2     Geman-McClure:    2 (x / c)^2 / ((x / c)^2 + 4)
    alpha -> -inf  Welsch:           1 - exp(-(x / c)^2 / 2)

``focal`` (Lin et al. 2017) and ``generalized_cross_entropy`` (Zhang & Sabuncu 2018) reshape
cross-entropy: focal down-weights easy examples, GCE (between CE and MAE) resists noisy labels.
"""

from __future__ import annotations

import numpy as np

from . import checks, losses


def barron(x, alpha: float, c: float = 1.0) -> np.ndarray:
    """Barron's loss of each residual ``x`` (elementwise); ``alpha`` may be 0, 2 or -inf too."""
    x = checks.as_float_array(x, "x", "barron")
    c = checks.check_positive(c, "c", "barron")
    if not isinstance(alpha, (int, float)) or np.isnan(alpha) or alpha == np.inf:
        raise ValueError(f"barron: alpha must be a number (or -inf), got {alpha!r}.")
    z = (x / c) ** 2
    if alpha == 2:
        return z / 2
    if alpha == 0:
        return np.log1p(z / 2)
    if np.isneginf(alpha):
        return -np.expm1(-z / 2)
    b = abs(alpha - 2)
    return b / alpha * ((z / b + 1) ** (alpha / 2) - 1)


def barron_grad(x, alpha: float, c: float = 1.0) -> np.ndarray:
    """``d rho / d x = x / c^2 * (z / |alpha - 2| + 1)^(alpha / 2 - 1)``, ``z = (x / c)^2``."""
    x = checks.as_float_array(x, "x", "barron_grad")
    c = checks.check_positive(c, "c", "barron_grad")
    z = (x / c) ** 2
    if np.isneginf(alpha):
        return x / c**2 * np.exp(-z / 2)
    if alpha == 2:
        return x / c**2
    b = abs(alpha - 2)
    return x / c**2 * (z / b + 1) ** (alpha / 2 - 1)


def _prob_of_target(logits, target, fn):
    z = checks.as_float_array(logits, "logits", fn)
    checks.check_ndim(z, 2, "logits", fn, "(N samples, C classes)")
    t = checks.as_index_array(target, "target", fn)
    checks.check_class_indices(t, z.shape[1], "target", fn)
    return losses.log_softmax(z)[np.arange(len(t)), t]


def focal(logits, target, gamma: float = 2.0) -> float:
    """Mean focal loss ``-(1 - p)^gamma log p`` of the true class; ``gamma = 0`` is cross-entropy."""
    log_p = _prob_of_target(logits, target, "focal")
    return float(np.mean(-((1 - np.exp(log_p)) ** gamma) * log_p))


def generalized_cross_entropy(logits, target, q: float = 0.7) -> float:
    """Mean GCE ``(1 - p^q) / q`` of the true class: cross-entropy as q -> 0, MAE-like at q = 1."""
    q = checks.check_in_range(q, "q", "generalized_cross_entropy", 1e-9, 1.0)
    p = np.exp(_prob_of_target(logits, target, "generalized_cross_entropy"))
    return float(np.mean((1 - p**q) / q))


def uncertainty_weighting(task_losses, log_variances) -> float:
    """Kendall, Gal & Cipolla (2018): weigh each task's loss by a learned noise level.

    ``L = sum_i exp(-s_i) * L_i / 2 + s_i / 2`` with ``s_i = log sigma_i^2``: a noisy task (large
    sigma) is down-weighted, and the ``s_i / 2`` term stops every sigma from growing without bound.
    For a Gaussian task with mean squared error ``L_i``, the optimum is ``sigma_i^2 = L_i``.
    """
    fn = "uncertainty_weighting"
    L = checks.as_float_array(task_losses, "task_losses", fn)
    s = checks.as_float_array(log_variances, "log_variances", fn)
    checks.check_same_shape(L, s, ("task_losses", "log_variances"), fn)
    return float(np.sum(np.exp(-s) * L / 2 + s / 2))
