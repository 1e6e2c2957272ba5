"""`pip install lossviz` gives the lessons everything they import, and one URL names the repository.

What a student on Colab does, `pip install "lossviz @ git+URL"`, builds the same wheel as the
test below: every module a notebook imports must be inside it.
"""

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))
import sync_links  # noqa: E402


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True)  # fmt: skip
    return next(out.glob("lossviz-*.whl"))


def imported_modules(code: str) -> set[str]:
    """Dotted names of the lossviz modules a piece of code imports (``from lossviz import data`` ->
    ``lossviz.data`` when data is a module, else ``lossviz``)."""
    found = set()
    for package, names in re.findall(r"^\s*from (lossviz(?:\.\w+)*) import ([\w ,]+)", code, re.M):
        found.add(package)
        for name in (n.split(" as ")[0].strip() for n in names.split(",")):
            candidate = ROOT / Path(*package.split("."), name)
            if candidate.with_suffix(".py").exists() or (candidate / "__init__.py").exists():
                found.add(f"{package}.{name}")
    found.update(re.findall(r"^\s*import (lossviz(?:\.\w+)*)", code, re.M))
    return found


def module_path(module: str) -> str:
    path = Path(*module.split("."))
    return str(path / "__init__.py") if (ROOT / path / "__init__.py").exists() else str(path) + ".py"


def test_the_wheel_holds_every_module_the_notebooks_import(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for notebook in NOTEBOOKS:
        code = "\n".join("".join(c["source"]) for c in json.loads(notebook.read_text())["cells"]
                         if c["cell_type"] == "code")  # fmt: skip
        modules = imported_modules(code)
        assert modules, f"{notebook.name} imports nothing from lossviz?"
        missing = [m for m in modules if module_path(m) not in names]
        assert not missing, f"{notebook.name} imports {missing}, which the wheel lacks"


def test_the_wheel_holds_the_whole_package_and_declares_what_it_imports(wheel):
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    sources = {str(p.relative_to(ROOT)) for p in (ROOT / "lossviz").rglob("*.py")}
    assert sources <= names, f"missing from the wheel: {sorted(sources - names)}"
    # lossviz.set_language("zh") on Colab reads the compiled catalogue from the installed package
    assert "lossviz/locale/zh_CN/LC_MESSAGES/lossviz.mo" in names
    metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    requires = {re.split(r"[<>=! ;\[]", line.split(":", 1)[1].strip())[0].lower()
                for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line}
    assert {"numpy", "matplotlib", "ipywidgets", "torch", "scikit-learn", "ipython"} <= requires
    assert "ipympl" not in requires, "ipympl is optional: Colab cannot use it, lossviz falls back to inline"
    extras = set(re.findall(r"^Provides-Extra: (\w+)", metadata, re.M))
    assert extras == {"lab", "test"}


def test_imported_modules_reads_the_import_forms_the_lessons_use():
    code = "from lossviz import data, plots\nfrom lossviz.exercises import mse as ex\nimport lossviz.ctc\n"
    assert imported_modules(code) == {"lossviz", "lossviz.data", "lossviz.plots", "lossviz.exercises",
                                      "lossviz.exercises.mse", "lossviz.ctc"}  # fmt: skip


def test_every_link_names_the_repository_of_pyproject():
    stale = sync_links.sync(check=True)
    assert not stale, f"{[str(p.relative_to(ROOT)) for p in stale]} name another repository: run `make links`"


def test_sync_links_rewrites_every_kind_of_link():
    text = ('[b](https://mybinder.org/v2/gh/OLD/x/HEAD?urlpath=lab) '
            '[c](https://colab.research.google.com/github/OLD/x/blob/main/notebooks/a.ipynb)\n'
            '    %pip install --quiet "lossviz @ git+https://github.com/OLD/x"\n')  # fmt: skip
    new = sync_links.rewrite(text, "me", "lossviz")
    assert "OLD" not in new and new.count("me/lossviz") == 3


def test_readme_links_every_lesson_to_colab():
    readme = (ROOT / "README.md").read_text()
    owner, name = sync_links.repository()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert sync_links.colab_url(owner, name, notebook.name) in readme, notebook.name
