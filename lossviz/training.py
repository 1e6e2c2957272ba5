"""A small, readable training loop for the lessons after 04, with live feedback.

``fit`` is the loop that lesson 04 builds by hand, step by step, packed into one function:

    for each epoch:
        model.train();  for each mini-batch: zero_grad -> forward -> loss -> backward -> step
        model.eval();   with torch.no_grad(): the validation loss
        keep the best weights; stop when validation has not improved for `patience` epochs

It runs on CUDA when there is a GPU and on the CPU otherwise. ``live=True`` shows a progress
bar and a loss curve that update during training; ``live=False`` is silent (tests, scripts).
``metric=accuracy`` records one more number per epoch beside the loss, on both splits, and
draws it in a second panel: the loss is what the optimizer sees, the metric what people read.
``lr_range_test`` is the learning-rate range test of the same lesson (Smith 2017; fastai's
``lr_find``). torch is imported when this module is, which is only when a lesson asks for it.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field

import torch

from . import plots
from .i18n import _


def default_device() -> torch.device:
    """``cuda`` when a GPU is available, else ``cpu``: the same code runs on both."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@dataclass
class History:
    """What happened during ``fit``: one entry per epoch run.

    ``train_loss`` and ``train_metric`` are means over the epoch's mini-batches, taken while the
    weights were still changing (as every training loop reports them); ``val_loss`` and
    ``val_metric`` are measured after the epoch, on the weights it ended with. The metric lists
    stay empty when ``fit`` was given no ``metric``; ``metric_name`` names it (``"accuracy"``).
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_metric: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)
    metric_name: str = ""
    best_epoch: int = -1  # 0-based index of the epoch whose weights were kept
    stopped_early: bool = False
    seconds: float = 0.0

    @property
    def best_val_loss(self) -> float:
        return self.val_loss[self.best_epoch] if self.val_loss else float("nan")

    @property
    def best_val_metric(self) -> float:
        """The validation metric of the kept weights (chosen by validation *loss*)."""
        return self.val_metric[self.best_epoch] if self.val_metric else float("nan")


def accuracy(logits, target) -> float:
    """The fraction of samples whose largest logit is the true class.

    ``logits``: ``(N, C)``; ``target``: ``(N,)`` class indices. PyTorch:
    ``(logits.argmax(1) == target).float().mean().item()``. Not differentiable, so it is watched,
    never minimised: cross-entropy is the loss that trains for it.
    """
    if logits.ndim != 2 or target.shape != logits.shape[:1]:
        raise ValueError(
            _("accuracy: logits must have shape (N, C) and target shape (N,), got {shape} and "
              "{shape2}. For one score per sample (binary), compare (score > 0) with the labels "
              "instead.").format(shape=tuple(logits.shape), shape2=tuple(target.shape))
        )
    return (logits.argmax(1) == target).float().mean().item()


def run_epoch(model, loss_fn, loader, optimizer=None, device=None, metric=None):
    """One pass over ``loader``; trains when given an ``optimizer``, else only evaluates.

    Returns the mean loss per *sample* (each batch's mean weighted by its size, so a smaller
    last batch counts for what it holds). With ``metric(output, target)``, a mean over the batch
    such as :func:`accuracy`, returns ``(loss, metric)``, the metric averaged the same way.
    """
    device = device or next(model.parameters()).device
    training = optimizer is not None
    model.train(training)  # dropout and batch norm behave differently in the two modes
    total, score, count = 0.0, 0.0, 0
    with torch.set_grad_enabled(training):  # no graph is built for validation
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            out = model(xb)
            loss = loss_fn(out, yb)
            if training:
                optimizer.zero_grad()  # gradients add up across backward calls unless cleared
                loss.backward()
                optimizer.step()
            total += loss.item() * len(xb)
            if metric is not None:
                score += float(metric(out.detach(), yb)) * len(xb)
            count += len(xb)
    if count == 0:
        raise ValueError(_("run_epoch: the loader yielded no batches; is its data set empty?"))
    return total / count if metric is None else (total / count, score / count)


class LiveCurve:
    """A progress bar and a train/validation loss curve that update during training.

    With ``metric_name``, a second panel beside it draws the metric (accuracy) of both splits.
    Built once; ``update`` moves the lines and the bar. The figure is rendered off-screen
    and shown as an image widget: widget updates reach the browser while the kernel is busy
    training, which an interactive (ipympl) canvas created in the same cell cannot do, since it
    waits for the browser's first message. Without a notebook front end nothing is shown.
    """

    # Rendering the curve costs 50-150 ms; an epoch can take 5 ms. The bar moves every epoch. The
    # curve is redrawn once training has run MIN_INTERVAL seconds since the last drawing, and at
    # least RENDER_SHARE times as long as that drawing took, so drawing never takes more than a
    # quarter of the time on a slow machine (and once more at the end).
    MIN_INTERVAL = 0.3
    RENDER_SHARE = 3.0

    def __init__(self, epochs: int, title: str = "training", metric_name: str | None = None):
        import ipywidgets as W
        from IPython import get_ipython
        from IPython.display import display
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        width, height = (6.5, 3.6) if metric_name is None else (plots.MAX_WIDTH, 3.6)
        self.fig = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(self.fig)
        axes = self.fig.subplots(1, 1 if metric_name is None else 2, squeeze=False)[0]
        ax = axes[0]
        self.train_line, = ax.plot([], [], "o-", ms=3, color=plots.PALETTE["blue"], label="train")
        self.val_line, = ax.plot([], [], "o-", ms=3, color=plots.PALETTE["orange"], label="validation")
        self.best = ax.axvline(-1, color="grey", ls="--", lw=1, label="best epoch (lowest validation loss)")
        ax.set_xlim(0, max(epochs, 2))
        plots.integer_ticks(ax.xaxis)
        ax.set_yscale("log")
        plots.label(ax, title, "epoch", "loss (log scale)")
        self.ax, self.metric_ax, self.metric_name = ax, None, metric_name
        if metric_name is not None:
            m = axes[1]
            blue, orange = plots.PALETTE["blue"], plots.PALETTE["orange"]
            self.train_metric_line, = m.plot([], [], "o-", ms=3, color=blue, label="train")
            self.val_metric_line, = m.plot([], [], "o-", ms=3, color=orange, label="validation")
            self.metric_best = m.axvline(-1, color="grey", ls="--", lw=1)
            m.set_xlim(0, max(epochs, 2))
            plots.integer_ticks(m.xaxis)
            plots.label(m, f"{metric_name} of the same epochs", "epoch", metric_name)
            self.metric_ax = m
        # One legend for both panels, under them: no curve ever runs beneath it.
        self.fig.legend(handles=[self.train_line, self.val_line, self.best], loc="outside lower center",
                        ncols=2 if metric_name is None else 3, fontsize="small")  # fmt: skip
        self.bar = W.IntProgress(value=0, min=0, max=epochs, description=_("epoch {n}").format(n=0), bar_style="info")
        self.text = W.Label(value="")
        self.image = W.Image(format="png", layout=W.Layout(width=f"{int(width * 100)}px"))
        self._drawn_at, self._wait = 0.0, 0.0
        in_kernel = get_ipython() is not None and getattr(get_ipython(), "kernel", None) is not None
        self.static = plots.backend_kind() == "static"  # make html: one picture at the end
        self.shown = in_kernel and not self.static
        if self.shown:
            display(W.VBox([W.HBox([self.bar, self.text]), self.image]))

    def update(self, history: History, force: bool = False) -> None:
        epochs = list(range(1, len(history.train_loss) + 1))
        self.bar.value = len(epochs)
        self.bar.description = _("epoch {n}").format(n=len(epochs))
        num = plots.num
        last = _("train {value}").format(value=num(history.train_loss[-1]))
        if history.val_loss:
            last += _(", validation {value}").format(value=num(history.val_loss[-1]))
        if self.metric_ax is not None and history.train_metric:
            last += _("; {metric}: train {value}").format(metric=_(self.metric_name), value=num(history.train_metric[-1]))
            if history.val_metric:
                last += _(", validation {value}").format(value=num(history.val_metric[-1]))
        self.text.value = last
        if not force and time.perf_counter() - self._drawn_at < self._wait:
            return
        started = time.perf_counter()
        self.train_line.set_data(epochs, history.train_loss)
        if history.val_loss:
            self.val_line.set_data(epochs, history.val_loss)
            self.best.set_xdata([history.best_epoch + 1] * 2)
        values = [v for v in history.train_loss + history.val_loss if v > 0]
        if values:
            self.ax.set_ylim(min(values) * 0.8, max(values) * 1.25)
        if self.metric_ax is not None and history.train_metric:
            self.train_metric_line.set_data(epochs, history.train_metric)
            if history.val_metric:
                self.val_metric_line.set_data(epochs, history.val_metric)
                self.metric_best.set_xdata([history.best_epoch + 1] * 2)
            scores = history.train_metric + history.val_metric
            pad = max(0.02, 0.05 * (max(scores) - min(scores)))
            self.metric_ax.set_ylim(min(scores) - pad, max(scores) + pad)
        if self.shown:
            import io

            with io.BytesIO() as png:
                self.fig.savefig(png, format="png", dpi=90)
                self.image.value = png.getvalue()
        self._drawn_at = time.perf_counter()
        self._wait = max(self.MIN_INTERVAL, self.RENDER_SHARE * (self._drawn_at - started))

    def close(self, history: History) -> None:
        if history.train_loss:
            self.update(history, force=True)
        self.bar.bar_style = "success"
        if history.stopped_early:
            self.text.value += _(" (stopped early; kept epoch {epoch})").format(epoch=history.best_epoch + 1)
        if self.static:
            from IPython.display import display

            display(self.fig)


def fit(model, loss_fn, train_loader, val_loader=None, optimizer=None, epochs: int = 20,
        patience: int | None = None, min_delta: float = 0.0, device=None, live: bool = True,
        title: str = "training", metric=None) -> History:  # fmt: skip
    """Train ``model`` and return its :class:`History`; the best weights are kept.

    - ``optimizer`` defaults to Adam with learning rate 1e-3, the article's choice.
    - With ``val_loader``, the weights of the epoch with the lowest validation loss are
      restored at the end; with ``patience``, training stops after that many epochs without an
      improvement larger than ``min_delta``. ``val_loader`` is for choosing: keep the test
      split out of it, and evaluate on the test split once, after ``fit``.
    - ``metric(output, target)``, e.g. :func:`accuracy`, is recorded each epoch on both splits
      (``history.train_metric``, ``history.val_metric``) and drawn beside the loss. It is only
      watched: the weights are still chosen by validation loss.
    - ``device`` defaults to CUDA when available; the model is moved there.
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(
            _("fit: epochs must be a whole number >= 1, got {epochs!r}.").format(epochs=epochs)
        )
    if patience is not None and (not isinstance(patience, int) or patience < 1):
        raise ValueError(
            _("fit: patience must be a whole number >= 1 (or None), got {patience!r}.").format(
                patience=patience)
        )
    if patience is not None and val_loader is None:
        raise ValueError(
            _("fit: early stopping watches the validation loss: give val_loader, or set "
              "patience=None.")
        )
    if metric is not None and not callable(metric):
        raise ValueError(
            _("fit: metric must be a function metric(output, target) -> float, such as "
              "training.accuracy; got {metric!r}.").format(metric=metric)
        )
    device = torch.device(device) if device is not None else default_device()
    model.to(device)
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=1e-3)
    name = getattr(metric, "__name__", "metric") if metric is not None else ""
    history = History(metric_name=name)
    curve = LiveCurve(epochs, title, name or None) if live else None
    best_state, waited, start = None, 0, time.perf_counter()
    for epoch in range(epochs):
        train = run_epoch(model, loss_fn, train_loader, optimizer, device, metric)
        if metric is not None:
            train, score = train
            history.train_metric.append(score)
        history.train_loss.append(train)
        if val_loader is not None:
            val = run_epoch(model, loss_fn, val_loader, None, device, metric)
            if metric is not None:
                val, score = val
                history.val_metric.append(score)
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
        raise ValueError(
            _("trajectory: unknown optimizer {optimizer!r}; choose from {OPTIMIZERS}.").format(
                optimizer=optimizer, OPTIMIZERS=list(OPTIMIZERS))
        )
    xt = torch.as_tensor(x, dtype=torch.float64)
    yt = torch.as_tensor(y, dtype=torch.float64)
    params = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = OPTIMIZERS[optimizer]([params], lr)
    path = [params.detach().clone()]
    for _step in range(steps):
        loss = torch.mean((params[0] * xt + params[1] - yt) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if not torch.all(torch.isfinite(params)) or params.abs().max() > limit:
            break
        path.append(params.detach().clone())
    return torch.stack(path).numpy()


@dataclass
class RangeTest:
    """What :func:`lr_range_test` saw: per mini-batch step, the learning rate it used, the loss of
    that batch, and the smoothed loss. ``stopped_early`` is true when the smoothed loss passed
    ``diverge`` times its lowest value (or was not finite) before the last rate was reached.
    ``final_state`` is a copy of the model's ``state_dict()`` as the test left it, before the
    weights were put back (only with ``keep_final=True``; else ``None``): what the largest rates
    did to the model."""

    lrs: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    smoothed: list[float] = field(default_factory=list)
    stopped_early: bool = False
    final_state: dict | None = None

    @property
    def best_lr(self) -> float:
        """The learning rate at which the smoothed loss was lowest."""
        return self.lrs[min(range(len(self.smoothed)), key=self.smoothed.__getitem__)]

    @property
    def suggested_lr(self) -> float:
        """One tenth of ``best_lr``: fastai's ``minimum`` suggestion."""
        return self.best_lr / 10


def lr_range_test(model, loss_fn, loader, optimizer, start_lr: float = 1e-5, end_lr: float = 10.0,
                  steps: int = 300, beta: float = 0.9, diverge: float = 4.0, device=None,
                  keep_final: bool = False) -> RangeTest:  # fmt: skip
    r"""The learning-rate range test ("LR finder"): train for ``steps`` mini-batches while the
    learning rate grows exponentially from ``start_lr`` to ``end_lr``, and record the loss.

    Step :math:`i = 0, \dots, n-1` uses :math:`\eta_i = \eta_{start}(\eta_{end}/\eta_{start})^{i/(n-1)}`
    (the same factor every step, so the rates are evenly spaced on a log axis). Each batch's loss
    :math:`\ell_i` is noisy; it is smoothed by a moving average with Adam's bias correction,
    :math:`a_i = \beta a_{i-1} + (1-\beta)\ell_i`, :math:`s_i = a_i / (1-\beta^{i+1})`. The test
    stops early once :math:`s_i` exceeds ``diverge`` times its lowest value so far (fastai's rule,
    with 4), or is not finite. ``loader`` is cycled as often as needed.

    Smith (2017), "Cyclical learning rates for training neural networks" (WACV), section 3.3,
    introduced the range test (a linear increase over several epochs, read on accuracy); the
    exponential, per-batch version with a smoothed loss is fastai's ``Learner.lr_find``. Read the
    plot of ``smoothed`` against ``lrs`` (log axis): below the useful range the loss hardly moves;
    it falls fastest in the useful range and turns up where the rate becomes too large.
    ``RangeTest.suggested_lr`` is one tenth of the rate at the lowest smoothed loss.

    The model's weights, its train/eval mode (of every submodule) and the optimizer's state (its
    learning rate included) are put back afterwards, even if the test fails, so the same model can
    then be trained from where it started. ``keep_final=True`` keeps a copy of the weights as the
    test left them in ``RangeTest.final_state``. The random number generators are *not* put back:
    the test draws from them (the loader's shuffling, dropout), so a run after it differs from a
    run without it unless you seed again, as with ``torch.manual_seed`` and the loader's
    ``generator``.
    """
    for name, value in (("start_lr", start_lr), ("end_lr", end_lr), ("diverge", diverge)):
        if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise ValueError(
                _("lr_range_test: {name} must be a positive number, got {value!r}.").format(
                    name=name, value=value)
            )
    if not end_lr > start_lr:
        raise ValueError(
            _("lr_range_test: end_lr ({end_lr!r}) must be larger than start_lr ({start_lr!r}); the "
              "test increases the rate, typically from 1e-5 or 1e-7 up to 10.").format(
                end_lr=end_lr, start_lr=start_lr)
        )
    if not isinstance(steps, int) or steps < 2:
        raise ValueError(
            _("lr_range_test: steps must be a whole number >= 2, got {steps!r}; a few hundred is "
              "usual.").format(steps=steps)
        )
    if not isinstance(beta, (int, float)) or not 0 <= beta < 1:
        raise ValueError(
            _("lr_range_test: beta must be a number in [0, 1) (0: no smoothing), got {beta!r}.").format(
                beta=beta)
        )
    device = device or next(model.parameters()).device
    saved_model, saved_opt = copy.deepcopy(model.state_dict()), copy.deepcopy(optimizer.state_dict())
    saved_modes = [(module, module.training) for module in model.modules()]
    try:
        result = _range_test_steps(model, loss_fn, loader, optimizer, start_lr, end_lr, steps, beta,
                                   diverge, device)
        if keep_final:
            result.final_state = copy.deepcopy(model.state_dict())
    finally:
        model.load_state_dict(saved_model)
        optimizer.load_state_dict(saved_opt)
        for module, mode in saved_modes:
            module.training = mode
    return result


def _range_test_steps(model, loss_fn, loader, optimizer, start_lr, end_lr, steps, beta, diverge,
                      device) -> RangeTest:
    """The loop of :func:`lr_range_test`, which checks the arguments and puts the model back."""
    result, average, batches = RangeTest(), 0.0, iter(loader)
    model.train()
    for i in range(steps):
        lr = start_lr * (end_lr / start_lr) ** (i / (steps - 1))
        try:
            xb, yb = next(batches)
        except StopIteration:
            batches = iter(loader)
            try:
                xb, yb = next(batches)
            except StopIteration:
                raise ValueError(
                    _("lr_range_test: the loader yielded no batches; is its data set empty?")
                ) from None
        for group in optimizer.param_groups:
            group["lr"] = lr
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        value = loss.item()
        average = beta * average + (1 - beta) * value
        smooth = average / (1 - beta ** (i + 1))
        result.lrs.append(lr)
        result.losses.append(value)
        result.smoothed.append(smooth)
        if i < steps - 1 and (smooth != smooth or smooth > diverge * min(result.smoothed)):
            result.stopped_early = True
            break
    return result


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
