"""`make html`: execute every lesson and write static pages into site/, readable without Jupyter.

Each lesson runs in a fresh kernel with ``LOSSVIZ_STATIC=1`` and the inline backend, so every
figure is a picture and every explorer shows its last state as a picture plus its control
values and numbers as text. MathJax is copied next to the pages and every script and stylesheet
is local: the site works offline, from a USB stick or a file:// URL.

Both editions are built: the English lessons into ``site/``, the Chinese ones (``notebooks/zh/``)
into ``site/zh/``; every page and both indexes link to the same page in the other language.

    python tools/build_site.py [--out site] [--only 01_mean_squared_error.ipynb ...] [--edition en|zh]
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MATHJAX = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"  # the config jupyter_server_mathjax ships
STIX = ('<script type="text/x-mathjax-config">MathJax.Hub.Config({"HTML-CSS": '
        '{availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null}});</script>\n')
EXTERNAL = re.compile(r"""<(script|link)\b[^>]*\b(src|href)\s*=\s*["']https?://""", re.I)
LANG_STYLE = ("<style>.lossviz-lang{font-family:sans-serif;font-size:90%;margin:.5em 1em;text-align:right}"
              ".lossviz-lang a{color:#0072B2}</style>")


def language_links(edition: str, target: str) -> str:
    """The line at the top of a page: this page's language, and a link to the other one."""
    if edition == "en":
        return f'<p class="lossviz-lang">English · <a href="zh/{target}" lang="zh-CN">简体中文</a></p>'
    return f'<p class="lossviz-lang"><a href="../{target}" lang="en">English</a> · 简体中文</p>'


def lesson_title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return "lesson"


def strip_external(page: str) -> str:
    """Remove what would reach for the network. The lab template always loads require.js from a
    CDN (only widget views need it, and these pages have none) and imports mermaid from one for
    diagrams (the lessons have none); MathJax is served locally through ``mathjax_url``."""
    page = re.sub(r"<script[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", "", page, flags=re.I)
    page = re.sub(r"<link[^>]*\bhref=[\"']https?://[^>]*>", "", page, flags=re.I)
    page = re.sub(r"<script type=\"module\">(?:(?!</script>).)*cdnjs(?:(?!</script>).)*</script>", "", page, flags=re.S)
    return page


def build_one(path: Path, out: Path, edition: str = "en") -> tuple[str, float]:
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = cell.source.replace("%matplotlib widget", "%matplotlib inline")
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False, store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()  # fmt: skip
    seconds = time.perf_counter() - start
    up = "" if edition == "en" else "../"  # the Chinese pages sit in site/zh/ and share site/mathjax/
    exporter = HTMLExporter(template_name="lab", mathjax_url=up + MATHJAX, embed_images=True)
    page, _ = exporter.from_notebook_node(nb)
    page = strip_external(page)
    # The MathJax that ships with jupyter_server_mathjax has the STIX-Web fonts, not the TeX ones.
    page = page.replace(f'<script src="{up}mathjax/', STIX + f'<script src="{up}mathjax/', 1)
    if edition == "zh":
        page = re.sub(r"<html\b[^>]*>", '<html lang="zh-CN">', page, count=1)
    page = re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + LANG_STYLE + language_links(edition, f"{path.stem}.html"),
                  page, count=1)  # fmt: skip
    if EXTERNAL.search(page):
        raise RuntimeError(f"{path.name}: the page still loads {EXTERNAL.search(page).group(0)!r}")
    (out / f"{path.stem}.html").write_text(page)
    return lesson_title(nb), seconds


INDEX_TEXT = {
    "en": ("en", "lossviz: the loss functions of deep learning", "s to run",
           "Static pages of every lesson, executed with the figures of their explorers in their last state. "
           "To move the sliders, open the notebooks in JupyterLab (<code>make lab</code>) or on Binder."),
    "zh": ("zh-CN", "lossviz：深度学习的损失函数", "秒运行完",
           "每一课的静态网页，已执行，交互图显示为最后的状态。要拖动滑块，请在 JupyterLab（<code>make lab</code>）"
           "或 Binder 中打开笔记本。"),
}  # fmt: skip


def write_index(out: Path, lessons: list[tuple[str, str, float]], edition: str = "en") -> None:
    lang, heading, to_run, intro = INDEX_TEXT[edition]
    rows = "\n".join(f'<li><a href="{stem}.html">{html.escape(title)}</a> <small>({sec:.0f} {to_run})</small></li>'
                     for stem, title, sec in lessons)  # fmt: skip
    (out / "index.html").write_text(f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{heading}</title>
<style>body{{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5;color:#222}}
a{{color:#0072B2}}li{{margin:.4em 0}}</style></head>
<body>{language_links(edition, "index.html")}<h1>{heading}</h1>
<p>{intro}</p>
<ol>
{rows}
</ol></body></html>
""")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="tools/build_site.py")
    parser.add_argument("--out", default=str(ROOT / "site"))
    parser.add_argument("--only", nargs="*", help="notebook file names (default: all)")
    parser.add_argument("--edition", choices=["en", "zh"], action="append",
                        help="build only this edition (default: both)")
    args = parser.parse_args(argv)
    os.environ["LOSSVIZ_STATIC"] = "1"  # inherited by every kernel started below
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    import jupyter_server_mathjax

    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", out / "mathjax", dirs_exist_ok=True)
    for edition in args.edition or ["en", "zh"]:
        source = ROOT / "notebooks" / ("" if edition == "en" else "zh")
        target = out if edition == "en" else out / "zh"
        target.mkdir(parents=True, exist_ok=True)
        paths = sorted(source.glob("*.ipynb"))
        if args.only:
            paths = [p for p in paths if p.name in args.only]
        lessons = []
        for path in paths:
            title, seconds = build_one(path, target, edition)
            lessons.append((path.stem, title, seconds))
            print(f"{edition}/{path.name}: {seconds:.1f} s", flush=True)
        write_index(target, lessons, edition)
        print(f"wrote {len(lessons)} pages and index.html to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
