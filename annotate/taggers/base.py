"""What every tagger is: units in, tags out.

A tagger tags :class:`Unit`\\ s (a text with its language, the lead-in it completes,
the headings above it and its kind) and gives, for each, :class:`Tag`\\ s: a code of the
codebook with its evidence span, role (subjects only), modality, the method that
decided it and a confidence. Implementations register in ``plea.annotate.taggers.REGISTRY``
and are chosen by name (``get_tagger("combined")``, ``plea tag --tagger``, the build).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import islice
from typing import Iterable, Iterator, NamedTuple

from plea.corpus.errors import PleaError
from plea.corpus.vocab import detect_language, normalise_lang

from ..taxonomy import Taxonomy, load_taxonomy

BATCH = 256
# spaCy refuses a text over 1,000,000 characters (E088) and jieba slows down on
# very long strings; a longer unit is tagged in pieces this long, split at a
# sentence end where there is one, and the offsets put back together.
MAX_PIECE = 100_000
_SENTENCE_END = "。！？；.!?;\n"


class TaggingError(PleaError, ValueError):
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

    def for_corpus(self) -> "BaseTagger":
        """The form of this tagger for tagging whole codes (the build), where most units
        carry nothing; the same tagger unless it says otherwise."""
        return self

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
            yield from self.tag_units(chunk, langs)

    def tag_units(self, chunk: list[Unit], langs: list[str]) -> list[list[Tag]]:
        """:meth:`tag_resolved` for units of any length: a unit over ``MAX_PIECE``
        characters is tagged piece by piece and its tags carry offsets into the
        whole text. Callers use this; subclasses implement :meth:`tag_resolved`."""
        if all(len(u.text) <= MAX_PIECE for u in chunk):
            return self.tag_resolved(chunk, langs)
        pieces: list[Unit] = []
        piece_langs: list[str] = []
        owner: list[tuple[int, int]] = []     # (unit index, offset of the piece)
        for i, (unit, lang) in enumerate(zip(chunk, langs)):
            for start, end in split_long(unit.text):
                pieces.append(unit._replace(text=unit.text[start:end]))
                piece_langs.append(lang)
                owner.append((i, start))
        results: list[list[Tag]] = [[] for _ in chunk]
        for at in range(0, len(pieces), BATCH):
            tagged = self.tag_resolved(pieces[at:at + BATCH], piece_langs[at:at + BATCH])
            for (i, offset), tags in zip(owner[at:at + BATCH], tagged):
                results[i] += [t.but(start=t.start + offset, end=t.end + offset) for t in tags]
        return results

    def tag_resolved(self, chunk: list[Unit], langs: list[str]) -> list[list[Tag]]:
        """Tags for units whose languages (zh, en, de) are known."""
        raise NotImplementedError


def split_long(text: str, limit: int = MAX_PIECE) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text``, each at most ``limit`` characters, cut
    after the last sentence end (else whitespace) inside the limit."""
    spans, start = [], 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind(ch) for ch in _SENTENCE_END)
        if cut < limit // 2:
            cut = max(cut, max(window.rfind(ch) for ch in " \t\u3000"))
        end = start + (cut + 1 if cut >= limit // 2 else limit)
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans
