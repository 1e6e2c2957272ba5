"""The loss chooser recommends what the lessons teach, and its form updates on every change."""

import pytest

from lossviz import chooser


@pytest.mark.parametrize("kwargs,pytorch", [
    ({"task": "regression"}, "nn.MSELoss()"),
    ({"task": "regression", "outliers": True}, "nn.HuberLoss"),
    ({"task": "binary classification"}, "nn.BCEWithLogitsLoss()"),
    ({"task": "binary classification", "imbalance": True}, "pos_weight"),
    ({"task": "binary classification", "calibrated": False}, "torch.clamp(1 - y * f, min=0)"),
    ({"task": "multi-class classification"}, "nn.CrossEntropyLoss()"),
    ({"task": "multi-class classification", "imbalance": True, "noisy_labels": True}, "weight=class_weights, label_smoothing=0.1"),
    ({"task": "multi-class classification", "calibrated": False}, "nn.MultiMarginLoss"),
    ({"task": "multi-label classification"}, "nn.BCEWithLogitsLoss"),
    ({"task": "sequence to sequence"}, "ignore_index=PAD"),
    ({"task": "unaligned sequence labelling"}, "nn.CTCLoss"),
    ({"task": "object detection"}, "smooth_l1"),
    ({"task": "generative model"}, "ones"),
])  # fmt: skip
def test_recommendations(kwargs, pytorch):
    r = chooser.recommend(**kwargs)
    assert pytorch in r.pytorch and r.pitfalls and r.lesson
    assert r.loss in r.markdown()


def test_every_task_has_an_answer_for_every_combination():
    for task in chooser.TASKS:
        for flags in range(16):
            r = chooser.recommend(task, *(bool(flags >> k & 1) for k in range(4)))
            assert r.pytorch and r.lesson


def test_hinge_for_rare_classes_keeps_the_imbalance_and_noise_advice():
    r = chooser.recommend("binary classification", imbalance=True, calibrated=False, noisy_labels=True)
    assert "torch.clamp(1 - y * f, min=0)" in r.pytorch
    advice = " ".join(r.pitfalls)
    assert "rare class" in advice and "recall of the rare class" in advice and "weight" in advice
    assert "noisy labels" in advice and "GCE" in advice
    multi = " ".join(chooser.recommend("multi-class classification", imbalance=True, calibrated=False).pitfalls)
    assert "inverse frequency" in multi  # the multi-class path kept it already


@pytest.mark.parametrize("task", ["binary classification", "multi-class classification"])
def test_probabilities_come_with_the_calibration_caveat(task):
    advice = " ".join(chooser.recommend(task).pitfalls)
    assert "over-confident" in advice and "Guo et al., 2017" in advice and "temperature scaling" in advice
    assert "calibrated probabilities" not in chooser.recommend(task).why


def test_unknown_task():
    with pytest.raises(ValueError, match="unknown task 'ranking'"):
        chooser.recommend("ranking")


def test_form_updates_its_text_on_every_control():
    form = chooser.Chooser()
    seen = {form.output.value}
    for name, value in [("outliers", True), ("task", "binary classification"), ("imbalance", True),
                        ("calibrated", False), ("task", "multi-label classification")]:  # fmt: skip
        form.set(**{name: value})
        assert form.output.value not in seen, f"changing {name} left the recommendation unchanged"
        seen.add(form.output.value)
    assert "BCEWithLogitsLoss" in form.output.value
