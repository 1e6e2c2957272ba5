"""Every explorer of the collection, in one namespace: ``from lossviz import widgets``.

The pattern they share (a figure built once, sliders that only move its artists, headless
driving with ``set``/``drawn``) lives in ``explorer.py``; each lesson's explorers live in a
module named for their subject.
"""

from .application_explorers import DetectionExplorer, GANExplorer
from .classification_explorers import (
    LabelSmoothingExplorer,
    LogisticExplorer,
    MarginExplorer,
    SoftmaxExplorer,
    SVMExplorer,
)
from .explorer import Explorer, slider
from .gallery import GalleryExplorer
from .regression_explorers import POINT_LOSSES, LinearFitExplorer, OutlierExplorer, PointLossExplorer


def __getattr__(name):
    # The training and trends explorers need torch: imported on first use, so `widgets` stays light.
    if name in ("OptimizerExplorer", "BatchSizeExplorer"):
        from . import training_explorers

        return getattr(training_explorers, name)
    if name in ("TradeOffExplorer", "BarronExplorer", "GradientFlowExplorer"):
        from . import trends_explorers

        return getattr(trends_explorers, name)
    raise AttributeError(f"module 'lossviz.widgets' has no attribute {name!r}")

__all__ = [
    "Explorer", "slider", "POINT_LOSSES",
    "PointLossExplorer", "LinearFitExplorer", "OutlierExplorer",
    "SoftmaxExplorer", "LabelSmoothingExplorer", "LogisticExplorer", "MarginExplorer", "SVMExplorer",
    "OptimizerExplorer", "BatchSizeExplorer", "DetectionExplorer", "GANExplorer", "GalleryExplorer",  # noqa: F822
    "TradeOffExplorer", "BarronExplorer", "GradientFlowExplorer",  # noqa: F822
]  # fmt: skip  (the last five load lazily through __getattr__)
