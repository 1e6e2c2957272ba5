"""The subgradient-descent SVM reaches the optimum that scikit-learn's exact solver finds."""

import numpy as np
import pytest
from sklearn.svm import SVC

from lossviz import data, svm


@pytest.fixture(scope="module")
def problem():
    X, labels = data.two_blobs(n=80, distance=3.0, seed=2)
    return X, 2.0 * labels - 1


def objective(X, y, w, b, lam):
    return np.maximum(0, 1 - y * (X @ w + b)).mean() + lam / 2 * w @ w


def test_objective_reaches_the_exact_optimum(problem):
    X, y = problem
    lams = np.array([1e-3, 1e-2, 1e-1, 1.0])
    W, b, history = svm.fit_linear_svms(X, y, lams)
    assert history.shape == (2000, 4)
    for k, lam in enumerate(lams):
        exact = SVC(kernel="linear", C=1 / (lam * len(y)), tol=1e-8).fit(X, y)
        best = objective(X, y, exact.coef_[0], exact.intercept_[0], lam)
        assert objective(X, y, W[k], b[k], lam) <= best * 1.003


def test_stronger_regularisation_widens_the_margin(problem):
    X, y = problem
    W, _, _ = svm.fit_linear_svms(X, y, [1e-3, 1e-1, 1.0])
    widths = 2 / np.linalg.norm(W, axis=1)
    assert np.all(np.diff(widths) > 0)


def test_support_vectors_are_on_or_inside_the_margin(problem):
    X, y = problem
    W, b, _ = svm.fit_linear_svms(X, y, [0.05])
    idx = svm.support_vectors(X, y, W[0], b[0])
    margin = y * (X @ W[0] + b[0])
    assert idx.size > 0 and np.all(margin[idx] <= 1.01) and np.all(np.delete(margin, idx) > 1.01)


def test_bad_labels_and_strengths(problem):
    X, y = problem
    with pytest.raises(ValueError, match="2 \\* y - 1"):
        svm.fit_linear_svms(X, (y + 1) / 2, [0.1], steps=1)
    with pytest.raises(ValueError, match="must be >= 0"):
        svm.fit_linear_svms(X, y, [-0.1], steps=1)
    with pytest.raises(ValueError, match="one label per row"):
        svm.fit_linear_svms(X, y[:-1], [0.1], steps=1)


def test_training_uses_one_thread_and_gives_the_callers_threads_back(problem):
    import torch

    X, y = problem
    before = torch.get_num_threads()
    W, b, _ = svm.fit_linear_svms(X, y, [0.1], steps=5)
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError):
        svm.fit_linear_svms(X, (y + 1) / 2, [0.1], steps=1)
    assert torch.get_num_threads() == before
