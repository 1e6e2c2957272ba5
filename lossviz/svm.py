"""A linear support vector machine trained by subgradient descent in PyTorch.

The objective of lesson 03, for labels ``y`` in {-1, +1} and a regularisation strength ``lam``:

    J(w, b) = 1/n * sum_i max(0, 1 - y_i (w . x_i + b))  +  lam / 2 * |w|^2

Several strengths are trained at once (one row of ``W`` per ``lam``): their objectives share no
parameters, so one backward pass gives every row its own gradient. torch is imported when a
function here is called, not when lossviz is.
"""

from __future__ import annotations

import numpy as np

from . import checks


def fit_linear_svms(X, y, lams, steps: int = 2000, lr: float = 0.5, seed: int = 0):
    """Train one linear SVM per value in ``lams``; returns ``(W, b, history)``.

    ``W`` has shape (K, 2) for K strengths, ``b`` shape (K,), ``history`` (steps, K) the
    objective J at each step. Full-batch subgradient descent with the step ``lr / sqrt(1 + t/50)``,
    which shrinks slowly enough to reach the kinks of the hinge and settle there.
    """
    import torch

    fn = "fit_linear_svms"
    X = checks.as_float_array(X, "X", fn)
    checks.check_ndim(X, 2, "X", fn, "(N samples, features)")
    y = checks.as_float_array(y, "y", fn)
    if y.shape != (X.shape[0],):
        raise ValueError(f"{fn}: y must have shape ({X.shape[0]},), one label per row of X, but has {y.shape}.")
    checks.check_plus_minus_one(y, "y", fn)
    lams = checks.as_float_array(np.atleast_1d(lams), "lams", fn)
    if np.any(lams < 0):
        raise ValueError(f"{fn}: every regularisation strength must be >= 0, got {lams.min():g}.")
    # The tensors are tiny: a second intra-op thread only adds synchronisation, and on a busy
    # 2-core machine it made this loop 15-25 times slower (measured). One thread, then restore.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _descend(X, y, lams, steps, lr, seed)
    finally:
        torch.set_num_threads(threads)


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
