"""The NumPy CTC forward algorithm against nn.CTCLoss, and on cases small enough to count by hand."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn as nn

from lossviz import ctc


def random_log_probs(T, C, seed):
    z = np.random.default_rng(seed).normal(size=(T, C)) * 2
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def brute_force(lp, target, blank=0):
    """Sum the probability of every path of length T that collapses to the target."""
    T, C = lp.shape
    total = 0.0
    for path in itertools.product(range(C), repeat=T):
        merged = [s for i, s in enumerate(path) if i == 0 or s != path[i - 1]]
        if [s for s in merged if s != blank] == list(target):
            total += np.exp(sum(lp[t, s] for t, s in enumerate(path)))
    return -np.log(total)


@pytest.mark.parametrize("target", [[1], [1, 2], [1, 1], [2, 1, 2], []])
def test_forward_equals_the_sum_over_all_alignments(target):
    lp = random_log_probs(5, 3, seed=len(target))
    assert ctc.forward(lp, target)[0] == pytest.approx(brute_force(lp, target), rel=1e-10)


@pytest.mark.parametrize("seed", range(4))
def test_batch_loss_matches_torch(seed):
    rng = np.random.default_rng(seed)
    T, N, C, S = 12, 4, 6, 5
    lp = np.stack([random_log_probs(T, C, seed * 10 + n) for n in range(N)], axis=1)
    targets = rng.integers(1, C, size=(N, S))
    in_lens = np.array([12, 10, 12, 8])
    tgt_lens = np.array([5, 3, 1, 4])
    for reduction in ("none", "sum", "mean"):
        want = nn.CTCLoss(blank=0, reduction=reduction)(
            torch.tensor(lp), torch.tensor(targets), torch.tensor(in_lens), torch.tensor(tgt_lens))
        np.testing.assert_allclose(ctc.loss(lp, targets, in_lens, tgt_lens, reduction=reduction),
                                   want.numpy(), rtol=1e-9)  # fmt: skip


def test_too_few_frames_give_infinite_loss_as_in_torch():
    lp = random_log_probs(2, 3, seed=0)
    assert ctc.forward(lp, [1, 1])[0] == np.inf  # "1-1" needs 3 frames
    want = nn.CTCLoss(reduction="none")(torch.tensor(lp[:, None]), torch.tensor([[1, 1]]),
                                        torch.tensor([2]), torch.tensor([2]))  # fmt: skip
    assert torch.isinf(want).all()


def test_occupation_rows_are_distributions_and_start_and_end_right():
    lp = random_log_probs(8, 4, seed=3)
    gamma = ctc.occupation(lp, [1, 3, 2])
    np.testing.assert_allclose(gamma.sum(axis=1), 1.0, rtol=1e-9)
    assert gamma[0, 2:].sum() == pytest.approx(0.0)  # frame 0 is in the first blank or the first symbol
    assert gamma[-1, :-2].sum() == pytest.approx(0.0, abs=1e-12)


def test_greedy_decode_merges_repeats_then_drops_blanks():
    path = [0, 1, 1, 0, 1, 2, 2, 0, 0]
    lp = np.log(np.eye(3)[path] * 0.98 + 0.01)
    assert ctc.greedy_decode(lp) == [1, 1, 2]


def test_bad_targets_are_explained():
    lp = random_log_probs(4, 3, seed=0)
    with pytest.raises(ValueError, match="never be the blank"):
        ctc.forward(lp, [0, 1])
    with pytest.raises(ValueError, match="never be the blank"):
        ctc.forward(lp, [3])
    with pytest.raises(ValueError, match=r"\(T frames, C symbols\)"):
        ctc.forward(lp[None], [1])


def test_lattice_is_drawn_states_down_frames_across():
    T, target = 9, [2, 2, 1]
    lp = random_log_probs(T, 4, seed=5)
    grid, states = ctc.lattice(lp, target)
    assert grid.shape == (2 * len(target) + 1, T)  # rows: states (y axis), columns: frames (x axis)
    assert states == ["-", "2", "-", "2", "-", "1", "-"]
    np.testing.assert_array_equal(grid, ctc.occupation(lp, target).T)
    np.testing.assert_allclose(grid.sum(axis=0), 1.0, rtol=1e-9)  # each frame is in one state
    assert grid[2:, 0].sum() == pytest.approx(0.0)  # the first frame: first blank or first symbol

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    image = ax.imshow(grid, aspect="auto")
    assert image.get_array().shape == (len(states), T)  # imshow: rows go down the y axis
    plt.close(fig)


@pytest.mark.parametrize("target", [[1, 3, 2], [2, 2], [3]])
def test_occupation_summed_per_symbol_is_softmax_minus_torch_gradient(target):
    # dL/dlogits[t, k] = softmax[t, k] - sum of gamma[t, s] over the states s showing k
    z = np.random.default_rng(len(target)).normal(size=(7, 1, 4))
    logits = torch.tensor(z, requires_grad=True)
    lp = logits.log_softmax(-1)
    lengths = torch.tensor([7]), torch.tensor([len(target)])
    nn.CTCLoss(reduction="sum")(lp, torch.tensor([target]), *lengths).backward()
    gamma = ctc.occupation(lp[:, 0].detach().numpy(), target)
    ext = [0] + [s for t in target for s in (t, 0)]
    per_symbol = np.zeros((7, 4))
    for s, k in enumerate(ext):
        per_symbol[:, k] += gamma[:, s]
    probs = lp[:, 0].exp().detach().numpy()
    np.testing.assert_allclose(probs - per_symbol, logits.grad[:, 0].numpy(), atol=1e-9)


def test_collapse_merges_repeats_then_drops_blanks():
    assert ctc.collapse([1, 1, 0, 2, 2, 2]) == [1, 2]
    assert ctc.collapse([1, 0, 0, 2, 0, 2]) == [1, 2, 2]
    assert ctc.collapse([3, 0, 3]) == [3, 3]  # the blank keeps two equal symbols apart
    assert ctc.collapse([3, 3, 3]) == [3]
    assert ctc.collapse([0, 0]) == []
