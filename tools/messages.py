"""lossviz's message catalogues: extract the English, merge it into each translation, compile.

    python tools/messages.py            # after changing a message in lossviz/: extract + update + compile
    python tools/messages.py --check    # what the tests run: is every catalogue in step with the code?

The English messages are the ``_("...")`` and ``N_("...")`` strings in ``lossviz/``; they are
extracted (with Babel, the tool Sphinx and Jinja use) into ``lossviz/locale/lossviz.pot``. Each
translation is a standard gettext catalogue, ``lossviz/locale/<lang>/LC_MESSAGES/lossviz.po``: a
translator edits its ``msgstr`` lines (with any PO editor: Poedit, Weblate, a text editor) and
runs this script, which compiles the ``.mo`` file that ``lossviz.set_language`` reads.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lossviz"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "lossviz.pot"
LANGUAGES = ["zh_CN"]
KEYWORDS = {"_": None, "N_": None}


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "lossviz.po"


def extract() -> Catalog:
    """Every marked message of lossviz, with where it is used."""
    catalog = Catalog(project="lossviz", version="0.1.0", charset="utf-8", fuzzy=False)
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS,
                             comment_tags=("TRANSLATORS:",), strip_comment_tags=True)  # fmt: skip
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(f"lossviz/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def as_text(catalog: Catalog) -> str:
    buffer = io.BytesIO()
    # No dates and no line numbers: the files change only when a message does.
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)
    return "\n".join(line for line in buffer.getvalue().decode("utf-8").splitlines()
                     if not line.startswith(('"POT-Creation-Date', '"PO-Revision-Date'))) + "\n"  # fmt: skip


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def updated(template: Catalog, lang: str) -> Catalog:
    """The translation of ``lang`` with the template's messages: new ones empty, gone ones dropped."""
    path = po_path(lang)
    catalog = read(path, lang) if path.exists() else Catalog(locale=lang, project="lossviz", fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    return catalog


def compiled(catalog: Catalog) -> bytes:
    # The .po files carry no dates (see as_text), and Babel would stamp the header with "now":
    # a fixed date keeps the .mo the same from one run to the next.
    catalog.creation_date = catalog.revision_date = datetime(2026, 1, 1, tzinfo=timezone.utc)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report catalogues out of step; change nothing")
    args = parser.parse_args()
    template = extract()
    wanted = {TEMPLATE: as_text(template).encode("utf-8")}
    for lang in LANGUAGES:
        catalog = updated(template, lang)
        wanted[po_path(lang)] = as_text(catalog).encode("utf-8")
        # The .mo is compiled from the .po as it will be written.
        wanted[po_path(lang).with_suffix(".mo")] = compiled(read_po(io.BytesIO(wanted[po_path(lang)]), locale=lang))
    stale = [path for path, data in wanted.items() if not path.exists() or path.read_bytes() != data]
    for path in stale:
        name = path.relative_to(ROOT)
        if args.check:
            print(f"out of step: {name} (run: python tools/messages.py)")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(wanted[path])
            print(f"updated: {name}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
