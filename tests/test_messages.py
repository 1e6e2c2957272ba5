"""lossviz's messages in Chinese: the catalogue is complete, in step with the code, and used.

A translator edits ``lossviz/locale/zh_CN/LC_MESSAGES/lossviz.po``; ``tools/messages.py``
extracts the English and compiles the ``.mo``. These tests fail when a message is added or
changed in the code without its translation, when a translation loses or renames a placeholder,
or when a translated solution changes its code.
"""

from __future__ import annotations

import ast
import io
import re
import string
import sys
from pathlib import Path

import numpy as np
import pytest

import lossviz
from lossviz import chooser, losses
from lossviz.exercises import hinge, mse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import messages  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from test_zh_edition import without_comments  # noqa: E402

CATALOGUE = messages.read(messages.po_path("zh_CN"), "zh_CN")
ENTRIES = [m for m in CATALOGUE if m.id]


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    lossviz.set_language("en")


def fields(text: str) -> list[tuple]:
    """The placeholders of a str.format template: (name, conversion, format spec), sorted."""
    return sorted((name, conversion, spec) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None)  # fmt: skip


def test_the_catalogues_are_in_step_with_the_code():
    template = messages.extract()
    assert messages.TEMPLATE.read_text(encoding="utf-8") == messages.as_text(template), (
        "lossviz/locale/lossviz.pot is out of step with the messages in lossviz/: run python tools/messages.py")
    po = messages.po_path("zh_CN")
    assert po.read_text(encoding="utf-8") == messages.as_text(messages.updated(template, "zh_CN")), (
        "the Chinese catalogue lacks new messages or keeps old ones: run python tools/messages.py and translate")
    assert po.with_suffix(".mo").read_bytes() == messages.compiled(CATALOGUE), (
        "lossviz.mo is not compiled from lossviz.po: run python tools/messages.py")


def test_every_message_has_its_chinese_translation():
    assert len(ENTRIES) > 300
    missing = [m.id for m in ENTRIES if not m.string or m.fuzzy]
    assert not missing, f"{len(missing)} messages have no Chinese translation, e.g. {missing[:3]}"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda m: m.id[:40])
def test_a_translation_keeps_the_placeholders_and_the_code(entry):
    assert fields(entry.string) == fields(entry.id), (
        f"the placeholders of {entry.id!r} are {fields(entry.id)}, but its translation has {fields(entry.string)}")
    if entry.id.startswith("\n"):  # a solution: only its comments are translated
        assert without_comments(entry.string) == without_comments(entry.id)
    # Prose (three English words or more outside code and placeholders) must come out Chinese.
    prose = re.sub(r"`[^`]*`|\{[^}]*\}", " ", entry.id)
    if len(re.findall(r"\b[a-z]{2,}\b", prose)) >= 3 and not entry.id.startswith("\n"):
        assert re.search(r"[\u4e00-\u9fff]", entry.string), f"not translated: {entry.string!r}"


def test_the_python_placeholders_are_checked_by_the_test_above():
    assert fields("{fn}: {name} is {value!r} in [{lo:g}, {hi:g}]; {{literal}}") == [
        ("fn", None, ""), ("hi", None, "g"), ("lo", None, "g"), ("name", None, ""), ("value", "r", "")]
    assert fields("{fn}: 第 {value!r} 个") != fields("{fn}: {value} 个")


# function name: (position, keyword) of the argument that becomes part of its message
MESSAGE_ARGUMENTS = {"check_probabilities": (3, "hint"), "check_ndim": (4, "meaning"),
                     "_check_choice": (4, "hint"), "_check_number": (6, "fix")}  # fmt: skip


def _message_calls(path: Path) -> tuple[list[int], list[tuple]]:
    """Lines where a ValueError is raised with an unmarked message, and functions that both bind
    ``_`` (a throwaway variable) and call ``_()``, which would make ``_`` local and break it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    unmarked = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and getattr(node.exc.func, "id", "") == "ValueError":
            arg = node.exc.args[0] if node.exc.args else None
            marked = any(isinstance(n, ast.Call) and getattr(n.func, "id", "") in ("_", "N_") for n in ast.walk(arg)) if arg else True
            # A message chosen earlier (``message = _(...) if ... else _(...)``) may be formatted here.
            chosen = isinstance(arg, ast.Name) or (
                isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format"
                and isinstance(arg.func.value, ast.Name))  # fmt: skip
            if not marked and not chosen:
                unmarked.append(node.lineno)
    # Helpers that put a sentence of the caller's into their message: that sentence must be marked too.
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in MESSAGE_ARGUMENTS:
                index, keyword = MESSAGE_ARGUMENTS[name]
                args = node.args[index:index + 1] + [k.value for k in node.keywords if k.arg == keyword]
                if any(isinstance(a, ast.JoinedStr) or (isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value)
                       for a in args):  # fmt: skip
                    unmarked.append(node.lineno)
    clashes = []
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            binds = [n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)]
            comprehension_only = all(
                any(n in ast.walk(c) for c in ast.walk(fn) if isinstance(c, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)))
                for n in binds)  # fmt: skip
            calls = any(isinstance(n, ast.Call) and getattr(n.func, "id", "") == "_" for n in ast.walk(fn))
            if binds and calls and not comprehension_only:
                clashes.append((fn.name, binds[0].lineno))
    return unmarked, clashes


@pytest.mark.parametrize("path", sorted((ROOT / "lossviz").rglob("*.py")), ids=lambda p: p.stem)
def test_every_error_message_is_marked_for_translation(path):
    if path.name == "i18n.py":
        return
    unmarked, clashes = _message_calls(path)
    assert not unmarked, f"{path.name}: ValueError raised with a message not wrapped in _() at lines {unmarked}"
    assert not clashes, f"{path.name}: these functions use _ as a variable and call _(): {clashes}; rename the variable"


def test_set_language_refuses_an_unknown_language():
    with pytest.raises(ValueError, match="choose 'en' or 'zh'"):
        lossviz.set_language("fr")
    assert lossviz.language() == "en"


def test_an_error_message_comes_in_the_language_set():
    with pytest.raises(ValueError, match=r"shape \(3, 1\).*reshape") as english:
        losses.mse(np.zeros((3, 1)), np.zeros(3))
    lossviz.set_language("zh")
    assert lossviz.language() == "zh"
    with pytest.raises(ValueError) as chinese:
        losses.mse(np.zeros((3, 1)), np.zeros(3))
    text = str(chinese.value)
    assert text != str(english.value) and "(3, 1)" in text and "reshape" in text
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in text) > 10
    lossviz.set_language("en")
    with pytest.raises(ValueError) as again:
        losses.mse(np.zeros((3, 1)), np.zeros(3))
    assert str(again.value) == str(english.value)


def test_exercise_feedback_hints_and_solutions_come_in_chinese():
    lossviz.set_language("zh")
    wrong = mse.implement_mse.check(lambda p, t: np.sum((p - t) ** 2))
    assert not wrong and sum("\u4e00" <= ch <= "\u9fff" for ch in wrong.message) > 5
    assert "提示" in hinge.implement_hinge.hint().data
    right = mse.implement_mse.check(lambda p, t: np.mean((p - t) ** 2))
    assert right and re.search(r"[\u4e00-\u9fff]", right.message) and re.search(r"[\u4e00-\u9fff]", repr(right))


def test_the_chooser_advises_in_chinese():
    lossviz.set_language("zh")
    text = chooser.recommend("regression", outliers=True).markdown()
    assert "nn.HuberLoss(delta=1.0)" in text and sum("\u4e00" <= ch <= "\u9fff" for ch in text) > 30
    lossviz.set_language("en")
    assert chooser.recommend("regression", outliers=True).markdown().startswith("**Use the Huber loss**")


def test_an_explorer_readout_comes_in_chinese():
    from lossviz import widgets

    lossviz.set_language("zh")
    text = widgets.PointLossExplorer().readout.value   # the slider names and the numbers' names
    assert "ŷ" in text
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 4, text


def test_the_compiled_catalogue_ships_with_the_package():
    text = (ROOT / "pyproject.toml").read_text()
    assert "locale/*/LC_MESSAGES/*.mo" in text
    assert io.BytesIO(messages.po_path("zh_CN").with_suffix(".mo").read_bytes()).read(4) in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")


def test_the_marking_check_catches_an_unmarked_message(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('from .i18n import _\n\ndef f(x):\n    for _ in range(2):\n        pass\n    raise ValueError(_("ok"))\n\n'
                   'def g(x):\n    raise ValueError(f"f: x is {x}")\n\n'
                   'def h(p):\n    checks.check_probabilities(p, "p", "h", "Apply a sigmoid.")\n')
    unmarked, clashes = _message_calls(bad)
    assert unmarked == [9, 12] and clashes == [("f", 4)]


def test_the_chooser_keeps_its_fields_english_and_says_them_in_chinese():
    lossviz.set_language("zh")
    r = chooser.recommend("binary classification", imbalance=True, calibrated=False)
    assert "recall of the rare class" in r.pitfalls[-1]  # code tests the English fields
    assert "recall of the rare class" not in r.markdown() and "召回率" in r.markdown()
