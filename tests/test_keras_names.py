"""Lesson 00's table of the same losses under other names, checked row by row.

Each row's Keras 3 loss, run on Keras's PyTorch backend (no TensorFlow), is computed beside the
PyTorch loss the table names, and beside ``lossviz`` where the table names it, on the same seeded
data. Where the two libraries' conventions differ, the test writes the conversion down:

- Keras calls ``loss(y_true, y_pred)``; PyTorch calls ``loss(input, target)``.
- Keras's cross-entropies take probabilities unless ``from_logits=True``.
- ``keras.losses.Huber`` and ``nn.HuberLoss`` share the formula and the default ``delta = 1``;
  ``nn.SmoothL1Loss(beta=b)`` is ``nn.HuberLoss(delta=b)`` divided by ``b``.
- ``keras.losses.Hinge`` turns labels {0, 1} into {−1, +1}, but only when every label of the batch
  is 0 or 1; ``clamp(1 - y * f, min=0)`` never does.
- ``keras.losses.KLDivergence(p, q)`` takes two distributions; ``nn.KLDivLoss`` takes ``log q``
  first, and only ``reduction="batchmean"`` gives the KL divergence per sample (its default
  ``"mean"`` also divides by the number of classes).
- ``keras.losses.CTC`` takes batch-first logits (it applies ``log_softmax`` itself), reserves
  label 0 as the blank and the padding, takes a sequence's non-zero labels as its target, gives
  every sequence all T frames, and averages the per-sequence losses; ``nn.CTCLoss`` takes
  time-first log-probabilities and explicit ``input_lengths`` and ``target_lengths``, and its
  default ``"mean"`` first divides each sequence's loss by its target length.
- Keras puts the classes on the last axis, PyTorch on axis 1: (N, T, C) outputs need
  ``permute(0, 2, 1)`` in PyTorch; where T == C, forgetting it runs and gives a wrong number.

The tests import Keras with ``KERAS_HOME`` in a temporary folder: Keras writes its ``keras.json``
there at its first import, not in ``~/.keras``.
"""

import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from lossviz import ctc, gallery, losses

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "00_introduction.ipynb"
RTOL = 1e-5  # Keras computes in float32 (its floatx); the data are float32 for both


@pytest.fixture(scope="module")
def keras(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:  # Keras reads KERAS_HOME once, at its first import
        mp.setenv("KERAS_HOME", str(tmp_path_factory.mktemp("keras_home")))
        module = gallery.keras_on_torch()
    if module is None:
        pytest.fail('keras 3 is not usable here (see the note printed above): `pip install -e ".[lab]"`')
    return module


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(20261124)


def close(keras_value, torch_value, rtol=RTOL):
    return np.isclose(float(keras_value), float(torch_value), rtol=rtol, atol=0)


def table_rows() -> dict[str, tuple[str, str, str]]:
    """The lesson's table (section 6), row by row: loss -> (PyTorch, Keras 3, lossviz), as written."""
    cells = json.loads(LESSON.read_text())["cells"]
    table = next("".join(c["source"]) for c in cells if "".join(c["source"]).startswith("## 6 · Tools"))
    lines = [line for line in table.splitlines() if line.startswith("|")]
    assert lines[0] == "| loss | PyTorch | Keras 3 | lossviz |", lines[0]
    rows = {}
    for line in lines[2:]:
        loss, pytorch, keras_, mine = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows[loss] = (pytorch, keras_, mine)
    return rows


# Each row of the lesson's table, cell for cell as written, and the test here that runs exactly that:
# a table edited (a reduction, a from_logits, a name) without the test that checks it fails below.
TABLE = {
    "mean squared error": ("`nn.MSELoss`", "`keras.losses.MeanSquaredError`", "`losses.mse`", "test_mse_and_mae"),
    "mean absolute error": ("`nn.L1Loss`", "`keras.losses.MeanAbsoluteError`", "`losses.mae`", "test_mse_and_mae"),
    "Huber": ("`nn.HuberLoss`", "`keras.losses.Huber`", "`losses.huber`",
              "test_huber_has_the_same_formula_and_default_delta"),
    "binary cross-entropy on logits": (
        "`nn.BCEWithLogitsLoss`", "`keras.losses.BinaryCrossentropy(from_logits=True)`",
        "`losses.binary_cross_entropy_with_logits`", "test_binary_cross_entropy_on_logits"),
    "cross-entropy, class indices": (
        "`nn.CrossEntropyLoss`", "`keras.losses.SparseCategoricalCrossentropy(from_logits=True)`",
        "`losses.cross_entropy`", "test_cross_entropy_with_class_indices_and_one_hot"),
    "cross-entropy, one-hot": (
        "`nn.CrossEntropyLoss` (probability targets)", "`keras.losses.CategoricalCrossentropy(from_logits=True)`",
        "`losses.cross_entropy`", "test_cross_entropy_with_class_indices_and_one_hot"),
    "hinge (labels ±1)": ("`torch.clamp(1 - y * f, min=0).mean()`", "`keras.losses.Hinge`", "`losses.hinge`",
                          "test_hinge_with_labels_plus_minus_one_and_zero_one"),
    "KL divergence": ('`nn.KLDivLoss(reduction="batchmean")` (input: log-probabilities)',
                      "`keras.losses.KLDivergence` (probabilities)", "(lesson 02)",
                      "test_kl_divergence_argument_order_and_reduction"),
    "CTC": ("`nn.CTCLoss`", "`keras.losses.CTC`", "`ctc.loss`", "test_ctc_layout_and_reduction"),
}  # fmt: skip


def test_every_row_of_the_table_is_the_one_checked_here():
    assert table_rows() == {loss: cells[:3] for loss, cells in TABLE.items()}
    assert all(callable(globals().get(cells[3])) for cells in TABLE.values())


def test_table_rows_are_read_cell_by_cell(monkeypatch, tmp_path):
    # an edit to one cell (batchmean -> mean) changes what table_rows reads, so the test above fails
    edited = tmp_path / "lesson.ipynb"
    edited.write_text(LESSON.read_text().replace('reduction=\\"batchmean\\"', 'reduction=\\"mean\\"'))
    monkeypatch.setattr(sys.modules[__name__], "LESSON", edited)
    assert table_rows()["KL divergence"][0] == '`nn.KLDivLoss(reduction="mean")` (input: log-probabilities)'
    assert table_rows() != {loss: cells[:3] for loss, cells in TABLE.items()}


def test_keras_runs_on_torch_without_tensorflow(keras):
    assert keras.backend.backend() == "torch" and int(keras.__version__.split(".")[0]) >= 3
    assert "tensorflow" not in sys.modules


def test_mse_and_mae(keras, gen):
    pred, target = torch.randn(8, 3, generator=gen), torch.randn(8, 3, generator=gen)
    mse = keras.losses.MeanSquaredError()(target.numpy(), pred.numpy())  # (y_true, y_pred)
    assert close(mse, nn.MSELoss()(pred, target)) and close(mse, losses.mse(pred, target))
    mae = keras.losses.MeanAbsoluteError()(target.numpy(), pred.numpy())
    assert close(mae, nn.L1Loss()(pred, target)) and close(mae, losses.mae(pred, target))


@pytest.mark.parametrize("delta", [None, 0.5, 2.0])
def test_huber_has_the_same_formula_and_default_delta(keras, gen, delta):
    pred, target = 2 * torch.randn(40, generator=gen), torch.randn(40, generator=gen)
    d = 1.0 if delta is None else delta
    residual = (pred - target).abs()
    assert (residual < d).any() and (residual > d).any(), "both pieces of the Huber loss are tested"
    kwargs = {} if delta is None else {"delta": delta}
    k = keras.losses.Huber(**kwargs)(target.numpy(), pred.numpy())
    assert close(k, nn.HuberLoss(**kwargs)(pred, target)) and close(k, losses.huber(pred, target, delta=d))
    # not nn.SmoothL1Loss, which is Huber divided by its beta (the same only at beta = 1)
    assert close(nn.SmoothL1Loss(beta=d)(pred, target) * d, k)
    assert d == 1.0 or not close(nn.SmoothL1Loss(beta=d)(pred, target), k, rtol=0.01)


def test_binary_cross_entropy_on_logits(keras, gen):
    logit, label = 3 * torch.randn(16, generator=gen), (torch.rand(16, generator=gen) > 0.5).float()
    k = keras.losses.BinaryCrossentropy(from_logits=True)(label.numpy(), logit.numpy())
    assert close(k, nn.BCEWithLogitsLoss()(logit, label))
    assert close(k, losses.binary_cross_entropy_with_logits(logit, label))


def test_keras_reads_logits_as_probabilities_by_default(keras, gen):
    # from_logits=False: each logit is clipped into [1e-7, 1 - 1e-7] and read as a probability
    logit, label = 3 * torch.randn(16, generator=gen), (torch.rand(16, generator=gen) > 0.5).float()
    wrong = keras.losses.BinaryCrossentropy()(label.numpy(), logit.numpy())
    as_probability = F.binary_cross_entropy(logit.clamp(1e-7, 1 - 1e-7), label)
    assert close(wrong, as_probability)
    assert not close(wrong, nn.BCEWithLogitsLoss()(logit, label), rtol=0.1)


def test_cross_entropy_with_class_indices_and_one_hot(keras, gen):
    logits, cls = 2 * torch.randn(10, 4, generator=gen), torch.randint(0, 4, (10,), generator=gen)
    sparse = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(cls.numpy(), logits.numpy())
    assert close(sparse, nn.CrossEntropyLoss()(logits, cls)) and close(sparse, losses.cross_entropy(logits, cls))
    one_hot = F.one_hot(cls, 4).float()
    dense = keras.losses.CategoricalCrossentropy(from_logits=True)(one_hot.numpy(), logits.numpy())
    assert close(dense, nn.CrossEntropyLoss()(logits, one_hot)) and close(dense, sparse)
    soft = torch.softmax(torch.randn(10, 4, generator=gen), dim=1)  # any probability targets, not only one-hot
    k = keras.losses.CategoricalCrossentropy(from_logits=True)(soft.numpy(), logits.numpy())
    assert close(k, nn.CrossEntropyLoss()(logits, soft)) and close(k, losses.cross_entropy(logits, soft))


def test_swapped_arguments_give_a_wrong_cross_entropy(keras, gen):
    # PyTorch's order (input, target) in a Keras loss: the one-hot labels are read as the prediction,
    # their zeros clipped to 1e-7, so each sample costs -log(1e-7) times (1 - p of its true class).
    logits, cls = torch.randn(6, 3, generator=gen), torch.randint(0, 3, (6,), generator=gen)
    p, one_hot = torch.softmax(logits, dim=1), F.one_hot(cls, 3).float()
    cce = keras.losses.CategoricalCrossentropy()  # probabilities, Keras's default
    assert close(cce(one_hot.numpy(), p.numpy()), F.cross_entropy(logits, cls))
    swapped = cce(p.numpy(), one_hot.numpy())
    assert close(swapped, -np.log(1e-7) * (1 - p[torch.arange(6), cls]).mean(), rtol=1e-4)
    assert not close(swapped, F.cross_entropy(logits, cls), rtol=0.1)


def test_hinge_with_labels_plus_minus_one_and_zero_one(keras, gen):
    score = 2 * torch.randn(12, generator=gen)
    pm1 = torch.where(torch.rand(12, generator=gen) > 0.5, 1.0, -1.0)
    k = keras.losses.Hinge()(pm1.numpy(), score.numpy())
    assert close(k, torch.clamp(1 - pm1 * score, min=0).mean()) and close(k, losses.hinge(score, pm1))
    zero_one = (pm1 + 1) / 2  # Keras turns {0, 1} into {-1, +1}; the PyTorch expression does not
    assert close(keras.losses.Hinge()(zero_one.numpy(), score.numpy()), k)
    assert not close(torch.clamp(1 - zero_one * score, min=0).mean(), k, rtol=0.01)
    with pytest.raises(ValueError, match="target"):
        losses.hinge(score, zero_one)  # lossviz refuses {0, 1} labels
    # Keras converts only when every label of the batch is 0 or 1: one -1 and the zeros stay zeros
    mixed = zero_one.clone()
    mixed[0] = -1.0
    assert (mixed == 0).any() and (mixed == 1).any()
    k_mixed = keras.losses.Hinge()(mixed.numpy(), score.numpy())
    assert close(k_mixed, torch.clamp(1 - mixed * score, min=0).mean())
    assert not close(k_mixed, torch.clamp(1 - torch.where(mixed == 0, -1.0, mixed) * score, min=0).mean(), rtol=0.01)


def test_kl_divergence_argument_order_and_reduction(keras, gen):
    p = torch.softmax(torch.randn(5, 4, generator=gen), dim=1)  # the target distribution
    q = torch.softmax(torch.randn(5, 4, generator=gen), dim=1)  # the model's
    k = keras.losses.KLDivergence()(p.numpy(), q.numpy())  # (y_true, y_pred), both probabilities
    by_hand = (p * (p / q).log()).sum(dim=1).mean()
    assert close(k, by_hand)
    assert close(k, nn.KLDivLoss(reduction="batchmean")(q.log(), p))  # (log q, p)
    assert close(k, nn.KLDivLoss(reduction="batchmean", log_target=True)(q.log(), p.log()))
    with pytest.warns(UserWarning, match="batchmean"):
        default = nn.KLDivLoss()(q.log(), p)  # "mean": also divided by the 4 classes
    assert close(default * 4, k)


def test_ctc_layout_and_reduction(keras, gen):
    T, C = 12, 5  # frames, classes with the blank at 0 (Keras's blank, and PyTorch's default)
    logits = torch.randn(2, T, C, generator=gen)  # Keras: (batch, time, classes), logits
    labels = torch.tensor([[1, 3, 3, 2], [4, 2, 0, 0]])  # padded with 0; lengths 4 and 2
    lengths = torch.tensor([4, 2])
    k = keras.losses.CTC()(labels.numpy(), logits.numpy())
    log_probs = F.log_softmax(logits, dim=2).transpose(0, 1)  # PyTorch: (time, batch, classes)
    per_sequence = nn.CTCLoss(reduction="none")(log_probs, labels, torch.full((2,), T), lengths)
    assert close(k, per_sequence.mean(), rtol=1e-4)
    assert close(nn.CTCLoss()(log_probs, labels, torch.full((2,), T), lengths), (per_sequence / lengths).mean())
    assert not close(k, nn.CTCLoss()(log_probs, labels, torch.full((2,), T), lengths), rtol=0.1)
    mine = ctc.loss(log_probs.double(), labels, [T, T], lengths, reduction="none")
    np.testing.assert_allclose(mine, per_sequence.numpy(), rtol=1e-4)
    # Keras normalises the logits itself: a constant added to a frame's logits changes nothing
    assert close(keras.losses.CTC()(labels.numpy(), (logits + 3.0).numpy()), k, rtol=1e-4)
    # label 0 is padding: more of it changes nothing (the target lengths are counted, not given)
    padded = F.pad(labels, (0, 3))
    assert close(keras.losses.CTC()(padded.numpy(), logits.numpy()), k, rtol=1e-4)
    # every sequence gets all T frames: PyTorch told a shorter input gives another loss
    shorter = nn.CTCLoss(reduction="none")(log_probs, labels, torch.tensor([T, T - 4]), lengths)
    assert not close(k, shorter.mean(), rtol=1e-3)


def test_classes_on_the_last_axis_in_keras_on_axis_1_in_pytorch(keras, gen):
    N, T, C = 2, 4, 4  # T == C: PyTorch also accepts the tensor left unpermuted, and is wrong
    logits, cls = torch.randn(N, T, C, generator=gen), torch.randint(0, C, (N, T), generator=gen)
    k = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(cls.numpy(), logits.numpy())
    assert close(k, F.cross_entropy(logits.permute(0, 2, 1), cls))
    assert close(k, losses.cross_entropy(logits.reshape(-1, C), cls.reshape(-1)))
    assert not close(k, F.cross_entropy(logits, cls), rtol=0.01)  # no error, a wrong number
    with pytest.raises(RuntimeError, match="target size"):  # T != C: the same mistake raises
        F.cross_entropy(torch.randn(N, T + 1, C, generator=gen), torch.randint(0, C, (N, T + 1), generator=gen))


def test_keras_on_torch_says_why_when_keras_is_missing_or_keras_2(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.setattr(gallery.importlib.util, "find_spec", lambda name: None)
    assert gallery.keras_on_torch() is None
    assert "keras is not installed" in capsys.readouterr().out
    monkeypatch.undo()
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.setattr(gallery.importlib.metadata, "version", lambda name: "2.15.0")
    assert gallery.keras_on_torch() is None
    assert "Keras 2" in capsys.readouterr().out


def test_keras_on_torch_says_so_when_keras_already_runs_on_another_backend(monkeypatch, capsys):
    # Keras picks its backend once, at its first import; a kernel that imported it on TensorFlow
    # keeps it there, and the helper says so instead of failing later.
    already = types.SimpleNamespace(__version__="3.8.0", backend=types.SimpleNamespace(backend=lambda: "tensorflow"))
    monkeypatch.setitem(sys.modules, "keras", already)
    assert gallery.keras_on_torch() is None
    out = capsys.readouterr().out
    assert "already imported in this kernel with its 'tensorflow' backend" in out and "Restart the kernel" in out
