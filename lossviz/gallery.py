"""The gallery of lesson 00: any loss of ``lossviz.losses``, its curve and its gradient.

Each entry fixes the target and varies the one input the loss is a function of, so every loss
fits the same two panels: regression losses against the prediction (target 1), classification
losses against a probability, a logit or a score (true class 1, or +1 for the hinge).

``keras_on_torch`` imports Keras 3 on its PyTorch backend, for the lesson's table of the same
losses under PyTorch's and Keras's names (checked row by row in ``tests/test_keras_names.py``).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys

import ipywidgets as W
import numpy as np

from . import losses, plots
from .explorer import Explorer, slider
from .i18n import N_, _


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
              "prediction ŷ (target 1, δ = 1)", (-3.0, 5.0), "nn.HuberLoss"),
    "smooth_l1": (lambda x: losses.smooth_l1(x, np.full_like(x, ONE), beta=0.5, reduction="none"),
                  lambda x: losses.smooth_l1_grad(x, np.full_like(x, ONE), beta=0.5, reduction="none"),
                  "prediction ŷ (target 1, β = 0.5)", (-3.0, 5.0), "nn.SmoothL1Loss"),
    "binary_cross_entropy": (lambda x: losses.binary_cross_entropy(x, np.ones_like(x), reduction="none"),
                             lambda x: losses.binary_cross_entropy_grad(x, np.ones_like(x), reduction="none"),
                             "probability p (true class 1)", (0.005, 0.995), "nn.BCELoss"),
    "binary_cross_entropy_with_logits": (
        lambda x: losses.binary_cross_entropy_with_logits(x, np.ones_like(x), reduction="none"),
        lambda x: losses.binary_cross_entropy_with_logits_grad(x, np.ones_like(x), reduction="none"),
        "logit z (true class 1)", (-6.0, 6.0), "nn.BCEWithLogitsLoss"),
    "hinge": (lambda x: losses.hinge(x, np.ones_like(x), reduction="none"),
              lambda x: losses.hinge_grad(x, np.ones_like(x), reduction="none"),
              "score f(x) (label +1)", (-3.0, 3.0), "torch.clamp(1 - y * f, min=0)"),
    "cross_entropy": (lambda x: _ce(x, losses.cross_entropy), lambda x: _ce_grad(x, losses.cross_entropy_grad),
                      "true class's logit z₀ (2 others at 0)", (-6.0, 6.0), "nn.CrossEntropyLoss"),
    "multi_margin": (lambda x: _ce(x, losses.multi_margin), lambda x: _ce_grad(x, losses.multi_margin_grad),
                     "true class's score s₀ (2 others at 0)", (-3.0, 3.0), "nn.MultiMarginLoss"),
}  # fmt: skip


# The colour of each curve: a loss's own colour (``plots.LOSS_COLOURS``), or its family's.
COLOURS = {
    "mse": plots.LOSS_COLOURS["mse"], "mae": plots.LOSS_COLOURS["mae"],
    "huber": plots.LOSS_COLOURS["huber"], "smooth_l1": plots.LOSS_COLOURS["huber"],
    "binary_cross_entropy": plots.LOSS_COLOURS["cross_entropy"],
    "binary_cross_entropy_with_logits": plots.LOSS_COLOURS["cross_entropy"],
    "cross_entropy": plots.LOSS_COLOURS["cross_entropy"],
    "hinge": plots.LOSS_COLOURS["hinge"], "multi_margin": plots.LOSS_COLOURS["hinge"],
}  # fmt: skip
# The input of each entry, as the slider names it: the same quantity as the x axis.
SYMBOLS = {"mse": "ŷ", "mae": "ŷ", "huber": "ŷ", "smooth_l1": "ŷ", "binary_cross_entropy": "p",
           "binary_cross_entropy_with_logits": "z", "hinge": "f(x)", "cross_entropy": "z₀",
           "multi_margin": "s₀"}  # fmt: skip


def _step(lo: float, hi: float) -> float:
    """A slider step of about a hundredth of the range: 0.01 for a probability, 0.05 otherwise."""
    return 0.01 if hi - lo <= 1 else 0.05


class GalleryExplorer(Explorer):
    """Pick a loss; slide its input across the axis; read the loss and the gradient.

    The slider *is* the input on the x axis (a prediction, a probability, a logit or a score):
    picking another loss gives it that loss's range, and the dot keeps its place along the axis.
    """

    def __init__(self, loss: str = "mse"):
        if loss not in ENTRIES:
            raise ValueError(
                _("GalleryExplorer: unknown loss {loss!r}; choose from {ENTRIES}.").format(
                    loss=loss, ENTRIES=list(ENTRIES))
            )
        self._first = loss
        self._shown = None
        super().__init__()

    def _controls(self):
        lo, hi = ENTRIES[self._first][3]
        return {"loss": W.Dropdown(options=list(ENTRIES), value=self._first, description=_("loss")),
                "position": slider(_("input {symbol}").format(symbol=SYMBOLS[self._first]), lo, hi, self.x_of(self._first, 0.3),
                                   step=_step(lo, hi), tooltip=N_("the input on the x axis"))}  # fmt: skip

    def _build(self):
        fig, (ax_l, ax_g) = plots.new_figure(2, 9.6, 3.8)
        self.curve, = ax_l.plot([], [], lw=2)
        self.grad_curve, = ax_g.plot([], [], lw=2)
        # Black dots with a white rim: they stay apart from every loss's colour.
        dot = dict(ms=9, color=plots.PALETTE["black"], mec="white", mew=1.5, zorder=5)
        self.point, = ax_l.plot([], [], "o", **dot)
        self.grad_point, = ax_g.plot([], [], "o", **dot)
        # Where a value leaves the y axis (binary_cross_entropy's gradient near p = 0), a triangle
        # at the axis's edge points to it: the dot is never simply gone.
        self.off_chart = [ax.plot([], [], "v", transform=ax.get_xaxis_transform(), **dot)[0] for ax in (ax_l, ax_g)]
        ax_g.axhline(0, color="grey", lw=0.8)
        plots.label(ax_l, "", "", "loss L")
        plots.label(ax_g, "", "", "dL/d input")
        self.ax_l, self.ax_g = ax_l, ax_g
        self.moving += [self.point, self.grad_point, *self.off_chart, ax_l.title, ax_g.title]
        return fig

    def set(self, **values) -> dict:
        """As ``Explorer.set``; a new loss gives the slider its range first, so that
        ``set(loss="binary_cross_entropy", position=0.2)`` works from any loss."""
        loss = values.get("loss", self.controls["loss"].value)
        if loss in ENTRIES and loss != self._shown:
            lo, hi = ENTRIES[loss][3]
            if "position" in values and not lo <= values["position"] <= hi:
                raise ValueError(
                    _("GalleryExplorer.set: position = {values} is outside the range of {loss}'s "
                      "input [{lo:g}, {hi:g}].").format(
                        values=values['position'], loss=loss, lo=lo, hi=hi)
                )
            self._fit_slider(loss, self.controls["position"].value)
        return super().set(**values)

    def x_of(self, loss, position) -> float:
        """The input at ``position`` (0 = the left end of the loss's axis, 1 = the right end)."""
        lo, hi = ENTRIES[loss][3]
        return lo + position * (hi - lo)

    def _fit_slider(self, loss, x) -> float:
        """Give the slider the range of ``loss``; keep ``x`` if it lies in it, else the same place
        along the axis. Returns the input now shown."""
        control = self.controls["position"]
        lo, hi = ENTRIES[loss][3]
        if not lo <= x <= hi:
            old_lo, old_hi = control.min, control.max
            x = self.x_of(loss, (x - old_lo) / (old_hi - old_lo) if old_hi > old_lo else 0.3)
            x = float(np.clip(round((x - lo) / _step(lo, hi)) * _step(lo, hi) + lo, lo, hi))
        holding, self._holding = self._holding, True  # these changes are ours: no second update
        try:
            with control.hold_trait_notifications():  # validated together, once all are set
                control.min, control.max, control.step, control.value = lo, hi, _step(lo, hi), x
            control.description = _("input {symbol}").format(symbol=SYMBOLS[loss])
        finally:
            self._holding = holding
        return x

    def _draw(self, loss, position):
        fn, grad, xlabel, (lo, hi), pytorch = ENTRIES[loss]
        if self._shown != loss:  # a new loss: new curves, axes and slider range (the static part)
            if self._shown is not None:
                position = self._fit_slider(loss, position)
            xs = np.linspace(lo, hi, 400)
            ys, gs = fn(xs), grad(xs)
            self.curve.set_data(xs, ys)
            self.grad_curve.set_data(xs, gs)
            for line in (self.curve, self.grad_curve):
                line.set_color(COLOURS[loss])
            for ax, v in ((self.ax_l, ys), (self.ax_g, gs)):
                ax.set_xlim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))  # a dot at an end is drawn whole
                span = max(np.ptp(np.clip(v, -50, 50)), 1e-3)
                ax.set_ylim(max(np.min(v), -50) - 0.05 * span, min(np.max(v), 50) + 0.05 * span)
                ax.set_xlabel(xlabel)
            self.ax_g.set_ylabel(f"dL/d{SYMBOLS[loss]}")
            self.fig.suptitle(f"{loss}  ·  PyTorch: {pytorch}")
            self._shown = loss
            self.static_changed()
        x = np.array([position])
        value, slope = float(fn(x)[0]) + 0.0, float(grad(x)[0]) + 0.0  # + 0.0: no "−0.00"
        self.point.set_data(x, [value])
        self.grad_point.set_data(x, [slope])
        for ax, v, marker in zip((self.ax_l, self.ax_g), (value, slope), self.off_chart):
            bottom, top = ax.get_ylim()
            if bottom <= v <= top:
                marker.set_data([], [])
            else:
                marker.set_marker("^" if v > top else "v")
                marker.set_data(x, [0.96 if v > top else 0.04])
        symbol = SYMBOLS[loss]
        self.ax_l.set_title(f"at {symbol} = {plots.num(x[0])}: loss {plots.num(value)}")
        self.ax_g.set_title(f"gradient: {plots.num(slope)}")
        self.numbers = {N_("loss"): value, N_("gradient"): slope}

    def drawn(self) -> dict:
        return {"x": float(self.point.get_xdata()[0]), "loss": float(self.point.get_ydata()[0]),
                "gradient": float(self.grad_point.get_ydata()[0])}  # fmt: skip


def keras_on_torch():
    """Keras 3 on its PyTorch backend; ``None``, with a printed note saying why and what to do,
    where that cannot be had.

    Keras 3 runs on PyTorch, JAX or TensorFlow, and picks its backend once, at its first import:
    from the environment variable ``KERAS_BACKEND``, else ``~/.keras/keras.json``, else TensorFlow.
    This sets ``KERAS_BACKEND=torch`` and then imports keras, so no TensorFlow is needed
    (``pip install keras`` brings none; ``pip install "lossviz[lab]"`` includes it). It overrides
    a ``KERAS_BACKEND`` the user set (for this Python and its child processes only; the shell's
    setting and ``keras.json`` are left alone). Where keras is installed beside TensorFlow (as on
    Colab), it still runs on PyTorch, as long as nothing in this Python imported keras before.
    At that first import Keras writes ``keras.json`` into ``KERAS_HOME`` (default ``~/.keras``)
    if none is there; set ``KERAS_HOME`` first to keep it elsewhere (the tests do).

    Returns ``None`` (the lesson's Keras lines are then skipped) where keras is not installed,
    where the installed keras is Keras 2 (TensorFlow only), or where keras was already imported in
    this Python with another backend: it cannot switch, so restart the kernel and run from the top.
    """
    if "keras" not in sys.modules:
        if importlib.util.find_spec("keras") is None:
            print('keras is not installed here, so the Keras lines below are skipped. `pip install keras` '
                  '(Keras 3, no TensorFlow needed) or `pip install "lossviz[lab]"` adds it; then restart '
                  'the kernel.')
            return None
        if not _is_keras_3(importlib.metadata.version("keras")):  # checked before importing Keras 2's TF
            return None
        os.environ["KERAS_BACKEND"] = "torch"  # read once, by the import below
    keras = importlib.import_module("keras")
    if not _is_keras_3(getattr(keras, "__version__", "0")):
        return None
    backend = keras.backend.backend()
    if backend != "torch":
        print(f"keras was already imported in this kernel with its {backend!r} backend, and Keras picks its "
              f"backend once, at its first import, so the Keras lines below are skipped. Restart the kernel "
              f"(Colab: Runtime > Restart session) and run the lesson from the top: this cell then sets "
              f"KERAS_BACKEND=torch before keras is imported.")
        return None
    return keras


def _is_keras_3(version: str) -> bool:
    """Keras 3 or later; else say that Keras 2 runs on TensorFlow only."""
    if int(version.split(".")[0]) >= 3:
        return True
    print(f"keras {version} is Keras 2, which runs on TensorFlow only, so the Keras lines below are "
          f'skipped. `pip install --upgrade "keras>=3"` installs Keras 3; then restart the kernel.')
    return False
