"""Lesson 02's cross-entropy exercise tells underflow (log of a softmax that rounded to 0) from overflow."""

import numpy as np
import torch

from lossviz import losses
from lossviz.exercises import cross_entropy as ex02


def _log_of_stable_softmax(z, y):  # max subtracted, so no overflow; e^(z_c - max) still underflows
    return -np.mean(np.log(losses.softmax(z)[np.arange(len(y)), y]))


def test_log_of_an_underflowing_softmax_is_named_underflow():
    with np.errstate(divide="ignore"):
        verdict = ex02.cross_entropy_from_logits.check(_log_of_stable_softmax)
    assert not verdict
    assert "underflow" in verdict.message and "log-softmax" in verdict.message
    assert "log(0)" in verdict.message and "overflows" not in verdict.message


def test_the_same_mistake_in_torch_is_named_underflow():
    def torch_answer(z, y):
        p = torch.softmax(torch.tensor(z), dim=1)
        return -torch.log(p[torch.arange(len(y)), torch.tensor(y)]).mean()

    verdict = ex02.cross_entropy_from_logits.check(torch_answer)
    assert not verdict and "underflow" in verdict.message and "log-softmax" in verdict.message


def test_naive_softmax_is_still_told_about_overflow():
    with np.errstate(all="ignore"):
        verdict = ex02.cross_entropy_from_logits.check(
            lambda z, y: -np.mean(np.log((np.exp(z) / np.exp(z).sum(1, keepdims=True))[np.arange(len(y)), y])))
    assert not verdict and "overflows" in verdict.message and "underflow" not in verdict.message


def test_solution_passes_and_other_mistakes_keep_their_messages():
    namespace = {"np": np}
    exec(ex02.cross_entropy_from_logits.solution_code, namespace)
    assert ex02.cross_entropy_from_logits.check(namespace["my_cross_entropy"]).passed
    no_log = ex02.cross_entropy_from_logits.check(lambda z, y: -np.mean(losses.softmax(z)[np.arange(len(y)), y]))
    assert "without the log" in no_log.message


def test_every_lesson_02_case_is_finite_for_the_reference():
    for z, y in ex02._LOGITS:
        assert np.isfinite(losses.cross_entropy(z, y))
        assert np.all(np.isfinite(losses.cross_entropy_grad(z, y)))
