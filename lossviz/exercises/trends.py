"""Exercises of lesson 06a, Trends in loss design (lesson 06b's are in ``challenges``)."""

import numpy as np

from dataclasses import dataclass, field

from .. import losses, robust
from ..i18n import N_, _
from . import Exercise, Feedback, _typed_match


@dataclass
class _ValueExercise(Exercise):
    """A value exercise that also knows wrong *values* by name (``wrong_values``: value, message),
    tried after the right answer and before the generic factor message ("twice the right ...")."""

    wrong_values: list[tuple[float, str]] = field(default_factory=list)

    def _check_value(self, answer) -> Feedback:
        want = self.reference()
        if isinstance(answer, (int, float, np.number)) and not (_typed_match(answer, want) or np.isclose(answer, want, rtol=self.rtol)):
            for value, message in self.wrong_values:
                if _typed_match(answer, value) or np.isclose(answer, value, rtol=self.rtol):
                    return Feedback(False, _(message))
        return super()._check_value(answer)


_rng = np.random.default_rng(6)

focal_loss = Exercise(
    title=N_("The focal loss"),
    reference=lambda z, y: robust.focal(z, y, gamma=2.0),
    cases=[(_rng.normal(size=(6, 3)) * 2, _rng.integers(0, 3, 6)), (np.array([[50.0, 0.0], [0.0, 50.0]]), np.array([0, 0]))],
    hint_text=N_("Take log p of the true class with a stable log-softmax, then weight it by (1 − p)²: "
    "`-np.mean((1 - np.exp(log_p)) ** 2 * log_p)`."),
    solution_code="""
def my_focal(logits, target, gamma=2.0):
    m = logits.max(axis=1, keepdims=True)
    log_p = (logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True)))[np.arange(len(target)), target]
    return -np.mean((1 - np.exp(log_p)) ** gamma * log_p)
""",
    mistakes=[(lambda z, y: losses.cross_entropy(z, y),
               N_("That is plain cross-entropy: multiply each sample's loss by (1 − p)^γ to quiet the easy ones."))],
)  # fmt: skip

best_noise_level = _ValueExercise(
    title=N_("What uncertainty weighting learns"),
    reference=lambda: 0.25,
    cases=[()],
    hint_text=N_("Minimise exp(−s)·L/2 + s/2 over s = log σ²: set the derivative −exp(−s)·L/2 + 1/2 to zero."),
    solution_code=N_("""
answer = 0.25   # exp(s) = L: the learned variance equals the task's mean squared error
"""),
    wrong_values=[
        (0.5, N_("0.5 is σ = √0.25, the noise level (a standard deviation). The question asks for the "
              "variance σ² = exp(s), and at the optimum σ² = L itself.")),
        (0.0625, N_("0.0625 = 0.25² would be σ² if σ were 0.25. The optimum sets the variance σ² = exp(s) "
                 "equal to the loss L, so σ = √L, not L.")),
        (float(np.log(0.25)), N_("That is s = log σ², the parameter the model learns. The question asks for σ² = exp(s).")),
    ],
)
