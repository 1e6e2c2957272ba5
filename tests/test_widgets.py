"""Explorers driven headless: each control changes the picture, and what is drawn is what
``lossviz.losses`` computes. Nothing expensive is recomputed on a slider move."""

import re

import ipywidgets as W
import numpy as np
import pytest

from lossviz import data, losses, plots, surfaces, widgets


@pytest.fixture
def line():
    return data.linear_regression(n=40, seed=0)


@pytest.fixture(scope="module")
def blobs():
    return data.two_blobs(n=80, distance=3.0, seed=0)


_SVM_LAMS = (0.001, 0.01, 0.1, 1.0)
EXPLORERS = {
    "point": lambda x, y: widgets.PointLossExplorer(),
    "linear_fit_mse": lambda x, y: widgets.LinearFitExplorer(x, y, loss="mse"),
    "linear_fit_huber": lambda x, y: widgets.LinearFitExplorer(x, y, loss="huber", grid=41),
    "outlier": lambda x, y: widgets.OutlierExplorer(x, y, true_slope=2.0),
    "softmax": lambda x, y: widgets.SoftmaxExplorer(),
    "label_smoothing": lambda x, y: widgets.LabelSmoothingExplorer(),
    "logistic": lambda x, y: widgets.LogisticExplorer(*data.two_blobs(n=80, distance=3.0, seed=0), grid=41),
    "margin": lambda x, y: widgets.MarginExplorer(),
    "svm": lambda x, y: widgets.SVMExplorer(*_signed(data.two_blobs(n=60, seed=0)), lams=_SVM_LAMS, steps=300),
    "optimizer": lambda x, y: widgets.OptimizerExplorer(x + 3.0, y),
    "batch_size": lambda x, y: widgets.BatchSizeExplorer(*data.friedman1(200), sizes=(1, 8, 64), steps=60),
    "detection": lambda x, y: _detection(),
    "gallery": lambda x, y: widgets.GalleryExplorer(),
    "trade_off": lambda x, y: widgets.TradeOffExplorer(x / 3, y / 3, degree=5),
    "barron": lambda x, y: widgets.BarronExplorer(),
    "gradient_flow": lambda x, y: widgets.GradientFlowExplorer(depth=8),
    "gan": lambda x, y: _gan(),
}


def _detection_results():
    images, classes, boxes = data.shapes(n=8, seed=3)
    rng = np.random.default_rng(0)
    results = {}
    for k, w in enumerate((0.0, 1.0, 10.0)):  # stand-ins for trained detectors: boxes jittered less and less
        jitter = rng.normal(0, 0.1 / (k + 1), boxes.shape)
        pred = np.clip(boxes + jitter, 0, 1)
        pred[:, 2:] = np.maximum(pred[:, 2:], pred[:, :2] + 0.01)
        results[w] = {"boxes": pred, "classes": (classes + (k == 2)) % 3, "accuracy": 1.0 - k / 3, "miou": 0.3 * k}
    return images, boxes, classes, results


def _detection():
    return widgets.DetectionExplorer(*_detection_results())


def _gan():
    real = data.two_modes(500, seed=0)
    rng = np.random.default_rng(1)
    snaps = [(step, rng.normal(0, 0.3 + step / 100, 500), 1.0 - step / 300) for step in (0, 100, 200)]
    return widgets.GANExplorer(real, snaps)


def _signed(xy):
    return xy[0], 2.0 * xy[1] - 1
# control -> a value different from its default
MOVES = {
    "point": {"loss": "mae", "target": 2.5, "prediction": -1.5},  # the fast path last
    "linear_fit_mse": {"w": 2.5, "b": -1.5},
    "linear_fit_huber": {"w": 2.5, "b": -1.5},
    "outlier": {"shift": 25.0},
    "softmax": {"true_class": 2, "T": 2.0, "z0": -3.0, "z1": 4.0, "z2": 0.5},
    "label_smoothing": {"eps": 0.3, "margin": 6.0},
    "logistic": {"w1": 2.0, "w2": -1.0},
    "margin": {"margin": 1.5},
    "svm": {"lam": 1.0},
    "optimizer": {"optimizer": "Adam", "lr": 0.2},
    "batch_size": {"batch_size": 1},
    "detection": {"weight": 10.0},
    "gallery": {"loss": "hinge", "position": 0.8},
    "trade_off": {"lam": 10.0},
    "barron": {"alpha": -3.0, "c": 2.0},
    "gradient_flow": {"activation": "relu", "init": "Kaiming"},
    "gan": {"step": 200},
}


def pixels(explorer):
    return np.asarray(explorer.fig.canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_control_changes_the_picture(name, line):
    ex = EXPLORERS[name](*line)
    assert set(MOVES[name]) == set(ex.controls), "every control must be exercised"
    for control, value in MOVES[name].items():
        before = pixels(ex)
        ex.set(**{control: value})
        changed = np.mean(np.any(pixels(ex) != before, axis=-1))
        assert changed > 0.001, f"moving {control} changed only {changed:.4%} of the pixels"


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_blitted_update_looks_like_a_full_redraw(name, line):
    # The fast path repaints only the moving artists; the result must equal a full render.
    ex = EXPLORERS[name](*line)
    for control, value in MOVES[name].items():
        ex.set(**{control: value})
    blitted = pixels(ex)
    ex.fig.canvas.draw()
    assert np.mean(np.any(pixels(ex) != blitted, axis=-1)) < 1e-4


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_each_update_is_timed(name, line):
    ex = EXPLORERS[name](*line)
    n = len(ex.update_ms)
    ex.set(**{k: v for k, v in MOVES[name].items() if k != "loss"})
    assert len(ex.update_ms) == n + 1 and ex.update_ms[-1] > 0


def test_slider_drag_triggers_one_update_per_move(line):
    # What the browser does: it sets the widget's value; observe() must call update.
    ex = widgets.LinearFitExplorer(*line)
    n = len(ex.update_ms)
    for w in (0.5, 1.0, 1.5):
        ex.controls["w"].value = w
    assert len(ex.update_ms) == n + 3 and ex.drawn()["w"] == 1.5


@pytest.mark.parametrize("name", ["mse", "mae", "huber"])
def test_point_explorer_draws_the_loss_and_gradient(name):
    ex = widgets.PointLossExplorer(loss=name)
    for pred, target in [(3.0, 1.0), (-2.0, 0.5), (0.5, 0.5), (1.3, 0.2)]:
        shown = ex.set(prediction=pred, target=target, loss=name)
        fn, grad, _ = widgets.POINT_LOSSES[name]
        assert shown["loss"] == pytest.approx(fn([pred], [target]), abs=1e-12)
        assert shown["gradient"] == pytest.approx(grad([pred], [target])[0], abs=1e-12)
        assert shown["target"] == target
        assert shown["loss_title"].endswith(f"= {plots.num(shown['loss'])}")
        assert shown["grad_title"].endswith(f"= {plots.num(shown['gradient'])}")
        # the curve in the loss's own colour; tangent and dots in black, apart from every loss colour
        assert ex.loss_curve.get_color() == plots.LOSS_COLOURS[name]
        assert ex.tangent.get_color() == ex.loss_point.get_color() == plots.PALETTE["black"]
        # the whole curve, not just the marker, is the loss of lossviz
        xs, ys = ex.loss_curve.get_data()
        np.testing.assert_allclose(ys, fn(xs, np.full_like(xs, target), reduction="none"))


def test_point_explorer_recomputes_curves_only_when_target_or_loss_change():
    ex = widgets.PointLossExplorer()
    curve = ex.loss_curve.get_ydata()
    ex.set(prediction=-1.0)
    assert ex.loss_curve.get_ydata() is curve, "moving the prediction must not recompute the curve"
    ex.set(target=0.0)
    assert ex.loss_curve.get_ydata() is not curve


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
def test_linear_fit_explorer_draws_the_loss_of_its_line(line, loss):
    x, y = line
    ex = widgets.LinearFitExplorer(x, y, loss=loss, grid=41)
    fn = widgets.POINT_LOSSES[loss][0]
    for w, b in [(0.0, 1.0), (2.0, -1.0), (4.5, 1.5)]:
        shown = ex.set(w=w, b=b)
        assert (shown["w"], shown["b"]) == (w, b)
        np.testing.assert_allclose(shown["line"], w * x + b)
        assert shown["loss"] == pytest.approx(fn(w * x + b, y), abs=1e-12)
        assert shown["loss_title"].endswith(f"= {plots.num(fn(w * x + b, y))}")  # the title, as plots.num writes it


def test_linear_fit_arrow_points_downhill(line):
    x, y = line
    ex = widgets.LinearFitExplorer(x, y)
    for w, b in [(0.0, 1.0), (4.0, -3.0), (1.0, -3.5)]:
        shown = ex.set(w=w, b=b)
        tip = np.array(shown["arrow_tip"])
        step = 1e-3 * (tip - [w, b]) / np.linalg.norm(tip - [w, b])
        assert losses.mse((w + step[0]) * x + b + step[1], y) < losses.mse(w * x + b, y)


def test_linear_fit_surface_is_computed_once(line, monkeypatch):
    calls = []
    real = surfaces.mse_surface
    monkeypatch.setattr(surfaces, "mse_surface", lambda *a: calls.append(1) or real(*a))
    ex = widgets.LinearFitExplorer(*line)
    for w in np.linspace(-1, 5, 25):
        ex.set(w=float(w), b=float(-w / 3))
    assert len(calls) == 1


def test_linear_fit_marks_the_true_minimum(line):
    x, y = line
    ex = widgets.LinearFitExplorer(x, y)
    i, j = np.unravel_index(np.argmin(ex.surface), ex.surface.shape)
    w_best, b_best = ex.best
    assert abs(ex.w_values[j] - w_best) <= np.diff(ex.w_values)[0]
    assert abs(ex.b_values[i] - b_best) <= np.diff(ex.b_values)[0]


def test_outlier_explorer_draws_each_loss_fit(line):
    x, y = line
    ex = widgets.OutlierExplorer(x, y, index=-1, true_slope=2.0)
    shown = ex.set(shift=30.0)
    moved = y.copy()
    moved[-1] += 30.0
    assert shown["outlier_y"] == pytest.approx(moved[-1])
    for name in ("mse", "mae", "huber"):
        w, b = surfaces.best_fit_line(x, moved, name)
        assert shown[f"{name}_slope"] == pytest.approx(w) and shown[f"{name}_intercept"] == pytest.approx(b)
    # the lesson's claim: the outlier drags MSE much more than Huber or MAE
    assert abs(shown["mse_slope"] - 2.0) > 3 * abs(shown["huber_slope"] - 2.0)
    assert abs(shown["mse_slope"] - 2.0) > 3 * abs(shown["mae_slope"] - 2.0)


def test_outlier_explorer_y_axis_follows_the_outlier_and_redraws_in_full_only_when_it_changes(line, monkeypatch):
    x, y = line
    ex = widgets.OutlierExplorer(x, y, index=-1, true_slope=2.0)
    full = []
    monkeypatch.setattr(ex, "static_changed", lambda: full.append(1))
    for shift in (0.0, 0.5, 1.0):  # the outlier stays in view: the limits stay, no full redraw
        ex.set(shift=shift)
    assert not full
    low = ex.ax_d.get_ylim()
    assert low[1] < y.max() + 0.5 * np.ptp(y), "at shift 0 the axis should hold the data, not the slider's range"
    for shift in np.arange(1.0, 40.5, 0.5):
        ex.set(shift=float(shift))
        assert ex.ax_d.get_ylim()[1] > ex.drawn()["outlier_y"], "the outlier left the view"
    assert 0 < len(full) < 20, f"{len(full)} full redraws for 79 moves: the limits should change in steps"
    ex.set(shift=0.0)
    assert ex.ax_d.get_ylim() == low


def test_set_refuses_unknown_controls_and_out_of_range_values(line):
    ex = widgets.LinearFitExplorer(*line)
    with pytest.raises(ValueError, match=r"no control 'slope'.*\['b', 'w'\]"):
        ex.set(slope=1.0)
    with pytest.raises(ValueError, match=r"w = 99 is outside the slider's range \[-1, 5\]"):
        ex.set(w=99)


def test_explorer_bad_input_is_explained():
    with pytest.raises(ValueError, match="unknown loss 'l2'"):
        widgets.PointLossExplorer(loss="l2")
    with pytest.raises(ValueError, match=r"x has shape \(3, 1\) but y has shape \(3,\)"):
        widgets.LinearFitExplorer(np.zeros((3, 1)), np.zeros(3))


def test_inline_backend_shows_a_fresh_png_per_move(line, monkeypatch):
    monkeypatch.setattr(plots, "backend_kind", lambda: "inline")
    ex = widgets.LinearFitExplorer(*line)
    shown_pictures = []
    monkeypatch.setattr("lossviz.explorer.display", lambda obj, **kw: _Handle(shown_pictures) if kw.get("display_id") else None)
    ex._ipython_display_()
    assert not any(a.get_animated() for a in ex.moving)  # no blitting without a live canvas
    shown = ex.set(w=1.0, b=0.0)
    assert shown["w"] == 1.0
    assert shown_pictures == [ex.fig], "each move replaces the picture shown, in place"


class _Handle:
    def __init__(self, log):
        self.log = log

    def update(self, obj):
        self.log.append(obj)


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_readout_gives_the_slider_values_then_the_numbers_that_matter_not_the_titles(name, line):
    ex = EXPLORERS[name](*line)
    before = ex.readout.value
    ex.set(**MOVES[name])
    text = ex.readout.value
    assert text != before
    assert 1 <= len(ex.numbers) <= 3, f"{name}: the readout should give one to three numbers, not {ex.numbers}"
    settings, numbers = text.split(" → ")
    # The slider values first, in the order of the controls; then the numbers, as plots.num writes them.
    positions = [settings.index(f"{c.description} = ") for c in ex.controls.values()]
    assert positions == sorted(positions)
    for label, value in ex.numbers.items():
        assert f"{label} = {plots.num(value) if isinstance(value, (int, float)) else value}" in numbers
    for title in (ax.get_title() for ax in ex.fig.axes if ax.get_title()):
        assert title not in text, f"{name}: the readout repeats the title {title!r}"
    assert not re.search(r"-\d|\de[+-]\d", numbers), f"{name}: an ASCII minus or e-notation in {numbers!r}"


def test_widget_holds_every_control_with_a_description(line):
    ex = widgets.LinearFitExplorer(*line)
    box = ex.widget()
    controls = box.children[0].children
    assert list(controls) == list(ex.controls.values())
    assert all(c.description for c in controls)  # read out by screen readers


# ---------------------------------------------------------------- lessons 02 and 03


def test_softmax_explorer_draws_softmax_loss_and_gradient():
    ex = widgets.SoftmaxExplorer(classes=("a", "b", "c", "d"), logits=(1.0, 0.0, -1.0, 2.0))
    for T, true_class in [(1.0, 0), (0.5, 3), (4.0, 1)]:
        shown = ex.set(T=T, true_class=true_class, z0=2.5)
        z = np.array([2.5, 0.0, -1.0, 2.0])[None] / T
        np.testing.assert_allclose(shown["probabilities"], losses.softmax(z)[0])
        np.testing.assert_allclose(shown["gradient"], losses.cross_entropy_grad(z, [true_class])[0])
        assert shown["loss"] == pytest.approx(losses.cross_entropy(z, [true_class]), abs=1e-12)
        assert plots.num(losses.cross_entropy(z, [true_class])) in shown["loss_title"]  # the title shows it


def test_low_temperature_sharpens_and_high_temperature_flattens():
    ex = widgets.SoftmaxExplorer()
    sharp = ex.set(T=0.1)["probabilities"]
    flat = ex.set(T=5.0)["probabilities"]
    assert sharp.max() > 0.99 and flat.max() < 0.5


def test_label_smoothing_explorer_target_loss_and_optimum():
    ex = widgets.LabelSmoothingExplorer(classes=5)
    shown = ex.set(eps=0.25, margin=2.0)
    np.testing.assert_allclose(shown["target"], [0.8, 0.05, 0.05, 0.05, 0.05])
    z = ex.logits(2.0)
    assert shown["loss"] == pytest.approx(losses.cross_entropy(z, [0], label_smoothing=0.25))
    # the dashed line sits where the smoothed loss is smallest
    grid = np.linspace(0, 12, 2401)
    curve = losses.cross_entropy(ex.logits(grid), np.zeros(grid.size, int), 0.25, reduction="none")
    assert shown["best_margin_line"] == pytest.approx(grid[np.argmin(curve)], abs=0.01)
    assert ex.set(eps=0.0)["best_margin_line"] == 12.0  # no minimum: the line rests at the edge
    # the loss axis follows the curve that ε sets: the dot stays inside it at both ends of both sliders
    for eps in (0.0, 0.5):
        for margin in (0.0, 12.0):
            shown = ex.set(eps=eps, margin=margin)
            bottom, top = ex.ax_l.get_ylim()
            assert bottom < shown["loss"] < top, (eps, margin, shown["loss"], top)


def test_logistic_explorer_draws_bce_accuracy_and_boundary(blobs):
    X, y = blobs
    ex = widgets.LogisticExplorer(X, y, grid=41)
    shown = ex.set(w1=1.5, w2=0.5)
    loss = losses.binary_cross_entropy_with_logits(X @ [1.5, 0.5], y)
    accuracy = np.mean((X @ [1.5, 0.5] > 0) == (y == 1))
    assert shown["loss"] == pytest.approx(loss, abs=1e-12)
    assert shown["accuracy"] == pytest.approx(accuracy, abs=1e-12)
    assert shown["surface_title"].endswith(plots.num(loss))  # the titles show both, as plots.num writes them
    assert shown["data_title"].endswith(f"{plots.num(round(100 * accuracy))}%")
    np.testing.assert_allclose(shown["boundary"] @ [1.5, 0.5], 0.0, atol=1e-9)  # on w . x = 0


def test_logistic_surface_is_computed_once(blobs, monkeypatch):
    calls = []
    real = surfaces.loss_surface
    monkeypatch.setattr(surfaces, "loss_surface", lambda *a, **k: calls.append(1) or real(*a, **k))
    ex = widgets.LogisticExplorer(*blobs, grid=21)
    for w in np.linspace(-3, 3, 10):
        ex.set(w1=float(w), w2=float(-w))
    assert len(calls) == 1


def test_margin_explorer_draws_each_loss_of_the_margin():
    from lossviz import margins

    ex = widgets.MarginExplorer()
    for m in (-2.0, 0.0, 0.7, 1.0, 2.5):
        shown = ex.set(margin=m)
        for name in margins.NAMES:
            assert shown["loss"][name] == pytest.approx(margins.margin_loss(name, [m])[0])
            assert shown["grad"][name] == pytest.approx(margins.margin_grad(name, [m])[0])
    assert shown["loss"]["hinge"] == 0.0 and shown["loss"]["logistic"] > 0  # hinge stops at m >= 1
    # every dot stays inside its axes at every position of the slider, both ends included
    slider = ex.controls["margin"]
    for m in np.linspace(slider.min, slider.max, 23):
        shown = ex.set(margin=float(m))
        for ax, key in ((ex.ax_l, "loss"), (ex.ax_g, "grad")):
            bottom, top = ax.get_ylim()
            assert all(bottom < v < top for v in shown[key].values()), (m, key, shown[key])


def test_svm_explorer_shows_the_fitted_machine_and_its_support_vectors():
    from lossviz import svm

    X, y = _signed(data.two_blobs(n=60, seed=0))
    ex = widgets.SVMExplorer(X, y, lams=_SVM_LAMS, steps=300)
    for lam in _SVM_LAMS:
        shown = ex.set(lam=lam)
        k = _SVM_LAMS.index(lam)
        np.testing.assert_allclose(shown["w"], ex.W[k])
        np.testing.assert_allclose(shown["support"], X[svm.support_vectors(X, y, ex.W[k], ex.b[k])])
        np.testing.assert_allclose(shown["boundary"] @ ex.W[k] + ex.b[k], 0.0, atol=1e-9)
    with pytest.raises(ValueError, match="not one of the choices"):
        ex.set(lam=0.5)
    # the rings and the band sweep the data: no legend may sit on that view
    ex.fig.canvas.draw()
    data_box = ex.ax_d.get_window_extent()
    for legend in [ax.get_legend() for ax in ex.fig.axes if ax.get_legend()] + list(ex.fig.legends):
        assert not legend.get_window_extent().overlaps(data_box)


# ---------------------------------------------------------------- lesson 04


def test_optimizer_explorer_draws_the_trajectory_of_the_chosen_optimizer(line):
    from lossviz import training

    x, y = line
    ex = widgets.OptimizerExplorer(x + 3.0, y, start=(0.0, 0.0))
    for name in training.OPTIMIZERS:
        shown = ex.set(optimizer=name, lr=0.01)
        np.testing.assert_allclose(shown["path"], training.trajectory(x + 3.0, y, name, 0.01, 100, (0.0, 0.0)))
        assert name in shown["title"] and "lr 0.0100" in shown["title"]  # as the slider reads it (.3g)
    assert "diverged" in ex.set(optimizer="SGD", lr=1.0)["title"]


def test_optimizer_surface_is_computed_once(line, monkeypatch):
    calls = []
    real = surfaces.mse_surface
    monkeypatch.setattr(surfaces, "mse_surface", lambda *a: calls.append(1) or real(*a))
    ex = widgets.OptimizerExplorer(*line)
    for lr in (0.001, 0.01, 0.1):
        ex.set(lr=lr, optimizer="SGD + momentum")
    assert len(calls) == 1


def test_batch_size_explorer_shows_the_precomputed_run_and_noise_falls_with_size():
    ex = widgets.BatchSizeExplorer(*data.friedman1(300), sizes=(1, 4, 16, 64), steps=80)
    for size in ex.sizes:
        shown = ex.set(batch_size=size)
        np.testing.assert_array_equal(shown["batch"], ex.batch_loss[size])
        np.testing.assert_array_equal(shown["full"], ex.full_loss[size])
    noise = [ex.noise(s) for s in ex.sizes]
    assert all(a > b for a, b in zip(noise, noise[1:]))


# ---------------------------------------------------------------- lesson 05


def test_detection_explorer_draws_the_chosen_detector():
    images, boxes, classes, results = _detection_results()
    ex = widgets.DetectionExplorer(images, boxes, classes, results)
    for weight, r in results.items():
        shown = ex.set(weight=weight)
        np.testing.assert_allclose(shown["boxes"], r["boxes"], atol=1e-6)
        for label, pred, true in zip(shown["labels"], r["classes"], classes):
            assert label.startswith(data.SHAPE_NAMES[pred]) and label.endswith("✓" if pred == true else "✗")
        assert ex.numbers == {"accuracy": r["accuracy"], "mean IoU": r["miou"]}
        assert list(ex.numbers) == ["accuracy", "mean IoU"]  # a fixed order in the readout


def test_gan_explorer_draws_the_snapshot_density():
    ex = _gan()
    for step, (samples, distance) in ex.snapshots.items():
        shown = ex.set(step=step)
        # the density's total is every sample, also those outside the bins (beyond the pooled 0.1% quantiles)
        inside = (samples >= ex.bins[0]) & (samples <= ex.bins[-1])
        np.testing.assert_allclose(shown["density"], np.histogram(samples, bins=ex.bins, density=True)[0] * inside.mean())
        assert shown["distance"] == distance
        # the density axis follows the step shown: all of it in view, and at least half the axis used
        top = max(shown["density"].max(), ex.density(ex.real).max())
        assert top < shown["ylim"][1] <= 2 * 1.1 * top


def test_gan_explorer_density_counts_samples_outside_the_bins_in_the_total():
    real = data.two_modes(500, seed=0)
    samples = np.r_[np.zeros(50), np.full(50, 100.0)]  # half of them far outside the bins given
    ex = widgets.GANExplorer(real, [(0, samples, 1.0)], bins=np.linspace(-1, 1, 21))
    width = 0.1
    assert ex.density(samples).sum() * width == pytest.approx(0.5)  # not renormalised to 1


def test_gan_explorer_redraws_the_static_part_only_when_the_density_axis_changes():
    real = data.two_modes(500, seed=0)
    rng = np.random.default_rng(1)
    narrow, wide = rng.normal(0, 0.05, 500), rng.normal(0, 2.0, 500)  # a tall spike, then flat histograms
    ex = widgets.GANExplorer(real, [(0, narrow, 2.0), (100, wide, 1.0), (200, wide + 0.01, 0.9)])
    calls = []
    ex.static_changed = lambda: calls.append(1)
    ex.set(step=100)
    assert calls == [1] and ex.drawn()["ylim"][1] < 2  # the spike's limit (about 8) is gone
    ex.set(step=200)
    assert calls == [1], "the same limit must not redraw the static part"


def test_application_explorers_refuse_empty_results():
    with pytest.raises(ValueError, match="results is empty"):
        widgets.DetectionExplorer(np.zeros((1, 4, 4)), np.zeros((1, 4)), [0], {})
    with pytest.raises(ValueError, match="no snapshots"):
        widgets.GANExplorer([0.0, 1.0], [])


# ---------------------------------------------------------------- lessons 00 and 06


@pytest.mark.parametrize("name", sorted(__import__("lossviz.gallery", fromlist=["ENTRIES"]).ENTRIES))
def test_gallery_draws_each_loss_and_gradient(name):
    from lossviz.gallery import ENTRIES

    ex = widgets.GalleryExplorer(loss=name)
    if name in plots.LOSS_COLOURS:  # a loss's curve in its own colour, as in every lesson
        assert ex.curve.get_color() == plots.LOSS_COLOURS[name]
    for fraction in (0.1, 0.5, 0.93):
        x = np.array([ex.x_of(name, fraction)])
        shown = ex.set(loss=name, position=float(x[0]))
        assert shown["x"] == pytest.approx(x[0])
        # the slider is the input: the value it shows is the one the figure names
        assert ex.controls["position"].value == shown["x"]
        assert f"= {plots.num(shown['x'])}:" in ex.ax_l.get_title()


def test_gallery_slider_takes_each_loss_range_and_keeps_its_place_along_the_axis():
    from lossviz.gallery import ENTRIES

    ex = widgets.GalleryExplorer(loss="mse")
    ex.set(position=4.5)  # near the right end of MSE's axis, outside a probability's range
    slider = ex.controls["position"]
    n = len(ex.update_ms)
    ex.controls["loss"].value = "binary_cross_entropy"  # as the browser does: one update, the slider moved with it
    lo, hi = ENTRIES["binary_cross_entropy"][3]
    assert len(ex.update_ms) == n + 1
    assert (slider.min, slider.max) == (lo, hi) and 0.9 < slider.value <= hi
    assert ex.drawn()["x"] == slider.value and "p" in slider.description
    shown = ex.set(loss="mse", position=-2.0)  # a value in the new loss's range, from any loss
    assert shown["x"] == -2.0 and (slider.min, slider.max) == ENTRIES["mse"][3]
    with pytest.raises(ValueError, match=r"position = 7.0 is outside the range of hinge's input \[-3, 3\]"):
        ex.set(loss="hinge", position=7.0)
        assert shown["loss"] == pytest.approx(ENTRIES[name][0](x)[0])
        assert shown["gradient"] == pytest.approx(ENTRIES[name][1](x)[0])


# ---------------------------------------------------------------- accessibility and lecture mode


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_figure_says_what_it_shows(name, line):
    ex = EXPLORERS[name](*line)
    shown = [ax for ax in ex.fig.axes if ax.axison and ax.get_label() != "<colorbar>"]
    assert shown, "a figure with no axes"
    for ax in shown:
        # a twin axis shares its x label with its sibling
        xlabel = ax.get_xlabel() or any(o.get_xlabel() for o in ax.get_shared_x_axes().get_siblings(ax))
        assert xlabel and ax.get_ylabel(), f"{name}: an axis without a label ({ax.get_title()!r})"
    assert any(ax.get_title() for ax in ex.fig.axes), f"{name}: no title anywhere"


def test_lecture_mode_switches_on_and_off():
    import matplotlib

    before = {k: matplotlib.rcParams[k] for k in plots.LECTURE}
    plots.lecture_mode(True)
    try:
        assert matplotlib.rcParams["font.size"] == 15 and matplotlib.rcParams["lines.linewidth"] == 3.0
        big = widgets.PointLossExplorer()
        assert big.ax_loss.title.get_fontsize() >= 16
        plots.lecture_mode(True)  # twice on is still on, and off restores the original
    finally:
        plots.lecture_mode(False)
    assert {k: matplotlib.rcParams[k] for k in plots.LECTURE} == before
    assert widgets.PointLossExplorer().ax_loss.title.get_fontsize() < 16


def test_house_palette_is_colour_blind_safe_okabe_ito():
    import matplotlib

    plots.setup()
    cycle = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
    assert cycle[:4] == ["#0072B2", "#E69F00", "#009E73", "#D55E00"]
