"""The NumPy optimizers and clipping against torch.optim and clip_grad_norm_ (float64)."""

import numpy as np
import pytest
import torch

from lossviz import optimizers


def torch_path(make_opt, theta0, grads, lrs=None):
    """Feed the same gradients to a torch optimizer; return the parameters after each step."""
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    opt = make_opt([p])
    out = []
    for i, g in enumerate(grads):
        if lrs is not None:
            opt.param_groups[0]["lr"] = lrs[i]
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def numpy_path(opt, theta0, grads, lrs=None):
    theta, out = np.array(theta0, dtype=float), []
    for i, g in enumerate(grads):
        if lrs is not None:
            opt.lr = lrs[i]
        theta = opt.step(theta, g)
        out.append(theta)
    return np.array(out)


@pytest.fixture
def case():
    rng = np.random.default_rng(0)
    theta0 = rng.normal(size=(3, 4))
    # gradients of very different sizes per element and per step, some exactly zero
    grads = rng.normal(size=(12, 3, 4)) * 10.0 ** rng.integers(-4, 4, size=(12, 3, 4))
    grads[3, 0, 0] = 0.0
    return theta0, grads


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9, 0.99])
def test_sgd_equals_torch_on_the_same_gradients(case, momentum):
    theta0, grads = case
    want = torch_path(lambda p: torch.optim.SGD(p, lr=0.03, momentum=momentum), theta0, grads)
    got = numpy_path(optimizers.SGD(lr=0.03, momentum=momentum), theta0, grads)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("betas, eps", [((0.9, 0.999), 1e-8), ((0.5, 0.9), 1e-3), ((0.0, 0.0), 1e-8)])
def test_adam_equals_torch_on_the_same_gradients(case, betas, eps):
    theta0, grads = case
    want = torch_path(lambda p: torch.optim.Adam(p, lr=0.01, betas=betas, eps=eps), theta0, grads)
    got = numpy_path(optimizers.Adam(lr=0.01, betas=betas, eps=eps), theta0, grads)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_a_changed_learning_rate_acts_as_in_torch(case):
    theta0, grads = case
    lrs = [0.1] * 6 + [0.01] * 6
    for make_torch, mine in [(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), optimizers.SGD(0.1, 0.9)),
                             (lambda p: torch.optim.Adam(p, lr=0.1), optimizers.Adam(0.1))]:  # fmt: skip
        np.testing.assert_allclose(numpy_path(mine, theta0, grads, lrs), torch_path(make_torch, theta0, grads, lrs),
                                   rtol=1e-12, atol=1e-12)  # fmt: skip


def test_closed_loop_on_a_quadratic_follows_torch():
    # The gradient depends on where the parameters are: both paths must stay together.
    A = np.array([[3.0, 1.0], [1.0, 0.5]])

    def grad(theta):
        return A @ theta

    for make_torch, mine in [(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), optimizers.SGD(0.1, 0.9)),
                             (lambda p: torch.optim.Adam(p, lr=0.1), optimizers.Adam(0.1))]:  # fmt: skip
        p = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
        opt, theta = make_torch([p]), np.array([1.0, -2.0])
        for _ in range(200):
            opt.zero_grad()
            (0.5 * p @ torch.tensor(A) @ p).backward()
            opt.step()
            theta = mine.step(theta, grad(theta))
        np.testing.assert_allclose(theta, p.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_textbook_momentum_is_the_same_path_at_a_fixed_rate_and_not_after_a_change(case):
    theta0, grads = case

    def textbook(lrs, mu=0.9):
        theta, u, out = theta0.copy(), np.zeros_like(theta0), []
        for lr, g in zip(lrs, grads):
            u = mu * u + lr * g
            theta = theta - u
            out.append(theta)
        return np.array(out)

    fixed = [0.05] * 12
    np.testing.assert_allclose(textbook(fixed), numpy_path(optimizers.SGD(0.05, 0.9), theta0, grads, fixed), rtol=1e-12)
    changed = [0.05] * 6 + [0.005] * 6
    a, b = textbook(changed), numpy_path(optimizers.SGD(0.05, 0.9), theta0, grads, changed)
    np.testing.assert_allclose(a[:6], b[:6], rtol=1e-12)
    assert np.abs(a[6:] - b[6:]).max() > 1e-3


def test_adam_first_step_is_lr_times_the_sign():
    g = np.array([1e-3, -5.0, 200.0])
    step = optimizers.Adam(lr=0.01).step(np.zeros(3), g)
    np.testing.assert_allclose(step, -0.01 * g / (np.abs(g) + 1e-8), rtol=1e-15)
    np.testing.assert_allclose(step, -0.01 * np.sign(g), rtol=1e-4)


def test_reset_forgets_the_state(case):
    theta0, grads = case
    opt = optimizers.Adam(0.01)
    first = numpy_path(opt, theta0, grads)
    opt.reset()
    np.testing.assert_array_equal(numpy_path(opt, theta0, grads), first)


@pytest.mark.parametrize("max_norm", [1e-3, 0.5, 3.0, 1e6])
def test_clip_grad_norm_equals_torch(max_norm):
    rng = np.random.default_rng(1)
    grads = [rng.normal(size=(4, 3)), rng.normal(size=5), np.array(2.0)]
    params = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g)
    norm_torch = torch.nn.utils.clip_grad_norm_(params, max_norm).item()
    clipped, norm = optimizers.clip_grad_norm(grads, max_norm)
    assert norm == pytest.approx(norm_torch, rel=1e-12)
    assert norm == pytest.approx(np.sqrt(sum(np.sum(g**2) for g in grads)), rel=1e-12)
    for c, p, g in zip(clipped, params, grads):
        np.testing.assert_allclose(c, p.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(c, g * min(1.0, max_norm / norm), rtol=1e-5)  # the formula, less PyTorch's 1e-6
    after = np.sqrt(sum(np.sum(c**2) for c in clipped))
    assert after == pytest.approx(min(norm, max_norm), rel=1e-5)


def test_clip_grad_norm_of_zero_is_zero():
    clipped, norm = optimizers.clip_grad_norm([np.zeros(3)], 1.0)
    assert norm == 0.0 and np.all(clipped[0] == 0)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: optimizers.SGD(lr=-0.1), r"SGD: lr must be a number in \[0, inf\), but got -0.1"),
        (lambda: optimizers.SGD(lr=0.1, momentum=1.0), "momentum must be a number in .* grows without bound"),
        (lambda: optimizers.SGD(lr=float("nan")), "lr must be a number"),
        (lambda: optimizers.Adam(betas=(0.9, 1.0)), r"betas\[1\] must be a number in \[0, 1\)"),
        (lambda: optimizers.Adam(betas=0.9), r"betas must be a pair \(beta1, beta2\)"),
        (lambda: optimizers.Adam(eps=-1e-8), "eps must be a number"),
        (lambda: optimizers.clip_grad_norm([np.ones(2)], 0.0), r"max_norm must be a number in \(0, inf\)"),
        (lambda: optimizers.clip_grad_norm(np.ones(2), 1.0), "For a single array g, pass \\[g\\]"),
        (lambda: optimizers.SGD(0.1).step(np.zeros(3), np.zeros((3, 1))),
         r"grad has shape \(3, 1\) but theta has shape \(3,\)"),
    ],
)  # fmt: skip
def test_bad_input_says_what_and_how_to_fix(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_one_optimizer_updates_one_array():
    opt = optimizers.Adam(0.01)
    opt.step(np.zeros(3), np.ones(3))
    with pytest.raises(ValueError, match=r"holds state for parameters of shape \(3,\).*one per parameter array"):
        opt.step(np.zeros(2), np.ones(2))
