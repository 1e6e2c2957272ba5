"""The synthetic data sets: the stated shapes, the same numbers from the same seed."""

import numpy as np
import pytest

from lossviz import data


def test_linear_regression_shapes_and_truth():
    x, y = data.linear_regression(n=2000, w=2.0, b=-1.0, noise=0.5, seed=0)
    assert x.shape == y.shape == (2000,)
    assert np.all(np.diff(x) >= 0)  # sorted, so lines draw left to right
    w, b = np.polyfit(x, y, 1)
    assert w == pytest.approx(2.0, abs=0.05) and b == pytest.approx(-1.0, abs=0.05)
    assert np.std(y - (2 * x - 1)) == pytest.approx(0.5, rel=0.1)


def test_same_seed_same_data_other_seed_other_data():
    a, b = data.linear_regression(seed=7), data.linear_regression(seed=7)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], data.linear_regression(seed=8)[1])


def test_with_outlier_moves_one_point_and_copies():
    x, y = data.linear_regression(n=5)
    x2, y2 = data.with_outlier(x, y, index=2, shift=10.0)
    assert np.count_nonzero(y2 != y) == 1 and y2[2] == pytest.approx(y[2] + 10)
    with pytest.raises(ValueError, match="index 9 is outside"):
        data.with_outlier(x, y, index=9)


def test_two_blobs_are_balanced_and_separated():
    X, y = data.two_blobs(n=400, distance=4.0, seed=0)
    assert X.shape == (400, 2) and set(np.unique(y)) == {0, 1} and y.sum() == 200
    gap = X[y == 1].mean(axis=0) - X[y == 0].mean(axis=0)
    assert np.linalg.norm(gap) == pytest.approx(4.0, rel=0.15)


@pytest.mark.parametrize("kwargs,words", [
    ({"n": 1}, "n must be a whole number"),
    ({"n": 2.5}, "n must be a whole number"),
    ({"noise": -1.0}, "noise is a standard deviation"),
    ({"x_range": (1.0, -1.0)}, "low < high"),
])  # fmt: skip
def test_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        data.linear_regression(**kwargs)


def test_blobs_labels_and_proportions():
    X, y = data.blobs(n=200, classes=4, seed=1)
    assert X.shape == (200, 2) and y.dtype.kind == "i" and np.bincount(y).tolist() == [50] * 4
    assert len(set(y[:20].tolist())) >= 3, "shuffled: the first rows already hold most classes"
    X, y = data.blobs(n=200, classes=2, proportions=(0.95, 0.05), seed=1)
    assert np.bincount(y).tolist() == [190, 10]


@pytest.mark.parametrize("kwargs,words", [
    ({"classes": 1}, "classes must be a whole number >= 2"),
    ({"proportions": (0.5, 0.6, -0.1)}, "non-negative numbers summing to 1"),
    ({"classes": 2, "proportions": (1.0,)}, "2 non-negative numbers"),
])  # fmt: skip
def test_blobs_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        data.blobs(**kwargs)


def test_shapes_boxes_enclose_the_shape():
    images, classes, boxes = data.shapes(n=30, size=32, seed=1)
    assert images.shape == (30, 32, 32) and set(classes) <= {0, 1, 2} and boxes.shape == (30, 4)
    for img, box in zip(images, boxes):
        x1, y1, x2, y2 = (box * 32).round().astype(int)
        inside = img[max(y1, 0):y2, max(x1, 0):x2].mean()
        assert inside > img.mean() + 0.1  # the bright shape is inside its box
        assert 0 <= box[0] < box[2] <= 1 and 0 <= box[1] < box[3] <= 1


def test_ctc_sequences_have_consistent_lengths():
    feats, labels, in_len, lab_len = data.ctc_sequences(n=50, seed=2)
    assert feats.shape[0] == labels.shape[0] == 50 and feats.shape[2] == 8
    assert np.all(in_len >= 2 * lab_len)  # every symbol lasts at least two frames
    for f, n_frames, lab, n_lab in zip(feats, in_len, labels, lab_len):
        assert np.all(f[n_frames:] == 0) and np.all(lab[n_lab:] == 0) and np.all(lab[:n_lab] > 0)


def test_ctc_sequences_frame_labels_and_joined_repeats():
    from lossviz import ctc

    feats, labels, in_len, lab_len, sound = data.ctc_sequences(n=300, seed=3, frame_labels=True)
    assert sound.shape == feats.shape[:2]
    joined = 0
    for snd, n_frames, lab, n_lab in zip(sound, in_len, labels, lab_len):
        assert np.all(snd[n_frames:] == -1) and np.all(snd[:n_frames] >= 0)
        heard = ctc.collapse(snd[:n_frames])  # pauses as blanks: loses exactly the joined repeats
        label = lab[:n_lab].tolist()
        if heard != label:
            joined += 1
            assert any(a == b for a, b in zip(label, label[1:])) and len(heard) < len(label)
    assert joined > 20  # some repeats are run together, with no pause to mark them
    _, labels, in_len, lab_len, sound = data.ctc_sequences(n=300, seed=3, joined=0.0,
                                                           frame_labels=True)
    for snd, n_frames, lab, n_lab in zip(sound, in_len, labels, lab_len):  # every repeat paused
        assert ctc.collapse(snd[:n_frames]) == lab[:n_lab].tolist()


def test_ctc_sequences_bad_joined():
    with pytest.raises(ValueError, match=r"joined is a probability in \[0, 1\]"):
        data.ctc_sequences(n=5, joined=1.5)


@pytest.mark.parametrize("number,words", [
    (0, "zero"), (7, "seven"), (13, "thirteen"), (40, "forty"), (47, "forty seven"),
    (100, "one hundred"), (305, "three hundred five"), (999, "nine hundred ninety nine"),
])  # fmt: skip
def test_number_words(number, words):
    assert " ".join(data.number_words(number)) == words


def test_number_words_range():
    with pytest.raises(ValueError, match="0..999"):
        data.number_words(1000)


def test_two_modes():
    x = data.two_modes(4000, seed=0)
    assert x.shape == (4000, 1) and abs((x > 0).mean() - 0.5) < 0.03
    assert abs(np.abs(x).mean() - 2.0) < 0.05
