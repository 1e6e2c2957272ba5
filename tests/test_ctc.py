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


# Prefix beam search: held against the exact probability of every labelling, found by listing every path.


def labelling_probabilities(lp, blank=0):
    """p(y | x) for every labelling y, by summing exp(log-probability) over every path of T frames."""
    T, C = lp.shape
    found = {}
    for path in itertools.product(range(C), repeat=T):
        y = tuple(ctc.collapse(path, blank))
        found[y] = found.get(y, 0.0) + np.exp(lp[np.arange(T), list(path)].sum())
    return found


def torch_labelling_probability(lp, y, blank=0):
    """exp(-F.ctc_loss): PyTorch's probability of the labelling y."""
    loss = nn.functional.ctc_loss(torch.tensor(lp)[:, None], torch.tensor([list(y)], dtype=torch.long),
                                  torch.tensor([len(lp)]), torch.tensor([len(y)]), blank=blank,
                                  reduction="sum")  # fmt: skip
    return float(np.exp(-loss.item()))


def test_two_frames_greedy_gives_the_empty_label_beam_the_more_probable_one():
    # p(-) = 0.6, p(a) = 0.4 on both frames. The best path "--" (0.36) collapses to the empty
    # label; "a" collects "aa", "a-", "-a": 0.16 + 0.24 + 0.24 = 0.64.
    lp = np.log([[0.6, 0.4], [0.6, 0.4]])
    assert ctc.greedy_decode(lp) == []
    beams = ctc.prefix_beam_search(lp, beam_width=4)
    assert [y for y, _ in beams] == [[1], []]  # "a a" is impossible in two frames: dropped
    assert np.exp(beams[0][1]) == pytest.approx(0.64, rel=1e-12)
    assert np.exp(beams[1][1]) == pytest.approx(0.36, rel=1e-12)
    assert torch_labelling_probability(lp, [1]) == pytest.approx(0.64, rel=1e-9)


def test_three_frames_greedy_and_a_one_wide_beam_give_a_repeat_a_wider_beam_the_right_label():
    # Columns: blank, 1, 2. Best path "1 - 1" (0.5 * 0.7 * 0.6 = 0.21) collapses to [1, 1], and is
    # its only path; [1] has six: 1--, -1-, --1, 11-, -11, 111 = 0.105+0.024+0.168+0.03+0.048+0.06.
    P = np.array([[0.4, 0.5, 0.1], [0.7, 0.2, 0.1], [0.3, 0.6, 0.1]])
    lp = np.log(P)
    exact = labelling_probabilities(lp)
    assert exact[(1,)] == pytest.approx(0.435) and exact[(1, 1)] == pytest.approx(0.21)
    assert max(exact, key=exact.get) == (1,)
    assert ctc.greedy_decode(lp) == [1, 1]
    # Width 1 keeps only "1" after frame 1 and loses the paths that start with a blank (0.24 of 0.435):
    # "1" then scores 0.195 < 0.21.
    assert ctc.beam_decode(lp, beam_width=1) == [1, 1]
    best, log_p = ctc.prefix_beam_search(lp, beam_width=2)[0]
    assert best == [1] and np.exp(log_p) == pytest.approx(0.435, rel=1e-12)
    assert torch_labelling_probability(lp, [1]) == pytest.approx(0.435, rel=1e-9)


@pytest.mark.parametrize("T, C", [(4, 3), (5, 3), (4, 4)])
def test_a_beam_that_keeps_everything_gives_every_labelling_its_exact_probability(T, C):
    # Width C**T: there are never more prefixes than paths, so nothing is dropped.
    greedy_wrong = 0
    for seed in range(30):
        lp = random_log_probs(T, C, seed)
        exact = labelling_probabilities(lp)
        beams = ctc.prefix_beam_search(lp, beam_width=C**T)
        assert {tuple(y) for y, _ in beams} == {y for y, p in exact.items() if p > 0}
        for y, log_p in beams:
            assert np.exp(log_p) == pytest.approx(exact[tuple(y)], rel=1e-9)
            assert -log_p == pytest.approx(ctc.forward(lp, y)[0], rel=1e-9, abs=1e-12)
        assert [np.exp(s) for _, s in beams] == sorted((np.exp(s) for _, s in beams), reverse=True)
        best = max(exact, key=exact.get)
        assert ctc.beam_decode(lp, beam_width=C**T) == list(best)
        assert torch_labelling_probability(lp, best) == pytest.approx(exact[best], rel=1e-9)
        greedy_wrong += ctc.greedy_decode(lp) != list(best)
    assert greedy_wrong > 0, "no case where greedy decoding misses the most probable labelling: a weak test"


@pytest.mark.parametrize("width", [1, 2, 3, 5])
def test_a_narrow_beam_scores_each_labelling_below_its_probability(width):
    for seed in range(20):
        lp = random_log_probs(5, 3, seed)
        exact = labelling_probabilities(lp)
        beams = ctc.prefix_beam_search(lp, beam_width=width)
        assert 1 <= len(beams) <= width
        for y, log_p in beams:
            assert np.exp(log_p) <= exact[tuple(y)] * (1 + 1e-12)


def test_a_repeat_needs_a_blank_between_in_the_beam_too():
    # Three frames sure of "1": only [1] is possible; "1 - 1" would need the middle frame blank.
    lp = np.log(np.array([[0.01, 0.98, 0.01]] * 3))
    exact = labelling_probabilities(lp)
    for y, log_p in ctc.prefix_beam_search(lp, beam_width=27):
        assert np.exp(log_p) == pytest.approx(exact[tuple(y)], rel=1e-9)
    assert ctc.beam_decode(lp) == [1]
    lp = np.log(np.array([[0.01, 0.98, 0.01], [0.98, 0.01, 0.01], [0.01, 0.98, 0.01]]))
    assert ctc.beam_decode(lp) == [1, 1]


def test_beam_search_with_another_blank_index_is_the_same_search_relabelled():
    lp = random_log_probs(6, 4, seed=7)
    moved = lp[:, [1, 2, 3, 0]]  # the blank is now the last column; symbols 1, 2, 3 become 0, 1, 2
    ours = ctc.prefix_beam_search(lp, beam_width=5)
    theirs = ctc.prefix_beam_search(moved, beam_width=5, blank=3)
    assert [[s - 1 for s in y] for y, _ in ours] == [y for y, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-12)


def test_beam_search_does_not_underflow_on_long_inputs():
    lp = random_log_probs(400, 5, seed=1)
    y, log_p = ctc.prefix_beam_search(lp, beam_width=4)[0]
    assert np.isfinite(log_p) and log_p < -100  # far below what float64 probabilities could hold
    assert -log_p >= ctc.forward(lp, y)[0] - 1e-9  # a lower bound on log p(y | x)


def test_beam_search_explains_bad_input():
    lp = random_log_probs(4, 3, seed=0)
    for width in (0, -2, 2.5, True, "8"):
        with pytest.raises(ValueError, match="beam_width must be a positive integer"):
            ctc.prefix_beam_search(lp, beam_width=width)
    for blank in (3, -1, 1.0):
        with pytest.raises(ValueError, match=r"blank must be a symbol index in 0\.\.2"):
            ctc.prefix_beam_search(lp, blank=blank)
    with pytest.raises(ValueError, match=r"\(T frames, C symbols\)"):
        ctc.beam_decode(lp[None])
    with pytest.raises(ValueError, match="without NaN"):
        ctc.beam_decode(np.full((3, 3), np.nan))
    with pytest.raises(ValueError, match="every path has probability 0"):
        ctc.beam_decode(np.full((3, 3), -np.inf))


def _levenshtein(a, b):
    # the definition, recursively: the reference for edit_distance
    if not a or not b:
        return len(a) + len(b)
    return min(_levenshtein(a[1:], b) + 1, _levenshtein(a, b[1:]) + 1,
               _levenshtein(a[1:], b[1:]) + (a[0] != b[0]))  # fmt: skip


def test_edit_distance_counts_insertions_deletions_and_substitutions():
    assert ctc.edit_distance([1, 2, 3], [1, 2, 3]) == 0
    assert ctc.edit_distance([], [1, 2]) == 2 and ctc.edit_distance([1, 2], []) == 2
    assert ctc.edit_distance([1, 3], [1, 2, 3]) == 1  # one deletion
    assert ctc.edit_distance([2, 2, 3], [2, 3]) == 1  # a repeat too many
    assert ctc.edit_distance([1, 2, 3, 4, 5, 6], [7, 2, 3, 4, 1, 5]) == 3  # substitute, insert, delete
    rng = np.random.default_rng(0)
    for _ in range(50):
        a, b = list(rng.integers(1, 4, rng.integers(0, 6))), list(rng.integers(1, 4, rng.integers(0, 6)))
        assert ctc.edit_distance(a, b) == _levenshtein(a, b) == ctc.edit_distance(b, a)


def test_label_runs_give_symbol_start_and_width_and_match_collapse():
    assert ctc.label_runs([0, 2, 2, 0, 2, 3]) == [(2, 1, 2), (2, 4, 1), (3, 5, 1)]
    assert ctc.label_runs([1, 1, 1]) == [(1, 0, 3)]
    assert ctc.label_runs([0, 0]) == [] and ctc.label_runs([]) == []
    assert ctc.label_runs([3, 3, 1], blank=3) == [(1, 2, 1)]
    rng = np.random.default_rng(1)
    for _ in range(50):
        path = rng.integers(0, 3, size=rng.integers(1, 12))
        runs = ctc.label_runs(path)
        assert [s for s, _, _ in runs] == ctc.collapse(path)
        assert sum(w for _, _, w in runs) == np.sum(path != 0)
        for s, start, w in runs:
            assert (path[start:start + w] == s).all()
