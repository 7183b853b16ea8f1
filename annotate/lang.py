"""Which of the three languages a text is in, when the caller does not say.

Han characters decide Chinese; between English and German, umlauts, ß and the
commonest function words of each language are counted. Good enough for legal
paragraphs; a caller who knows the language should pass it.
"""
from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-zÄÖÜäöüß]")
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")
_GERMAN_CHARS = re.compile(r"[ÄÖÜäöüß]")
_EN = frozenset("the of and to a in is that for be by or any shall may must with as on "
                "this not are if an which court defendant".split())
_DE = frozenset("der die das und zu den von ist des dem nicht mit im auf für sich ein eine "
                "wird kann oder nach bei einer gericht werden".split())

ALIASES = {"zh-hans": "zh", "zh-hant": "zh", "zh-cn": "zh", "zh-tw": "zh", "zh-hk": "zh",
           "cmn": "zh", "chi": "zh", "zho": "zh", "eng": "en", "ger": "de", "deu": "de"}


def normalise_lang(value: str) -> str | None:
    """``zh`` / ``en`` / ``de`` for a language tag (``zh-Hant``, ``en-US`` …), else None."""
    tag = value.strip().lower().replace("_", "-")
    tag = ALIASES.get(tag, tag)
    base = tag.split("-", 1)[0]
    base = ALIASES.get(base, base)
    return base if base in ("zh", "en", "de") else None


def detect_language(text: str) -> str | None:
    """``zh``, ``en`` or ``de``; None when the text has no letters at all."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text))
    if han == 0 and latin == 0:
        return None
    if han and han * 2 >= latin:
        return "zh"
    words = [w.lower() for w in _WORD.findall(text)]
    en = sum(w in _EN for w in words)
    de = sum(w in _DE for w in words) + 2 * len(_GERMAN_CHARS.findall(text))
    return "de" if de > en else "en"
