"""The rule tagger: the project's spaCy pipelines with cue patterns as data.

The only module that reads the components' spaCy extension state (``doc._.plea``);
everything else sees :class:`~annotate.taggers.base.Tag`\\ s.
"""
from __future__ import annotations

from functools import lru_cache

from ..pipelines import get_pipeline
from ..rules import load_rules
from ..text import fold
from .base import BaseTagger, Tag, Unit


def may_carry_codes(unit: Unit, lang: str) -> bool:
    """False only when the pipeline could give this unit neither a tag nor a context
    kind: no rule of the language fires without a plea context, and no context cue occurs
    in the unit, its lead-in or its headings (the test ``plea_context`` makes, on the same
    folded text). Nineteen of twenty corpus units are such; skipping them skips jieba and
    spaCy. (From the build-speed work.)"""
    rules = load_rules(lang)
    if rules.contextless:
        return True
    if _has_context(unit.text, lang):
        return True
    # Siblings share lead-ins and headings: their answer is cached.
    above = fold(unit.context or "", rules.script_fold) + "\n" + fold(unit.heading or "",
                                                                      rules.script_fold)
    return bool(above.strip()) and _has_context_folded(above, lang)


def _has_context(text: str, lang: str) -> bool:
    return _has_context_folded(fold(text, load_rules(lang).script_fold), lang)


@lru_cache(maxsize=8192)
def _has_context_folded(norm: str, lang: str) -> bool:
    return any(rx.search(norm) for rx in load_rules(lang).context.values())


class RuleTagger(BaseTagger):
    """Rule-based tagger over the project's spaCy pipelines (``annotate/patterns``)."""

    name = "rule"

    @classmethod
    def shared(cls) -> "RuleTagger":
        """One instance per process (its pipelines are cached anyway)."""
        from . import get_tagger
        return get_tagger("rule")  # type: ignore[return-value]

    def tag_resolved(self, chunk: list[Unit], langs: list[str]) -> list[list[Tag]]:
        return [tags for tags, _ in self.analyse(chunk, langs)]

    def analyse(self, chunk: list[Unit], langs: list[str]) -> list[tuple[list[Tag], set[str]]]:
        """Tags and the plea-context kinds found (``plea``, ``procedure``, ``duty``: in the
        unit, its lead-in or its headings) for each unit."""
        results: list[tuple[list[Tag], set[str]]] = [([], set()) for _ in chunk]
        for lang in sorted(set(langs)):
            nlp = get_pipeline(lang)
            index = [i for i, l in enumerate(langs) if l == lang and chunk[i].text.strip()
                     and may_carry_codes(chunk[i], lang)]
            docs = []
            for i in index:
                doc = nlp.make_doc(chunk[i].text)
                doc._.plea_input = {"context": chunk[i].context, "kind": chunk[i].kind,
                                    "heading": chunk[i].heading}
                docs.append(doc)
            for i, doc in zip(index, nlp.pipe(docs)):
                results[i] = (self._tags(doc), set(doc._.plea.unit_kinds))
        return results

    def _tags(self, doc) -> list[Tag]:
        text = doc._.plea.text
        return [Tag(code=h.code, dimension=self.taxonomy.dimension_of(h.code), start=h.start,
                    end=h.end, text=text[h.start:h.end], role=h.role, modality=h.modality,
                    method=self.name, rule_id=h.rule_id, confidence=round(h.confidence, 3))
                for h in doc._.plea.hits]
