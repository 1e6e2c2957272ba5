"""Connectionist temporal classification (CTC) in NumPy: the forward algorithm behind
``nn.CTCLoss``, the alignment lattice it sums over, and greedy decoding (lesson 05).

A model emits, at each of T frames, log-probabilities over C symbols, symbol 0 being the
*blank*. An alignment is a path of T symbols that collapses to the target (merge repeats, then
drop blanks: ``"aa-ab-" -> "aab"``; :func:`collapse`). CTC's loss is minus the log of the total
probability of all alignments, summed by dynamic programming over the extended target
``ext = - l1 - l2 - ... - lS -`` (2S+1 states):

    alpha[0, 0] = log_probs[0, blank],  alpha[0, 1] = log_probs[0, l1],  alpha[0, s>1] = -inf
    alpha[t, s] = logsumexp(alpha[t-1, s], alpha[t-1, s-1], alpha[t-1, s-2] if allowed)
                  + log_probs[t, ext[s]]
    loss = -logsumexp(alpha[T-1, 2S], alpha[T-1, 2S-1])

where the skip from s-2 is allowed unless ext[s] is a blank or repeats ext[s-2]
(between two equal symbols a blank is required). PyTorch: ``nn.CTCLoss(blank=0)``.
Reference: Graves, Fernandez, Gomez and Schmidhuber, "Connectionist temporal classification",
ICML 2006.
"""

from __future__ import annotations

import numpy as np

from . import checks


def _logsumexp(*terms):
    stacked = np.stack(terms)
    m = stacked.max(axis=0)
    safe = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return safe + np.log(np.exp(stacked - safe).sum(axis=0))


def _inputs(log_probs, target, blank, fn):
    lp = checks.as_float_array(log_probs, "log_probs", fn, allow_nonfinite=True)
    checks.check_ndim(lp, 2, "log_probs", fn, "(T frames, C symbols)")
    if np.isnan(lp).any() or np.isposinf(lp).any():
        raise ValueError(f"{fn}: log_probs must be log-probabilities (<= 0, -inf allowed), without NaN or +inf.")
    tgt = checks.as_index_array(target, "target", fn) if np.size(target) else np.zeros(0, np.int64)
    if tgt.ndim != 1:
        raise ValueError(f"{fn}: target must be one sequence of symbol indices, shape (S,), not {tgt.shape}.")
    if np.any(tgt == blank) or np.any(tgt < 0) or np.any(tgt >= lp.shape[1]):
        raise ValueError(f"{fn}: target symbols must lie in 0..{lp.shape[1] - 1} and never be the blank ({blank}).")
    ext = np.full(2 * len(tgt) + 1, blank)
    ext[1::2] = tgt
    return lp, ext


def _skip_allowed(ext, blank):
    allowed = np.zeros(len(ext), bool)
    allowed[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    return allowed


def forward(log_probs, target, blank: int = 0):
    """The CTC forward pass for one sequence: ``(loss, log_alpha)``.

    ``log_probs`` (T, C) are log-softmax outputs; ``target`` (S,) symbol indices without blanks.
    ``log_alpha`` (T, 2S+1) holds the log-probability of all partial alignments ending at each
    extended-target position at each frame. The loss is ``inf`` when T frames are too few.
    """
    lp, ext = _inputs(log_probs, target, blank, "ctc.forward")
    T, L = lp.shape[0], len(ext)
    skip = _skip_allowed(ext, blank)
    alpha = np.full((T, L), -np.inf)
    alpha[0, 0] = lp[0, ext[0]]
    if L > 1:
        alpha[0, 1] = lp[0, ext[1]]
    for t in range(1, T):
        prev = alpha[t - 1]
        stay = prev
        step = np.concatenate([[-np.inf], prev[:-1]])
        jump = np.where(skip, np.concatenate([[-np.inf, -np.inf], prev[:-2]])[:L], -np.inf)
        alpha[t] = _logsumexp(stay, step, jump) + lp[t, ext]
    total = _logsumexp(alpha[-1, -1], alpha[-1, -2]) if L > 1 else alpha[-1, -1]
    return float(-total), alpha


def backward(log_probs, target, blank: int = 0) -> np.ndarray:
    """``log_beta`` (T, 2S+1): log-probability of completing the alignment from each state."""
    lp, ext = _inputs(log_probs, target, blank, "ctc.backward")
    T, L = lp.shape[0], len(ext)
    skip = _skip_allowed(ext, blank)
    beta = np.full((T, L), -np.inf)
    beta[-1, -1] = lp[-1, ext[-1]]
    if L > 1:
        beta[-1, -2] = lp[-1, ext[-2]]
    skip_next = np.concatenate([skip[2:], [False, False]])[:L]  # may state s jump to s+2?
    for t in range(T - 2, -1, -1):
        nxt = beta[t + 1]
        step = np.concatenate([nxt[1:], [-np.inf]])
        jump = np.where(skip_next, np.concatenate([nxt[2:], [-np.inf, -np.inf]])[:L], -np.inf)
        beta[t] = _logsumexp(nxt, step, jump) + lp[t, ext]
    return beta


def occupation(log_probs, target, blank: int = 0) -> np.ndarray:
    """Probability (T, 2S+1) that an alignment passes through state s at frame t, ``gamma[t, s]``.

    Both ``alpha[t, s]`` and ``beta[t, s]`` include the frame's own emission ``p_t(ext[s])``
    (Graves et al., 2006), so it is divided out once:
    ``gamma[t, s] = alpha[t, s] * beta[t, s] / (p(target) * p_t(ext[s]))``.
    Each row (frame) sums to 1. :func:`lattice` gives the same numbers as they are drawn.
    """
    loss, alpha = forward(log_probs, target, blank)
    beta = backward(log_probs, target, blank)
    lp, ext = _inputs(log_probs, target, blank, "ctc.occupation")
    with np.errstate(invalid="ignore"):
        gamma = np.exp(alpha + beta - lp[:, ext] + loss)
    return np.nan_to_num(gamma)


def lattice(log_probs, target, blank: int = 0):
    """The alignment lattice as it is drawn: ``(grid, states)``.

    ``grid`` (2S+1, T) is :func:`occupation` transposed: one row per state of the extended target
    (top to bottom ``- l1 - l2 ... -``), one column per frame, so ``imshow(grid)`` puts the
    states on the y axis and time on the x axis. Each column sums to 1. ``states`` names the
    rows: ``"-"`` for a blank, the symbol index otherwise.
    """
    lp, ext = _inputs(log_probs, target, blank, "ctc.lattice")
    states = ["-" if s == blank else str(int(s)) for s in ext]
    return occupation(lp, target, blank).T, states


def loss(log_probs, targets, input_lengths, target_lengths, blank: int = 0, reduction: str = "mean"):
    """A batch, exactly as ``nn.CTCLoss(blank, reduction)(log_probs, targets, in_lens, tgt_lens)``.

    ``log_probs`` (T, N, C); ``targets`` (N, S) padded; "mean" divides each sequence's loss by its
    target length, then averages over the batch (PyTorch's definition).
    """
    checks.check_reduction(reduction, "ctc.loss")
    lp = checks.as_float_array(log_probs, "log_probs", "ctc.loss", allow_nonfinite=True)
    checks.check_ndim(lp, 3, "log_probs", "ctc.loss", "(T frames, N sequences, C symbols)")
    targets = checks.as_index_array(targets, "targets", "ctc.loss")
    per = np.array([forward(lp[: int(T), n], targets[n, : int(S)], blank)[0]
                    for n, (T, S) in enumerate(zip(input_lengths, target_lengths))])  # fmt: skip
    if reduction == "none":
        return per
    if reduction == "sum":
        return float(per.sum())
    return float(np.mean(per / np.maximum(np.asarray(target_lengths, float), 1.0)))


def collapse(path, blank: int = 0) -> list[int]:
    """CTC's many-to-one map B from a frame-level path to a label: merge repeats, then drop blanks.

    ``collapse([1, 1, 0, 2, 2]) == [1, 2]``; ``collapse([1, 0, 1]) == [1, 1]``, since the blank
    keeps two equal symbols apart. The order matters: dropping blanks first would merge them.
    """
    path = [int(s) for s in np.asarray(path).ravel()]
    merged = [s for i, s in enumerate(path) if i == 0 or s != path[i - 1]]
    return [s for s in merged if s != blank]


def greedy_decode(log_probs, blank: int = 0) -> list[int]:
    """The most likely symbol at each frame, collapsed (repeats merged, blanks dropped)."""
    return collapse(np.argmax(np.asarray(log_probs), axis=-1), blank)
