"""The `plea refs --jsonl` contract (shared/spec/interfaces.md): one JSON line in, one out."""
from __future__ import annotations

import json
from typing import IO, Iterable, Iterator

from .extract import extract
from .resolve import Resolver

LANGS = ("zh", "en", "de")


def refs_for_unit(unit: dict, resolver: Resolver | None) -> dict:
    """The output object for one input object (raises ValueError on a bad unit)."""
    if not isinstance(unit, dict):
        raise ValueError("a line must be a JSON object")
    text = unit.get("text")
    if not isinstance(text, str):
        raise ValueError("missing 'text'" if text is None else "'text' must be a string")
    lang = unit.get("lang")
    if lang is not None:
        if not isinstance(lang, str) or lang.split("-")[0].lower() not in LANGS:
            raise ValueError(f"'lang' must be one of {', '.join(LANGS)}, not {lang!r}")
        lang = lang.split("-")[0].lower()
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


def refs_jsonl(lines: Iterable[str], resolver: Resolver | None = None) -> Iterator[dict]:
    """One output object per input line, in order; a bad line gives {"id", "error"}."""
    for line in lines:
        line = line.rstrip("\r\n")
        try:
            unit = json.loads(line)
        except json.JSONDecodeError as exc:
            yield {"id": None, "error": f"invalid JSON: {exc.msg} (column {exc.colno})"}
            continue
        uid = unit.get("id") if isinstance(unit, dict) else None
        try:
            yield refs_for_unit(unit, resolver)
        except ValueError as exc:
            yield {"id": uid, "error": str(exc)}


def run_jsonl(stdin: IO[str], stdout: IO[str], resolver: Resolver | None = None) -> int:
    """Read stdin, write stdout; the exit status: 1 when any line had an error."""
    status = 0
    for obj in refs_jsonl(stdin, resolver):
        if "error" in obj:
            status = 1
        stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    stdout.flush()
    return status
