"""Explorers driven headless: each control changes the picture, and what is drawn is what
``lossviz.losses`` computes. Nothing expensive is recomputed on a slider move."""

import ipywidgets as W
import numpy as np
import pytest

from lossviz import data, losses, plots, surfaces, widgets


@pytest.fixture
def line():
    return data.linear_regression(n=40, seed=0)


EXPLORERS = {
    "point": lambda x, y: widgets.PointLossExplorer(),
    "linear_fit_mse": lambda x, y: widgets.LinearFitExplorer(x, y, loss="mse"),
    "linear_fit_huber": lambda x, y: widgets.LinearFitExplorer(x, y, loss="huber", grid=41),
    "outlier": lambda x, y: widgets.OutlierExplorer(x, y, true_slope=2.0),
}
# control -> a value different from its default
MOVES = {
    "point": {"loss": "mae", "target": 2.5, "prediction": -1.5},  # the fast path last
    "linear_fit_mse": {"w": 2.5, "b": -1.5},
    "linear_fit_huber": {"w": 2.5, "b": -1.5},
    "outlier": {"shift": 25.0},
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
        assert f"{shown['loss']:.4f}" in shown["loss_title"]
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
        assert shown["loss"] == pytest.approx(fn(w * x + b, y), abs=5e-5)  # title shows 4 decimals


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
    box = ex.widget()
    assert isinstance(box, W.VBox) and isinstance(box.children[-1], W.Output)
    assert not any(a.get_animated() for a in ex.moving)  # no blitting without a live canvas
    shown = ex.set(w=1.0, b=0.0)
    assert shown["w"] == 1.0


def test_widget_holds_every_control_with_a_description(line):
    ex = widgets.LinearFitExplorer(*line)
    box = ex.widget()
    controls = box.children[0].children
    assert list(controls) == list(ex.controls.values())
    assert all(c.description for c in controls)  # read out by screen readers
