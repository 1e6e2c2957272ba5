"""Self-check exercises: ``check(answer)``, ``hint()`` and ``solution()``, after Kaggle's learntools.

An :class:`Exercise` runs the student's function (or value) on ordinary and edge cases and
compares it with a reference. When it is wrong, the feedback says *how*: no return value, the
wrong shape, off by a factor (sum instead of mean, a missing 2), the sign flipped, NaN on
large input, or a typical mistake the exercise knows by name.

Each lesson's exercises live in a module named for the lesson: ``lossviz.exercises.mse``.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..i18n import _


@dataclass
class Feedback:
    """The verdict of ``check``: ``passed`` and a message written for the student."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def _repr_markdown_(self) -> str:
        icon = _("✓ **Correct.**") if self.passed else _("✗ **Not yet.**")  # glyphs every font has
        return f"{icon} {self.message}"

    def __repr__(self) -> str:
        return (_("Correct: {message}") if self.passed else _("Not yet: {message}")).format(message=self.message)


@dataclass
class Exercise:
    """One exercise.

    ``reference(*case)`` gives the right answer for each input ``case`` in ``cases``
    (for a value exercise, ``cases`` is ``[()]`` and the answer is compared with ``reference()``).
    ``mistakes`` maps a typical wrong function to the feedback it deserves; it is tried first,
    so a student who computes RMSE is told "that is RMSE", not just "wrong number".
    """

    title: str
    reference: Callable
    cases: list[tuple]
    hint_text: str
    solution_code: str
    mistakes: list[tuple[Callable, str]] = field(default_factory=list)
    rtol: float = 1e-6
    # For answers that are not plain functions of numbers (a training step, an evaluation
    # loop): harness(fn, *case) runs ``fn`` in a fresh, seeded setting and returns numbers.
    harness: Callable | None = None

    # -- what the student calls
    def check(self, answer: Any) -> Feedback:
        if answer is None or answer is Ellipsis:
            return Feedback(False, _("There is no answer yet: replace the `...` with your code."))
        if callable(answer):
            return self._check_function(answer)
        return self._check_value(answer)

    def hint(self):
        from IPython.display import Markdown

        return Markdown(_("💡 **Hint.** {hint}").format(hint=_(self.hint_text)))

    def solution(self):
        from IPython.display import Markdown

        return Markdown(_("**Solution.**") + f"\n\n```python\n{_(self.solution_code).strip()}\n```")

    # -- how it checks
    def _same(self, got: np.ndarray, want: np.ndarray) -> bool:
        return got.shape == want.shape and bool(np.allclose(got, want, rtol=self.rtol, atol=1e-12))

    def _check_value(self, answer) -> Feedback:
        want = self.reference()
        if _typed_match(answer, want):
            return Feedback(True, _("That is the right value."))
        verdict = self._compare(want, answer, None)
        return Feedback(True, _("That is the right value.")) if verdict is None else verdict

    def _run(self, fn: Callable, case: tuple):
        if self.harness is not None:
            return self.harness(fn, *case)
        return fn(*(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case))

    def _check_function(self, fn: Callable) -> Feedback:
        for case in self.cases:
            want = self._run(self.reference, case)
            try:
                got = self._run(fn, case)
            except Exception as err:  # the student's code may raise anything; report it readably
                where = traceback.extract_tb(err.__traceback__)[-1]
                on = _(" on input {case}").format(case=_describe(case)) if case else ""
                return Feedback(False, _("Your function raised `{error}: {err}` (line {line}){on}.").format(
                    error=type(err).__name__, err=err, line=where.lineno, on=on))
            verdict = self._compare(want, got, case, fn)
            if verdict is not None:
                return verdict
        return Feedback(True, _("Your function matches the reference on all {n} test inputs.").format(n=len(self.cases)))

    def _compare(self, want, got, case, fn=None) -> Feedback | None:
        on = _(" on input {case}").format(case=_describe(case)) if case else ""
        if got is None:
            return Feedback(False, _("Your function returned `None`{on}: did you forget `return`?").format(on=on))
        if got is Ellipsis:
            return Feedback(False, _("Your function still returns `...`: replace it with your code."))
        try:
            if isinstance(got, (str, bytes)):
                raise TypeError("text is not a number")
            if type(got).__module__.startswith("torch"):
                got = got.detach().cpu().numpy()
            got_arr = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError, RuntimeError, AttributeError):
            return Feedback(False, _("Expected a number or an array, but got {type}{on}.").format(type=type(got).__name__, on=on))
        want_arr = np.asarray(want, dtype=np.float64)
        if self._same(got_arr, want_arr):
            return None
        overflow = np.all(np.isfinite(want_arr)) and not np.all(np.isfinite(got_arr))
        if got_arr.shape == want_arr.shape and overflow:
            return Feedback(False, _("Your answer holds NaN or inf{on}, where the right answer is finite. With large "
                                     "inputs, exp() overflows: use a numerically stable form.").format(on=on))  # fmt: skip
        if fn is not None:  # a known mistake gets its own message, whatever its shape
            for wrong, message in self.mistakes:
                try:
                    if self._same(got_arr, np.asarray(self._run(wrong, case), float)):
                        return Feedback(False, _(message))
                except Exception:  # a mistake that does not apply to this input
                    pass
        if got_arr.shape != want_arr.shape:
            if want_arr.ndim == 0:
                message = _("Your answer has shape {got} but should be a single number{on}. Did you forget to "
                            "average (or sum) over the samples?")  # fmt: skip
            else:
                message = _("Your answer has shape {got} but should be shape {want}{on}.")
            return Feedback(False, message.format(got=got_arr.shape, want=want_arr.shape, on=on))
        return Feedback(False, _("{verdict}{on}.").format(verdict=_factor_message(want_arr, got_arr, case), on=on))


def _factor_message(want: np.ndarray, got: np.ndarray, case) -> str:
    """Name a constant factor between the answer and the truth, if there is one."""
    nonzero = np.abs(want) > 1e-12
    if np.any(nonzero):
        ratios = got[nonzero] / want[nonzero]
        if np.allclose(ratios, ratios.flat[0], rtol=1e-6):
            r = float(ratios.flat[0])
            n = _sample_count(case)
            for factor, text in [
                (-1.0, _("The sign of your answer is flipped")),
                (2.0, _("Your answer is twice the right answer: is there an extra factor of 2?")),
                (0.5, _("Your answer is half the right answer: is a factor of 2 missing?")),
                (n, _("Your answer is {n:g} times too large: that is a sum over the {n:g} samples, not a mean")),
                (1 / n if n else None, _("Your answer is {n:g} times too small: divided by the number of samples "
                                         "once too often")),
            ]:  # fmt: skip
                if factor is not None and np.isclose(r, factor, rtol=1e-6):
                    return text.format(n=n)
            if np.isclose(r, 1.0, rtol=0.02):  # "1 times the right one" would say nothing
                return _("Your answer is close but not equal: expected {want}, got {got}").format(
                    want=_exact(want), got=_exact(got))
            return _("Your answer is {r:.4g} times the right one").format(r=r)
    return _("Expected {want} but got {got}").format(want=_exact(want), got=_exact(got))


def _typed_match(answer, want) -> bool:
    """A number typed by hand matches if it is ``want`` rounded to the digits typed (3 at least).

    2.303 and 2.3026 both pass for log(10) = 2.302585...; 2.31 does not. A value computed by
    code carries ~16 digits and is left to the exact comparison.
    """
    if not isinstance(answer, (int, float, np.integer, np.floating)) or isinstance(answer, bool):
        return False
    a, w = float(answer), np.asarray(want, dtype=np.float64)
    if w.ndim != 0 or not np.isfinite(a) or not np.isfinite(w) or w == 0:
        return False
    typed = len(re.sub(r"^0+", "", re.sub(r"e.*$|[-.]", "", repr(a))).rstrip("0") or "0")
    if typed >= 12:  # not typed: computed
        return False
    digits = max(typed, 3)
    last_digit = 10.0 ** (np.floor(np.log10(abs(float(w)))) - digits + 1)
    return abs(a - float(w)) <= 0.5 * last_digit * (1 + 1e-9)


def _sample_count(case) -> float:
    for arg in case or ():
        if isinstance(arg, np.ndarray) and arg.ndim >= 1:
            return float(arg.shape[0])
    return float("nan")


def _short(a) -> str:
    return np.array2string(np.asarray(a), precision=4, threshold=6)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _number(x: float) -> str:
    """Up to 6 significant figures, a true minus sign, and ×10ⁿ instead of e-notation:
    ``_number(0.0078125) == "0.0078125"``, ``_number(-1.5e-7) == "−1.5×10⁻⁷"``."""
    text = f"{x:.6g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    return text.replace("-", "\u2212")


def _exact(a) -> str:
    """An answer and the truth, side by side in feedback: 6 significant figures, so that an answer
    rounded to 0.0078 does not read "expected 0.0078, got 0.0078" when the truth is 0.0078125."""
    return np.array2string(np.asarray(a), formatter={"float_kind": _number}, threshold=6)


def _describe(case) -> str:
    return ", ".join(_short(a) if isinstance(a, np.ndarray) else repr(a) for a in case)
