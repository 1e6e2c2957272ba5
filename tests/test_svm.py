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


def test_objective_is_the_lessons_J_as_pytorch_computes_it_and_as_training_records_it(problem):
    import torch

    X, y = problem
    rng = np.random.default_rng(0)
    w, b, lam = rng.normal(size=2), 0.3, 0.05
    Xt, yt, wt = torch.tensor(X), torch.tensor(y), torch.tensor(w)
    expected = torch.clamp(1 - yt * (Xt @ wt + b), min=0).mean() + lam / 2 * (wt**2).sum()
    assert np.isclose(svm.objective(X, y, w, b, lam), expected.item(), rtol=1e-12)
    # history[t] is J at the weights after t steps: the weights of a 5-step run give history[5] of a 6-step run
    W5, b5, _ = svm.fit_linear_svms(X, y, [lam], steps=5)
    _, _, history6 = svm.fit_linear_svms(X, y, [lam], steps=6)
    assert np.isclose(svm.objective(X, y, W5[0], b5[0], lam), history6[5, 0], rtol=1e-12)
    # by hand: all scores 0 -> every hinge is 1; scores (3, 4) for labels (+1, -1) -> hinges (0, 5),
    # mean 2.5, plus 0.2/2 * |(3, 4)|^2 = 2.5
    assert svm.objective(X, y, [0.0, 0.0], 0.0, 0.2) == 1.0
    assert np.isclose(svm.objective([[1.0, 0.0], [0.0, 1.0]], [1.0, -1.0], [3.0, 4.0], 0.0, 0.2), 5.0)


def test_sklearn_C_by_hand():
    assert svm.sklearn_C(0.01, 100) == 1.0
    assert svm.sklearn_C(0.5, 4) == 0.5
    assert svm.sklearn_C(np.float64(0.25), np.int64(8)) == 0.5


def liblinear_hinge(X, y, C, intercept_scaling):
    from sklearn.svm import LinearSVC

    model = LinearSVC(C=C, loss="hinge", dual=True, intercept_scaling=intercept_scaling, tol=1e-8,
                      max_iter=10**6, random_state=0).fit(X, y)  # fmt: skip
    assert model.n_iter_ < 10**6, "liblinear did not converge"
    return model.coef_[0], model.intercept_[0]


def test_C_makes_sklearn_solve_the_lessons_objective(problem):
    X, y = problem
    lams = [1e-2, 1e-1, 1.0]
    W, B, _ = svm.fit_linear_svms(X, y, lams)
    for k, lam in enumerate(lams):
        C = svm.sklearn_C(lam, len(y))
        exact = SVC(kernel="linear", C=C, tol=1e-10).fit(X, y)  # intercept not penalised, as in J
        w_lib, b_lib = liblinear_hinge(X, y, C, intercept_scaling=100)  # intercept penalty / 10^4
        J_best = svm.objective(X, y, exact.coef_[0], exact.intercept_[0], lam)
        # w is unique (J is lam-strongly convex in w); b need not be: on these data, at lam = 0.01,
        # J is flat in b over an interval and the two solvers return different points of it.
        assert np.allclose(w_lib, exact.coef_[0], atol=1e-4)
        assert np.isclose(svm.objective(X, y, w_lib, b_lib, lam), J_best, rtol=1e-7)
        # the subgradient descent of lesson 03 stops short of the optimum by dJ; strong convexity,
        # J - J* >= lam/2 |w - w*|^2, then bounds how far its w can be
        dJ = svm.objective(X, y, W[k], B[k], lam) - J_best
        assert 0 <= dJ < 1e-3 * J_best
        assert np.linalg.norm(W[k] - exact.coef_[0]) <= np.sqrt(2 * dJ / lam)


def test_liblinear_penalises_the_intercept_as_a_feature_of_value_intercept_scaling(problem):
    from sklearn.svm import LinearSVC

    X, y = problem
    lam = 0.1
    C = svm.sklearn_C(lam, len(y))
    w1, b1 = liblinear_hinge(X, y, C, intercept_scaling=1)
    # the same as no intercept and a constant feature 1
    appended = LinearSVC(C=C, loss="hinge", dual=True, fit_intercept=False, tol=1e-8, max_iter=10**6,
                         random_state=0).fit(np.column_stack([X, np.ones(len(y))]), y)  # fmt: skip
    assert np.allclose(appended.coef_[0], [*w1, b1], atol=1e-6)
    # it minimises J + lam/2 b^2, not J: each solution is the better one for its own objective
    exact = SVC(kernel="linear", C=C, tol=1e-10).fit(X, y)
    w, b = exact.coef_[0], exact.intercept_[0]
    assert svm.objective(X, y, w, b, lam) < svm.objective(X, y, w1, b1, lam)
    def J_penalised(w_, b_):
        return svm.objective(X, y, w_, b_, lam) + lam / 2 * b_**2

    assert J_penalised(w1, b1) < J_penalised(w, b)
    assert abs(b1) < abs(b)


def test_bad_input_to_objective_and_sklearn_C(problem):
    X, y = problem
    with pytest.raises(ValueError, match="lam must be > 0.*infinite"):
        svm.sklearn_C(0.0, 10)
    with pytest.raises(ValueError, match="lam must be >= 0"):
        svm.sklearn_C(-0.1, 10)
    with pytest.raises(ValueError, match="positive integer.*len\\(y\\)"):
        svm.sklearn_C(0.1, 2.5)
    with pytest.raises(ValueError, match="positive integer"):
        svm.sklearn_C(0.1, 0)
    with pytest.raises(ValueError, match="one number.*lams\\[k\\]"):
        svm.sklearn_C([0.1, 0.2], 10)
    with pytest.raises(ValueError, match="w must have shape \\(2,\\).*W\\[k\\]"):
        svm.objective(X, y, [[1.0, 1.0]], 0.0, 0.1)
    with pytest.raises(ValueError, match="b must be one number.*b\\[k\\]"):
        svm.objective(X, y, [1.0, 1.0], [0.0, 0.0], 0.1)
    with pytest.raises(ValueError, match="2 \\* y - 1"):
        svm.objective(X, (y + 1) / 2, [1.0, 1.0], 0.0, 0.1)
