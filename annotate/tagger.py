"""The public face of tagging: the ``plea tag --jsonl`` contract and a listing format.

    >>> from plea.annotate.tagger import get_tagger
    >>> [t.code for t in get_tagger("rule").tag("被告人认罪认罚的，可以依法从宽处理。", "zh")]
    ['subjects.suspect_defendant', 'consequences.leniency']

Taggers live in ``plea.annotate.taggers`` (one module each, chosen by name).
``tag_jsonl`` implements ``../shared/spec/interfaces.md``: one output object per
input line, in order, with a per-line ``error`` for a bad line.
"""
from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator

from .jsonl_io import BadLine, load_line, surrogate_error, write_line as write_jsonl
from .taggers import BaseTagger, Tag, TaggingError, Unit, get_tagger
from .taggers.base import BATCH
from .taggers.rule import RuleTagger

# ``Tagger`` names the rule tagger, as it did before taggers were chosen by name;
# callers that want the project's default ask ``get_tagger()``.
Tagger = RuleTagger

__all__ = ["BaseTagger", "Tag", "TaggingError", "Tagger", "Unit", "format_tags",
           "get_tagger", "tag_jsonl"]


def _parse_line(line: str | bytes) -> tuple[object, Unit] | dict:
    """The line's id and :class:`Unit`, or the error object for the line."""
    try:
        obj = load_line(line)
    except BadLine as exc:
        return {"id": None, "error": str(exc)}
    if not isinstance(obj, dict):
        return {"id": None, "error": "a line must be a JSON object"}
    uid = obj.get("id")
    if not isinstance(uid, (str, int, float, bool, type(None))):
        return {"id": None, "error": '"id" must be a string or a number'}
    if surrogate_error(uid, "id"):
        return {"id": None, "error": surrogate_error(uid, "id")}
    text = obj.get("text")
    if "text" not in obj or text is None:
        return {"id": uid, "error": 'missing "text"'}
    if not isinstance(text, str):
        return {"id": uid, "error": '"text" must be a string'}
    if (why := surrogate_error(text, "text")):
        return {"id": uid, "error": why}
    if not text.strip():
        return {"id": uid, "error": '"text" is empty'}
    lang = obj.get("lang")
    if lang is not None and not isinstance(lang, str):
        return {"id": uid, "error": '"lang" must be a string'}
    def optional(key: str) -> str | None:
        value = obj.get(key)
        return value if isinstance(value, str) else None
    return uid, Unit(text, lang, optional("context"), optional("kind"), optional("heading"))


def tag_jsonl(lines: Iterable[str], tagger: BaseTagger | None = None) -> Iterator[dict]:
    """The ``plea tag --jsonl`` contract: one output object per input line, in order.

    Input objects need ``text``; ``id`` is echoed, ``lang`` (zh, en, de; detected when
    absent) and the optional ``context`` (lead-in text), ``heading`` and ``kind`` are read. A bad
    line yields ``{"id": ..., "error": ...}``; callers exit with status 1 when any
    output object has an ``error`` key.
    """
    tagger = tagger or get_tagger()
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
            tagged = tagger.tag_units([j[1] for j in jobs], [j[2] for j in jobs])
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
