"""Explorers: a figure built once, and sliders that only move its artists.

The pattern (GUIDE section 3), followed by every explorer:

1. ``__init__`` computes what the sliders cannot change (the data, a loss surface), once.
2. ``_build`` draws the figure once and keeps handles to the artists that move.
3. A slider move calls ``update(**values)``, which moves those artists (``_draw``) and redraws.
4. ``_draw`` also fills ``self.numbers``: the one or two numbers that matter at this setting
   (``{"loss": 2.25, "dL/dŷ": 3.0}``). The readout under the sliders shows the slider values and
   these numbers, in a fixed order; the figure's titles say the rest.

An explorer can be driven without a browser: ``ex.set(w=1.5)`` moves a slider exactly as a
student would and returns ``ex.drawn()``, the numbers read back from the artists;
``ex.update_ms`` holds how long each update took.
"""

from __future__ import annotations

import threading
import weakref
from time import perf_counter

import ipywidgets as W
import numpy as np
from IPython.display import display

from . import plots
from .i18n import _



def slider(description: str, lo: float, hi: float, value: float, step: float = 0.05,
           tooltip: str = "") -> W.FloatSlider:  # fmt: skip
    """A float slider that reports every position while dragged, with a readable label."""
    return W.FloatSlider(
        value=value, min=lo, max=hi, step=step, description=_(description),
        tooltip=_(tooltip or description), continuous_update=True, readout_format=".3g",
        style={"description_width": "initial"}, layout=W.Layout(width="420px"),
    )  # fmt: skip


def choice(description: str, options, value) -> W.SelectionSlider:
    """A slider over a fixed list (values trained or computed in advance); options may be
    values or ``(label, value)`` pairs."""
    return W.SelectionSlider(
        options=options, value=value, description=_(description), continuous_update=True,
        style={"description_width": "initial"}, layout=W.Layout(width="420px"),
    )  # fmt: skip


def settled_top(current: float | None, needed: float, slack: float = 2.0) -> float:
    """An axis' upper limit that changes now and then, not on every move: the ``current`` one while
    it holds ``needed`` and is no more than ``slack`` times it; else ``needed`` rounded up to a
    nice number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten).

    A new limit changes the static part (tick labels), which costs a full redraw (about 100-250 ms
    in a browser) where a slider move otherwise costs a blit; with this rule a slider dragged
    back and forth redraws only when the data leave the view or would fill less than half of it.
    """
    if current is not None and needed <= current <= slack * needed:
        return current
    return nice_ceiling(needed)


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (times a power of ten) at or above ``x``."""
    if x <= 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(x))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * power >= x * (1 - 1e-12):
            return float(m * power)
    return float(10 * power)


_MADE: list = []  # weak references to every explorer, in the order they were made


def made() -> list:
    """The explorers made in this kernel and still alive, oldest first (the browser tests use it
    to compare what a figure shows with a full redraw of the same explorer)."""
    return [e for e in (ref() for ref in _MADE) if e is not None]


class Explorer:
    """Base class: owns the controls, the figure, the redraw and the timing."""

    def __init__(self):
        _MADE.append(weakref.ref(self))
        self.mode = plots.backend_kind()
        self.update_ms: list[float] = []
        self._holding = False
        self._out = None
        self._background = None
        self._static_changed = False
        self._layout_frozen = False
        self.moving: list = []  # artists that sliders move; _build fills it
        self.numbers: dict = {}  # what the readout shows beside the slider values; _draw fills it
        self._on_top: list = []  # legends, drawn after the moving artists so nothing strikes through them
        # The numbers of the figure as text, under the controls: a screen reader can read them
        # (a canvas is opaque to it), and so can a browser test.
        self.readout = W.HTML(layout=W.Layout(margin="0 0 0 8px", width="95%"))  # fixed: no reflow on change
        self.controls = self._controls()
        self.fig = self._build()
        if self.mode not in ("inline", "static"):
            # Blitting: the static part is rendered once and kept as a bitmap; an update repaints
            # only the moving artists over it. A full draw (first show, a browser refresh)
            # recaptures that bitmap through the draw event.
            for artist in self.moving:
                artist.set_animated(True)
            self._refresh_on_top()
            self.fig.canvas.mpl_connect("draw_event", self._on_full_draw)
            _serialise_drawing(self.fig.canvas)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update(**self.values())

    # -- to be written by each explorer
    def _controls(self) -> dict[str, W.ValueWidget]:
        raise NotImplementedError

    def _build(self):
        raise NotImplementedError

    def _draw(self, **values) -> None:
        raise NotImplementedError

    def drawn(self) -> dict:
        raise NotImplementedError

    # -- shared machinery
    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, change) -> None:
        if not self._holding:
            self.update(**self.values())

    def update(self, **values) -> None:
        start = perf_counter()
        self._draw(**values)
        self.readout.value = self.readout_text()
        self._redraw()
        self.update_ms.append((perf_counter() - start) * 1e3)

    def readout_text(self) -> str:
        """The slider values, then the numbers that matter (``self.numbers``), in a fixed order."""
        settings = ", ".join(f"{getattr(c, 'description', '') or name} = {_shown(c)}"
                             for name, c in self.controls.items())  # fmt: skip
        # The names are marked with N_ where _draw writes them, and said in the student's language here.
        numbers = ", ".join(f"{_(name)} = {_fmt(value)}" for name, value in self.numbers.items())
        return f"{settings} → {numbers}" if numbers else settings

    def _redraw(self) -> None:
        with DRAWING:
            self._redraw_now()

    def _redraw_now(self) -> None:
        if self.mode == "static":
            return  # a static page shows the figure once, in its final state (_ipython_display_)
        if self.mode == "inline":
            if self._out is not None:  # inline has no live canvas: replace the shown PNG in place
                self._out.update(self.fig)
            return
        canvas = self.fig.canvas
        if self.mode == "ipympl" and getattr(canvas, "syncing_data_url", False):
            # No browser view has initialised this canvas yet (it is being displayed now, or there
            # is no front end, as under nbval). A frame pushed now would become ipympl's initial
            # image, which ipympl 0.10 stores without its "data:" prefix, and the view would fail
            # to load ("Error setting state"). Ask for a draw instead: the view makes it once it is
            # ready, and that full draw captures the background for blitting.
            self._static_changed = False
            canvas.draw_idle()
            return
        if self._background is None or self._static_changed:
            self._static_changed = False
            if self._layout_frozen:  # the static part changed: tick labels may be wider now
                self.fig.set_layout_engine("constrained")
                self._layout_frozen = False
            self._refresh_on_top()  # a legend made by this update must be drawn on top too
            canvas.draw()  # full render; _on_full_draw keeps the static bitmap
        else:
            canvas.restore_region(self._background)
            self._draw_moving()
            canvas.blit(self.fig.bbox)  # sent as a whole frame (_whole_frame), never a diff
            # The frame is up to date: without this, pyplot's post-execute hook (which ipywidgets
            # triggers on every slider message) would see a stale figure and redraw it in full.
            self.fig.stale = False

    def _on_full_draw(self, event) -> None:
        if self.fig.canvas.is_saving():
            # savefig (ipympl renders a PNG of the figure when it is displayed) draws the moving
            # artists too: a background copied now would hold them, and every later frame would
            # draw them twice (darker edges) or beside their old place (ghosts).
            return
        self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self._draw_moving()
        # The layout is settled after the first full draw; solving it again on every one only costs time.
        if self.fig.get_layout_engine() is not None and not self._layout_frozen:
            self.fig.set_layout_engine("none")
            self._layout_frozen = True
        # What is drawn is up to date. (Drawing a legend marks it changed; left stale, pyplot's
        # hook, which ipywidgets fires on every widget message, would ask the browser for another
        # full draw, whose frame brings another message: a redraw loop that never ends.)
        self.fig.stale = False

    def _draw_moving(self) -> None:
        # Lowest zorder first, as a full draw would; legends last, over every moving line.
        for artist in sorted(self.moving, key=lambda a: a.get_zorder()) + self._on_top:
            self.fig.draw_artist(artist)

    def _refresh_on_top(self) -> None:
        legends = [ax.get_legend() for ax in self.fig.axes] + list(self.fig.legends)
        self._on_top = [legend for legend in legends if legend is not None and legend.get_visible()]
        for legend in self._on_top:
            legend.set_animated(True)

    def static_changed(self) -> None:
        """Called by an explorer whose update changed the static part (new data, new limits)."""
        self._static_changed = True

    def set(self, **values) -> dict:
        """Move controls as a student would (all at once), then return what is drawn."""
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(
                    _("{explorer}.set: there is no control {name!r}; the controls are {controls}.").format(
                        explorer=type(self).__name__, name=name, controls=sorted(self.controls))
                )
            control = self.controls[name]
            if isinstance(control, W.FloatSlider) and not control.min <= value <= control.max:
                raise ValueError(
                    _("{explorer}.set: {name} = {value} is outside the slider's range [{min:g}, "
                      "{max:g}].").format(
                        explorer=type(self).__name__, name=name, value=value, min=control.min,
                        max=control.max)
                )
            choices = getattr(control, "_options_values", None)  # Dropdown, SelectionSlider
            if choices is not None and value not in choices:
                raise ValueError(
                    _("{explorer}.set: {name} = {value!r} is not one of the choices {choices}.").format(
                        explorer=type(self).__name__, name=name, value=value, choices=list(choices))
                )
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        self.update(**self.values())
        return self.drawn()

    def widget(self) -> W.VBox:
        box = W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap"))
        if self.mode == "ipympl":
            return W.VBox([box, self.readout, self.fig.canvas])
        return W.VBox([box, self.readout])  # inline: the picture follows, as its own output

    def _ipython_display_(self) -> None:
        if self.mode == "static":  # make html: the picture, the control values and the numbers, as text
            from IPython.display import Markdown

            display(self.fig, Markdown(_("*Explorer, as last set:* {readout}").format(readout=self.readout.value)))
            return
        display(self.widget())
        if self.mode == "inline":
            # A display with an id, updated in place on every move. (An Output widget holding the
            # picture made nbclient, and so nbval and the Colab test, hang now and then.)
            self._out = display(self.fig, display_id=True)


# One lock for every explorer's canvas: matplotlib's text rendering (FreeType) is not thread-safe
# either, so two figures must not be rendered at once by two threads.
DRAWING = threading.RLock()


def _serialise_drawing(canvas) -> None:
    """Whole frames, rendered by one thread at a time.

    ipykernel 7 runs widget and ipympl messages in a subshell thread and cell code in the main
    thread; ipympl's full draws (asked for by the browser) and an explorer's blits could then
    render the same Agg buffer at once, and a half-cleared buffer would reach the browser as a
    frame (a figure with white blocks, until the next move). And every frame leaves as a whole
    image, never as a diff against the previous one: ipympl's front end replaces its image
    before the previous one has loaded, so a diff can land on the wrong base (ghost digits, a
    stale arrow). A lock (``DRAWING``) around rendering and reading the pixels fixes the first;
    ``_whole_frame``, which replaces the canvas's frame read-out, fixes the second.
    """
    draw = canvas.draw

    def locked_draw(*args, **kwargs):
        with DRAWING:
            return draw(*args, **kwargs)

    canvas.draw = locked_draw
    if hasattr(canvas, "get_diff_image"):
        canvas.get_diff_image = lambda: _whole_frame(canvas)


def _whole_frame(canvas):
    """matplotlib webagg_core's ``get_diff_image``, always in 'full' mode: the whole figure as a
    PNG (``png_fast``)."""
    with DRAWING:
        if not canvas._png_is_old:
            return None
        pixels = np.asarray(canvas.get_renderer().buffer_rgba())
        canvas.set_image_mode("full")
        # ipympl makes the figure's data URL (its picture before a browser view exists, as under
        # nbconvert) from this copy of the last frame, not from the PNG.
        canvas._last_buff = pixels.view(np.uint32).squeeze(2).copy()
        canvas._force_full = canvas._png_is_old = False
        return png_fast(pixels)


def png_fast(rgba: np.ndarray) -> bytes:
    """A PNG of an ``(H, W, 4)`` uint8 image, made for speed: RGB when every pixel is opaque (a
    figure's canvas is), no row filter, zlib level 1. On a 960x440 figure with a colour map this
    takes half the time of Pillow's PNG at level 1 (which tries a filter per row) and is no larger:
    the frame a student waits for after every slider move."""
    import struct
    import zlib

    height, width, _ = rgba.shape
    opaque = bool(np.all(rgba[..., 3] == 255))
    pixels = rgba[..., :3] if opaque else rgba
    rows = np.zeros((height, 1 + pixels.shape[1] * pixels.shape[2]), np.uint8)  # byte 0: filter "none"
    rows[:, 1:] = pixels.reshape(height, -1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)  # 8 bits, RGB or RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1))
            + chunk(b"IEND", b""))  # fmt: skip


def _shown(control) -> str:
    # A choice shows its label (what the student reads on the control), a number through num.
    # (ipywidgets 8.1 leaves `label` empty until the choice first changes: read it by index.)
    labels, index = getattr(control, "_options_labels", None), getattr(control, "index", None)
    if labels is not None and index is not None:
        return str(labels[index])
    return _fmt(control.value)


def _fmt(value) -> str:
    return plots.num(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


