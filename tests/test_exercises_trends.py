"""Lesson 06 exercise 2 names the usual slips: sigma for sigma^2, L^2 for L, log sigma^2 for sigma^2."""

import numpy as np
import pytest

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
