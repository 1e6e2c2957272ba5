"""Figures for the lessons: built once, with handles to the artists that move.

Nothing here imports ipywidgets; ``widgets.py`` wires sliders to these figures.
Colours come from the Okabe-Ito palette, which stays distinguishable for colour-blind readers
and on a washed-out projector.
"""

from __future__ import annotations

import os

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# Okabe & Ito (2008), "Color Universal Design".
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
# One colour per loss, the same in every lesson, so a student learns them once.
LOSS_COLOURS = {
    "mse": PALETTE["blue"],
    "mae": PALETTE["orange"],
    "huber": PALETTE["green"],
    "cross_entropy": PALETTE["vermillion"],
    "hinge": PALETTE["purple"],
}


# The house style, for every figure of a lesson (set once by ``setup``).
STYLE = {
    "axes.prop_cycle": matplotlib.cycler(color=[PALETTE[k] for k in
                                                ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]),
    "axes.grid": True,
    "grid.alpha": 0.3,
}
# Lecture mode: read from the back of a room through a washed-out projector.
LECTURE = {
    "font.size": 15, "axes.titlesize": 16, "axes.labelsize": 15, "legend.fontsize": 13,
    "xtick.labelsize": 13, "ytick.labelsize": 13, "lines.linewidth": 3.0, "lines.markersize": 9,
    "axes.linewidth": 1.5,
}  # fmt: skip
_saved: dict = {}


def setup(lecture: bool = False, backend: str = "auto") -> str:
    """Once per notebook: the plotting backend, the colour-blind-safe house style, and
    ``lecture=True`` for a projector. Returns the backend chosen.

    ``backend="auto"`` picks live figures (ipympl, ``%matplotlib widget``) where the front end
    can show them (JupyterLab, Notebook 7, VS Code) and pictures (``%matplotlib inline``) where
    it cannot: on Google Colab, whose ipympl support is broken at present, or where ipympl is not
    installed. ``backend="widget"`` or ``"inline"`` forces one (so does the environment variable
    ``LOSSVIZ_BACKEND``). Outside IPython (scripts, tests) the backend is left as it is.
    """
    chosen = _choose_backend(os.environ.get("LOSSVIZ_BACKEND", backend))
    matplotlib.rcParams.update(STYLE)
    lecture_mode(lecture)
    return chosen


def _choose_backend(wanted: str) -> str:
    import importlib.util
    import sys

    if wanted not in ("auto", "widget", "inline"):
        raise ValueError(f"plots.setup: backend must be 'auto', 'widget' or 'inline', not {wanted!r}.")
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    if shell is None:
        return backend_kind()  # a script or a test: leave the backend as it is
    if os.environ.get("LOSSVIZ_STATIC") == "1":  # `make html`: pictures in the page, no live widgets
        shell.run_line_magic("matplotlib", "inline")
        return backend_kind()
    why = "you asked for it"
    if wanted == "auto":
        if "google.colab" in sys.modules:
            wanted, why = "inline", "Colab cannot show ipympl figures yet"
        elif importlib.util.find_spec("ipympl") is None:
            wanted, why = "inline", "ipympl is not installed"
        else:
            wanted, why = "widget", "this front end can show live figures"
    if wanted == "widget" and importlib.util.find_spec("ipympl") is None:
        raise ValueError("plots.setup: backend='widget' needs ipympl: `pip install ipympl`, "
                         "or use backend='inline'.")  # fmt: skip
    shell.run_line_magic("matplotlib", wanted)
    live = "live figures (ipympl): sliders move lines in place" if wanted == "widget" else \
        "inline figures: each slider move redraws a picture"
    print(f"lossviz: {live} ({why}). plots.setup(backend='inline' or 'widget') forces one.")
    return backend_kind()


def lecture_mode(on: bool = True) -> None:
    """Switch the projector style on (large text, thick lines) or off (restores what it changed).

    It applies to every figure made after the call: re-run the cells you want to show.
    """
    if on and not _saved:
        _saved.update({k: matplotlib.rcParams[k] for k in LECTURE})
        matplotlib.rcParams.update(LECTURE)
    elif not on and _saved:
        matplotlib.rcParams.update(_saved)
        _saved.clear()


def backend_kind() -> str:
    """'ipympl' (``%matplotlib widget``), 'inline' (``%matplotlib inline``), 'headless' (Agg),
    or 'static' when ``LOSSVIZ_STATIC=1`` (``make html``: pictures and text, no live widgets)."""
    if os.environ.get("LOSSVIZ_STATIC") == "1":
        return "static"
    backend = matplotlib.get_backend().lower()
    if "ipympl" in backend or "widget" in backend or "nbagg" in backend:
        return "ipympl"
    if "inline" in backend:
        return "inline"
    return "headless"


# Widest figure, in inches at 100 dpi: a notebook beside JupyterLab's file browser on a 1366-pixel
# laptop screen has about 980 pixels; wider figures are scaled down, keeping their proportions.
MAX_WIDTH = 9.6


def new_figure(ncols: int = 2, width: float = 10.0, height: float = 4.0, mosaic=None):
    """A figure with ``ncols`` axes side by side that is *not* shown automatically.

    With ``mosaic`` (as in ``Figure.subplot_mosaic``) the axes come back as a dict by name.

    Under ipympl the figure needs pyplot's canvas widget; elsewhere a bare ``Figure`` is used so
    it is neither shown twice by the inline backend nor kept alive by pyplot.
    """
    if backend_kind() == "ipympl":
        with plt.ioff():
            fig = plt.figure(figsize=(width, height))
        # pyplot redraws an interactive figure in full whenever an artist changes; explorers
        # repaint what moved themselves (blitting), so that second, full redraw is switched off.
        fig.stale_callback = None
        fig.canvas.header_visible = False
        fig.canvas.toolbar_visible = False
        fig.canvas.resizable = False
    else:
        fig = Figure(figsize=(width, height))
        FigureCanvasAgg(fig)  # a canvas that really renders, so headless updates can be timed
    fig.set_layout_engine("constrained")
    if mosaic is not None:
        return fig, fig.subplot_mosaic(mosaic)
    return fig, list(fig.subplots(1, ncols, squeeze=False)[0])


def label(ax, title: str, xlabel: str, ylabel: str) -> None:
    """Every figure says what it shows: a title and both axes labelled (with units where any)."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)


def surface_image(ax, w_values, b_values, surface, levels: int = 12, cmap: str = "viridis"):
    """A loss surface drawn once: shaded image, labelled contour lines, and a colour bar.

    The colour is ``log(1 + L)`` so the valley stays visible next to steep walls; the contour
    lines are labelled with the loss itself.
    """
    extent = (w_values[0], w_values[-1], b_values[0], b_values[-1])
    image = ax.imshow(np.log1p(surface), origin="lower", extent=extent, aspect="auto", cmap=cmap)
    contour_levels = np.quantile(surface, np.linspace(0.02, 0.9, levels))
    lines = ax.contour(w_values, b_values, surface, levels=np.unique(contour_levels),
                       colors="white", linewidths=0.7, alpha=0.8)  # fmt: skip
    ax.clabel(lines, fontsize="x-small", fmt="%.3g")
    ax.figure.colorbar(image, ax=ax, label="log(1 + loss)")
    return image


def scatter_classes(ax, X, y, classes=(0, 1), names=None) -> None:
    """Points of two classes, told apart by colour *and* marker (circles, squares), so they
    stay distinct in greyscale and for colour-blind readers."""
    for k, (label, colour, marker) in enumerate(zip(classes, (PALETTE["blue"], PALETTE["orange"]), "os")):
        pts = X[y == label]
        name = names[k] if names else f"class {label}"
        ax.scatter(pts[:, 0], pts[:, 1], s=16, color=colour, marker=marker, label=name)


def residual_segments(x, pred, y) -> np.ndarray:
    """Vertical segments from each prediction to its target, for a ``LineCollection``."""
    return np.stack([np.column_stack([x, pred]), np.column_stack([x, y])], axis=1)
