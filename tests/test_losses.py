"""Every lossviz loss and gradient against PyTorch (float64), on random and extreme input."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lossviz import losses as L

RTOL = 1e-10
REDUCTIONS = ["mean", "sum", "none"]


def t64(x):
    return torch.as_tensor(np.asarray(x), dtype=torch.float64)


def hinge_torch(score, target, reduction):
    per = torch.clamp(1 - target * score, min=0)
    return {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]


# name -> (lossviz loss, lossviz grad, torch loss(first, target, reduction), make(rng, shape))
# ``make`` returns (first, target) as NumPy arrays; targets are kept as NumPy so their
# dtype (int class indices vs float probabilities) is what a student would pass.
def _reg(rng, shape):
    return rng.normal(size=shape) * 3, rng.normal(size=shape) * 3


def _bce(rng, shape):
    return rng.uniform(0.01, 0.99, size=shape), rng.integers(0, 2, size=shape).astype(float)


def _bce_logits(rng, shape):
    return rng.normal(size=shape) * 4, rng.uniform(0, 1, size=shape)


def _hinge(rng, shape):
    return rng.normal(size=shape) * 2, rng.choice([-1.0, 1.0], size=shape)


def _ce_index(rng, shape):
    return rng.normal(size=shape) * 3, rng.integers(0, shape[1], size=shape[0])


def _ce_prob(rng, shape):
    p = rng.uniform(size=shape)
    return rng.normal(size=shape) * 3, p / p.sum(axis=1, keepdims=True)


CASES = {
    "mse": (L.mse, L.mse_grad, lambda a, b, r: F.mse_loss(a, b, reduction=r), _reg),
    "mae": (L.mae, L.mae_grad, lambda a, b, r: F.l1_loss(a, b, reduction=r), _reg),
    "huber": (
        lambda a, b, reduction: L.huber(a, b, delta=1.5, reduction=reduction),
        lambda a, b, reduction: L.huber_grad(a, b, delta=1.5, reduction=reduction),
        lambda a, b, r: F.huber_loss(a, b, delta=1.5, reduction=r),
        _reg,
    ),
    "smooth_l1": (
        lambda a, b, reduction: L.smooth_l1(a, b, beta=0.7, reduction=reduction),
        lambda a, b, reduction: L.smooth_l1_grad(a, b, beta=0.7, reduction=reduction),
        lambda a, b, r: F.smooth_l1_loss(a, b, beta=0.7, reduction=r),
        _reg,
    ),
    "binary_cross_entropy": (
        L.binary_cross_entropy, L.binary_cross_entropy_grad,
        lambda a, b, r: F.binary_cross_entropy(a, b, reduction=r), _bce,
    ),
    "binary_cross_entropy_with_logits": (
        L.binary_cross_entropy_with_logits, L.binary_cross_entropy_with_logits_grad,
        lambda a, b, r: F.binary_cross_entropy_with_logits(a, b, reduction=r), _bce_logits,
    ),
    "hinge": (L.hinge, L.hinge_grad, hinge_torch, _hinge),
}  # fmt: skip

CLASS_CASES = {
    "cross_entropy_index": (
        lambda a, b, reduction: L.cross_entropy(a, b, label_smoothing=0.1, reduction=reduction),
        lambda a, b, reduction: L.cross_entropy_grad(a, b, label_smoothing=0.1, reduction=reduction),
        lambda a, b, r: F.cross_entropy(a, b, label_smoothing=0.1, reduction=r),
        _ce_index,
    ),
    "cross_entropy_index_plain": (
        L.cross_entropy, L.cross_entropy_grad,
        lambda a, b, r: F.cross_entropy(a, b, reduction=r), _ce_index,
    ),
    "cross_entropy_prob": (
        lambda a, b, reduction: L.cross_entropy(a, b, label_smoothing=0.2, reduction=reduction),
        lambda a, b, reduction: L.cross_entropy_grad(a, b, label_smoothing=0.2, reduction=reduction),
        lambda a, b, r: F.cross_entropy(a, b, label_smoothing=0.2, reduction=r),
        _ce_prob,
    ),
    "multi_margin": (
        lambda a, b, reduction: L.multi_margin(a, b, margin=0.7, reduction=reduction),
        lambda a, b, reduction: L.multi_margin_grad(a, b, margin=0.7, reduction=reduction),
        lambda a, b, r: F.multi_margin_loss(a, b, margin=0.7, reduction=r),
        _ce_index,
    ),
}  # fmt: skip


def torch_value_and_grad(torch_fn, first, target, reduction):
    x = t64(first).requires_grad_(True)
    tgt = torch.as_tensor(target) if np.issubdtype(np.asarray(target).dtype, np.integer) else t64(target)
    out = torch_fn(x, tgt, reduction)
    # "none" means: the gradient of the sum, as lossviz documents.
    (out.sum() if reduction == "none" else out).backward()
    return out.detach().numpy(), x.grad.numpy()


def assert_matches(case, first, target, reduction):
    loss, grad, torch_fn, _ = case
    want_value, want_grad = torch_value_and_grad(torch_fn, first, target, reduction)
    got_value = loss(first, target, reduction=reduction)
    got_grad = grad(first, target, reduction=reduction)
    assert np.all(np.isfinite(got_value)) and np.all(np.isfinite(got_grad))
    np.testing.assert_allclose(got_value, want_value, rtol=RTOL, atol=1e-300)
    # Gradients that PyTorch rounds to exactly 0 may come out at 1e-17 here: allow that much.
    np.testing.assert_allclose(got_grad, want_grad, rtol=RTOL, atol=1e-15)
    assert np.shape(got_grad) == np.shape(first)
    if reduction == "none":
        assert np.shape(got_value) == np.shape(want_value)
    else:
        assert isinstance(got_value, float)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(), (1,), (7,), (4, 3), (2, 3, 5)])
@pytest.mark.parametrize("name", sorted(CASES))
def test_elementwise_loss_matches_torch(name, shape, reduction, rng):
    case = CASES[name]
    first, target = case[3](rng, shape)
    assert_matches(case, first, target, reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(1, 2), (6, 3), (16, 10)])
@pytest.mark.parametrize("name", sorted(CLASS_CASES))
def test_class_loss_matches_torch(name, shape, reduction, rng):
    case = CLASS_CASES[name]
    first, target = case[3](rng, shape)
    assert_matches(case, first, target, reduction)


EXTREME = np.array([-1e4, -50.0, -1.0, 0.0, 1e-8, 1.0, 50.0, 1e4])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_extreme_values_match_torch(reduction):
    # Logits far beyond where exp overflows, and probabilities exactly at 0 and 1.
    signs = np.resize([1.0, -1.0, -1.0], EXTREME.shape)
    for name, target in [
        ("mse", EXTREME[::-1].copy()),
        ("mae", EXTREME[::-1].copy()),
        ("huber", EXTREME[::-1].copy()),
        ("binary_cross_entropy_with_logits", np.resize([0.0, 1.0, 0.3], EXTREME.shape)),
        ("hinge", signs),
    ]:
        assert_matches(CASES[name], EXTREME, target, reduction)
    prob = np.array([0.0, 0.0, 1.0, 1.0, 1e-300, 1 - 1e-16, 0.5, 0.25])
    target = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.5, 1.0])
    assert_matches(CASES["binary_cross_entropy"], prob, target, reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", sorted(CLASS_CASES))
def test_extreme_logits_match_torch(name, reduction):
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [0.0, 1e4, 1e4 - 1.0]])
    case = CLASS_CASES[name]
    target = (
        np.array([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
        if name == "cross_entropy_prob"
        else np.array([1, 0, 2])
    )
    assert_matches(case, logits, target, reduction)


def test_softmax_and_log_softmax_match_torch(rng):
    for z in [rng.normal(size=(5, 4)) * 10, np.array([[1e4, -1e4, 0.0]]), rng.normal(size=7)]:
        np.testing.assert_allclose(L.softmax(z), torch.softmax(t64(z), -1).numpy(), rtol=RTOL, atol=1e-300)
        np.testing.assert_allclose(L.log_softmax(z), torch.log_softmax(t64(z), -1).numpy(), rtol=RTOL)
        np.testing.assert_allclose(L.sigmoid(z), torch.sigmoid(t64(z)).numpy(), rtol=RTOL, atol=1e-300)


def test_log_softmax_is_finite_where_naive_log_of_softmax_is_not():
    z = np.array([[1000.0, 0.0, -1000.0]])
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        naive = np.log(np.exp(z) / np.exp(z).sum())
    assert not np.all(np.isfinite(naive))
    np.testing.assert_allclose(L.log_softmax(z), [[0.0, -1000.0, -2000.0]])


def test_accepts_lists_and_tensors_alike():
    as_list = L.mse([1.0, 2.0, 4.0], [1.0, 1.0, 1.0])
    as_tensor = L.mse(torch.tensor([1.0, 2.0, 4.0], requires_grad=True), torch.ones(3))
    assert as_list == pytest.approx(10 / 3) and as_tensor == pytest.approx(10 / 3)
    assert L.cross_entropy(torch.zeros(2, 4), torch.tensor([0, 3])) == pytest.approx(np.log(4))


def test_hand_worked_values():
    # Small enough to check on paper, so a reader can trust the tables above.
    assert L.mse([1.0, 3.0], [0.0, 0.0]) == 5.0
    assert L.mae([1.0, -3.0], [0.0, 0.0]) == 2.0
    assert L.huber([0.5, 3.0], [0.0, 0.0], delta=1.0) == pytest.approx((0.125 + 2.5) / 2)
    assert L.hinge([2.0, 0.5, -1.0], [1, 1, 1], reduction="none").tolist() == [0.0, 0.5, 2.0]
    assert L.cross_entropy([[0.0, 0.0]], [1]) == pytest.approx(np.log(2))
    assert L.multi_margin([[2.0, 1.5, 0.0]], [0]) == pytest.approx(0.5 / 3)


# ----------------------------------------------------------- properties of shapes and reductions

ELEMENTWISE = ["mse", "mae", "huber", "binary_cross_entropy_with_logits"]


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(ELEMENTWISE),
    first=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5),
        elements=st.floats(-1e3, 1e3, allow_subnormal=False),
    ),
    data=st.data(),
)
def test_reductions_agree_for_any_shape(name, first, data):
    loss, grad, _, _ = CASES[name]
    elements = st.floats(0, 1, allow_subnormal=False) if "cross_entropy" in name else st.floats(-1e3, 1e3, allow_subnormal=False)
    target = data.draw(hnp.arrays(np.float64, first.shape, elements=elements))
    none = loss(first, target, reduction="none")
    total = loss(first, target, reduction="sum")
    mean = loss(first, target, reduction="mean")
    assert none.shape == first.shape
    assert total == pytest.approx(none.sum(), rel=1e-12, abs=1e-12)
    assert mean == pytest.approx(total / first.size, rel=1e-12, abs=1e-12)
    g_sum = grad(first, target, reduction="sum")
    np.testing.assert_array_equal(grad(first, target, reduction="none"), g_sum)
    np.testing.assert_allclose(grad(first, target, reduction="mean") * first.size, g_sum, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 6),
    c=st.integers(2, 6),
    eps=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_cross_entropy_mean_divides_by_samples_not_elements(n, c, eps, seed):
    rng = np.random.default_rng(seed)
    z, y = rng.normal(size=(n, c)) * 5, rng.integers(0, c, size=n)
    per = L.cross_entropy(z, y, label_smoothing=eps, reduction="none")
    assert per.shape == (n,)
    assert L.cross_entropy(z, y, label_smoothing=eps) == pytest.approx(per.sum() / n, rel=1e-12)
    # The gradient of each row sums to 0: softmax and the target both sum to 1.
    np.testing.assert_allclose(L.cross_entropy_grad(z, y, eps).sum(axis=1), 0.0, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(z=hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)),
                    elements=st.floats(-1e4, 1e4)))  # fmt: skip
def test_softmax_is_a_distribution_for_any_logits(z):
    p = L.softmax(z)
    assert np.all(p >= 0) and np.all(np.isfinite(L.log_softmax(z)))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
