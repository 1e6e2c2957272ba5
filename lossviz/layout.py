"""Is a figure laid out so a student can read it? Checked with matplotlib's own renderer.

``problems(fig)`` lists, in words, what is wrong: a title, label, tick label, legend or text
that leaves the figure (it would be cut off), two texts drawn over each other, a figure wider
than a notebook column (``plots.MAX_WIDTH``). An empty list means nothing was found. The layout
test (``tests/test_layout.py``) calls it on every figure of every lesson, and on every explorer
with each control at its ends and middle.
"""

from __future__ import annotations

from itertools import combinations

from matplotlib.text import Text

from . import plots

# A pixel of slack: antialiased glyph edges touch without overlapping.
TOLERANCE_PX = 1.0


def problems(fig, max_width: float | None = None) -> list[str]:
    """What makes ``fig`` hard to read, as sentences; ``[]`` when nothing does."""
    max_width = plots.MAX_WIDTH if max_width is None else max_width
    found = []
    width = fig.get_size_inches()[0]
    if width > max_width + 1e-6:
        found.append(f"the figure is {width:.2f} in wide; a notebook column shows {max_width} in "
                     "(use plots.new_figure, which scales it down, or a smaller figsize)")  # fmt: skip
    fig.canvas.draw()  # places every text where it will be shown (layout engine included)
    renderer = fig.canvas.get_renderer()
    boxes = [(_name(t), t.get_window_extent(renderer)) for t in texts(fig)]
    frame = fig.bbox
    for name, box in boxes:
        if (box.x0 < frame.x0 - TOLERANCE_PX or box.y0 < frame.y0 - TOLERANCE_PX
                or box.x1 > frame.x1 + TOLERANCE_PX or box.y1 > frame.y1 + TOLERANCE_PX):  # fmt: skip
            found.append(f"{name} leaves the figure (it is cut off)")
    for (name_a, a), (name_b, b) in combinations(boxes, 2):
        overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
        overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
        if overlap_x > TOLERANCE_PX and overlap_y > TOLERANCE_PX:
            found.append(f"{name_a} and {name_b} overlap")
    return found


def texts(fig) -> list[Text]:
    """Every text the figure draws and a reader must read: titles, axis labels, the tick labels
    of ticks inside the view, offset texts, legend texts, and texts placed in axes or figure."""
    found = list(fig.texts)
    for extra in ("_suptitle", "_supxlabel", "_supylabel"):
        if getattr(fig, extra, None) is not None:
            found.append(getattr(fig, extra))
    every_axes = list(fig.axes)
    every_axes += [child for ax in fig.axes for child in ax.child_axes]  # secondary_xaxis and the like
    for ax in every_axes:
        if not ax.get_visible():
            continue
        found += [ax.title, ax._left_title, ax._right_title]
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.get_visible() or not ax.axison:  # a twin's hidden axis, or set_axis_off()
                continue
            found += [axis.label, axis.get_offset_text()]
            for tick in axis._update_ticks():  # the ticks inside the view, as drawn
                found += [tick.label1, tick.label2]
        found += list(ax.texts)
        legends = [ax.get_legend()] + list(fig.legends)
        for legend in legends:
            if legend is not None and legend.get_visible():
                found += list(legend.get_texts()) + [legend.get_title()]
    unique = list(dict.fromkeys(found))
    return [t for t in unique if t.get_visible() and t.get_text().strip() and _drawn(t)]


def _drawn(text: Text) -> bool:
    # A tick label can be visible with its tick switched off; an artist with alpha 0 is not seen.
    return text.get_alpha() != 0 and (text.axes is None or text.axes.get_visible())


def _name(text: Text) -> str:
    words = " ".join(text.get_text().split())
    return repr(words if len(words) <= 40 else words[:37] + "...")
