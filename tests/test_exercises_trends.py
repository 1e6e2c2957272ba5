"""Lesson 06a exercise 2 names the usual slips: sigma for sigma^2, L^2 for L, log sigma^2 for sigma^2.
Lesson 06b's exercises name theirs: the linear variance, fan_out, Glorot's, the standard deviation;
the whole matrix, unit rows, columns."""

import numpy as np
import pytest

from lossviz import landscape
from lossviz.exercises import challenges as ex06b
from lossviz.exercises import trends as ex06


@pytest.mark.parametrize("answer,words", [
    (0.5, "σ = √0.25"),            # the standard deviation, where the variance was asked
    (0.0625, "0.25²"),             # the variance set to L squared
    (-1.386, "s = log σ²"),        # the learned parameter itself, typed to 4 digits
    (float(np.log(0.25)), "s = log σ²"),
])  # fmt: skip
def test_known_wrong_values_get_their_own_message(answer, words):
    verdict = ex06.best_noise_level.check(answer)
    assert not verdict.passed and words in verdict.message
    assert "factor of 2" not in verdict.message


@pytest.mark.parametrize("answer", [0.25, 0.250, 1 / 4, np.float64(0.25)])
def test_the_right_value_passes(answer):
    assert ex06.best_noise_level.check(answer).passed


def test_other_wrong_values_get_the_generic_feedback():
    assert "times the right one" in ex06.best_noise_level.check(0.75).message
    assert "no answer yet" in ex06.best_noise_level.check(...).message


def test_text_is_refused_readably():
    assert "Expected a number" in ex06.best_noise_level.check("0.25").message


# ------------------------------------------------------------------ lesson 06b


def _solution(exercise):
    namespace = {"np": np}
    exec(exercise.solution_code, namespace)
    return namespace


def test_06b_published_solutions_pass():
    assert ex06b.kaiming_variance.check(_solution(ex06b.kaiming_variance)["answer"]).passed
    assert ex06b.filter_normalise.check(_solution(ex06b.filter_normalise)["my_filter_normalise"]).passed


def test_06b_kaiming_answer_is_the_libraries_formula():
    assert ex06b.kaiming_variance.reference() == landscape.init_variance("Kaiming", 256, 128)
    assert ex06b.kaiming_variance.check(0.0078125).passed and ex06b.kaiming_variance.check(0.00781).passed


@pytest.mark.parametrize("answer,words", [
    (1 / 256, "*linear* layer"),
    (2 / 128, "uses fan_out"),
    (2 / 384, "Glorot's compromise"),
    (float(np.sqrt(2 / 256)), "standard deviation"),
    (1 / 768, "PyTorch's default"),
])  # fmt: skip
def test_06b_known_wrong_variances_get_their_own_message(answer, words):
    verdict = ex06b.kaiming_variance.check(answer)
    assert not verdict.passed and words in verdict.message


@pytest.mark.parametrize("answer,words", [
    (0.0052, "Glorot's compromise"),   # 2/384 = 0.0052083..., typed to two figures
    (0.0039, "*linear* layer"),        # 1/256 = 0.0039062...
    (0.016, "uses fan_out"),           # 2/128 = 0.015625, 2.4% off
    (0.088, "standard deviation"),     # √(2/256) = 0.08839...
    (0.0013, "PyTorch's default"),     # 1/768 = 0.0013021...
])  # fmt: skip
def test_06b_wrong_variances_typed_to_two_figures_are_still_named(answer, words):
    verdict = ex06b.kaiming_variance.check(answer)
    assert not verdict.passed and words in verdict.message, verdict.message


def test_06b_known_values_are_far_enough_apart_for_the_tolerance():
    known = [ex06b.kaiming_variance.reference()] + [v for v, _ in ex06b.kaiming_variance.wrong_values]
    ratios = [max(a, b) / min(a, b) for i, a in enumerate(known) for b in known[i + 1:]]
    rtol = ex06b.kaiming_variance.wrong_rtol   # no answer lies within 5% of two of them
    assert min(ratios) > (1 + rtol) / (1 - rtol) and min(ratios) > 4 / 3 - 1e-9   # a third apart at least


def test_06b_the_right_value_rounded_too_far_is_told_apart():
    verdict = ex06b.kaiming_variance.check(0.0078)   # 2/256 = 0.0078125 to two figures
    assert not verdict.passed and "expected 0.0078125, got 0.0078" in verdict.message
    assert "Glorot" not in ex06b.kaiming_variance.check(0.0078).message


@pytest.mark.parametrize("answer,words", [
    (lambda t, d: d * np.linalg.norm(t) / np.linalg.norm(d), "whole matrix at once"),
    (lambda t, d: d / np.linalg.norm(d, axis=1, keepdims=True), "norm 1"),
    (lambda t, d: d * np.linalg.norm(t, axis=0, keepdims=True) / np.linalg.norm(d, axis=0, keepdims=True), "columns"),
    (lambda t, d: 2 * d * np.linalg.norm(t, axis=1, keepdims=True) / np.linalg.norm(d, axis=1, keepdims=True), "twice"),
])  # fmt: skip
def test_06b_filter_normalise_mistakes_are_named(answer, words):
    verdict = ex06b.filter_normalise.check(answer)
    assert not verdict.passed and words in verdict.message, verdict.message


def test_06b_filter_normalise_is_what_the_landscape_module_does():
    import torch

    torch.manual_seed(0)
    layer = torch.nn.Linear(5, 4)
    direction = landscape.filter_normalised_direction(layer, seed=7)[0].numpy()
    raw = torch.randn((4, 5), generator=torch.Generator().manual_seed(7), dtype=torch.float32).numpy()
    mine = _solution(ex06b.filter_normalise)["my_filter_normalise"]
    np.testing.assert_allclose(direction, mine(layer.weight.detach().numpy(), raw), rtol=1e-5)
