"""DetectionExplorer draws the hit rate when it is given, and names the split its numbers come from."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from lossviz import data, widgets  # noqa: E402


def _results(with_hits):
    images, classes, boxes = data.shapes(n=8, seed=3)
    results = {}
    for k, w in enumerate((0.0, 1.0)):
        r = {"boxes": boxes, "classes": classes, "accuracy": 0.9 - k / 3, "miou": 0.2 + 0.5 * k}
        if with_hits:
            r["hits"] = 0.1 + 0.4 * k
        results[w] = r
    return images, boxes, classes, results


def test_hits_are_a_third_line_and_the_axis_names_the_validation_set():
    ex = widgets.DetectionExplorer(*_results(with_hits=True))
    ax = ex.trade
    lines = {line.get_label(): line.get_ydata() for line in ax.get_lines()}
    np.testing.assert_allclose(lines["class right, IoU > 0.5"], [0.1, 0.5])
    np.testing.assert_allclose(lines["mean IoU of boxes"], [0.2, 0.7])
    assert ax.get_ylabel() == "on the validation set"
    ex.set(weight=1.0)
    assert ax.get_title().startswith("λ = 1: accuracy 0.567,") and ax.get_title().endswith("mean IoU 0.700")
    # the readout: the same three numbers in a fixed order, whatever the weight
    assert list(ex.numbers) == ["accuracy", "mean IoU", "class right, IoU > 0.5"]
    assert ex.numbers["mean IoU"] == 0.7 and ex.numbers["class right, IoU > 0.5"] == 0.5


def test_the_iou_line_is_not_the_green_of_the_true_boxes():
    from matplotlib.colors import same_color

    ex = widgets.DetectionExplorer(*_results(with_hits=True))
    true_box_colours = [p.get_edgecolor() for ax in ex.fig.axes if ax is not ex.trade for p in ax.patches
                        if p.get_linestyle() == "--"]  # fmt: skip
    assert true_box_colours
    for line in ex.trade.get_lines():
        if line.get_label() == "mean IoU of boxes":
            assert not any(same_color(line.get_color(), c) for c in true_box_colours)


def test_without_hits_two_lines_and_a_named_split():
    ex = widgets.DetectionExplorer(*_results(with_hits=False), split="test set")
    labels = [line.get_label() for line in ex.trade.get_lines()]
    assert "class right, IoU > 0.5" not in labels and "class accuracy" in labels
    assert ex.trade.get_ylabel() == "on the test set"
    assert list(ex.numbers) == ["accuracy", "mean IoU"]
