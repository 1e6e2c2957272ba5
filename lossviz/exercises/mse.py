"""Exercises of lesson 01, Mean Squared Error."""

import numpy as np

from .. import losses, surfaces
from ..i18n import N_
from . import Exercise

_rng = np.random.default_rng(1)
_PAIRS = [
    (_rng.normal(size=5), _rng.normal(size=5)),
    (np.array([3.0]), np.array([1.0])),
    (_rng.normal(size=12) * 10, _rng.normal(size=12) * 10),
]

implement_mse = Exercise(
    title=N_("Implement MSE"),
    reference=lambda pred, target: losses.mse(pred, target),
    cases=_PAIRS,
    hint_text=N_("Three steps, one line: the differences `pred - target`, squared element by element "
    "(`** 2`), then their mean (`np.mean`)."),
    solution_code="""
def my_mse(pred, target):
    return np.mean((pred - target) ** 2)
""",
    mistakes=[
        (lambda p, t: np.sqrt(np.mean((p - t) ** 2)),
         N_("That is the root mean squared error (RMSE): MSE has no square root.")),
        (lambda p, t: np.mean(np.abs(p - t)),
         N_("That is the mean *absolute* error: square each difference instead of taking |.|.")),
        (lambda p, t: np.mean(p - t),
         N_("You averaged the differences without squaring them, so errors of opposite sign cancel.")),
        (lambda p, t: np.mean(p - t) ** 2,
         N_("You squared the mean error; square each error first, then take the mean.")),
    ],
)  # fmt: skip

implement_mse_grad = Exercise(
    title=N_("The gradient of MSE"),
    reference=lambda pred, target: losses.mse_grad(pred, target),
    cases=_PAIRS,
    hint_text=N_("Differentiate (1/n) Σ (ŷ_i − y_i)² with respect to one ŷ_k: only the k-th term "
    "depends on it, and the chain rule brings down a 2. The answer has the shape of `pred`."),
    solution_code="""
def my_mse_grad(pred, target):
    return 2 * (pred - target) / pred.size
""",
    mistakes=[
        (lambda p, t: 2 * (p - t) / p.size**2, N_("You divided by n twice: the gradient has one 1/n.")),
        (lambda p, t: np.full_like(p, np.mean(2 * (p - t))),
         N_("You returned the same number for every prediction; each ŷ_k has its own partial derivative.")),
    ],
)  # fmt: skip

best_line = Exercise(
    title=N_("The best line in closed form"),
    reference=lambda x, y: surfaces.best_fit_line(x, y),
    cases=[
        (np.linspace(-2, 3, 9), 1.5 * np.linspace(-2, 3, 9) - 0.5 + np.sin(np.arange(9))),
        (np.array([0.0, 1.0, 2.0, 4.0]), np.array([1.0, 3.0, 2.0, 7.0])),
    ],
    hint_text=N_("Set ∂L/∂b = 0 to get b = ȳ − w x̄, put it into ∂L/∂w = 0, and you find "
    "w = mean((x − x̄)(y − ȳ)) / mean((x − x̄)²). Return `(w, b)`."),
    solution_code="""
def my_best_line(x, y):
    dx, dy = x - x.mean(), y - y.mean()
    w = np.mean(dx * dy) / np.mean(dx * dx)
    b = y.mean() - w * x.mean()
    return w, b
""",
    mistakes=[
        (lambda x, y: surfaces.best_fit_line(x, y)[::-1], N_("You returned (b, w): return the slope w first.")),
        (lambda x, y: (np.sum(x * y) / np.sum(x * x), 0.0),
         N_("That line is forced through the origin (b = 0): centre x and y first, and solve for b too.")),
    ],
)  # fmt: skip

best_constant = Exercise(
    title=N_("The best constant prediction"),
    reference=lambda y: float(np.mean(y)),
    cases=[(np.array([1.0, 2.0, 2.0, 10.0]),), (np.array([-3.0, 0.5, 4.0]),)],
    hint_text=N_("If the model predicts the same c for every sample, L(c) = (1/n) Σ (c − y_i)². "
    "Set dL/dc = 0 and solve for c."),
    solution_code="""
def my_best_constant(y):
    return np.mean(y)
""",
    mistakes=[
        (lambda y: float(np.median(y)),
         N_("That is the median: it minimises the mean *absolute* error. MSE is minimised by another average.")),
    ],
)  # fmt: skip
