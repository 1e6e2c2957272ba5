"""Scoring probability forecasts of a binary event (lesson 07): log loss, the Brier score and
accuracy, on outcomes and in expectation.

A forecaster reports ``q``, the probability that an event happens (``y = 1``). On outcomes:

    log loss      mean of  -[y log q + (1 - y) log(1 - q)]       sklearn.metrics.log_loss(y, q)
    Brier score   mean of  (q - y)^2                              sklearn.metrics.brier_score_loss(y, q)
                  (half of Brier's original score, which sums the squared error over both outcomes:
                  2 (q - y)^2 for one binary event; scikit-learn's default for binary outcomes)
    accuracy      mean of  [(q > 0.5) == y]                       sklearn.metrics.accuracy_score(y, q > 0.5)

If the event's true probability is ``p``, the expected scores of reporting ``q`` are

    E log loss  = -p log q - (1 - p) log(1 - q)     smallest at q = p (excess: KL(Ber(p) || Ber(q)))
    E Brier     = p (1 - q)^2 + (1 - p) q^2 = (q - p)^2 + p (1 - p)     smallest at q = p
    E accuracy  = p if q > 0.5, else 1 - p          flat on each side of 0.5

so log loss and Brier are *strictly proper* scoring rules (honesty, q = p, is their only best
report) and accuracy is not: any q on the right side of 0.5 scores the same.

References: Gneiting & Raftery (2007), "Strictly Proper Scoring Rules, Prediction, and
Estimation", JASA 102(477); Brier (1950), "Verification of forecasts expressed in terms of
probability", Monthly Weather Review 78(1).
"""

from __future__ import annotations

import numpy as np

from . import checks
from .i18n import _

THRESHOLD = 0.5


def _probability(q, name: str, fn: str) -> np.ndarray:
    arr = checks.as_float_array(q, name, fn)
    checks.check_probabilities(arr, name, fn, hint=_("{name} is a probability: clip it, or pass it through a sigmoid.").format(name=name))
    return arr


def _outcomes_and_forecasts(y, q, fn: str) -> tuple[np.ndarray, np.ndarray]:
    y_arr = checks.as_float_array(y, "y", fn)
    if not np.all((y_arr == 0) | (y_arr == 1)):
        seen = ", ".join(f"{v:g}" for v in np.unique(y_arr)[:6])
        raise ValueError(
            _("{fn}: y holds outcomes, which must be 0 (did not happen) or 1 (happened), but it "
              "holds {{{seen}}}. Map your two classes to 0 and 1 (for example y = (labels == "
              "positive).astype(int)).").format(fn=fn, seen=seen)
        )
    q_arr = _probability(q, "q", fn)
    checks.check_same_shape(q_arr, y_arr, ("q", "y"), fn)
    return y_arr, q_arr


def log_loss(y, q) -> float:
    """Mean log loss of forecasts ``q`` (probability that ``y = 1``) for outcomes ``y`` in {0, 1}.

    ``-mean(y log q + (1 - y) log(1 - q))``; shapes of ``y`` and ``q`` must match.
    scikit-learn: ``sklearn.metrics.log_loss(y, q, labels=[0, 1])``; PyTorch:
    ``F.binary_cross_entropy(q, y)``. A forecast of 0 or 1 that turns out wrong costs ``inf``
    here (scikit-learn clips q to [eps, 1 - eps] and charges about 36; PyTorch clamps the log at
    -100).
    """
    y, q = _outcomes_and_forecasts(y, q, "log_loss")
    with np.errstate(divide="ignore"):
        per_event = -np.where(y == 1, np.log(q), np.log1p(-q))
    return float(np.mean(per_event))


def brier_score(y, q) -> float:
    """Mean squared error of the probability: ``mean((q - y)^2)``, for outcomes ``y`` in {0, 1}.

    For one binary event this is half of Brier's (1950) original score, which sums the squared
    error over both outcomes, ``(q - y)^2 + ((1 - q) - (1 - y))^2 = 2 (q - y)^2``; scikit-learn's
    ``brier_score_loss`` uses the half for binary outcomes by default.
    scikit-learn: ``sklearn.metrics.brier_score_loss(y, q)``; PyTorch: ``F.mse_loss(q, y)``.
    """
    y, q = _outcomes_and_forecasts(y, q, "brier_score")
    return float(np.mean((q - y) ** 2))


def accuracy(y, q) -> float:
    """Share of events called right when ``q > 0.5`` means "it will happen".

    scikit-learn: ``sklearn.metrics.accuracy_score(y, q > 0.5)``.
    """
    y, q = _outcomes_and_forecasts(y, q, "accuracy")
    return float(np.mean((q > THRESHOLD) == (y == 1)))


def _xlogy(a, b):
    """``a log b`` with ``0 log b = 0`` (also for ``b = 0``), as ``scipy.special.xlogy``."""
    a, b = np.broadcast_arrays(a, b)
    with np.errstate(divide="ignore"):
        return np.where(a == 0, 0.0, a * np.log(np.where(a == 0, 1.0, b)))


def _p_and_q(p, q, fn: str) -> tuple[np.ndarray, np.ndarray]:
    p_arr, q_arr = _probability(p, "p", fn), _probability(q, "q", fn)
    try:
        np.broadcast_shapes(p_arr.shape, q_arr.shape)
    except ValueError:
        raise ValueError(
            _("{fn}: p has shape {shape} and q has shape {shape2}, which do not broadcast. Give "
              "one p per q, or a single p (a scalar) with many q.").format(
                fn=fn, shape=p_arr.shape, shape2=q_arr.shape)
        ) from None
    return p_arr, q_arr


def expected_log_loss(p, q):
    """Expected log loss of reporting ``q`` for an event of true probability ``p``:
    ``-p log q - (1 - p) log(1 - q)``, smallest at ``q = p``.

    ``p`` and ``q`` broadcast (one ``p`` against a grid of ``q``, say). With ``0 log 0 = 0``.
    """
    p, q = _p_and_q(p, q, "expected_log_loss")
    return -(_xlogy(p, q) + _xlogy(1 - p, 1 - q))


def expected_brier(p, q):
    """Expected Brier score of reporting ``q`` for an event of true probability ``p``:
    ``p (1 - q)^2 + (1 - p) q^2 = (q - p)^2 + p (1 - p)``, smallest at ``q = p``. Broadcasts."""
    p, q = _p_and_q(p, q, "expected_brier")
    return p * (1 - q) ** 2 + (1 - p) * q**2


def expected_accuracy(p, q):
    """Expected accuracy of calling "it will happen" when ``q > 0.5``: ``p`` if so, else ``1 - p``.
    Flat in ``q`` on each side of 0.5. Broadcasts."""
    p, q = _p_and_q(p, q, "expected_accuracy")
    return np.where(q > THRESHOLD, p, 1 - p)


def sharpen(p, k):
    """``p`` pushed toward 0 and 1 (``k > 1``) or toward 0.5 (``0 < k < 1``); ``k = 1`` leaves it.

    ``q = p^k / (p^k + (1 - p)^k)``, which is ``sigmoid(k * logit(p))``: the logit scaled by
    ``k`` (temperature scaling with temperature ``1 / k``). It never moves ``p`` across 0.5, so
    decisions at the 0.5 threshold, and hence accuracy, do not change.
    PyTorch: ``torch.sigmoid(k * torch.logit(p))``.
    """
    p = _probability(p, "p", "sharpen")
    k = checks.check_positive(k, "k", "sharpen")
    with np.errstate(divide="ignore"):
        logit = np.log(p) - np.log1p(-p)  # -inf at p = 0, +inf at p = 1: they stay there
    with np.errstate(over="ignore"):  # exp overflows to inf for a logit far below 0: q is then 0
        return 1.0 / (1.0 + np.exp(-k * logit))
