"""The language of what lossviz says to a student: English (the default) or Chinese.

``set_language("zh")`` once, in a lesson's setup cell, and exercise feedback, hints, the
chooser's advice, the explorers' readouts and the ``ValueError`` messages of bad input come in
Chinese. The translations live in a standard gettext catalogue,
``lossviz/locale/zh_CN/LC_MESSAGES/lossviz.po``, which a translator edits without reading Python
(``python tools/messages.py`` re-extracts the English and compiles the ``.mo`` file read here).

In the code, ``_("text with {name}")`` marks a message and translates it when it is said;
``N_("text")`` only marks one that is stored (a hint defined at import time) and translated
later by ``_(stored)``. Placeholders are named, so a translation may move them.
"""

from __future__ import annotations

import gettext
from pathlib import Path

LANGUAGES = {"en": None, "zh": "zh_CN"}
_LOCALE_DIR = Path(__file__).parent / "locale"
_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(language: str) -> None:
    """Say lossviz's messages in ``language``: ``"en"`` (English) or ``"zh"`` (简体中文)."""
    global _translation, _language
    if language not in LANGUAGES:
        raise ValueError(f"set_language: unknown language {language!r}; choose 'en' or 'zh'.")
    code = LANGUAGES[language]
    if code is None:
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation("lossviz", localedir=_LOCALE_DIR, languages=[code], fallback=True)
    _language = language


def language() -> str:
    """The language set by :func:`set_language` (``"en"`` until it is called)."""
    return _language


def _(message: str) -> str:
    """``message`` in the current language (itself when it has no translation)."""
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (it is translated when shown)."""
    return message
