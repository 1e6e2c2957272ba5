"""Project hygiene: the two environment files agree, notebooks are clean, `import lossviz` is light."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# conda-forge names that differ from PyPI's
CONDA_NAME = {"torch": "pytorch-cpu"}


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ;]", spec.strip(), maxsplit=1)[0].lower()


def requirement_names() -> dict[str, str]:
    specs = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            specs[_name(line)] = line
    return specs


def conda_names() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    return {_name(d): d for d in deps if _name(d) not in {"python", "pip"}}


def test_requirements_and_environment_name_the_same_packages():
    pip = {CONDA_NAME.get(n, n) for n in requirement_names()}
    assert pip == set(conda_names())


def test_torch_is_pinned_to_the_cpu_build_on_both_sides():
    assert requirement_names()["torch"] == "torch==2.13.0"
    assert conda_names()["pytorch-cpu"] == "pytorch-cpu=2.13.0"


def test_both_install_lossviz_itself_editable():
    assert "-e ." in (ROOT / "requirements.txt").read_text().splitlines()
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
    nb = json.loads(path.read_text())
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
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
def test_setup_cell_offers_lecture_mode(path):
    code = ["".join(c["source"]) for c in _cells(path) if c["cell_type"] == "code"]
    setup = next(c for c in code if "%matplotlib widget" in c)
    assert "plots.setup(lecture=" in setup
