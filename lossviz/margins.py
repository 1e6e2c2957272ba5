"""Binary classification losses as functions of the margin ``m = y f(x)``, with ``y`` in {-1, +1}.

A sample is classified correctly when ``m > 0``, and with room to spare when ``m >= 1``.
Writing the losses in ``m`` puts them on one axis, the classic picture of why the hinge and
logistic losses are convex upper bounds of the 0-1 loss that can actually be optimised.

The logistic loss here is in bits, ``log2(1 + e^-m)``, as in Bishop's figure 7.5: it equals 1 at
``m = 0`` and lies on or above the 0-1 loss everywhere. With the natural log (PyTorch's
binary cross-entropy) it would be ``ln 2 ~ 0.69`` at ``m = 0`` and below the 0-1 loss for
``-ln(e - 1) < m <= 0``, i.e. m in (-0.541, 0]; the two differ only by the factor ``1 / ln 2``,
so they have the same minimiser.

References: C. M. Bishop, *Pattern Recognition and Machine Learning* (2006), section 7.1.2 and
figure 7.5.

| name | loss of m | PyTorch, with score f and target y |
|---|---|---|
| zero_one | 1 if m <= 0 else 0 | ``(y * f <= 0).float()`` (not differentiable: no gradient) |
| hinge | max(0, 1 - m) | ``torch.clamp(1 - y * f, min=0)`` |
| squared_hinge | max(0, 1 - m)^2 | ``torch.clamp(1 - y * f, min=0) ** 2`` |
| logistic | log2(1 + exp(-m)) | ``F.softplus(-y * f) / math.log(2)``, or ``F.binary_cross_entropy_with_logits(f, (y + 1) / 2) / math.log(2)`` |
"""

from __future__ import annotations

import numpy as np

from . import checks, losses
from .i18n import _

NAMES = ("zero_one", "hinge", "squared_hinge", "logistic")


def _m(margin, fn):
    return checks.as_float_array(margin, "margin", fn)


def _name(name, fn):
    if name not in NAMES:
        raise ValueError(
            _("{fn}: unknown margin loss {name!r}; choose from {NAMES}.").format(
                fn=fn, name=name, NAMES=list(NAMES))
        )


def margin_loss(name: str, margin) -> np.ndarray:
    """The loss ``name`` at each margin ``m = y f(x)`` (elementwise, no reduction)."""
    _name(name, "margin_loss")
    m = _m(margin, "margin_loss")
    if name == "zero_one":
        return (m <= 0).astype(np.float64)
    if name == "hinge":
        return np.maximum(0.0, 1.0 - m)
    if name == "squared_hinge":
        return np.maximum(0.0, 1.0 - m) ** 2
    return np.logaddexp(0.0, -m) / np.log(2.0)  # log2(1 + e^-m), without overflow


def margin_grad(name: str, margin) -> np.ndarray:
    """d loss / d m: 0 (0-1, almost everywhere), -1[m <= 1] (hinge), -2 max(0, 1 - m) (squared
    hinge), -sigmoid(-m) / ln 2 (logistic in bits; it tends to -1 / ln 2 ~ -1.44 as m -> -inf)."""
    _name(name, "margin_grad")
    m = _m(margin, "margin_grad")
    if name == "zero_one":
        return np.zeros_like(m)
    if name == "hinge":
        return np.where(m <= 1.0, -1.0, 0.0)  # at the kink, the linear piece, as torch.clamp does
    if name == "squared_hinge":
        return -2.0 * np.maximum(0.0, 1.0 - m)
    return -losses.sigmoid(-m) / np.log(2.0)
