"""Robust and adaptive losses of lesson 06a.

``barron``: the general and adaptive robust loss of Barron (CVPR 2019), one formula whose shape
parameter ``alpha`` moves through the classic robust losses:

    rho(x, alpha, c) = |alpha - 2| / alpha * (((x / c)^2 / |alpha - 2| + 1)^(alpha / 2) - 1)

    alpha = 2      L2:               x^2 / (2 c^2)
    alpha = 1      Charbonnier:      sqrt((x / c)^2 + 1) - 1   (pseudo-Huber)
    alpha = 0      Cauchy / Lorentz: log((x / c)^2 / 2 + 1)     (the limit of the formula)
    alpha = -2     Geman-McClure:    2 (x / c)^2 / ((x / c)^2 + 4)
    alpha -> -inf  Welsch:           1 - exp(-(x / c)^2 / 2)

Its gradient ``x / c^2 * ((x / c)^2 / |alpha - 2| + 1)^(alpha / 2 - 1)`` grows like ``|x|^(alpha - 1)``:
without bound for alpha > 1, towards ``1 / c`` at alpha = 1, and back to zero for every alpha < 1,
after a peak at ``|x| = c * sqrt(|alpha - 2| / (1 - alpha))``, where the loss stops being convex
(its second derivative has the sign of ``1 + (alpha - 1) (x / c)^2 / |alpha - 2|``).

``barron_nll``: Barron's loss as a negative log-likelihood, ``rho + log c + log Z(alpha)``, the
objective under which alpha can be learned (minimising ``rho`` alone over alpha would just push
alpha down, since rho never increases as alpha decreases).

``focal`` (Lin et al. 2017) and ``generalized_cross_entropy`` (Zhang & Sabuncu 2018) reshape
cross-entropy: focal down-weights easy examples, GCE (between CE and MAE) resists noisy labels.
"""

from __future__ import annotations

import numpy as np

from . import checks, losses
from .i18n import N_, _


def barron(x, alpha: float, c: float = 1.0) -> np.ndarray:
    """Barron's loss of each residual ``x`` (elementwise); ``alpha`` may be 0, 2 or -inf too."""
    x = checks.as_float_array(x, "x", "barron")
    c = checks.check_positive(c, "c", "barron")
    if not isinstance(alpha, (int, float)) or np.isnan(alpha) or alpha == np.inf:
        raise ValueError(
            _("barron: alpha must be a number (or -inf), got {alpha!r}.").format(alpha=alpha)
        )
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


def barron_log_partition(alpha: float, nodes: int = 1000) -> float:
    """``log Z(alpha)``, ``Z(alpha) = integral of exp(-rho(x, alpha, 1)) dx`` over the real line.

    Z is finite only for alpha >= 0 (for alpha < 0, rho is bounded and exp(-rho) does not decay).
    Computed by the midpoint rule after ``x = tan(t)``, ``t`` in (-pi/2, pi/2): 1000 nodes give
    ``log Z`` to 1e-4 on [0.001, 2] (``Z(2) = sqrt(2 pi)``, ``Z(0) = pi sqrt(2)``). Barron's own code
    interpolates precomputed values with a spline instead; the numbers are the same.
    """
    fn = "barron_log_partition"
    alpha = checks.check_in_range(alpha, "alpha", fn, 0.0, np.inf)
    x, log_w = quadrature_nodes(nodes)
    v = log_w - barron(x, alpha)
    return float(v.max() + np.log(np.sum(np.exp(v - v.max()))))


def quadrature_nodes(nodes: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``x_k`` and log-weights ``log w_k`` with ``sum_k w_k f(x_k) ~ integral of f`` over R."""
    if not isinstance(nodes, (int, np.integer)) or nodes < 10:
        raise ValueError(
            _("quadrature_nodes: nodes must be an integer >= 10, got {nodes!r}.").format(
                nodes=nodes)
        )
    t = -np.pi / 2 + (np.arange(nodes) + 0.5) * np.pi / nodes
    return np.tan(t), np.log(np.pi / nodes) - 2 * np.log(np.cos(t))


def barron_nll(x, alpha: float, c: float = 1.0) -> np.ndarray:
    """``-log p(x | alpha, c) = rho(x, alpha, c) + log c + log Z(alpha)`` (Barron 2019, section 2).

    ``p = exp(-rho(x, alpha, c)) / (c Z(alpha))`` is a density for alpha >= 0: a Gaussian at
    alpha = 2, a Cauchy-like one at alpha = 0. Its ``log Z`` term grows as alpha falls (heavier
    tails spread the probability), which is what stops a learned alpha from simply running down.
    PyTorch has no built-in; Barron's own port, ``robust_loss_pytorch.AdaptiveLossFunction``,
    learns alpha this way, on the bounded range (0.001, 1.999).
    """
    c = checks.check_positive(c, "c", "barron_nll")
    return barron(x, alpha, c) + np.log(c) + barron_log_partition(alpha)


def _prob_of_target(logits, target, fn):
    z = checks.as_float_array(logits, "logits", fn)
    checks.check_ndim(z, 2, "logits", fn, N_("(N samples, C classes)"))
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
