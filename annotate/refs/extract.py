"""extract(): text in, references out, whatever the language."""
from __future__ import annotations

import re

from .model import Context, Ref
from .works import Registry, load_registry

_HAN = re.compile(r"[\u4e00-\u9fff]")
_GERMAN = re.compile(r"§\s*\d+[a-z]?\s+(?:Abs\.|Absatz|Satz|S\.\s*\d|Nr\.|StPO|StGB)|\b(?:der|die|das|und|ist|nicht|des|wird)\b|[äöüß]")
_ENGLISH = re.compile(r"\b(?:the|of|and|is|shall|must|to)\b")


def detect_lang(text: str) -> str:
    """zh when the text is mostly Han, de when German words outnumber English ones."""
    han = len(_HAN.findall(text))
    if han and han >= len(text) * 0.2:
        return "zh"
    if len(_GERMAN.findall(text)) > len(_ENGLISH.findall(text)):
        return "de"
    return "en"


def _grammar(lang: str, registry: Registry):
    if lang == "zh":
        from .grammar_zh import ChineseGrammar as G
    elif lang == "de":
        from .grammar_de import GermanGrammar as G
    else:
        from .grammar_en import EnglishGrammar as G
    key = (lang, id(registry))
    if key not in _GRAMMARS:
        _GRAMMARS[key] = G(registry)
    return _GRAMMARS[key]


_GRAMMARS: dict = {}


def extract(text: str, lang: str | None = None, context: dict | Context | None = None, *,
            registry: Registry | None = None) -> list[Ref]:
    """The references in ``text``, in order of appearance.

    ``lang`` is zh (either script), en or de; detected when None. ``context`` names the
    provision the text sits in — ``{"work": "cn-cpl", "pinpoint": ["201", "2"]}`` and
    optionally ``date``, ``previous_article`` — for 本法 / this rule and relative units.
    """
    if not text:
        return []
    registry = registry or load_registry()
    ctx = context if isinstance(context, Context) else Context.from_dict(context)
    lang = (lang or detect_lang(text)).split("-")[0].lower()
    if lang not in ("zh", "en", "de"):
        lang = detect_lang(text)
    refs = _grammar(lang, registry).extract(text, ctx)
    if lang == "en":
        from .cases import case_refs
        refs += case_refs(text)
    return _tidy(refs)


def _tidy(refs: list[Ref]) -> list[Ref]:
    seen, out = set(), []
    for ref in sorted(refs, key=lambda r: (r.start, r.end)):
        key = (ref.start, ref.end, ref.work, tuple(ref.pinpoint))
        if key not in seen:
            seen.add(key)
            out.append(ref)
    return out
