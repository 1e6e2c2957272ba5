"""A linear support vector machine trained by subgradient descent in PyTorch.

The objective of lesson 03, for labels ``y`` in {-1, +1} and a regularisation strength ``lam``:

    J(w, b) = 1/n * sum_i max(0, 1 - y_i (w . x_i + b))  +  lam / 2 * |w|^2

The lines ``w . x + b = +1`` and ``-1`` are ``2 / |w|`` apart (the distance of x to the line
``w . x + b = 0`` is ``|w . x + b| / |w|``), so the penalty on ``|w|`` is a reward for a wide band.
``sklearn_C`` converts ``lam`` to scikit-learn's ``C``; ``dual_lower_bound`` turns the dual
variables of scikit-learn's ``SVC`` into a lower bound on the optimum of J.

Several strengths are trained at once (one row of ``W`` per ``lam``): their objectives share no
parameters, so one backward pass gives every row its own gradient. torch is imported when a
function here is called, not when lossviz is.
"""

from __future__ import annotations

import numpy as np

from . import checks
from .i18n import N_, _


def fit_linear_svms(X, y, lams, steps: int = 2000, lr: float = 0.5, seed: int = 0):
    """Train one linear SVM per value in ``lams``; returns ``(W, b, history)``.

    ``W`` has shape (K, 2) for K strengths, ``b`` shape (K,), ``history`` (steps, K) the
    objective J before each step: ``history[t]`` is J at the weights after t steps, so
    ``history[-1]`` is one step behind the returned ``(W, b)`` (use ``objective`` for J there).
    Full-batch subgradient descent with the step ``lr / sqrt(1 + t/50)``,
    which shrinks slowly enough to reach the kinks of the hinge and settle there.
    """
    import torch

    fn = "fit_linear_svms"
    X, y = _samples(X, y, fn)
    lams = checks.as_float_array(np.atleast_1d(lams), "lams", fn)
    if np.any(lams < 0):
        raise ValueError(
            _("{fn}: every regularisation strength must be >= 0, got {min:g}.").format(
                fn=fn, min=lams.min())
        )
    # The tensors are tiny: a second intra-op thread only adds synchronisation, and on a busy
    # 2-core machine it made this loop 15-25 times slower (measured). One thread, then restore.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _descend(X, y, lams, steps, lr, seed)
    finally:
        torch.set_num_threads(threads)


def _samples(X, y, fn: str):
    """X as (N, features) floats and y as N labels in {-1, +1}, or a ValueError naming ``fn``."""
    X = checks.as_float_array(X, "X", fn)
    checks.check_ndim(X, 2, "X", fn, N_("(N samples, features)"))
    y = checks.as_float_array(y, "y", fn)
    if y.shape != (X.shape[0],):
        raise ValueError(
            _("{fn}: y must have shape ({shape},), one label per row of X, but has {shape2}.").format(
                fn=fn, shape=X.shape[0], shape2=y.shape)
        )
    checks.check_plus_minus_one(y, "y", fn)
    return X, y


def _descend(X, y, lams, steps, lr, seed):
    """The subgradient-descent loop of ``fit_linear_svms``, on input already validated."""
    import torch

    torch.manual_seed(seed)
    Xt, yt, lam = torch.tensor(X), torch.tensor(y), torch.tensor(lams)
    W = torch.zeros(len(lams), X.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(len(lams), dtype=torch.float64, requires_grad=True)
    history = np.empty((steps, len(lams)))
    for t in range(steps):
        scores = W @ Xt.T + b[:, None]  # (K, N)
        hinge = torch.clamp(1 - yt * scores, min=0).mean(dim=1)
        objective = hinge + lam / 2 * (W**2).sum(dim=1)
        history[t] = objective.detach().numpy()
        W.grad = b.grad = None
        objective.sum().backward()
        with torch.no_grad():
            step = lr / np.sqrt(1 + t / 50)
            W -= step * W.grad
            b -= step * b.grad
    return W.detach().numpy(), b.detach().numpy(), history


def support_vectors(X, y, w, b, tol: float = 1e-2) -> np.ndarray:
    """Indices of the samples on or inside the margin, ``y (w . x + b) <= 1 + tol``."""
    margin = np.asarray(y) * (np.asarray(X) @ np.asarray(w) + b)
    return np.flatnonzero(margin <= 1 + tol)


def objective(X, y, w, b, lam) -> float:
    """The lesson's objective ``J(w, b) = 1/n sum_i max(0, 1 - y_i (w . x_i + b)) + lam/2 |w|^2``
    at one point ``(w, b)``, in NumPy (what ``fit_linear_svms`` records in ``history``, before
    each step).

    PyTorch: ``torch.clamp(1 - y * (X @ w + b), min=0).mean() + lam / 2 * (w ** 2).sum()``.
    """
    fn = "objective"
    X, y = _samples(X, y, fn)
    w = checks.as_float_array(w, "w", fn)
    if w.shape != (X.shape[1],):
        raise ValueError(
            _("{fn}: w must have shape ({shape},), one weight per column of X, but has {shape2}. "
              "For a row of fit_linear_svms' W, pass W[k].").format(
                fn=fn, shape=X.shape[1], shape2=w.shape)
        )
    b = checks.as_float_array(b, "b", fn)
    if b.size != 1:
        raise ValueError(
            _("{fn}: b must be one number, but has shape {shape}. For fit_linear_svms' b, pass "
              "b[k].").format(fn=fn, shape=b.shape)
        )
    b = float(b.reshape(-1)[0])
    lam = _strength(lam, fn)
    return float(np.maximum(0.0, 1.0 - y * (X @ w + b)).mean() + lam / 2 * (w @ w))


def sklearn_C(lam, n: int) -> float:
    """scikit-learn's ``C`` for this module's objective: ``C = 1 / (n * lam)``.

    scikit-learn weights the hinge sum instead of the penalty. Multiplying J by ``1 / lam`` (a
    positive factor: the minimiser does not move) gives

        J / lam = 1/2 |w|^2 + 1/(n lam) * sum_i max(0, 1 - y_i (w . x_i + b)),

    the primal of ``sklearn.svm.SVC(kernel="linear", C=C)``, whose intercept is not penalised,
    as in J. ``sklearn.svm.LinearSVC(C=C, loss="hinge", dual=True)`` (liblinear) adds
    ``b^2 / (2 s^2)`` with ``s = intercept_scaling``: it appends a constant feature ``s`` to every
    sample, so the intercept ``b = s * w_extra`` is penalised like a weight. In J's units that is
    ``lam / 2 * (b / s)^2``: negligible for a large ``s`` (100), not for the default ``s = 1``.
    A large ``s`` slows liblinear's dual coordinate descent: on lesson 03's data, ``s = 100``
    needs over 10^5 iterations, so raise ``max_iter`` (10**6) above its default of 1000.
    LinearSVC's default loss, ``"squared_hinge"``, is another model altogether.
    """
    fn = "sklearn_C"
    lam = _strength(lam, fn)
    if lam == 0:
        raise ValueError(
            _("{fn}: lam must be > 0, but got 0: with no penalty, C = 1/(n lam) is infinite. Use a "
              "small positive lam, such as 1e-6.").format(fn=fn)
        )
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(
            _("{fn}: n must be the number of training samples, a positive integer, but got {n!r}. "
              "Pass len(y).").format(fn=fn, n=n)
        )
    return 1.0 / (int(n) * lam)


def dual_lower_bound(X, y, alpha_y, lam, atol: float = 1e-9) -> float:
    """A lower bound on the optimum ``J*`` of ``objective``, from dual variables ``alpha``.

    For any ``alpha`` with ``0 <= alpha_i <= C = 1 / (n lam)`` and ``sum_i alpha_i y_i = 0`` (the
    constraints of the dual of ``J / lam``, the problem ``SVC(kernel="linear", C=C)`` solves):

        J(w, b) >= lam * (sum_i alpha_i - 1/2 |v|^2),   v = sum_i alpha_i y_i x_i,   for every (w, b).

    Why: each hinge ``h_i >= 0`` and ``h_i >= 1 - y_i (w . x_i + b)``, so ``C sum_i h_i >=
    sum_i alpha_i h_i >= sum_i alpha_i - w . v - b sum_i alpha_i y_i``, whose ``b`` term is 0;
    and ``1/2 |w|^2 - w . v >= -1/2 |v|^2``. Multiply ``J / lam = 1/2 |w|^2 + C sum_i h_i`` by
    ``lam``. At the dual optimum the bound equals ``J*`` (strong duality), so ``J(w, b) - bound``
    is an upper bound on ``J(w, b) - J*`` that needs no exact solver.

    ``alpha_y`` holds ``alpha_i y_i`` for every sample, shape (n,); scikit-learn stores it for
    the support vectors only: ``alpha_y = np.zeros(n); alpha_y[model.support_] =
    model.dual_coef_[0]`` for ``model = SVC(kernel="linear", C=sklearn_C(lam, n)).fit(X, y)``.
    ``atol`` tolerates rounding: ``alpha_i`` may leave ``[0, C]`` by ``atol * C``, and
    ``sum_i alpha_i y_i`` differ from 0 by ``atol * C * n``.
    """
    fn = "dual_lower_bound"
    X, y = _samples(X, y, fn)
    n = X.shape[0]
    alpha_y = checks.as_float_array(alpha_y, "alpha_y", fn)
    if alpha_y.shape != (n,):
        raise ValueError(
            _("{fn}: alpha_y must have shape ({n},), alpha_i * y_i for every sample, but has "
              "{shape}. From SVC: alpha_y = np.zeros(n); alpha_y[model.support_] = "
              "model.dual_coef_[0].").format(fn=fn, n=n, shape=alpha_y.shape)
        )
    lam = _strength(lam, fn)
    if lam == 0:
        raise ValueError(
            _("{fn}: lam must be > 0, but got 0: the bound C = 1/(n lam) on alpha is then infinite "
              "and the dual gives only J >= 0. Pass the lam the SVC was fitted for.").format(fn=fn)
        )
    C = sklearn_C(lam, n)
    alpha = alpha_y * y
    if alpha.min() < -atol * C or alpha.max() > C * (1 + atol):
        raise ValueError(
            _("{fn}: every alpha_i = alpha_y[i] * y[i] must lie in [0, C] with C = 1/(n lam) = "
              "{C:g}, but they range over [{min:g}, {max:g}]. Fit SVC with C=sklearn_C(lam, n), "
              "and pass alpha_i * y_i (SVC's dual_coef_), not alpha_i.").format(
                fn=fn, C=C, min=alpha.min(), max=alpha.max())
        )
    if abs(alpha_y.sum()) > atol * C * n:
        raise ValueError(
            _("{fn}: sum_i alpha_i y_i must be 0 (the intercept is not penalised), but it is "
              "{sum:g}. Pass the dual coefficients of a fitted SVC, which satisfy it.").format(
                fn=fn, sum=alpha_y.sum())
        )
    v = alpha_y @ X
    return float(lam * (alpha.sum() - 0.5 * v @ v))


def _strength(lam, fn) -> float:
    lam = checks.as_float_array(lam, "lam", fn)
    if lam.shape not in ((), (1,)):
        raise ValueError(
            _("{fn}: lam must be one number, but has shape {shape}. Pass one strength, e.g. "
              "lams[k].").format(fn=fn, shape=lam.shape)
        )
    lam = float(lam.reshape(-1)[0])
    if lam < 0:
        raise ValueError(
            _("{fn}: lam must be >= 0, but got {lam:g}. It weighs the penalty lam/2 |w|^2; use "
              "e.g. 0.01.").format(fn=fn, lam=lam)
        )
    return lam
