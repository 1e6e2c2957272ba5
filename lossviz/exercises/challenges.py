"""Exercises of lesson 06b, Challenges: the variance that keeps a ReLU layer's scale, and a
filter-normalised direction for a loss-landscape slice."""

import numbers
from dataclasses import dataclass

import numpy as np

from ..i18n import N_, _
from . import Exercise, Feedback, _typed_match
from .trends import _ValueExercise


@dataclass
class _NearValueExercise(_ValueExercise):
    """A value exercise whose known wrong values are recognised within a relative tolerance
    ``wrong_rtol`` (5%), not only to the digits typed: 2/384 typed as 0.0052 (two figures, 0.16%
    off) still gets the message about Glorot's compromise. The right answer is still matched first,
    to the digits typed (three at least), and the known values here lie at least a third apart
    from each other and from it (``tests/test_exercises_trends.py`` checks it), so 5% is unambiguous.
    """

    wrong_rtol: float = 0.05

    def _check_value(self, answer) -> Feedback:
        want = self.reference()
        is_number = isinstance(answer, numbers.Real) and not isinstance(answer, bool) and np.isfinite(answer)
        if is_number and not (_typed_match(answer, want) or np.isclose(answer, want, rtol=self.rtol)):
            for value, message in self.wrong_values:
                if abs(float(answer) - value) <= self.wrong_rtol * abs(value):
                    return Feedback(False, _(message))
        return super()._check_value(answer)


kaiming_variance = _NearValueExercise(
    title=N_("The variance that keeps a ReLU layer's scale"),
    reference=lambda: 2 / 256,
    cases=[()],
    hint_text=N_("E[z²] = fan_in · Var(w) · E[x²], and after a ReLU E[x²] is half the previous layer's E[z²]. "
    "Which of 256 and 128 is fan_in for `nn.Linear(256, 128)`?"),
    solution_code=N_("""
answer = 2 / 256   # fan_in = 256 (the weight has shape (128, 256)); ReLU halves E[z²], so fan_in · Var(w) = 2
"""),
    wrong_values=[
        (1 / 256, N_("1/256 keeps the scale of a *linear* layer. A ReLU zeroes half of its inputs and halves "
                  "E[x²], so the variance must be twice that.")),
        (2 / 128, N_("2/128 uses fan_out: that keeps the *gradient's* scale on the backward pass. "
                  "`nn.Linear(256, 128)` has 256 inputs, and the forward pass sums over them.")),
        (2 / 384, N_("2/(256 + 128) is Glorot's compromise (Xavier), derived for tanh and linear layers; "
                  "the forward pass through a ReLU needs 2/fan_in.")),
        (float(np.sqrt(2 / 256)), N_("That is the standard deviation √(2/256). The question asks for the variance.")),
        (1 / 768, N_("1/(3 · 256) is PyTorch's default for nn.Linear: far too small for a deep ReLU network "
                  "(each layer multiplies E[z²] by 1/6).")),
    ],
)  # fmt: skip


def _filter_normalise(theta, d):
    return d * np.linalg.norm(theta, axis=1, keepdims=True) / np.linalg.norm(d, axis=1, keepdims=True)


_rng = np.random.default_rng(66)

filter_normalise = Exercise(
    title=N_("A filter-normalised direction"),
    reference=_filter_normalise,
    cases=[(_rng.normal(size=(4, 3)), _rng.normal(size=(4, 3))),
           (np.array([[3.0, 4.0], [0.0, 0.5], [1.0, 1.0]]) * 10, _rng.normal(size=(3, 2)))],
    hint_text=N_("Each row of the weight matrix is a filter. Give row i of d the norm of row i of theta: "
    "`np.linalg.norm(x, axis=1, keepdims=True)` is the norm of every row, shaped to broadcast."),
    solution_code="""
def my_filter_normalise(theta, d):
    return d * np.linalg.norm(theta, axis=1, keepdims=True) / np.linalg.norm(d, axis=1, keepdims=True)
""",
    mistakes=[
        (lambda t, d: d * np.linalg.norm(t) / np.linalg.norm(d),
         N_("That rescales the whole matrix at once (one norm for all of it). Filter normalisation rescales "
         "each row (filter) separately, so a layer whose rows differ in size keeps those differences.")),
        (lambda t, d: d / np.linalg.norm(d, axis=1, keepdims=True),
         N_("Each row now has norm 1. It should have the norm of the same row of theta.")),
        (lambda t, d: d * np.linalg.norm(t, axis=0, keepdims=True) / np.linalg.norm(d, axis=0, keepdims=True),
         N_("That normalises columns (axis=0). In a PyTorch weight of shape (fan_out, fan_in) a filter is a "
         "row: use axis=1.")),
    ],
)  # fmt: skip
