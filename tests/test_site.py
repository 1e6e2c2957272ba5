"""`make html`: one static page per lesson and an index, offline, rendering in Chromium.

Builds the whole site once (it executes every lesson of both editions, about three minutes)
into a temporary folder; the repository's site/ is left alone.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
EXTERNAL = re.compile(r"""<(script|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""", re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_site.py"), "--out", str(out)],
                   check=True, capture_output=True, text=True, timeout=1200)  # fmt: skip
    return out


def test_one_page_per_lesson_and_an_index_linking_them(site):
    index = (site / "index.html").read_text()
    for stem in LESSONS:
        assert (site / f"{stem}.html").exists()
        assert f'href="{stem}.html"' in index


@pytest.mark.parametrize("stem", LESSONS)
def test_page_is_offline_and_holds_its_figures(site, stem):
    page = (site / f"{stem}.html").read_text()
    assert not EXTERNAL.search(page), f"{stem}: loads {EXTERNAL.search(page).group(0)}"
    assert "unpkg.com" not in page and "cdnjs" not in page
    assert page.count("data:image/png;base64") >= 1, "the figures are embedded as pictures"
    assert "application/vnd.jupyter.widget-view+json" not in page, "a live widget would need JavaScript from a CDN"
    assert 'src="mathjax/MathJax.js' in page and (site / "mathjax" / "MathJax.js").exists()


def test_explorers_show_their_last_state_as_text(site):
    page = (site / "01_mean_squared_error.html").read_text()
    assert "Explorer, as last set:" in page and "prediction ŷ = 3" in page


def test_the_chinese_edition_has_its_own_pages_and_index(site):
    index = (site / "zh" / "index.html").read_text()
    assert '<html lang="zh-CN">' in index and 'href="../index.html"' in index
    for stem in LESSONS:
        page = (site / "zh" / f"{stem}.html").read_text()
        assert f'href="{stem}.html"' in index
        assert not EXTERNAL.search(page) and page.count("data:image/png;base64") >= 1
        assert 'src="../mathjax/MathJax.js' in page, "the Chinese pages share site/mathjax"
        assert f'href="../{stem}.html"' in page, "each Chinese page links to its English page"
        english = (site / f"{stem}.html").read_text()
        assert f'href="zh/{stem}.html"' in english, "each English page links to its Chinese page"
    # lossviz.set_language("zh") in the lesson: the explorer's last state is described in Chinese
    page = (site / "zh" / "01_mean_squared_error.html").read_text()
    assert "交互图（最后一次设置）" in page and "预测值 ŷ = 3" in page


def test_pages_render_in_chromium(site, browser):
    shots = ROOT / "benchmarks" / "out" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    external = []
    page.on("request", lambda r: external.append(r.url) if r.url.startswith("http") else None)
    try:
        page.goto((site / "index.html").as_uri())
        assert page.locator("li a").count() == len(LESSONS)
        page.locator("li a").nth(1).click()
        page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0", timeout=30_000)
        assert page.locator(".MathJax").count() > 10, "the formulas were typeset"
        assert page.locator("img").count() >= 3
        page.screenshot(path=str(shots / "site-01.png"))
    finally:
        context.close()
    assert external == [], f"the page reached for the network: {external[:3]}"
