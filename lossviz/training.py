"""A small, readable training loop for the lessons after 04, with live feedback.

``fit`` is the loop that lesson 04 builds by hand, step by step, packed into one function:

    for each epoch:
        model.train();  for each mini-batch: zero_grad -> forward -> loss -> backward -> step
        model.eval();   with torch.no_grad(): the validation loss
        keep the best weights; stop when validation has not improved for `patience` epochs

It runs on CUDA when there is a GPU and on the CPU otherwise. ``live=True`` shows a progress
bar and a loss curve that update during training; ``live=False`` is silent (tests, scripts).
torch is imported when this module is, which is only when a lesson asks for it.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

import torch

from . import plots


def default_device() -> torch.device:
    """``cuda`` when a GPU is available, else ``cpu``: the same code runs on both."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@dataclass
class History:
    """What happened during ``fit``: one entry per epoch run."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    best_epoch: int = -1  # 0-based index of the epoch whose weights were kept
    stopped_early: bool = False
    seconds: float = 0.0

    @property
    def best_val_loss(self) -> float:
        return self.val_loss[self.best_epoch] if self.val_loss else float("nan")


def run_epoch(model, loss_fn, loader, optimizer=None, device=None) -> float:
    """One pass over ``loader``; trains when given an ``optimizer``, else only evaluates.

    Returns the mean loss per *sample* (each batch's mean weighted by its size, so a smaller
    last batch counts for what it holds).
    """
    device = device or next(model.parameters()).device
    training = optimizer is not None
    model.train(training)  # dropout and batch norm behave differently in the two modes
    total, count = 0.0, 0
    with torch.set_grad_enabled(training):  # no graph is built for validation
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = loss_fn(model(xb), yb)
            if training:
                optimizer.zero_grad()  # gradients add up across backward calls unless cleared
                loss.backward()
                optimizer.step()
            total += loss.item() * len(xb)
            count += len(xb)
    if count == 0:
        raise ValueError("run_epoch: the loader yielded no batches; is its data set empty?")
    return total / count


class LiveCurve:
    """A progress bar and a train/validation loss curve that update during training.

    Built once; ``update`` moves the two lines and the bar. The figure is rendered off-screen
    and shown as an image widget: widget updates reach the browser while the kernel is busy
    training, which an interactive (ipympl) canvas created in the same cell cannot do, since it
    waits for the browser's first message. Without a notebook front end nothing is shown.
    """

    # Rendering the curve costs ~50 ms; an epoch can take 5 ms. The bar moves every epoch,
    # the curve at most every MIN_INTERVAL seconds (and once more at the end).
    MIN_INTERVAL = 0.3

    def __init__(self, epochs: int, title: str = "training"):
        import ipywidgets as W
        from IPython import get_ipython
        from IPython.display import display
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=(6.5, 3.2), layout="constrained")
        FigureCanvasAgg(self.fig)
        ax = self.fig.subplots()
        self.train_line, = ax.plot([], [], "o-", ms=3, color=plots.PALETTE["blue"], label="train")
        self.val_line, = ax.plot([], [], "o-", ms=3, color=plots.PALETTE["orange"], label="validation")
        self.best = ax.axvline(-1, color="grey", ls="--", lw=1, label="best epoch")
        ax.set_xlim(0, max(epochs, 2))
        ax.set_yscale("log")
        ax.legend(fontsize="small")
        plots.label(ax, title, "epoch", "loss (log scale)")
        self.ax = ax
        self.bar = W.IntProgress(value=0, min=0, max=epochs, description="epoch 0", bar_style="info")
        self.text = W.Label(value="")
        self.image = W.Image(format="png", layout=W.Layout(width="650px"))
        self._drawn_at = 0.0
        in_kernel = get_ipython() is not None and getattr(get_ipython(), "kernel", None) is not None
        self.static = plots.backend_kind() == "static"  # make html: one picture at the end
        self.shown = in_kernel and not self.static
        if self.shown:
            display(W.VBox([W.HBox([self.bar, self.text]), self.image]))

    def update(self, history: History, force: bool = False) -> None:
        epochs = list(range(1, len(history.train_loss) + 1))
        self.bar.value = len(epochs)
        self.bar.description = f"epoch {len(epochs)}"
        last = f"train {history.train_loss[-1]:.4g}" + (f", validation {history.val_loss[-1]:.4g}" if history.val_loss else "")
        self.text.value = last
        if not force and time.perf_counter() - self._drawn_at < self.MIN_INTERVAL:
            return
        self._drawn_at = time.perf_counter()
        self.train_line.set_data(epochs, history.train_loss)
        if history.val_loss:
            self.val_line.set_data(epochs, history.val_loss)
            self.best.set_xdata([history.best_epoch + 1] * 2)
        values = [v for v in history.train_loss + history.val_loss if v > 0]
        if values:
            self.ax.set_ylim(min(values) * 0.8, max(values) * 1.25)
        if self.shown:
            import io

            with io.BytesIO() as png:
                self.fig.savefig(png, format="png", dpi=90)
                self.image.value = png.getvalue()

    def close(self, history: History) -> None:
        if history.train_loss:
            self.update(history, force=True)
        self.bar.bar_style = "success"
        if history.stopped_early:
            self.text.value += f" (stopped early; kept epoch {history.best_epoch + 1})"
        if self.static:
            from IPython.display import display

            display(self.fig)


def fit(model, loss_fn, train_loader, val_loader=None, optimizer=None, epochs: int = 20,
        patience: int | None = None, min_delta: float = 0.0, device=None, live: bool = True,
        title: str = "training") -> History:  # fmt: skip
    """Train ``model`` and return its :class:`History`; the best weights are kept.

    - ``optimizer`` defaults to Adam with learning rate 1e-3, the article's choice.
    - With ``val_loader``, the weights of the epoch with the lowest validation loss are
      restored at the end; with ``patience``, training stops after that many epochs without an
      improvement larger than ``min_delta``.
    - ``device`` defaults to CUDA when available; the model is moved there.
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a whole number >= 1, got {epochs!r}.")
    if patience is not None and (not isinstance(patience, int) or patience < 1):
        raise ValueError(f"fit: patience must be a whole number >= 1 (or None), got {patience!r}.")
    if patience is not None and val_loader is None:
        raise ValueError("fit: early stopping watches the validation loss: give val_loader, or set patience=None.")
    device = torch.device(device) if device is not None else default_device()
    model.to(device)
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=1e-3)
    history = History()
    curve = LiveCurve(epochs, title) if live else None
    best_state, waited, start = None, 0, time.perf_counter()
    for epoch in range(epochs):
        history.train_loss.append(run_epoch(model, loss_fn, train_loader, optimizer, device))
        if val_loader is not None:
            val = run_epoch(model, loss_fn, val_loader, None, device)
            history.val_loss.append(val)
            if best_state is None or val < history.best_val_loss - min_delta:
                history.best_epoch, best_state, waited = epoch, copy.deepcopy(model.state_dict()), 0
            else:
                waited += 1
        else:
            history.best_epoch = epoch
        if curve:
            curve.update(history)
        if patience is not None and waited >= patience:
            history.stopped_early = True
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    history.seconds = time.perf_counter() - start
    if curve:
        curve.close(history)
    return history


OPTIMIZERS = {
    "SGD": lambda params, lr: torch.optim.SGD(params, lr=lr),
    "SGD + momentum": lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9),
    "Adam": lambda params, lr: torch.optim.Adam(params, lr=lr),
}


def trajectory(x, y, optimizer: str = "SGD", lr: float = 0.01, steps: int = 100,
               start=(0.0, 0.0), limit: float = 1e3):  # fmt: skip
    """The path of ``(w, b)`` when an optimizer minimises the MSE of ``y = w x + b``.

    Returns an array of shape (k + 1, 2): the start and each step, ending early (k < steps)
    if the parameters leave ``[-limit, limit]`` (divergence).
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"trajectory: unknown optimizer {optimizer!r}; choose from {list(OPTIMIZERS)}.")
    xt = torch.as_tensor(x, dtype=torch.float64)
    yt = torch.as_tensor(y, dtype=torch.float64)
    params = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = OPTIMIZERS[optimizer]([params], lr)
    path = [params.detach().clone()]
    for _ in range(steps):
        loss = torch.mean((params[0] * xt + params[1] - yt) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if not torch.all(torch.isfinite(params)) or params.abs().max() > limit:
            break
        path.append(params.detach().clone())
    return torch.stack(path).numpy()


def save_checkpoint(path, model, optimizer=None, **extra) -> None:
    """Save the weights (and optimizer state, and plain numbers such as the epoch) to ``path``."""
    state = {"model": model.state_dict(), **extra}
    if optimizer is not None:
        state["optimizer"] = optimizer.state_dict()
    torch.save(state, path)


def load_checkpoint(path, model, optimizer=None) -> dict:
    """Load a checkpoint saved by :func:`save_checkpoint` into ``model`` (and ``optimizer``).

    ``weights_only=True`` refuses to unpickle arbitrary objects, so a checkpoint from elsewhere
    cannot run code on your machine. Returns the extra entries (epoch, losses...).
    """
    state = torch.load(path, weights_only=True, map_location=next(model.parameters()).device)
    model.load_state_dict(state.pop("model"))
    if optimizer is not None and "optimizer" in state:
        optimizer.load_state_dict(state.pop("optimizer"))
    state.pop("optimizer", None)
    return state
