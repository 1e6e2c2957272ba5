"""Loss surfaces over (w, b) equal a direct computation; best_fit_line finds their minimum."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lossviz import data, losses, surfaces


def direct(loss, x, y, w_values, b_values, **kw):
    """The slow, obvious way: one loss call per grid point."""
    cols = (x, np.ones_like(x)) if x.ndim == 1 else (x[:, 0], x[:, 1])
    return np.array([[loss(w * cols[0] + b * cols[1], y, **kw) for w in w_values] for b in b_values])


@pytest.fixture
def line_data():
    return data.linear_regression(n=50, seed=3)


def test_mse_closed_form_equals_direct_computation(line_data):
    x, y = line_data
    w, b = np.linspace(-1, 5, 23), np.linspace(-4, 2, 17)
    got = surfaces.mse_surface(x, y, w, b)
    assert got.shape == (17, 23)  # rows along b, as contour(w, b, Z) expects
    np.testing.assert_allclose(got, direct(losses.mse, x, y, w, b), rtol=1e-10, atol=1e-12)


def test_mse_closed_form_matches_torch_at_a_point(line_data):
    x, y = line_data
    got = surfaces.mse_surface(x, y, [1.5], [-0.25])[0, 0]
    want = F.mse_loss(torch.tensor(1.5 * x - 0.25), torch.tensor(y)).item()
    assert got == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("loss,kw", [(losses.mse, {}), (losses.mae, {}), (losses.huber, {"delta": 0.5})])
def test_vectorised_surface_equals_direct_computation(line_data, loss, kw):
    x, y = line_data
    w, b = np.linspace(-1, 5, 11), np.linspace(-4, 2, 7)
    np.testing.assert_allclose(surfaces.loss_surface(loss, x, y, w, b, **kw),
                               direct(loss, x, y, w, b, **kw), rtol=1e-12)  # fmt: skip


def test_vectorised_surface_for_a_classifier_through_the_origin():
    X, labels = data.two_blobs(n=30, seed=1)
    w1, w2 = np.linspace(-3, 3, 9), np.linspace(-3, 3, 8)
    sign = 2.0 * labels - 1
    np.testing.assert_allclose(surfaces.loss_surface(losses.hinge, X, sign, w1, w2),
                               direct(losses.hinge, X, sign, w1, w2), rtol=1e-12)  # fmt: skip
    bce = surfaces.loss_surface(losses.binary_cross_entropy_with_logits, X, labels.astype(float), w1, w2)
    np.testing.assert_allclose(bce, direct(losses.binary_cross_entropy_with_logits, X, labels.astype(float), w1, w2))


def test_vectorised_surface_works_in_chunks(line_data, monkeypatch):
    # A tiny chunk size forces many blocks; the answer must not change.
    x, y = line_data
    w, b = np.linspace(-1, 5, 13), np.linspace(-4, 2, 9)
    whole = surfaces.loss_surface(losses.mae, x, y, w, b)
    monkeypatch.setattr(surfaces, "_CHUNK_BYTES", 8 * 13 * 50 * 2)
    np.testing.assert_array_equal(surfaces.loss_surface(losses.mae, x, y, w, b), whole)


def test_mse_surface_cost_does_not_depend_on_the_number_of_points(monkeypatch):
    # The closed form touches the data only to take six means: count the elementwise products.
    x, y = data.linear_regression(n=10_000, seed=0)
    calls = []
    real_mean = np.mean
    monkeypatch.setattr(np, "mean", lambda a, *k, **kw: calls.append(np.size(a)) or real_mean(a, *k, **kw))
    surfaces.mse_surface(x, y, np.linspace(0, 1, 64), np.linspace(0, 1, 64))
    assert len(calls) == 6 and all(size == 10_000 for size in calls)


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
def test_best_fit_line_is_the_minimum_of_its_loss(loss):
    x, y = data.linear_regression(n=25, seed=4)
    x, y = data.with_outlier(x, y, shift=15.0)
    w, b = surfaces.best_fit_line(x, y, loss, delta=1.0)
    fn = {"mse": losses.mse, "mae": losses.mae, "huber": losses.huber}[loss]
    best = fn(w * x + b, y)
    # No point of a fine grid around it does better.
    ws, bs = np.linspace(w - 0.2, w + 0.2, 41), np.linspace(b - 0.2, b + 0.2, 41)
    assert best <= surfaces.loss_surface(fn, x, y, ws, bs).min() + 1e-9


def test_least_absolute_deviations_passes_through_two_points_exactly():
    # The MAE line is known to pass through two data points: search all pairs.
    x, y = data.linear_regression(n=15, seed=5)
    brute = min(
        losses.mae((y[j] - y[i]) / (x[j] - x[i]) * (x - x[i]) + y[i], y)
        for i, j in itertools.combinations(range(15), 2)
    )
    w, b = surfaces.best_fit_line(x, y, "mae")
    assert losses.mae(w * x + b, y) == pytest.approx(brute, rel=1e-8)


def test_best_fit_line_mse_matches_polyfit():
    x, y = data.linear_regression(n=30, seed=6)
    np.testing.assert_allclose(surfaces.best_fit_line(x, y), np.polyfit(x, y, 1), rtol=1e-12)


def test_predictions_at_a_grid_point():
    np.testing.assert_allclose(surfaces.predictions([1.0, 2.0], 3.0, 0.5), [3.5, 6.5])
    np.testing.assert_allclose(surfaces.predictions([[1.0, 2.0]], 3.0, 0.5), [4.0])


def test_bad_input_gets_a_clear_message():
    with pytest.raises(ValueError, match=r"x must have shape \(N,\).*\(N, 2\).*\(4, 3\)"):
        surfaces.mse_surface(np.zeros((4, 3)), np.zeros(4), [0.0], [0.0])
    with pytest.raises(ValueError, match=r"y must have one value per sample.*reshape\(-1\)"):
        surfaces.mse_surface(np.zeros(4), np.zeros((4, 1)), [0.0], [0.0])
    with pytest.raises(ValueError, match="w_values must have 1 dimension"):
        surfaces.loss_surface(losses.mae, np.zeros(4), np.zeros(4), np.zeros((2, 2)), [0.0])
    with pytest.raises(ValueError, match="every x is the same"):
        surfaces.best_fit_line([1.0, 1.0, 1.0], [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="'mse', 'mae' or 'huber'"):
        surfaces.best_fit_line([1.0, 2.0], [0.0, 1.0], loss="l2")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hinge_sweep_equals_the_direct_computation(seed):
    X, labels = data.two_blobs(n=60, seed=seed)
    sign = 2.0 * labels - 1
    w1, w2 = np.linspace(-3, 3, 31), np.linspace(-2, 4, 23)
    np.testing.assert_allclose(surfaces.hinge_surface(X, sign, w1, w2),
                               direct(losses.hinge, X, sign, w1, w2), rtol=1e-10, atol=1e-12)  # fmt: skip
    x, y = data.linear_regression(n=30, seed=seed)  # 1-D features with a bias column
    signs = np.where(y > 0, 1.0, -1.0)
    np.testing.assert_allclose(surfaces.hinge_surface(x, signs, w1, w2),
                               direct(losses.hinge, x, signs, w1, w2), rtol=1e-10, atol=1e-12)  # fmt: skip


def test_hinge_sweep_handles_features_at_zero_and_breakpoints_on_the_grid():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [-1.0, 0.0], [0.0, 0.0]])
    sign = np.array([1.0, -1.0, 1.0, -1.0])
    w = np.linspace(-2, 2, 9)  # includes the breakpoints -1, 1
    np.testing.assert_allclose(surfaces.hinge_surface(X, sign, w, w), direct(losses.hinge, X, sign, w, w), atol=1e-12)


def test_hinge_sweep_refuses_zero_one_labels():
    with pytest.raises(ValueError, match="2 \\* y - 1"):
        surfaces.hinge_surface(np.zeros((3, 2)), [0, 1, 1], [0.0], [0.0])


@pytest.mark.parametrize("shift", [0.0, 40.0])
def test_robust_lines_of_lesson_01_are_the_exact_optima_and_ignore_the_outliers_size(shift):
    # Lesson 01's data, its last point moved up by `shift`: IRLS reaches the optimum that a
    # linear program (MAE) and a quasi-Newton solver (Huber) find, and moving the outlier from
    # 0 to 40 does not change either line (its residual is beyond delta, its pull capped).
    from scipy.optimize import linprog, minimize

    x, y = data.linear_regression(n=40, w=2.0, b=-1.0, noise=1.0, seed=0)
    y = y + shift * (np.arange(40) == 39)
    n = x.size
    # MAE as a linear program over (w, b, t_1..t_n): minimise sum t_i with -t_i <= y_i - w x_i - b <= t_i
    A = np.block([[-x[:, None], -np.ones((n, 1)), -np.eye(n)], [x[:, None], np.ones((n, 1)), -np.eye(n)]])
    lp = linprog(np.r_[0, 0, np.ones(n)], A_ub=A, b_ub=np.r_[-y, y], bounds=[(None, None)] * 2 + [(0, None)] * n)
    w, b = surfaces.best_fit_line(x, y, "mae")
    assert losses.mae(w * x + b, y) == pytest.approx(lp.fun / n, rel=1e-9)
    huber = minimize(lambda p: losses.huber(p[0] * x + p[1], y),
                     [0.0, 0.0], jac=lambda p: [np.sum(losses.huber_grad(p[0] * x + p[1], y) * x),
                                                np.sum(losses.huber_grad(p[0] * x + p[1], y))],
                     method="BFGS", options={"gtol": 1e-12})  # fmt: skip
    wh, bh = surfaces.best_fit_line(x, y, "huber", delta=1.0)
    np.testing.assert_allclose([wh, bh], huber.x, atol=1e-6)
    x0, y0 = data.linear_regression(n=40, w=2.0, b=-1.0, noise=1.0, seed=0)
    np.testing.assert_allclose(surfaces.best_fit_line(x0, y0, "huber"), (wh, bh), atol=1e-10)
    np.testing.assert_allclose(surfaces.best_fit_line(x0, y0, "mae"), (w, b), atol=1e-8)
