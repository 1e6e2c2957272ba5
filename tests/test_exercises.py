"""Exercises: right answers pass, typical wrong answers get feedback that names the mistake."""

import numpy as np
import pytest

from lossviz.exercises import Exercise, Feedback
from lossviz.exercises import mse as ex01

ALL = {name: getattr(ex01, name) for name in ["implement_mse", "implement_mse_grad", "best_line", "best_constant"]}


def solution_function(exercise):
    namespace = {"np": np}
    exec(exercise.solution_code, namespace)
    return next(v for k, v in namespace.items() if k.startswith("my_"))


@pytest.mark.parametrize("name", sorted(ALL))
def test_the_published_solution_passes(name):
    verdict = ALL[name].check(solution_function(ALL[name]))
    assert verdict.passed, verdict.message


@pytest.mark.parametrize("name", sorted(ALL))
def test_the_unfinished_stub_is_told_to_write_code(name):
    def stub(*args):
        return ...

    verdict = ALL[name].check(stub)
    assert not verdict and "replace it with your code" in verdict.message


@pytest.mark.parametrize("answer,words", [
    (lambda p, t: np.sum((p - t) ** 2), "that is a sum over the 5 samples, not a mean"),
    (lambda p, t: np.sqrt(np.mean((p - t) ** 2)), "RMSE"),
    (lambda p, t: np.mean(np.abs(p - t)), "mean *absolute* error"),
    (lambda p, t: np.mean(p - t), "without squaring"),
    (lambda p, t: np.mean(p - t) ** 2, "squared the mean error"),
    (lambda p, t: (p - t) ** 2, "shape (5,) but should be a single number"),
    (lambda p, t: np.mean((p - t) ** 2) / 2, "half the right answer"),
    (lambda p, t: None, "did you forget `return`"),
    (lambda p, t: p.shape[1], "IndexError"),
    (lambda p, t: "0.5", "Expected a number"),
])  # fmt: skip
def test_typical_wrong_mse_gets_specific_feedback(answer, words):
    verdict = ex01.implement_mse.check(answer)
    assert not verdict.passed
    assert words in verdict.message, verdict.message


@pytest.mark.parametrize("answer,words", [
    (lambda p, t: (p - t) / p.size, "factor of 2 missing"),
    (lambda p, t: 2 * (p - t), "5 times too large"),
    (lambda p, t: 2 * (t - p) / p.size, "sign of your answer is flipped"),
    (lambda p, t: 2 * (p - t) / p.size**2, "divided by n twice"),
    (lambda p, t: np.full_like(p, np.mean(2 * (p - t))), "each ŷ_k has its own"),
])  # fmt: skip
def test_typical_wrong_gradient_gets_specific_feedback(answer, words):
    verdict = ex01.implement_mse_grad.check(answer)
    assert not verdict.passed and words in verdict.message, verdict.message


def test_wrong_best_line_feedback():
    swapped = lambda x, y: tuple(np.polyfit(x, y, 1)[::-1])  # noqa: E731
    assert "return the slope w first" in ex01.best_line.check(swapped).message
    origin = lambda x, y: (np.sum(x * y) / np.sum(x * x), 0.0)  # noqa: E731
    assert "forced through the origin" in ex01.best_line.check(origin).message


def test_median_is_recognised_as_the_mae_answer():
    verdict = ex01.best_constant.check(np.median)
    assert not verdict and "median" in verdict.message


def test_nan_on_large_input_is_named():
    exercise = Exercise("softmax", lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(),
                        [(np.array([1000.0, 0.0]),)], "", "")  # fmt: skip
    with np.errstate(all="ignore"):
        verdict = exercise.check(lambda z: np.exp(z) / np.exp(z).sum())
    assert not verdict and "NaN or inf" in verdict.message and "stable" in verdict.message


def test_value_exercises_and_empty_answers():
    exercise = Exercise("a value", lambda: 0.25, [()], "hint", "0.25")
    assert exercise.check(0.25).passed
    assert "twice" in exercise.check(0.5).message
    assert "no answer yet" in exercise.check(None).message


@pytest.mark.parametrize("typed", [2.3026, 2.303, 2.30, 2.302585])
def test_a_value_typed_by_hand_to_three_or_more_figures_passes(typed):
    from lossviz.exercises import cross_entropy

    assert cross_entropy.uniform_loss.check(typed).passed  # log(10) = 2.302585...


@pytest.mark.parametrize("typed", [2.31, 2.29, 2.3036, 2.0])
def test_a_wrong_typed_value_is_refused_without_saying_one_times(typed):
    from lossviz.exercises import cross_entropy

    verdict = cross_entropy.uniform_loss.check(typed)
    assert not verdict.passed
    assert "1 times" not in verdict.message
    if abs(typed - 2.302585) < 0.02:
        assert "close but not equal" in verdict.message and "expected 2.30259" in verdict.message


def test_feedback_prints_enough_figures_to_tell_the_answer_from_the_truth():
    from lossviz.exercises import _exact, _number

    exercise = Exercise("a value", lambda: 0.0078125, [()], "hint", "2 / 256")
    verdict = exercise.check(0.0078)  # two figures typed: refused, and the two numbers differ
    assert not verdict and "expected 0.0078125, got 0.0078" in verdict.message
    assert (_number(-1.5e-7), _number(2.302585), _number(12.0)) == ("−1.5×10⁻⁷", "2.30259", "12")
    assert _exact(np.array([0.25, -3e-9])) == "[0.25 −3×10⁻⁹]"


def test_feedback_renders_for_the_notebook():
    good, bad = Feedback(True, "fine"), Feedback(False, "off by 2")
    assert good and not bad
    assert good._repr_markdown_().startswith("✓") and "off by 2" in bad._repr_markdown_()


def test_hint_and_solution_are_markdown():
    assert "np.mean" in ex01.implement_mse.hint().data
    assert "```python" in ex01.implement_mse.solution().data


# ------------------------------------------------------------------ lessons 02 and 03
from lossviz.exercises import cross_entropy as ex02  # noqa: E402
from lossviz.exercises import hinge as ex03  # noqa: E402

LATER = {f"02.{n}": getattr(ex02, n) for n in ["stable_softmax", "cross_entropy_from_logits", "cross_entropy_gradient"]}
LATER |= {f"03.{n}": getattr(ex03, n) for n in ["implement_hinge", "to_plus_minus_one", "hinge_subgradient"]}


@pytest.mark.parametrize("name", sorted(LATER))
def test_later_solutions_pass(name):
    verdict = LATER[name].check(solution_function(LATER[name]))
    assert verdict.passed, verdict.message


def test_value_solution_of_lesson_02_passes():
    namespace = {"np": np}
    exec(ex02.uniform_loss.solution_code, namespace)
    assert ex02.uniform_loss.check(namespace["answer"]).passed
    assert "0.4343 times" in ex02.uniform_loss.check(1.0).message  # log10 instead of ln


def test_naive_softmax_is_told_about_overflow():
    with np.errstate(all="ignore"):
        verdict = ex02.stable_softmax.check(lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))
    assert not verdict and "NaN or inf" in verdict.message


@pytest.mark.parametrize("answer,words", [
    (lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(), "each *row*"),
    (lambda z: np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0), "each column"),
])  # fmt: skip
def test_softmax_on_the_wrong_axis(answer, words):
    assert words in ex02.stable_softmax.check(answer).message


def test_cross_entropy_mistakes():
    with np.errstate(all="ignore"):
        naive = ex02.cross_entropy_from_logits.check(
            lambda z, y: -np.mean(np.log(naive_softmax(z)[np.arange(len(y)), y])))
    assert not naive and "NaN or inf" in naive.message
    picked_all = ex02.cross_entropy_from_logits.check(lambda z, y: -np.mean(_log_softmax(z)))
    assert "every class" in picked_all.message
    summed = ex02.cross_entropy_gradient.check(lambda z, y: _softmax(z) - np.eye(z.shape[1])[y])
    assert "*sum*" in summed.message


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax(z):
    return np.log(_softmax(z) + 1e-300)


def naive_softmax(z):  # the naive one a student writes first
    return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("answer,words", [
    (lambda f, y: np.mean(1 - y * f), "dropped the max"),
    (lambda f, y: np.mean(np.maximum(0, -y * f)), "perceptron"),
    (lambda f, y: np.mean(np.maximum(0, 1 - y * f) ** 2), "*squared* hinge"),
])  # fmt: skip
def test_hinge_mistakes(answer, words):
    assert words in ex03.implement_hinge.check(answer).message


def test_label_mapping_mistakes():
    assert "{−1, 0}" in ex03.to_plus_minus_one.check(lambda y: y - 1.0).message
    assert "wrong way round" in ex03.to_plus_minus_one.check(lambda y: 1.0 - 2.0 * y).message
    assert "until the margin" in ex03.hinge_subgradient.check(
        lambda f, y: np.where(y * f < 0, -y, 0.0) / len(f)).message


# ------------------------------------------------------------------ lesson 04
from lossviz.exercises import training_loop as ex04  # noqa: E402


def _torch_solution(exercise):
    import torch

    namespace = {"np": np, "torch": torch}
    exec(exercise.solution_code, namespace)
    return next(v for k, v in namespace.items() if callable(v) and k in ("train_step", "evaluate"))


@pytest.mark.parametrize("name", ["fix_the_step", "write_evaluation"])
def test_training_solutions_pass(name):
    exercise = getattr(ex04, name)
    verdict = exercise.check(_torch_solution(exercise))
    assert verdict.passed, verdict.message


@pytest.mark.parametrize("wrong,words", [
    (ex04._step_without_zero_grad, "call `optimizer.zero_grad()` before"),
    (ex04._step_without_update, "never changed"),
])  # fmt: skip
def test_training_step_mistakes(wrong, words):
    verdict = ex04.fix_the_step.check(wrong)
    assert not verdict and words in verdict.message


@pytest.mark.parametrize("wrong,words", [
    (ex04._evaluate_in_train_mode, "`model.eval()`"),
    (ex04._evaluate_with_grad, "torch.no_grad()"),
    (ex04._evaluate_mean_of_batches, "weight each by its size"),
])  # fmt: skip
def test_evaluation_mistakes(wrong, words):
    verdict = ex04.write_evaluation.check(wrong)
    assert not verdict and words in verdict.message, verdict.message


def test_a_crashing_training_step_is_reported():
    def broken(model, optimizer, loss_fn, xb, yb):
        return loss_fn(model(xb.T), yb)

    verdict = ex04.fix_the_step.check(broken)
    assert not verdict and "RuntimeError" in verdict.message


def test_unfinished_evaluation_and_tensor_answers():
    assert "still returns `...`" in ex04.write_evaluation.check(lambda m, l, f: ...).message
    tensor = ex04.write_evaluation.check(lambda m, l, f: f(m(l.dataset.tensors[0]), l.dataset.tensors[1]))
    assert not tensor


# ------------------------------------------------------------------ lesson 05
from lossviz.exercises import applications as ex05  # noqa: E402

APPS = ["accuracy", "box_iou", "greedy_ctc", "perplexity", "nonsaturating"]


@pytest.mark.parametrize("name", APPS)
def test_application_solutions_pass(name):
    exercise = getattr(ex05, name)
    verdict = exercise.check(solution_function(exercise))
    assert verdict.passed, verdict.message


@pytest.mark.parametrize("name,wrong,words", [
    ("box_iou", ex05._iou_without_clamp, "clamp it at 0"),
    ("box_iou", ex05._iou_sum_of_areas, "counts the overlap once"),
    ("greedy_ctc", ex05._decode_blanks_first, "merge first"),
    ("perplexity", lambda l: float(2 ** np.mean(l)), "not 2"),
    ("nonsaturating", lambda a: float(np.mean(-np.logaddexp(0, a))), "minimax"),
])  # fmt: skip
def test_application_mistakes(name, wrong, words):
    verdict = getattr(ex05, name).check(wrong)
    assert not verdict and words in verdict.message, verdict.message


def test_naive_generator_loss_overflows_and_is_told():
    with np.errstate(all="ignore"):
        verdict = ex05.nonsaturating.check(lambda a: np.mean(-np.log(1 / (1 + np.exp(-a)))))
    assert not verdict and "NaN or inf" in verdict.message


def test_intro_and_trends_exercises():
    from lossviz.exercises import introduction as ex00
    from lossviz.exercises import trends as ex06

    for exercise in (ex00.empirical_risk, ex06.best_noise_level):
        namespace = {"np": np}
        exec(exercise.solution_code, namespace)
        assert exercise.check(namespace["answer"]).passed
    assert "3 times" in ex00.empirical_risk.check(6.0).message  # the sum, not the mean
    assert ex06.focal_loss.check(solution_function(ex06.focal_loss)).passed
    from lossviz import losses

    assert "plain cross-entropy" in ex06.focal_loss.check(lambda z, y: losses.cross_entropy(z, y)).message


def test_faq_exercise():
    from lossviz.exercises import faq as ex07

    assert ex07.pinball.check(solution_function(ex07.pinball)).passed
    assert "swapped" in ex07.pinball.check(lambda p, t, tau: ex07._pinball(p, t, 1 - tau)).message
