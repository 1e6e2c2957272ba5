"""One test per validation rule: the bad input that trips it, and the words the student reads."""

import numpy as np
import pytest
import torch

from lossviz import losses as L


def raises(fn, *args, words, **kwargs):
    with pytest.raises(ValueError) as info:
        fn(*args, **kwargs)
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in message: {message}"
    return message


def test_column_vector_against_flat_target_names_both_shapes_and_the_fix():
    # The acceptance example: (4, 1) vs (4,) would broadcast to (4, 4).
    msg = raises(L.mse, [[1.0]] * 4, [1.0] * 4, words=["(4, 1)", "(4,)", "(4, 4)", "reshape(-1)"])
    assert msg.startswith("mse: pred has shape (4, 1) but target has shape (4,)")


def test_flat_pred_against_column_target_suggests_reshaping_the_target():
    raises(L.mae, np.zeros(3), np.zeros((3, 1)), words=["(3,)", "(3, 1)", "target.reshape(-1)"])


def test_shapes_that_cannot_broadcast_at_all():
    raises(L.huber, np.zeros(3), np.zeros(4), words=["(3,)", "(4,)", "cannot be compared"])


def test_tensor_shape_mismatch_is_caught_too():
    raises(L.mse, torch.zeros(64, 1), torch.zeros(64), words=["(64, 1)", "(64,)", "(64, 64)"])


def test_hinge_with_zero_one_labels_says_how_to_map_them():
    # The acceptance example.
    raises(L.hinge, [0.5, -2.0], [1, 0], words=["{-1, +1}", "{0, 1}", "2 * target - 1"])


def test_hinge_with_other_labels_says_to_map_to_plus_minus_one():
    raises(L.hinge_grad, [0.5, -2.0, 1.0], [1, 2, 3], words=["1, 2, 3", "-1 and +1"])


@pytest.mark.parametrize("prob", [[1.2, 0.5], [-0.1, 0.5], [3.0, -2.0]])
def test_probabilities_outside_unit_interval(prob):
    raises(L.binary_cross_entropy, prob, [1.0, 0.0], words=["prob", "[0, 1]", "with_logits"])


def test_bce_target_outside_unit_interval():
    raises(L.binary_cross_entropy_with_logits, [0.0, 1.0], [2.0, 0.0], words=["target", "[0, 1]"])


def test_probability_target_rows_must_sum_to_one():
    raises(L.cross_entropy, np.zeros((2, 3)), [[0.5, 0.5, 0.5], [1, 0, 0]],
           words=["row 0", "sums to 1.5", "Normalise"])  # fmt: skip


@pytest.mark.parametrize("target", [[0, 3], [-1, 0]])
def test_class_index_out_of_range(target):
    raises(L.cross_entropy, np.zeros((2, 3)), target, words=["0..2", "3 classes", "subtract 1"])


def test_class_indices_must_be_integers():
    raises(L.cross_entropy, np.zeros((2, 3)), np.array([0.0, 2.0]),
           words=["integers", "float64", "astype(int)", ".long()"])  # fmt: skip
    raises(L.multi_margin, np.zeros((2, 3)), [0.5, 1.0], words=["integers"])


def test_class_index_count_must_match_rows():
    raises(L.cross_entropy, np.zeros((2, 3)), [0, 1, 2], words=["shape (2,)", "(2, 3)", "(3,)"])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_is_refused_with_its_position(bad):
    raises(L.mse, [1.0, bad, 2.0], [0.0, 0.0, 0.0], words=["pred", str(bad), "(1,)", "finite"])


def test_nan_in_target_is_named_as_target():
    raises(L.hinge, [1.0, 2.0], [1.0, np.nan], words=["target", "nan"])


@pytest.mark.parametrize("fn", [L.mse, L.binary_cross_entropy_with_logits, L.hinge])
def test_empty_input(fn):
    raises(fn, [], [], words=["empty", "(0,)"])


@pytest.mark.parametrize("reduction", ["avg", "Mean", None, "batchmean"])
def test_unknown_reduction(reduction):
    raises(L.mse, [1.0], [1.0], reduction=reduction,
           words=[repr(reduction), "'mean', 'sum' or 'none'"])  # fmt: skip


def test_logits_must_be_two_dimensional():
    msg = raises(L.cross_entropy, [1.0, 2.0, 3.0], [0], words=["2 dimensions", "(3,)"])
    assert "reshape(1, -1)" in msg
    raises(L.multi_margin, np.zeros((2, 3, 4)), [0, 1], words=["2 dimensions", "(2, 3, 4)"])


def test_non_numeric_and_ragged_input():
    raises(L.mse, ["a", "b"], [1.0, 2.0], words=["pred", "numbers"])
    raises(L.mse, [[1.0, 2.0], [3.0]], [1.0, 2.0], words=["pred"])
    raises(L.cross_entropy, np.zeros((2, 3)), [[0, 1], [2]], words=["target", "same length"])


@pytest.mark.parametrize("delta", [0, -1.0, np.nan, "1"])
def test_huber_delta_must_be_positive(delta):
    raises(L.huber, [1.0], [0.0], delta=delta, words=["delta", "positive"])


@pytest.mark.parametrize("eps", [-0.1, 1.5])
def test_label_smoothing_in_unit_interval(eps):
    raises(L.cross_entropy, np.zeros((1, 2)), [0], label_smoothing=eps,
           words=["label_smoothing", "[0, 1]"])  # fmt: skip


def test_messages_start_with_the_function_that_was_called():
    for fn, args in [(L.mse_grad, ([1.0], [1.0, 2.0])), (L.cross_entropy_grad, ([1.0], [0]))]:
        with pytest.raises(ValueError, match=f"^{fn.__name__}: "):
            fn(*args)
