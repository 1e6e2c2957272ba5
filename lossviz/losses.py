"""Reference loss functions in NumPy (float64), mirroring ``torch.nn.functional``.

Every loss ``f(first, target, ..., reduction="mean")`` has a sibling ``f_grad`` with
the same arguments that returns the gradient of the scalar loss with respect to
``first``, in ``first``'s shape (for ``reduction="none"``: the gradient of the sum).

Inputs may be lists, NumPy arrays or CPU tensors. Shapes are never broadcast:
a mismatch raises ``ValueError`` saying what to reshape.

This module imports neither torch nor matplotlib, so a student can read it
beside the PyTorch docs without anything else in the way.
"""

from __future__ import annotations

import numpy as np

from . import checks
from .i18n import N_, _

__all__ = [
    "mse", "mse_grad",
    "mae", "mae_grad",
    "huber", "huber_grad",
    "smooth_l1", "smooth_l1_grad",
    "cross_entropy", "cross_entropy_grad",
    "binary_cross_entropy", "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits_grad",
    "hinge", "hinge_grad",
    "multi_margin", "multi_margin_grad",
    "softmax", "log_softmax", "sigmoid",
]  # fmt: skip


# --------------------------------------------------------------------------- helpers


def _reduce(per_element: np.ndarray, reduction: str, count: int | None = None):
    """Apply a reduction; ``count`` is the divisor for "mean" (the number of samples)."""
    if reduction == "none":
        return per_element
    total = float(per_element.sum())
    if reduction == "sum":
        return total
    return total / (per_element.size if count is None else count)


def _grad_scale(reduction: str, count: int) -> float:
    # d(mean)/d(element) = 1/count; "sum" and "none" (the gradient of the sum) are 1.
    return 1.0 / count if reduction == "mean" else 1.0


def _pair(first, target, names: tuple[str, str], fn: str, reduction: str):
    """Validate the common case: two float arrays of exactly the same shape."""
    checks.check_reduction(reduction, fn)
    a = checks.as_float_array(first, names[0], fn)
    b = checks.as_float_array(target, names[1], fn)
    checks.check_same_shape(a, b, names, fn)
    return a, b


# --------------------------------------------------------------------------- activations


def softmax(z, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``: ``exp(z_j) / sum_k exp(z_k)``.

    Computed as ``exp(z - max(z))`` so that large logits do not overflow.
    PyTorch: ``torch.softmax(z, dim=-1)``.
    """
    z = checks.as_float_array(z, "z", "softmax")
    shifted = z - z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(z, axis: int = -1) -> np.ndarray:
    """Log-softmax along ``axis``: ``z_j - logsumexp(z)``.

    The log-sum-exp trick, ``logsumexp(z) = m + log(sum exp(z - m))`` with ``m = max(z)``,
    keeps it finite for logits of any size, where ``log(softmax(z))`` gives ``-inf``.
    PyTorch: ``torch.log_softmax(z, dim=-1)``.
    """
    z = checks.as_float_array(z, "z", "log_softmax")
    m = z.max(axis=axis, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=axis, keepdims=True))


def sigmoid(z) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, stable for large ``|z|``. PyTorch: ``torch.sigmoid``."""
    z = checks.as_float_array(z, "z", "sigmoid")
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# --------------------------------------------------------------------------- regression


def mse(pred, target, reduction: str = "mean"):
    """Mean squared error.

    ``L = 1/n * sum_i (y_i - yhat_i)^2``  (the source's section 3.1)

    Shapes: ``pred`` and ``target`` exactly the same shape, any shape.
    PyTorch: ``F.mse_loss(pred, target)`` / ``nn.MSELoss()``.
    Use for regression when errors are roughly Gaussian; outliers pull it hard.
    """
    p, t = _pair(pred, target, ("pred", "target"), "mse", reduction)
    return _reduce((p - t) ** 2, reduction)


def mse_grad(pred, target, reduction: str = "mean") -> np.ndarray:
    """``dL/dpred = 2 (pred - target) / n`` for "mean", ``2 (pred - target)`` otherwise."""
    p, t = _pair(pred, target, ("pred", "target"), "mse_grad", reduction)
    return 2.0 * (p - t) * _grad_scale(reduction, p.size)


def mae(pred, target, reduction: str = "mean"):
    """Mean absolute error (L1 loss).

    ``L = 1/n * sum_i |y_i - yhat_i|``

    Shapes: ``pred`` and ``target`` exactly the same shape.
    PyTorch: ``F.l1_loss(pred, target)`` / ``nn.L1Loss()``.
    Use for regression with outliers; it estimates the median, not the mean.
    """
    p, t = _pair(pred, target, ("pred", "target"), "mae", reduction)
    return _reduce(np.abs(p - t), reduction)


def mae_grad(pred, target, reduction: str = "mean") -> np.ndarray:
    """``dL/dpred = sign(pred - target) / n``; 0 where they are equal, as in PyTorch."""
    p, t = _pair(pred, target, ("pred", "target"), "mae_grad", reduction)
    return np.sign(p - t) * _grad_scale(reduction, p.size)


def huber(pred, target, delta: float = 1.0, reduction: str = "mean"):
    """Huber loss: quadratic near the target, linear far from it.

    ``l_i = 0.5 d_i^2`` if ``|d_i| < delta`` else ``delta * (|d_i| - 0.5 delta)``,
    with ``d_i = pred_i - target_i``; ``L = 1/n * sum_i l_i``.

    Shapes: ``pred`` and ``target`` exactly the same shape.
    PyTorch: ``F.huber_loss(pred, target, delta=delta)`` / ``nn.HuberLoss(delta=delta)``.
    Use for regression with some outliers: MSE's smooth minimum, MAE's robustness.
    """
    delta = checks.check_positive(delta, "delta", "huber")
    p, t = _pair(pred, target, ("pred", "target"), "huber", reduction)
    d = np.abs(p - t)
    return _reduce(np.where(d < delta, 0.5 * d**2, delta * (d - 0.5 * delta)), reduction)


def huber_grad(pred, target, delta: float = 1.0, reduction: str = "mean") -> np.ndarray:
    """``dL/dpred = clip(pred - target, -delta, delta) / n``."""
    delta = checks.check_positive(delta, "delta", "huber_grad")
    p, t = _pair(pred, target, ("pred", "target"), "huber_grad", reduction)
    return np.clip(p - t, -delta, delta) * _grad_scale(reduction, p.size)


def smooth_l1(pred, target, beta: float = 1.0, reduction: str = "mean"):
    """Smooth L1 loss, the box-regression loss of Fast/Faster R-CNN: Huber scaled by 1/beta.

    ``l_i = 0.5 d_i^2 / beta`` if ``|d_i| < beta`` else ``|d_i| - 0.5 beta``  (``d = pred - target``)

    Shapes: ``pred`` and ``target`` exactly the same shape.
    PyTorch: ``F.smooth_l1_loss(pred, target, beta=beta)`` / ``nn.SmoothL1Loss(beta=beta)``.
    Equal to ``huber(pred, target, delta=beta) / beta``; its gradient never exceeds 1 in size.
    """
    beta = checks.check_positive(beta, "beta", "smooth_l1")
    p, t = _pair(pred, target, ("pred", "target"), "smooth_l1", reduction)
    d = np.abs(p - t)
    return _reduce(np.where(d < beta, 0.5 * d**2 / beta, d - 0.5 * beta), reduction)


def smooth_l1_grad(pred, target, beta: float = 1.0, reduction: str = "mean") -> np.ndarray:
    """``dL/dpred = clip((pred - target) / beta, -1, 1) / n``."""
    beta = checks.check_positive(beta, "beta", "smooth_l1_grad")
    p, t = _pair(pred, target, ("pred", "target"), "smooth_l1_grad", reduction)
    return np.clip((p - t) / beta, -1.0, 1.0) * _grad_scale(reduction, p.size)


# --------------------------------------------------------------------------- classification


def _cross_entropy_inputs(logits, target, label_smoothing, reduction, fn):
    """Validate and return (logits, target distribution (N, C), sample count)."""
    checks.check_reduction(reduction, fn)
    eps = checks.check_in_range(label_smoothing, "label_smoothing", fn, 0.0, 1.0)
    z = checks.as_float_array(logits, "logits", fn)
    checks.check_ndim(z, 2, "logits", fn, N_("(N samples, C classes)"))
    n, c = z.shape
    t_raw = checks.to_array(target, "target", fn)
    if t_raw.ndim == 2:  # probabilities, one row per sample
        t = checks.as_float_array(t_raw, "target", fn)
        checks.check_same_shape(z, t, ("logits", "target"), fn)
        checks.check_probabilities(t, "target", fn, N_("Class probabilities cannot be negative or exceed 1."))
        checks.check_rows_sum_to_one(t, "target", fn)
    else:
        idx = checks.as_index_array(t_raw, "target", fn)
        if idx.shape != (n,):
            raise ValueError(
                _("{fn}: target must be class indices of shape ({n},) (one per row of logits) or "
                  "class probabilities of shape ({n}, {c}), but it has shape {shape}.").format(
                    fn=fn, n=n, c=c, shape=idx.shape)
            )
        checks.check_class_indices(idx, c, "target", fn)
        t = np.zeros((n, c))
        t[np.arange(n), idx] = 1.0
    # Label smoothing mixes the target with the uniform distribution, as PyTorch does.
    return z, (1.0 - eps) * t + eps / c, n


def cross_entropy(logits, target, label_smoothing: float = 0.0, reduction: str = "mean"):
    """Cross-entropy between a target distribution and ``softmax(logits)``.

    ``L = -1/n * sum_i sum_j y_ij * log(yhat_ij)``  with ``yhat_i = softmax(z_i)``
    (the source's section 3.2; here computed from logits with log-softmax, which is stable).

    Shapes: ``logits`` (N, C), raw scores, *not* probabilities. ``target`` either class
    indices (N,) of integers in 0..C-1, or class probabilities (N, C) whose rows sum to 1.
    ``label_smoothing`` = eps replaces the target by ``(1 - eps) * y + eps / C``.
    PyTorch: ``F.cross_entropy(logits, target, label_smoothing=eps)`` / ``nn.CrossEntropyLoss``.
    Use for single-label classification with C classes.
    """
    z, t, n = _cross_entropy_inputs(logits, target, label_smoothing, reduction, "cross_entropy")
    return _reduce(-(t * log_softmax(z)).sum(axis=1), reduction, count=n)


def cross_entropy_grad(logits, target, label_smoothing: float = 0.0, reduction: str = "mean"):
    """``dL/dz_i = (softmax(z_i) - y_i) / n`` (with the smoothed target ``y_i``)."""
    z, t, n = _cross_entropy_inputs(logits, target, label_smoothing, reduction, "cross_entropy_grad")
    # sum(t_i) is 1 for every row, so d/dz of -sum_j t_ij log softmax_j is softmax - t.
    return (softmax(z) - t) * _grad_scale(reduction, n)


def _bce_inputs(prob, target, reduction, fn):
    p, t = _pair(prob, target, ("prob", "target"), fn, reduction)
    checks.check_probabilities(
        p, "prob", fn, N_("These look like logits: use binary_cross_entropy_with_logits, "
        "or apply a sigmoid first.")
    )
    checks.check_probabilities(t, "target", fn, N_("Binary targets are 0 or 1 (or a soft label between)."))
    return p, t


def binary_cross_entropy(prob, target, reduction: str = "mean"):
    """Binary cross-entropy on probabilities.

    ``l_i = -(y_i log p_i + (1 - y_i) log(1 - p_i))``, each log clamped at -100 as PyTorch
    does, so ``p = 0`` or ``1`` gives a large finite loss instead of ``inf``.

    Shapes: ``prob`` and ``target`` the same shape; ``prob`` in [0, 1], ``target`` in [0, 1].
    PyTorch: ``F.binary_cross_entropy(prob, target)`` / ``nn.BCELoss()``.
    Prefer the with-logits version in a model: it is stable and does the sigmoid for you.
    """
    p, t = _bce_inputs(prob, target, reduction, "binary_cross_entropy")
    with np.errstate(divide="ignore"):  # log(0) = -inf is then clamped
        log_p = np.maximum(np.log(p), -100.0)
        log_1mp = np.maximum(np.log1p(-p), -100.0)
    return _reduce(-(t * log_p + (1.0 - t) * log_1mp), reduction)


# PyTorch floors p (1 - p) at 1e-12 stored as a float32 (9.99999996e-13); using the same
# number makes the gradient at p = 0 or 1 match it to the last digit.
_BCE_FLOOR = float(np.float32(1e-12))


def binary_cross_entropy_grad(prob, target, reduction: str = "mean") -> np.ndarray:
    """``dL/dp = (p - y) / (p (1 - p)) / n``, the denominator floored at 1e-12 as in PyTorch."""
    p, t = _bce_inputs(prob, target, reduction, "binary_cross_entropy_grad")
    return (p - t) / np.maximum(p * (1.0 - p), _BCE_FLOOR) * _grad_scale(reduction, p.size)


def binary_cross_entropy_with_logits(logit, target, reduction: str = "mean"):
    """Binary cross-entropy on logits, ``BCE(sigmoid(z), y)`` in a stable form.

    ``l_i = max(z_i, 0) - z_i y_i + log(1 + exp(-|z_i|))``

    Equal to ``-(y log sigmoid(z) + (1 - y) log(1 - sigmoid(z)))`` but never takes the log of 0
    nor overflows ``exp``, so logits of +-1e4 are fine.
    Shapes: ``logit`` and ``target`` the same shape; ``target`` in [0, 1].
    PyTorch: ``F.binary_cross_entropy_with_logits(logit, target)`` / ``nn.BCEWithLogitsLoss()``.
    Use for binary and multi-label classification.
    """
    fn = "binary_cross_entropy_with_logits"
    z, t = _pair(logit, target, ("logit", "target"), fn, reduction)
    checks.check_probabilities(t, "target", fn, N_("Binary targets are 0 or 1 (or a soft label between)."))
    return _reduce(np.maximum(z, 0.0) - z * t + np.log1p(np.exp(-np.abs(z))), reduction)


def binary_cross_entropy_with_logits_grad(logit, target, reduction: str = "mean") -> np.ndarray:
    """``dL/dz = (sigmoid(z) - y) / n``."""
    fn = "binary_cross_entropy_with_logits_grad"
    z, t = _pair(logit, target, ("logit", "target"), fn, reduction)
    checks.check_probabilities(t, "target", fn, N_("Binary targets are 0 or 1 (or a soft label between)."))
    return (sigmoid(z) - t) * _grad_scale(reduction, z.size)


def _hinge_inputs(score, target, reduction, fn):
    s, t = _pair(score, target, ("score", "target"), fn, reduction)
    checks.check_plus_minus_one(t, "target", fn)
    return s, t


def hinge(score, target, reduction: str = "mean"):
    """Hinge loss of a binary classifier (the SVM loss).

    ``l_i = max(0, 1 - y_i f(x_i))``  with ``y_i`` in {-1, +1}  (the source's section 3.3)

    Zero once a sample is on the right side with margin ``y f(x) >= 1``; linear otherwise.
    Shapes: ``score`` (raw f(x), any real) and ``target`` the same shape.
    PyTorch has no loss of this name for it (``nn.HingeEmbeddingLoss`` is a different loss):
    ``torch.clamp(1 - target * score, min=0).mean()``.
    Use for maximum-margin linear classifiers.
    """
    s, t = _hinge_inputs(score, target, reduction, "hinge")
    return _reduce(np.maximum(0.0, 1.0 - t * s), reduction)


def hinge_grad(score, target, reduction: str = "mean") -> np.ndarray:
    """Subgradient ``dL/df = -y / n`` where ``y f <= 1``, else 0 (at the kink ``y f = 1`` it takes the
    linear piece, as ``torch.clamp(1 - y * f, min=0)`` does)."""
    s, t = _hinge_inputs(score, target, reduction, "hinge_grad")
    return np.where(1.0 - t * s >= 0, -t, 0.0) * _grad_scale(reduction, s.size)


def _multi_margin_inputs(scores, target, margin, reduction, fn):
    checks.check_reduction(reduction, fn)
    margin = checks.check_positive(margin, "margin", fn)
    x = checks.as_float_array(scores, "scores", fn)
    checks.check_ndim(x, 2, "scores", fn, N_("(N samples, C classes)"))
    y = checks.as_index_array(target, "target", fn)
    if y.shape != (x.shape[0],):
        raise ValueError(
            _("{fn}: target must be class indices of shape ({shape},), one per row of scores, but "
                "it has shape {shape2}.").format(fn=fn, shape=x.shape[0], shape2=y.shape)
        )
    checks.check_class_indices(y, x.shape[1], "target", fn)
    n, c = x.shape
    correct = x[np.arange(n), y][:, None]
    terms = margin - correct + x  # (N, C): margin violation of every wrong class
    terms[np.arange(n), y] = 0.0  # the true class is not compared with itself
    return x, y, terms, n, c


def multi_margin(scores, target, margin: float = 1.0, reduction: str = "mean"):
    """Multiclass hinge loss (Weston-Watkins form, as in PyTorch).

    ``l_i = 1/C * sum_{j != y_i} max(0, margin - x_i[y_i] + x_i[j])``

    Shapes: ``scores`` (N, C) raw scores; ``target`` (N,) integer class indices.
    PyTorch: ``F.multi_margin_loss(scores, target, margin=margin)`` / ``nn.MultiMarginLoss``.
    Use for multiclass SVMs: zero once the true class beats every other by ``margin``.
    """
    x, y, terms, n, c = _multi_margin_inputs(scores, target, margin, reduction, "multi_margin")
    return _reduce(np.maximum(terms, 0.0).sum(axis=1) / c, reduction, count=n)


def multi_margin_grad(scores, target, margin: float = 1.0, reduction: str = "mean"):
    """Each violated wrong class j gets ``+1/C``; the true class gets ``-1/C`` per violation."""
    x, y, terms, n, c = _multi_margin_inputs(scores, target, margin, reduction, "multi_margin_grad")
    active = (terms > 0).astype(np.float64)
    active[np.arange(n), y] = 0.0
    grad = active / c
    grad[np.arange(n), y] = -active.sum(axis=1) / c
    return grad * _grad_scale(reduction, n)
