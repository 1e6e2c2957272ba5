"""Explorers of lesson 04 (the training loop): optimizers on a loss surface, and batch size."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.ticker import NullLocator

from .i18n import N_, _
from . import checks, plots, surfaces, training
from .explorer import Explorer, choice, settled_top


class OptimizerExplorer(Explorer):
    """The path of SGD, SGD with momentum and Adam over the MSE surface of ``y = w x + b``.

    The surface is computed once; a new optimizer or learning rate recomputes only the path
    (100 steps of a two-parameter model, a few milliseconds).
    """

    def __init__(self, x, y, start=(-0.5, 4.0), steps: int = 100, w_range=(-1.0, 4.0), b_range=(-6.0, 6.0)):
        self.x = checks.as_float_array(x, "x", "OptimizerExplorer")
        self.y = checks.as_float_array(y, "y", "OptimizerExplorer")
        checks.check_same_shape(self.x, self.y, ("x", "y"), "OptimizerExplorer")
        self.start, self.steps = start, steps
        self.w_values = np.linspace(*w_range, 161)
        self.b_values = np.linspace(*b_range, 161)
        self.surface = surfaces.mse_surface(self.x, self.y, self.w_values, self.b_values)
        self.best = surfaces.best_fit_line(self.x, self.y)
        super().__init__()

    def _controls(self):
        return {
            "optimizer": W.Dropdown(options=list(training.OPTIMIZERS), value="SGD", description=_("optimizer")),
            "lr": W.FloatLogSlider(value=0.02, base=10, min=-3, max=0, step=0.05, description=_("learning rate"),
                                   continuous_update=True, readout_format=".3g",
                                   style={"description_width": "initial"}, layout=W.Layout(width="420px")),
        }  # fmt: skip

    def _build(self):
        from matplotlib.ticker import MaxNLocator

        fig, (ax,) = plots.new_figure(1, 7.5, 4.6)
        plots.surface_image(ax, self.w_values, self.b_values, self.surface)
        self.path, = ax.plot([], [], ".-", lw=1.5, ms=4, color=plots.PALETTE["vermillion"], label="path", zorder=3)
        self.end, = ax.plot([], [], "o", ms=9, color=plots.PALETTE["vermillion"], mec="white", zorder=3)
        # The start and the minimum move with the path (they are redrawn over it), so a path that
        # ends on the star or passes the start never buries them.
        self.start_mark, = ax.plot(*self.start, "s", ms=8, color="white", mec="k", label="start", zorder=4)
        self.star, = ax.plot(*self.best, "*", ms=14, color="white", mec="k", label="minimum", zorder=5)
        ax.set_xlim(self.w_values[0], self.w_values[-1])
        ax.set_ylim(self.b_values[0], self.b_values[-1])
        ax.yaxis.set_major_locator(MaxNLocator(nbins="auto", prune="lower"))  # no −6 under the −1 of w
        # Outside the axes: contour labels and the path never run under it.
        fig.legend(handles=[self.star, self.start_mark, self.path], loc="outside lower center", ncols=3,
                   fontsize="small")  # fmt: skip
        plots.label(ax, "", "slope w", "intercept b")
        self.ax = ax
        self.moving += [self.path, self.end, self.start_mark, self.star, ax.title]
        return fig

    def _draw(self, optimizer, lr):
        path = training.trajectory(self.x, self.y, optimizer, lr, self.steps, self.start)
        self.path.set_data(path[:, 0], path[:, 1])
        self.end.set_data(path[-1:, 0], path[-1:, 1])
        w, b = path[-1]
        loss = float(np.mean((w * self.x + b - self.y) ** 2))
        steps = len(path) - 1
        status = f"diverged after {steps} steps" if steps < self.steps else f"MSE {plots.num(loss)}"
        self.ax.set_title(f"{optimizer}, lr {plots.num(lr)}: {status}")
        distance = float(np.hypot(w - self.best[0], b - self.best[1]))
        self.numbers = {N_("MSE"): loss, N_("distance to ★"): distance}
        self.last_path = path

    def drawn(self) -> dict:
        return {"path": np.column_stack(self.path.get_data()), "title": self.ax.get_title()}

class BatchSizeExplorer(Explorer):
    """Mini-batch SGD on the same problem with different batch sizes: the loss of each
    mini-batch (noisy) and of the whole training set (smooth), step by step. All runs are
    trained once; the slider picks one."""

    def __init__(self, X, y, sizes=(1, 4, 16, 64, 256), steps: int = 200, lr: float = 0.05, seed: int = 0):
        import torch

        X = torch.as_tensor(checks.as_float_array(X, "X", "BatchSizeExplorer"), dtype=torch.float32)
        y = torch.as_tensor(checks.as_float_array(y, "y", "BatchSizeExplorer"), dtype=torch.float32).reshape(-1, 1)
        self.sizes, self.steps = tuple(sizes), steps
        self.batch_loss, self.full_loss = {}, {}
        for size in self.sizes:
            torch.manual_seed(seed)
            model = torch.nn.Linear(X.shape[1], 1)
            opt = torch.optim.SGD(model.parameters(), lr=lr)
            gen = torch.Generator().manual_seed(seed)
            batch, full = [], []
            for _ in range(steps):
                idx = torch.randint(0, len(X), (size,), generator=gen)
                loss = torch.nn.functional.mse_loss(model(X[idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                batch.append(loss.item())
                with torch.no_grad():
                    full.append(torch.nn.functional.mse_loss(model(X), y).item())
            self.batch_loss[size], self.full_loss[size] = np.array(batch), np.array(full)
        super().__init__()

    def noise(self, size) -> float:
        """How much the mini-batch loss jumps around the whole-set loss over the last half."""
        half = self.steps // 2
        return float(np.std(self.batch_loss[size][half:] - self.full_loss[size][half:]))

    def _controls(self):
        return {"batch_size": choice(N_("batch size"), list(self.sizes), self.sizes[min(2, len(self.sizes) - 1)])}

    def _build(self):
        fig, (ax, ax_n) = plots.new_figure(2, plots.MAX_WIDTH, 4.0)
        steps = np.arange(1, self.steps + 1)
        self.batch_line, = ax.plot(steps, np.ones(self.steps), lw=0.8, color=plots.PALETTE["sky"], label="mini-batch loss")
        self.full_line, = ax.plot(steps, np.ones(self.steps), lw=2, color=plots.LOSS_COLOURS["mse"], label="whole training set")
        ax.set_xlim(0, self.steps + 1)
        plots.integer_ticks(ax.xaxis)
        self.ax, self._top = ax, None
        ax.legend(fontsize="small", loc="upper right")
        plots.label(ax, "", "SGD step", "MSE")
        noise = [self.noise(s) for s in self.sizes]
        ax_n.loglog(self.sizes, noise, "o-", color=plots.PALETTE["black"], label="measured")
        ax_n.loglog(self.sizes, noise[0] / np.sqrt(self.sizes), "--", color="grey", label="∝ 1/√batch")
        self.now, = ax_n.plot([], [], "o", ms=14, mfc="none", mec=plots.PALETTE["vermillion"], mew=2.5, zorder=4)
        ax_n.set_xticks(self.sizes, [str(s) for s in self.sizes])  # the batch sizes themselves, not 10⁰, 10¹
        ax_n.xaxis.set_minor_locator(NullLocator())
        plots.log_ticks(ax_n.yaxis)
        ax_n.legend(fontsize="small")
        plots.label(ax_n, "noise of the mini-batch loss", "batch size (log scale)", "std around whole-set loss")
        self.moving += [self.batch_line, self.full_line, self.now, ax.title]
        return fig

    def _top_for(self, batch_size) -> float:
        """The top of the loss axis for one run: its curves (a rare spike may leave), plus room
        for the legend in the upper right."""
        high = max(np.percentile(self.batch_loss[batch_size], 99), self.full_loss[batch_size].max())
        return float(1.3 * high)

    def _draw(self, batch_size):
        self.batch_line.set_ydata(self.batch_loss[batch_size])
        self.full_line.set_ydata(self.full_loss[batch_size])
        self.now.set_data([batch_size], [self.noise(batch_size)])
        top = settled_top(self._top, self._top_for(batch_size))
        if top != self._top:  # a new scale: the limits follow the run shown
            self._top = top
            self.ax.set_ylim(0, top)
            self.static_changed()
        final = float(self.full_loss[batch_size][-1])
        self.ax.set_title(f"batch size {batch_size}: final MSE {plots.num(final)}")
        self.numbers = {N_("final MSE"): final, N_("noise"): self.noise(batch_size)}

    def drawn(self) -> dict:
        return {"batch": np.asarray(self.batch_line.get_ydata()), "full": np.asarray(self.full_line.get_ydata())}
