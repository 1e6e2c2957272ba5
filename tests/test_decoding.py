"""Greedy and beam search against an exhaustive search, and BLEU on cases worked by hand and the
numbers printed in Papineni et al. (2002)."""

import itertools
import math

import numpy as np
import pytest
import torch

from lossviz import decoding

EOS, A, B, BOS = 0, 1, 2, 3
BOS_4 = 4   # <bos> for the tables over four tokens (EOS, A, B, C)


def table_step(table, bos=BOS):
    """A step function from a table {prefix: probabilities of (EOS, A, B, ...)}; the state of a
    hypothesis is its prefix, one row of a 2-D int array (first axis: hypotheses)."""

    def step(state, tokens):
        prefixes = [tuple(int(t) for t in row if t != bos) + ((int(tok),) if tok != bos else ())
                    for row, tok in zip(state, tokens)]  # fmt: skip
        with np.errstate(divide="ignore"):
            log_probs = np.log(np.array([table(p) for p in prefixes], float))
        return log_probs, np.hstack([state, np.asarray(tokens)[:, None]])

    return step


def start():
    return np.zeros((1, 0), dtype=int)


# greedy takes A (0.6) and then A (0.55): p(A A) = 0.33; the most probable is B B: 0.4 * 0.9 = 0.36
TRAP = {(): [0, 0.6, 0.4], (A,): [0, 0.55, 0.45], (B,): [0, 0.1, 0.9]}


def trap(prefix):
    return TRAP.get(prefix, [1.0, 0.0, 0.0])  # after two words, <eos> for sure


def random_table(seed, V=3):
    def table(prefix):
        z = np.random.default_rng([seed, *prefix]).normal(size=V) * 1.5
        return np.exp(z) / np.exp(z).sum()

    return table


def exhaustive(step, max_len, V=3, alpha=0.0):
    """Every sequence the searches can return (ended by its first <eos> within max_len, or
    max_len tokens without one), scored by calling step along it: the best, ranked by
    log p / L**alpha."""
    best = None
    for L in range(1, max_len + 1):
        for seq in itertools.product(range(V), repeat=L):
            if EOS in seq[:-1] or (L < max_len and seq[-1] != EOS):
                continue
            state, lp, prev = start(), 0.0, BOS
            for tok in seq:
                log_probs, state = step(state, np.array([prev]))
                lp += log_probs[0, tok]
                prev = tok
            words = [t for t in seq if t != EOS]
            if best is None or lp / L**alpha > best[1] / best[2] ** alpha:
                best = (words, lp, L)
    return best[0], best[1]


def simple_beam(step, state, bos, eos, width, max_len, alpha=0.0):
    """A beam search written separately and plainly, one step call per hypothesis and no early
    stop: the beam is a list of (tokens, log p, ended, state); an ended hypothesis (<eos> counted
    in its length, not stored) is carried unchanged and competes with the others' extensions.
    Returns (tokens, log p, number of steps taken)."""
    beam = [([], 0.0, False, state)]
    steps = 0
    for t in range(1, max_len + 1):
        steps += 1
        cands = []
        for words, lp, ended, st in beam:
            if ended:
                cands.append((words, lp, True, st))
                continue
            log_probs, new = step(st, np.array([words[-1] if words else bos]))
            log_probs = np.asarray(log_probs, float)
            for tok in range(log_probs.shape[1]):
                if tok == eos:
                    cands.append((words, lp + log_probs[0, tok], True, None))
                else:
                    cands.append((words + [tok], lp + log_probs[0, tok], False, new))

        def score(c):
            return c[1] / (len(c[0]) + (1 if c[2] else 0)) ** alpha

        beam = sorted(cands, key=score, reverse=True)[:width]
        if all(c[2] for c in beam):
            break
    best = max(beam, key=lambda c: c[1] / (len(c[0]) + (1 if c[2] else 0)) ** alpha)
    return best[0], best[1], steps


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("width", [1, 2, 3, 5])
@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_beam_search_agrees_with_a_plain_beam_search(seed, width, alpha):
    step = table_step(random_table(seed, V=4), bos=BOS_4)
    words, lp = decoding.beam_search(step, start(), BOS_4, EOS, width=width, max_len=5, alpha=alpha)
    want_words, want_lp, _ = simple_beam(step, start(), BOS_4, EOS, width, 5, alpha)
    assert words == want_words and lp == pytest.approx(want_lp)


def test_the_early_stop_with_alpha_zero_changes_nothing():
    # with alpha = 0 beam_search stops once an ended hypothesis beats every open one; the plain
    # search above runs on; both must return the same, and the early stop must happen somewhere
    stopped_early = 0
    for seed in range(20):
        calls = []

        def step(state, tokens, inner=table_step(random_table(seed, V=4), bos=BOS_4)):
            calls.append(len(tokens))
            return inner(state, tokens)

        words, lp = decoding.beam_search(step, start(), BOS_4, EOS, width=2, max_len=6)
        ours = len(calls)
        want_words, want_lp, steps = simple_beam(step, start(), BOS_4, EOS, 2, 6)
        assert words == want_words and lp == pytest.approx(want_lp)
        stopped_early += ours < steps
    assert stopped_early > 0, "no seed exercised the early stop"


def test_greedy_misses_the_most_probable_sequence_and_beam_finds_it():
    step = table_step(trap)
    seqs, lps = decoding.greedy(step, start(), BOS, EOS, max_len=5)
    assert seqs == [[A, A]] and lps[0] == pytest.approx(math.log(0.6 * 0.55))
    words, lp = decoding.beam_search(step, start(), BOS, EOS, width=2, max_len=5)
    assert (words, lp) == ([B, B], pytest.approx(math.log(0.4 * 0.9)))
    assert (words, lp) == ([B, B], pytest.approx(exhaustive(step, 3)[1]))
    assert exhaustive(step, 3)[0] == [B, B]
    # width 1 is greedy
    assert decoding.beam_search(step, start(), BOS, EOS, width=1, max_len=5)[0] == [A, A]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_a_beam_wider_than_the_search_space_is_an_exhaustive_search(seed, alpha):
    step = table_step(random_table(seed))
    want = exhaustive(step, max_len=4, alpha=alpha)   # 15 sequences end with <eos>, 16 do not
    got = decoding.beam_search(step, start(), BOS, EOS, width=31, max_len=4, alpha=alpha)
    assert got[0] == want[0] and got[1] == pytest.approx(want[1])


@pytest.mark.parametrize("seed", range(6))
def test_width_one_is_greedy_and_scores_are_the_log_probability_of_the_sequence(seed):
    step = table_step(random_table(seed))
    seqs, lps = decoding.greedy(step, start(), BOS, EOS, max_len=4)
    words, lp = decoding.beam_search(step, start(), BOS, EOS, width=1, max_len=4)
    assert words == seqs[0] and lp == pytest.approx(lps[0])
    words, lp = decoding.beam_search(step, start(), BOS, EOS, width=3, max_len=4)
    state, total, prev = start(), 0.0, BOS
    for tok in words + ([EOS] if len(words) < 4 else []):
        log_probs, state = step(state, np.array([prev]))
        total, prev = total + log_probs[0, tok], tok
    assert lp == pytest.approx(total)


def test_with_a_torch_gru_decoder_greedy_is_argmax_fed_back_and_batches_agree():
    torch.manual_seed(0)
    V, H = 7, 8
    embed, gru, out = torch.nn.Embedding(V, 5), torch.nn.GRU(5, H, batch_first=True), torch.nn.Linear(H, V)

    @torch.no_grad()
    def step(h, tokens):
        o, h = gru(embed(torch.as_tensor(tokens)[:, None]), h[None])
        return torch.log_softmax(out(o[:, 0]), -1), h[0]

    h0 = torch.randn(4, H)
    seqs, lps = decoding.greedy(step, h0, bos=1, eos=0, max_len=6)
    for i in range(4):
        h, tok, want, total = h0[i:i + 1], np.array([1]), [], 0.0
        for _ in range(6):
            lp, h = step(h, tok)
            tok = lp.argmax(-1).numpy()
            total += lp[0, tok[0]].item()
            if tok[0] == 0:
                break
            want.append(int(tok[0]))
        assert seqs[i] == want and lps[i] == pytest.approx(total, abs=1e-5)
        words, lp = decoding.beam_search(step, h0[i:i + 1], bos=1, eos=0, width=1, max_len=6)
        assert words == want and lp == pytest.approx(total, abs=1e-5)
        for width in (2, 4):
            words, lp = decoding.beam_search(step, h0[i:i + 1], bos=1, eos=0, width=width, max_len=6)
            want_words, want_lp, _ = simple_beam(step, h0[i:i + 1], 1, 0, width, 6)
            assert words == want_words and lp == pytest.approx(want_lp, abs=1e-5)


def test_bad_decoding_input_is_explained():
    step = table_step(trap)
    with pytest.raises(ValueError, match="width must be a positive whole number"):
        decoding.beam_search(step, start(), BOS, EOS, width=0, max_len=3)
    with pytest.raises(ValueError, match=r"state\[i:i \+ 1\]"):
        decoding.beam_search(step, np.zeros((2, 0), int), BOS, EOS, width=2, max_len=3)
    with pytest.raises(ValueError, match="alpha"):
        decoding.beam_search(step, start(), BOS, EOS, width=2, max_len=3, alpha=-1)
    with pytest.raises(ValueError, match=r"shape \(1, V\), not \(V,\)"):
        decoding.greedy(lambda s, t: (np.log([0.5, 0.5]), s), start(), BOS, EOS, max_len=3)
    with pytest.raises(ValueError, match="log_softmax"):
        decoding.greedy(lambda s, t: (np.array([[0.5, 0.5]]), s), start(), BOS, EOS, max_len=3)
    with pytest.raises(ValueError, match="pair"):
        decoding.greedy(lambda s, t: np.log([[0.5, 0.5]]), start(), BOS, EOS, max_len=3)


# Papineni et al. (2002), section 2.1, Example 1 and Example 2
REFS_1 = ["It is a guide to action that ensures that the military will forever heed Party commands",
          "It is the guiding principle which guarantees the military forces always being under "
          "the command of the Party",
          "It is the practical guide for the army always to heed the directions of the party"]  # fmt: skip
CAND_1 = "It is a guide to action which ensures that the military always obeys the commands of the party"
CAND_2 = "It is to insure the troops forever hearing the activity guidebook that party direct"


def test_the_papers_modified_precisions():
    refs = [[r.split() for r in REFS_1]]
    assert decoding.modified_precision([CAND_1.split()], refs, 1) == (17, 18)
    assert decoding.modified_precision([CAND_2.split()], refs, 1) == (8, 14)
    assert decoding.modified_precision([CAND_1.split()], refs, 2) == (10, 17)
    assert decoding.modified_precision([CAND_2.split()], refs, 2) == (1, 13)
    refs_2 = [["the cat is on the mat".split(), "there is a cat on the mat".split()]]   # lower case
    assert decoding.modified_precision([["the"] * 7], refs_2, 1) == (2, 7)   # "the" clipped at 2


def test_bleu_worked_by_hand():
    # p1..p4 = 4/5, 3/4, 2/3, 1/2; c = 5 < r = 6, so BP = exp(1 - 6/5)
    got = decoding.corpus_bleu([list("abcde")], [[list("abcdfg")]])
    assert got["precisions"] == pytest.approx([4 / 5, 3 / 4, 2 / 3, 1 / 2])
    assert got["brevity_penalty"] == pytest.approx(math.exp(-0.2)) and (got["c"], got["r"]) == (5, 6)
    assert got["bleu"] == pytest.approx(math.exp(-0.2) * (4 / 5 * 3 / 4 * 2 / 3 * 1 / 2) ** 0.25)
    assert decoding.corpus_bleu([list("abcd")], [[list("abcd")]])["bleu"] == pytest.approx(1.0)
    assert decoding.corpus_bleu([list("abcd")], [[list("dcba")]])["bleu"] == 0.0   # no bigram matches


def test_corpus_bleu_sums_counts_before_dividing():
    perfect_short = (list("abc"), [list("abc")])            # three tokens: no 4-gram at all
    perfect_long = (list("abcd"), [list("abcd")])
    alone = decoding.corpus_bleu([perfect_short[0]], [perfect_short[1]])
    assert alone["precisions"][3] == 0.0 and alone["bleu"] == 0.0   # 0/0 taken as 0: no smoothing
    both = decoding.corpus_bleu([perfect_short[0], perfect_long[0]], [perfect_short[1], perfect_long[1]])
    assert both["bleu"] == pytest.approx(1.0)                # the corpus has one 4-gram, and it matches


# sacrebleu 2.6.0, corpus_bleu(hyps, [refs...], tokenize="none", smooth_method="none").score,
# computed once outside this environment (sacrebleu is not a dependency); BLEU x 100
SACREBLEU = [
    (["a b c", "a b c d"], [["a b c", "a b c d"]], 100.0),
    (["a b c d e", "a b x d"], [["a b c d e", "a b c d"]], 70.98962112020108),
    (["a b c d", "e f g h i"], [["a b c d e f", "e f g h i j"]], 71.65313105737896),
    (["the cat sat on the mat", "a dog", "the the the the"],
     [["the cat sat on a mat", "a big dog barked", "the cat is here"]], 31.22620067643949),
    (["a b c d e f g", "x y z w", "a b c d"],
     [["a b c d e f", "x y z", "d c b a"], ["a b c d e f g h", "x y z w v", "a b"]], 85.72811206017337),
    (["a b c d"], [["d c b a"]], 0.0),   # no bigram matches; sacrebleu's default smoothing gives 22.59
]


@pytest.mark.parametrize(("hyps", "ref_sets", "want"), SACREBLEU)
def test_corpus_bleu_equals_sacrebleu_without_tokenising_or_smoothing(hyps, ref_sets, want):
    refs = [[ref_set[i].split() for ref_set in ref_sets] for i in range(len(hyps))]
    got = decoding.corpus_bleu([h.split() for h in hyps], refs)
    assert 100 * got["bleu"] == pytest.approx(want, abs=1e-9)


def test_effective_reference_length_is_the_closest_and_the_shorter_on_a_tie():
    got = decoding.corpus_bleu([list("abcdefg")], [[list("abcdef"), list("abcdefgh")]])
    assert got["r"] == 6 and got["brevity_penalty"] == 1.0
    got = decoding.corpus_bleu([list("abcd")], [[list("abcdefgh"), list("abcde")]])
    assert got["r"] == 5 and got["brevity_penalty"] == pytest.approx(math.exp(1 - 5 / 4))


def test_bad_bleu_input_is_explained():
    with pytest.raises(ValueError, match=r"\[\[ref\] for ref in refs\]"):
        decoding.corpus_bleu([list("abc")], [list("abc")])
    with pytest.raises(ValueError, match=r"\.split\(\)"):
        decoding.corpus_bleu(["a b c"], [[list("abc")]])
    with pytest.raises(ValueError, match="2 candidates but 1 reference"):
        decoding.corpus_bleu([list("a"), list("b")], [[list("a")]])
