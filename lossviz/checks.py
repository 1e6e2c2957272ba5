"""Input validation shared by every lossviz function.

Each check either returns a clean NumPy array or raises ``ValueError`` with a
message a student can act on: which function, which argument, what was
expected, what came, and how to fix it. The rule of the house is that nothing
ever fails deep inside NumPy, and nothing ever broadcasts silently.
"""

from __future__ import annotations

import numbers

import numpy as np
from .i18n import _

REDUCTIONS = ("mean", "sum", "none")


def _shape(shape) -> str:
    # (64,) and (64, 1) as Python prints them, so the message matches what a student sees.
    return str(tuple(int(s) for s in shape))


def _to_numpy(x):
    """A list, NumPy array, scalar or (CPU) torch tensor as a NumPy array, without importing torch."""
    if type(x).__module__.startswith("torch"):
        # Tensors that need grad, or live on a GPU, cannot go to NumPy directly.
        return x.detach().cpu().numpy()
    return np.asarray(x)


def to_array(x, name: str, fn: str) -> np.ndarray:
    """``x`` as a NumPy array of whatever dtype it has, or a clear error for ragged input."""
    try:
        return np.asarray(_to_numpy(x))
    except (TypeError, ValueError) as err:
        raise ValueError(
            _("{fn}: {name} could not be read as an array; every row must have the same length "
                "({err}).").format(fn=fn, name=name, err=err)
        ) from None


def as_float_array(x, name: str, fn: str, allow_nonfinite: bool = False) -> np.ndarray:
    """``x`` as a non-empty float64 array with finite values."""
    try:
        raw = _to_numpy(x)
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(
            _("{fn}: {name} must be numbers (a list, NumPy array or tensor of the same length in "
              "every row), but it could not be read as an array of floats ({err}).").format(
                fn=fn, name=name, err=err)
        ) from None
    if arr.size == 0:
        raise ValueError(
            _("{fn}: {name} is empty (shape {shape}); a loss needs at least one value. Check that "
              "your data loaded and your slicing kept some rows.").format(
                fn=fn, name=name, shape=_shape(arr.shape))
        )
    if not allow_nonfinite and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad) if arr.ndim else ()
        value = arr[tuple(bad)] if arr.ndim else arr
        raise ValueError(
            _("{fn}: {name} contains {value} at index {where}; every value must be finite. A NaN "
              "or inf usually comes from an earlier step (log of 0, division by 0, a learning rate "
              "too large): find where it first appears.").format(
                fn=fn, name=name, value=value, where=where)
        )
    return arr


def as_index_array(x, name: str, fn: str) -> np.ndarray:
    """``x`` as a non-empty array of integer class indices (int64)."""
    arr = to_array(x, name, fn)
    if arr.size == 0:
        raise ValueError(
            _("{fn}: {name} is empty; give one class index per sample.").format(fn=fn, name=name)
        )
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(
            _("{fn}: {name} holds class indices, which must be integers, but its dtype is {dtype}. "
              "Use {name}.astype(int) in NumPy or {name}.long() in PyTorch (torch's cross_entropy "
              "also requires int64 class indices). If you meant class probabilities, give {name} "
              "the same shape as the logits.").format(fn=fn, name=name, dtype=arr.dtype)
        )
    return arr.astype(np.int64)


def check_reduction(reduction, fn: str) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(
            _("{fn}: reduction must be one of 'mean', 'sum' or 'none', but got {reduction!r}. "
              "'mean' averages over samples (the default, as in PyTorch), 'sum' adds them, 'none' "
              "returns one loss per element.").format(fn=fn, reduction=reduction)
        )
    return reduction


def check_same_shape(a: np.ndarray, b: np.ndarray, names: tuple[str, str], fn: str) -> None:
    """Refuse shapes that differ, even when NumPy or PyTorch would broadcast them."""
    if a.shape == b.shape:
        return
    na, nb = names
    try:
        out = np.broadcast_shapes(a.shape, b.shape)
        consequence = (
            _("these would broadcast to {shape} and compare every {na} with every {nb}")
            if out != a.shape and out != b.shape
            else _("these would broadcast to {shape}")
        ).format(shape=_shape(out), na=na, nb=nb)
    except ValueError:
        consequence = _("these cannot be compared element by element")
    if a.ndim == 2 and a.shape[1] == 1 and b.ndim == 1:
        fix = _("Use {na}.reshape(-1) (or {na}.squeeze(1)) or {nb}.reshape(-1, 1).").format(na=na, nb=nb)
    elif b.ndim == 2 and b.shape[1] == 1 and a.ndim == 1:
        fix = _("Use {nb}.reshape(-1) (or {nb}.squeeze(1)) or {na}.reshape(-1, 1).").format(na=na, nb=nb)
    else:
        fix = _("Give {na} and {nb} exactly the same shape, one {na} per {nb}.").format(na=na, nb=nb)
    raise ValueError(
        _("{fn}: {na} has shape {shape_a} but {nb} has shape {shape_b}; {consequence}. {fix}").format(
            fn=fn, na=na, shape_a=_shape(a.shape), nb=nb, shape_b=_shape(b.shape),
            consequence=consequence, fix=fix)
    )


def check_ndim(arr: np.ndarray, ndim: int, name: str, fn: str, meaning: str) -> None:
    if arr.ndim == ndim:
        return
    fix = ""
    if ndim == 2 and arr.ndim == 1:
        fix = _(" For a single sample, add the batch dimension with {name}.reshape(1, -1).").format(name=name)
    message = (_("{fn}: {name} must have 1 dimension {meaning}, but it has shape {shape}.{fix}") if ndim == 1
               else _("{fn}: {name} must have {ndim} dimensions {meaning}, but it has shape {shape}.{fix}"))  # fmt: skip
    # ``meaning`` is marked with N_ where it is written, and said in the student's language here.
    raise ValueError(message.format(fn=fn, name=name, ndim=ndim, meaning=_(meaning), shape=_shape(arr.shape), fix=fix))


def check_probabilities(arr: np.ndarray, name: str, fn: str, hint: str = "") -> None:
    if np.any(arr < 0) or np.any(arr > 1):
        lo, hi = float(arr.min()), float(arr.max())
        raise ValueError(
            _("{fn}: {name} must be probabilities in [0, 1], but its values run from {lo:g} to "
              "{hi:g}. {hint}").format(
                fn=fn, name=name, lo=lo, hi=hi,
                hint=_(hint) if hint else _("Pass it through a sigmoid first, or use the with-logits version."))
        )


def check_rows_sum_to_one(arr: np.ndarray, name: str, fn: str) -> None:
    sums = arr.sum(axis=-1)
    bad = np.abs(sums - 1.0) > 1e-6
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(
            _("{fn}: {name} is read as class probabilities (it has the logits' shape), so each row "
              "must sum to 1, but row {i} sums to {total:g}. Normalise it with {name} / "
              "{name}.sum(axis=-1, keepdims=True), or pass class indices of shape (N,).").format(
                fn=fn, name=name, i=i, total=sums.flat[i])
        )


def check_class_indices(target: np.ndarray, n_classes: int, name: str, fn: str) -> None:
    bad = (target < 0) | (target >= n_classes)
    if np.any(bad):
        value = int(target[bad][0])
        raise ValueError(
            _("{fn}: {name} holds class indices, which must lie in 0..{last} for {n_classes} "
              "classes, but it contains {value}. If your labels start at 1, subtract 1; if there "
              "are more classes, the logits need more columns.").format(
                fn=fn, name=name, last=n_classes - 1, n_classes=n_classes, value=value)
        )


def check_plus_minus_one(target: np.ndarray, name: str, fn: str) -> None:
    ok = (target == 1) | (target == -1)
    if np.all(ok):
        return
    values = sorted({float(v) for v in np.unique(target)})
    shown = ", ".join(f"{v:g}" for v in values[:6]) + (", ..." if len(values) > 6 else "")
    if set(values) <= {0.0, 1.0}:
        fix = _("Your labels look like {{0, 1}}: map them with {name} = 2 * {name} - 1. With 0 as a label, "
                "1 - y * f(x) is always 1, so those samples never move the model.").format(name=name)
    else:
        fix = _("Map your two classes to -1 and +1 (for example np.where({name} == a, -1, 1)).").format(name=name)
    raise ValueError(
        _("{fn}: {name} must hold labels in {{-1, +1}}, but it holds {{{shown}}}. {fix}").format(
            fn=fn, name=name, shown=shown, fix=fix)
    )


def check_positive(value, name: str, fn: str) -> float:
    if not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ValueError(
            _("{fn}: {name} must be a positive number, but got {value!r}.").format(
                fn=fn, name=name, value=value)
        )
    return float(value)


def check_in_range(value, name: str, fn: str, lo: float, hi: float) -> float:
    if not isinstance(value, numbers.Real) or not (lo <= value <= hi):
        raise ValueError(
            _("{fn}: {name} must be a number in [{lo:g}, {hi:g}], but got {value!r}.").format(
                fn=fn, name=name, lo=lo, hi=hi, value=value)
        )
    return float(value)
