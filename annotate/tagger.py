"""The public face of tagging: ``Tagger.tag`` and the ``plea tag --jsonl`` contract.

    >>> from annotate.tagger import Tagger
    >>> [t.code for t in Tagger().tag("被告人认罪认罚的，可以依法从宽处理。", "zh")]
    ['subjects.suspect_defendant', 'consequences.leniency']

Pipelines are built on first use of a language and shared by all taggers in the
process. ``tag_jsonl`` implements ``../shared/spec/interfaces.md``: one output
object per input line, in order, with a per-line ``error`` for a bad line.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import islice
from typing import Iterable, Iterator, NamedTuple

from .lang import detect_language, normalise_lang
from .pipelines import get_pipeline
from .taxonomy import Taxonomy, load_taxonomy

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


class Unit(NamedTuple):
    text: str
    lang: str | None = None
    context: str | None = None       # lead-in the unit completes ("…审查以下内容：")
    kind: str | None = None          # "scholarship": descriptive modality
    heading: str | None = None       # headings above the unit: plea context only


class Tagger:
    """Rule-based tagger over the project's spaCy pipelines."""

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
        """Tags of one text unit.

        ``context`` is the lead-in a list item completes (its words count as part of the
        item's sentence); ``heading`` the titles above the unit (they only say whether the
        unit is about a plea); ``kind="scholarship"`` makes modality descriptive.
        """
        return next(self.tag_many([Unit(text, lang, context, kind, heading)]))

    def codes(self, text: str, lang: str | None = None, **kw) -> set[str]:
        """The set of codes the unit carries."""
        return {t.code for t in self.tag(text, lang, **kw)}

    def tag_many(self, units: Iterable[Unit], batch_size: int = BATCH) -> Iterator[list[Tag]]:
        """Tags for each unit, in order; units are batched per language for speed."""
        it = iter(units)
        while chunk := list(islice(it, batch_size)):
            langs = [self.resolve_lang(u.text, u.lang) for u in chunk]
            yield from self._run(chunk, langs)

    def _run(self, chunk: list[Unit], langs: list[str]) -> list[list[Tag]]:
        results: list[list[Tag]] = [[] for _ in chunk]
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
                results[i] = self._tags(doc)
        return results

    def _tags(self, doc) -> list[Tag]:
        text = doc._.plea.text
        return [Tag(code=h.code, dimension=self.taxonomy.dimension_of(h.code), start=h.start,
                    end=h.end, text=text[h.start:h.end], role=h.role, modality=h.modality,
                    rule_id=h.rule_id, confidence=round(h.confidence, 3))
                for h in doc._.plea.hits]


def _parse_line(line: str) -> tuple[object, Unit] | dict:
    """The line's id and :class:`Unit`, or the error object for the line."""
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return {"id": None, "error": f"invalid JSON: {exc}"}
    if not isinstance(obj, dict):
        return {"id": None, "error": "a line must be a JSON object"}
    uid = obj.get("id")
    text = obj.get("text")
    if "text" not in obj or text is None:
        return {"id": uid, "error": 'missing "text"'}
    if not isinstance(text, str):
        return {"id": uid, "error": '"text" must be a string'}
    if not text.strip():
        return {"id": uid, "error": '"text" is empty'}
    lang = obj.get("lang")
    if lang is not None and not isinstance(lang, str):
        return {"id": uid, "error": '"lang" must be a string'}
    def optional(key: str) -> str | None:
        value = obj.get(key)
        return value if isinstance(value, str) else None
    return uid, Unit(text, lang, optional("context"), optional("kind"), optional("heading"))


def tag_jsonl(lines: Iterable[str], tagger: Tagger | None = None) -> Iterator[dict]:
    """The ``plea tag --jsonl`` contract: one output object per input line, in order.

    Input objects need ``text``; ``id`` is echoed, ``lang`` (zh, en, de; detected when
    absent) and the optional ``context`` (lead-in text), ``heading`` and ``kind`` are read. A bad
    line yields ``{"id": ..., "error": ...}``; callers exit with status 1 when any
    output object has an ``error`` key.
    """
    tagger = tagger or Tagger()
    it = iter(lines)
    while chunk := list(islice(it, BATCH)):
        out: list[dict | None] = [None] * len(chunk)
        jobs: list[tuple[int, Unit, str, object]] = []
        for i, line in enumerate(chunk):
            parsed = _parse_line(line)
            if isinstance(parsed, dict):
                out[i] = parsed
                continue
            uid, unit = parsed
            try:
                lang = tagger.resolve_lang(unit.text, unit.lang)
            except TaggingError as exc:
                out[i] = {"id": uid, "error": str(exc)}
                continue
            jobs.append((i, unit, lang, uid))
        if jobs:
            tagged = tagger._run([j[1] for j in jobs], [j[2] for j in jobs])
            for (i, _, lang, uid), tags in zip(jobs, tagged):
                out[i] = {"id": uid, "lang": lang, "tags": [t.to_dict() for t in tags]}
        yield from out  # type: ignore[misc]


def format_tags(text: str, tags: list[Tag]) -> str:
    """Human-readable listing of ``tags`` (what ``plea tag`` prints by default)."""
    if not tags:
        return "(no codes)"
    width = max(len(t.code) for t in tags)
    lines = []
    for t in sorted(tags, key=lambda t: (t.dimension, t.code, t.start)):
        role = f" role={t.role}" if t.role else ""
        lines.append(f"{t.code:<{width}}  [{t.start}:{t.end}] {t.text!r}  "
                     f"{t.modality}{role}  ({t.rule_id}, {t.confidence:.2f})")
    return "\n".join(lines)
