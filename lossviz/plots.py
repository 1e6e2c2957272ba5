"""Figures for the lessons: built once, with handles to the artists that move.

Nothing here imports ipywidgets; ``widgets.py`` wires sliders to these figures.

The visual language of the collection (every figure and explorer follows it; the layout test,
``tests/test_layout.py``, checks what can be checked by a program):

- **Colours.** The Okabe-Ito palette, which stays distinguishable for colour-blind readers and on
  a washed-out projector. One colour per loss in every lesson (``LOSS_COLOURS``: MSE blue, MAE
  orange, Huber green, cross-entropy vermillion, hinge purple). Two lines that must be told
  apart are never orange beside vermillion (they merge for deuteranopes): pair blue with orange,
  or blue with vermillion. Two classes differ by colour *and* marker (``scatter_classes``).
- **Text.** One title size (``axes.titlesize``; no ``fontsize=`` on a title). Numbers in titles,
  labels and readouts through ``num``: three significant figures, a true minus sign (−, not -),
  and ×10ⁿ instead of Python's e-notation. Tick labels use the true minus and ×10ⁿ too
  (``STYLE``). An axis that counts things (epochs, layers, frames) gets integer ticks
  (``integer_ticks``).
- **Layout.** Every figure has a layout engine (``new_figure`` and ``plt.subplots(layout=
  "constrained")``) and is at most ``MAX_WIDTH`` inches wide, so it fits a laptop's notebook
  column unscaled; no text leaves the figure and no two texts overlap, at any control position.
  An explorer whose control changes the static part re-solves the layout (``Explorer``).
- **Legends and labels.** A legend sits where moving artists never go, or outside the axes;
  where a legend would cover data, label the curves directly. Explorers draw legends *after*
  the moving artists, so a moving line never strikes through a legend.
- **Images.** No grid over a heatmap or an image (``surface_image`` and ``no_grid``); contour
  labels dark on a light band and light on a dark one (``surface_image``).
- **Axis limits** follow the data when a control changes its scale (an explorer calls
  ``static_changed`` after setting new limits); fixed limits only where comparing positions
  across settings is the point, and then wide enough for every setting.
- **Static figures** (no sliders) show no ipympl header, toolbar or resize grip (``new_figure``,
  and ``setup`` for pyplot's figures).
"""

from __future__ import annotations

import os

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from .i18n import _

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
    "axes.unicode_minus": True,  # tick labels: −1, not -1
    "axes.formatter.use_mathtext": True,  # ×10⁴ for an axis offset, not 1e4
    "axes.formatter.limits": (-3, 4),
    "figure.titlesize": "large",
}
# Lecture mode: read from the back of a room through a washed-out projector.
LECTURE = {
    "font.size": 15, "axes.titlesize": 16, "figure.titlesize": 16, "axes.labelsize": 15, "legend.fontsize": 13,
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
    The environment variable ``LOSSVIZ_LECTURE=1`` turns lecture mode on in every lesson
    (``LOSSVIZ_LECTURE=1 make lab`` before a class).
    """
    chosen = _choose_backend(os.environ.get("LOSSVIZ_BACKEND", backend))
    matplotlib.rcParams.update(STYLE)
    lecture_mode(lecture or os.environ.get("LOSSVIZ_LECTURE") == "1")
    return chosen


def _choose_backend(wanted: str) -> str:
    import importlib.util
    import sys

    if wanted not in ("auto", "widget", "inline"):
        raise ValueError(
            _("plots.setup: backend must be 'auto', 'widget' or 'inline', not {wanted!r}.").format(
                wanted=wanted)
        )
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
        raise ValueError(
            _("plots.setup: backend='widget' needs ipympl: `pip install ipympl`, or use "
              "backend='inline'.")
        )
    shell.run_line_magic("matplotlib", wanted)
    if wanted == "widget":  # every pyplot figure made from now on: no "Figure 1" header, no resize grip
        hooks = [h for h in matplotlib.rcParams["figure.hooks"] if h != "lossviz.plots:quiet_canvas"]
        matplotlib.rcParams["figure.hooks"] = hooks + ["lossviz.plots:quiet_canvas"]
    live = "live figures (ipympl): sliders move lines in place" if wanted == "widget" else \
        "inline figures: each slider move redraws a picture"
    print(f"lossviz: {live} ({why}). plots.setup(backend='inline' or 'widget') forces one.")
    return backend_kind()


def num(x, digits: int = 3) -> str:
    """A number as the lessons print it: ``digits`` significant figures, trailing zeros kept
    (as the sliders show theirs: d3's ``.3g``), a true minus sign, and ×10ⁿ (superscript)
    instead of e-notation outside 10⁻³ ≤ |x| < 10⁴. Integers stay integers.

    >>> num(-0.0203), num(1.4e6), num(12), num(2.5e-5), num(0.5), num(0.02)
    ('−0.0203', '1.40×10⁶', '12', '2.50×10⁻⁵', '0.500', '0.0200')
    """
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)) and abs(int(x)) < 10**6:
        return str(int(x)).replace("-", "\u2212")
    x = float(x)
    if not np.isfinite(x):
        return {np.inf: "∞", -np.inf: "−∞"}.get(x, "nan")
    if x != 0 and not 1e-3 <= abs(x) < 1e4:
        mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
        power = str(int(exponent)).translate(_SUPERSCRIPT)
        text = f"{mantissa}×10{power}"
    else:
        exponent = int(np.floor(np.log10(abs(x)))) if x != 0 else 0
        if exponent >= digits - 1:  # 100 ≤ |x| < 10⁴: whole numbers, rounded to `digits` figures
            rounded = round(x, digits - 1 - exponent)
            if abs(rounded) >= 1e4:  # 9999.7 rounds to 10⁴
                return num(rounded, digits)
            text = str(int(rounded))
        else:
            text = f"{x:#.{digits}g}".removesuffix(".")  # "10." -> "10"
    return text.replace("-", "\u2212")


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def integer_ticks(axis) -> None:
    """Ticks only at whole numbers, for an axis that counts things (epochs, layers, frames)."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, nbins="auto"))


def log_ticks(axis) -> None:
    """A log axis spanning a decade or two, labelled at 1, 2 and 5 × 10ⁿ (0.02, 0.05, 0.1, 0.2):
    matplotlib would label only the powers of ten, one label on such an axis, or every minor tick
    in e-notation (2×10⁻¹, 3×10⁻¹, 4×10⁻¹ ...), a crowd."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: num(v, 1)))
    axis.set_minor_formatter(NullFormatter())


def no_grid(ax) -> None:
    """No grid lines over a heatmap or an image."""
    ax.grid(False)


def quiet_canvas(fig) -> None:
    """An ipympl figure without the "Figure 1" header and the resize grip, which say nothing to
    a student (``setup`` installs this as a pyplot figure hook under ipympl; a no-op elsewhere)."""
    canvas = fig.canvas
    if hasattr(canvas, "header_visible"):
        canvas.header_visible = False
        canvas.resizable = False


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


_FIGURES: list = []  # weak references to every figure new_figure made (the layout test reads them)


def figures_made() -> list:
    """The figures ``new_figure`` made in this kernel and still alive, oldest first."""
    return [f for f in (ref() for ref in _FIGURES) if f is not None]


def fit_width(width: float, height: float) -> tuple[float, float]:
    """``(width, height)`` scaled down, proportions kept, to at most ``MAX_WIDTH`` inches wide."""
    if width <= MAX_WIDTH:
        return width, height
    return MAX_WIDTH, height * MAX_WIDTH / width


def new_figure(ncols: int = 2, width: float = 9.6, height: float = 4.0, mosaic=None):
    """A figure with ``ncols`` axes side by side that is *not* shown automatically.

    With ``mosaic`` (as in ``Figure.subplot_mosaic``) the axes come back as a dict by name.
    A ``width`` over ``MAX_WIDTH`` is scaled down to it (keeping the proportions).

    Under ipympl the figure needs pyplot's canvas widget; elsewhere a bare ``Figure`` is used so
    it is neither shown twice by the inline backend nor kept alive by pyplot.
    """
    import weakref

    width, height = fit_width(width, height)
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
    _FIGURES.append(weakref.ref(fig))
    if mosaic is not None:
        return fig, fig.subplot_mosaic(mosaic)
    return fig, list(fig.subplots(1, ncols, squeeze=False)[0])


def label(ax, title: str, xlabel: str, ylabel: str) -> None:
    """Every figure says what it shows: a title and both axes labelled (with units where any)."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if ax.images:
        ax.grid(False)  # no grid over a heatmap or an image
    else:
        ax.grid(True, alpha=0.3)


def surface_image(ax, w_values, b_values, surface, levels: int = 12, cmap: str = "viridis", avoid=()):
    """A loss surface drawn once: shaded image, labelled contour lines, and a colour bar.

    The colour is ``log(1 + L)`` so the valley stays visible next to steep walls; the contour
    lines are labelled with the loss itself (every other line, so labels never crowd), in white
    with a dark outline that reads on every colour of the map; the two innermost rings are left
    unlabelled, since paths and markers end in the valley and would cover them; so is any label
    within a tenth of the axes of a point in ``avoid`` (where a marker starts). No grid over the image.
    """
    from matplotlib import patheffects

    extent = (w_values[0], w_values[-1], b_values[0], b_values[-1])
    image = ax.imshow(np.log1p(surface), origin="lower", extent=extent, aspect="auto", cmap=cmap)
    contour_levels = np.quantile(surface, np.linspace(0.02, 0.9, levels))
    lines = ax.contour(w_values, b_values, surface, levels=np.unique(contour_levels),
                       colors="white", linewidths=0.7, alpha=0.8)  # fmt: skip
    labels = ax.clabel(lines, lines.levels[2::2], fontsize="x-small", fmt=lambda v: num(v))
    span = np.array([w_values[-1] - w_values[0], b_values[-1] - b_values[0]])
    for text in list(labels):
        if any(np.hypot(*((np.array(text.get_position()) - point) / span)) < 0.1 for point in avoid):
            text.remove()
            continue
        text.set_path_effects([patheffects.withStroke(linewidth=2.5, foreground="black")])
    ax.figure.colorbar(image, ax=ax, label="log(1 + loss)")
    no_grid(ax)
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
