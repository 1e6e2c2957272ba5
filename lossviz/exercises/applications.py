"""Exercises of lesson 05, Applications: one per part."""

import numpy as np

from .. import boxes, ctc, gan
from ..i18n import N_
from . import Exercise

_rng = np.random.default_rng(5)

accuracy = Exercise(
    title=N_("Accuracy from logits"),
    reference=lambda logits, target: float(np.mean(np.argmax(logits, axis=1) == target)),
    cases=[(_rng.normal(size=(12, 10)), _rng.integers(0, 10, 12)), (_rng.normal(size=(7, 3)), _rng.integers(0, 3, 7))],
    hint_text=N_("The predicted class of each row is the index of its largest logit: `np.argmax(logits, axis=1)`. "
    "Compare with `target` and average the matches."),
    solution_code="""
def my_accuracy(logits, target):
    return np.mean(np.argmax(logits, axis=1) == target)
""",
    mistakes=[(lambda z, y: float(np.mean(np.argmax(z, axis=0)[: len(y)] == y)),
               N_("You took the argmax down each column (over samples); each *row* is one sample: use `axis=1`."))],
)  # fmt: skip

_BOX_PAIRS = [
    (np.array([0.0, 0.0, 2.0, 2.0]), np.array([1.0, 1.0, 3.0, 3.0])),
    (np.array([0.0, 0.0, 2.0, 2.0]), np.array([3.0, 0.0, 5.0, 2.0])),   # disjoint
    (np.array([0.0, 0.0, 4.0, 4.0]), np.array([1.0, 1.0, 2.0, 3.0])),   # inside
    (np.array([0.0, 0.0, 1.0, 1.0]), np.array([2.0, 2.0, 3.0, 3.0])),   # apart in x and y: w, h < 0
]


def _iou_clamp_product(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0.0, w * h)  # w < 0 and h < 0 give a positive product
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _iou_without_clamp(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _iou_sum_of_areas(a, b):
    inter = max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]))


box_iou = Exercise(
    title=N_("IoU of two boxes"),
    reference=lambda a, b: float(boxes.iou(a[None], b[None])[0]),
    cases=_BOX_PAIRS,
    hint_text=N_("The overlap is a box too: left = max of the lefts, right = min of the rights (same for top "
    "and bottom); its width and height are 0 if negative. Union = area A + area B − overlap."),
    solution_code="""
def my_iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union
""",
    mistakes=[
        (_iou_clamp_product, N_("You clamped the product w * h at 0, but for boxes apart on both axes "
         "w and h are both negative and their product is positive. Clamp each side: "
         "max(0, w) * max(0, h).")),
        (_iou_without_clamp, N_("For boxes that do not overlap, the overlap's width is negative: clamp it at 0.")),
        (_iou_sum_of_areas, N_("The union counts the overlap once: area A + area B − overlap.")),
    ],
)  # fmt: skip


def _paths():
    out = []
    for path in ([0, 1, 1, 0, 1, 2, 2, 0], [3, 3, 3, 0, 0, 2, 1, 1], [0, 0, 0], [2, 0, 2, 2, 0, 2]):
        out.append((np.log(np.eye(4)[path] * 0.9 + 0.025),))
    return out


def _decode_blanks_first(log_probs):
    best = [int(s) for s in np.argmax(log_probs, axis=-1) if s != 0]
    return [s for i, s in enumerate(best) if i == 0 or s != best[i - 1]]


greedy_ctc = Exercise(
    title=N_("Greedy CTC decoding"),
    reference=lambda lp: ctc.greedy_decode(lp),
    cases=_paths(),
    hint_text=N_("Take the argmax symbol of each frame, merge runs of the same symbol into one, *then* drop the "
    "blanks (symbol 0). The order matters."),
    solution_code="""
def my_decode(log_probs):
    best = np.argmax(log_probs, axis=-1)
    merged = [s for i, s in enumerate(best) if i == 0 or s != best[i - 1]]
    return [int(s) for s in merged if s != 0]
""",
    mistakes=[(_decode_blanks_first,
               N_("You dropped the blanks before merging repeats, so `a - a` became one `a`: merge first, "
               "then drop the blanks."))],
)  # fmt: skip

perplexity = Exercise(
    title=N_("Perplexity from cross-entropy"),
    reference=lambda token_losses: float(np.exp(np.mean(token_losses))),
    cases=[(np.array([0.1, 0.5, 2.0, 0.05]),), (np.array([1.0, 1.0, 1.0]),)],
    hint_text=N_("Perplexity is e to the power of the mean cross-entropy per token (natural log), "
    "the number of equally likely tokens the model is choosing between."),
    solution_code="""
def my_perplexity(token_losses):
    return np.exp(np.mean(token_losses))
""",
    mistakes=[
        (lambda l: float(2 ** np.mean(l)), N_("Cross-entropy in PyTorch uses the natural log: use e, not 2.")),
        (lambda l: float(np.mean(np.exp(l))), N_("Exponentiate the *mean* loss, not each token's loss.")),
    ],
)  # fmt: skip

nonsaturating = Exercise(
    title=N_("The non-saturating generator loss"),
    reference=lambda a: gan.generator_loss_nonsaturating(a),
    cases=[(np.array([-3.0, 0.5, 2.0]),), (np.array([-800.0, -20.0, 1.0]),)],
    hint_text=N_("−log sigmoid(a) = log(1 + e^(−a)), and `np.logaddexp(0, -a)` computes it without overflow. "
    "Average over the samples."),
    solution_code="""
def my_generator_loss(logit):
    return np.mean(np.logaddexp(0, -logit))
""",
    mistakes=[(lambda a: gan.generator_loss_minimax(a),
               N_("That is the minimax loss log(1 − D(G(z))), which saturates; the non-saturating one is −log D(G(z))."))],
)  # fmt: skip
