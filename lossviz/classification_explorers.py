"""Explorers of lessons 02 and 03 (classification): softmax and cross-entropy, label smoothing,
logistic regression on its loss surface, losses of the margin, and a linear SVM."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.ticker import MaxNLocator

from . import checks, losses, margins, plots, surfaces, svm
from .explorer import Explorer, choice, settled_top, slider
from .i18n import N_, _


def _bars(ax, n, colour, offset=0.0, width=0.8, label=None):
    return list(ax.bar(np.arange(n) + offset, np.zeros(n), width=width, color=colour, label=label))


class SoftmaxExplorer(Explorer):
    """Logits as sliders: the softmax probabilities, the cross-entropy for the true class, and
    its gradient ``p - y``. Temperature T divides the logits before the softmax."""

    def __init__(self, classes=("cat", "dog", "bird"), logits=(2.0, 1.0, 0.1), true_class: int = 0):
        self.classes = tuple(classes)
        if len(logits) != len(self.classes):
            raise ValueError(
                _("SoftmaxExplorer: give one logit per class: {n_classes} classes but {n_logits} "
                  "logits.").format(n_classes=len(self.classes), n_logits=len(logits))
            )
        if not 0 <= true_class < len(self.classes):
            raise ValueError(
                _("SoftmaxExplorer: true_class must be in 0..{value}, got {true_class}.").format(
                    value=len(self.classes) - 1, true_class=true_class)
            )
        self._initial = (tuple(float(z) for z in logits), true_class)
        super().__init__()

    def _controls(self):
        logits, true_class = self._initial
        controls = {f"z{k}": slider(f"logit z{k} ({name})", -6.0, 6.0, logits[k])
                    for k, name in enumerate(self.classes)}  # fmt: skip
        controls["T"] = slider(N_("temperature T"), 0.1, 5.0, 1.0)
        controls["true_class"] = W.Dropdown(options=[(n, k) for k, n in enumerate(self.classes)],
                                            value=true_class, description=_("true class"))  # fmt: skip
        return controls

    def _build(self):
        fig, (ax_p, ax_g) = plots.new_figure(2, 9.6, 3.8)
        C = len(self.classes)
        self.prob_bars = _bars(ax_p, C, plots.PALETTE["blue"])
        self.grad_bars = _bars(ax_g, C, plots.PALETTE["vermillion"])
        for ax in (ax_p, ax_g):
            ax.set_xticks(range(C), self.classes)
        ax_p.set_ylim(0, 1.05)
        ax_g.set_ylim(-1.05, 1.05)
        ax_g.axhline(0, color="grey", lw=0.8)
        plots.label(ax_p, "", "class", "probability softmax(z / T)")
        plots.label(ax_g, "", "class", "gradient dL/d(z/T) = p − y")
        self.ax_p, self.ax_g = ax_p, ax_g
        self.moving += [*self.prob_bars, *self.grad_bars, ax_p.title, ax_g.title]
        return fig

    def _draw(self, T, true_class, **logits):
        z = np.array([logits[f"z{k}"] for k in range(len(self.classes))]) / T
        p = losses.softmax(z)
        loss = losses.cross_entropy(z[None], [true_class])
        grad = losses.cross_entropy_grad(z[None], [true_class])[0]
        for k, (bp, bg) in enumerate(zip(self.prob_bars, self.grad_bars)):
            bp.set_height(p[k])
            bg.set_height(grad[k])
            bp.set_edgecolor("black" if k == true_class else "none")
            bp.set_linewidth(2.5 if k == true_class else 0)
        name = self.classes[true_class]
        self._loss = float(loss)
        self.ax_p.set_title(f"CE = −log p({name}) = {plots.num(loss)}")
        self.ax_g.set_title(f"pushes z{true_class} up by {plots.num(-grad[true_class])}")
        self.numbers = {f"p({name})": float(p[true_class]), N_("CE"): float(loss)}

    def drawn(self) -> dict:
        return {"probabilities": np.array([b.get_height() for b in self.prob_bars]),
                "gradient": np.array([b.get_height() for b in self.grad_bars]),
                "loss": self._loss, "loss_title": self.ax_p.get_title()}  # fmt: skip


class LabelSmoothingExplorer(Explorer):
    """Label smoothing ``eps`` turns the one-hot target into ``(1 - eps) y + eps / C``; the loss
    then has its minimum at a finite logit margin instead of pushing it to infinity."""

    MARGINS = (0.0, 12.0)

    def __init__(self, classes: int = 5):
        if not isinstance(classes, int) or classes < 2:
            raise ValueError(
                _("LabelSmoothingExplorer: classes must be a whole number >= 2, got {classes!r}.").format(
                    classes=classes)
            )
        self.C = classes
        self.grid = np.linspace(*self.MARGINS, 241)
        super().__init__()

    def _controls(self):
        return {"eps": slider(N_("smoothing ε"), 0.0, 0.5, 0.1, step=0.01),
                "margin": slider(N_("logit margin of the true class"), *self.MARGINS, 3.0, step=0.1)}  # fmt: skip

    def logits(self, margin) -> np.ndarray:
        """Class 0 is the true class, ``margin`` above the other logits (all 0)."""
        z = np.zeros((np.size(margin), self.C))
        z[:, 0] = margin
        return z

    def best_margin(self, eps) -> float:
        # softmax matches the smoothed target when z_true - z_other = log(q_true / q_other)
        return float("inf") if eps == 0 else float(np.log((1 - eps + eps / self.C) / (eps / self.C)))

    def _build(self):
        fig, (ax_t, ax_l) = plots.new_figure(2, 9.6, 4.0)
        self.target_bars = _bars(ax_t, self.C, plots.PALETTE["green"], -0.2, 0.4, "target (smoothed)")
        self.pred_bars = _bars(ax_t, self.C, plots.PALETTE["blue"], 0.2, 0.4, "prediction softmax(z)")
        ax_t.set_xticks(range(self.C), ["true"] + [f"other {k}" for k in range(1, self.C)])
        ax_t.set_ylim(0, 1.05)
        ax_t.legend(loc="upper right", fontsize="small")
        plots.label(ax_t, "", "class", "probability")
        self.curve, = ax_l.plot([], [], lw=2, color=plots.LOSS_COLOURS["cross_entropy"])
        self.point, = ax_l.plot([], [], "o", ms=9, color=plots.PALETTE["black"], clip_on=False)  # whole at the ends
        self.point.set_in_layout(False)  # where it sits must not move the axes when the layout is solved
        self.best = ax_l.axvline(0, color="grey", ls="--", lw=1)
        ax_l.set_xlim(*self.MARGINS)
        self._top = None  # the loss axis' upper limit, set by _draw to fit the curve of this ε
        plots.label(ax_l, "", "logit margin z_true − z_other", "cross-entropy")
        self.ax_t, self.ax_l = ax_t, ax_l
        self.moving += [*self.target_bars, *self.pred_bars, self.curve, self.point, self.best, ax_t.title, ax_l.title]
        return fig

    def _draw(self, eps, margin):
        target = np.full(self.C, eps / self.C)
        target[0] += 1 - eps
        p = losses.softmax(self.logits(margin))[0]
        for bt, bp, t, q in zip(self.target_bars, self.pred_bars, target, p):
            bt.set_height(t)
            bp.set_height(q)
        curve = losses.cross_entropy(self.logits(self.grid), np.zeros(self.grid.size, int),
                                     label_smoothing=eps, reduction="none")  # fmt: skip
        self.curve.set_data(self.grid, curve)
        loss = losses.cross_entropy(self.logits(margin), [0], label_smoothing=eps)
        self.point.set_data([margin], [loss])
        best = self.best_margin(eps)
        self.best.set_xdata([min(best, self.MARGINS[1])] * 2)
        # ε sets the height of the curve (log C at margin 0, up to 4.8 at margin 12 for ε = 0.5):
        # the axis follows it, changing only when the curve leaves it or would fill under half of it
        top = settled_top(self._top, float(curve.max()) + 0.15)
        if top != self._top:
            self.ax_l.set_ylim(-0.04 * top, top)  # the ε = 0 curve runs along zero: keep it off the frame
            self._top = top
            self.static_changed()
        self.ax_t.set_title(f"true-class target {plots.num(target[0])}")
        self.ax_l.set_title("no minimum (→ ∞)" if np.isinf(best) else f"minimum at margin {plots.num(best)}")
        self.numbers = {N_("CE"): float(loss), N_("p(true)"): float(p[0])}

    def drawn(self) -> dict:
        return {"target": np.array([b.get_height() for b in self.target_bars]),
                "prediction": np.array([b.get_height() for b in self.pred_bars]),
                "loss": float(self.point.get_ydata()[0]),
                "best_margin_line": float(self.best.get_xdata()[0])}  # fmt: skip


def _line_points(w, b, offset, box: float):
    """Two far-apart points of the line ``w . x + b = offset`` (the axes clip it)."""
    w = np.asarray(w, float)
    norm2 = float(w @ w) or 1e-12
    p0 = (offset - b) * w / norm2
    d = np.array([-w[1], w[0]]) / np.sqrt(norm2)
    return np.array([p0 - 4 * box * d, p0 + 4 * box * d])


def _boundary_view(ax, box, boundary_label, band_label, band_colour):
    """A square view of 2-D data with a decision boundary (solid) and two level lines (dashed),
    empty until ``_line_points`` fills them; returns ``(boundary, [level, level])``."""
    boundary, = ax.plot([], [], color="k", lw=2, label=boundary_label)
    levels = [ax.plot([], [], color=band_colour, ls="--", lw=1)[0] for _ in range(2)]
    levels[0].set_label(band_label)
    ax.set_xlim(-box, box)
    ax.set_ylim(-box, box)
    ax.set_aspect("equal")
    plots.label(ax, "", "feature x1", "feature x2")
    return boundary, levels


class LogisticExplorer(Explorer):
    """Logistic regression ``p = sigmoid(w1 x1 + w2 x2)`` on 2-D data: the weights move the
    decision boundary over the data and a point over the BCE surface (computed once)."""

    def __init__(self, X, y, w_range=(-4.0, 4.0), grid: int = 121):
        fn = "LogisticExplorer"
        self.X = checks.as_float_array(X, "X", fn)
        checks.check_ndim(self.X, 2, "X", fn, N_("(N samples, 2 features)"))
        self.y = checks.as_float_array(y, "y", fn)
        if self.y.shape != (self.X.shape[0],):
            raise ValueError(
                _("{fn}: y must have shape ({shape},), one label per row of X.").format(
                    fn=fn, shape=self.X.shape[0])
            )
        checks.check_probabilities(self.y, "y", fn, N_("Labels for logistic regression are 0 or 1."))
        self.w_values = np.linspace(*w_range, grid)
        self.surface = surfaces.loss_surface(losses.binary_cross_entropy_with_logits, self.X, self.y,
                                             self.w_values, self.w_values)  # fmt: skip
        i, j = np.unravel_index(np.argmin(self.surface), self.surface.shape)
        self.best = (self.w_values[j], self.w_values[i])
        self.box = float(np.abs(self.X).max()) * 1.1
        super().__init__()

    def _controls(self):
        lo, hi = self.w_values[0], self.w_values[-1]
        return {"w1": slider(N_("weight w1"), lo, hi, -1.0), "w2": slider(N_("weight w2"), lo, hi, 2.0)}

    def _build(self):
        fig, (ax_s, ax_d) = plots.new_figure(2, 9.6, 4.8)
        start = (self.controls["w1"].value, self.controls["w2"].value)  # where the dot first sits
        plots.surface_image(ax_s, self.w_values, self.w_values, self.surface, avoid=[start])
        plots.label(ax_s, "", "weight w1", "weight w2")
        # no tick at the lower-left corner, where the w1 and w2 labels would meet
        ax_s.xaxis.set_major_locator(MaxNLocator(nbins=5, prune="lower"))
        self.marker, = ax_s.plot([], [], "o", ms=10, color=plots.PALETTE["vermillion"], mec="white", label="(w1, w2)")
        # the star comes after the dot that slides over it, so the minimum stays in sight
        self.star, = ax_s.plot(*self.best, "*", ms=14, color="white", mec="k", label="grid minimum", zorder=5)
        plots.scatter_classes(ax_d, self.X, self.y)
        self.boundary, self.iso = _boundary_view(ax_d, self.box, "boundary p = 0.5", "p = 0.1 and 0.9", "grey")
        # The dot and the lines cross every part of both axes: the legend goes under them.
        handles = [self.star, self.marker, *ax_d.get_legend_handles_labels()[0]]
        fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize="small")
        self.ax_s, self.ax_d = ax_s, ax_d
        self.moving += [self.marker, self.star, self.boundary, *self.iso, ax_s.title, ax_d.title]
        return fig

    def _draw(self, w1, w2):
        w = np.array([w1, w2])
        z = self.X @ w
        loss = losses.binary_cross_entropy_with_logits(z, self.y)
        accuracy = float(np.mean((z > 0) == (self.y == 1)))
        self.marker.set_data([w1], [w2])
        self.boundary.set_data(*_line_points(w, 0.0, 0.0, self.box).T)
        for line, offset in zip(self.iso, (-np.log(9), np.log(9))):  # sigmoid(±log 9) = 0.1, 0.9
            line.set_data(*_line_points(w, 0.0, offset, self.box).T)
        self._loss, self._accuracy = float(loss), accuracy
        self.ax_s.set_title(f"BCE over (w1, w2): {plots.num(loss)}")
        self.ax_d.set_title(f"training accuracy {plots.num(round(100 * accuracy))}%")
        self.numbers = {N_("BCE"): float(loss), N_("|w|"): float(np.hypot(w1, w2))}

    def drawn(self) -> dict:
        (w1,), (w2,) = self.marker.get_data()
        return {"w": np.array([w1, w2]), "boundary": np.column_stack(self.boundary.get_data()),
                "loss": self._loss, "accuracy": self._accuracy,
                "surface_title": self.ax_s.get_title(), "data_title": self.ax_d.get_title()}  # fmt: skip


class MarginExplorer(Explorer):
    """0-1, hinge, squared hinge and logistic losses against the margin ``m = y f(x)``, with one
    sample sliding along the axis. The logistic loss is in bits, ``log2(1 + e^-m)`` (see
    ``lossviz.margins``), so that it lies on or above the 0-1 loss; the 0-1 loss is 1 at m = 0
    and its step is drawn there ("steps-pre": each value holds back to the previous grid point)."""

    RANGE = (-2.5, 3.0)
    NAMES = {"zero_one": "0-1", "hinge": "hinge", "squared_hinge": "squared hinge", "logistic": "logistic (log₂)"}
    COLOURS = {"zero_one": plots.PALETTE["black"], "hinge": plots.LOSS_COLOURS["hinge"],
               "squared_hinge": plots.PALETTE["sky"], "logistic": plots.LOSS_COLOURS["cross_entropy"]}  # fmt: skip

    def _controls(self):
        return {"margin": slider(N_("margin m = y·f(x)"), *self.RANGE, -0.5)}

    def _build(self):
        fig, (ax_l, ax_g) = plots.new_figure(2, 9.6, 4.4)
        m = np.linspace(*self.RANGE, 551)
        self.points, self.grad_points, curves = {}, {}, []
        # Two dots can sit on one spot (hinge and logistic near m = 0): each later dot is smaller
        # and drawn above, with a white rim, so every dot stays in sight as a ring around the next.
        sizes = dict(zip(margins.NAMES, (13, 11, 9, 7)))
        for k, name in enumerate(margins.NAMES):
            style = dict(color=self.COLOURS[name], lw=2, label=self.NAMES[name])
            curves += ax_l.plot(m, margins.margin_loss(name, m), **style,
                                drawstyle="steps-pre" if name == "zero_one" else "default")  # fmt: skip
            ax_g.plot(m, margins.margin_grad(name, m), **style)
            dot = dict(ms=sizes[name], color=self.COLOURS[name], mec="white", mew=1, zorder=3 + 0.1 * k, clip_on=False)
            self.points[name], = ax_l.plot([], [], "o", **dot)
            self.grad_points[name], = ax_g.plot([], [], "o", **dot)
            for point in (self.points[name], self.grad_points[name]):
                point.set_in_layout(False)
        self.now = [ax.axvline(0, color="grey", lw=1, zorder=1.5) for ax in (ax_l, ax_g)]  # under the dots
        for ax in (ax_l, ax_g):
            ax.axvspan(self.RANGE[0], 0, color=plots.PALETTE["vermillion"], alpha=0.06)
            ax.set_xlim(*self.RANGE)
        # Fixed limits (the point is to compare where the dots sit), wide enough for every dot at
        # every margin: the squared hinge reaches (1 - m)² and its slope -2(1 - m) at the left end.
        worst = 1.0 - self.RANGE[0]
        ax_l.set_ylim(-0.04 * worst**2, 1.06 * worst**2)
        ax_g.set_ylim(-2.12 * worst, 0.08 * 2 * worst)
        # The cursor line crosses both axes at every height: one legend for both, under them.
        fig.legend(handles=curves, loc="outside lower center", ncol=len(curves), fontsize="small")
        plots.label(ax_l, "", "margin m = y·f(x)   (shaded: misclassified)", "loss")
        plots.label(ax_g, "", "margin m = y·f(x)", "d loss / d m")
        self.ax_l, self.ax_g = ax_l, ax_g
        self.moving += [*self.points.values(), *self.grad_points.values(), *self.now, ax_l.title, ax_g.title]
        return fig

    def _draw(self, margin):
        values = {n: float(margins.margin_loss(n, [margin])[0]) for n in margins.NAMES}
        grads = {n: float(margins.margin_grad(n, [margin])[0]) for n in margins.NAMES}
        for name in margins.NAMES:
            self.points[name].set_data([margin], [values[name]])
            self.grad_points[name].set_data([margin], [grads[name]])
        for line in self.now:
            line.set_xdata([margin, margin])
        # The title says where the sample is; the readout gives the losses, the dots all of them.
        if margin <= 0:
            where = "a mistake (m ≤ 0)"
        elif margin < 1 - 1e-9:
            where = "right, inside the margin"
        elif margin <= 1 + 1e-9:  # a slider's float lands on 1 only up to rounding
            where = "on the margin (m = 1)"
        else:
            where = "right, beyond the margin"
        self.ax_l.set_title(where)
        self.ax_g.set_title(f"logistic gradient {plots.num(grads['logistic'])}")
        self.numbers = {N_("hinge"): values["hinge"], N_("squared hinge"): values["squared_hinge"],
                        N_("logistic"): values["logistic"]}  # fmt: skip

    def drawn(self) -> dict:
        return {"margin": float(self.now[0].get_xdata()[0]),
                "loss": {n: float(p.get_ydata()[0]) for n, p in self.points.items()},
                "grad": {n: float(p.get_ydata()[0]) for n, p in self.grad_points.items()}}  # fmt: skip


class SVMExplorer(Explorer):
    """A linear SVM for each regularisation strength λ, trained once (``svm.fit_linear_svms``);
    the slider picks one: its boundary, margin band and support vectors."""

    def __init__(self, X, y, lams=None, steps: int = 2000):
        fn = "SVMExplorer"
        self.X = checks.as_float_array(X, "X", fn)
        self.y = checks.as_float_array(y, "y", fn)
        checks.check_plus_minus_one(self.y, "y", fn)
        self.lams = np.geomspace(1e-3, 3.0, 15) if lams is None else np.asarray(lams, float)
        self.W, self.b, self.history = svm.fit_linear_svms(self.X, self.y, self.lams, steps=steps)
        self.width = 2 / np.linalg.norm(self.W, axis=1)
        self.n_support = np.array([svm.support_vectors(self.X, self.y, w, b).size for w, b in zip(self.W, self.b)])
        self.box = float(np.abs(self.X).max()) * 1.1
        super().__init__()

    def _controls(self):
        options = [(plots.num(float(lam)), float(lam)) for lam in self.lams]
        return {"lam": choice(N_("regularisation λ"), options, options[len(options) // 2][1])}

    def _build(self):
        fig, (ax_d, ax_p) = plots.new_figure(2, 9.6, 5.0)
        plots.scatter_classes(ax_d, self.X, self.y, classes=(-1, 1), names=("y = −1", "y = +1"))
        self.sv = ax_d.scatter([], [], s=110, facecolors="none", edgecolors="k", linewidths=1.3, label="support vectors")
        self.boundary, self.band = _boundary_view(ax_d, self.box, "f(x) = 0", "f(x) = ±1 (band edges)", "k")
        width, = ax_p.semilogx(self.lams, self.width, "o-", color=plots.LOSS_COLOURS["hinge"], label="margin width 2/|w|")
        ax_n = ax_p.twinx()
        count, = ax_n.semilogx(self.lams, self.n_support, "s--", color=plots.PALETTE["green"],
                               label="number of support vectors")  # fmt: skip
        ax_n.set_ylabel("number of support vectors")
        plots.integer_ticks(ax_n.yaxis)  # it counts samples
        ax_n.tick_params(axis="x", which="both", labelbottom=False)  # the twin's x axis is hidden: no labels
        self.now = ax_p.axvline(self.lams[0], color="grey", lw=1)
        plots.label(ax_p, "", "regularisation λ (log scale)", "margin width 2/|w|")
        # The band and the rings sweep the whole data view, the cursor the whole right panel:
        # one legend for both, under the axes.
        handles = [*ax_d.get_legend_handles_labels()[0], width, count]
        fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize="small")
        self.ax_d = ax_d
        self.moving += [self.sv, self.boundary, *self.band, self.now, ax_d.title]
        return fig

    def _draw(self, lam):
        k = int(np.argmin(np.abs(self.lams - lam)))
        w, b = self.W[k], self.b[k]
        self.boundary.set_data(*_line_points(w, b, 0.0, self.box).T)
        for line, offset in zip(self.band, (-1.0, 1.0)):
            line.set_data(*_line_points(w, b, offset, self.box).T)
        self.sv.set_offsets(self.X[svm.support_vectors(self.X, self.y, w, b)].reshape(-1, 2))
        self.now.set_xdata([lam, lam])
        accuracy = float(np.mean(np.sign(self.X @ w + b) == self.y))
        self.ax_d.set_title(f"margin width 2/|w| = {plots.num(self.width[k])}")
        # in percent, as the lessons print an accuracy (lesson 02's "76%", this lesson's "93%")
        self.numbers = {N_("support vectors"): int(self.n_support[k]), N_("training accuracy"): f"{round(100 * accuracy)}%"}

    def drawn(self) -> dict:
        k = int(np.argmin(np.abs(self.lams - self.controls["lam"].value)))
        return {"w": self.W[k], "b": float(self.b[k]), "support": np.asarray(self.sv.get_offsets()),
                "boundary": np.column_stack(self.boundary.get_data())}  # fmt: skip
