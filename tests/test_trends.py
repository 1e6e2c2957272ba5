"""Lessons 06a and 06b: uncertainty weighting, InfoNCE, initialisation variances against
torch.nn.init, landscape slices, and their explorers."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lossviz import contrastive, landscape, robust
from lossviz.trends_explorers import BarronExplorer, GradientFlowExplorer, TradeOffExplorer


def test_uncertainty_weighting_formula_and_optimum():
    L, s = np.array([0.5, 4.0]), np.array([0.1, 1.2])
    st = torch.tensor(s, requires_grad=True)
    torch_value = (torch.exp(-st) * torch.tensor(L) / 2 + st / 2).sum()
    assert robust.uncertainty_weighting(L, s) == pytest.approx(torch_value.item())
    # the minimum over s_i is at exp(s_i) = L_i
    grid = np.linspace(-3, 3, 6001)
    best = grid[np.argmin([robust.uncertainty_weighting([4.0], [g]) for g in grid])]
    assert best == pytest.approx(np.log(4.0), abs=1e-3)


def test_info_nce_matches_torch():
    rng = np.random.default_rng(0)
    z1, z2 = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))
    t1, t2 = torch.tensor(z1), torch.tensor(z2)
    want = F.cross_entropy(F.normalize(t1) @ F.normalize(t2).T / 0.2, torch.arange(8)).item()
    assert contrastive.info_nce(z1, z2, 0.2) == pytest.approx(want, rel=1e-12)
    assert contrastive.info_nce(z1, z1, 0.05) < contrastive.info_nce(z1, z2, 0.05)  # aligned views cost less


def test_filter_normalised_directions_and_slices():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    d = landscape.filter_normalised_direction(model, seed=1)
    for p, di in zip(model.parameters(), d):
        if p.dim() > 1:
            torch.testing.assert_close(di.norm(dim=1), p.detach().norm(dim=1))
        else:
            assert torch.all(di == 0)
    X, y = torch.randn(32, 2), torch.randn(32, 1)
    before = [p.detach().clone() for p in model.parameters()]
    line = landscape.loss_surface(model, F.mse_loss, X, y, [d], np.array([-1.0, 0.0, 1.0]))
    assert line[1] == pytest.approx(F.mse_loss(model(X), y).item())
    grid = landscape.loss_surface(model, F.mse_loss, X, y, [d, landscape.filter_normalised_direction(model, 2)],
                                  [-1.0, 0.0, 1.0], [-0.5, 0.0])  # fmt: skip
    assert grid.shape == (2, 3) and grid[1, 1] == pytest.approx(line[1])
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))  # restored


def test_trade_off_explorer_is_ridge_regression():
    x = np.linspace(-1, 1, 20)
    y = np.sin(3 * x)
    ex = TradeOffExplorer(x, y, degree=5, lams=[1e-4, 1e-1])
    phi = np.vander(x, 6, increasing=True)
    for k, lam in enumerate(ex.lams):
        w = np.linalg.solve(phi.T @ phi / 20 + lam * np.eye(6), phi.T @ y / 20)
        np.testing.assert_allclose(ex.W[k], w)
        shown = ex.set(lam=float(lam))
        np.testing.assert_allclose(shown["curve"], ex.phi_grid @ w)
    assert ex.penalty[0] > ex.penalty[1] and ex.fit_error[0] < ex.fit_error[1]


def test_barron_explorer_draws_the_loss_of_its_alpha():
    ex = BarronExplorer()
    for alpha, c in [(2.0, 1.0), (0.0, 0.5), (-2.0, 2.0)]:
        shown = ex.set(alpha=alpha, c=c)
        np.testing.assert_allclose(shown["rho"], robust.barron(ex.x, alpha, c))
        np.testing.assert_allclose(shown["psi"], robust.barron_grad(ex.x, alpha, c))


def test_gradient_flow_vanishes_with_sigmoid_and_is_fixed_by_relu_kaiming():
    ex = GradientFlowExplorer(depth=12)
    sig = ex.set(activation="sigmoid", init="PyTorch default")["norms"]
    relu = ex.set(activation="relu", init="Kaiming")["norms"]
    assert sig[0] / sig[-1] < 1e-6
    assert 0.01 < relu[0] / relu[-1] < 100


def test_gradient_flow_xavier_uses_pytorchs_gain():
    # xavier_normal_ with calculate_gain: gain² · 2/(64 + 64) = 2/64 for ReLU, Kaiming's variance
    # (the same draws, so the same norms); for tanh gain 5/3, not Glorot's 1 and not the default
    ex = GradientFlowExplorer(depth=6)
    assert "Xavier (PyTorch gain)" in ex.INITS and "Xavier" not in ex.INITS
    np.testing.assert_allclose(ex.gradient_norms("relu", "Xavier (PyTorch gain)"), ex.gradient_norms("relu", "Kaiming"),
                               rtol=1e-5)  # fmt: skip
    xavier, default = ex.gradient_norms("tanh", "Xavier (PyTorch gain)"), ex.gradient_norms("tanh", "PyTorch default")
    assert not np.allclose(xavier, default) and not np.allclose(xavier, ex.gradient_norms("tanh", "Kaiming"))


def test_gradient_norms_are_finite_where_the_gradients_are():
    # N(0, 1) weights and ReLU: float32 gradients near 1e28 are finite, but their float32 sum of
    # squares overflows; the explorer's float64 norms must stay finite and match a float64 reference
    ex = GradientFlowExplorer(depth=20)
    norms = ex.set(activation="relu", init="N(0, 1)")["norms"]
    assert np.all(np.isfinite(ex.norms)) and ex.norms.min() > 1e20
    np.testing.assert_array_equal(norms, ex.norms)  # drawn as computed: the axis follows them
    lo, hi = ex.ax.get_ylim()
    assert lo <= ex.norms.min() / 10 and ex.norms.max() * 10 <= hi and hi > 1e20
    assert "inf" not in ex.ax.get_title() and "overflow" not in ex.ax.get_title()
    ex.set(activation="sigmoid", init="PyTorch default")  # back to small norms: the axis follows them down
    assert ex.ax.get_ylim()[1] < 1e20
    torch.manual_seed(0)
    g = torch.full((64, 64), 1e28)
    assert torch.isinf(g.norm()) and np.isfinite(g.double().norm().item())


def test_best_line_accuracy_is_the_ceiling_of_linear_rules():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    assert contrastive.best_line_accuracy(X, [0, 0, 1, 1]) == 1.0
    assert contrastive.best_line_accuracy(X, [0, 1, 0, 1]) == 0.75  # XOR-like along a line
    assert contrastive.best_line_accuracy(X, [1, 1, 0, 0]) == 1.0  # the other orientation
    rng = np.random.default_rng(0)
    P, t = rng.normal(size=(60, 2)), rng.integers(0, 2, 60)
    u = np.array([0.6, 0.8])
    any_rule = max(np.mean((P @ u > th) == t) for th in np.r_[-5, P @ u, 5])
    assert contrastive.best_line_accuracy(P, t, 3600) >= any_rule - 1e-12
    with pytest.raises(ValueError, match="2 columns"):
        contrastive.best_line_accuracy(np.zeros((4, 3)), [0, 1, 0, 1])


# ------------------------------------------------------------------ lesson 06b: initialisation


@pytest.mark.parametrize("fan_in,fan_out", [(300, 700), (700, 300)])
def test_init_variance_is_what_torch_nn_init_draws(fan_in, fan_out):
    # 210 000 draws: the sample variance's relative standard error is sqrt(2/n) ~ 0.3%; the
    # schemes differ by far more than the 1.5% allowed (fan_in and fan_out are not swapped)
    torch.manual_seed(0)
    w = torch.empty(fan_out, fan_in)
    drawn = {("PyTorch default", "relu"): nn.Linear(fan_in, fan_out).weight.detach().clone(),
             ("small N(0, 0.01²)", "relu"): nn.init.normal_(w.clone(), 0.0, 0.01),
             ("Xavier", "relu"): nn.init.xavier_normal_(w.clone()),
             ("Kaiming", "relu"): nn.init.kaiming_normal_(w.clone(), nonlinearity="relu"),
             ("Kaiming", "linear"): nn.init.kaiming_normal_(w.clone(), nonlinearity="linear")}  # fmt: skip
    for (init, activation), weight in drawn.items():
        want = landscape.init_variance(init, fan_in, fan_out, activation)
        assert weight.var().item() == pytest.approx(want, rel=0.015), (init, activation)
    assert landscape.init_variance("Kaiming", fan_in, fan_out) == 2 / fan_in
    assert landscape.init_variance("Xavier", fan_in, fan_out) == 2 / (fan_in + fan_out)
    assert landscape.init_variance("PyTorch default", fan_in, fan_out) == pytest.approx(1 / (3 * fan_in))


def test_predicted_second_moments_by_hand():
    np.testing.assert_allclose(landscape.predicted_second_moments("relu", 2 / 64, 64, 3), [2, 2, 2])
    np.testing.assert_allclose(landscape.predicted_second_moments("relu", 1 / 64, 64, 4), [1, 0.5, 0.25, 0.125])
    np.testing.assert_allclose(landscape.predicted_second_moments("linear", 1 / 64, 64, 3, 4.0), [4, 4, 4])
    np.testing.assert_allclose(landscape.predicted_second_moments("linear", 1 / 32, 16, 3), [0.5, 0.25, 0.125])


@pytest.mark.parametrize("activation", ["relu", "linear"])
@pytest.mark.parametrize("init", landscape.INITS)
def test_measured_second_moments_follow_the_recursion(activation, init):
    measured = landscape.second_moments(activation, init, depth=6, width=32, batch=32, networks=200, seed=1)
    predicted = landscape.predicted_second_moments(activation, landscape.init_variance(init, 32, 32, activation), 32, 6)
    np.testing.assert_allclose(measured, predicted, rtol=0.15)


def test_second_moments_equal_a_plain_torch_forward_pass():
    # one network, rebuilt by hand from the same generator: the same numbers to float32 accuracy
    g = torch.Generator().manual_seed(3)
    h = torch.randn(1, 16, 8, generator=g)[0]
    want = []
    for _ in range(4):
        w = nn.init.kaiming_normal_(torch.empty(8, 8), nonlinearity="relu", generator=g)
        z = h @ w.T
        want.append((z.double() ** 2).mean().item())
        h = torch.relu(z)
    got = landscape.second_moments("relu", "Kaiming", depth=4, width=8, batch=16, networks=1, seed=3)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_tanh_keeps_less_than_the_linear_prediction():
    linear = landscape.second_moments("linear", "Kaiming", depth=10, width=32, networks=50)
    tanh = landscape.second_moments("tanh", "Kaiming", depth=10, width=32, networks=50)
    assert tanh[0] == pytest.approx(linear[0]) and np.all(tanh[1:] < linear[1:]) and np.all(np.diff(tanh) < 0)


@pytest.mark.parametrize("call,words", [
    (lambda: landscape.init_variance("xavier", 4, 4), "init must be one of"),
    (lambda: landscape.init_variance("Kaiming", 4, 4, "tanh"), "activation must be one of"),
    (lambda: landscape.init_variance("Xavier", 4.0, 4), "fan_in must be a whole number"),
    (lambda: landscape.init_variance("Xavier", 4, 0), "fan_out must be a whole number"),
    (lambda: landscape.predicted_second_moments("tanh", 0.1, 4, 4), "tanh is linear only near 0"),
    (lambda: landscape.predicted_second_moments("relu", -0.1, 4, 4), "weight_variance must be a positive number"),
    (lambda: landscape.predicted_second_moments("relu", 0.1, 4, 4, 0.0), "input_second_moment must be a positive"),
    (lambda: landscape.second_moments("sigmoid", "Kaiming"), "activation must be one of"),
    (lambda: landscape.second_moments("relu", "Kaiming", networks=0), "networks must be a whole number"),
])  # fmt: skip
def test_bad_input_is_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_gradient_norms_refuse_an_unknown_initialisation_instead_of_using_the_default():
    ex = GradientFlowExplorer(depth=4)
    with pytest.raises(ValueError, match="choose the activation from"):
        ex.gradient_norms("relu", "Xavier")  # the option is now "Xavier (PyTorch gain)"
