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
