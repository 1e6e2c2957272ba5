"""`make links`: copy the repository URL from pyproject.toml into every link that names it.

One place holds the URL (``[project.urls] Repository``). This script rewrites, from it:
the README's Binder badge and Colab links, each lesson's Colab/Binder links in its title cell,
and each lesson's install cell (``%pip install "lossviz @ git+URL"``), which a notebook opened
alone on Colab runs to get lossviz. ``--check`` only reports what is out of step (the tests use it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def repository() -> tuple[str, str]:
    """(owner, name) of the GitHub repository named in pyproject.toml."""
    url = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    found = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)/?", url)
    if not found:
        raise SystemExit(f"pyproject.toml: Repository must be https://github.com/OWNER/NAME, not {url!r}")
    return found.group(1), found.group(2)


def links(owner: str, name: str) -> list[tuple[re.Pattern, str]]:
    """Each link pattern and what it becomes for this repository."""
    return [
        (re.compile(r"mybinder\.org/v2/gh/[^/\s]+/[^/\s]+/"), f"mybinder.org/v2/gh/{owner}/{name}/"),
        (re.compile(r"colab\.research\.google\.com/github/[^/\s]+/[^/\s]+/"),
         f"colab.research.google.com/github/{owner}/{name}/"),
        (re.compile(r"git\+https://github\.com/[^/\s\"]+/[^/\s\"]+?(?=[\"\s])"), f"git+https://github.com/{owner}/{name}"),
    ]  # fmt: skip


def colab_url(owner: str, name: str, notebook: str) -> str:
    return f"https://colab.research.google.com/github/{owner}/{name}/blob/main/notebooks/{notebook}"


def binder_url(owner: str, name: str, notebook: str) -> str:
    return f"https://mybinder.org/v2/gh/{owner}/{name}/HEAD?urlpath=lab/tree/notebooks/{notebook}"


def rewrite(text: str, owner: str, name: str) -> str:
    for pattern, replacement in links(owner, name):
        text = pattern.sub(replacement, text)
    return text


def files() -> list[Path]:
    readmes = sorted(ROOT.glob("README*.md"))
    return readmes + sorted(NOTEBOOKS.rglob("*.ipynb"))


def sync(check: bool) -> list[Path]:
    owner, name = repository()
    stale = []
    for path in files():
        if path.suffix == ".ipynb":
            nb = json.loads(path.read_text())
            changed = False
            for cell in nb["cells"]:
                old = "".join(cell["source"])
                new = rewrite(old, owner, name)
                if new != old:
                    cell["source"] = new.splitlines(keepends=True)
                    changed = True
            if changed:
                stale.append(path)
                if not check:
                    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        else:
            old = path.read_text()
            new = rewrite(old, owner, name)
            if new != old:
                stale.append(path)
                if not check:
                    path.write_text(new)
    return stale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list the files out of step")
    args = parser.parse_args()
    stale = sync(args.check)
    for path in stale:
        print(("out of step: " if args.check else "updated: ") + str(path.relative_to(ROOT)))
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
