"""Project hygiene: the two environment files agree, notebooks are clean, `import lossviz` is light."""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# conda-forge names that differ from PyPI's
CONDA_NAME = {"torch": "pytorch-cpu"}


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ;]", spec.strip(), maxsplit=1)[0].lower()


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def conda_names() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    return {_name(d): d for d in deps if _name(d) not in {"python", "pip"}}


def test_binder_environment_holds_the_lesson_stack_and_no_test_tools():
    lessons = {_name(d) for d in project()["dependencies"] + project()["optional-dependencies"]["lab"]}
    tests = {_name(d) for d in project()["optional-dependencies"]["test"]}
    conda = set(conda_names())
    assert conda == {CONDA_NAME.get(n, n) for n in lessons}, "environment.yml = runtime + [lab] extras"
    assert not conda & tests, f"Binder need not install the test tools {sorted(conda & tests)}"


def test_torch_is_pinned_for_pip_and_floored_for_conda():
    # requirements.txt: this machine's local CPU wheel; environment.yml: a floor, so it stays solvable
    lines = [ln.split("#")[0].strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()]
    assert "torch==2.13.0" in lines
    assert re.fullmatch(r"pytorch-cpu>=[\d.]+", conda_names()["pytorch-cpu"])
    assert not [d for d in conda_names().values() if "==" in d or re.search(r"[^<>!]=\d", d)], "no exact pins"


def test_requirements_install_lossviz_editable_with_both_extras():
    assert "-e .[lab,test]" in (ROOT / "requirements.txt").read_text().splitlines()
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section


def test_there_are_notebooks_to_run():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb: nbval would have nothing to run"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, (
        f"{path.name}: code cells {dirty} hold outputs; clear them with "
        f"`jupyter nbconvert --clear-output --inplace {path.relative_to(ROOT)}`"
    )


NETWORK = re.compile(r"urllib|requests\.|urlopen|download\s*=\s*True|fetch_openml|https?://|wget|curl ")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_code_never_touches_the_network(path):
    # The one exception is the install cell, which runs only where lossviz is missing (Colab).
    nb = json.loads(path.read_text())
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code" and "install-lossviz" not in cell["metadata"].get("tags", []):
            found = NETWORK.search("".join(cell["source"]))
            assert not found, f"{path.name} cell {i} uses the network: {found.group(0)!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_seeded(path):
    nb = json.loads(path.read_text())
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    if "torch" in code or "random" in code:
        assert "seed" in code, f"{path.name} draws random numbers but never sets a seed"


def test_import_lossviz_is_light():
    # No torch, matplotlib or widgets at `import lossviz`: they load when a lesson asks.
    # (How long the import takes is measured in benchmarks/, not asserted here.)
    code = (
        "import sys, lossviz; "
        "print([m for m in ('torch', 'matplotlib', 'ipywidgets') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_heavy_submodules_load_on_first_use():
    code = "import lossviz, sys; lossviz.checks; print('lossviz.losses' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        import lossviz

        lossviz.nonsense  # noqa: B018


# The lesson template (GUIDE section 4): each lesson has these parts, so a student knows where they are.
LESSON_PARTS = ["You will be able to", "**Time:**", "## Setup", " · Exercise", "## Summary", "**Next:**"]
# Notebooks exempt from the template (none at present).
PLACEHOLDERS: set[str] = set()


def _cells(path):
    return json.loads(path.read_text())["cells"]


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name not in PLACEHOLDERS], ids=lambda p: p.name)
def test_lesson_has_every_part_of_the_template(path):
    text = "\n".join("".join(c["source"]) for c in _cells(path) if c["cell_type"] == "markdown")
    missing = [part for part in LESSON_PARTS if part not in text]
    assert not missing, f"{path.name} lacks {missing}"
    assert re.match(r"# \d\d[a-e]? · .+\(.+\)", text), "the title gives the number and the source's term"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_explorer_is_introduced_and_read(path):
    cells = _cells(path)
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code" and re.search(r"= widgets\.\w+Explorer\(", "".join(cell["source"])):
            before, after = "".join(cells[i - 1]["source"]), "".join(cells[i + 1]["source"])
            assert "**Try this.**" in before, f"{path.name} cell {i}: say what to try before the explorer"
            assert "**What you should have seen.**" in after, f"{path.name} cell {i}: say what it showed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_offers_check_hint_and_solution(path):
    for i, cell in enumerate(_cells(path)):
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and ".check(" in source:
            name = re.search(r"(\w+(?:\.\w+)?)\.check\(", source).group(1)
            assert f"{name}.hint()" in source and f"{name}.solution()" in source, f"{path.name} cell {i}"


SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_carries_slideshow_metadata(path):
    cells = _cells(path)
    kinds = [c.get("metadata", {}).get("slideshow", {}).get("slide_type") for c in cells]
    missing = [i for i, k in enumerate(kinds) if k not in SLIDE_TYPES]
    assert not missing, f"{path.name}: cells {missing} have no slideshow metadata (RISE needs it)"
    assert kinds[0] == "slide", "the title opens the first slide"
    for cell, kind in zip(cells, kinds):  # every section starts a slide, so a lecturer can navigate
        if cell["cell_type"] == "markdown" and "".join(cell["source"]).startswith("## "):
            assert kind == "slide"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_slide_marked_long_can_scroll_and_starts_a_slide(path):
    # tests/e2e/test_slides_fit.py lets a slide taller than the projector pass only when its
    # first cell is tagged long-slide; RISE must then let it scroll, or its end is cut off.
    nb = json.loads(path.read_text())
    assert nb["metadata"].get("rise", {}).get("scroll") is True, f"{path.name}: metadata.rise.scroll is not true"
    for i, cell in enumerate(nb["cells"]):
        if "long-slide" in cell.get("metadata", {}).get("tags", []):
            kind = cell["metadata"].get("slideshow", {}).get("slide_type")
            assert kind in ("slide", "subslide"), f"{path.name} cell {i}: long-slide on a cell that starts no slide"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_offers_lecture_mode_and_lets_lossviz_pick_the_backend(path):
    code = ["".join(c["source"]) for c in _cells(path) if c["cell_type"] == "code"]
    setup = next(c for c in code if "plots.setup(" in c)
    assert "plots.setup(lecture=" in setup
    assert not [c for c in code if "%matplotlib" in c], "plots.setup picks the backend for the front end"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_installs_lossviz_only_where_it_is_missing(path):
    cells = _cells(path)
    first = next(c for c in cells if c["cell_type"] == "code")
    source = "".join(first["source"])
    assert "install-lossviz" in first["metadata"].get("tags", [])
    assert 'if importlib.util.find_spec("lossviz") is None:\n    %pip install' in source
    installs = [c for c in cells if "%pip" in "".join(c["source"]) or "!pip" in "".join(c["source"])]
    assert installs == [first], "one install cell, the first"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_title_links_to_colab_and_binder(path):
    title = "".join(_cells(path)[0]["source"])
    assert f"colab.research.google.com/github/" in title and f"/blob/main/notebooks/{path.name})" in title
    assert f"mybinder.org/v2/gh/" in title and f"urlpath=lab/tree/notebooks/{path.name})" in title


# A figure stated in prose: "≈ 0.084", "about 66%", "3 times", "33×". Sizes such as 8×8 are not figures.
CLAIM = re.compile(r"(?:≈|\babout |\broughly |\bnearly |\balmost )\s*\$?[−-]?\d[\d.,]*"
                   r"|\b\d+(?:\.\d+)?\s*%|\b\d+(?:\.\d+)?\s*(?:×|times)(?!\s*\d)")  # fmt: skip


def stated_figures(markdown: str) -> list[str]:
    text = re.sub(r"\$\$.*?\$\$|`[^`]*`|\*\*Time:\*\*[^\n]*", "", markdown, flags=re.S)
    return CLAIM.findall(text)


def test_stated_figures_are_recognised():
    assert stated_figures("the best linear rule gets ≈ 66%, 3 times better") == ["≈ 66", "3 times"]
    assert stated_figures("8×8 images; `x ≈ 2`; **Time:** about 30 minutes") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_in_the_prose_has_an_assert_beside_it(path):
    # The rule of the README's "Writing a lesson": a number or comparison stated in prose is
    # computed in the notebook and asserted next to it. The title, objectives and summary recap
    # what the lesson shows; every other paragraph with a figure sits within two cells of an assert.
    cells = _cells(path)
    for i, cell in enumerate(cells):
        text = "".join(cell["source"])
        if cell["cell_type"] != "markdown" or i == 0 or text.startswith("## Summary"):
            continue
        figures = stated_figures(text)
        near = cells[max(0, i - 2): i + 3]
        asserted = any(c["cell_type"] == "code" and "assert " in "".join(c["source"]) for c in near)
        assert not figures or asserted, f"{path.name} cell {i} states {figures} with no assert beside it"
