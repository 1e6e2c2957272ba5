"""The box IoU exercise of lesson 05b catches the clamp put on the product instead of each side."""

import numpy as np

from lossviz import boxes
from lossviz.exercises import applications as ex05


def _iou_clamped_product(a, b):  # what a student writes: clamp w * h, not w and h
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0, w * h)
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def test_cases_hold_boxes_apart_on_both_axes_where_that_bug_gives_iou_one():
    a, b = np.array([0.0, 0.0, 1.0, 1.0]), np.array([2.0, 2.0, 3.0, 3.0])
    assert any(np.array_equal(a, x) and np.array_equal(b, y) for x, y in ex05._BOX_PAIRS)
    assert _iou_clamped_product(a, b) == 1.0  # w = h = -1: "overlap" 1, "union" 1
    assert boxes.iou(a[None], b[None])[0] == 0.0


def test_clamping_the_product_is_named():
    verdict = ex05.box_iou.check(_iou_clamped_product)
    assert not verdict
    assert "max(0, w) * max(0, h)" in verdict.message and "w * h" in verdict.message


def test_no_clamp_at_all_keeps_its_own_message_and_the_solution_passes():
    verdict = ex05.box_iou.check(ex05._iou_without_clamp)
    assert not verdict and "clamp it at 0" in verdict.message
    namespace = {"np": np}
    exec(ex05.box_iou.solution_code, namespace)
    assert ex05.box_iou.check(namespace["my_iou"]).passed
