"""Explorers of lesson 05 (applications): results trained once, a slider to compare them."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from . import checks, plots
from .explorer import Explorer, choice


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
            raise ValueError("DetectionExplorer: results is empty; train at least one weight.")
        self.results = dict(sorted(results.items()))
        self.names = class_names
        self.split = split
        super().__init__()

    def _controls(self):
        weights = list(self.results)
        return {"weight": choice("box-loss weight λ", weights, weights[len(weights) // 2])}

    def _build(self):
        k = min(len(self.images), 8)
        mosaic = [[f"i{j}" for j in range(4)] + ["trade"], [f"i{j}" for j in range(4, 8)] + ["trade"]]
        fig, axes = plots.new_figure(width=12, height=4.6, mosaic=mosaic)
        size = self.images.shape[-1]
        self.pred_boxes, self.labels = [], []
        for j in range(8):
            ax = axes[f"i{j}"]
            ax.set_axis_off()
            if j >= k:
                continue
            ax.imshow(self.images[j], cmap="gray", vmin=-0.3, vmax=1.2)
            x1, y1, x2, y2 = self.boxes[j] * size
            ax.add_patch(Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, ec=plots.PALETTE["green"], lw=1.5, ls="--"))
            rect = Rectangle((0, 0), 1, 1, fill=False, ec=plots.PALETTE["vermillion"], lw=2)
            ax.add_patch(rect)
            self.pred_boxes.append(rect)
            self.labels.append(ax.set_title("", fontsize="small"))
        ax = axes["trade"]
        weights = np.array(list(self.results))
        xs = np.arange(len(weights))
        acc = [r["accuracy"] for r in self.results.values()]
        miou = [r["miou"] for r in self.results.values()]
        ax.plot(xs, acc, "o-", color=plots.LOSS_COLOURS["cross_entropy"], label="class accuracy")
        ax.plot(xs, miou, "s-", color=plots.LOSS_COLOURS["huber"], label="mean IoU of boxes")
        if all("hits" in r for r in self.results.values()):
            hits = [r["hits"] for r in self.results.values()]
            ax.plot(xs, hits, "^--", color=plots.PALETTE["purple"], label="class right, IoU > 0.5")
        ax.set_xticks(xs, [f"{w:g}" for w in weights])
        ax.set_ylim(0, 1.05)
        self.now = ax.axvline(0, color="grey", lw=1)
        ax.legend(fontsize="small", loc="lower left")
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
        title = f"λ = {weight:g}: accuracy {r['accuracy']:.0%}\nmean IoU {r['miou']:.2f}"
        self.trade.set_title(title, fontsize="medium")

    def drawn(self) -> dict:
        return {"boxes": np.array([[r.get_x(), r.get_y(), r.get_x() + r.get_width(), r.get_y() + r.get_height()]
                                   for r in self.pred_boxes]) / self.size,
                "labels": [t.get_text() for t in self.labels]}  # fmt: skip


class GANExplorer(Explorer):
    """The generator's distribution at snapshots taken during training, against the real one.

    ``snapshots`` is a list of ``(step, samples, distance)``; everything was computed while
    training ran, so the slider only swaps which histogram is drawn.
    """

    def __init__(self, real, snapshots, bins=np.linspace(-4.5, 4.5, 61)):
        self.real = checks.as_float_array(real, "real", "GANExplorer").ravel()
        if not snapshots:
            raise ValueError("GANExplorer: no snapshots; record some while training.")
        self.snapshots = {int(step): (np.ravel(s), float(d)) for step, s, d in snapshots}
        self.bins = bins
        super().__init__()

    def density(self, samples):
        return np.histogram(samples, bins=self.bins, density=True)[0]

    def _controls(self):
        steps = list(self.snapshots)
        return {"step": choice("training step", steps, steps[0])}

    def _build(self):
        fig, (ax, ax_d) = plots.new_figure(2, 11, 3.8)
        centres = (self.bins[:-1] + self.bins[1:]) / 2
        ax.fill_between(centres, self.density(self.real), step="mid", color=plots.PALETTE["sky"], alpha=0.5, label="real data")
        self.fake, = ax.plot(centres, np.zeros_like(centres), drawstyle="steps-mid", lw=2,
                             color=plots.PALETTE["vermillion"], label="generator")  # fmt: skip
        top = max(self.density(self.real).max(), max(self.density(s).max() for s, _ in self.snapshots.values()))
        ax.set_ylim(0, top * 1.1)
        ax.legend(fontsize="small")
        plots.label(ax, "", "x", "density")
        steps = list(self.snapshots)
        ax_d.plot(steps, [d for _, d in self.snapshots.values()], "o-", color=plots.PALETTE["purple"])
        self.now, = ax_d.plot([], [], "o", ms=12, mfc="none", mec="k", mew=2)
        plots.label(ax_d, "distance to the real data", "training step", "Wasserstein-1 distance")
        self.ax = ax
        self.moving += [self.fake, self.now, ax.title]
        return fig

    def _draw(self, step):
        samples, distance = self.snapshots[step]
        self.fake.set_ydata(self.density(samples))
        self.now.set_data([step], [distance])
        self.ax.set_title(f"step {step}: W1 = {distance:.3f}, {np.mean(samples > 0):.0%} of samples right of 0", fontsize="medium")

    def drawn(self) -> dict:
        return {"density": np.asarray(self.fake.get_ydata()), "distance": float(self.now.get_ydata()[0])}
