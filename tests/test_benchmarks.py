"""Smoke test: the benchmark code runs end to end on tiny sizes, so it cannot rot.

It asserts that every section produced its table, never how fast anything was:
times are read from benchmarks/RESULTS.md by a person.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmarks_run_on_tiny_sizes(tmp_path):
    out = tmp_path / "RESULTS.md"
    subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
                   cwd=ROOT, check=True, capture_output=True, text=True, timeout=600)  # fmt: skip
    text = out.read_text()
    for heading in ["## Notebooks", "## Explorers", "## Surfaces", "- versions:"]:
        assert heading in text
    assert "| 01 LinearFitExplorer |" in text and "| 00_introduction.ipynb |" in text
