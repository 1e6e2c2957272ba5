"""The gallery of lesson 00: any loss of ``lossviz.losses``, its curve and its gradient.

Each entry fixes the target and varies the one input the loss is a function of, so every loss
fits the same two panels: regression losses against the prediction (target 1), classification
losses against a probability, a logit or a score (true class 1, or +1 for the hinge).
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from . import losses, plots
from .explorer import Explorer, slider


def _ce(x, fn):
    z = np.zeros((np.size(x), 3))
    z[:, 0] = x  # the true class's logit; the two others stay at 0
    return fn(z, np.zeros(np.size(x), int), reduction="none")


def _ce_grad(x, fn):
    z = np.zeros((np.size(x), 3))
    z[:, 0] = x
    return fn(z, np.zeros(np.size(x), int), reduction="none")[:, 0]


ONE = 1.0
# name -> (loss of x, d loss / d x, x label, x range, PyTorch)
ENTRIES = {
    "mse": (lambda x: losses.mse(x, np.full_like(x, ONE), reduction="none"),
            lambda x: losses.mse_grad(x, np.full_like(x, ONE), reduction="none"),
            "prediction ŷ (target y = 1)", (-3.0, 5.0), "nn.MSELoss"),
    "mae": (lambda x: losses.mae(x, np.full_like(x, ONE), reduction="none"),
            lambda x: losses.mae_grad(x, np.full_like(x, ONE), reduction="none"),
            "prediction ŷ (target y = 1)", (-3.0, 5.0), "nn.L1Loss"),
    "huber": (lambda x: losses.huber(x, np.full_like(x, ONE), reduction="none"),
              lambda x: losses.huber_grad(x, np.full_like(x, ONE), reduction="none"),
              "prediction ŷ (target y = 1, δ = 1)", (-3.0, 5.0), "nn.HuberLoss"),
    "smooth_l1": (lambda x: losses.smooth_l1(x, np.full_like(x, ONE), beta=0.5, reduction="none"),
                  lambda x: losses.smooth_l1_grad(x, np.full_like(x, ONE), beta=0.5, reduction="none"),
                  "prediction ŷ (target y = 1, β = 0.5)", (-3.0, 5.0), "nn.SmoothL1Loss"),
    "binary_cross_entropy": (lambda x: losses.binary_cross_entropy(x, np.ones_like(x), reduction="none"),
                             lambda x: losses.binary_cross_entropy_grad(x, np.ones_like(x), reduction="none"),
                             "predicted probability p (true class 1)", (0.005, 0.995), "nn.BCELoss"),
    "binary_cross_entropy_with_logits": (
        lambda x: losses.binary_cross_entropy_with_logits(x, np.ones_like(x), reduction="none"),
        lambda x: losses.binary_cross_entropy_with_logits_grad(x, np.ones_like(x), reduction="none"),
        "logit z (true class 1)", (-6.0, 6.0), "nn.BCEWithLogitsLoss"),
    "hinge": (lambda x: losses.hinge(x, np.ones_like(x), reduction="none"),
              lambda x: losses.hinge_grad(x, np.ones_like(x), reduction="none"),
              "score f(x) (label +1)", (-3.0, 3.0), "torch.clamp(1 - y * f, min=0)"),
    "cross_entropy": (lambda x: _ce(x, losses.cross_entropy), lambda x: _ce_grad(x, losses.cross_entropy_grad),
                      "logit of the true class (3 classes, others 0)", (-6.0, 6.0), "nn.CrossEntropyLoss"),
    "multi_margin": (lambda x: _ce(x, losses.multi_margin), lambda x: _ce_grad(x, losses.multi_margin_grad),
                     "score of the true class (3 classes, others 0)", (-3.0, 3.0), "nn.MultiMarginLoss"),
}  # fmt: skip


class GalleryExplorer(Explorer):
    """Pick a loss; slide its input across the axis; read the loss and the gradient."""

    def __init__(self, loss: str = "mse"):
        if loss not in ENTRIES:
            raise ValueError(f"GalleryExplorer: unknown loss {loss!r}; choose from {list(ENTRIES)}.")
        self._first = loss
        self._shown = None
        super().__init__()

    def _controls(self):
        return {"loss": W.Dropdown(options=list(ENTRIES), value=self._first, description="loss"),
                "position": slider("input, left → right", 0.0, 1.0, 0.3, step=0.01)}  # fmt: skip

    def _build(self):
        fig, (ax_l, ax_g) = plots.new_figure(2, 10, 3.6)
        self.curve, = ax_l.plot([], [], lw=2, color=plots.PALETTE["blue"])
        self.grad_curve, = ax_g.plot([], [], lw=2, color=plots.PALETTE["blue"])
        self.point, = ax_l.plot([], [], "o", ms=9, color=plots.PALETTE["vermillion"])
        self.grad_point, = ax_g.plot([], [], "o", ms=9, color=plots.PALETTE["vermillion"])
        ax_g.axhline(0, color="grey", lw=0.8)
        plots.label(ax_l, "", "", "loss")
        plots.label(ax_g, "gradient", "", "d loss / d input")
        self.ax_l, self.ax_g = ax_l, ax_g
        self.moving += [self.point, self.grad_point, ax_l.title, ax_g.title]
        return fig

    def x_of(self, loss, position) -> float:
        lo, hi = ENTRIES[loss][3]
        return lo + position * (hi - lo)

    def _draw(self, loss, position):
        fn, grad, xlabel, (lo, hi), pytorch = ENTRIES[loss]
        if self._shown != loss:  # a new loss: new curves and axes (the static part)
            xs = np.linspace(lo, hi, 400)
            ys, gs = fn(xs), grad(xs)
            self.curve.set_data(xs, ys)
            self.grad_curve.set_data(xs, gs)
            for ax, v in ((self.ax_l, ys), (self.ax_g, gs)):
                ax.set_xlim(lo, hi)
                span = max(np.ptp(np.clip(v, -50, 50)), 1e-3)
                ax.set_ylim(max(np.min(v), -50) - 0.05 * span, min(np.max(v), 50) + 0.05 * span)
                ax.set_xlabel(xlabel)
            self._shown = loss
            self.static_changed()
        x = np.array([self.x_of(loss, position)])
        value, slope = float(fn(x)[0]), float(grad(x)[0])
        self.point.set_data(x, [value])
        self.grad_point.set_data(x, [slope])
        self.ax_l.set_title(f"{loss} ({pytorch}): {value:.4f} at {x[0]:.3f}", fontsize="small")
        self.ax_g.set_title(f"gradient {slope:.4f}", fontsize="medium")

    def drawn(self) -> dict:
        return {"x": float(self.point.get_xdata()[0]), "loss": float(self.point.get_ydata()[0]),
                "gradient": float(self.grad_point.get_ydata()[0])}  # fmt: skip
