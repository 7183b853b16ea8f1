"""BCP 47 language tags for source text, so browsers pick the right CJK glyphs.

Simplified and Traditional Chinese share code points but not glyph shapes; a
`lang` of zh-Hans or zh-Hant on the element is what makes the browser choose a
Simplified or Traditional font (and screen readers the right voice).
"""
from __future__ import annotations

import re

from corpus.search import fold

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def lang_tag(lang: str | None, source_language: str | None = None,
             jurisdiction: str | None = None) -> str | None:
    """The tag for a row: provisions.lang (zh/en/de) refined by its source's
    language (zh-Hans/zh-Hant) or, failing that, its jurisdiction."""
    if source_language and lang and source_language.split("-")[0] == lang.split("-")[0]:
        return source_language
    if lang == "zh" or (lang or "").startswith("zh"):
        if lang and "-" in lang:
            return lang
        return "zh-Hant" if jurisdiction == "TW" else "zh-Hans"
    return lang or None


def guess_lang(text: str) -> str | None:
    """For text with no row to tell: Chinese (script by folding) or None."""
    if not text or not _HAN.search(text):
        return None
    return "zh-Hans" if fold(text) == text else "zh-Hant"
