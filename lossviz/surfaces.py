"""Loss surfaces of a two-parameter linear model over a grid of its parameters.

The model is ``pred = w * x + b`` for 1-D ``x`` of shape (N,), or ``score = w1 * x1 + w2 * x2``
for 2-D ``x`` of shape (N, 2) (a linear classifier through the origin). Both are
``pred = a * u + c * v`` for two feature columns ``(u, v)``: ``(x, 1)`` or ``(x1, x2)``.

A surface is computed once per data set; sliders only move a marker over it.
Surfaces come back with shape ``(len(b_values), len(w_values))``, rows along the second
parameter, which is what ``plt.contour(w_values, b_values, Z)`` and ``imshow`` expect.
"""

from __future__ import annotations

import numpy as np

from . import checks
from .i18n import N_, _

# The vectorised path holds (rows, len(w), N) predictions at a time. Blocks of ~4 MB are reused
# by the allocator; blocks of 32 MB are fresh pages every time, and filling them cost more than
# the arithmetic (measured here: 443 ms against 252 ms for a 256x256 BCE surface over 1000 points).
_CHUNK_BYTES = 4 * 2**20


def _columns(x, fn: str):
    """The two feature columns ``(u, v)`` that multiply the two parameters."""
    x = checks.as_float_array(x, "x", fn)
    if x.ndim == 1:
        return x, np.ones_like(x)
    if x.ndim == 2 and x.shape[1] == 2:
        return x[:, 0], x[:, 1]
    raise ValueError(
        _("{fn}: x must have shape (N,) for pred = w * x + b, or (N, 2) for score = w1 * x1 + w2 * "
            "x2, but it has shape {shape}.").format(fn=fn, shape=x.shape)
    )


def _inputs(x, y, w_values, b_values, fn: str):
    u, v = _columns(x, fn)
    y = checks.as_float_array(y, "y", fn)
    if y.shape != u.shape:
        fix = _(" Use y.reshape(-1).") if y.size == u.size else ""
        raise ValueError(
            _("{fn}: y must have one value per sample, shape {shape}, but it has shape "
              "{y_shape}.{fix}").format(fn=fn, shape=u.shape, y_shape=y.shape, fix=fix)
        )
    w = checks.as_float_array(w_values, "w_values", fn)
    b = checks.as_float_array(b_values, "b_values", fn)
    for arr, name in [(w, "w_values"), (b, "b_values")]:
        checks.check_ndim(arr, 1, name, fn, N_("(the grid points along one axis)"))
    return u, v, y, w, b


def predictions(x, w: float, b: float) -> np.ndarray:
    """The model's output ``w * u + b * v`` at one point of the grid, shape (N,)."""
    u, v = _columns(x, "predictions")
    return w * u + b * v


def mse_surface(x, y, w_values, b_values) -> np.ndarray:
    """MSE over the grid by its closed form; the cost does not grow with the number of points.

    ``L(w, b) = mean((w u + b v - y)^2)
              = w^2 <u u> + b^2 <v v> + 2 w b <u v> - 2 w <u y> - 2 b <v y> + <y y>``

    where ``<.>`` is the mean over the data. The six means are computed once (O(N)); the grid
    then costs O(len(w) * len(b)) whatever N is.
    """
    u, v, y, w, b = _inputs(x, y, w_values, b_values, "mse_surface")
    uu, vv, uv = np.mean(u * u), np.mean(v * v), np.mean(u * v)
    uy, vy, yy = np.mean(u * y), np.mean(v * y), np.mean(y * y)
    W, B = np.meshgrid(w, b)
    surface = W**2 * uu + B**2 * vv + 2 * W * B * uv - 2 * W * uy - 2 * B * vy + yy
    # Rounding can leave -1e-16 at an exact fit; a squared error is never negative.
    return np.maximum(surface, 0.0)


def loss_surface(loss, x, y, w_values, b_values, **loss_kwargs) -> np.ndarray:
    """Any elementwise lossviz loss over the grid, vectorised (no Python loop over grid points).

    ``loss`` is a function such as ``losses.mae``, ``losses.hinge`` or
    ``losses.binary_cross_entropy_with_logits``, called as
    ``loss(pred, target, reduction="none", **loss_kwargs)`` on a whole block of the grid at once.
    Returns the mean loss at each grid point.
    """
    u, v, y, w, b = _inputs(x, y, w_values, b_values, "loss_surface")
    rows = max(1, _CHUNK_BYTES // (8 * w.size * u.size))
    out = np.empty((b.size, w.size))
    for start in range(0, b.size, rows):
        bb = b[start : start + rows, None, None]  # (rows, 1, 1)
        pred = w[None, :, None] * u + bb * v  # (rows, len(w), N)
        target = np.broadcast_to(y, pred.shape)
        out[start : start + rows] = loss(pred, target, reduction="none", **loss_kwargs).mean(axis=-1)
    return out


def hinge_surface(x, y, w_values, b_values) -> np.ndarray:
    """Mean hinge loss over the grid, exactly, without touching every (grid point, sample) pair.

    Along a row of the grid (``b`` fixed) each term ``max(0, c_i - a_i w)``, with ``a_i = y_i u_i``
    and ``c_i = 1 - y_i b v_i``, is zero on one side of its breakpoint ``w = c_i / a_i`` and linear
    on the other. Sorting the breakpoints once per row, cumulative sums of ``c`` and ``a`` give
    the sum of the active terms for every ``w`` at once: O(N log N + G log N) per row instead of
    O(N G). Labels ``y`` must be -1 or +1.
    """
    fn = "hinge_surface"
    u, v, y, w, b = _inputs(x, y, w_values, b_values, fn)
    checks.check_plus_minus_one(y, "y", fn)
    a = y * u
    up, down, flat = a > 0, a < 0, a == 0
    out = np.empty((b.size, w.size))
    for row, b_value in enumerate(b):
        c = 1.0 - y * b_value * v
        total = np.full(w.shape, np.maximum(c[flat], 0.0).sum())
        for mask, active_above in ((up, False), (down, True)):
            k = c[mask] / a[mask]
            order = np.argsort(k)
            k = k[order]
            cum_c = np.concatenate([[0.0], np.cumsum(c[mask][order])])
            cum_a = np.concatenate([[0.0], np.cumsum(a[mask][order])])
            if active_above:  # a < 0: the term is active where w > k, the sorted prefix
                i = np.searchsorted(k, w, side="left")
                total += cum_c[i] - cum_a[i] * w
            else:  # a > 0: active where w < k, the sorted suffix
                i = np.searchsorted(k, w, side="right")
                total += (cum_c[-1] - cum_c[i]) - (cum_a[-1] - cum_a[i]) * w
        out[row] = total / y.size
    return out


def best_fit_line(x, y, loss: str = "mse", delta: float = 1.0) -> tuple[float, float]:
    """The ``(w, b)`` of ``y = w x + b`` that minimises ``loss`` ("mse", "mae" or "huber").

    MSE has a closed form, the bottom of its quadratic surface (set both partial derivatives
    to 0): ``w = cov(x, y) / var(x)``, ``b = mean(y) - w mean(x)``.
    MAE and Huber have none; they are solved by iteratively reweighted least squares: a
    weighted MSE fit whose weights ``min(1, delta / |r_i|)`` (Huber) or ``1 / |r_i|`` (MAE)
    shrink the pull of points with large residuals ``r_i``, repeated until the line stops moving.
    """
    fn = "best_fit_line"
    x = checks.as_float_array(x, "x", fn)
    y = checks.as_float_array(y, "y", fn)
    checks.check_same_shape(x, y, ("x", "y"), fn)
    checks.check_ndim(x, 1, "x", fn, N_("(one feature per sample)"))
    if loss not in ("mse", "mae", "huber"):
        raise ValueError(
            _("{fn}: loss must be 'mse', 'mae' or 'huber', but got {loss!r}.").format(
                fn=fn, loss=loss)
        )
    delta = checks.check_positive(delta, "delta", fn)
    if np.ptp(x) == 0:
        raise ValueError(
            _("{fn}: every x is the same, so the slope is undefined; vary x.").format(fn=fn)
        )
    weights = np.ones_like(x)
    w, b = _weighted_line(x, y, weights)
    if loss == "mse":
        return w, b
    for _step in range(500):
        r = np.abs(y - (w * x + b))
        if loss == "huber":
            weights = np.minimum(1.0, delta / np.maximum(r, 1e-12))
        else:
            # The floor keeps a point the line passes through from taking all the weight.
            weights = 1.0 / np.maximum(r, 1e-9)
        w_new, b_new = _weighted_line(x, y, weights)
        done = abs(w_new - w) + abs(b_new - b) < 1e-12
        w, b = w_new, b_new
        if done:
            break
    return w, b


def _weighted_line(x, y, weights) -> tuple[float, float]:
    """Weighted least squares for y = w x + b."""
    m = weights / weights.sum()
    mx, my = np.sum(m * x), np.sum(m * y)
    w = float(np.sum(m * (x - mx) * (y - my)) / np.sum(m * (x - mx) ** 2))
    return w, float(my - w * mx)
