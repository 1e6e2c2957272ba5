"""The measurements behind ``make bench``. Each function returns rows for one table.

Times are wall-clock seconds or milliseconds on whatever machine runs them; the targets of
issue 9 are read from the table by a person, never asserted by a test.
"""

from __future__ import annotations

import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("MPLBACKEND", "Agg")


# ------------------------------------------------------------------ the machine and versions


def header() -> list[str]:
    from importlib.metadata import version

    import matplotlib
    import torch

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}",
        f"- versions: Python {platform.python_version()}, NumPy {np.__version__}, PyTorch {torch.__version__}, "
        f"matplotlib {matplotlib.__version__}, ipympl {version('ipympl')}",
    ]


def percentile(values, q) -> float:
    return float(np.percentile(np.asarray(values, float), q))


# ------------------------------------------------------------------ notebooks

PEAK_RSS_CELL = "import resource as _r; print('PEAK_RSS_KB', _r.getrusage(_r.RUSAGE_SELF).ru_maxrss)"


def run_notebook(path: Path, timeout: int = 600) -> tuple[float, float]:
    """Execute a notebook in a fresh kernel: (wall seconds including kernel start, peak RSS in MB)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_RSS_CELL))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})  # fmt: skip
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    peak_kb = float(text.split("PEAK_RSS_KB", 1)[1].split()[0])
    return wall, peak_kb / 1024


def notebooks(paths, repeats: int = 3) -> list[dict]:
    rows = []
    for path in paths:
        runs = [run_notebook(path) for _ in range(repeats)]
        times = [t for t, _ in runs]
        rows.append({"notebook": path.name, "best_s": min(times), "median_s": statistics.median(times),
                     "peak_mb": max(m for _, m in runs)})  # fmt: skip
    return rows


# ------------------------------------------------------------------ explorers


def explorer_cases():
    """name -> (factory, function giving the i-th slider position): every explorer of the lessons."""
    from lossviz import data, widgets

    x, y = data.linear_regression(n=40, seed=0)
    X2, y2 = data.two_blobs(n=100, distance=3.0, seed=0)
    rng = np.random.default_rng(0)

    def pick(options):
        return lambda i: options[i % len(options)]

    svm_lams = tuple(float(v) for v in np.geomspace(1e-3, 3.0, 15))
    ridge_lams = tuple(float(v) for v in np.geomspace(1e-12, 10, 45))  # TradeOffExplorer's default
    u = lambda lo, hi: float(rng.uniform(lo, hi))  # noqa: E731
    images, classes, boxes = data.shapes(n=8, seed=0)
    det = {w: {"boxes": boxes, "classes": classes, "accuracy": 0.9, "miou": 0.7} for w in (0.0, 0.1, 1.0, 10.0)}
    snaps = [(s, rng.normal(0, 1 + s / 500, 2000), 1.0 / (1 + s)) for s in range(0, 2001, 100)]
    return {
        "00 GalleryExplorer": (widgets.GalleryExplorer, lambda i: {"position": u(0, 1)}),
        "01 PointLossExplorer": (widgets.PointLossExplorer, lambda i: {"prediction": u(-4, 6)}),
        "01 LinearFitExplorer": (lambda: widgets.LinearFitExplorer(x, y), lambda i: {"w": u(-1, 5), "b": u(-4, 2)}),
        "01 OutlierExplorer": (lambda: widgets.OutlierExplorer(x, y, true_slope=2.0), lambda i: {"shift": u(0, 40)}),
        "02 SoftmaxExplorer": (widgets.SoftmaxExplorer, lambda i: {"z0": u(-6, 6)}),
        "02 LabelSmoothingExplorer": (widgets.LabelSmoothingExplorer, lambda i: {"eps": u(0, 0.5)}),
        "02 LogisticExplorer": (lambda: widgets.LogisticExplorer(X2, y2), lambda i: {"w1": u(-4, 4), "w2": u(-4, 4)}),
        "03 MarginExplorer": (widgets.MarginExplorer, lambda i: {"margin": u(-2.5, 3)}),
        "03 SVMExplorer": (lambda: widgets.SVMExplorer(X2, 2.0 * y2 - 1, lams=svm_lams), lambda i: {"lam": svm_lams[i % 15]}),
        "04 OptimizerExplorer": (lambda: widgets.OptimizerExplorer(x + 3, y), lambda i: {"lr": float(10 ** u(-3, -1))}),
        "04 BatchSizeExplorer": (lambda: widgets.BatchSizeExplorer(*data.friedman1(1000)), pick([{"batch_size": b} for b in (1, 4, 16, 64, 256)])),
        "05b DetectionExplorer": (lambda: widgets.DetectionExplorer(images, boxes, classes, det), pick([{"weight": w} for w in det])),
        "05e GANExplorer": (lambda: widgets.GANExplorer(data.two_modes(2000), snaps), pick([{"step": s} for s, _, _ in snaps])),
        "06a TradeOffExplorer": (lambda: widgets.TradeOffExplorer(x / 3, y / 3), pick([{"lam": v} for v in ridge_lams])),
        "06a BarronExplorer": (widgets.BarronExplorer, lambda i: {"alpha": u(-10, 2)}),
        "06b GradientFlowExplorer": (widgets.GradientFlowExplorer,
                                    pick([{"activation": a} for a in ("sigmoid", "tanh", "relu")])),
    }  # fmt: skip


def _ipympl_frame(buffer: np.ndarray, last: np.ndarray | None) -> bytes:
    """What an explorer sends per frame under ipympl: the whole figure as a PNG at zlib level 1
    (lossviz.explorer._whole_frame; never a diff, which could land on the wrong base)."""
    from PIL import Image

    with io.BytesIO() as png:
        Image.fromarray(np.ascontiguousarray(buffer)).save(png, format="png", compress_level=1)
        return png.getvalue()


def _inline_png(fig) -> bytes:
    from IPython.core.pylabtools import print_figure

    return print_figure(fig, "png", bbox_inches="tight")  # exactly what %matplotlib inline sends


def explorers(moves: int = 200, naive_moves: int = 20, cases=None) -> list[dict]:
    from lossviz import plots

    rows = []
    for name, (factory, position) in (cases or explorer_cases()).items():
        # ipympl-style: move artists, blit, encode the changed pixels as ipympl does
        ex = factory()
        last = None
        blit_ms = []
        for i in range(moves):
            start = time.perf_counter()
            ex.set(**position(i))
            buf = np.asarray(ex.fig.canvas.buffer_rgba())
            _ipympl_frame(buf, last)
            last = buf.view(np.uint32).squeeze(2).copy()
            blit_ms.append((time.perf_counter() - start) * 1e3)
        # inline: the same explorer without blitting, a whole PNG per move
        real_kind = plots.backend_kind
        plots.backend_kind = lambda: "inline"
        try:
            ex = factory()
            inline_ms, naive_ms = [], []
            for i in range(max(naive_moves, moves // 4)):
                start = time.perf_counter()
                ex.set(**position(i))
                _inline_png(ex.fig)
                inline_ms.append((time.perf_counter() - start) * 1e3)
            # naive ipywidgets.interact: the callback rebuilds the figure (and its data) every move
            for i in range(naive_moves):
                start = time.perf_counter()
                fresh = factory()
                fresh.set(**position(i))
                _inline_png(fresh.fig)
                naive_ms.append((time.perf_counter() - start) * 1e3)
        finally:
            plots.backend_kind = real_kind
        rows.append({
            "explorer": name,
            "ipympl_median_ms": percentile(blit_ms, 50), "ipympl_p95_ms": percentile(blit_ms, 95),
            "inline_median_ms": percentile(inline_ms, 50), "inline_p95_ms": percentile(inline_ms, 95),
            "naive_median_ms": percentile(naive_ms, 50),
            "speedup": percentile(naive_ms, 50) / percentile(blit_ms, 50),
        })  # fmt: skip
    return rows


# ------------------------------------------------------------------ surfaces


def surfaces(grid: int = 256, n: int = 1000, loop_grid: int | None = None) -> list[dict]:
    """lossviz surfaces against a Python loop calling the PyTorch loss at every grid point.

    The loop is timed on ``loop_grid``² points (all of them by default) and scaled to the full grid.
    """
    import torch
    import torch.nn.functional as F

    from lossviz import data, losses
    from lossviz import surfaces as S

    x, y = data.linear_regression(n=n, seed=0)
    X, labels = data.two_blobs(n=n, seed=0)
    w = np.linspace(-3, 3, grid)
    b = np.linspace(-3, 3, grid)
    cases = {
        "MSE, y = w x + b (closed form)": (lambda: S.mse_surface(x, y, w, b),
            x, y, lambda p, t: F.mse_loss(p, t)),
        "binary cross-entropy, w1 x1 + w2 x2 (vectorised)": (
            lambda: S.loss_surface(losses.binary_cross_entropy_with_logits, X, labels.astype(float), w, b),
            X, labels.astype(float), lambda p, t: F.binary_cross_entropy_with_logits(p, t)),
        "hinge, w1 x1 + w2 x2 (breakpoint sweep)": (lambda: S.hinge_surface(X, 2.0 * labels - 1, w, b),
            X, 2.0 * labels - 1, lambda p, t: torch.clamp(1 - t * p, min=0).mean()),
    }  # fmt: skip
    rows = []
    k = loop_grid or grid
    for name, (fast, feats, target, torch_loss) in cases.items():
        start = time.perf_counter()
        fast()
        fast_s = time.perf_counter() - start
        u = torch.tensor(feats if feats.ndim == 1 else feats[:, 0])
        v = torch.ones_like(u) if feats.ndim == 1 else torch.tensor(feats[:, 1])
        t = torch.tensor(target)
        start = time.perf_counter()
        for wi in w[:k]:
            for bi in b[:k]:
                torch_loss(float(wi) * u + float(bi) * v, t).item()
        loop_s = (time.perf_counter() - start) * (grid * grid) / (k * k)
        rows.append({"surface": name, "lossviz_ms": fast_s * 1e3, "loop_ms": loop_s * 1e3,
                     "speedup": loop_s / fast_s})  # fmt: skip
    return rows


# ------------------------------------------------------------------ fresh set-up (slow: on request)


def fresh_setup() -> dict:
    """Clone the repository, time `make venv` (the README's set-up), and measure .venv's size."""
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "lossviz"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        start = time.perf_counter()
        subprocess.run(["make", "venv"], cwd=clone, check=True, capture_output=True)
        seconds = time.perf_counter() - start
        size = subprocess.run(["du", "-sm", str(clone / ".venv")], capture_output=True, text=True, check=True)
        return {"setup_s": seconds, "venv_mb": float(size.stdout.split()[0])}


def browser_latency() -> list[dict]:
    """Slider-to-repaint times recorded by the browser tests, if they have run (tests/e2e)."""
    path = ROOT / "benchmarks" / "out" / "e2e_latency.json"
    return json.loads(path.read_text()) if path.exists() else []


def import_time() -> float:
    """Milliseconds that `import lossviz` adds after NumPy, in a fresh interpreter."""
    code = "import numpy, time; t = time.perf_counter(); import lossviz; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(5)]  # fmt: skip
    return min(runs) * 1e3
