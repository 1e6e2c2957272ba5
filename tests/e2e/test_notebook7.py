"""A lesson in Jupyter Notebook 7 (the `notebook` package), not only JupyterLab: run all, no
error, the live figure drawn, and a slider that repaints it. Notebook 7 is built from the same
components as JupyterLab, so one lesson with explorers of each kind of control stands for all."""

from .conftest import OUT
from .test_lessons_in_browser import CELLS_JS, DONE_JS, move_and_time, shown_equals_full_redraw

LESSON = "01_mean_squared_error.ipynb"


def test_a_lesson_runs_in_notebook7_and_its_slider_repaints(lab, page, latencies):
    page.goto(f"{lab['url']}/notebooks/{LESSON}?token={lab['token']}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=90_000)  # fmt: skip
    assert "/notebooks/" in page.url and page.locator("#jp-NotebookLogo, .jp-NotebookKernelStatus, #top-panel").count()
    page.evaluate("async () => { await window.jupyterapp.shell.currentWidget.sessionContext.ready; }")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_function(DONE_JS, timeout=180_000)
    try:
        cells = page.evaluate(CELLS_JS)
        errors = [(c["index"], c["errors"]) for c in cells if c["errors"] and "raises-exception" not in c["tags"]]
        assert not errors, f"Notebook 7 shows errors: {errors}"
        page.wait_for_function("() => !document.body.innerText.includes('Loading widget')", timeout=30_000)
        explorer = page.locator(".widget-vbox:has(.jupyter-matplotlib-figure):has(.widget-html-content)").first
        explorer.scroll_into_view_if_needed()
        canvas = explorer.locator(".jupyter-matplotlib-canvas-div canvas").first
        canvas.wait_for(state="visible")
        page.wait_for_function("(c) => c.width > 0", arg=canvas.element_handle(), timeout=20_000)
        (OUT / "screenshots").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUT / "screenshots" / "notebook7-01-run-all.png"))
        handle = explorer.locator(".noUi-handle").first

        def drag():
            # With the mouse: in Notebook 7 (7.x, this environment) the arrow keys on a focused
            # slider handle do not move it, while they do in JupyterLab; a student drags anyway.
            box = handle.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x - 40, y, steps=5)
            page.mouse.up()

        text = move_and_time(page, explorer, drag, latencies, "notebook7 01 explorer 1")
        assert "prediction ŷ = 3.00" not in text, f"the prediction slider did not move: {text!r}"
        shown_equals_full_redraw(page, explorer, "notebook7 01 explorer 1")
        explorer.scroll_into_view_if_needed()
        page.screenshot(path=str(OUT / "screenshots" / "notebook7-01-explorer1-moved.png"))
    finally:
        page.evaluate("async () => await window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
