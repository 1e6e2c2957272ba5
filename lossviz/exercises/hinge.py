"""Exercises of lesson 03, Hinge Loss."""

import numpy as np

from .. import losses
from ..i18n import N_
from . import Exercise

_rng = np.random.default_rng(3)
_CASES = [
    (np.array([2.0, 0.5, -0.3, -2.0, 1.5]), np.array([1.0, 1.0, 1.0, -1.0, -1.0])),
    (_rng.normal(size=9) * 2, _rng.choice([-1.0, 1.0], size=9)),
]

implement_hinge = Exercise(
    title=N_("Implement the hinge loss"),
    reference=lambda f, y: losses.hinge(f, y),
    cases=_CASES,
    hint_text=N_("The margin of each sample is `y * f`; the loss is `max(0, 1 - margin)`, averaged. "
    "`np.maximum` works element by element (not `max`)."),
    solution_code="""
def my_hinge(score, target):
    return np.mean(np.maximum(0, 1 - target * score))
""",
    mistakes=[
        (lambda f, y: np.mean(1 - y * f),
         N_("You dropped the max(0, ·): then samples far on the right side earn *negative* loss and "
         "can cancel mistakes elsewhere.")),
        (lambda f, y: np.mean(np.maximum(0, -y * f)),
         N_("That is the perceptron loss (margin 0): the hinge asks for a margin of 1, max(0, 1 − y f).")),
        (lambda f, y: np.mean(np.maximum(0, 1 - y * f) ** 2), N_("That is the *squared* hinge.")),
    ],
)  # fmt: skip

to_plus_minus_one = Exercise(
    title=N_("Labels for the hinge"),
    reference=lambda y01: 2.0 * y01 - 1.0,
    cases=[(np.array([0, 1, 1, 0, 1]),), (np.array([1, 1, 0]),)],
    hint_text=N_("A straight line through (0, −1) and (1, +1)."),
    solution_code="""
def my_labels(y01):
    return 2 * y01 - 1
""",
    mistakes=[
        (lambda y: y - 1.0, N_("That maps {0, 1} to {−1, 0}: class 1 would get label 0 and never contribute.")),
        (lambda y: 1.0 - 2.0 * y, N_("Right values, wrong way round: 0 should become −1 and 1 become +1.")),
    ],
)  # fmt: skip

hinge_subgradient = Exercise(
    title=N_("The subgradient of the hinge"),
    reference=lambda f, y: losses.hinge_grad(f, y),
    cases=_CASES,
    hint_text=N_("Where 1 − y f > 0 the loss is 1 − y f, whose derivative in f is −y; where 1 − y f < 0 "
    "it is 0. At the kink y f = 1 either value is a subgradient; PyTorch's `torch.clamp` takes −y, "
    "so use `<=`. Divide by N for the mean: `np.where(y * f <= 1, -y, 0) / len(f)`."),
    solution_code=N_("""
def my_hinge_grad(score, target):
    # at the kink (target * score == 1) this takes -target, as torch.clamp does
    return np.where(target * score <= 1, -target, 0.0) / len(score)
"""),
    mistakes=[
        (lambda f, y: np.where(y * f < 0, -y, 0.0) / len(f),
         N_("You stop pushing as soon as a sample is classified correctly (y f > 0); the hinge keeps "
         "pushing until the margin y f reaches 1.")),
    ],
)  # fmt: skip
