"""The losses of a GAN (lesson 05), written from the discriminator's logit ``a = D(x)``.

With ``D = sigmoid(a)`` the probability that a sample is real:

    discriminator   L_D = -log D(x_real) - log(1 - D(G(z)))      = BCE(a_real, 1) + BCE(a_fake, 0)
    generator, minimax (Goodfellow et al. 2014):  L_G = log(1 - D(G(z)))  = -softplus(a_fake)
    generator, non-saturating:                    L_G = -log D(G(z))      =  softplus(-a_fake)

Both generator losses push D(G(z)) up, but early in training D rejects fakes easily
(``a_fake`` very negative) and the minimax loss is flat there: its gradient ``-sigmoid(a)``
vanishes, while the non-saturating gradient ``sigmoid(a) - 1`` stays near -1.
PyTorch: ``-F.binary_cross_entropy_with_logits(a, zeros)`` and ``F.binary_cross_entropy_with_logits(a, ones)``.

With both densities known (on a grid), the game itself: the value
``V(D, G) = E_data[log D] + E_g[log(1 - D)]`` (``value_function``), the discriminator that
maximises it, ``D* = p_data / (p_data + p_g)`` (``optimal_discriminator``), and the divergence
the minimax generator then minimises, ``V(D*, G) = -log 4 + 2 JSD(p_data || p_g)``
(``jensen_shannon``; Goodfellow et al. 2014, Proposition 1 and Theorem 1).
"""

from __future__ import annotations

import numpy as np

from . import checks, losses
from .i18n import N_, _


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


# The game with densities known: the optimal discriminator and the Jensen-Shannon divergence.


def _grid_and_densities(x, p, q, names, fn):
    x = checks.as_float_array(x, "x", fn)
    if x.ndim != 1 or x.size < 2 or np.any(np.diff(x) <= 0):
        if x.ndim != 1 or x.size < 2:
            message = _("{fn}: x must be a 1-D grid of at least 2 increasing points, but it has shape "
                        "{shape}. Use np.linspace(lo, hi, n).")  # fmt: skip
        else:
            message = _("{fn}: x must be a 1-D grid of at least 2 increasing points, but it has shape "
                        "{shape} and does not increase. Use np.linspace(lo, hi, n).")  # fmt: skip
        raise ValueError(message.format(fn=fn, shape=tuple(x.shape)))
    out = [x]
    for name, density in zip(names, (p, q)):
        density = checks.as_float_array(density, name, fn)
        checks.check_same_shape(density, x, (name, "x"), fn)
        _non_negative(density, name, fn)
        out.append(density)
    return out


def _non_negative(density, name, fn):
    if np.any(density < 0):
        raise ValueError(
            _("{fn}: {name} holds a density, which is never negative, but its smallest value is "
              "{min:g}. Pass the density's values on the grid (such as scipy.stats.norm.pdf(x)).").format(
                fn=fn, name=name, min=density.min())
        )


def _trapezoid(f, x) -> float:
    """The trapezoidal rule, ``np.trapezoid(f, x)`` (``np.trapz`` before NumPy 2)."""
    return float(np.sum((f[1:] + f[:-1]) * np.diff(x)) / 2)


def _xlogy(a, b):
    """``a log b`` with ``0 log b = 0`` (also where ``b = 0``), as ``scipy.special.xlogy``."""
    with np.errstate(divide="ignore"):
        return np.where(a == 0, 0.0, a * np.log(np.where(a == 0, 1.0, b)))


def optimal_discriminator(p_data, p_g):
    """The best discriminator for a fixed generator: ``D*(x) = p_data(x) / (p_data(x) + p_g(x))``.

    It maximises ``a log D + b log(1 - D)`` (``a = p_data(x)``, ``b = p_g(x)``) at every ``x``:
    the derivative ``a/D - b/(1 - D)`` vanishes at ``D = a/(a + b)`` (Goodfellow et al. 2014,
    Proposition 1). Where both densities are 0, every ``D`` is as good; this returns 0.5 there.
    """
    fn = "optimal_discriminator"
    p_data, p_g = checks.as_float_array(p_data, "p_data", fn), checks.as_float_array(p_g, "p_g", fn)
    checks.check_same_shape(p_data, p_g, ("p_data", "p_g"), fn)
    _non_negative(p_data, "p_data", fn)
    _non_negative(p_g, "p_g", fn)
    total = p_data + p_g
    return np.where(total > 0, p_data / np.where(total > 0, total, 1.0), 0.5)


def value_function(d, x, p_data, p_g) -> float:
    """The GAN game's value for a discriminator with outputs ``d`` on the grid ``x``:

    ``V(D, G) = E_{p_data}[log D(x)] + E_{p_g}[log(1 - D(x))]
              = integral of p_data(x) log D(x) + p_g(x) log(1 - D(x)) dx``,

    by the trapezoidal rule on ``x``. The discriminator's loss (BCE with real -> 1 and fake -> 0,
    each term averaged over its samples, then added) is ``-V``; the mean BCE over real and fake
    samples pooled in equal numbers is ``-V / 2``. With
    ``d = optimal_discriminator(p_data, p_g)``, ``V = -log 4 + 2 JSD(p_data || p_g)``
    (Goodfellow et al. 2014, Theorem 1).
    """
    fn = "value_function"
    x, p_data, p_g = _grid_and_densities(x, p_data, p_g, ("p_data", "p_g"), fn)
    d = checks.as_float_array(d, "d", fn)
    checks.check_same_shape(d, x, ("d", "x"), fn)
    checks.check_probabilities(d, "d", fn, N_("D(x) is a probability: pass torch.sigmoid of the logit."))
    return _trapezoid(_xlogy(p_data, d) + _xlogy(p_g, 1.0 - d), x)


def jensen_shannon(x, p, q) -> float:
    """Jensen-Shannon divergence (natural log) of two densities given on the grid ``x``:

    ``JSD(p || q) = KL(p || m) / 2 + KL(q || m) / 2`` with ``m = (p + q) / 2``, by the trapezoidal
    rule. It lies between 0 (``p = q``) and ``log 2`` (no overlap). SciPy, for a uniform grid on
    whose ends both densities vanish: ``scipy.spatial.distance.jensenshannon(p, q) ** 2`` (SciPy
    returns the square root of the divergence, and normalises ``p`` and ``q`` to sum to 1).
    """
    x, p, q = _grid_and_densities(x, p, q, ("p", "q"), "jensen_shannon")
    m = (p + q) / 2
    safe_m = np.where(m > 0, m, 1.0)  # where m = 0, p = q = 0 and both terms are 0
    return (_trapezoid(_xlogy(p, p / safe_m), x) + _trapezoid(_xlogy(q, q / safe_m), x)) / 2
