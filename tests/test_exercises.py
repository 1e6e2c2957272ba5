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
    (lambda p, t: 2 * (t - p) / p.size, "sign is flipped"),
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


def test_feedback_renders_for_the_notebook():
    good, bad = Feedback(True, "fine"), Feedback(False, "off by 2")
    assert good and not bad
    assert good._repr_markdown_().startswith("✅") and "off by 2" in bad._repr_markdown_()


def test_hint_and_solution_are_markdown():
    assert "np.mean" in ex01.implement_mse.hint().data
    assert "```python" in ex01.implement_mse.solution().data
