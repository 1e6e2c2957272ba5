"""The training helper: it learns a known answer, keeps an honest history, stops early, saves."""

import copy

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lossviz import data, losses, plots, training


def loaders(n=200, noise=0.05, seed=0, batch=32):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 3, generator=g)
    y = X @ torch.tensor([[2.0], [-1.0], [0.5]]) + 0.7 + noise * torch.randn(n, 1, generator=g)
    train = DataLoader(TensorDataset(X[:150], y[:150]), batch_size=batch, shuffle=True, generator=g)
    val = DataLoader(TensorDataset(X[150:], y[150:]), batch_size=64)
    return train, val


def test_fit_recovers_a_known_linear_model():
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    train, val = loaders()
    history = training.fit(model, nn.MSELoss(), train, val, torch.optim.SGD(model.parameters(), lr=0.1),
                           epochs=40, live=False)  # fmt: skip
    np.testing.assert_allclose(model.weight.detach().numpy(), [[2.0, -1.0, 0.5]], atol=0.03)
    assert model.bias.item() == pytest.approx(0.7, abs=0.03)
    assert history.val_loss[-1] < 0.01 < history.val_loss[0]


def test_history_has_one_entry_per_epoch():
    model = nn.Linear(3, 1)
    train, val = loaders()
    h = training.fit(model, nn.MSELoss(), train, val, epochs=7, live=False)
    assert len(h.train_loss) == len(h.val_loss) == 7 and not h.stopped_early
    assert h.best_val_loss == min(h.val_loss) and h.seconds > 0
    h = training.fit(nn.Linear(3, 1), nn.MSELoss(), train, epochs=3, live=False)
    assert len(h.train_loss) == 3 and h.val_loss == [] and h.best_epoch == 2


def test_train_loss_is_the_mean_over_samples():
    # 150 samples in batches of 32: the last holds 22. The epoch loss weights batches by size.
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    train, _ = loaders(batch=32)
    X, y = train.dataset.tensors
    with torch.no_grad():
        want = nn.MSELoss()(model(X), y).item()
    got = training.run_epoch(model, nn.MSELoss(), train)  # no optimizer: evaluation only
    assert got == pytest.approx(want, rel=1e-6)


def test_early_stopping_stops_and_restores_the_best_weights():
    torch.manual_seed(0)
    X = torch.randn(40, 20)
    y = torch.randn(40, 1)  # pure noise: validation only gets worse as the model memorises
    train = DataLoader(TensorDataset(X[:20], y[:20]), batch_size=20)
    val = DataLoader(TensorDataset(X[20:], y[20:]), batch_size=20)
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 1))
    h = training.fit(model, nn.MSELoss(), train, val, torch.optim.Adam(model.parameters(), lr=1e-2),
                     epochs=200, patience=5, live=False)  # fmt: skip
    assert h.stopped_early and len(h.val_loss) == h.best_epoch + 1 + 5
    kept = training.run_epoch(model, nn.MSELoss(), val)
    assert kept == pytest.approx(h.best_val_loss, rel=1e-6)


def test_live_display_without_a_front_end_is_silent(capsys):
    train, val = loaders()
    h = training.fit(nn.Linear(3, 1), nn.MSELoss(), train, val, epochs=2, live=True)
    assert len(h.train_loss) == 2
    assert capsys.readouterr().out == ""


def test_live_curve_moves_its_lines():
    curve = training.LiveCurve(epochs=5)
    h = training.History(train_loss=[1.0, 0.5, 0.3], val_loss=[1.1, 0.6, 0.7], best_epoch=1)
    curve.update(h)
    assert list(curve.train_line.get_ydata()) == [1.0, 0.5, 0.3]
    assert list(curve.val_line.get_ydata()) == [1.1, 0.6, 0.7]
    assert curve.best.get_xdata()[0] == 2 and curve.bar.value == 3



def test_live_curve_drawing_takes_at_most_a_quarter_of_the_time(monkeypatch):
    # A fake clock: each epoch of training takes 10 ms, each drawing 200 ms (a slow machine).
    clock = [1000.0]
    monkeypatch.setattr(training.time, "perf_counter", lambda: clock[0])
    curve = training.LiveCurve(epochs=500)
    curve.shown = True
    drawings = []

    def slow_savefig(*args, **kwargs):
        drawings.append(clock[0] - 1000.0)
        clock[0] += 0.2

    monkeypatch.setattr(curve.fig, "savefig", slow_savefig)
    h = training.History()
    for epoch in range(500):
        clock[0] += 0.01
        h.train_loss.append(1.0 / (epoch + 1))
        curve.update(h)
    drawing = 0.2 * len(drawings)
    assert drawings[0] == pytest.approx(0.01)  # the first epoch is drawn at once
    assert drawing <= 0.25 * (clock[0] - 1000.0) + 0.2  # at most a quarter, give or take the last drawing
    assert len(drawings) >= 5  # and it is still drawn while training runs (5 s of training here)


def test_checkpoint_round_trip(tmp_path):
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    opt = torch.optim.Adam(model.parameters())
    train, _ = loaders()
    training.run_epoch(model, nn.MSELoss(), train, opt)
    training.save_checkpoint(tmp_path / "ckpt.pt", model, opt, epoch=4, val_loss=0.25)
    fresh = nn.Linear(3, 1)
    fresh_opt = torch.optim.Adam(fresh.parameters())
    extra = training.load_checkpoint(tmp_path / "ckpt.pt", fresh, fresh_opt)
    assert extra == {"epoch": 4, "val_loss": 0.25}
    assert torch.equal(fresh.weight, model.weight)
    assert fresh_opt.state_dict()["state"][0]["step"] == opt.state_dict()["state"][0]["step"]


def test_an_empty_loader_is_explained():
    empty = DataLoader(TensorDataset(torch.zeros(0, 3), torch.zeros(0, 1)), batch_size=4)
    with pytest.raises(ValueError, match="yielded no batches"):
        training.run_epoch(nn.Linear(3, 1), nn.MSELoss(), empty)


def test_fit_refuses_bad_arguments():
    train, _ = loaders(n=40)
    with pytest.raises(ValueError, match="epochs must be a whole number"):
        training.fit(nn.Linear(3, 1), nn.MSELoss(), train, epochs=0, live=False)
    with pytest.raises(ValueError, match="give val_loader"):
        training.fit(nn.Linear(3, 1), nn.MSELoss(), train, epochs=2, patience=2, live=False)


def test_sgd_trajectory_is_plain_gradient_descent():
    x, y = data.linear_regression(n=30, seed=1)
    path = training.trajectory(x, y, "SGD", lr=0.05, steps=20, start=(0.0, 0.0))
    w, b = 0.0, 0.0
    for k in range(1, 21):
        g = losses.mse_grad(w * x + b, y)  # chain rule: dL/dw = sum(g x), dL/db = sum(g)
        w, b = w - 0.05 * np.sum(g * x), b - 0.05 * np.sum(g)
        np.testing.assert_allclose(path[k], [w, b], rtol=1e-10)


def test_trajectory_stops_when_it_diverges():
    x, y = data.linear_regression(n=30, seed=1)
    path = training.trajectory(x, y, "SGD", lr=2.0, steps=100)
    assert len(path) < 101 and np.all(np.abs(path) <= 1e3)
    assert len(training.trajectory(x, y, "Adam", lr=0.05, steps=100)) == 101
    with pytest.raises(ValueError, match="unknown optimizer 'RMSprop'"):
        training.trajectory(x, y, "RMSprop")


def digit_like_loaders(seed=0):
    # Three well-separated classes in 2-D: accuracy rises from chance within a few epochs.
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 3, (150,), generator=g)
    centres = torch.tensor([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    X = centres[y] + 0.8 * torch.randn(150, 2, generator=g)
    train = DataLoader(TensorDataset(X[:100], y[:100]), batch_size=32, shuffle=True, generator=g)
    val = DataLoader(TensorDataset(X[100:], y[100:]), batch_size=16)  # 50 = 16 + 16 + 16 + 2
    return train, val


def test_accuracy_matches_the_pytorch_expression_and_refuses_bad_shapes():
    logits = torch.tensor([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [1.0, 0.0, 5.0], [0.0, 2.0, 1.0]])
    target = torch.tensor([0, 1, 0, 1])
    assert training.accuracy(logits, target) == 0.75
    assert training.accuracy(logits, target) == (logits.argmax(1) == target).float().mean().item()
    with pytest.raises(ValueError, match=r"logits must have shape \(N, C\)"):
        training.accuracy(logits[:, 0], target)
    with pytest.raises(ValueError, match="target shape"):
        training.accuracy(logits, target[:3])


def test_history_holds_one_metric_value_per_epoch_and_the_last_is_the_models():
    torch.manual_seed(0)
    model = nn.Linear(2, 3)
    train, val = digit_like_loaders()
    h = training.fit(model, nn.CrossEntropyLoss(), train, val, torch.optim.SGD(model.parameters(), lr=0.1),
                     epochs=6, live=False, metric=training.accuracy)  # fmt: skip
    assert h.metric_name == "accuracy"
    assert len(h.train_metric) == len(h.val_metric) == len(h.val_loss) == 6
    assert h.val_metric[-1] > 0.8 > h.train_metric[0]  # it learned, and the record shows it
    # The kept weights are those of the best epoch: the recorded validation accuracy and loss of
    # that epoch are what the final model gives, computed directly on the whole split.
    X, y = val.dataset.tensors
    with torch.no_grad():
        logits = model(X)
    assert h.best_val_metric == pytest.approx((logits.argmax(1) == y).float().mean().item(), abs=1e-6)
    assert h.best_val_loss == pytest.approx(nn.CrossEntropyLoss()(logits, y).item(), rel=1e-6)


def test_train_metric_is_the_mean_over_samples_of_the_epoch():
    # With lr = 0 the weights never move, so the epoch's running accuracy must equal the
    # accuracy of the model on the whole training split (batches weighted by their size).
    torch.manual_seed(0)
    model = nn.Linear(2, 3)
    train, val = digit_like_loaders()
    h = training.fit(model, nn.CrossEntropyLoss(), train, val, torch.optim.SGD(model.parameters(), lr=0.0),
                     epochs=2, live=False, metric=training.accuracy)  # fmt: skip
    X, y = train.dataset.tensors
    with torch.no_grad():
        want = (model(X).argmax(1) == y).float().mean().item()
    assert h.train_metric == pytest.approx([want, want], abs=1e-6)
    assert h.val_metric[0] == h.val_metric[1]
    loss, score = training.run_epoch(model, nn.CrossEntropyLoss(), train, metric=training.accuracy)
    assert score == pytest.approx(want, abs=1e-6)


def test_without_a_metric_nothing_changes():
    train, val = loaders()
    h = training.fit(nn.Linear(3, 1), nn.MSELoss(), train, val, epochs=2, live=False)
    assert h.train_metric == [] and h.val_metric == [] and h.metric_name == ""
    assert np.isnan(h.best_val_metric)
    assert isinstance(training.run_epoch(nn.Linear(3, 1), nn.MSELoss(), train), float)
    with pytest.raises(ValueError, match="metric must be a function"):
        training.fit(nn.Linear(3, 1), nn.MSELoss(), train, epochs=1, live=False, metric="accuracy")


def test_live_curve_draws_the_metric_in_a_second_panel():
    curve = training.LiveCurve(epochs=5, metric_name="accuracy")
    h = training.History(train_loss=[1.0, 0.5, 0.3], val_loss=[1.1, 0.6, 0.7], train_metric=[0.5, 0.8, 0.9],
                         val_metric=[0.4, 0.7, 0.75], metric_name="accuracy", best_epoch=1)  # fmt: skip
    curve.update(h)
    assert list(curve.train_metric_line.get_ydata()) == [0.5, 0.8, 0.9]
    assert list(curve.val_metric_line.get_ydata()) == [0.4, 0.7, 0.75]
    assert curve.metric_ax.get_ylabel() == "accuracy" and curve.metric_best.get_xdata()[0] == 2
    lo, hi = curve.metric_ax.get_ylim()
    assert lo < 0.4 and hi > 0.9
    assert "accuracy: train 0.900, validation 0.750" in curve.text.value  # plots.num: 3 significant figures
    assert len(training.LiveCurve(epochs=5).fig.axes) == 1  # no metric, one panel as before


def test_live_curve_fits_a_notebook_column_and_counts_epochs_in_whole_numbers():
    from lossviz import layout

    for metric_name in (None, "accuracy"):
        curve = training.LiveCurve(epochs=7, title="train and validation loss", metric_name=metric_name)
        h = training.History(train_loss=[1.0, 0.5, 0.3], val_loss=[1.1, 0.6, 0.7], train_metric=[0.5, 0.8, 0.9],
                             val_metric=[0.4, 0.7, 0.75], best_epoch=1)  # fmt: skip
        curve.update(h, force=True)
        assert curve.fig.get_size_inches()[0] <= plots.MAX_WIDTH
        assert layout.problems(curve.fig) == []
        for ax in curve.fig.axes:
            ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
            assert ticks and all(float(t).is_integer() for t in ticks), ticks
    assert "train 0.300, validation 0.700" in curve.text.value


# The learning-rate range test.


def test_range_test_uses_exponentially_growing_rates_and_records_each_batch_loss():
    # Replay by hand: plain SGD on a linear model, the same batches, the rates the test reports.
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    X = torch.randn(64, 3, generator=torch.Generator().manual_seed(1))
    y = X.sum(1, keepdim=True)
    loader = DataLoader(TensorDataset(X, y), batch_size=16)  # 4 batches, no shuffling: cycled twice
    w, b = model.weight.detach().clone(), model.bias.detach().clone()
    r = training.lr_range_test(model, nn.MSELoss(), loader, torch.optim.SGD(model.parameters(), lr=0.5),
                               start_lr=1e-3, end_lr=1e-1, steps=9, beta=0.0, diverge=1e9)  # fmt: skip
    np.testing.assert_allclose(r.lrs, 1e-3 * 100 ** (np.arange(9) / 8), rtol=1e-12)
    for i, lr in enumerate(r.lrs):
        xb, yb = X[16 * (i % 4): 16 * (i % 4 + 1)], y[16 * (i % 4): 16 * (i % 4 + 1)]
        wt, bt = w.clone().requires_grad_(), b.clone().requires_grad_()
        loss = nn.MSELoss()(xb @ wt.T + bt, yb)
        loss.backward()
        assert r.losses[i] == pytest.approx(loss.item(), rel=1e-5)
        w, b = w - lr * wt.grad, b - lr * bt.grad
    assert r.smoothed == r.losses and not r.stopped_early  # beta = 0: no smoothing


def test_range_test_smooths_with_a_bias_corrected_moving_average():
    train, _ = loaders()
    model = nn.Linear(3, 1)
    r = training.lr_range_test(model, nn.MSELoss(), train, torch.optim.SGD(model.parameters(), lr=0.1), steps=20)
    a, want = 0.0, []
    for i, loss in enumerate(r.losses):
        a = 0.9 * a + 0.1 * loss
        want.append(a / (1 - 0.9 ** (i + 1)))
    np.testing.assert_allclose(r.smoothed, want, rtol=1e-12)
    assert r.smoothed[0] == pytest.approx(r.losses[0])  # the correction removes the pull towards 0
    i = int(np.argmin(r.smoothed))
    assert r.best_lr == r.lrs[i] and r.suggested_lr == pytest.approx(r.lrs[i] / 10)


def test_range_test_puts_the_model_and_optimizer_back():
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    train, _ = loaders()
    training.run_epoch(model, nn.MSELoss(), train, opt)  # some Adam state to keep
    weights, state = copy.deepcopy(model.state_dict()), copy.deepcopy(opt.state_dict())
    training.lr_range_test(model, nn.MSELoss(), train, opt, steps=30)
    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())
    after = opt.state_dict()
    assert after["param_groups"][0]["lr"] == 1e-3
    assert all(torch.equal(state["state"][0][k], v) for k, v in after["state"][0].items() if torch.is_tensor(v))


def test_range_test_puts_back_the_train_or_eval_mode_of_every_submodule():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.5), nn.Linear(8, 1))
    train, _ = loaders()
    seen = []
    model[1].register_forward_hook(lambda module, inp, out: seen.append(module.training))
    model.eval()
    model[1].train()  # a mixed setting, which model.train(flag) alone could not put back
    training.lr_range_test(model, nn.MSELoss(), train, torch.optim.SGD(model.parameters(), lr=0.1), steps=5)
    assert seen == [True] * 5  # the test trains in train mode (dropout on)...
    assert [m.training for m in model.modules()] == [False, False, True, False]  # ...and puts the modes back
    model.eval()
    training.lr_range_test(model, nn.MSELoss(), train, torch.optim.SGD(model.parameters(), lr=0.1), steps=5)
    assert not any(m.training for m in model.modules())


def test_range_test_puts_the_model_back_even_when_it_fails_and_can_keep_the_final_weights():
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    model.eval()
    weights = copy.deepcopy(model.state_dict())
    train, _ = loaders()

    def failing_loss(out, target):
        if failing_loss.calls == 3:
            raise RuntimeError("boom")
        failing_loss.calls += 1
        return nn.functional.mse_loss(out, target)

    failing_loss.calls = 0
    with pytest.raises(RuntimeError, match="boom"):
        training.lr_range_test(model, failing_loss, train, torch.optim.SGD(model.parameters(), lr=0.1), steps=10)
    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items()) and not model.training
    r = training.lr_range_test(model, nn.MSELoss(), train, torch.optim.SGD(model.parameters(), lr=0.1), steps=10)
    assert r.final_state is None  # not kept unless asked
    r = training.lr_range_test(model, nn.MSELoss(), train, torch.optim.SGD(model.parameters(), lr=0.1), steps=10,
                               start_lr=1e-3, end_lr=1e-1, keep_final=True)  # fmt: skip
    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())  # the model is put back...
    moved = nn.Linear(3, 1)
    moved.load_state_dict(r.final_state)  # ...and the copy holds where the test left it
    assert not torch.equal(moved.weight, model.weight)
    X, y = train.dataset.tensors
    assert nn.MSELoss()(moved(X), y) < nn.MSELoss()(model(X), y)  # ten small SGD steps made progress


def test_range_test_stops_when_the_loss_blows_up_and_its_suggestion_trains():
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    train, val = loaders()
    r = training.lr_range_test(model, nn.MSELoss(), train, torch.optim.SGD(model.parameters(), lr=0.1),
                               start_lr=1e-4, end_lr=100.0, steps=200)  # fmt: skip
    assert r.stopped_early and len(r.lrs) < 200
    assert not r.smoothed[-1] <= 4 * min(r.smoothed)  # above 4x the lowest, or not finite
    assert r.lrs[-1] > r.best_lr > r.suggested_lr
    h = training.fit(model, nn.MSELoss(), train, val, torch.optim.SGD(model.parameters(), lr=r.suggested_lr),
                     epochs=30, live=False)  # fmt: skip
    assert h.best_val_loss < 0.01 < training.run_epoch(nn.Linear(3, 1), nn.MSELoss(), val)


def test_range_test_refuses_bad_arguments():
    train, _ = loaders(n=40)
    model = nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"end_lr \(0.001\) must be larger than start_lr \(0.01\)"):
        training.lr_range_test(model, nn.MSELoss(), train, opt, start_lr=1e-2, end_lr=1e-3)
    with pytest.raises(ValueError, match="start_lr must be a positive number"):
        training.lr_range_test(model, nn.MSELoss(), train, opt, start_lr=0.0)
    with pytest.raises(ValueError, match="steps must be a whole number >= 2"):
        training.lr_range_test(model, nn.MSELoss(), train, opt, steps=1)
    with pytest.raises(ValueError, match=r"beta must be a number in \[0, 1\)"):
        training.lr_range_test(model, nn.MSELoss(), train, opt, beta=1.0)
    empty = DataLoader(TensorDataset(torch.zeros(0, 3), torch.zeros(0, 1)), batch_size=4)
    with pytest.raises(ValueError, match="yielded no batches"):
        training.lr_range_test(model, nn.MSELoss(), empty, opt)
