"""The `plea refs --jsonl` contract (shared/spec/interfaces.md): one JSON line in, one out."""
from __future__ import annotations

from typing import IO, Iterable, Iterator

from plea.corpus.vocab import LANGUAGES, normalise_lang

from ..jsonl_io import BadLine, load_line, surrogate_error, write_line
from .extract import extract
from .resolve import Resolver


def refs_for_unit(unit: dict, resolver: Resolver | None) -> dict:
    """The output object for one input object (raises ValueError on a bad unit)."""
    if not isinstance(unit, dict):
        raise ValueError("a line must be a JSON object")
    text = unit.get("text")
    if not isinstance(text, str):
        raise ValueError("missing 'text'" if text is None else "'text' must be a string")
    lang = unit.get("lang")
    if lang is not None:
        if not isinstance(lang, str) or normalise_lang(lang) is None:
            raise ValueError(f"'lang' must be one of {', '.join(LANGUAGES)}, not {lang!r}")
        lang = normalise_lang(lang)
    context = unit.get("context")
    if context is not None and not isinstance(context, dict):
        raise ValueError("'context' must be an object")
    if context and context.get("pinpoint") is not None and not isinstance(context["pinpoint"], list):
        raise ValueError("'context.pinpoint' must be a list")
    out = []
    for ref in extract(text, lang, context):
        item = {"start": ref.start, "end": ref.end, "text": ref.text, "work": ref.work,
                "pinpoint": ref.pinpoint, "resolved": None, "method": ref.method}
        if ref.title:
            item["title"] = ref.title
        if resolver is not None:
            res = resolver.resolve(ref, lang=lang, date=(context or {}).get("date"))
            item["resolved"] = res.to_id if res.status == "resolved" else None
            item["status"] = res.status
            if res.to_id and res.status == "partial":
                item["nearest"] = res.to_id
            if res.reason:
                item["reason"] = res.reason
        out.append(item)
    return {"id": unit.get("id"), "refs": out}


def refs_jsonl(lines: Iterable[str | bytes], resolver: Resolver | None = None) -> Iterator[dict]:
    """One output object per input line (text or bytes), in order, whatever it holds;
    a bad line gives {"id", "error"}."""
    for line in lines:
        line = line.rstrip(b"\r\n" if isinstance(line, bytes) else "\r\n")
        try:
            unit = load_line(line)
        except BadLine as exc:
            yield {"id": None, "error": str(exc)}
            continue
        uid = unit.get("id") if isinstance(unit, dict) else None
        if not isinstance(uid, (str, int, float, bool, type(None))) or surrogate_error(uid, "id"):
            yield {"id": None, "error": '"id" must be a string or a number of Unicode text'}
            continue
        if isinstance(unit, dict) and (why := surrogate_error(unit.get("text"), "text")):
            yield {"id": uid, "error": why}
            continue
        try:
            yield refs_for_unit(unit, resolver)
        except ValueError as exc:
            yield {"id": uid, "error": str(exc)}


def run_jsonl(stdin: IO, stdout: IO[str], resolver: Resolver | None = None) -> int:
    """Read stdin, write stdout; the exit status: 1 when any line had an error.

    A text stdin is read as bytes when it has them, so a line that is not UTF-8
    gets its own error line instead of ending the stream."""
    status = 0
    for obj in refs_jsonl(getattr(stdin, "buffer", stdin), resolver):
        if "error" in obj:
            status = 1
        write_line(obj, stdout)
    stdout.flush()
    return status
