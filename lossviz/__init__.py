"""lossviz: the helper package of the loss-function lessons.

``import lossviz`` loads only NumPy and the reference losses; the plotting and widget
modules (matplotlib, ipywidgets) load the first time a lesson asks for them, so
``lossviz.widgets`` works without an import of its own but costs nothing until used.
"""

import importlib

from . import checks, losses
from .i18n import language, set_language

__version__ = "0.1.0"

_LAZY = {"data", "surfaces", "plots", "widgets", "exercises", "training"}


def __getattr__(name):
    # PEP 562: heavy submodules are imported on first use, not at `import lossviz`.
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'lossviz' has no attribute {name!r}")


__all__ = ["checks", "losses", "language", "set_language", *sorted(_LAZY)]
