"""Explorers of lesson 05 (applications): results trained once, a slider to compare them."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from . import checks, plots
from .explorer import Explorer, choice, settled_top
from .i18n import N_, _


class DetectionExplorer(Explorer):
    """A detector trained with ``CE + weight * box loss`` for several weights: the slider picks
    one and shows its predicted boxes and classes on held-out images, and where it sits on the
    accuracy / IoU trade-off.

    ``results`` maps each weight to a dict with ``boxes`` (K, 4), ``classes`` (K,) predicted for
    the K images shown, and the ``accuracy`` and ``miou`` (mean IoU) on the ``split`` those images
    come from (a validation set: the test set is for the one chosen weight); an optional ``hits``
    (class right and IoU above 0.5) is drawn as a third line.
    """

    def __init__(self, images, boxes, classes, results: dict,
                 class_names=("square", "disc", "triangle"), split: str = "validation set"):  # fmt: skip
        self.images = checks.as_float_array(images, "images", "DetectionExplorer")
        self.boxes = checks.as_float_array(boxes, "boxes", "DetectionExplorer")
        self.classes = np.asarray(classes)
        if not results:
            raise ValueError(_("DetectionExplorer: results is empty; train at least one weight."))
        self.results = dict(sorted(results.items()))
        self.names = class_names
        self.split = split
        super().__init__()

    def _controls(self):
        weights = list(self.results)
        options = [(_setting(w), w) for w in weights]  # labelled as the ticks and the title write them
        return {"weight": choice(N_("box-loss weight λ"), options, weights[len(weights) // 2])}

    def _build(self):
        k = min(len(self.images), 8)
        # Four columns of images, then the trade-off panel two columns wide.
        mosaic = [[f"i{j}" for j in range(4)] + ["trade"] * 2, [f"i{j}" for j in range(4, 8)] + ["trade"] * 2]
        fig, axes = plots.new_figure(width=9.6, height=4.6, mosaic=mosaic)
        size = self.images.shape[-1]
        self.pred_boxes, self.labels = [], []
        for j in range(8):
            ax = axes[f"i{j}"]
            ax.set_axis_off()  # an image, no pixel coordinates
            ax.set_xticks([])  # and no tick labels, even hidden ones, for the layout to place
            ax.set_yticks([])
            plots.no_grid(ax)
            if j >= k:
                ax.set_visible(False)
                continue
            ax.imshow(self.images[j], cmap="gray", vmin=-0.3, vmax=1.2)
            x1, y1, x2, y2 = self.boxes[j] * size
            ax.add_patch(Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, ec=plots.PALETTE["green"], lw=1.5, ls="--"))
            rect = Rectangle((0, 0), 1, 1, fill=False, ec=plots.PALETTE["vermillion"], lw=2)
            ax.add_patch(rect)
            self.pred_boxes.append(rect)
            self.labels.append(ax.set_title(""))
        ax = axes["trade"]
        weights = np.array(list(self.results))
        xs = np.arange(len(weights))
        acc = [r["accuracy"] for r in self.results.values()]
        miou = [r["miou"] for r in self.results.values()]
        # Blue for the boxes' IoU: the true boxes on the images are green, the predicted ones vermillion.
        lines = [ax.plot(xs, acc, "o-", color=plots.LOSS_COLOURS["cross_entropy"], label="class accuracy")[0],
                 ax.plot(xs, miou, "s-", color=plots.PALETTE["blue"], label="mean IoU of boxes")[0]]  # fmt: skip
        self.has_hits = all("hits" in r for r in self.results.values())
        if self.has_hits:
            hits = [r["hits"] for r in self.results.values()]
            lines += ax.plot(xs, hits, "^--", color=plots.PALETTE["purple"], label="class right, IoU > 0.5")
        ax.set_xticks(xs, [_setting(w) for w in weights])
        ax.set_ylim(0, 1.05)
        self.now = ax.axvline(0, color="grey", lw=1)
        # Below the figure, where nothing moves: the lines reach every height of the panel.
        fig.legend(handles=lines, loc="outside lower center", ncols=len(lines), fontsize="small")
        plots.label(ax, "", "box-loss weight λ", f"on the {self.split}")
        self.trade, self.size, self.weights = ax, size, list(weights)
        self.moving += [*self.pred_boxes, *self.labels, self.now, ax.title]
        return fig

    def _draw(self, weight):
        r = self.results[weight]
        for j, (rect, text) in enumerate(zip(self.pred_boxes, self.labels)):
            x1, y1, x2, y2 = np.asarray(r["boxes"][j]) * self.size
            rect.set_bounds(x1, y1, x2 - x1, y2 - y1)
            ok = int(r["classes"][j]) == int(self.classes[j])
            text.set_text(f"{self.names[int(r['classes'][j])]} {'✓' if ok else '✗'}")
            text.set_color("black" if ok else plots.PALETTE["vermillion"])
        i = self.weights.index(weight)
        self.now.set_xdata([i, i])
        self.trade.set_title(f"λ = {_setting(weight)}: accuracy {plots.num(r['accuracy'])},\n"
                             f"mean IoU {plots.num(r['miou'])}")  # fmt: skip
        self.numbers = {N_("accuracy"): r["accuracy"], N_("mean IoU"): r["miou"]}
        if self.has_hits:
            self.numbers[N_("class right, IoU > 0.5")] = r["hits"]

    def drawn(self) -> dict:
        return {"boxes": np.array([[r.get_x(), r.get_y(), r.get_x() + r.get_width(), r.get_y() + r.get_height()]
                                   for r in self.pred_boxes]) / self.size,
                "labels": [t.get_text() for t in self.labels]}  # fmt: skip


def _setting(value: float) -> str:
    """A weight chosen from a short list (0, 0.1, 1, 10), written as it was chosen: no trailing
    zeros, which would claim a precision a setting does not have; ``num`` beyond 10⁻³ and 10⁴."""
    text = f"{value:g}"
    return plots.num(value) if "e" in text else text.replace("-", "\u2212")


class GANExplorer(Explorer):
    """The generator's distribution at snapshots taken during training, against the real one.

    ``snapshots`` is a list of ``(step, samples, distance)``; everything was computed while
    training ran, so the slider only swaps which histogram is drawn. The density axis follows
    the step shown (a narrow blob at the start would flatten every later histogram).
    """

    def __init__(self, real, snapshots, bins=None, width: float = 0.15):
        self.real = checks.as_float_array(real, "real", "GANExplorer").ravel()
        if not snapshots:
            raise ValueError(_("GANExplorer: no snapshots; record some while training."))
        self.snapshots = {int(step): (np.ravel(s), float(d)) for step, s, d in snapshots}
        if bins is None:  # bins of `width` over 99.8% of all samples, pooled over the steps: a few
            # stray samples do not squeeze the view, and those outside still count in the density's total
            every = np.concatenate([self.real, *(s for s, _ in self.snapshots.values())])
            every = every[np.isfinite(every)]
            low, high = np.quantile(every, [0.001, 0.999])
            lo, hi = np.floor(low * 2) / 2, np.ceil(high * 2) / 2
            bins = np.linspace(lo, hi, int(round((hi - lo) / width)) + 1)
        self.bins = np.asarray(bins, float)
        self._densities = {step: self.density(s) for step, (s, _) in self.snapshots.items()}
        super().__init__()

    def density(self, samples):
        """Counts per bin / (number of samples × bin width): a sample outside the bins still
        counts in the total, so a cut-off tail lowers the curve instead of inflating it."""
        counts, edges = np.histogram(samples, bins=self.bins)
        return counts / (len(samples) * np.diff(edges))

    def _controls(self):
        steps = list(self.snapshots)
        control = choice(N_("training step"), steps, steps[0])
        if len(steps) > 1 and not control.label:
            # ipywidgets 8 leaves .label empty when the first option is the initial value, and the
            # readout shows the label; choosing another option and back fills it (no observer yet).
            control.index = 1
            control.index = 0
        return {"step": control}

    def _build(self):
        fig, (ax, ax_d) = plots.new_figure(2, 9.6, 3.8)
        centres = (self.bins[:-1] + self.bins[1:]) / 2
        real_density = self.density(self.real)
        self.real_top = real_density.max()
        shade = ax.fill_between(centres, real_density, step="mid", color=plots.PALETTE["sky"], alpha=0.5, label="real data")
        self.fake, = ax.plot(centres, np.zeros_like(centres), drawstyle="steps-mid", lw=2,
                             color=plots.PALETTE["vermillion"], label="generator")  # fmt: skip
        self.top = None  # the density axis's upper limit, set by _draw for the step shown
        ax.set_xlim(self.bins[0], self.bins[-1])
        # Below the figure: the generator's histogram can reach any height of the panel.
        fig.legend(handles=[shade, self.fake], loc="outside lower center", ncols=2, fontsize="small")
        plots.label(ax, "", "x", "density")
        steps = list(self.snapshots)
        ax_d.plot(steps, [d for _, d in self.snapshots.values()], "o-", color=plots.PALETTE["purple"])
        self.now, = ax_d.plot([], [], "o", ms=12, mfc="none", mec="k", mew=2, zorder=3)
        plots.label(ax_d, "distance to the real data", "training step", "Wasserstein-1 distance")
        plots.integer_ticks(ax_d.xaxis)
        ax_d.xaxis.get_major_locator().set_params(nbins=5)  # steps run to thousands: few labels, or they touch
        self.ax = ax
        self.moving += [self.fake, self.now, ax.title]
        return fig

    def _draw(self, step):
        samples, distance = self.snapshots[step]
        density = self._densities[step]
        top = settled_top(self.top, 1.1 * max(self.real_top, density.max()))
        if top != self.top:  # only a new limit changes the static part (the y tick labels)
            self.ax.set_ylim(0, top)
            self.top = top
            self.static_changed()
        self.fake.set_ydata(density)
        self.now.set_data([step], [distance])
        self.ax.set_title(f"step {step}: W1 = {plots.num(distance)}")
        self.numbers = {N_("W1"): distance, N_("share right of 0"): float(np.mean(samples > 0))}

    def drawn(self) -> dict:
        return {"density": np.asarray(self.fake.get_ydata()), "distance": float(self.now.get_ydata()[0]),
                "ylim": tuple(self.ax.get_ylim())}  # fmt: skip
