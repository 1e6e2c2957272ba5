"""Contrastive learning (lesson 06): the InfoNCE loss, in NumPy.

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


def info_nce(z1, z2, temperature: float = 0.1) -> float:
    fn = "info_nce"
    a = checks.as_float_array(z1, "z1", fn)
    b = checks.as_float_array(z2, "z2", fn)
    checks.check_same_shape(a, b, ("z1", "z2"), fn)
    checks.check_ndim(a, 2, "z1", fn, "(N samples, D dimensions)")
    tau = checks.check_positive(temperature, "temperature", fn)
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return losses.cross_entropy(a @ b.T / tau, np.arange(len(a)))
