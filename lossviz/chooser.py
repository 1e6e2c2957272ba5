"""Which loss? The FAQ of lesson 07 as a function, and a widget around it.

``recommend(task, ...)`` returns the loss, its PyTorch class, the pitfalls to avoid and the
lesson to read, from a few facts about the problem. The rules are the collection's lessons,
summarised; each carries the reason, so the recommendation can be argued with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from .i18n import N_, _

TASKS = (N_("regression"), N_("binary classification"), N_("multi-class classification"), N_("multi-label classification"),
         N_("sequence to sequence"), N_("unaligned sequence labelling"), N_("object detection"), N_("generative model"))  # fmt: skip


@dataclass
class Recommendation:
    loss: str
    pytorch: str
    why: str
    pitfalls: list[str] = field(default_factory=list)
    lesson: str = ""

    def markdown(self) -> str:
        """The recommendation in the language of :func:`lossviz.set_language` (the fields stay English)."""
        pitfalls = "".join(f"\n- {_say(p)}" for p in self.pitfalls)
        return (_("**Use {loss}**: `{pytorch}`").format(loss=_(self.loss), pytorch=self.pytorch)
                + f"\n\n{_(self.why)}\n\n" + _("**Watch out for:**") + f"{pitfalls}\n\n"
                + _("**Read:** {lesson}").format(lesson=_(self.lesson)))  # fmt: skip


_CALIBRATION = (N_("a deep net trained with this loss is often over-confident (Guo et al., 2017, On "
                "Calibration of Modern Neural Networks): check calibration on validation data; "
                "temperature scaling (divide the logits by one T fitted on the validation set) "
                "removed most of the miscalibration in their experiments"))  # fmt: skip


class _Message(str):
    """A message built from a template: it reads as English (``recommend``'s fields stay English,
    so code can test them), and ``said()`` gives it in the language of :func:`lossviz.set_language`."""

    def __new__(cls, template: str, **fields):
        self = super().__new__(cls, template.format(**fields))
        self.template, self.fields = template, fields
        return self

    def said(self) -> str:
        return _(self.template).format(**{name: _(value) for name, value in self.fields.items()})


def _say(text: str) -> str:
    return text.said() if isinstance(text, _Message) else _(text)


def _imbalance_and_noise(imbalance: bool, noisy_labels: bool, weighting: str, robust: str) -> list[str]:
    """The advice for rare classes and wrong labels, kept whichever binary loss is chosen."""
    pitfalls = []
    if imbalance:
        pitfalls.append(_Message(N_("rare class: {weighting}, and report recall of the rare class, not accuracy"),
                                 weighting=weighting))
    if noisy_labels:
        pitfalls.append(_Message(N_("with noisy labels, consider {robust}"), robust=robust))
    return pitfalls


def recommend(task: str, outliers: bool = False, imbalance: bool = False, calibrated: bool = True,
              noisy_labels: bool = False) -> Recommendation:  # fmt: skip
    """A loss for ``task`` (one of ``TASKS``) given what is known about the data."""
    if task not in TASKS:
        raise ValueError(
            _("recommend: unknown task {task!r}; choose from {tasks}.").format(
                task=task, tasks=list(TASKS))
        )
    if task == "regression":
        if outliers:
            return Recommendation(N_("the Huber loss"), "nn.HuberLoss(delta=1.0)",
                N_("Quadratic near the target, linear far away: outliers pull with a capped force (lesson 01, explorer c). "
                "Use nn.L1Loss if you want the median; Barron's loss (lesson 06a) adapts the shape."),
                [N_("delta is in the units of the target: scale targets or tune it"),
                 N_("prediction and target must have the same shape ((N, 1) vs (N,) broadcasts)")],
                N_("01 Mean squared error; 06a Trends (robust losses)"))  # fmt: skip
        return Recommendation(N_("mean squared error"), "nn.MSELoss()",
            N_("The maximum-likelihood loss under Gaussian noise, smooth and easy to optimise (lesson 01)."),
            [N_("(N, 1) predictions against (N,) targets broadcast to (N, N) silently"),
             N_("targets spanning orders of magnitude: predict log(y) instead")],
            N_("01 Mean squared error"))  # fmt: skip
    if task == "binary classification":
        if not calibrated:
            pitfalls = [N_("labels must be -1 and +1: map {0, 1} with 2y - 1"),
                        N_("nn.HingeEmbeddingLoss is a different loss")]
            pitfalls += _imbalance_and_noise(
                imbalance, noisy_labels,
                N_("weight each sample's hinge term by its class: "
                "(w * torch.clamp(1 - y * f, min=0)).mean(), w larger for the rare class"),
                N_("a robust loss such as GCE (lesson 06a): the hinge keeps pushing on every "
                "mislabelled sample the model classifies by its true class"))  # fmt: skip
            return Recommendation(N_("the hinge loss"), "torch.clamp(1 - y * f, min=0).mean()",
                N_("You need decisions, not probabilities: the hinge stops caring once a sample is "
                "right by a margin (lesson 03)."), pitfalls, N_("03 Hinge loss"))  # fmt: skip
        pitfalls = [N_("pass logits, not sigmoid outputs: in float32 sigmoid(z) rounds to 1 for z above "
                    "about 16.6, and for a sample of class 0 BCELoss then clamps log(0) to -100 and "
                    "passes back a gradient of 0"), _CALIBRATION]  # fmt: skip
        pitfalls += _imbalance_and_noise(imbalance, noisy_labels, N_("set pos_weight = negatives / positives"),
                                         N_("label smoothing or a robust loss such as GCE (lesson 06a)"))  # fmt: skip
        pytorch = "nn.BCEWithLogitsLoss(" + ("pos_weight=...)" if imbalance else ")")
        return Recommendation(N_("binary cross-entropy on logits"), pytorch,
            N_("The negative log-likelihood of a Bernoulli, a proper scoring rule: its expected value is "
            "smallest when the predicted probability is the true one, and its gradient sigmoid(z) - y "
            "never vanishes for a confident mistake (lesson 02)."), pitfalls, N_("02 Cross-entropy"))  # fmt: skip
    if task == "multi-class classification":
        if not calibrated and not imbalance and not noisy_labels:
            return Recommendation(N_("the multi-class hinge"), "nn.MultiMarginLoss()",
                N_("Margins without probabilities; it ignores samples that are already right by the margin (lesson 03). "
                "Cross-entropy is the usual default when in doubt."),
                [N_("targets are class indices (N,) as int64")], N_("03 Hinge loss"))  # fmt: skip
        pytorch = "nn.CrossEntropyLoss(" + ", ".join(
            [a for a, on in [("weight=class_weights", imbalance), ("label_smoothing=0.1", noisy_labels)] if on]) + ")"
        pitfalls = [N_("give logits (N, C) and int64 class indices (N,); no softmax in the model"),
                    N_("the first loss of a K-class model should be near log K")]
        if calibrated:
            pitfalls.append(_CALIBRATION)
        if imbalance:
            pitfalls.append(N_("weight classes by inverse frequency, or use the focal loss (lesson 06a)"))
        if noisy_labels:
            pitfalls.append(N_("noisy labels: label smoothing can help; generalised cross-entropy (GCE) resisted them better than "
                            "plain cross-entropy in lesson 06a"))
        return Recommendation(N_("cross-entropy"), pytorch,
            N_("The negative log-likelihood of a categorical distribution; its gradient is softmax(z) - y (lesson 02)."),
            pitfalls, N_("02 Cross-entropy; 05a Image classification"))  # fmt: skip
    if task == "multi-label classification":
        return Recommendation(N_("binary cross-entropy per label"), "nn.BCEWithLogitsLoss()",
            N_("Each label is its own yes/no question; softmax would force the labels to compete."),
            [N_("targets are floats of shape (N, L), not class indices"), N_("pos_weight per label for rare labels")],
            N_("02 Cross-entropy"))  # fmt: skip
    if task == "sequence to sequence":
        return Recommendation(N_("token-level cross-entropy"), "nn.CrossEntropyLoss(ignore_index=PAD, label_smoothing=0.1)",
            N_("Cross-entropy at every output position with teacher forcing; perplexity = exp(mean loss) (lesson 05d)."),
            [N_("flatten (N, T, V) logits to (N*T, V)"), N_("padding must be ignored, or the model learns to predict it")],
            N_("05d Translation"))  # fmt: skip
    if task == "unaligned sequence labelling":
        return Recommendation(N_("CTC"), "nn.CTCLoss(blank=0)",
            N_("Sums over every alignment of the frames to the labels, so no frame-level labels are needed (lesson 05c)."),
            [N_("log-probabilities time first: (T, N, C)"), N_("give input and target lengths"),
             N_("repeated labels need a blank between them: enough frames")], N_("05c Speech recognition with CTC"))  # fmt: skip
    if task == "object detection":
        return Recommendation(N_("a composite loss"), "F.cross_entropy(...) + λ * (F.smooth_l1_loss(...) + GIoU loss)",
            N_("One term for the class, one for the box; the weight λ trades them off (lesson 05b)."),
            [N_("boxes as (x1, y1, x2, y2) with x1 <= x2"), N_("IoU alone has no gradient for disjoint boxes: use GIoU"),
             N_("tune λ on validation data")], N_("05b Object detection"))  # fmt: skip
    return Recommendation(N_("the non-saturating GAN loss"), "F.binary_cross_entropy_with_logits(D(G(z)), ones)",
        N_("The discriminator is a binary classifier; the generator maximises log D(G(z)), which keeps its gradient "
        "when D wins early (lesson 05e)."),
        [N_("do not use the minimax log(1 - D(G(z))) for the generator"), N_("judge progress by a distance to the data, not the losses")],
        N_("05e GANs"))  # fmt: skip


class Chooser:
    """A form: the task and four yes/no questions; the recommendation updates on every change."""

    def __init__(self):
        import ipywidgets as W

        style = {"description_width": "initial"}
        self.controls = {
            # The values stay English (recommend's arguments); the labels follow set_language.
            "task": W.Dropdown(options=[(_(t), t) for t in TASKS], value="regression", description=_("task"),
                               style=style),
            "outliers": W.Checkbox(value=False, description=_("targets have outliers")),
            "imbalance": W.Checkbox(value=False, description=_("some classes are rare")),
            "calibrated": W.Checkbox(value=True, description=_("I need probabilities I can trust")),
            "noisy_labels": W.Checkbox(value=False, description=_("some labels are wrong")),
        }
        self.output = W.HTML()
        for control in self.controls.values():
            control.observe(lambda change: self.update(), names="value")
        self.update()

    def values(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    def update(self) -> None:
        import html

        r = recommend(**self.values())
        e = html.escape
        pitfalls = "".join(f"<li>{e(_say(p))}</li>" for p in r.pitfalls)
        self.output.value = (
            "<p><b>" + e(_("Use {loss}").format(loss=_(r.loss))) + f"</b>: <code>{e(r.pytorch)}</code></p>"
            f"<p>{e(_(r.why))}</p><p><b>" + e(_("Watch out for:")) + f"</b></p><ul>{pitfalls}</ul>"
            "<p><b>" + e(_("Read:")) + f"</b> {e(_(r.lesson))}</p>")  # fmt: skip
        self.recommendation = r

    def set(self, **values) -> Recommendation:
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(
                    _("Chooser.set: no control {name!r}; the controls are {controls}.").format(
                        name=name, controls=sorted(self.controls))
                )
            self.controls[name].value = value
        return self.recommendation

    def _ipython_display_(self):
        import ipywidgets as W
        from IPython.display import Markdown, display

        from . import plots

        if plots.backend_kind() == "static":  # make html: the recommendation for the current answers
            display(Markdown(self.recommendation.markdown()))
            return

        display(W.VBox([W.HBox([self.controls["task"]]), W.HBox(list(self.controls.values())[1:],
                        layout=W.Layout(flex_flow="row wrap")), self.output]))  # fmt: skip
