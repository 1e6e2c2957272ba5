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
        # w is unique: J - lam/2 |w|^2 is convex in (w, b) and 0 is a subgradient of J at an optimum,
        # so J(w, b) - J* >= lam/2 |w - w*|^2 for every b. b need not be: on these data, at lam = 0.01,
        # J is flat in b over an interval and the two solvers return different points of it.
        assert np.allclose(w_lib, exact.coef_[0], atol=1e-4)
        assert np.isclose(svm.objective(X, y, w_lib, b_lib, lam), J_best, rtol=1e-7)
        # the subgradient descent of lesson 03 stops short of the optimum by J - J* <= J - LB, with LB
        # the dual's lower bound on J* (no solver's J is taken for J*); that bounds how far its w can be
        LB = svm.dual_lower_bound(X, y, svc_alpha_y(exact, len(y)), lam)
        dJ = svm.objective(X, y, W[k], B[k], lam) - LB
        assert 0 <= dJ < 1e-3 * J_best
        gap_exact = max(J_best - LB, 0.0)  # 0 to rounding at lam = 0.01 (-3e-17)
        assert np.linalg.norm(W[k] - exact.coef_[0]) <= np.sqrt(2 * dJ / lam) + np.sqrt(2 * gap_exact / lam)


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


def svc_alpha_y(model, n):
    alpha_y = np.zeros(n)
    alpha_y[model.support_] = model.dual_coef_[0]
    return alpha_y


def test_dual_lower_bound_by_hand():
    # x = (1, 0) with y = +1 and x = (-1, 0) with y = -1: by symmetry b* = 0, and
    # J = max(0, 1 - w1) + lam/2 w1^2 (plus lam/2 w2^2, 0 at the optimum). alpha_1 = alpha_2 = a
    # (sum alpha_i y_i = 0), v = (2a, 0), so the bound is lam (2a - 2a^2) for a in [0, C], C = 1/(2 lam).
    X, y = [[1.0, 0.0], [-1.0, 0.0]], [1.0, -1.0]
    # lam = 2: w1* = 1/lam = 1/2, J* = 1/2 + 1/4 = 3/4; the dual's best a = C = 1/4 gives 2 (1/2 - 1/8) = 3/4
    assert np.isclose(svm.dual_lower_bound(X, y, [0.25, -0.25], 2.0), 0.75)
    assert np.isclose(svm.objective(X, y, [0.5, 0.0], 0.0, 2.0), 0.75)
    # lam = 1/2: w1* = 1 (the kink), J* = 1/4; a = 1/2 <= C = 1 gives (1/2)(1 - 1/2) = 1/4
    assert np.isclose(svm.dual_lower_bound(X, y, [0.5, -0.5], 0.5), 0.25)
    assert np.isclose(svm.objective(X, y, [1.0, 0.0], 0.0, 0.5), 0.25)
    # a feasible but poor a is a lower bound still: a = 0 gives 0
    assert svm.dual_lower_bound(X, y, [0.0, 0.0], 0.5) == 0.0


def test_dual_lower_bound_is_below_J_everywhere_and_reaches_it_at_the_optimum(problem):
    X, y = problem
    rng = np.random.default_rng(1)
    for lam in (1e-3, 1e-2, 1e-1, 1.0):
        exact = SVC(kernel="linear", C=svm.sklearn_C(lam, len(y)), tol=1e-10).fit(X, y)
        LB = svm.dual_lower_bound(X, y, svc_alpha_y(exact, len(y)), lam)
        J_svc = svm.objective(X, y, exact.coef_[0], exact.intercept_[0], lam)
        # strong duality, to rounding and to SVC's tolerance (its J is 1e-7 above the bound at lam = 1e-3)
        assert LB <= J_svc + 1e-15 and np.isclose(LB, J_svc, rtol=1e-6)
        for _ in range(50):  # and below J at any other point, b included
            w, b = rng.normal(size=2) * 2, rng.normal()
            assert LB <= svm.objective(X, y, w, b, lam)
        # the wrong C (here lam taken for C) gives alpha outside [0, 1/(n lam)], which is refused
        if lam < 0.1:
            with pytest.raises(ValueError, match="must lie in \\[0, C\\]"):
                wrong = SVC(kernel="linear", C=1 / lam, tol=1e-10).fit(X, y)
                svm.dual_lower_bound(X, y, svc_alpha_y(wrong, len(y)), lam)


def test_liblinear_needs_many_iterations_for_a_large_intercept_scaling():
    # sklearn_C's docstring: on lesson 03's data, s = 100 needs over 10^5 iterations, s = 1 under 1000
    from sklearn.svm import LinearSVC

    X, labels = data.two_blobs(n=100, distance=3.0, seed=0)
    y = 2.0 * labels - 1
    C = svm.sklearn_C(0.01, len(y))
    iters = {s: LinearSVC(C=C, loss="hinge", dual=True, intercept_scaling=s, max_iter=10**6, random_state=0)
             .fit(X, y).n_iter_ for s in (1, 100)}  # fmt: skip
    assert iters[1] < 1000 < 10**5 < iters[100] < 10**6


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


def test_bad_input_to_dual_lower_bound(problem):
    X, y = problem
    n, lam = len(y), 0.1
    C = svm.sklearn_C(lam, n)
    with pytest.raises(ValueError, match="alpha_y must have shape \\(80,\\).*dual_coef_"):
        svm.dual_lower_bound(X, y, np.zeros(5), lam)
    with pytest.raises(ValueError, match="lam must be > 0"):
        svm.dual_lower_bound(X, y, np.zeros(n), 0.0)
    two = [np.flatnonzero(y > 0)[0], np.flatnonzero(y < 0)[0]]
    unsigned = np.zeros(n)
    unsigned[two] = C / 2  # alpha_i = C/2 for one sample of each class, passed without the sign y_i
    with pytest.raises(ValueError, match="\\[0, C\\].*not alpha_i"):
        svm.dual_lower_bound(X, y, unsigned, lam)
    assert svm.dual_lower_bound(X, y, unsigned * y, lam) <= svm.objective(X, y, [0.0, 0.0], 0.0, lam)  # signed: fine
    with pytest.raises(ValueError, match="\\[0, C\\]"):  # alpha above C
        svm.dual_lower_bound(X, y, 2 * C * y, lam)
    pair = np.zeros(n)
    pair[np.flatnonzero(y > 0)[0]] = C / 2  # one alpha of class +1, none of class -1: sum alpha_i y_i != 0
    with pytest.raises(ValueError, match="sum_i alpha_i y_i must be 0"):
        svm.dual_lower_bound(X, y, pair, lam)
    with pytest.raises(ValueError, match="2 \\* y - 1"):
        svm.dual_lower_bound(X, (y + 1) / 2, np.zeros(n), lam)
