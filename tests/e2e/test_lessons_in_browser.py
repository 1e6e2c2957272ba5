"""Every lesson opened in JupyterLab in Chromium: run all, no error, widgets and figures drawn,
and every slider of every explorer moved as a student would (keyboard), with the figure's
pixels and its numbers changing. Screenshots and slider-to-repaint times are saved."""

import json
import re
from pathlib import Path

import pytest

from lossviz import losses

from .conftest import OUT

ROOT = Path(__file__).resolve().parents[2]
# Every lesson, and one of the Chinese edition (its code is the English code, checked by
# tests/test_zh_edition.py; what differs on screen is the text, lossviz's messages included).
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")) + ["zh/01_mean_squared_error.ipynb"]
SHOTS = OUT / "screenshots"

CELLS_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.map((cell, i) => ({
    index: i, type: cell.model.type,
    executed: cell.model.type !== 'code' || cell.model.executionCount !== null,
    tags: cell.model.getMetadata('tags') || [],
    errors: cell.model.type === 'code'
      ? cell.model.outputs.toJSON().filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue) : [],
  }));
}"""


DONE_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const code = panel.content.widgets.filter(c => c.model.type === 'code');
  const failed = code.some(c => !(c.model.getMetadata('tags') || []).includes('raises-exception')
                               && c.model.outputs.toJSON().some(o => o.output_type === 'error'));
  const done = code.every(c => c.model.executionCount !== null)
               && panel.sessionContext.session.kernel.status === 'idle';
  return failed || done;
}"""


KERNEL_JS = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, silent: false, store_history: false});
  let out = '';
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error') out += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return out;
}"""

# In the kernel: the explorer whose readout is the one on screen, rendered in full on a canvas of
# its own (the static part, then its moving artists and legends on top, as the full draw of the
# live canvas does) and its pixels sent back. Not on the live canvas: ipykernel 7 handles widget
# and ipympl messages in a subshell thread, which may be drawing that canvas at the same moment.
FULL_REDRAW = """
import base64 as _b64, html as _html, re as _re, numpy as _np
from matplotlib.backends.backend_agg import FigureCanvasAgg as _Agg
from lossviz import explorer as _explorer
_want = " ".join({text!r}.split())
_same = [e for e in _explorer.made()
         if " ".join(_html.unescape(_re.sub("<[^>]+>", "", e.readout.value)).split()) == _want]
assert len(_same) == 1, f"{{len(_same)}} explorers show the readout {{_want!r}}"
_fig, _live, _engine = _same[0].fig, _same[0].fig.canvas, _same[0].fig.get_layout_engine()
_explorer.DRAWING.acquire()  # no other thread renders while this one does
try:
    _fig.set_layout_engine("none")  # the axes where the live canvas last placed them
    _agg = _Agg(_fig)
    # A figure's canvases share its callbacks: keep the explorer's draw_event handler out of this.
    with _fig._canvas_callbacks.blocked(signal="draw_event"):
        _agg.draw()
    _same[0]._draw_moving()
    _px = _np.asarray(_agg.buffer_rgba()).copy()
finally:
    _fig.set_canvas(_live)
    _fig.set_layout_engine(_engine)
    _explorer.DRAWING.release()
print(_px.shape[0], _px.shape[1], _b64.b64encode(_px.tobytes()).decode())
"""


def shown_equals_full_redraw(page, explorer, label):
    """What the browser shows after the moves equals what a full redraw in the kernel renders.

    A diff frame applied on the wrong base (a ghost), a moving artist left behind, or a stale
    title shows up here as pixels that differ from the truth.
    """
    import base64
    import io

    import matplotlib.image
    import numpy as np

    canvas = explorer.locator(".jupyter-matplotlib-canvas-div canvas").first.element_handle()
    readout = explorer.locator(".widget-html-content").first
    # A drag sends several values; compare once the last one is drawn: the kernel idle, and the
    # readout and the pixels unchanged for a second.
    page.wait_for_function(
        """([c, r]) => {
          const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
          const now = c.toDataURL() + r.innerText;
          if (window.__settle !== now) { window.__settle = now; window.__since = performance.now(); return false; }
          return kernel.status === 'idle' && performance.now() - window.__since > 1000;
        }""", arg=[canvas, readout.element_handle()], polling=100, timeout=60_000)  # fmt: skip
    shown_png = page.evaluate("(c) => c.toDataURL('image/png')", canvas)
    shown = matplotlib.image.imread(io.BytesIO(base64.b64decode(shown_png.split(",", 1)[1])), format="png")
    text = readout.inner_text()
    out = page.evaluate(KERNEL_JS, FULL_REDRAW.format(text=text))
    assert not out.startswith("ERROR") and out.strip(), f"{label}: the kernel could not redraw: {out[:300]}"
    height, width, data = out.split()
    truth = np.frombuffer(base64.b64decode(data), np.uint8).reshape(int(height), int(width), 4) / 255.0
    # The browser may size the canvas a pixel short of the figure (CSS rounding); the image is
    # drawn from the top left, so compare the part both have.
    assert all(abs(a - b) <= 2 for a, b in zip(shown.shape[:2], truth.shape[:2])), \
        f"{label}: browser canvas {shown.shape[:2]} vs figure {truth.shape[:2]}"
    rows, cols = min(shown.shape[0], truth.shape[0]), min(shown.shape[1], truth.shape[1])
    shown, truth = shown[:rows, :cols], truth[:rows, :cols]
    wrong = np.abs(shown[..., :3] - truth[..., :3]).max(axis=2) > 0.15
    share = wrong.mean()
    if share > 0.002:  # antialiasing may differ at a few edge pixels, never over an area
        stem = SHOTS / re.sub(r"\W+", "-", label)
        matplotlib.image.imsave(f"{stem}-shown.png", shown)
        matplotlib.image.imsave(f"{stem}-truth.png", truth)
        ys, xs = np.nonzero(wrong)
        where = f"rows {ys.min()}-{ys.max()}, columns {xs.min()}-{xs.max()}"
        raise AssertionError(f"{label}: {share:.2%} of the pixels shown differ from a full redraw ({where}); "
                             f"see {stem}-shown.png and -truth.png")  # fmt: skip
    return share


def figures_expected(nb) -> int:
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    return sum(("Explorer(" in c) + c.count("plt.show()") for c in code)


def open_and_run(page, lab, name):
    # A workspace of its own, reset: JupyterLab would otherwise reopen the tabs of earlier tests.
    workspace = name.removesuffix(".ipynb").replace("_", "-").replace("/", "-")
    page.goto(f"{lab['url']}/lab/workspaces/{workspace}/tree/{name}?reset&token={lab['token']}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=90_000)  # fmt: skip
    page.evaluate("async () => { await window.jupyterapp.shell.currentWidget.sessionContext.ready; }")
    page.evaluate("() => { if (!window.jupyterapp.shell.leftCollapsed) window.jupyterapp.shell.collapseLeft(); }")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    # Done when every code cell has run and the kernel is idle, or when a cell that should not
    # raise has raised (Run All stops there).
    page.wait_for_function(DONE_JS, timeout=180_000)


def move_and_time(page, explorer, key, latencies, label):
    """Press ``key`` on a control; wait until its readout changes and the figure repaints.

    A step so small that nothing drawn moves by a pixel (a logit nudged by 0.05 where its
    probability is 0.01, with every number shown to three figures) leaves the pixels as they
    were: then what is shown must equal a full redraw, and no time is recorded.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    canvas = explorer.locator(".jupyter-matplotlib-canvas-div canvas").first.element_handle()
    readout = explorer.locator(".widget-html-content").first
    before = readout.inner_text()
    # Timed in the page, from the input event (key, pointer or change) to the first repainted
    # frame: Playwright's own work before it sends the key is not the student's wait.
    page.evaluate("""([c, el]) => {
      window.__img = c.toDataURL(); window.__t0 = null;
      if (!el.__timed) {
        el.__timed = true;
        for (const type of ['keydown', 'pointerdown', 'change'])
          el.addEventListener(type, () => { if (window.__t0 === null) window.__t0 = performance.now(); }, true);
      }
    }""", [canvas, explorer.element_handle()])
    key()
    try:
        page.wait_for_function("""(c) => {
          if (c.toDataURL() === window.__img) return false;
          window.__t1 = performance.now(); return true;
        }""", arg=canvas, polling="raf", timeout=5_000)
        latencies[label].append(page.evaluate("() => window.__t1 - (window.__t0 ?? window.__t1)"))
        repainted = True
    except PlaywrightTimeout:
        repainted = False
    try:
        page.wait_for_function("([el, old]) => el.innerText !== old", arg=[readout.element_handle(), before], timeout=20_000)
    except PlaywrightTimeout:
        raise AssertionError(f"{label}: the numbers did not change from {before!r}") from None
    if not repainted:
        shown_equals_full_redraw(page, explorer, f"{label} (a move that changed no pixel)")
    return readout.inner_text()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_lesson_runs_and_its_explorers_respond(name, lab, page, latencies):
    nb = json.loads((ROOT / "notebooks" / name).read_text())
    stem = name.removesuffix(".ipynb").replace("/", "-")
    SHOTS.mkdir(parents=True, exist_ok=True)
    open_and_run(page, lab, name)
    try:
        cells = page.evaluate(CELLS_JS)
        assert all(c["executed"] for c in cells), f"cells not run: {[c['index'] for c in cells if not c['executed']]}"
        for c in cells:
            if "raises-exception" in c["tags"]:
                assert c["errors"], f"cell {c['index']} is tagged raises-exception but raised nothing"
            else:
                assert not c["errors"], f"cell {c['index']} shows an error: {c['errors']}"

        notebook = page.locator(".jp-Notebook")
        page.wait_for_function("() => !document.querySelector('.jp-Notebook').innerText.includes('Loading widget')",
                               timeout=30_000)  # fmt: skip
        assert "Error displaying widget" not in notebook.inner_text()
        figures = page.locator(".jupyter-matplotlib-figure")
        assert figures.count() >= figures_expected(nb)
        # ipympl sizes a canvas once it is laid out on screen: visit each figure, wait for pixels.
        for f in range(figures.count()):
            figures.nth(f).scroll_into_view_if_needed()
            figures.nth(f).locator("canvas").first.wait_for(state="visible")
            page.wait_for_function("(c) => c.width > 0", arg=figures.nth(f).locator("canvas").first.element_handle(),
                                   timeout=20_000)  # fmt: skip

        explorers = page.locator(".widget-vbox:has(.jupyter-matplotlib-figure):has(.widget-html-content)")
        if explorers.count():
            explorers.first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{stem}-run-all.png"))

        for k in range(explorers.count()):
            explorer = explorers.nth(k)
            explorer.scroll_into_view_if_needed()
            handles = explorer.locator(".noUi-handle")
            for h in range(handles.count()):
                handle = handles.nth(h)
                label = f"{stem} explorer {k + 1}"
                for _ in range(3):
                    at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
                    key = "ArrowLeft" if at_end else "ArrowRight"
                    move_and_time(page, explorer, lambda: handle.press(key), latencies, label)
            selects = explorer.locator("select")
            for s in range(selects.count()):
                select = selects.nth(s)
                options = select.evaluate("e => [...e.options].map(o => o.value)")  # labels hold &nbsp;
                current = select.input_value()
                other = next(o for o in options if o != current)
                move_and_time(page, explorer, lambda: select.select_option(other), latencies, f"{stem} explorer {k + 1}")
            explorer.screenshot(path=str(SHOTS / f"{stem}-explorer{k + 1}-moved.png"))
            if handles.count() or selects.count():
                shown_equals_full_redraw(page, explorer, f"{stem} explorer {k + 1}")
            if name.removeprefix("zh/").startswith("01") and k == 0:
                check_point_explorer_numbers(explorer, chinese=name.startswith("zh/"))
    finally:
        page.evaluate("async () => await window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")


def check_point_explorer_numbers(explorer, chinese=False):
    """The numbers shown after the moves are what lossviz computes for the slider positions; in the
    Chinese edition the readout names them in Chinese (lossviz.set_language("zh"))."""
    readouts = explorer.locator(".widget-readout").all_inner_texts()
    prediction, target = float(readouts[0]), float(readouts[1])
    loss_name = explorer.locator("select").input_value()
    text = explorer.locator(".widget-html-content").inner_text()
    # "prediction ŷ = 1.40, target y = 1.00, loss = mse → loss = 0.160, dL/dŷ = 0.800" (true minus)
    numbers = text.split("→")[1].replace("\u2212", "-")
    if chinese:
        assert "预测值 ŷ" in text and "损失 =" in numbers, text
    shown_loss = float(re.search(r"(?:loss|损失) = (-?[\d.]+)", numbers).group(1))
    shown_grad = float(re.search(r"dL/dŷ = (-?[\d.]+)", numbers).group(1))
    fn, grad, _ = {"mse": (losses.mse, losses.mse_grad, 0), "mae": (losses.mae, losses.mae_grad, 0),
                   "huber": (losses.huber, losses.huber_grad, 0)}[loss_name]  # fmt: skip
    assert shown_loss == pytest.approx(fn([prediction], [target]), rel=5e-3, abs=5e-4)  # 3 significant figures
    assert shown_grad == pytest.approx(grad([prediction], [target])[0], rel=5e-3, abs=5e-4)


def test_latencies_are_recorded(latencies):
    # Runs last in this file: every explorer above contributed its moves.
    if not latencies:
        pytest.skip("no explorer was moved (the lessons above were skipped)")
    assert all(len(v) >= 1 and min(v) > 0 for v in latencies.values())

