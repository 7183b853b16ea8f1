"""What every tagger is: units in, tags out.

A tagger tags :class:`Unit`\\ s (a text with its language, the lead-in it completes,
the headings above it and its kind) and gives, for each, :class:`Tag`\\ s: a code of the
codebook with its evidence span, role (subjects only), modality, the method that
decided it and a confidence. Implementations register in ``annotate.taggers.REGISTRY``
and are chosen by name (``get_tagger("combined")``, ``plea tag --tagger``, the build).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import islice
from typing import Iterable, Iterator, NamedTuple

from ..lang import detect_language, normalise_lang
from ..taxonomy import Taxonomy, load_taxonomy

BATCH = 256


class TaggingError(ValueError):
    """The text cannot be tagged (unknown or undetectable language)."""


@dataclass(frozen=True)
class Tag:
    code: str
    dimension: str
    start: int
    end: int
    text: str
    role: str | None
    modality: str
    method: str = "rule"
    rule_id: str = ""
    confidence: float = 0.0

    def to_dict(self) -> dict:
        """The tag as an object of the JSON Lines contract (``role`` on subjects only)."""
        out = {"code": self.code, "start": self.start, "end": self.end, "text": self.text}
        if self.code.startswith("subjects."):
            out["role"] = self.role
        out.update(modality=self.modality, method=self.method, confidence=self.confidence,
                   dimension=self.dimension, rule=self.rule_id)
        return out

    def but(self, **changes) -> "Tag":
        return replace(self, **changes)


class Unit(NamedTuple):
    text: str
    lang: str | None = None
    context: str | None = None       # lead-in the unit completes ("…审查以下内容：")
    kind: str | None = None          # "scholarship": descriptive modality
    heading: str | None = None       # headings above the unit: plea context only


class BaseTagger:
    """Shared behaviour: language resolution, batching, the one-unit helpers.

    Subclasses set ``name`` and implement :meth:`_run` (tags for a batch whose
    languages are already resolved).
    """

    name = "base"

    def __init__(self, taxonomy: Taxonomy | None = None):
        self.taxonomy = taxonomy or load_taxonomy()

    def resolve_lang(self, text: str, lang: str | None) -> str:
        if lang is None:
            found = detect_language(text)
            if found is None:
                raise TaggingError('cannot detect the language; give "lang" (zh, en or de)')
            return found
        found = normalise_lang(lang)
        if found is None:
            raise TaggingError(f"unknown language {lang!r}: expected zh, en or de")
        return found

    def tag(self, text: str, lang: str | None = None, *, context: str | None = None,
            kind: str | None = None, heading: str | None = None) -> list[Tag]:
        """Tags of one text unit (see :class:`Unit` for the keyword arguments)."""
        return next(self.tag_many([Unit(text, lang, context, kind, heading)]))

    def codes(self, text: str, lang: str | None = None, **kw) -> set[str]:
        """The set of codes the unit carries."""
        return {t.code for t in self.tag(text, lang, **kw)}

    def tag_many(self, units: Iterable[Unit], batch_size: int = BATCH) -> Iterator[list[Tag]]:
        """Tags for each unit, in order."""
        it = iter(units)
        while chunk := list(islice(it, batch_size)):
            langs = [self.resolve_lang(u.text, u.lang) for u in chunk]
            yield from self.tag_resolved(chunk, langs)

    def tag_resolved(self, chunk: list[Unit], langs: list[str]) -> list[list[Tag]]:
        """Tags for units whose languages (zh, en, de) are known."""
        raise NotImplementedError
