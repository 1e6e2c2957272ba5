"""Calibration of a classifier's probabilities: reliability bins and the expected calibration error.

A classifier is *calibrated* when, among the samples to which it gives confidence c, a fraction
c is classified right. Here, as in Guo et al. (2017), the **confidence** of sample i is its
largest predicted probability and the prediction is that class:

    conf_i = max_j p_ij,        ŷ_i = argmax_j p_ij        (the first such j on a tie)

Confidences are sorted into M **equal-width bins** B_m = ((m − 1)/M, m/M], m = 1..M, closed on
the right. In each non-empty bin

    acc(B_m)  = (1/|B_m|) Σ_{i ∈ B_m} 1[ŷ_i = y_i]
    conf(B_m) = (1/|B_m|) Σ_{i ∈ B_m} conf_i

and the **expected calibration error** weighs each bin's gap by its share of the N samples:

    ECE = Σ_m (|B_m| / N) · |acc(B_m) − conf(B_m)|          in [0, 1]; empty bins add 0

A reliability diagram draws acc(B_m) against conf(B_m): a calibrated model lies on the diagonal;
points below it are over-confident, points above under-confident. ECE depends on M, and on a
finite sample it is above 0 even for a perfectly calibrated model (each bin's accuracy is a
sample mean), so state M and compare models on the same data.

Library equivalents: for the reliability diagram, scikit-learn's
``sklearn.calibration.calibration_curve(correct, conf, n_bins=M, strategy="uniform")``, given
``correct = (ŷ == y)`` and ``conf`` as above, returns ``(acc, conf)`` of the non-empty bins, with
the same bins closed on the right (its edges come from ``np.linspace`` and may sit one rounding
step above k/M; its ``y_prob`` is usually the probability of class 1 of a binary model, a
different reading of the same binning). PyTorch itself has no ECE; the torchmetrics package's
``multiclass_calibration_error(..., norm="l1")`` uses right-closed bins like these (in float32
there; not checked here, torchmetrics is not a dependency).

Two helpers judge ECEs measured on finite data. ``calibrated_draws`` gives the ECEs a model
calibrated by construction would show with the same probabilities (labels drawn from the model's
own probabilities): an ECE above all of R such draws would happen by chance less than 1 time in
R + 1 if the model were calibrated. ``paired_difference`` compares two sets of runs made in pairs
(the same initialisation for both) by a paired t interval.

References: Naeini, Cooper & Hauskrecht (2015), *Obtaining Well Calibrated Probabilities Using
Bayesian Binning*, AAAI; Guo, Pleiss, Sun & Weinberger (2017), *On Calibration of Modern Neural
Networks*, ICML, section 2.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from . import checks
from .i18n import N_, _


@dataclass(frozen=True)
class ReliabilityBins:
    """Per-bin statistics of ``reliability_bins``, each an array of length M (``n_bins``).

    ``edges`` (M + 1,): the bin edges 0, 1/M, ..., 1. ``counts``: samples per bin (|B_m|).
    ``accuracy`` and ``confidence``: acc(B_m) and conf(B_m), NaN for an empty bin.
    """

    edges: np.ndarray
    counts: np.ndarray
    accuracy: np.ndarray
    confidence: np.ndarray

    @property
    def gaps(self) -> np.ndarray:
        """|acc(B_m) − conf(B_m)| per bin (NaN for an empty bin)."""
        return np.abs(self.accuracy - self.confidence)

    @property
    def ece(self) -> float:
        """Σ_m (|B_m| / N) |acc(B_m) − conf(B_m)|."""
        full = self.counts > 0
        return float(np.sum(self.counts[full] / self.counts.sum() * self.gaps[full]))


def _check_bins(n_bins, fn: str) -> int:
    if isinstance(n_bins, bool) or not isinstance(n_bins, numbers.Integral) or n_bins < 1:
        raise ValueError(
            _("{fn}: n_bins must be a whole number >= 1 (the number of equal-width confidence "
              "bins, often 10 or 15), but got {n_bins!r}.").format(fn=fn, n_bins=n_bins)
        )
    return int(n_bins)


def confidence_and_correct(probs, labels, fn: str = "confidence_and_correct"):
    """``(conf, correct)`` for class probabilities ``probs`` (N, K) and class indices ``labels``
    (N,): ``conf = probs.max(1)`` and ``correct = (probs.argmax(1) == labels)``, as float64 arrays.

    In PyTorch: ``conf, pred = probs.max(1); correct = pred == labels``.
    """
    p = checks.as_float_array(probs, "probs", fn)
    if p.ndim == 1:
        raise ValueError(
            _("{fn}: probs must have shape (N, K), one row of class probabilities per sample, but "
              "it has shape {shape}. For a binary model that gives p = P(class 1), pass "
              "np.column_stack([1 - p, p]).").format(fn=fn, shape=checks._shape(p.shape))
        )
    checks.check_ndim(p, 2, "probs", fn, N_("(samples, classes)"))
    if p.shape[1] < 2:
        raise ValueError(
            _("{fn}: probs needs at least 2 columns (classes), but has shape {shape}. For a binary "
              "model that gives p = P(class 1), pass np.column_stack([1 - p, p]).").format(
                fn=fn, shape=checks._shape(p.shape))
        )
    checks.check_probabilities(p, "probs", fn, hint=_("Apply softmax to the logits first "
                                                        "(torch.softmax(logits, 1))."))  # fmt: skip
    checks.check_rows_sum_to_one(p, "probs", fn)
    y = checks.as_index_array(labels, "labels", fn)
    if y.shape != (p.shape[0],):
        raise ValueError(
            _("{fn}: labels must hold one class index per row of probs, shape ({shape},), but has "
              "shape {shape2}. Pass class indices, not one-hot rows (labels.argmax(1) turns one "
              "into the other).").format(fn=fn, shape=p.shape[0], shape2=checks._shape(y.shape))
        )
    checks.check_class_indices(y, p.shape[1], "labels", fn)
    return p.max(axis=1), (p.argmax(axis=1) == y).astype(np.float64)


def reliability_bins(probs, labels, n_bins: int = 10) -> ReliabilityBins:
    """Bin the confidences into ``n_bins`` equal-width bins ((m − 1)/M, m/M] and return, per bin,
    the count, the accuracy acc(B_m) and the mean confidence conf(B_m) (see the module docstring).

    ``probs`` (N, K): predicted class probabilities (rows sum to 1); ``labels`` (N,): class indices.
    scikit-learn: ``calibration_curve(correct, conf, n_bins=n_bins)`` gives the non-empty bins'
    ``(accuracy, confidence)``.
    """
    fn = "reliability_bins"
    m = _check_bins(n_bins, fn)
    conf, correct = confidence_and_correct(probs, labels, fn)
    edges = np.arange(m + 1) / m
    # side="left": edges[k] < conf <= edges[k + 1] puts conf in bin k (0-based), closed on the right
    index = np.searchsorted(edges[1:-1], conf, side="left")
    counts = np.bincount(index, minlength=m)
    with np.errstate(invalid="ignore", divide="ignore"):  # empty bins: 0 / 0 -> NaN, on purpose
        accuracy = np.bincount(index, weights=correct, minlength=m) / counts
        confidence = np.bincount(index, weights=conf, minlength=m) / counts
    return ReliabilityBins(edges, counts, accuracy, confidence)


def expected_calibration_error(probs, labels, n_bins: int = 10) -> float:
    """ECE = Σ_m (|B_m| / N) |acc(B_m) − conf(B_m)| over ``n_bins`` equal-width confidence bins,
    the confidence being the largest predicted probability (see the module docstring).

    ``probs`` (N, K): predicted class probabilities; ``labels`` (N,): class indices. 0 means
    calibrated to within the bins; the larger, the further accuracy is from confidence.
    torchmetrics: ``multiclass_calibration_error(probs, labels, num_classes=K, n_bins=M,
    norm="l1")``, the same bins (in float32; not checked here).
    """
    return reliability_bins(probs, labels, n_bins).ece


def _ece(conf, correct, edges) -> float:
    index = np.searchsorted(edges[1:-1], conf, side="left")
    m = len(edges) - 1
    counts = np.bincount(index, minlength=m)
    gap = np.abs(np.bincount(index, weights=correct - conf, minlength=m))  # n_b |acc(b) − conf(b)|
    return float(gap.sum() / counts.sum())


def calibrated_draws(probs, n_bins: int = 10, draws: int = 20, seed: int = 0) -> np.ndarray:
    """The ECEs of a model *calibrated by construction* with these probabilities: ``draws`` times,
    draw each sample's label from its own row of ``probs`` and compute the ECE, shape (draws,).

    ECE > 0 on finite data even for a calibrated model; these draws show how large it gets by
    chance. If the model were calibrated its measured ECE would be one more draw, so an ECE above
    all ``draws`` of them has a chance below 1 / (draws + 1) (a Monte Carlo test; Bröcker & Smith
    (2007), *Increasing the Reliability of Reliability Diagrams*, Weather and Forecasting, call it
    consistency resampling). In PyTorch one draw is
    ``labels = torch.distributions.Categorical(probs=probs).sample()``.
    """
    fn = "calibrated_draws"
    m = _check_bins(n_bins, fn)
    if isinstance(draws, bool) or not isinstance(draws, numbers.Integral) or draws < 1:
        raise ValueError(
            _("{fn}: draws must be a whole number >= 1 (how many label sets to draw, e.g. 20), but "
              "got {draws!r}.").format(fn=fn, draws=draws)
        )
    p = checks.as_float_array(probs, "probs", fn)
    conf, _labels = confidence_and_correct(p, np.zeros(len(p), dtype=int), fn)  # checks probs; labels unused
    pred, cumulative = p.argmax(axis=1), p.cumsum(axis=1)
    rng, edges = np.random.default_rng(seed), np.arange(m + 1) / m
    out = np.empty(draws)
    for r in range(draws):
        # inverse-CDF draw; the last column is capped so rounding in cumsum cannot give label K
        labels = np.minimum((rng.random((len(p), 1)) > cumulative).sum(axis=1), p.shape[1] - 1)
        out[r] = _ece(conf, (pred == labels).astype(np.float64), edges)
    return out


def paired_difference(a, b, level: float = 0.95):
    """Mean of the paired differences d_i = a_i − b_i and the half-width of its t interval:

        mean = (1/n) Σ d_i,    half = t_{n−1, (1 + level)/2} · s_d / √n,

    s_d the sample standard deviation of d (n − 1 in the denominator). The interval
    mean ± half covers the true mean difference with probability ``level`` if the d_i are
    independent and normal. Pair the runs when they share what varies between runs (here an
    initialisation): the pairing removes that variation from the comparison.

    ``a``, ``b``: the same number n >= 2 of values, pair by pair. SciPy:
    ``scipy.stats.ttest_rel(a, b).confidence_interval(level)`` gives (mean − half, mean + half).
    """
    fn = "paired_difference"
    x = checks.as_float_array(a, "a", fn)
    y = checks.as_float_array(b, "b", fn)
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise ValueError(
            _("{fn}: a and b must be two 1-D lists of the same length >= 2 (one value per run, "
              "pair by pair), but have shapes {shape} and {shape2}. Pass one value per paired run "
              "to each.").format(fn=fn, shape=checks._shape(x.shape), shape2=checks._shape(y.shape))
        )
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(
            _("{fn}: level must be a number strictly between 0 and 1 (e.g. 0.95 for a 95% "
              "interval), but got {level!r}.").format(fn=fn, level=level)
        )
    from scipy.special import stdtrit  # scipy comes with scikit-learn; scipy.stats is slower to import

    d = x - y
    half = stdtrit(d.size - 1, (1 + level) / 2) * d.std(ddof=1) / np.sqrt(d.size)
    return float(d.mean()), float(half)
