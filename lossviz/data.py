"""Small synthetic data sets, made on the spot from a seed (nothing is downloaded).

Each function returns NumPy arrays and draws from its own ``np.random.default_rng(seed)``,
so the same call gives the same data on every machine and in every run.
"""

from __future__ import annotations

import numpy as np

from . import checks
from .i18n import _


def _count(n, fn: str, least: int = 1) -> int:
    if not isinstance(n, (int, np.integer)) or n < least:
        raise ValueError(
            _("{fn}: n must be a whole number of samples >= {least}, but got {n!r}.").format(
                fn=fn, least=least, n=n)
        )
    return int(n)


def linear_regression(n: int = 40, w: float = 2.0, b: float = -1.0, noise: float = 1.0,
                      x_range: tuple[float, float] = (-3.0, 3.0), seed: int = 0):
    """Points ``y = w x + b + noise * eps`` with ``eps ~ N(0, 1)`` and ``x`` uniform in ``x_range``.

    Returns ``(x, y)``, both of shape ``(n,)``: the flat shape ``nn.MSELoss`` expects for one
    output per sample once the model's ``(n, 1)`` output is squeezed.
    """  # fmt: skip
    n = _count(n, "linear_regression", least=2)
    if noise < 0:
        raise ValueError(
            _("linear_regression: noise is a standard deviation and must be >= 0, got {noise}.").format(
                noise=noise)
        )
    lo, hi = x_range
    if not lo < hi:
        raise ValueError(
            _("linear_regression: x_range must be (low, high) with low < high, got {x_range}.").format(
                x_range=x_range)
        )
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(lo, hi, size=n))
    return x, w * x + b + noise * rng.normal(size=n)


def friedman1(n: int = 1000, noise: float = 1.0, seed: int = 0):
    """A regression problem with 10 features, of which 5 matter (Friedman, 1991).

    ``y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + noise * eps``, with every feature
    uniform in [0, 1]. Returns ``X`` of shape ``(n, 10)`` and ``y`` of shape ``(n,)``; a model
    with one output gives ``(n, 1)``, so lesson 04 reshapes ``y`` to match.
    """
    n = _count(n, "friedman1", least=2)
    if noise < 0:
        raise ValueError(
            _("friedman1: noise is a standard deviation and must be >= 0, got {noise}.").format(
                noise=noise)
        )
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n, 10))
    y = (10 * np.sin(np.pi * X[:, 0] * X[:, 1]) + 20 * (X[:, 2] - 0.5) ** 2
         + 10 * X[:, 3] + 5 * X[:, 4] + noise * rng.normal(size=n))  # fmt: skip
    return X, y


def with_outlier(x, y, index: int = -1, shift: float = 10.0):
    """A copy of ``y`` with one point moved by ``shift`` (the outlier); ``x`` unchanged."""
    x = checks.as_float_array(x, "x", "with_outlier")
    y = checks.as_float_array(y, "y", "with_outlier")
    checks.check_same_shape(x, y, ("x", "y"), "with_outlier")
    if not -y.size <= index < y.size:
        raise ValueError(
            _("with_outlier: index {index} is outside 0..{value}.").format(
                index=index, value=y.size - 1)
        )
    moved = y.copy()
    moved[index] += shift
    return x, moved


def blobs(n: int = 150, classes: int = 3, spread: float = 1.0, radius: float = 3.0,
          proportions=None, seed: int = 0):
    """Gaussian clouds in 2-D, one per class, their centres evenly spaced on a circle.

    Returns ``(X, y)`` with ``X`` of shape ``(n, 2)`` and integer labels ``y`` in 0..classes-1,
    the class-index targets ``nn.CrossEntropyLoss`` expects. ``proportions`` (summing to 1)
    makes the classes imbalanced, e.g. ``(0.95, 0.05)``.
    """  # fmt: skip
    n = _count(n, "blobs", least=2)
    if not isinstance(classes, (int, np.integer)) or classes < 2:
        raise ValueError(
            _("blobs: classes must be a whole number >= 2, got {classes!r}.").format(
                classes=classes)
        )
    p = np.full(classes, 1.0 / classes) if proportions is None else np.asarray(proportions, float)
    if p.shape != (classes,) or np.any(p < 0) or not np.isclose(p.sum(), 1.0):
        raise ValueError(
            _("blobs: proportions must be {classes} non-negative numbers summing to 1, got "
                "{proportions!r}.").format(classes=classes, proportions=proportions)
        )
    rng = np.random.default_rng(seed)
    counts = np.floor(p * n).astype(int)
    counts[np.argmax(p)] += n - counts.sum()  # rounding leftovers go to the largest class
    y = np.repeat(np.arange(classes), counts)
    angle = 2 * np.pi * np.arange(classes) / classes + np.pi / 4
    centres = radius * np.column_stack([np.cos(angle), np.sin(angle)])
    X = centres[y] + spread * rng.normal(size=(n, 2))
    order = rng.permutation(n)  # shuffled, so a slice of the data holds every class
    return X[order], y[order]


def two_blobs(n: int = 100, distance: float = 3.0, spread: float = 1.0, seed: int = 0):
    """Two Gaussian clouds in 2-D for binary classification.

    Returns ``(X, y)`` with ``X`` of shape ``(n, 2)`` and labels ``y`` in {0, 1} of shape ``(n,)``;
    the class means sit at ``-/+ distance / 2`` along the diagonal. For a hinge loss map the labels
    with ``2 * y - 1``.
    """
    n = _count(n, "two_blobs", least=2)
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    centre = (y[:, None] - 0.5) * distance / np.sqrt(2.0) * np.ones((1, 2))
    return centre + spread * rng.normal(size=(n, 2)), y


# ------------------------------------------------------------------ lesson 05: applications

SHAPE_NAMES = ("square", "disc", "triangle")


def shapes(n: int = 900, size: int = 32, seed: int = 0):
    """Noisy grey images with one shape each, for a toy detector.

    Returns ``images`` (n, size, size) float32, ``classes`` (n,) in 0..2 (``SHAPE_NAMES``) and
    ``boxes`` (n, 4) as ``(x1, y1, x2, y2)`` in units of the image size (0..1).
    """
    n = _count(n, "shapes")
    rng = np.random.default_rng(seed)
    images = np.zeros((n, size, size), np.float32)
    classes = rng.integers(0, len(SHAPE_NAMES), n)
    boxes = np.zeros((n, 4), np.float32)
    yy, xx = np.mgrid[0:size, 0:size] + 0.5  # pixel centres
    for i in range(n):
        side = rng.uniform(size / 4, size / 2)
        cx, cy = rng.uniform(side / 2 + 1, size - side / 2 - 1, 2)
        if classes[i] == 0:
            mask = (np.abs(xx - cx) <= side / 2) & (np.abs(yy - cy) <= side / 2)
        elif classes[i] == 1:
            mask = (xx - cx) ** 2 + (yy - cy) ** 2 <= (side / 2) ** 2
        else:  # apex at the top, base at the bottom
            mask = (np.abs(yy - cy) <= side / 2) & (np.abs(xx - cx) <= (yy - (cy - side / 2)) / 2)
        images[i] = mask * rng.uniform(0.6, 1.0) + rng.normal(0, 0.15, (size, size))
        boxes[i] = np.array([cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2]) / size
    return images, classes, boxes


def ctc_sequences(n: int = 600, symbols: int = 4, dim: int = 8, noise: float = 0.5,
                  joined: float = 0.5, seed: int = 0, frame_labels: bool = False):
    """Toy "speech": each symbol 1..symbols is a feature vector held for 2-4 frames.

    Every sound opens with one louder frame (its onset: the symbol's vector times 1.6). Between
    two different sounds the speaker pauses (silence: features 0, plus noise) with probability
    0.3. Two equal sounds in a row are run together with probability ``joined``: one long sound
    with no pause, marked only by the second onset; otherwise a pause separates them. So a model
    cannot read the label's repeats off the silences alone.

    Returns ``features`` (n, T, dim) zero-padded, ``labels`` (n, S) zero-padded, and the true
    ``input_lengths`` (n,) and ``label_lengths`` (n,): the four things ``nn.CTCLoss`` needs.
    With ``frame_labels=True`` a fifth array (n, T) says which symbol sounds at each frame
    (0 in a pause, -1 in the padding): what CTC is never told.
    """  # fmt: skip
    n = _count(n, "ctc_sequences")
    if not 0.0 <= joined <= 1.0:
        raise ValueError(
            _("ctc_sequences: joined is a probability in [0, 1], got {joined}.").format(
                joined=joined)
        )
    rng = np.random.default_rng(seed)
    prototypes = np.random.default_rng(1234).normal(size=(symbols + 1, dim)) * 1.5
    prototypes[0] = 0.0  # silence
    feats, labels, sounding = [], [], []
    for _sample in range(n):
        label = rng.integers(1, symbols + 1, rng.integers(2, 5)).tolist()
        frames = []
        for k, s in enumerate(label):
            repeat = k > 0 and label[k - 1] == s
            if k > 0 and (rng.random() >= joined if repeat else rng.random() < 0.3):
                frames += [0] * int(rng.integers(1, 3))
            frames += [-s] + [s] * int(rng.integers(1, 4))  # -s marks the onset frame
        frames = np.array(frames)
        onset = np.where(frames < 0, 1.6, 1.0)[:, None]
        feats.append(prototypes[np.abs(frames)] * onset + rng.normal(0, noise, (len(frames), dim)))
        labels.append(label)
        sounding.append(np.abs(frames))
    T, S = max(map(len, feats)), max(map(len, labels))
    features = np.zeros((n, T, dim), np.float32)
    padded = np.zeros((n, S), np.int64)
    per_frame = np.full((n, T), -1, np.int64)
    for i, (f, lab, snd) in enumerate(zip(feats, labels, sounding)):
        features[i, : len(f)] = f
        padded[i, : len(lab)] = lab
        per_frame[i, : len(snd)] = snd
    in_lens, label_lens = np.array([len(f) for f in feats]), np.array([len(lab) for lab in labels])
    out = (features, padded, in_lens, label_lens)
    return (*out, per_frame) if frame_labels else out


_ONES = "zero one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(number: int) -> list[str]:
    """0..999 in English words, the toy translation task: ``347 -> three hundred forty seven``."""
    if not isinstance(number, (int, np.integer)) or not 0 <= number <= 999:
        raise ValueError(
            _("number_words: give a whole number in 0..999, got {number!r}.").format(number=number)
        )
    if number < 10:
        return [_ONES[number]]
    if number < 20:
        return [_TEENS[number - 10]]
    if number < 100:
        return [_TENS[number // 10]] + ([_ONES[number % 10]] if number % 10 else [])
    return [_ONES[number // 100], "hundred"] + (number_words(number % 100) if number % 100 else [])


def two_modes(n: int, centres=(-2.0, 2.0), spread: float = 0.4, seed=0):
    """Samples (n, 1) from an equal mixture of two Gaussians: the "real data" of the GAN part."""
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return (np.asarray(centres)[rng.integers(0, len(centres), n)] + spread * rng.normal(size=n))[:, None]
