"""Each lesson run as a student on Colab runs it, as closely as this machine can play that.

Colab copies one notebook, without the repository, into a Python that has torch, matplotlib and
scikit-learn but no usable ipympl. Here: a fresh virtual environment without ipympl, lossviz
installed from its built wheel (not editable, not this checkout), and each notebook copied alone
into an empty folder and run top to bottom with nbclient. `plots.setup` must fall back to the
inline backend and say so; every cell must run (the lessons check their own numbers).

What this cannot show: Colab's own front end, its preinstalled versions, and the install cell's
`pip install "lossviz @ git+URL"` (no GitHub here; the wheel it would build is the one tested).
Run times go to benchmarks/out/notebook_alone.json for `make bench`; no time is asserted.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every lesson, and one of the Chinese edition: its set_language("zh") must find the compiled
# message catalogue inside the installed wheel, as on Colab.
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + [ROOT / "notebooks" / "zh" / "07_faq_choosing_a_loss.ipynb"]
TIMES = ROOT / "benchmarks" / "out" / "notebook_alone.json"

RUN_ONE = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}},
               allow_error_outputs=True).execute()  # fmt: skip
out = []
for i, cell in enumerate(nb.cells):
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error" and "raises-exception" not in cell.metadata.get("tags", []):
            sys.exit(f"cell {i}: {o['ename']}: {o['evalue']}")
        if o.get("output_type") == "stream":
            out.append(o.get("text", ""))
print("".join(out))
"""


@pytest.fixture(scope="session")
def colab_python(tmp_path_factory) -> Path:
    """A fresh venv: torch (the pinned CPU build), lossviz from its wheel, a kernel; no ipympl."""
    base = tmp_path_factory.mktemp("colab")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(base / "wheel"), str(ROOT)], check=True, capture_output=True)  # fmt: skip
    wheel = next((base / "wheel").glob("lossviz-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(base / "venv")], check=True)
    python = base / "venv" / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "torch==2.13.0", str(wheel), "ipykernel", "nbclient", "nbformat"]  # fmt: skip
    done = subprocess.run(install, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    probe = "import importlib.util as u, lossviz; print(u.find_spec('ipympl') is None, lossviz.__file__)"
    no_ipympl, where = subprocess.run([str(python), "-c", probe], capture_output=True, text=True,
                                      check=True, cwd=base).stdout.split()  # fmt: skip
    assert no_ipympl == "True", "the Colab stand-in must not have ipympl"
    assert "site-packages" in where, f"lossviz must come from the wheel, not {where}"
    (base / "run_one.py").write_text(RUN_ONE)
    return python


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_lesson_runs_alone_with_the_inline_backend(colab_python, notebook, tmp_path):
    alone = tmp_path / notebook.name
    shutil.copy(notebook, alone)
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "PYTHONPATH", "LOSSVIZ_BACKEND")}
    start = time.perf_counter()
    done = subprocess.run([str(colab_python), str(colab_python.parent.parent.parent / "run_one.py"),
                           str(alone), str(tmp_path)], capture_output=True, text=True, cwd=tmp_path,
                          env=env)  # fmt: skip
    seconds = time.perf_counter() - start
    assert done.returncode == 0, f"{notebook.name} failed alone: {(done.stderr or done.stdout)[-3000:]}"
    assert "lossviz: inline figures" in done.stdout and "ipympl is not installed" in done.stdout
    if "zh" in notebook.parts:  # the installed wheel says its messages in Chinese
        probe = ("import lossviz; from lossviz import losses; lossviz.set_language('zh')\n"
                 "try: losses.mse([[1.0], [2.0]], [1.0, 2.0])\nexcept ValueError as e: print(e)")
        said = subprocess.run([str(colab_python), "-c", probe], capture_output=True, text=True, cwd=tmp_path).stdout
        assert "reshape" in said and any("\u4e00" <= ch <= "\u9fff" for ch in said), said
    TIMES.parent.mkdir(parents=True, exist_ok=True)
    times = json.loads(TIMES.read_text()) if TIMES.exists() else {}
    times[str(notebook.relative_to(ROOT / "notebooks"))] = round(seconds, 1)
    TIMES.write_text(json.dumps(times, indent=1, sort_keys=True))
