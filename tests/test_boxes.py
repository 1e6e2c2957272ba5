"""IoU and GIoU on cases worked by hand, and the same numbers from NumPy and torch."""

import numpy as np
import pytest
import torch

from lossviz import boxes

A = np.array([[0.0, 0.0, 2.0, 2.0]])


@pytest.mark.parametrize("b,want_iou,want_giou", [
    ([[0.0, 0.0, 2.0, 2.0]], 1.0, 1.0),                    # the same box
    ([[1.0, 1.0, 3.0, 3.0]], 1 / 7, 1 / 7 - 2 / 9),        # overlap 1, union 7, hull 3x3 = 9
    ([[1.0, 0.0, 3.0, 2.0]], 2 / 6, 2 / 6),                # side by side, hull is the union
    ([[3.0, 0.0, 5.0, 2.0]], 0.0, 0.0 - 2 / 10),           # disjoint: hull 5x2 = 10, union 8
    ([[6.0, 0.0, 8.0, 2.0]], 0.0, 0.0 - 8 / 16),           # further apart: GIoU keeps falling
    ([[0.5, 0.5, 1.5, 1.5]], 1 / 4, 1 / 4),                # inside: overlap 1, union 4
])  # fmt: skip
def test_hand_worked_cases(b, want_iou, want_giou):
    assert boxes.iou(A, b)[0] == pytest.approx(want_iou)
    assert boxes.giou(A, b)[0] == pytest.approx(want_giou)
    assert boxes.giou_loss(A, b) == pytest.approx(1 - want_giou)


def test_torch_and_numpy_agree_and_torch_is_differentiable():
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 5, size=(20, 2))
    a = np.hstack([xy, xy + rng.uniform(0.1, 3, size=(20, 2))])
    xy = rng.uniform(0, 5, size=(20, 2))
    b = np.hstack([xy, xy + rng.uniform(0.1, 3, size=(20, 2))])
    ta = torch.tensor(a, requires_grad=True)
    np.testing.assert_allclose(boxes.giou(ta, torch.tensor(b)).detach().numpy(), boxes.giou(a, b))
    boxes.giou_loss(ta, torch.tensor(b)).backward()
    assert torch.isfinite(ta.grad).all() and ta.grad.abs().sum() > 0


def test_giou_gives_a_gradient_where_iou_is_flat():
    far = torch.tensor([[6.0, 0.0, 8.0, 2.0]], requires_grad=True)
    boxes.iou(torch.tensor(A), far).sum().backward()
    assert far.grad.abs().sum() == 0  # no overlap: IoU says nothing about which way to move
    far.grad = None
    boxes.giou_loss(far, torch.tensor(A)).backward()
    assert far.grad[0, 0] > 0  # descent moves the left edge left, towards A


def test_from_center():
    np.testing.assert_allclose(boxes.from_center(np.array([[1.0, 2.0, 2.0, 4.0]])), [[0.0, 0.0, 2.0, 4.0]])


def test_bad_boxes_are_explained():
    with pytest.raises(ValueError, match=r"shape \(N, 4\)"):
        boxes.iou(np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="x1 <= x2.*from_center"):
        boxes.giou([[2.0, 0.0, 1.0, 1.0]], [[0.0, 0.0, 1.0, 1.0]])
    with pytest.raises(ValueError, match="pair box with box"):
        boxes.iou(np.zeros((2, 4)), np.zeros((3, 4)))
