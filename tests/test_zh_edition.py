"""The Chinese edition (notebooks/zh/) is kept in step with the English one.

- Every English lesson has a Chinese twin with the same file name and the same cells, in order.
- Code cells are equal once comments are removed: comments may be translated, nothing else may
  differ, except the setup cell's ``lossviz.set_language("zh")``. A change to either edition's
  code alone fails here with the cell named.
- Markdown cells correspond one to one, with the same slide structure, and are Chinese: outside
  math, code, links and names, most letters are CJK, and no English sentence is left behind.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHINESE_DIR = ROOT / "notebooks" / "zh"


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def without_comments(code: str) -> str:
    """The code with its comments removed and trailing blanks stripped; IPython magics
    (``%pip``) are compared as they are, since they are not Python."""
    out = []
    for line in code.split("\n"):
        if line.lstrip().startswith(("%", "!")):
            out.append(line.rstrip())
            continue
        out.append(line)
    text = "\n".join(out)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return "\n".join(line.rstrip() for line in text.split("\n"))
    lines = text.split("\n")
    # Cut each comment from its line, last first so the columns stay right.
    for tok in sorted((t for t in tokens if t.type == tokenize.COMMENT), key=lambda t: t.start, reverse=True):
        row, col = tok.start
        lines[row - 1] = lines[row - 1][:col]
    kept = []
    for original, stripped in zip(text.split("\n"), lines):
        stripped = stripped.rstrip()
        if stripped or not original.strip():  # a line that held only a comment goes; a blank line stays
            kept.append(stripped)
    return "\n".join(kept).strip("\n")


def chinese_code(code: str) -> str:
    return code.replace('lossviz.set_language("zh")', 'lossviz.set_language("en")')


def first_difference(a: str, b: str) -> str:
    for number, (x, y) in enumerate(zip(a.split("\n"), b.split("\n")), start=1):
        if x != y:
            return f"line {number}:\n  English: {x!r}\n  Chinese: {y!r}"
    return f"one has more lines ({len(a.splitlines())} vs {len(b.splitlines())})"


def step_problems(english: list[dict], chinese: list[dict], name: str) -> list[str]:
    """Everything that is out of step between two editions of lesson ``name``."""
    if [c["cell_type"] for c in english] != [c["cell_type"] for c in chinese]:
        return [f"{name}: the cells do not correspond one to one: English has "
                f"{[c['cell_type'][0] for c in english]}, Chinese {[c['cell_type'][0] for c in chinese]} "
                "(m = markdown, c = code): add or remove the same cell in both editions."]  # fmt: skip
    problems = []
    for index, (en, zh) in enumerate(zip(english, chinese)):
        where = f"{name} cell {index} ({en['cell_type']})"
        en_slide = en.get("metadata", {}).get("slideshow", {}).get("slide_type")
        zh_slide = zh.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if en_slide != zh_slide:
            problems.append(f"{where}: slide type {en_slide!r} in English, {zh_slide!r} in Chinese.")
        if en.get("metadata", {}).get("tags", []) != zh.get("metadata", {}).get("tags", []):
            problems.append(f"{where}: tags differ between the editions.")
        if en["cell_type"] == "code":
            a, b = without_comments(source(en)), chinese_code(without_comments(source(zh)))
            if a != b:
                problems.append(f"{where}: the code differs between the editions once comments are "
                                f"removed; change both. First difference at {first_difference(a, b)}")  # fmt: skip
    return problems


# ------------------------------------------------------------------ is it Chinese?

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_NOT_PROSE = [
    re.compile(r"```.*?```", re.S),  # code blocks
    re.compile(r"\$\$.*?\$\$", re.S),  # display math
    re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S),
    re.compile(r"(?<!\\)\$.+?(?<!\\)\$"),  # inline math
    re.compile(r"`[^`]*`"),  # inline code
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"https?://\S+"),
    re.compile(r"<[^>]+>"),  # HTML tags
]


def prose(markdown: str) -> str:
    for pattern in _NOT_PROSE:
        markdown = pattern.sub(" ", markdown)
    return markdown


def english_run(text: str) -> int:
    """The longest run of Latin words with only spaces and light punctuation between them."""
    longest = 0
    for run in re.findall(r"(?:[A-Za-z][A-Za-z'’-]*[ ,;:.]*)+", text):
        longest = max(longest, len(_LATIN_WORD.findall(run)))
    return longest


_CJK_OR_FULL_WIDTH = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’…—]"
# A line break inside a paragraph is a space in the browser: between two Chinese characters it
# shows as a gap in the middle of a sentence. Chinese paragraphs are written on one line.
_BROKEN_LINE = re.compile(_CJK_OR_FULL_WIDTH + r"[*_]*\n(?![ \t]*(?:[*+-] |\d+\. |#|\$\$|\||>))[ \t]*[*_]*"
                          + _CJK_OR_FULL_WIDTH)  # fmt: skip


def broken_lines(markdown: str) -> list[str]:
    text = re.sub(r"```.*?```|\$\$.*?\$\$", " ", markdown, flags=re.S)
    return [m.group(0).replace("\n", "⏎") for m in _BROKEN_LINE.finditer(text)]


def language_problems(chinese: list[dict], name: str) -> list[str]:
    problems = []
    for index, cell in enumerate(chinese):
        if cell["cell_type"] != "markdown":
            continue
        broken = broken_lines(source(cell))
        if broken:
            problems.append(f"{name} cell {index}: a line break between Chinese characters shows as a space: "
                            f"{broken[:3]}; write the paragraph on one line")  # fmt: skip
        text = prose(source(cell))
        cjk = len(_CJK.findall(text))
        latin = sum(len(w) for w in _LATIN_WORD.findall(text))
        # A CJK character carries about as much as an English word of ~2.5 letters, so compare
        # characters with letters / 2.5: "most letters are CJK" by that measure.
        if latin >= 15 and cjk < latin / 2.5:
            problems.append(f"{name} cell {index}: mostly English ({cjk} CJK characters, {latin} Latin "
                            f"letters outside math and code): {text.strip()[:80]!r}")  # fmt: skip
        elif english_run(text) >= 9:
            problems.append(f"{name} cell {index}: an English phrase of {english_run(text)} words is left: "
                            f"{text.strip()[:80]!r}")  # fmt: skip
    return problems


# ------------------------------------------------------------------ the tests


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: p.stem)
def test_the_chinese_edition_is_in_step(path):
    twin = CHINESE_DIR / path.name
    assert twin.exists(), f"notebooks/zh/{path.name} is missing: every lesson has a Chinese edition."
    problems = step_problems(cells(path), cells(twin), path.name)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: p.stem)
def test_the_chinese_markdown_is_chinese(path):
    twin = CHINESE_DIR / path.name
    problems = language_problems(cells(twin), f"zh/{path.name}")
    assert not problems, "\n".join(problems)


def unrendered_emphasis(markdown: str) -> str | None:
    """Text that CommonMark leaves as literal ``*`` (emphasis that did not open or close), or None.

    ``**看什么。**下面`` does not close: a closing ``**`` after punctuation must be followed by a
    space or punctuation. Chinese text meets that rule more often than English, so every cell of
    both editions is rendered and checked."""
    from markdown_it import MarkdownIt

    text = re.sub(r"```.*?```|\$\$.*?\$\$", "\n\nX\n\n", markdown, flags=re.S)
    text = re.sub(r"(?<!\\)\$.+?(?<!\\)\$|`[^`]*`", "X", text)  # math and code hold no emphasis
    shown = re.sub(r"<[^>]+>", "", MarkdownIt("commonmark").render(text))
    found = re.search(r".{0,30}(?:\*\*|(?<![\w*\\])\*(?=\S)).{0,30}", shown)
    return found.group(0) if found else None


@pytest.mark.parametrize("path", ENGLISH + sorted(CHINESE_DIR.glob("*.ipynb")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_bold_and_italics_render(path):
    bad = [(i, unrendered_emphasis(source(c))) for i, c in enumerate(cells(path)) if c["cell_type"] == "markdown"]
    bad = [(i, text) for i, text in bad if text]
    assert not bad, f"{path.name}: emphasis shown as literal asterisks in cells {bad}"


def test_unrendered_bold_is_caught():
    assert unrendered_emphasis("**看什么。**下面的图") is not None
    assert unrendered_emphasis("**看什么**：下面的图，`a**b` 与 $x^*$") is None


def test_no_chinese_lesson_without_an_english_one():
    extra = {p.name for p in CHINESE_DIR.glob("*.ipynb")} - {p.name for p in ENGLISH}
    assert not extra, f"notebooks/zh/ has lessons with no English edition: {sorted(extra)}"


# ------------------------------------------------------------------ the checks themselves


def _cell(kind, text, slide="-"):
    return {"cell_type": kind, "source": [text], "metadata": {"slideshow": {"slide_type": slide}}}


def test_comments_may_differ_and_code_may_not():
    en = [_cell("markdown", "# Title"), _cell("code", "x = 1  # one\n# a note\ny = x + 1")]
    zh = [_cell("markdown", "# 标题"), _cell("code", "x = 1  # 一\n# 注释\ny = x + 1")]
    assert step_problems(en, zh, "demo") == []
    changed = [zh[0], _cell("code", "x = 2  # 一\n# 注释\ny = x + 1")]
    (problem,) = step_problems(en, changed, "demo")
    assert "demo cell 1 (code)" in problem and "'x = 1'" in problem and "'x = 2'" in problem


def test_a_missing_or_extra_cell_and_a_slide_change_are_named():
    en = [_cell("markdown", "a"), _cell("code", "x = 1")]
    assert "one to one" in step_problems(en, en[:1], "demo")[0]
    (problem,) = step_problems(en, [_cell("markdown", "a", slide="slide"), en[1]], "demo")
    assert "cell 0" in problem and "slide type" in problem


def test_a_hash_inside_a_string_is_not_a_comment():
    assert without_comments('print("# not a comment")  # a comment') == 'print("# not a comment")'
    assert without_comments("%pip install x\nimport y  # why") == "%pip install x\nimport y"


def test_only_the_language_line_of_the_setup_cell_may_differ():
    en = [_cell("code", 'lossviz.set_language("en")')]
    assert step_problems(en, [_cell("code", 'lossviz.set_language("zh")')], "demo") == []
    assert step_problems(en, [_cell("code", 'lossviz.set_language("fr")')], "demo")


def test_an_english_paragraph_is_caught_and_names_and_math_are_not():
    english = "The loss falls as the prediction approaches the target, and it never goes below zero."
    assert language_problems([_cell("markdown", english)], "demo")
    half = "均方误差是回归中最常用的损失。" + " The loss falls as the prediction approaches the target again."
    assert language_problems([_cell("markdown", half)], "demo")
    chinese = ("均方误差 (MSE) 是预测值与真实值之差的平方的平均：$L = \\frac{1}{n}\\sum (y - \\hat y)^2$，"
               "在 PyTorch 中是 `nn.MSELoss()`，与 Adam、SGD 一起使用。")  # fmt: skip
    assert language_problems([_cell("markdown", chinese)], "demo") == []


def test_a_line_break_inside_a_chinese_sentence_is_caught():
    assert language_problems([_cell("markdown", "均方误差是回归中\n最常用的损失。")], "demo")
    assert language_problems([_cell("markdown", "均方误差是\n**最常用的**损失。")], "demo")
    assert not language_problems([_cell("markdown", "均方误差是回归中最常用的损失。\n\n* 第一点。\n* 第二点。")], "demo")


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: p.stem)
def test_each_edition_links_to_the_other(path):
    english_title = source(cells(path)[0])
    chinese_title = source(cells(CHINESE_DIR / path.name)[0])
    assert f"(zh/{path.name})" in english_title, f"{path.name}: the title links to the Chinese edition"
    assert f"(../{path.name})" in chinese_title, f"zh/{path.name}: the title links to the English edition"
    assert f"/blob/main/notebooks/zh/{path.name})" in chinese_title  # Colab opens the Chinese lesson
    assert f"urlpath=lab/tree/notebooks/zh/{path.name})" in chinese_title  # and so does Binder
