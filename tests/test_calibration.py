"""Reliability bins and ECE on a case worked by hand, against scikit-learn, and their input checks."""

import numpy as np
import pytest
import torch
from sklearn.calibration import calibration_curve

from lossviz import calibration

# Five samples, three classes, M = 4 bins (0, 1/4], (1/4, 1/2], (1/2, 3/4], (3/4, 1].
HAND_PROBS = np.array([
    [0.90, 0.05, 0.05],   # conf 0.9, predicts 0, label 0: right  -> bin 4
    [0.10, 0.80, 0.10],   # conf 0.8, predicts 1, label 0: wrong  -> bin 4
    [0.60, 0.30, 0.10],   # conf 0.6, predicts 0, label 0: right  -> bin 3
    [0.20, 0.30, 0.50],   # conf 0.5, predicts 2, label 1: wrong  -> bin 2 (0.5 is its right edge)
    [0.40, 0.35, 0.25],   # conf 0.4, predicts 0, label 0: right  -> bin 2
])  # fmt: skip
HAND_LABELS = np.array([0, 0, 0, 1, 0])


def test_hand_worked_case():
    bins = calibration.reliability_bins(HAND_PROBS, HAND_LABELS, n_bins=4)
    np.testing.assert_array_equal(bins.edges, [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_array_equal(bins.counts, [0, 2, 1, 2])
    np.testing.assert_allclose(bins.accuracy[1:], [0.5, 1.0, 0.5])
    np.testing.assert_allclose(bins.confidence[1:], [0.45, 0.6, 0.85])
    assert np.isnan(bins.accuracy[0]) and np.isnan(bins.confidence[0])  # the empty bin
    # ECE = 2/5 |0.5 - 0.45| + 1/5 |1 - 0.6| + 2/5 |0.5 - 0.85| = 0.02 + 0.08 + 0.14
    assert calibration.expected_calibration_error(HAND_PROBS, HAND_LABELS, n_bins=4) == pytest.approx(0.24)
    # Bins closed on the left, [(m − 1)/M, m/M), would put conf 0.5 into bin 3 and give a different
    # ECE: 1/5 |1 − 0.4| + 2/5 |0.5 − 0.55| + 2/5 |0.5 − 0.85| = 0.12 + 0.02 + 0.14
    conf = HAND_PROBS.max(1)
    correct = (HAND_PROBS.argmax(1) == HAND_LABELS).astype(float)
    left = np.minimum((conf * 4).astype(int), 3)  # left-closed bin index
    ece_left = sum(np.sum(left == b) / 5 * abs(correct[left == b].mean() - conf[left == b].mean())
                   for b in range(4) if np.any(left == b))
    assert ece_left == pytest.approx(0.28) and bins.ece != pytest.approx(ece_left)


def test_one_bin_is_the_gap_between_accuracy_and_mean_confidence():
    # M = 1: ECE = |accuracy - mean confidence| = |3/5 - 3.2/5|
    assert calibration.expected_calibration_error(HAND_PROBS, HAND_LABELS, n_bins=1) == pytest.approx(0.04)


@pytest.mark.parametrize("accuracy", [0.0, 0.3, 1.0])
def test_a_model_always_certain_has_ece_one_minus_its_accuracy(accuracy):
    n = 10
    labels = np.zeros(n, dtype=int)
    labels[: int(round((1 - accuracy) * n))] = 1  # these it gets wrong: it always says class 0
    probs = np.tile([1.0, 0.0], (n, 1))
    assert calibration.expected_calibration_error(probs, labels) == pytest.approx(1 - accuracy)


def _random_case(seed, n=2000, k=4):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.full(k, 0.7), size=n)
    labels = rng.integers(0, k, size=n)
    return probs, labels


@pytest.mark.parametrize("n_bins", [1, 5, 10, 15])
@pytest.mark.parametrize("seed", [0, 1])
def test_bins_agree_with_scikit_learns_calibration_curve(n_bins, seed):
    probs, labels = _random_case(seed)
    conf, correct = probs.max(1), (probs.argmax(1) == labels)
    want_acc, want_conf = calibration_curve(correct, conf, n_bins=n_bins, strategy="uniform")
    bins = calibration.reliability_bins(probs, labels, n_bins=n_bins)
    full = bins.counts > 0
    np.testing.assert_allclose(bins.accuracy[full], want_acc, rtol=1e-12)
    np.testing.assert_allclose(bins.confidence[full], want_conf, rtol=1e-12)
    # counts by an independent route: np.histogram's bins are closed on the left, so count the
    # right-closed bins of conf as the left-closed bins of -conf, reversed
    counts, _ = np.histogram(-conf, bins=-bins.edges[::-1])
    np.testing.assert_array_equal(bins.counts, counts[::-1])
    ece_by_hand = np.sum(counts[::-1][full] / len(labels) * np.abs(want_acc - want_conf))
    assert bins.ece == pytest.approx(ece_by_hand, rel=1e-12)


def test_a_confidence_on_an_edge_goes_to_the_bin_below_as_in_scikit_learn():
    # 0.3, 0.6 and 0.7 are edges where np.linspace(0, 1, 11) differs from k / 10 in the last bit
    probs = np.array([[0.3, 0.3, 0.2, 0.2], [0.6, 0.2, 0.1, 0.1], [0.7, 0.1, 0.1, 0.1]])
    labels = np.array([0, 1, 0])
    bins = calibration.reliability_bins(probs, labels, n_bins=10)
    assert np.flatnonzero(bins.counts).tolist() == [2, 5, 6]  # (0.2, 0.3], (0.5, 0.6], (0.6, 0.7]
    want_acc, want_conf = calibration_curve(labels == probs.argmax(1), probs.max(1), n_bins=10)
    np.testing.assert_allclose(bins.accuracy[[2, 5, 6]], want_acc)
    np.testing.assert_allclose(bins.confidence[[2, 5, 6]], want_conf)


def test_torch_tensors_and_numpy_give_the_same_numbers():
    logits = torch.randn(500, 3, generator=torch.Generator().manual_seed(0))
    labels = torch.randint(0, 3, (500,), generator=torch.Generator().manual_seed(1))
    probs = torch.softmax(logits, 1)  # float32, as a network gives them
    conf, pred = probs.max(1)
    c, correct = calibration.confidence_and_correct(probs, labels)
    np.testing.assert_allclose(c, conf.numpy())
    np.testing.assert_array_equal(correct, (pred == labels).numpy())
    assert calibration.expected_calibration_error(probs, labels) == pytest.approx(
        calibration.expected_calibration_error(probs.double().numpy(), labels.numpy()), abs=1e-6)


def test_a_calibrated_model_has_a_small_ece_and_an_over_confident_one_does_not():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(3), size=20000)
    labels = (rng.random((20000, 1)) > probs.cumsum(1)).sum(1)  # drawn from the model's own probabilities
    assert calibration.expected_calibration_error(probs, labels) < 0.02
    sharpened = probs**3 / (probs**3).sum(1, keepdims=True)  # same labels, more confident
    assert calibration.expected_calibration_error(sharpened, labels) > 0.1


@pytest.mark.parametrize("probs,labels,message", [
    ([0.2, 0.9], [0, 1], "np.column_stack"),
    ([[1.0], [1.0]], [0, 0], "at least 2 columns"),
    ([[2.0, -1.0], [0.5, 0.5]], [0, 1], "softmax"),
    ([[0.5, 0.6], [0.5, 0.5]], [0, 1], "sums to 1.1"),
    ([[0.5, 0.5], [0.5, 0.5]], [[1, 0], [0, 1]], "one-hot"),
    ([[0.5, 0.5], [0.5, 0.5]], [0, 2], "0..1"),
    ([[0.5, 0.5], [0.5, 0.5]], [0.0, 1.0], "integers"),
])  # fmt: skip
def test_bad_input_is_refused_with_the_fix(probs, labels, message):
    with pytest.raises(ValueError, match=message):
        calibration.expected_calibration_error(probs, labels)


@pytest.mark.parametrize("n_bins", [0, -3, 2.5, True, "10"])
def test_bin_count_must_be_a_whole_number(n_bins):
    with pytest.raises(ValueError, match="n_bins must be a whole number"):
        calibration.reliability_bins(HAND_PROBS, HAND_LABELS, n_bins=n_bins)


def test_calibrated_draws_are_the_ece_of_labels_drawn_from_the_model_itself():
    probs, _ = _random_case(0, n=3000, k=3)
    draws = calibration.calibrated_draws(probs, n_bins=10, draws=30, seed=1)
    assert draws.shape == (30,) and (draws > 0).all()
    np.testing.assert_array_equal(draws, calibration.calibrated_draws(probs, n_bins=10, draws=30, seed=1))
    # the same draws by another route: Categorical sampling is a different generator, so compare the
    # distribution: a calibrated model's ECE on 3000 points is small, and close to ours on average
    torch.manual_seed(0)
    p = torch.tensor(probs)
    other = [calibration.expected_calibration_error(p, torch.distributions.Categorical(probs=p).sample())
             for _ in range(30)]
    assert draws.max() < 0.06 and abs(draws.mean() - np.mean(other)) < 0.005
    # one draw by hand, with the same generator, through expected_calibration_error
    labels = np.minimum((np.random.default_rng(1).random((3000, 1)) > probs.cumsum(1)).sum(1), 2)
    assert draws[0] == pytest.approx(calibration.expected_calibration_error(probs, labels), rel=1e-12)
    # an over-confident model is far above its own calibrated draws
    sharpened = probs**3 / (probs**3).sum(1, keepdims=True)
    labels = (np.random.default_rng(2).random((3000, 1)) > probs.cumsum(1)).sum(1)  # from the true probs
    assert calibration.expected_calibration_error(sharpened, labels) > 3 * calibration.calibrated_draws(sharpened).max()


def test_paired_difference_matches_scipys_paired_t_interval():
    from scipy import stats

    a, b = np.array([0.006, 0.003, 0.017, 0.019, 0.008]), np.array([0.007, 0.007, 0.030, 0.008, 0.005])
    for level in (0.9, 0.95):
        mean, half = calibration.paired_difference(a, b, level=level)
        lo, hi = stats.ttest_rel(a, b).confidence_interval(level)
        assert (mean - half, mean + half) == pytest.approx((lo, hi), rel=1e-10)
    # by hand for n = 2: d = (1, 3), mean 2, s_d = √2, t_{1, 0.975} = 12.706...
    mean, half = calibration.paired_difference([2, 5], [1, 2])
    assert mean == 2 and half == pytest.approx(12.7062047 * np.sqrt(2) / np.sqrt(2), rel=1e-7)
    # the pairing matters: a shared offset per pair cancels
    assert calibration.paired_difference(a + [0, 1, 2, 3, 4], b + [0, 1, 2, 3, 4]) == pytest.approx(
        calibration.paired_difference(a, b))


@pytest.mark.parametrize("a,b,kw,message", [
    ([1.0, 2.0], [1.0], {}, "same length"),
    ([1.0], [2.0], {}, "same length >= 2"),
    ([1.0, 2.0], [1.0, 2.0], {"level": 95}, "level must be"),
])  # fmt: skip
def test_paired_difference_refuses_bad_input(a, b, kw, message):
    with pytest.raises(ValueError, match=message):
        calibration.paired_difference(a, b, **kw)


@pytest.mark.parametrize("draws", [0, 2.5, True])
def test_calibrated_draws_needs_a_whole_number_of_draws(draws):
    with pytest.raises(ValueError, match="draws must be a whole number"):
        calibration.calibrated_draws(HAND_PROBS, draws=draws)
