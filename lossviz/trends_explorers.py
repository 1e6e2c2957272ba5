"""Explorers of lessons 06a (trends) and 06b (challenges): a composite loss's trade-off, Barron's
adaptive robust loss, and the flow of gradients through a deep network."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from . import checks, plots, robust
from .explorer import Explorer, choice, slider
from .i18n import N_, _


class TradeOffExplorer(Explorer):
    """Ridge regression as a composite loss ``MSE + lambda * |w|^2`` on a degree-9 polynomial:
    every lambda's minimiser is computed once (closed form); the slider picks one."""

    def __init__(self, x, y, degree: int = 9, lams=None):
        self.x = checks.as_float_array(x, "x", "TradeOffExplorer")
        self.y = checks.as_float_array(y, "y", "TradeOffExplorer")
        checks.check_same_shape(self.x, self.y, ("x", "y"), "TradeOffExplorer")
        self.lams = np.geomspace(1e-12, 10, 45) if lams is None else np.asarray(lams, float)
        self.grid = np.linspace(self.x.min(), self.x.max(), 200)
        phi = np.vander(self.x, degree + 1, increasing=True)
        self.phi_grid = np.vander(self.grid, degree + 1, increasing=True)
        n = len(self.x)
        # minimiser of mean((phi w - y)^2) + lam |w|^2: (phi'phi / n + lam I) w = phi'y / n
        self.W = np.array([np.linalg.solve(phi.T @ phi / n + lam * np.eye(degree + 1), phi.T @ self.y / n)
                           for lam in self.lams])  # fmt: skip
        self.fit_error = np.mean((self.W @ phi.T - self.y) ** 2, axis=1)
        self.penalty = np.sum(self.W**2, axis=1)
        super().__init__()

    def _controls(self):
        options = [(plots.num(lam), float(lam)) for lam in self.lams]
        return {"lam": choice(N_("weight λ of |w|²"), options, options[len(options) // 2][1])}

    def _build(self):
        fig, (ax_d, ax_f) = plots.new_figure(2, plots.MAX_WIDTH, 4.0)
        ax_d.scatter(self.x, self.y, s=16, color=plots.PALETTE["blue"], label="data", zorder=3)
        self.curve, = ax_d.plot(self.grid, np.zeros_like(self.grid), lw=2, color=plots.PALETTE["vermillion"], label="fit")
        # Fixed limits (the data stay put, the fit moves), wide enough for every λ's curve.
        curves = self.W @ self.phi_grid.T
        lo, hi = min(self.y.min(), curves.min()), max(self.y.max(), curves.max())
        pad = 0.3 * (hi - lo)
        ax_d.set_ylim(lo - pad, hi + pad)
        ax_d.legend(fontsize="small", loc="upper left")
        plots.label(ax_d, "", "x", "y")
        ax_f.loglog(self.penalty, self.fit_error, "o-", ms=3, color=plots.LOSS_COLOURS["mse"])
        self.point, = ax_f.plot([], [], "o", ms=12, mfc="none", mec=plots.PALETTE["black"], mew=2, zorder=4)
        plots.log_ticks(ax_f.yaxis)  # the MSE spans little more than a decade: 0.02, 0.05, 0.1 ...
        plots.label(ax_f, "every λ's minimiser", "|w|² (log)", "training MSE (log)")
        self.ax_d = ax_d
        self.moving += [self.curve, self.point, ax_d.title]
        return fig

    def _draw(self, lam):
        k = int(np.argmin(np.abs(self.lams - lam)))
        self.curve.set_ydata(self.phi_grid @ self.W[k])
        self.point.set_data([self.penalty[k]], [self.fit_error[k]])
        self.ax_d.set_title(f"the fit at λ = {plots.num(self.lams[k])}")
        self.numbers = {N_("training MSE"): float(self.fit_error[k]), N_("|w|²"): float(self.penalty[k])}

    def drawn(self) -> dict:
        return {"curve": np.asarray(self.curve.get_ydata()), "point": (float(self.point.get_xdata()[0]),
                                                                       float(self.point.get_ydata()[0]))}  # fmt: skip


class BarronExplorer(Explorer):
    """Barron's general robust loss: one shape parameter alpha slides through L2, Charbonnier,
    Cauchy, Geman-McClure and Welsch. Left: rho(x); right: its gradient, the pull of a residual."""

    NAMED = {2.0: "L2", 1.0: "Charbonnier", 0.0: "Cauchy", -2.0: "Geman-McClure", -np.inf: "Welsch"}

    def __init__(self):
        self.x = np.linspace(-6, 6, 481)
        super().__init__()

    def _controls(self):
        return {"alpha": slider(N_("shape α"), -10.0, 2.0, 1.0, step=0.1), "c": slider(N_("scale c"), 0.2, 3.0, 1.0)}

    def _build(self):
        from matplotlib import patheffects

        fig, (ax_r, ax_g) = plots.new_figure(2, plots.MAX_WIDTH, 3.8)
        names = []
        for alpha, name in self.NAMED.items():
            ax_r.plot(self.x, robust.barron(self.x, alpha), lw=0.8, color="grey", alpha=0.6)
            ax_g.plot(self.x, robust.barron_grad(self.x, alpha), lw=0.8, color="grey", alpha=0.6)
            # Each name at its curve's right end; L2 leaves the chart at x = √11.2 ≈ 3.35 (ρ = 5.6), so
            # its name sits beside the curve where it leaves. Drawn over the thick curve (it moves,
            # so they move with it), on a white outline.
            at, ha = ((3.55, 5.75), "left") if alpha == 2.0 else ((5.9, float(robust.barron(np.array([5.9]), alpha)[0])), "right")
            names.append(ax_r.annotate(name, at, fontsize="x-small", ha=ha, va="top" if alpha == 2.0 else "bottom",
                                       color="dimgrey", zorder=5,
                                       path_effects=[patheffects.withStroke(linewidth=3, foreground="white")]))  # fmt: skip
        self.rho, = ax_r.plot(self.x, self.x, lw=2.5, color=plots.PALETTE["vermillion"])
        self.psi, = ax_g.plot(self.x, self.x, lw=2.5, color=plots.PALETTE["vermillion"])
        # Fixed limits: the point is comparing the shape with the named cases (grey, c = 1).
        ax_r.set_ylim(0, 6)
        ax_g.set_ylim(-3, 3)
        plots.label(ax_r, "", "residual x", "loss ρ(x, α, c)")
        plots.label(ax_g, "gradient: the pull of a residual", "residual x", "dρ/dx")
        self.ax_r = ax_r
        self.moving += [self.rho, self.psi, ax_r.title, *names]
        return fig

    def _draw(self, alpha, c):
        self.rho.set_ydata(robust.barron(self.x, alpha, c))
        self.psi.set_ydata(robust.barron_grad(self.x, alpha, c))
        named = [n for a, n in self.NAMED.items() if np.isfinite(a) and abs(a - alpha) < 0.05]
        name = f" ({named[0]})" if named else " (≈ Welsch)" if alpha <= -9.95 else ""
        self.ax_r.set_title(f"α = {plots.num(alpha)}, c = {plots.num(c)}{name}")
        at = np.array([5.0])
        # The pull peaks where rho stops being convex: at c sqrt(|α − 2| / (1 − α)) for α < 1;
        # for α ≥ 1 it grows with |x| for ever.
        peak = c * np.sqrt(abs(alpha - 2) / (1 - alpha)) if alpha < 1 else np.inf
        self.numbers = {N_("ρ(5)"): float(robust.barron(at, alpha, c)[0]),
                        N_("dρ/dx(5)"): float(robust.barron_grad(at, alpha, c)[0]),
                        N_("pull peaks at |x|"): float(peak)}  # fmt: skip

    def drawn(self) -> dict:
        return {"rho": np.asarray(self.rho.get_ydata()), "psi": np.asarray(self.psi.get_ydata())}


class GradientFlowExplorer(Explorer):
    """A 20-layer MLP: the size of the gradient at each layer for a choice of activation and
    initialisation, from one backward pass (recomputed on each change: it is the data).

    The initialisations, as PyTorch names and draws them (``fan_in`` = ``fan_out`` = ``width``):

    - "PyTorch default": what ``nn.Linear`` does, ``kaiming_uniform_(w, a=sqrt(5))``, that is
      U(-1/sqrt(fan_in), 1/sqrt(fan_in)), variance 1/(3 fan_in);
    - "N(0, 1)": ``nn.init.normal_(w, 0, 1)``;
    - "Xavier (PyTorch gain)": ``xavier_normal_(w, gain=calculate_gain(activation))``, variance
      gain^2 * 2/(fan_in + fan_out). The gain (1 for sigmoid, 5/3 for tanh, sqrt(2) for ReLU) is
      PyTorch's, not Glorot & Bengio's (2010), whose formula has gain 1; for ReLU it makes the
      variance 2/fan_in on these square layers, Kaiming's;
    - "Kaiming": ``kaiming_normal_(w, nonlinearity="relu")``, 2/fan_in (He et al. 2015) for ReLU;
      for sigmoid and tanh ``kaiming_normal_(w, nonlinearity="linear")``, 1/fan_in, which is
      LeCun's initialisation (He et al. derived theirs for ReLU).
    """

    ACTIVATIONS = ("sigmoid", "tanh", "relu")
    INITS = ("PyTorch default", "N(0, 1)", "Xavier (PyTorch gain)", "Kaiming")

    def __init__(self, depth: int = 20, width: int = 64, seed: int = 0):
        import torch

        self.depth, self.width, self.seed = depth, width, seed
        g = torch.Generator().manual_seed(seed)
        self.X = torch.randn(128, width, generator=g)
        self.y = torch.randn(128, 1, generator=g)
        super().__init__()

    def _controls(self):
        return {"activation": W.Dropdown(options=self.ACTIVATIONS, value="sigmoid", description=_("activation")),
                "init": W.Dropdown(options=self.INITS, value="PyTorch default", description=_("initialisation"))}  # fmt: skip

    def gradient_norms(self, activation: str, init: str) -> np.ndarray:
        """The norm of dL/dW for each layer's weight matrix, first layer first (computed in float64)."""
        import torch
        from torch import nn

        if activation not in self.ACTIVATIONS or init not in self.INITS:
            raise ValueError(
                _("GradientFlowExplorer.gradient_norms: got activation={activation!r}, "
                  "init={init!r}; choose the activation from {ACTIVATIONS} and the init from "
                  "{INITS}.").format(
                    activation=activation, init=init, ACTIVATIONS=list(self.ACTIVATIONS),
                    INITS=list(self.INITS))
            )
        # The weights from another stream than the inputs (seeded with seed): the same stream twice
        # would make the first layer's weights copies of the inputs' numbers, correlated with them.
        torch.manual_seed(self.seed + 1)
        act = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}[activation]
        layers = []
        for _layer in range(self.depth):
            lin = nn.Linear(self.width, self.width)
            if init == "N(0, 1)":
                nn.init.normal_(lin.weight, 0.0, 1.0)
            elif init == "Xavier (PyTorch gain)":
                nn.init.xavier_normal_(lin.weight, gain=nn.init.calculate_gain(activation))
            elif init == "Kaiming":
                nn.init.kaiming_normal_(lin.weight, nonlinearity="relu" if activation == "relu" else "linear")
            layers += [lin, act()]
        model = nn.Sequential(*layers, nn.Linear(self.width, 1))
        loss = nn.functional.mse_loss(model(self.X), self.y)
        loss.backward()
        # float64: a float32 gradient of 1e28 is finite, but the sum of its squares (1e56) is not
        return np.array([m.weight.grad.double().norm().item() for m in model if isinstance(m, nn.Linear)][:-1])

    # The bands: below VANISH training stalls, above EXPLODE it blows up. The axis always shows a
    # little of both, and follows the norms beyond them.
    VANISH, EXPLODE = 1e-6, 1e3

    def _build(self):
        from matplotlib import patheffects
        from matplotlib.ticker import LogLocator

        fig, (ax,) = plots.new_figure(1, 8, 3.8)
        self.line, = ax.semilogy(np.arange(1, self.depth + 1), np.ones(self.depth), "o-", color=plots.PALETTE["black"])
        ax.axhspan(1e-100, self.VANISH, color=plots.PALETTE["sky"], alpha=0.2)
        ax.axhspan(self.EXPLODE, 1e100, color=plots.PALETTE["orange"], alpha=0.2)
        # Drawn over the line (they move with it), on a white outline, so a norm at the edge never hides them.
        outline = [patheffects.withStroke(linewidth=3, foreground="white")]
        bands = [ax.text(0.99, 0.03, "vanishing", ha="right", va="bottom", fontsize="small", transform=ax.transAxes,
                         zorder=5, path_effects=outline),
                 ax.text(0.99, 0.97, "exploding", ha="right", va="top", fontsize="small", transform=ax.transAxes,
                         zorder=5, path_effects=outline)]  # fmt: skip
        ax.set_xlim(0.5, self.depth + 0.5)
        plots.integer_ticks(ax.xaxis)
        ax.yaxis.set_major_locator(LogLocator(base=10, numticks=7))  # 10ⁿ, a few decades apart
        plots.label(ax, "", "layer (input side → output side)", "gradient norm |dL/dW| (log)")
        self.ax, self._limits = ax, None
        self.moving += [self.line, ax.title, *bands]
        return fig

    def _draw(self, activation, init):
        norms = self.gradient_norms(activation, init)
        self.norms = norms
        seen = norms[np.isfinite(norms) & (norms > 0)]
        lo = np.log10(min(self.VANISH / 100, seen.min())) if len(seen) else np.log10(self.VANISH / 100)
        hi = np.log10(max(self.EXPLODE * 100, seen.max())) if len(seen) else np.log10(self.EXPLODE * 100)
        pad = 0.12 * (hi - lo)  # room for the band labels above and below the line
        limits = (10.0 ** np.floor(lo - pad), 10.0 ** np.ceil(hi + pad))
        if self._limits is not None:  # kept while it holds the norms and spans under 1.5 times their decades
            (old_lo, old_hi), (new_lo, new_hi) = np.log10(self._limits), np.log10(limits)
            if old_lo <= new_lo and new_hi <= old_hi and old_hi - old_lo <= 1.5 * (new_hi - new_lo):
                limits = self._limits
        if limits != self._limits:  # the axis follows the norms: a new range re-solves the layout
            self._limits = limits
            self.ax.set_ylim(*limits)
            self.static_changed()
        # A norm that overflowed (inf) or vanished to 0 cannot sit on a log axis: drawn at its edge.
        shown = np.where(np.isfinite(norms) & (norms > 0), norms, np.where(norms == 0, limits[0], limits[1]))
        self.line.set_ydata(shown)
        overflow = " (float32 overflowed: drawn at the top)" if np.any(np.isposinf(norms) | np.isnan(norms)) else ""
        self.ax.set_title(f"{activation}, {init}{overflow}")
        self.numbers = {N_("first layer"): float(norms[0]), N_("last layer"): float(norms[-1])}

    def drawn(self) -> dict:
        return {"norms": np.asarray(self.line.get_ydata())}
