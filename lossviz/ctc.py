"""Connectionist temporal classification (CTC) in NumPy: the forward algorithm behind
``nn.CTCLoss``, the alignment lattice it sums over, and decoding: greedy (best path), prefix beam
search, the label runs of a path (is it peaky?) and the edit distance that scores a decoding
(lesson 05c).

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
from .i18n import N_, _


def _logsumexp(*terms):
    stacked = np.stack(terms)
    m = stacked.max(axis=0)
    safe = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return safe + np.log(np.exp(stacked - safe).sum(axis=0))


def _inputs(log_probs, target, blank, fn):
    lp = checks.as_float_array(log_probs, "log_probs", fn, allow_nonfinite=True)
    checks.check_ndim(lp, 2, "log_probs", fn, N_("(T frames, C symbols)"))
    if np.isnan(lp).any() or np.isposinf(lp).any():
        raise ValueError(
            _("{fn}: log_probs must be log-probabilities (<= 0, -inf allowed), without NaN or +inf.").format(
                fn=fn)
        )
    tgt = checks.as_index_array(target, "target", fn) if np.size(target) else np.zeros(0, np.int64)
    if tgt.ndim != 1:
        raise ValueError(
            _("{fn}: target must be one sequence of symbol indices, shape (S,), not {shape}.").format(
                fn=fn, shape=tgt.shape)
        )
    if np.any(tgt == blank) or np.any(tgt < 0) or np.any(tgt >= lp.shape[1]):
        raise ValueError(
            _("{fn}: target symbols must lie in 0..{value} and never be the blank ({blank}).").format(
                fn=fn, value=lp.shape[1] - 1, blank=blank)
        )
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
    checks.check_ndim(lp, 3, "log_probs", "ctc.loss", N_("(T frames, N sequences, C symbols)"))
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


def label_runs(path, blank: int = 0) -> list[tuple[int, int, int]]:
    """The runs of one symbol in a frame-level path, blank runs left out: ``(symbol, first frame, width)``.

    ``label_runs([0, 2, 2, 0, 2, 3]) == [(2, 1, 2), (2, 4, 1), (3, 5, 1)]``. Each run is one label
    of :func:`collapse` (``len(label_runs(p)) == len(collapse(p))``). A *peaky* CTC model emits
    every label as a run one frame wide, with blanks between.
    """
    path = np.asarray(path).ravel().astype(int)
    if path.size == 0:
        return []
    starts = np.flatnonzero(np.r_[True, path[1:] != path[:-1]])
    widths = np.diff(np.r_[starts, path.size])
    return [(int(path[s]), int(s), int(w)) for s, w in zip(starts, widths) if path[s] != blank]


def _log_probs_2d(log_probs, blank, fn):
    lp = checks.as_float_array(log_probs, "log_probs", fn, allow_nonfinite=True)
    checks.check_ndim(lp, 2, "log_probs", fn, N_("(T frames, C symbols)"))
    if np.isnan(lp).any() or np.isposinf(lp).any():
        raise ValueError(
            _("{fn}: log_probs must be log-probabilities (<= 0, -inf allowed), without NaN or +inf.").format(
                fn=fn)
        )
    if isinstance(blank, bool) or not isinstance(blank, (int, np.integer)) or not 0 <= blank < lp.shape[1]:
        raise ValueError(
            _("{fn}: blank must be a symbol index in 0..{value} (log_probs has {shape} symbols), "
              "not {blank!r}.").format(fn=fn, value=lp.shape[1] - 1, shape=lp.shape[1], blank=blank)
        )
    return lp


def prefix_beam_search(log_probs, beam_width: int = 8, blank: int = 0) -> list[tuple[list[int], float]]:
    """CTC prefix beam search: the most probable labellings found, best first, as ``(label, log p)``.

    Greedy (best-path) decoding, :func:`greedy_decode`, collapses the single most probable
    *path*; what is wanted is the most probable *labelling*,
    ``p(y | x) = sum over the paths pi with collapse(pi) = y of prod_t p_t(pi_t)``,
    and the two can differ. Two frames with ``p(-) = 0.6, p(a) = 0.4`` each: the best path
    ``--`` gives the empty label, p = 0.36, but ``a`` collects ``aa, a-, -a``: 0.16 + 0.24 + 0.24 = 0.64.

    The search reads the frames in order and keeps, after frame t, the ``beam_width`` most
    probable *prefixes* y (what frames 1..t collapse to), each with two probabilities: of the
    paths of frames 1..t that collapse to y and end in a blank, ``p_b(y)``, or in y's last label,
    ``p_nb(y)``. The split is needed because a repeated label needs a blank between: after
    ``a-`` another ``a`` starts a new label, after ``a`` it merges. Start: ``p_b(()) = 1``,
    ``p_nb(()) = 0``. For frame t with output probabilities ``p(k)``, from each kept prefix y
    (left: the values after frame t, which start at 0; right: those after frame t-1):

        blank:                     p_b(y)      += (p_b(y) + p_nb(y)) * p(-)
        y's last label l again:    p_nb(y)     += p_nb(y) * p(l)      (merged: "l l" -> "l")
                                   p_nb(y + l) += p_b(y) * p(l)       (after a blank: a new l)
        any other label k:         p_nb(y + k) += (p_b(y) + p_nb(y)) * p(k)

    then only the ``beam_width`` prefixes with the largest ``p_b + p_nb`` are kept. Everything is
    done in logs (sums by ``logaddexp``), so nothing underflows. If the beam keeps every prefix,
    nothing is lost: ``p_b(y) + p_nb(y)`` at the last frame is exactly ``p(y | x)``, the number
    :func:`forward` gives as ``exp(-loss)``, and the first labelling returned is the most probable
    one. A narrower beam may drop a prefix that would have grown into the best labelling; each
    score returned is then a lower bound on ``p(y | x)`` (the paths through dropped prefixes are
    missing). Without a language model, as here, it scores labellings by the network alone.

    ``log_probs`` (T, C) are log-softmax outputs; ``beam_width`` a positive integer.
    PyTorch has no CTC decoder; a production one with a lexicon and a language model is
    torchaudio's ``torchaudio.models.decoder.ctc_decoder``.

    References: Graves, Fernandez, Gomez and Schmidhuber, "Connectionist temporal classification",
    ICML 2006, section 3.2 (best-path and prefix-search decoding); Hannun, Maas, Jurafsky and Ng,
    DNNs", arXiv:1408.2873, 2014, Algorithm 1 (the beam with ``p_b`` and ``p_nb``). This is that
    algorithm without its language-model weight alpha, its word-insertion bonus beta, and its step
    that, when a prefix ``l+`` pruned at frame t-1 is grown again from ``l``, carries on the paths
    ``l+`` had at frame t-1; leaving that step out drops those paths, so the scores stay lower
    bounds.
    """
    fn = "ctc.prefix_beam_search"
    lp = _log_probs_2d(log_probs, blank, fn)
    if isinstance(beam_width, bool) or not isinstance(beam_width, (int, np.integer)) or beam_width < 1:
        raise ValueError(
            _("{fn}: beam_width must be a positive integer (the number of prefixes kept per "
              "frame), not {beam_width!r}. Try beam_width=8.").format(fn=fn, beam_width=beam_width)
        )
    symbols = [k for k in range(lp.shape[1]) if k != blank]
    beams = {(): (0.0, -np.inf)}  # prefix -> (log p_b, log p_nb)
    for frame in lp:
        grown: dict[tuple, list[float]] = {}

        def add(prefix, which, value):
            entry = grown.setdefault(prefix, [-np.inf, -np.inf])
            entry[which] = np.logaddexp(entry[which], value)

        for prefix, (p_b, p_nb) in beams.items():
            total = np.logaddexp(p_b, p_nb)
            add(prefix, 0, total + frame[blank])
            for k in symbols:
                if prefix and k == prefix[-1]:
                    add(prefix, 1, p_nb + frame[k])
                    add(prefix + (k,), 1, p_b + frame[k])
                else:
                    add(prefix + (k,), 1, total + frame[k])
        alive = [item for item in grown.items() if np.logaddexp(*item[1]) > -np.inf]  # drop impossible ones
        ranked = sorted(alive, key=lambda item: -np.logaddexp(*item[1]))
        beams = {prefix: (p_b, p_nb) for prefix, (p_b, p_nb) in ranked[:beam_width]}
        if not beams:
            raise ValueError(
                _("{fn}: every path has probability 0 (a frame's log_probs are all -inf); give "
                  "log-softmax outputs, whose rows sum to 1 in probability.").format(fn=fn)
            )
    return [(list(prefix), float(np.logaddexp(p_b, p_nb))) for prefix, (p_b, p_nb) in beams.items()]


def beam_decode(log_probs, beam_width: int = 8, blank: int = 0) -> list[int]:
    """The best labelling :func:`prefix_beam_search` finds (its first entry's label)."""
    return prefix_beam_search(log_probs, beam_width, blank)[0][0]


def edit_distance(decoded, target) -> int:
    """Levenshtein distance: the fewest insertions, deletions and substitutions turning ``decoded``
    into ``target``. Summed over a test set and divided by the total target length it is the
    label error rate (the word or character error rate of speech recognition).

    ``d[i][j] = min(d[i-1][j] + 1, d[i][j-1] + 1, d[i-1][j-1] + [a_i != b_j])``,
    ``d[i][0] = i``, ``d[0][j] = j``. Equivalent: ``torchaudio.functional.edit_distance``.
    """
    a, b = [int(s) for s in np.asarray(decoded).ravel()], [int(s) for s in np.asarray(target).ravel()]
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        diag, row[0] = row[0], i
        for j, y in enumerate(b, start=1):
            diag, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diag + (x != y))
    return row[-1]
