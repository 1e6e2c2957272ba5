"""Exercises of lesson 06, Trends and Challenges."""

import numpy as np

from .. import losses, robust
from . import Exercise

_rng = np.random.default_rng(6)

focal_loss = Exercise(
    title="The focal loss",
    reference=lambda z, y: robust.focal(z, y, gamma=2.0),
    cases=[(_rng.normal(size=(6, 3)) * 2, _rng.integers(0, 3, 6)), (np.array([[50.0, 0.0], [0.0, 50.0]]), np.array([0, 0]))],
    hint_text="Take log p of the true class with a stable log-softmax, then weight it by (1 − p)²: "
    "`-np.mean((1 - np.exp(log_p)) ** 2 * log_p)`.",
    solution_code="""
def my_focal(logits, target, gamma=2.0):
    m = logits.max(axis=1, keepdims=True)
    log_p = (logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True)))[np.arange(len(target)), target]
    return -np.mean((1 - np.exp(log_p)) ** gamma * log_p)
""",
    mistakes=[(lambda z, y: losses.cross_entropy(z, y),
               "That is plain cross-entropy: multiply each sample's loss by (1 − p)^γ to quiet the easy ones.")],
)  # fmt: skip

best_noise_level = Exercise(
    title="What uncertainty weighting learns",
    reference=lambda: 0.25,
    cases=[()],
    hint_text="Minimise exp(−s)·L/2 + s/2 over s = log σ²: set the derivative −exp(−s)·L/2 + 1/2 to zero.",
    solution_code="""
answer = 0.25   # exp(s) = L: the learned variance equals the task's mean squared error
""",
)
