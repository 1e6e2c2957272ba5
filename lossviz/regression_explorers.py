"""Explorers of lesson 01 (regression): one prediction, the (w, b) surface, an outlier."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.collections import LineCollection

from . import checks, losses, plots, surfaces
from .explorer import Explorer, settled_top, slider
from .i18n import N_, _

# name -> (loss(pred, target, reduction), its gradient, the loss as a title writes it)
POINT_LOSSES = {
    "mse": (losses.mse, losses.mse_grad, "MSE: L = (ŷ − y)²"),
    "mae": (losses.mae, losses.mae_grad, "MAE: L = |ŷ − y|"),
    "huber": (losses.huber, losses.huber_grad, "Huber (δ = 1): L"),
}
NAMES = {"mse": "MSE", "mae": "MAE", "huber": "Huber"}  # as legends and readouts write them



class PointLossExplorer(Explorer):
    """One prediction ŷ slides past its target y: the loss and its gradient, side by side.

    The tangent drawn on the loss curve has the slope of the gradient: watch it flatten
    as ŷ reaches y for MSE, but keep its slope for MAE.
    """

    RANGE = (-4.0, 6.0)

    def __init__(self, loss: str = "mse", prediction: float = 3.0, target: float = 1.0,
                 choices=("mse", "mae", "huber")):  # fmt: skip
        unknown = [c for c in (loss, *choices) if c not in POINT_LOSSES]
        if unknown:
            raise ValueError(
                _("PointLossExplorer: unknown loss {unknown!r}; choose from {POINT_LOSSES}.").format(
                    unknown=unknown[0], POINT_LOSSES=list(POINT_LOSSES))
            )
        self._initial = dict(loss=loss, prediction=prediction, target=target)
        self._choices = tuple(choices)
        self._curve_key = None
        # The curves reach a little past the slider's ends, so a dot at an end is drawn whole.
        self.grid = np.linspace(self.RANGE[0] - 0.25, self.RANGE[1] + 0.25, 421)
        super().__init__()

    def _controls(self):
        lo, hi = self.RANGE
        controls = {
            "prediction": slider(N_("prediction ŷ"), lo, hi, self._initial["prediction"]),
            "target": slider(N_("target y"), -2.0, 4.0, self._initial["target"]),
        }
        if len(self._choices) > 1:
            controls["loss"] = W.Dropdown(options=self._choices, value=self._initial["loss"],
                                          description=_("loss"), tooltip="which loss to draw")  # fmt: skip
        return controls

    def _loss_name(self, values) -> str:
        return values.get("loss", self._initial["loss"])

    def _build(self):
        fig, (ax_loss, ax_grad) = plots.new_figure(2, 10, 3.8)
        plots.label(ax_loss, "loss", "prediction ŷ", "loss L(ŷ, y)")
        plots.label(ax_grad, "gradient", "prediction ŷ", "dL/dŷ")
        self.loss_curve, = ax_loss.plot([], [], lw=2)
        self.grad_curve, = ax_grad.plot([], [], lw=2)
        # The target is a grey dotted line, the tangent a black dashed one, and the dots black with
        # a white rim: each stays apart from the loss's own colour (blue, orange or green), and
        # the dashes let the curve show through where the tangent lies along it (MAE).
        self.target_lines = [ax.axvline(0, color="grey", ls=":", lw=1.5, label="target y") for ax in (ax_loss, ax_grad)]
        ax_grad.axhline(0, color="grey", lw=0.8)
        self.tangent, = ax_loss.plot([], [], color=plots.PALETTE["black"], ls="--", lw=1.5, zorder=4,
                                     label="tangent: slope = dL/dŷ")  # fmt: skip
        dot = dict(ms=9, color=plots.PALETTE["black"], mec="white", mew=1.5, zorder=5)
        self.loss_point, = ax_loss.plot([], [], "o", **dot)
        self.grad_point, = ax_grad.plot([], [], "o", **dot)
        ax_loss.legend(loc="upper center", fontsize="small")
        for ax in (ax_loss, ax_grad):
            ax.set_xlim(self.grid[0], self.grid[-1])
        self.ax_loss, self.ax_grad = ax_loss, ax_grad
        # The curves and the target move too (blitted): only new axis limits need a full redraw.
        self._loss_top, self._grad_limits = None, None
        self.moving += [self.loss_curve, self.grad_curve, *self.target_lines, self.tangent, self.loss_point,
                        self.grad_point, ax_loss.title, ax_grad.title]  # fmt: skip
        return fig

    def _draw(self, prediction, target, **rest):
        name = self._loss_name(rest)
        loss, grad, formula = POINT_LOSSES[name]
        if self._curve_key != (name, target):  # the curves change only with the loss or target
            targets = np.full_like(self.grid, target)
            ls, gs = loss(self.grid, targets, reduction="none"), grad(self.grid, targets, reduction="none")
            self.loss_curve.set_data(self.grid, ls)
            self.grad_curve.set_data(self.grid, gs)
            colour = plots.LOSS_COLOURS[name]
            self.loss_curve.set_color(colour)
            self.grad_curve.set_color(colour)
            for line in self.target_lines:
                line.set_xdata([target, target])
            self._curve_key = (name, target)
            top = settled_top(self._loss_top, 1.05 * ls.max())
            lo, hi = 1.15 * gs.min() - 0.1, 1.15 * gs.max() + 0.1
            if self._grad_limits is not None:  # kept while it holds the curve and is under twice its span
                old_lo, old_hi = self._grad_limits
                if old_lo <= lo and hi <= old_hi and old_hi - old_lo <= 2 * (hi - lo):
                    lo, hi = self._grad_limits
            if (top, (lo, hi)) != (self._loss_top, self._grad_limits):
                self.ax_loss.set_ylim(-0.05 * top, top)
                self.ax_grad.set_ylim(lo, hi)
                self._loss_top, self._grad_limits = top, (lo, hi)
                self.static_changed()
        value = loss([prediction], [target])
        slope = float(grad([prediction], [target])[0])
        half = 1.5
        self.tangent.set_data([prediction - half, prediction + half], [value - slope * half, value + slope * half])
        self.loss_point.set_data([prediction], [value])
        self.grad_point.set_data([prediction], [slope])
        self.ax_loss.set_title(f"{formula} = {plots.num(value)}")
        self.ax_grad.set_title(f"gradient: dL/dŷ = {plots.num(slope)}")
        self.numbers = {N_("loss"): value, N_("dL/dŷ"): slope}

    def drawn(self) -> dict:
        x, y = self.loss_point.get_data()
        _, g = self.grad_point.get_data()
        return {"prediction": float(x[0]), "loss": float(y[0]), "gradient": float(g[0]),
                "target": float(self.target_lines[0].get_xdata()[0]),
                "loss_title": self.ax_loss.get_title(), "grad_title": self.ax_grad.get_title()}  # fmt: skip


class LinearFitExplorer(Explorer):
    """Linear regression ``y = w x + b``: a point on the loss surface and the line it gives.

    The surface over (w, b) is computed once (closed form for MSE); moving w or b only moves the
    marker, the descent arrow, the line and the residuals.
    """

    def __init__(self, x, y, loss: str = "mse", w_range=(-1.0, 5.0), b_range=(-4.0, 2.0),
                 grid: int = 161):  # fmt: skip
        if loss not in POINT_LOSSES:
            raise ValueError(
                _("LinearFitExplorer: unknown loss {loss!r}; choose from {POINT_LOSSES}.").format(
                    loss=loss, POINT_LOSSES=list(POINT_LOSSES))
            )
        self.x = checks.as_float_array(x, "x", "LinearFitExplorer")
        self.y = checks.as_float_array(y, "y", "LinearFitExplorer")
        checks.check_same_shape(self.x, self.y, ("x", "y"), "LinearFitExplorer")
        checks.check_ndim(self.x, 1, "x", "LinearFitExplorer", N_("(one feature per sample)"))
        self.loss_name = loss
        self.loss, self.grad, _title = POINT_LOSSES[loss]
        self.w_values = np.linspace(*w_range, grid)
        self.b_values = np.linspace(*b_range, grid)
        if loss == "mse":
            self.surface = surfaces.mse_surface(self.x, self.y, self.w_values, self.b_values)
        else:
            self.surface = surfaces.loss_surface(self.loss, self.x, self.y, self.w_values, self.b_values)
        self.best = surfaces.best_fit_line(self.x, self.y, loss)
        super().__init__()

    def _controls(self):
        return {
            "w": slider(N_("slope w"), self.w_values[0], self.w_values[-1], 0.0),
            "b": slider(N_("intercept b"), self.b_values[0], self.b_values[-1], 1.0),
        }

    def _build(self):
        # Tall enough that the square map, its colour bar and the legend under it leave the
        # contour labels room (they crowd where the bowl is steep, in the corners).
        fig, (ax_s, ax_d) = plots.new_figure(2, 9.6, 4.4)
        name = NAMES[self.loss_name]
        plots.surface_image(ax_s, self.w_values, self.b_values, self.surface)
        # One unit of w as long as one unit of b on screen: only then is the descent arrow
        # (-gradient) drawn perpendicular to the contour lines, as the lesson says it is.
        ax_s.set_aspect("equal", adjustable="box")
        plots.label(ax_s, f"{name} over (w, b)", "slope w", "intercept b")
        self.marker, = ax_s.plot([], [], "o", ms=11, color=plots.PALETTE["vermillion"], mec="white", zorder=5,
                                 clip_on=False, label="(w, b)")  # whole, even at a corner
        self.marker.set_in_layout(False)  # ... without moving the layout when it reaches one  # fmt: skip
        self.arrow = ax_s.annotate("", xy=(0, 0), xytext=(0, 0), zorder=6,
                                   arrowprops=dict(arrowstyle="->", color="white", lw=2))  # fmt: skip
        # The star is the goal: it moves with the marker, drawn over it, so the marker never buries it.
        self.star, = ax_s.plot(*self.best, "*", ms=15, color="white", mec="k", zorder=7, label="minimum")
        # Below the map: the marker can go anywhere on it, and a legend inside would hide it.
        ax_s.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2, fontsize="small")
        ax_d.scatter(self.x, self.y, s=18, color=plots.PALETTE["blue"], label="data", zorder=3)
        self.residuals = LineCollection([], colors="0.45", lw=1, label="residuals ŷ − y")
        ax_d.add_collection(self.residuals)
        self.line, = ax_d.plot(self.x, self.x, color=plots.PALETTE["vermillion"], lw=2, label="ŷ = w x + b")
        plots.label(ax_d, "", "x", "y")
        pad = 0.1 * np.ptp(self.y)
        ax_d.set_ylim(self.y.min() - pad, self.y.max() + pad)
        ax_d.legend(loc="upper left", fontsize="small")
        self.ax_s, self.ax_d = ax_s, ax_d
        self.moving += [self.marker, self.arrow, self.star, self.residuals, self.line, ax_d.title]
        return fig

    def gradient(self, w: float, b: float) -> tuple[float, float]:
        """``dL/dw = sum_i dL/dŷ_i * x_i`` and ``dL/db = sum_i dL/dŷ_i`` (chain rule)."""
        g = self.grad(w * self.x + b, self.y)
        return float(np.sum(g * self.x)), float(np.sum(g))

    def _draw(self, w, b):
        pred = w * self.x + b
        value = float(self.loss(pred, self.y))
        gw, gb = self.gradient(w, b)
        self.marker.set_data([w], [b])
        # The arrow points downhill (-gradient), its length a fixed share of the axes.
        norm = np.hypot(gw / np.ptp(self.w_values), gb / np.ptp(self.b_values)) or 1.0
        step = 0.12 / norm
        self.arrow.set_position((w, b))
        self.arrow.xy = (w - step * gw, b - step * gb)
        self.line.set_ydata(pred)
        self.residuals.set_segments(plots.residual_segments(self.x, pred, self.y))
        name = NAMES[self.loss_name]
        self.ax_d.set_title(f"this line: {name} = {plots.num(value)}")
        self._value = value
        self.numbers = {name: value, N_("∂L/∂w"): gw, N_("∂L/∂b"): gb}

    def drawn(self) -> dict:
        (w,), (b,) = self.marker.get_data()
        return {"w": float(w), "b": float(b), "line": np.asarray(self.line.get_ydata(), float),
                "loss": self._value, "loss_title": self.ax_d.get_title(),
                "arrow_tip": tuple(self.arrow.xy)}  # fmt: skip


class OutlierExplorer(Explorer):
    """One point is dragged away from the others: MSE's line chases it, MAE's and Huber's hold.

    The right panel (computed once) shows each fitted slope against the outlier's size.
    """

    def __init__(self, x, y, index: int = -1, true_slope: float | None = None, delta: float = 1.0,
                 shift_range=(0.0, 40.0)):  # fmt: skip
        self.x = checks.as_float_array(x, "x", "OutlierExplorer")
        self.y = checks.as_float_array(y, "y", "OutlierExplorer")
        checks.check_same_shape(self.x, self.y, ("x", "y"), "OutlierExplorer")
        self.index = index % self.x.size
        self.true_slope = true_slope
        self.delta = delta
        self.shift_range = shift_range
        self.shifts = np.linspace(*shift_range, 81)
        self.slopes = {
            name: np.array([surfaces.best_fit_line(*self._data(s), name, delta)[0] for s in self.shifts])
            for name in POINT_LOSSES
        }
        super().__init__()

    def _data(self, shift):
        return self.x, self.y + shift * (np.arange(self.y.size) == self.index)

    def _controls(self):
        return {"shift": slider(N_("outlier moved by"), *self.shift_range, 0.0, step=0.5)}

    def _build(self):
        # The data get the wider panel: its title names the three slopes.
        fig, axes = plots.new_figure(width=9.6, height=3.8, mosaic="ddddsss")
        ax_d, ax_s = axes["d"], axes["s"]
        self.points = ax_d.scatter(self.x, self.y, s=18, color=plots.PALETTE["blue"], zorder=3, label="data")
        self.outlier, = ax_d.plot([], [], "o", ms=11, mfc="none", mec=plots.PALETTE["black"], mew=2, zorder=4,
                                  label="the outlier")  # fmt: skip
        xs = np.array([self.x.min(), self.x.max()])
        self.lines = {}
        for name in POINT_LOSSES:
            # Huber's line dashed: it lies almost on MAE's, which shows through the gaps.
            style = dict(lw=2, color=plots.LOSS_COLOURS[name], ls="--" if name == "huber" else "-")
            self.lines[name], = ax_d.plot(xs, xs, label=f"{NAMES[name]} fit", **style)
            ax_s.plot(self.shifts, self.slopes[name], label=NAMES[name], **style)
        if self.true_slope is not None:
            ax_s.axhline(self.true_slope, color="k", ls="--", lw=1, label="true slope")
        self.now = ax_s.axvline(0, color="grey", lw=1)
        plots.label(ax_d, "", "x", "y")
        plots.label(ax_s, "fitted slopes", "outlier moved by (units of y)", "fitted slope w")
        # The data's own limits; _draw widens the y axis (in steps) only as far as the outlier goes.
        pad = 0.1 * np.ptp(self.y)
        self._base_ylim = (self.y.min() - pad, self.y.max() + pad)
        self._ylim = None
        ax_d.set_ylim(*self._base_ylim)
        # Upper left: the data rise to the right, so that corner stays empty at every shift.
        ax_d.legend(loc="upper left", fontsize="small")
        ax_s.legend(loc="upper left", fontsize="small")
        self.ax_d, self.ax_s = ax_d, ax_s
        self.moving += [self.points, self.outlier, *self.lines.values(), self.now, ax_d.title]
        return fig

    def _limits(self, y, fitted) -> tuple[float, float]:
        """The y limits that hold the moved data and the fitted lines: the data's own limits,
        widened in steps of a fifth of the data's span, so they change now and then, not on every move."""
        lo, hi = self._base_ylim
        step = (hi - lo) / 5
        top, bottom = max(np.max(y), np.max(fitted)), min(np.min(y), np.min(fitted))
        pad = step / 2
        if top + pad > hi:
            hi += step * np.ceil((top + pad - hi) / step)
        if bottom - pad < lo:
            lo -= step * np.ceil((lo - bottom + pad) / step)
        return float(lo), float(hi)

    def _draw(self, shift):
        x, y = self._data(shift)
        self.points.set_offsets(np.column_stack([x, y]))
        self.outlier.set_data([x[self.index]], [y[self.index]])
        xs = self.lines["mse"].get_xdata()
        fits = {name: surfaces.best_fit_line(x, y, name, self.delta) for name in POINT_LOSSES}
        for name, (w, b) in fits.items():
            self.lines[name].set_ydata(w * xs + b)
        limits = self._limits(y, [w * xs + b for w, b in fits.values()])
        if self._ylim is not None:  # kept while it holds them and is under twice as tall as needed
            (old_lo, old_hi), (new_lo, new_hi) = self._ylim, limits
            if old_lo <= new_lo and new_hi <= old_hi and old_hi - old_lo <= 2 * (new_hi - new_lo):
                limits = self._ylim
        if limits != self._ylim:  # the outlier left the view (or came back): new limits, a full redraw
            self.ax_d.set_ylim(*limits)
            self._ylim = limits
            self.static_changed()
        self.now.set_xdata([shift, shift])
        slopes = {NAMES[name]: w for name, (w, _) in fits.items()}
        self.ax_d.set_title("slopes: " + ", ".join(f"{n} {plots.num(w)}" for n, w in slopes.items()))
        self.numbers = {f"{n} slope": w for n, w in slopes.items()}

    def drawn(self) -> dict:
        out = {"outlier_y": float(self.outlier.get_ydata()[0])}
        for name, line in self.lines.items():
            xs, ys = line.get_data()
            out[f"{name}_slope"] = float((ys[1] - ys[0]) / (xs[1] - xs[0]))
            out[f"{name}_intercept"] = float(ys[0] - out[f"{name}_slope"] * xs[0])
        return out
