"""Bounding boxes for lesson 05's detector: IoU, generalised IoU, and the GIoU loss.

Boxes are ``(x1, y1, x2, y2)`` with ``x1 <= x2`` and ``y1 <= y2``, in rows of an array of shape
(N, 4). Every function works on NumPy arrays *and* on torch tensors (where it is differentiable,
so the GIoU loss can train a model): it only uses arithmetic, ``minimum``/``maximum`` and clamping.

    IoU  = |A ∩ B| / |A ∪ B|                         in [0, 1]; 0 for any two disjoint boxes
    GIoU = IoU - |C \\ (A ∪ B)| / |C|                 in [-1, 1]; C is the smallest box around both
    GIoU loss = 1 - GIoU                              in [0, 2]

Plain IoU gives no gradient when the boxes do not overlap (it is 0 whatever their distance);
for disjoint boxes GIoU = |A ∪ B| / |C| - 1 rises as they approach, so the GIoU loss pulls a far
box in (Rezatofighi et al., 2019). It does not help when one box contains the other: then C is
the larger box, GIoU = IoU, and moving the inner box about changes neither, so its position gets
no gradient (DIoU adds the centre distance for this; Zheng et al., 2020). torchvision has
``box_iou`` and ``generalized_box_iou_loss`` for the same.
"""

from __future__ import annotations

import numpy as np

from . import checks
from .i18n import _


def _lib(a):
    if type(a).__module__.startswith("torch"):
        import torch

        return torch
    return np


def _prepare(a, b, fn):
    if _lib(a) is np or _lib(b) is np:
        a = checks.as_float_array(a, "a", fn)
        b = checks.as_float_array(b, "b", fn)
    for box, name in ((a, "a"), (b, "b")):
        if box.ndim != 2 or box.shape[1] != 4:
            raise ValueError(
                _("{fn}: {name} must have shape (N, 4), rows of (x1, y1, x2, y2), but has {shape}.").format(
                    fn=fn, name=name, shape=tuple(box.shape))
            )
        if bool(((box[:, 2] < box[:, 0]) | (box[:, 3] < box[:, 1])).any()):
            raise ValueError(
                _("{fn}: every box in {name} needs x1 <= x2 and y1 <= y2; convert (cx, cy, w, h) "
                  "boxes with boxes.from_center first.").format(fn=fn, name=name)
            )
    if a.shape != b.shape:
        raise ValueError(
            _("{fn}: a and b must pair box with box, but have shapes {shape} and {shape2}.").format(
                fn=fn, shape=tuple(a.shape), shape2=tuple(b.shape))
        )
    return a, b


def area(boxes):
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def from_center(cxcywh):
    """``(cx, cy, w, h)`` rows to ``(x1, y1, x2, y2)`` rows (NumPy or torch)."""
    lib = _lib(cxcywh)
    cx, cy, w, h = (cxcywh[:, i] for i in range(4))
    return lib.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1)


def _overlap_and_hull(a, b):
    lib = _lib(a)
    lt = lib.maximum(a[:, :2], b[:, :2])
    rb = lib.minimum(a[:, 2:], b[:, 2:])
    wh = (rb - lt).clip(min=0)
    inter = wh[:, 0] * wh[:, 1]
    union = area(a) + area(b) - inter
    hull_wh = lib.maximum(a[:, 2:], b[:, 2:]) - lib.minimum(a[:, :2], b[:, :2])
    return inter, union, hull_wh[:, 0] * hull_wh[:, 1]


def iou(a, b):
    """IoU of each pair of boxes ``a[i]``, ``b[i]``; shape (N,)."""
    a, b = _prepare(a, b, "iou")
    inter, union, _ = _overlap_and_hull(a, b)
    return inter / union


def giou(a, b):
    """Generalised IoU of each pair; shape (N,)."""
    a, b = _prepare(a, b, "giou")
    inter, union, hull = _overlap_and_hull(a, b)
    return inter / union - (hull - union) / hull


def giou_loss(pred, target, reduction: str = "mean"):
    """``1 - GIoU`` for predicted and target boxes (N, 4); differentiable on torch tensors."""
    checks.check_reduction(reduction, "giou_loss")
    per_box = 1 - giou(pred, target)
    if reduction == "none":
        return per_box
    return per_box.sum() if reduction == "sum" else per_box.mean()
