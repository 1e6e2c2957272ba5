"""Exercise of lesson 07, FAQ: designing a loss for an asymmetric goal."""

import numpy as np

from ..i18n import N_
from . import Exercise


def _pinball(pred, target, tau):
    r = target - pred
    return float(np.mean(np.maximum(tau * r, (tau - 1) * r)))


_rng = np.random.default_rng(7)

pinball = Exercise(
    title=N_("The pinball (quantile) loss"),
    reference=_pinball,
    cases=[(_rng.normal(size=6), _rng.normal(size=6), 0.9), (np.zeros(4), np.array([-1.0, 0.0, 1.0, 3.0]), 0.25)],
    hint_text=N_("With r = target − pred: under-predictions (r > 0) cost τ·r, over-predictions cost (1 − τ)·|r|. "
    "`np.maximum(tau * r, (tau - 1) * r)` does both; then average."),
    solution_code="""
def my_pinball(pred, target, tau):
    r = target - pred
    return np.mean(np.maximum(tau * r, (tau - 1) * r))
""",
    mistakes=[(lambda p, t, tau: _pinball(p, t, 1 - tau),
               N_("The weights are swapped: with τ = 0.9, predicting too *low* must cost 0.9 per unit."))],
)  # fmt: skip
