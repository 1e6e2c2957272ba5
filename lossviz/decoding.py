"""Decoding a sequence model, and scoring what it says: greedy search, beam search and BLEU
(lesson 05d).

**The step function.** A decoder that emits one token at a time is, for decoding, a function

    step(state, tokens) -> (log_probs, new_state)

that takes the state of B partial translations (hypotheses) and the last token of each
(``tokens``, B integers; the first call gets ``<bos>``), and returns the log-probabilities of
the next token, ``log_probs`` of shape (B, V), with the state after reading ``tokens``. The state
(a hidden vector, a NumPy array, a tensor) must index its hypotheses along its first axis:
beam search keeps, drops and copies hypotheses with ``state[rows]``. For a GRU decoder whose
hidden state ``h`` is (1, B, H), pass ``h[0]``; inside ``step`` restore the layer axis with
``h[None]``.

**What is searched.** A translation ``y = (y1, ..., yL)`` ends at its first ``<eos>``, which it
includes, or after ``max_len`` tokens if it has none. Its log-probability is
``log p(y | x) = sum_t log p(y_t | y_<t, x)``. Both searches return the tokens before
``<eos>`` and that sum.

- :func:`greedy` takes the most probable token at every step (beam width 1). PyTorch has no
  built-in; it is ``logits.argmax(-1)`` fed back, one step at a time.
- :func:`beam_search` keeps the ``width`` best hypotheses at every step, ranked by
  ``log p(y | x) / L**alpha`` (``alpha = 0``: the plain sum, which favours short translations;
  ``alpha = 1``: the mean log-probability per token). A hypothesis that has emitted ``<eos>``
  stays in the beam, unchanged, and competes with the extensions of the others; the search ends
  when every hypothesis in the beam has ended, or after ``max_len`` steps, and returns the best
  of the beam. With ``alpha = 0`` it also stops as soon as an ended hypothesis beats every open
  one (log-probabilities only fall as a sequence grows, so none could overtake it). Width 1 is
  greedy search; a width at least the number of all sequences is an exhaustive search. Neither
  search is guaranteed to find the most probable sequence, and a wider beam is not guaranteed to
  find a more probable one than a narrower beam. Libraries implement variants (Hugging Face's
  ``model.generate(num_beams=K, length_penalty=alpha)`` divides by a power of the length too),
  which differ in how ended hypotheses are kept and when the search stops.

**BLEU** (Papineni, Roukos, Ward and Zhu, "BLEU: a method for automatic evaluation of machine
translation", ACL 2002), at corpus level: for n = 1..N, the modified n-gram precision

    p_n = sum over sentences, over the candidate's n-grams, of
              min(count, its largest count in a single reference)
          / sum over sentences of the number of n-grams in the candidate,

the brevity penalty ``BP = 1 if c > r else exp(1 - r/c)``, with ``c`` the total candidate
length and ``r`` the sum over sentences of the reference length closest to the candidate's
(the shorter on a tie: sacrebleu's and nltk's convention; the paper names no rule), and
``BLEU = BP * exp(sum_n log(p_n) / N)``, N = 4. The counts are summed over the corpus *before*
dividing, so BLEU is not the mean of sentence BLEUs. A sentence shorter than n words has no
n-grams; if no candidate has any, ``p_n = 0/0``, taken as 0 here
(and BLEU is then 0), which is why sentence-level BLEU of short sentences needs a smaller
maximum n (an effective order); smoothing (Chen and Cherry, "A systematic comparison of
smoothing techniques for sentence-level BLEU", 2014, compare seven methods) handles orders that
have n-grams but no match. None is applied here. Library equivalent:
``sacrebleu.corpus_bleu(hyps, [refs], tokenize="none", smooth_method="none").score / 100`` on
space-joined tokens (its defaults tokenise and smooth; ``tests/test_decoding.py`` holds this
function to its numbers). ``nltk.translate.bleu_score.corpus_bleu`` differs on short sentences:
it counts an order with no n-gram in a sentence as one n-gram (``max(1, count)``), which lowers
p_n when a corpus has sentences shorter than n.
"""

from __future__ import annotations

import math
import numbers
from collections import Counter

import numpy as np

from . import checks
from .i18n import _


def _positive_int(value, name: str, fn: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(
            _("{fn}: {name} must be a positive whole number, but got {value!r}.").format(
                fn=fn, name=name, value=value)
        )
    return int(value)


def _token(value, name: str, fn: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(
            _("{fn}: {name} must be a token index (a whole number >= 0), but got {value!r}.").format(
                fn=fn, name=name, value=value)
        )
    return int(value)


def _call(step, state, tokens, fn: str):
    """One call of the step function, its log-probabilities checked and as float64 (B, V)."""
    out = step(state, tokens)
    if not (isinstance(out, tuple) and len(out) == 2):
        raise ValueError(
            _("{fn}: step(state, tokens) must return a pair (log_probs, new_state), but it "
              "returned {type}.").format(fn=fn, type=type(out).__name__)
        )
    log_probs = checks.as_float_array(out[0], "the log_probs that step returned", fn, allow_nonfinite=True)
    if log_probs.ndim != 2 or log_probs.shape[0] != len(tokens):
        raise ValueError(
            _("{fn}: step must return log_probs of shape (B, V), one row per hypothesis, but for B "
              "= {n_tokens} tokens it returned shape {shape}. For one hypothesis return shape (1, "
              "V), not (V,).").format(
                fn=fn, n_tokens=len(tokens), shape=checks._shape(log_probs.shape))
        )
    if np.isnan(log_probs).any() or (log_probs > 1e-6).any():
        raise ValueError(
            _("{fn}: step must return log-probabilities (<= 0, -inf allowed, no NaN); apply "
              "log_softmax to the logits.").format(fn=fn)
        )
    return log_probs, out[1]


def greedy(step, state, bos: int, eos: int, max_len: int):
    """Greedy decoding of a batch: at every step the most probable token, fed back.

    ``state`` holds N sources along its first axis. Returns ``(sequences, log_probs)``: N lists
    of tokens (without ``<eos>``) and the log-probability of each sequence, ``<eos>`` included.
    """
    fn = "decoding.greedy"
    bos, eos, max_len = _token(bos, "bos", fn), _token(eos, "eos", fn), _positive_int(max_len, "max_len", fn)
    n = len(state)
    tokens = np.full(n, bos)
    done = np.zeros(n, bool)
    seqs: list[list[int]] = [[] for _ in range(n)]
    total = np.zeros(n)
    for _ in range(max_len):
        log_probs, state = _call(step, state, tokens, fn)
        tokens = log_probs.argmax(axis=1)
        total += np.where(done, 0.0, log_probs[np.arange(n), tokens])
        for i in np.flatnonzero(~done & (tokens != eos)):
            seqs[i].append(int(tokens[i]))
        done |= tokens == eos
        if done.all():
            break
    return seqs, total


def beam_search(step, state, bos: int, eos: int, width: int, max_len: int, alpha: float = 0.0):
    """Beam search for one source: the ``width`` best hypotheses kept at every step.

    ``state`` holds the one source along its first axis (length 1). Hypotheses are ranked by
    ``log p / L**alpha``, L the number of tokens including ``<eos>`` (see the module docstring).
    Returns ``(tokens, log_prob)``: the best hypothesis without ``<eos>``, and its
    log-probability (not divided by ``L**alpha``).
    """
    fn = "decoding.beam_search"
    bos, eos = _token(bos, "bos", fn), _token(eos, "eos", fn)
    width, max_len = _positive_int(width, "width", fn), _positive_int(max_len, "max_len", fn)
    if not isinstance(alpha, numbers.Real) or not 0 <= alpha < math.inf:
        raise ValueError(
            _("{fn}: alpha (the length normalisation) must be a number >= 0, but got {alpha!r}; 0 "
              "ranks by the sum of log-probabilities.").format(fn=fn, alpha=alpha)
        )
    if len(state) != 1:
        raise ValueError(
            _("{fn}: state must hold one source (first axis of length 1), but it has {n_state}; "
              "call beam_search once per source, with state[i:i + 1].").format(
                fn=fn, n_state=len(state))
        )
    open_seqs, open_lp = [[]], np.zeros(1)   # hypotheses still growing; their states are `state`
    ended: list[tuple[list[int], float]] = []  # hypotheses that emitted <eos> (<eos> not stored)
    for t in range(1, max_len + 1):
        last = np.array([s[-1] if s else bos for s in open_seqs])
        log_probs, new_state = _call(step, state, last, fn)
        cand = open_lp[:, None] + log_probs                       # (open, V): every extension
        ranked = np.concatenate([cand.ravel() / t**alpha,
                                 [lp / (len(s) + 1) ** alpha for s, lp in ended]])  # fmt: skip
        keep = np.argsort(-ranked, kind="stable")[:width]
        V = log_probs.shape[1]
        rows, seqs, lps, still_ended = [], [], [], []
        for k in keep:
            if k >= cand.size:                                    # an ended hypothesis, kept as it is
                still_ended.append(ended[k - cand.size])
                continue
            row, token = divmod(int(k), V)
            if token == eos:
                still_ended.append((open_seqs[row], float(cand[row, token])))
            else:
                rows.append(row)
                seqs.append(open_seqs[row] + [token])
                lps.append(cand[row, token])
        ended, open_seqs, open_lp = still_ended, seqs, np.array(lps)
        if not open_seqs:
            break
        state = new_state[rows]                                   # a list: NumPy arrays and tensors alike
        if alpha == 0 and ended and open_lp.max() < max(lp for _, lp in ended):
            break
    beam = ended + [(s, float(lp)) for s, lp in zip(open_seqs, open_lp)]
    length = [len(s) + (1 if i < len(ended) else 0) for i, (s, _) in enumerate(beam)]
    best = max(range(len(beam)), key=lambda i: (beam[i][1] / length[i] ** alpha, -i))
    return beam[best][0], beam[best][1]


def ngrams(tokens, n: int) -> Counter:
    """The n-grams of one sequence, counted:
    ``ngrams("a b a b".split(), 2) == {("a", "b"): 2, ("b", "a"): 1}``."""
    tokens = list(tokens)
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _corpus(candidates, references, fn):
    candidates, references = list(candidates), list(references)
    if len(candidates) != len(references):
        raise ValueError(
            _("{fn}: there are {n_candidates} candidates but {n_references} reference lists; give "
              "one list of references per candidate.").format(
                fn=fn, n_candidates=len(candidates), n_references=len(references))
        )
    if not candidates:
        raise ValueError(
            _("{fn}: candidates is empty; give at least one candidate translation.").format(fn=fn)
        )
    for i, refs in enumerate(references):
        if isinstance(refs, str) or not refs or isinstance(list(refs)[0], (str, numbers.Integral)):
            raise ValueError(
                _("{fn}: references[{i}] must be a list of reference translations, each a list of "
                  "tokens, but it is {refs!r}. With one reference per candidate, wrap each: "
                  "references = [[ref] for ref in refs].").format(fn=fn, i=i, refs=refs)
            )
    for i, cand in enumerate(candidates):
        if isinstance(cand, str):
            raise ValueError(
                _("{fn}: candidates[{i}] is a string; give a list of tokens, such as "
                  "{cand!r}.split().").format(fn=fn, i=i, cand=cand)
            )
    return [list(c) for c in candidates], [[list(r) for r in refs] for refs in references]


def modified_precision(candidates, references, n: int):
    """Corpus modified n-gram precision as ``(clipped matches, candidate n-grams)``: each
    candidate n-gram counts at most its largest count in a single reference."""
    fn = "decoding.modified_precision"
    n = _positive_int(n, "n", fn)
    candidates, references = _corpus(candidates, references, fn)
    matched = total = 0
    for cand, refs in zip(candidates, references):
        counts = ngrams(cand, n)
        most = Counter()
        for ref in refs:
            most |= ngrams(ref, n)                                 # max count over the references
        matched += sum(min(c, most[g]) for g, c in counts.items())
        total += sum(counts.values())
    return matched, total


def corpus_bleu(candidates, references, max_n: int = 4):
    """Corpus BLEU (Papineni et al. 2002), no smoothing, as a fraction in [0, 1].

    ``candidates``: a list of token lists; ``references``: for each candidate, a list of
    reference token lists. Returns a dict: ``bleu``, ``precisions`` (p_1..p_N),
    ``brevity_penalty``, ``c`` (candidate length) and ``r`` (effective reference length).
    """
    fn = "decoding.corpus_bleu"
    max_n = _positive_int(max_n, "max_n", fn)
    candidates, references = _corpus(candidates, references, fn)
    precisions = []
    for n in range(1, max_n + 1):
        matched, total = modified_precision(candidates, references, n)
        precisions.append(matched / total if total else 0.0)     # 0/0: no n-gram of this order
    c = sum(len(cand) for cand in candidates)
    r = sum(min((abs(len(ref) - len(cand)), len(ref)) for ref in refs)[1]
            for cand, refs in zip(candidates, references))  # fmt: skip
    bp = 1.0 if c > r else (math.exp(1 - r / c) if c else 0.0)
    bleu = bp * math.exp(sum(math.log(p) for p in precisions) / max_n) if min(precisions) > 0 else 0.0
    return {"bleu": bleu, "precisions": precisions, "brevity_penalty": bp, "c": c, "r": r}
