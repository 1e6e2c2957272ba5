"""No lesson chooses anything on its test split.

Each lesson that trains a model is run top to bottom (nbclient, a kernel of this environment,
figures off-screen) with a spy installed first: every call of ``lossviz.training.fit`` records
the loaders it was given, every ``DataLoader`` records when it is iterated, and every optimizer
step (outside the exercises' own harnesses) records its cell. The object the lesson names
``test_loader`` must never reach ``fit``, and must be read exactly once, in a cell after the last
training step: touched once, at the end, so no epoch, weight or setting was picked with it.
"""

import json
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"

SPY = r"""
import json as _json, sys as _sys
import torch.optim.optimizer as _optimizer
from torch.utils.data import DataLoader as _DataLoader
from lossviz import training as _training

_spy = {"cell": 0, "fit": [], "iter": [], "step": []}

def _count_cell(*args):
    _spy["cell"] += 1
get_ipython().events.register("pre_run_cell", _count_cell)

_fit = _training.fit
def _spied_fit(model, loss_fn, train_loader, val_loader=None, *args, **kwargs):
    _spy["fit"].append({"cell": _spy["cell"], "train": id(train_loader), "val": id(val_loader)})
    return _fit(model, loss_fn, train_loader, val_loader, *args, **kwargs)
_training.fit = _spied_fit

_iter = _DataLoader.__iter__
def _spied_iter(self):
    _spy["iter"].append({"cell": _spy["cell"], "loader": id(self)})
    return _iter(self)
_DataLoader.__iter__ = _spied_iter

def _in_exercise_harness():
    frame = _sys._getframe()
    while frame is not None:
        if "lossviz/exercises" in frame.f_code.co_filename.replace("\\", "/"):
            return True
        frame = frame.f_back
    return False

def _on_step(optimizer, args, kwargs):
    if not _in_exercise_harness():
        _spy["step"].append(_spy["cell"])
_optimizer.register_optimizer_step_post_hook(_on_step)
"""


def _report(name):
    return f'print(_json.dumps({{"test": id({name}), **_spy}}))'


def run_with_spy(notebook, test_name):
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(SPY))
    nb.cells.append(nbformat.v4.new_code_cell(_report(test_name)))
    where = {"metadata": {"path": str(NOTEBOOKS)}}
    NotebookClient(nb, timeout=300, kernel_name="python3", resources=where).execute()
    out = [o for o in nb.cells[-1].outputs if o.output_type == "stream"]
    return json.loads(out[-1].text)


# (notebook, name of its test split's loader)
LESSONS = [
    ("05a_image_classification.ipynb", "test_loader"),
    ("05b_object_detection.ipynb", "test_loader"),
]


@pytest.mark.parametrize(("notebook", "test_name"), LESSONS, ids=[n for n, _ in LESSONS])
def test_the_test_split_is_touched_once_at_the_end(notebook, test_name):
    spy = run_with_spy(notebook, test_name)
    test = spy["test"]
    assert spy["fit"] or spy["step"], f"{notebook} trained nothing: the spy saw nothing to check"
    assert all(test not in (call["train"], call["val"]) for call in spy["fit"]), (
        f"{notebook} passed {test_name} to training.fit: "
        "its best-epoch choice was made on the test split"
    )
    reads = [r["cell"] for r in spy["iter"] if r["loader"] == test]
    assert len(reads) == 1, f"{notebook} read {test_name} {len(reads)} times; read it once"
    last_training = max([call["cell"] for call in spy["fit"]] + spy["step"])
    assert reads[0] > last_training, (
        f"{notebook} read {test_name} in its code cell {reads[0]}, but trained until code cell "
        f"{last_training}: everything chosen after a look at the test split was chosen on it"
    )
