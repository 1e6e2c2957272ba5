"""Exercises of lesson 04, The Training Loop. Each answer runs in a fresh, seeded harness."""

import torch
from torch import nn

from ..i18n import N_
from . import Exercise


def _data(n=10):
    g = torch.Generator().manual_seed(4)
    X = torch.randn(n, 3, generator=g)
    return X, X @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3


def _run_steps(train_step, steps=3):
    """Three calls of the student's step on a fresh model; returns the final parameters."""
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    X, y = _data()
    for _ in range(steps):
        train_step(model, optimizer, nn.MSELoss(), X, y)
    return torch.cat([p.detach().flatten() for p in model.parameters()]).numpy()


def _step(model, optimizer, loss_fn, xb, yb):
    optimizer.zero_grad()
    loss = loss_fn(model(xb), yb)
    loss.backward()
    optimizer.step()
    return loss.item()


def _step_without_zero_grad(model, optimizer, loss_fn, xb, yb):
    loss = loss_fn(model(xb), yb)
    loss.backward()
    optimizer.step()
    return loss.item()


def _step_without_update(model, optimizer, loss_fn, xb, yb):
    loss = loss_fn(model(xb), yb)
    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    return loss.item()


fix_the_step = Exercise(
    title=N_("Find the bug in a training step"),
    reference=_step,
    cases=[()],
    harness=lambda fn: _run_steps(fn),
    hint_text=N_("`loss.backward()` *adds* to each parameter's `.grad`. What must happen to the "
    "gradients of the previous step before the next backward pass?"),
    solution_code=N_("""
def train_step(model, optimizer, loss_fn, xb, yb):
    optimizer.zero_grad()              # clear the gradients of the previous step
    loss = loss_fn(model(xb), yb)
    loss.backward()
    optimizer.step()
    return loss.item()
"""),
    mistakes=[
        (_step_without_zero_grad,
         N_("The gradients of earlier steps were added in: call `optimizer.zero_grad()` before `loss.backward()`.")),
        (_step_without_update,
         N_("The parameters never changed: `zero_grad()` must come *before* `backward()`, and `step()` after it.")),
    ],
)  # fmt: skip


def _eval_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.5), nn.Linear(8, 1))


def _run_eval(evaluate):
    """The student's evaluation on 10 samples in batches of 4 (the last holds 2).

    Returns [mean loss, grad enabled during the forward pass, model in training mode]."""
    model = _eval_model()
    model.train()  # as it would be after a training epoch
    seen = {}

    def spy(module, args, output):
        seen["grad"] = float(torch.is_grad_enabled())
        seen["training"] = float(module.training)

    model.register_forward_hook(spy)
    X, y = _data()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=4)
    torch.manual_seed(1)  # dropout draws the same masks for every answer
    loss = evaluate(model, loader, nn.MSELoss())
    if torch.is_tensor(loss) and loss.numel() == 1:
        loss = loss.item()
    if not isinstance(loss, (int, float)):
        return loss  # None, `...` or a tensor: check() says what is wrong with it
    return [float(loss), seen.get("grad", -1.0), seen.get("training", -1.0)]


def _evaluate(model, loader, loss_fn):
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            total += loss_fn(model(xb), yb).item() * len(xb)
            count += len(xb)
    return total / count


def _evaluate_in_train_mode(model, loader, loss_fn):
    total, count = 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            total += loss_fn(model(xb), yb).item() * len(xb)
            count += len(xb)
    return total / count


def _evaluate_with_grad(model, loader, loss_fn):
    model.eval()
    total, count = 0.0, 0
    for xb, yb in loader:
        total += loss_fn(model(xb), yb).item() * len(xb)
        count += len(xb)
    return total / count


def _evaluate_mean_of_batches(model, loader, loss_fn):
    model.eval()
    with torch.no_grad():
        means = [loss_fn(model(xb), yb).item() for xb, yb in loader]
    return sum(means) / len(means)


write_evaluation = Exercise(
    title=N_("Write the evaluation step"),
    reference=_evaluate,
    cases=[()],
    harness=lambda fn: _run_eval(fn),
    hint_text=N_("Three things: `model.eval()` (dropout off), `with torch.no_grad():` (no graph), and "
    "a mean over *samples*: add `loss.item() * len(xb)` per batch and divide by the number of samples."),
    solution_code="""
def evaluate(model, loader, loss_fn):
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            total += loss_fn(model(xb), yb).item() * len(xb)
            count += len(xb)
    return total / count
""",
    mistakes=[
        (_evaluate_in_train_mode, N_("The model was still in training mode, so dropout was active: call `model.eval()` first.")),
        (_evaluate_with_grad, N_("The forward passes built a graph for gradients: wrap the loop in `with torch.no_grad():`.")),
        (_evaluate_mean_of_batches,
         N_("You averaged the batch means; the last batch is smaller, so weight each by its size "
         "(the mean over samples).")),
    ],
)  # fmt: skip
