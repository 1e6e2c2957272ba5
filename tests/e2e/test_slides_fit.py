"""Every slide of every lesson fits a 1280×720 projector in RISE, after Run All, in lecture mode.

The lesson opens in RISE's presenter (/rise/...), every cell is run there (Run All), and each
slide and sub-slide is measured with its outputs. A slide taller than the screen fails, unless
its first cell is tagged ``long-slide`` (the lesson's RISE settings let such a slide scroll).

RISE's presenter (jupyterlab-rise 0.43) does not render ipywidgets 8: a widget shows as its
text, ``VBox(children=...)`` (jupyterlab-contrib/rise#126, open). So the kernels here draw
pictures (inline backend; an explorer's figure is still shown, as a PNG) and each widget's text
is counted as the room its controls and readout take in JupyterLab (``WIDGET_ROOM``).
The heights (of each slide, and of each cell in it: ``cells`` holds [cell index, px] pairs) are
written to benchmarks/out/slides/<lesson>.json, to plan where to split.
"""

import json
from pathlib import Path

import pytest

from .conftest import OUT

ROOT = Path(__file__).resolve().parents[2]
# Both editions: Chinese prose takes different room from English (tests/test_zh_edition.py keeps
# the slide structure the same, so a split made for one edition is made for both).
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
NOTEBOOKS += [f"zh/{name}" for name in NOTEBOOKS]
SCREEN = {"width": 1280, "height": 720}
WIDGET_ROOM = 110  # px: a row or two of sliders and the readout line, as JupyterLab draws them

# Each sub-slide's height with its outputs: the hidden ones are shown for a moment to measure.
MEASURE_JS = """() => [...document.querySelectorAll('.reveal .slides > section > section')].map(s => {
  const stack = s.parentElement;
  const saved = [stack.hidden, stack.style.display, s.hidden, s.style.display];
  stack.hidden = false; stack.style.display = 'block'; s.hidden = false; s.style.display = 'block';
  const height = s.scrollHeight;
  const widgets = [...s.querySelectorAll('.jp-OutputArea-output')]
    .filter(o => /^\\s*(VBox|HBox)\\(children=/.test(o.innerText)).map(o => o.getBoundingClientRect().height);
  const cells = [...s.querySelectorAll('.jp-Cell')].map(c => [Number(c.dataset.windowedListIndex),
                                                               Math.round(c.getBoundingClientRect().height)]);
  [stack.hidden, stack.style.display, s.hidden, s.style.display] = saved;
  return {id: s.id, height, widgets, first: cells.length ? cells[0][0] : -1, cells};
})"""

RUNNING_JS = """() => {
  const prompts = [...document.querySelectorAll('.reveal .jp-CodeCell .jp-InputPrompt')].map(p => p.innerText);
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p));
}"""


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_slide_fits_a_1280x720_projector_after_run_all(name, lecture_lab, browser):
    nb = json.loads((ROOT / "notebooks" / name).read_text())
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    try:
        page.goto(f"{lecture_lab['url']}/rise/{name}?token={lecture_lab['token']}")
        page.wait_for_selector(".reveal .slides section.present .jp-Cell", timeout=90_000)
        page.wait_for_timeout(1000)  # the kernel connects
        page.mouse.click(SCREEN["width"] // 2, SCREEN["height"] - 10)  # focus the deck, not a cell editor
        # Run All (the shortcut is set in conftest.SETTINGS; RISE has none of its own).
        page.keyboard.press("Control+Shift+F9")
        page.wait_for_function(RUNNING_JS, timeout=300_000, polling=500)
        page.wait_for_timeout(1500)  # the last pictures load
        slides = page.evaluate(MEASURE_JS)
        page.keyboard.press("Home")  # Run All leaves the deck on the last slide
        page.wait_for_timeout(800)
        page.screenshot(path=str(_out("screenshots") / f"rise-{_stem(name)}-first.png"))
    finally:
        context.close()
    for s in slides:
        s["shown_height"] = s["height"] + sum(WIDGET_ROOM - h for h in s["widgets"])
        cell = nb["cells"][s["first"]] if 0 <= s["first"] < len(nb["cells"]) else {}
        s["long"] = "long-slide" in cell.get("metadata", {}).get("tags", [])
        s["starts"] = "".join(cell.get("source", ""))[:60]
    (_out("slides") / f"{_stem(name)}.json").write_text(json.dumps(slides, indent=1, ensure_ascii=False))
    too_tall = [s for s in slides if s["shown_height"] > SCREEN["height"] and not s["long"]]
    lines = [f"  cell {s['first']} ({s['id']}): {s['shown_height']} px: {s['starts']!r}" for s in too_tall]
    assert not too_tall, (f"{len(too_tall)} of {len(slides)} slides of {name} are taller than a {SCREEN['height']}-px "
                          "screen; split them (or tag the first cell `long-slide`):\n" + "\n".join(lines))  # fmt: skip


def _stem(name: str) -> str:
    return name.removesuffix(".ipynb").replace("/", "-")


def _out(sub: str) -> Path:
    path = OUT / sub
    path.mkdir(parents=True, exist_ok=True)
    return path
