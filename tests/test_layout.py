"""Layout without a browser: nothing cut off, no text over text, no figure wider than a column.

Each lesson runs headless (tools/check_layout.py); every figure it leaves is checked, and every
explorer with each control at its ends and middle. The checker itself is tested first, on
figures broken on purpose, so a pass means something.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from lossviz import layout, plots

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _figure(width=6.0, height=3.0):
    fig = Figure(figsize=(width, height), layout="constrained")
    matplotlib.backends.backend_agg.FigureCanvasAgg(fig)
    return fig


def test_a_tidy_figure_has_no_problems():
    fig = _figure()
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], label="line")
    plots.label(ax, "a title", "x", "y")
    ax.legend()
    assert layout.problems(fig) == []


def test_a_label_cut_off_at_the_edge_is_found():
    fig = _figure()
    fig.set_layout_engine("none")  # no engine to rescue it: the x label hangs below the figure
    ax = fig.add_axes((0.1, 0.0, 0.85, 0.9))
    ax.set_xlabel("value (e.g. minutes)")
    found = layout.problems(fig)
    assert any("'value (e.g. minutes)' leaves the figure" in p for p in found), found


def test_two_texts_drawn_over_each_other_are_found():
    fig = _figure()
    ax = fig.subplots()
    ax.text(0.5, 0.5, "first text here")
    ax.text(0.52, 0.5, "second text here")
    found = layout.problems(fig)
    assert found == ["'first text here' and 'second text here' overlap"]


def test_a_figure_wider_than_a_notebook_column_is_found():
    fig = _figure(width=12.0)
    fig.subplots()
    assert any("12.00 in wide" in p for p in layout.problems(fig))


def test_new_figure_scales_a_wide_figure_down_to_a_column_keeping_its_proportions():
    fig, _ = plots.new_figure(2, 12.0, 4.8)
    width, height = fig.get_size_inches()
    assert width == pytest.approx(plots.MAX_WIDTH) and height == pytest.approx(4.8 * plots.MAX_WIDTH / 12.0)
    assert fig in plots.figures_made()


@pytest.mark.parametrize("value, text", [(-0.0203, "−0.0203"), (1.4e6, "1.40×10⁶"), (12, "12"), (-3, "−3"),
                                         (2.5e-5, "2.50×10⁻⁵"), (0.02, "0.0200"), (9999.7, "1.00×10⁴"),
                                         (2 / 3, "0.667"), (0.0, "0.00"), (100.0, "100"), (2710.5, "2710"),
                                         (-1234.5, "−1230"), (99.96, "100"), (float("inf"), "∞")])  # fmt: skip
def test_numbers_have_three_significant_figures_a_true_minus_and_no_e_notation_as_the_sliders_show(value, text):
    assert plots.num(value) == text


@pytest.mark.parametrize("lecture", [False, True], ids=["notebook", "lecture"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_figure_and_explorer_of_the_lesson_is_laid_out_at_every_control_end(path, lecture):
    # Lecture mode (large text for a projector) is where texts collide first.
    env = {**os.environ, "LOSSVIZ_LECTURE": "1" if lecture else "0"}
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "check_layout.py"), str(path), "--json"],
                         capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)  # fmt: skip
    assert run.stdout.strip(), f"the check did not run:\n{run.stderr[-3000:]}"
    report = json.loads(run.stdout.strip().splitlines()[-1])
    lines = [f"  {row['where']}: {row['problem']}" for row in report]
    assert not report, f"{len(report)} layout problem(s) in {path.name}:\n" + "\n".join(lines[:40])


def test_static_ipympl_figures_lose_their_header_and_resize_grip():
    class Canvas:  # what ipympl's canvas exposes
        header_visible, resizable = True, True

    fig = _figure()
    fig.canvas = Canvas()
    plots.quiet_canvas(fig)
    assert fig.canvas.header_visible is False and fig.canvas.resizable is False
    plots.quiet_canvas(_figure())  # an Agg canvas has neither: nothing to do, nothing raised


def test_surface_labels_leave_room_where_a_marker_starts():
    import matplotlib.pyplot as plt

    w = np.linspace(-4, 4, 81)
    surface = (w[None, :] - 1) ** 2 + (w[:, None] + 1) ** 2
    fig, ax = plt.subplots()
    plots.surface_image(ax, w, w, surface)
    positions = [t.get_position() for t in ax.texts]
    assert positions, "the surface should carry contour labels"
    start = positions[0]
    fig2, ax2 = plt.subplots()
    plots.surface_image(ax2, w, w, surface, avoid=[start])
    assert all(np.hypot(x - start[0], y - start[1]) >= 0.8 for x, y in (t.get_position() for t in ax2.texts))
    plt.close(fig)
    plt.close(fig2)
