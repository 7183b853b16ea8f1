"""The rule tagger: the project's spaCy pipelines with cue patterns as data.

The only module that reads the components' spaCy extension state (``doc._.plea``);
everything else sees :class:`~annotate.taggers.base.Tag`\\ s.
"""
from __future__ import annotations

from ..pipelines import get_pipeline
from .base import BaseTagger, Tag, Unit


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
            index = [i for i, l in enumerate(langs) if l == lang and chunk[i].text.strip()]
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
