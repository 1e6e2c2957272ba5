"""Exercises of lesson 02, Cross-Entropy."""

import numpy as np

from .. import losses
from ..i18n import N_, _
from . import Exercise, Feedback, _describe

_rng = np.random.default_rng(2)
_LOGITS = [
    (_rng.normal(size=(4, 3)) * 2, np.array([0, 2, 1, 2])),
    (np.array([[1000.0, 999.0, 998.0], [3.0, 1.0, 2.0]]), np.array([0, 2])),  # exp(1000) overflows
    (np.array([[1000.0, 0.0, -1000.0], [5.0, 5.0, 5.0]]), np.array([1, 0])),  # e^(0 - 1000) underflows
    (_rng.normal(size=(6, 5)), np.array([4, 0, 1, 2, 3, 3])),
]

_UNDERFLOW = N_(
    "Your loss is inf on input {case}, where the right answer is finite: softmax underflows. "
    "The true class's logit is far below the largest one, so its probability e^(z_c − max) rounds to 0 "
    "and log(0) = −inf. Subtracting the maximum prevents overflow, not this. Never take log(softmax(z)): "
    "compute log-softmax directly, z − m − log(sum(exp(z − m))) (log-sum-exp), as `torch.log_softmax` does."
)


def _log_of_stable_softmax(z, y):
    with np.errstate(divide="ignore"):
        return -np.mean(np.log(losses.softmax(z)[np.arange(len(y)), y]))


class _NamesUnderflow(Exercise):
    """Names log(0) from an underflowing softmax, which the generic NaN/inf message calls overflow.

    The generic check runs before the known mistakes, so this one is looked for first: the answer
    is +inf where log(stable softmax) is +inf too, i.e. a true-class probability rounded to 0.
    """

    def _compare(self, want, got, case, fn=None):
        if fn is not None and case and np.isfinite(want) and _is_plus_inf(got):
            if _is_plus_inf(_log_of_stable_softmax(*case)):
                return Feedback(False, _(_UNDERFLOW).format(case=_describe(case)))
        return super()._compare(want, got, case, fn)


def _is_plus_inf(value) -> bool:
    try:
        if hasattr(value, "detach"):  # a torch tensor
            value = value.detach().cpu().numpy()
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, RuntimeError):
        return False
    return arr.shape == () and bool(arr == np.inf)


stable_softmax = Exercise(
    title=N_("A softmax that does not overflow"),
    reference=lambda z: losses.softmax(z),
    cases=[(z,) for z, _ in _LOGITS],
    hint_text=N_("softmax(z) = softmax(z − c) for any constant c. Subtract each row's maximum "
    "(`z.max(axis=-1, keepdims=True)`) before `np.exp`, then divide by the row sums."),
    solution_code="""
def my_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
""",
    mistakes=[
        (lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(),
         N_("Your probabilities sum to 1 over the whole matrix; each *row* (one sample) must sum to 1: "
         "use `axis=-1, keepdims=True`.")),
        (lambda z: np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0),
         N_("You normalised each column; each *row* (one sample, C classes) must sum to 1.")),
    ],
)  # fmt: skip

cross_entropy_from_logits = _NamesUnderflow(
    title=N_("Cross-entropy from logits and class indices"),
    reference=lambda z, y: losses.cross_entropy(z, y),
    cases=_LOGITS,
    hint_text=N_("Use log-softmax, never log(softmax): `z - m - log(sum(exp(z - m)))` with m the row "
    "maximum (log(softmax) gives log(0) = −inf when a probability underflows to 0). Then pick each row's true class with `logp[np.arange(len(y)), y]`, negate and average."),
    solution_code="""
def my_cross_entropy(logits, target):
    m = logits.max(axis=1, keepdims=True)
    log_p = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    return -np.mean(log_p[np.arange(len(target)), target])
""",
    mistakes=[
        (lambda z, y: -np.mean(np.log(z[np.arange(len(y)), y])),
         N_("You took the log of the logits themselves; logits are not probabilities: apply log-softmax first.")),
        (lambda z, y: -np.mean(losses.softmax(z)[np.arange(len(y)), y]),
         N_("You averaged the probabilities of the true classes without the log.")),
        (lambda z, y: -np.mean(losses.log_softmax(z)),
         N_("You averaged the log-probabilities of every class; pick only the true class of each row.")),
    ],
)  # fmt: skip

cross_entropy_gradient = Exercise(
    title=N_("The gradient with respect to the logits"),
    reference=lambda z, y: losses.cross_entropy_grad(z, y),
    cases=_LOGITS,
    hint_text=N_("dL/dz = (softmax(z) − onehot(y)) / N for the mean over N samples. Build the one-hot "
    "matrix with `np.eye(C)[y]`."),
    solution_code="""
def my_cross_entropy_grad(logits, target):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return (p - np.eye(logits.shape[1])[target]) / len(target)
""",
    mistakes=[
        (lambda z, y: losses.softmax(z) - np.eye(z.shape[1])[y],
         N_("That is the gradient of the *sum* over samples: divide by N for the mean.")),
    ],
)  # fmt: skip

uniform_loss = Exercise(
    title=N_("The loss of a model that knows nothing"),
    reference=lambda: float(np.log(10)),
    cases=[()],
    hint_text=N_("An untrained model gives every one of the 10 classes probability 1/10. "
    "The loss is −log of the true class's probability, with the natural log."),
    solution_code=N_("""
answer = np.log(10)   # ≈ 2.303: the loss to expect at the first step of training on 10 classes
"""),
)
