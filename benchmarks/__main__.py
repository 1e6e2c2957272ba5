"""``python -m benchmarks`` (or ``make bench``): measure, print the tables, write RESULTS.md.

    python -m benchmarks                 # everything but the fresh set-up (a few minutes)
    python -m benchmarks --setup         # also time the README's set-up from a clean clone (slow)
    python -m benchmarks --only surfaces # one section
    python -m benchmarks --quick --out /tmp/r.md   # tiny sizes: the smoke test in `make test`
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import measure

SECTIONS = ("notebooks", "explorers", "surfaces")

# Targets of issue 9, read from the table (never asserted by a test).
NOTEBOOK_S, NOTEBOOK_05_S, TOTAL_S = 20.0, 90.0, 240.0
EXPLORER_P95_MS, EXPLORER_SPEEDUP = 30.0, 5.0
PEAK_MB, SURFACE_SPEEDUP = 600.0, 20.0


def mark(ok: bool) -> str:
    return "✓" if ok else "✗ missed"


def table(rows: list[dict], columns: list[tuple[str, str, str]]) -> list[str]:
    """Markdown table; columns are (key, heading, format)."""
    lines = ["| " + " | ".join(h for _, h, _ in columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(format(row[k], f) for k, _, f in columns) + " |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    parser.add_argument("--setup", action="store_true", help="also time a fresh set-up (slow)")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument("--out", default=str(measure.ROOT / "benchmarks" / "RESULTS.md"))
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    out = ["# lossviz benchmarks", "", *measure.header(), ""]
    out += [f"`import lossviz` adds {measure.import_time():.1f} ms after NumPy.", ""]

    if "notebooks" in only:
        paths = sorted((measure.ROOT / "notebooks").glob("*.ipynb"))
        if args.quick:
            paths = paths[:1]
        rows = measure.notebooks(paths, repeats=1 if args.quick else 3)
        for r in rows:
            limit = NOTEBOOK_05_S if r["notebook"].startswith("05") else NOTEBOOK_S
            r["ok"] = mark(r["median_s"] < limit and r["peak_mb"] < PEAK_MB)
        total = sum(r["median_s"] for r in rows)
        out += ["## Notebooks: fresh kernel, top to bottom (best and median of 3)", "",
                f"Targets: each under {NOTEBOOK_S:g} s (05 under {NOTEBOOK_05_S:g} s), peak kernel memory "
                f"under {PEAK_MB:g} MB, all under {TOTAL_S:g} s.", ""]  # fmt: skip
        out += table(rows, [("notebook", "notebook", "s"), ("best_s", "best s", ".1f"),
                            ("median_s", "median s", ".1f"), ("peak_mb", "peak RSS MB", ".0f"), ("ok", "target", "s")])  # fmt: skip
        out += ["", f"Whole collection (sum of medians): {total:.1f} s {mark(total < TOTAL_S)}", ""]

    if "explorers" in only:
        rows = measure.explorers(moves=10 if args.quick else 200, naive_moves=3 if args.quick else 20)
        for r in rows:
            r["ok"] = mark(r["ipympl_p95_ms"] < EXPLORER_P95_MS and r["speedup"] >= EXPLORER_SPEEDUP)
        out += ["## Explorers: one slider move, set to figure redrawn (ms)", "",
                "*ipympl-style*: move the artists, blit them over the cached background, and encode the "
                "whole figure as a PNG, as the explorers send every frame (never a diff). *inline*: the same moves, but a "
                "whole PNG per move (what `%matplotlib inline` must do). *naive interact*: the callback "
                "rebuilds the figure and its data on every move, then sends a PNG. Speed-up is naive "
                f"median / ipympl-style median. Targets: ipympl p95 under {EXPLORER_P95_MS:g} ms and at least "
                f"{EXPLORER_SPEEDUP:g}x faster than naive.", ""]  # fmt: skip
        out += table(rows, [("explorer", "explorer", "s"), ("ipympl_median_ms", "ipympl median", ".1f"),
                            ("ipympl_p95_ms", "ipympl p95", ".1f"), ("inline_median_ms", "inline median", ".1f"),
                            ("inline_p95_ms", "inline p95", ".1f"), ("naive_median_ms", "naive median", ".1f"),
                            ("speedup", "speed-up", ".0f"), ("ok", "target", "s")])  # fmt: skip
        out.append("")

    if "surfaces" in only:
        grid, n = (16, 50) if args.quick else (256, 1000)
        rows = measure.surfaces(grid=grid, n=n, loop_grid=None if args.quick else 64)
        for r in rows:
            r["ok"] = mark(r["speedup"] >= SURFACE_SPEEDUP)
        out += [f"## Surfaces: {grid}x{grid} grid over {n} points (ms)", "",
                "Against a Python loop over the grid calling the PyTorch loss at each point (timed on "
                f"64x64 points and scaled to the grid). Target: at least {SURFACE_SPEEDUP:g}x faster.", ""]  # fmt: skip
        out += table(rows, [("surface", "surface", "s"), ("lossviz_ms", "lossviz", ".1f"),
                            ("loop_ms", "torch loop", ".0f"), ("speedup", "speed-up", ".0f"), ("ok", "target", "s")])  # fmt: skip
        out.append("")

    latency = measure.browser_latency()
    if latency:
        out += ["## Browser: slider input to repaint in Chromium (ms, from tests/e2e)", ""]
        out += table(latency, [("explorer", "explorer", "s"), ("median_ms", "median", ".0f"), ("p95_ms", "p95", ".0f")])
        out.append("")

    if args.setup:
        s = measure.fresh_setup()
        out += ["## Fresh set-up", "", f"`make venv` in a clean clone: {s['setup_s']:.0f} s; "
                f".venv is {s['venv_mb']:.0f} MB.", ""]  # fmt: skip

    text = "\n".join(out)
    print(text)
    Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
