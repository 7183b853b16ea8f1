"""extract(): text in, references out, whatever the language."""
from __future__ import annotations

import re

from plea.corpus.vocab import detect_language, normalise_lang

from .model import Context, Ref
from .works import Registry, load_registry

_CASE_MARK = re.compile(r"\sv\.?\s|诉")
_GLOSS = re.compile(r"\s*[(（]")
# A run of Latin script inside Chinese text: "依据Fed. R. Crim. P. 11(b)(1)审查".
_LATIN_RUN = re.compile(r"[A-Za-z§][A-Za-z0-9§.,:;'’()\[\]\-–&/ ]*[A-Za-z0-9.)]")
# Something a US citation has, for German text: Rule 11, 18 U.S.C., Fed. R. Crim. P., USSG.
_US_MARK = re.compile(r"\bRules?\s+\d|U\.\s?S\.\s?C|Fed\.\s?R\.|FRCrP|U\.S\.S\.G|USSG|\bJM\s+\d")


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
    # a text with no letters to tell ("§ 3553(a)") is read by the English grammar
    lang = normalise_lang(lang) or detect_language(text) or "en"
    refs = _grammar(lang, registry).extract(text, ctx)
    latin = lang != "zh" or re.search(r"[A-Za-z§]", text)
    if lang == "zh" and latin:
        refs = _joined(text, refs, _embedded_english(text, registry), r"\s*")
    elif lang == "de" and _US_MARK.search(text):
        refs = _with_us_citations(text, refs, registry)
    # a case is cited by its reporter in any language; outside English only after the
    # names of the parties ("Santobello v. New York", 桑托贝罗诉纽约州案)
    if lang == "en" or (latin and _CASE_MARK.search(text)):
        from .cases import case_refs
        refs += case_refs(text, parties=lang != "en")
    return _tidy(refs, text)


def _embedded_english(text: str, registry: Registry) -> list[Ref]:
    """US citations written in English inside Chinese text (依据Fed. R. Crim. P. 11(b)(1)):
    each run of Latin script is read by the English grammar on its own, and only what
    names its work explicitly is kept — a bare "Section 2" in a Chinese paper is no
    reference."""
    grammar = _grammar("en", registry)
    out = []
    for run in _LATIN_RUN.finditer(text):
        if len(run.group()) < 4 or not re.search(r"\d", run.group()):
            continue
        for ref in grammar.extract(run.group(), Context()):
            if ref.method == "explicit" and ref.work is not None and ref.pinpoint:
                ref.start += run.start()
                ref.end += run.start()
                out.append(ref)
    return out


def _with_us_citations(text: str, refs: list[Ref], registry: Registry) -> list[Ref]:
    """German text citing US law in English ("Rule 11(c)(1)(C) der US-amerikanischen Federal
    Rules of Criminal Procedure"): the English grammar reads the citation, and the German
    grammar's mention of the same work right after it ("der … Federal Rules …") joins it."""
    english = [r for r in _grammar("en", registry).extract(text, Context())
               if r.work and (registry.get(r.work).jurisdiction == "US") and r.pinpoint
               and r.method == "explicit"]
    # the German grammar read "Rule 11(c)(1)(C) der … Federal Rules …" whole: keep that
    english = [e for e in english if not any(
        r.work == e.work and r.pinpoint == e.pinpoint and r.start <= e.start and e.end <= r.end
        for r in refs)]
    if not english:
        return refs
    taken = [(r.start, r.end) for r in english]
    kept = []
    for ref in refs:
        joined = next((e for e in english if ref.work == e.work and not ref.pinpoint
                       and re.fullmatch(r"\s+(?:(?:der|des|in\s+den|nach\s+den)\s+)?",
                                        text[e.end:ref.start])), None)
        if joined is not None:
            joined.end = ref.end
            joined.text = text[joined.start:joined.end]
            continue
        if any(a < ref.end and ref.start < b for a, b in taken):
            continue                   # the English reading of the same words wins
        kept.append(ref)
    return kept + english


def _joined(text: str, refs: list[Ref], english: list[Ref], gap: str) -> list[Ref]:
    """A work named in Chinese right before an English designation of it (美国《联邦刑事
    诉讼规则》Rule 11(c)(1)(C), 美国联邦量刑指南§3E1.1) is one reference, spanning both."""
    kept = []
    for ref in refs:
        joined = next((e for e in english if ref.work == e.work and not ref.pinpoint
                       and re.fullmatch(gap, text[ref.end:e.start])), None)
        if joined is not None:
            joined.start = ref.start
            joined.text = text[joined.start:joined.end]
            continue
        kept.append(ref)
    return kept + english


def _tidy(refs: list[Ref], text: str = "") -> list[Ref]:
    seen, out = set(), []
    for ref in sorted(refs, key=lambda r: (r.start, r.end)):
        key = (ref.start, ref.end, ref.work, tuple(ref.pinpoint))
        if key in seen:
            continue
        # "§ 257c der Strafprozessordnung (StPO)", "德国刑事诉讼法（StPO）": an
        # abbreviation in brackets right after the same work is a gloss, not a citation
        if out and ref.work is not None and not ref.pinpoint and out[-1].work == ref.work \
                and _GLOSS.fullmatch(text, out[-1].end, ref.start) \
                and text[ref.end:ref.end + 1] in (")", "）"):
            continue
        seen.add(key)
        out.append(ref)
    return out
