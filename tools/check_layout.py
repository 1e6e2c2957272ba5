"""Run a lesson top to bottom without a browser and check the layout of everything it draws.

    python tools/check_layout.py notebooks/01_mean_squared_error.ipynb [--json]

Every figure a cell leaves (pyplot's and ``plots.new_figure``'s) is checked as it is; every
explorer is checked with each of its controls, one at a time, at its ends and its middle (the
other controls where the lesson left them). ``lossviz.layout.problems`` says what is wrong.

The lesson runs in this process with matplotlib's Agg backend and no IPython, so explorers take
the same path as under ipympl (blitting, a layout frozen after the first draw and re-solved when
the static part changes): a layout that goes wrong after a slider move goes wrong here too.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
from pathlib import Path

os.environ["MPLBACKEND"] = "Agg"


def run_lesson(path: Path) -> tuple[dict, list]:
    """Execute the lesson's code cells; return its namespace and, per cell, the figures it made."""
    import matplotlib.pyplot as plt

    from lossviz import plots

    nb = json.loads(path.read_text())
    namespace: dict = {"__name__": "__main__"}
    kept, made = [], []  # kept: last-expression values (IPython's Out keeps them alive too)
    os.chdir(path.parent)
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if "install-lossviz" in tags:
            continue
        before_plt, before_new = set(plt.get_fignums()), {id(f) for f in plots.figures_made()}
        source = "".join(cell["source"])
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        try:
            exec(compile(tree, f"{path.name} cell {index}", "exec"), namespace)
            if last is not None:
                kept.append(eval(compile(ast.Expression(last.value), f"{path.name} cell {index}", "eval"), namespace))
        except Exception:
            if "raises-exception" not in tags:
                raise
        for num in sorted(set(plt.get_fignums()) - before_plt):
            made.append((f"cell {index} figure {num}", plt.figure(num)))
        for fig in plots.figures_made():
            if id(fig) not in before_new:
                made.append((f"cell {index} figure", fig))
    namespace["__kept__"] = kept
    return namespace, made


def positions(control) -> list:
    """The ends and the middle of a control's range (or its first, middle and last choice)."""
    import ipywidgets as W

    choices = getattr(control, "_options_values", None)
    if choices is not None:
        choices = list(choices)
        return list(dict.fromkeys([choices[0], choices[len(choices) // 2], choices[-1]]))
    if isinstance(control, W.Checkbox | W.ToggleButton):
        return [False, True]
    lo, hi, step = control.min, control.max, control.step
    middle = lo + round((hi - lo) / 2 / step) * step
    if isinstance(control, W.IntSlider):
        middle = int(middle)
    return list(dict.fromkeys([lo, min(max(middle, lo), hi), hi]))


def check(path: Path) -> list[dict]:
    from lossviz import explorer, layout

    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        namespace, made = run_lesson(path)
    explorers = explorer.made()
    explorer_figs = {id(e.fig) for e in explorers}
    report = []
    for where, fig in made:
        if id(fig) in explorer_figs:
            continue
        report += [{"where": where, "problem": p} for p in layout.problems(fig)]
    for k, ex in enumerate(explorers, 1):
        name = f"explorer {k} ({type(ex).__name__})"
        start = ex.values()
        report += [{"where": f"{name} as built", "problem": p} for p in layout.problems(ex.fig)]
        for control, widget in ex.controls.items():
            for value in positions(widget):
                ex.set(**{control: value})
                report += [{"where": f"{name} at {control}={value!r}", "problem": p} for p in layout.problems(ex.fig)]
            ex.set(**start)
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--json", action="store_true", help="print the problems as JSON")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    report = check(args.notebook.resolve())
    if args.json:
        print(json.dumps(report))
    else:
        for row in report:
            print(f"{row['where']}: {row['problem']}")
        print(f"{len(report)} layout problem(s) in {args.notebook.name}")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
