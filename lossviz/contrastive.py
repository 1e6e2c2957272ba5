"""Contrastive learning (lesson 06a): the InfoNCE loss, in NumPy.

Two views ``z1[i]`` and ``z2[i]`` of the same sample are a positive pair; every other pairing
in the batch is a negative. With cosine similarities divided by a temperature ``tau``, row i of
the similarity matrix is a classification problem whose right answer is column i:

    InfoNCE = mean_i  -log( exp(sim(z1_i, z2_i) / tau) / sum_j exp(sim(z1_i, z2_j) / tau) )

PyTorch: ``F.cross_entropy(F.normalize(z1) @ F.normalize(z2).T / tau, torch.arange(N))``
(van den Oord et al. 2018; SimCLR, Chen et al. 2020, uses both directions).
"""

from __future__ import annotations

import numpy as np

from . import checks, losses
from .i18n import N_, _


def info_nce(z1, z2, temperature: float = 0.1) -> float:
    fn = "info_nce"
    a = checks.as_float_array(z1, "z1", fn)
    b = checks.as_float_array(z2, "z2", fn)
    checks.check_same_shape(a, b, ("z1", "z2"), fn)
    checks.check_ndim(a, 2, "z1", fn, N_("(N samples, D dimensions)"))
    tau = checks.check_positive(temperature, "temperature", fn)
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return losses.cross_entropy(a @ b.T / tau, np.arange(len(a)))


def best_line_accuracy(X, y, directions: int = 3600) -> float:
    """The highest accuracy any rule ``[u . x > theta]`` reaches on 2-D points ``X`` with labels ``y``
    in {0, 1}, over ``directions`` unit vectors ``u`` spread around the circle and every threshold.

    It is the ceiling of every linear classifier *on these points* (up to the direction grid):
    a trained probe can only do as well. Every threshold between two sorted projections is tried
    at once: points below are called 0, points above 1.
    """
    fn = "best_line_accuracy"
    X = checks.as_float_array(X, "X", fn)
    checks.check_ndim(X, 2, "X", fn, N_("(N points, 2 coordinates)"))
    if X.shape[1] != 2:
        raise ValueError(
            _("{fn}: X must have 2 columns (points in the plane), got shape {shape}.").format(
                fn=fn, shape=X.shape)
        )
    y = checks.as_index_array(y, "y", fn)
    checks.check_class_indices(y, 2, "y", fn)
    angles = np.linspace(0, 2 * np.pi, directions, endpoint=False)
    order = np.argsort(X @ np.stack([np.cos(angles), np.sin(angles)]), axis=0)  # (N, directions)
    ones = y[order]
    # threshold after the k lowest points: right = zeros among them + ones above them
    zeros_below = np.vstack([np.zeros((1, directions)), np.cumsum(1 - ones, axis=0)])
    ones_above = ones.sum(axis=0) - np.vstack([np.zeros((1, directions)), np.cumsum(ones, axis=0)])
    return float((zeros_below + ones_above).max() / len(y))
