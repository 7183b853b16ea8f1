"""``plea_context``: is this text about a plea at all, and where?

Labeling rule 2: a unit carries a code only in the context of a plea, an
admission of guilt with acceptance of punishment, a plea agreement, a
sentencing recommendation on a plea, or leniency for confession. The cue data
names context kinds: ``plea`` (strong: subjects and every code), ``procedure``
(the fast-track procedure, which exists only for pleas: procedural codes only)
and ``duty`` (duty lawyers, whose legal help is part of the plea system: notice,
access to the file, presence of counsel).
Context is decided per sentence. A text inherits the context of the lead-in it
completes and of the headings above it (``doc._.plea_input["context"]`` and
``["heading"]``); a sentence ending in a colon passes its context to the list
after it.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..rules import RuleSet, load_rules
from ..text import Span as Span_, fold, split
from .state import DocState, char_span

LEAD_IN_END = ("：", ":", "︰")


class PleaContext:
    def __init__(self, lang: str):
        self.rules = load_rules(lang)

    def __call__(self, doc: Doc) -> Doc:
        rules = self.rules
        text = doc.text
        norm, sentences, clauses = segment(rules, text)
        given = doc._.plea_input or {}
        lead = fold(given.get("context") or "", rules.script_fold)
        above = lead + "\n" + fold(given.get("heading") or "", rules.script_fold)
        inherited = {k for k, rx in rules.context.items() if above.strip() and rx.search(above)}

        spans = []
        kinds: list[set[str]] = [set(inherited) for _ in sentences]
        for kind, rx in rules.context.items():
            for m in rx.finditer(norm):
                i = _index(sentences, m.start())
                kinds[i].add(kind)
                span = char_span(doc, m.start(), m.end(), kind)
                if span is not None:
                    spans.append(span)
        carried: set[str] = set()
        for i, (s, e) in enumerate(sentences):
            kinds[i] |= carried
            if norm[s:e].rstrip().endswith(LEAD_IN_END):
                carried = carried | kinds[i]

        doc.spans["plea_context"] = spans
        doc._.plea = DocState(rules=rules, text=text, norm=norm, sentences=sentences, clauses=clauses,
                              sentence_kinds=kinds, inherited=inherited, lead=lead,
                              kind=given.get("kind"))
        return doc


def segment(rules: RuleSet, text: str) -> tuple[str, list[Span_], list[Span_]]:
    """The folded text the cues are matched against, its sentences and its clauses."""
    norm = fold(text, rules.script_fold)
    sentences = split(norm, rules.sentence_boundary, rules.abbreviations)
    clauses = [c for s, e in sentences for c in split(norm, rules.clause_boundary, start=s, end=e)]
    return norm, sentences, clauses


def _index(spans: list[tuple[int, int]], pos: int) -> int:
    for i, (s, e) in enumerate(spans):
        if s <= pos < e:
            return i
    return len(spans) - 1


@Language.factory("plea_context", default_config={"lang": "en"})
def make_plea_context(nlp: Language, name: str, lang: str) -> PleaContext:
    return PleaContext(lang)
