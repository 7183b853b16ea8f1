"""What several pages show alike: column and dimension labels, the codebook's
labels, a row's language, who decided a tag, and text cut into highlighted pieces.

Everything here returns plain data (strings, lists, dicts), never HTML: the
templates escape every string, and highlighted text goes through the escaping
filters of markup.py.
"""
from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from typing import Any

from . import queries as q
from .highlight import segments
from plea.corpus import vocab
from plea.corpus.vocab import bcp47

from plea.annotate.taxonomy import Taxonomy

from .matrix import SCHOLARSHIP
from .render import Links

# Decisions a person made (tag_decisions.decision); "auto" is the tagger's alone.
HUMAN_DECISIONS = ("confirmed", "corrected", "added", "rejected")


def column_label(key: str) -> dict[str, str]:
    if key == SCHOLARSHIP:
        return {"key": key, "name": "Scholarship", "name_zh": "学术文献"}
    found = vocab.jurisdiction(key)
    # name_zh: the name in the system's own language (中国, Deutschland, 臺灣; none for the US)
    return {"key": key, "name": found.name("en") if found else key,
            "name_zh": found.native_name if found else ""}


def dimension_label(dim: str, book: Taxonomy) -> dict[str, str]:
    found = book.dimension(dim)
    en, zh = (found.label_en, found.label_zh) if found else (dim, "")
    return {"id": dim, "label_en": en, "label_zh": zh}


def code_labels(conn: sqlite3.Connection) -> dict[str, dict]:
    """code → its taxonomy row (labels, definition), from the built codebook table."""
    return {r["code"]: r for r in q.taxonomy(conn)}


labels_in = code_labels


def lang_of(row: dict) -> str | None:
    return bcp47(row.get("lang"), row.get("source_language"), row.get("jurisdiction"))


# -- highlighted text ------------------------------------------------------------
def tag_title(tag: dict, labels: dict[str, dict]) -> str:
    label = labels.get(tag["code"], {})
    names = " / ".join(x for x in (label.get("label_en"), label.get("label_zh")) if x)
    facts = " · ".join(f"{k}: {tag[k]}" for k in ("role", "modality", "method", "decision")
                       if tag.get(k))
    who = decider(tag)
    if who["kind"] == "human" and tag.get("decided_by"):
        facts += f" by {tag['decided_by']}"
    elif tag.get("decided_by") or tag.get("method"):
        facts += f"\ndecided by {who['label']}"
    return f"{tag['code']}" + (f" — {names}" if names else "") + (f"\n{facts}" if facts else "")


def ref_title(ref: dict) -> str:
    try:
        pin = " ".join(map(str, json.loads(ref.get("pinpoint") or "[]")))
    except (TypeError, ValueError):
        pin = str(ref.get("pinpoint") or "")
    target = ref.get("to_citation") or " ".join(x for x in (ref.get("work"), pin) if x)
    if ref.get("to_id"):
        return f"→ {target}"
    if ref.get("status") == "work":   # the references stage: the work as a whole, no pinpoint
        return f"→ {target} (the work as a whole)"
    why = ref.get("reason")
    return f"→ {target or 'unknown work'} (not resolved{': ' + why if why else ''})"


def pieces(text: str | None, tags=(), refs=(), labels: dict | None = None,
           links: Links | None = None) -> list[dict]:
    """Text cut into pieces, each with the tags (class, title) and reference (link)
    covering it; markup.text_html wraps them in <mark>/<a>, escaping everything."""
    labels = labels or {}
    spans = ([{**t, "_kind": "tag"} for t in tags]
             + [{**r, "_kind": "ref"} for r in refs])
    out = []
    for seg in segments(text or "", spans):
        piece: dict[str, Any] = {"text": seg.text}
        tag_spans = [s for s in seg.spans if s["_kind"] == "tag"]
        if tag_spans:
            dims = list(OrderedDict.fromkeys(s.get("dimension") or s["code"].split(".")[0]
                                             for s in tag_spans))
            rejected = all(s.get("decision") == "rejected" for s in tag_spans)
            # "rejected" already says a person decided; "human" marks the kept ones.
            human = not rejected and any(s.get("decision") in HUMAN_DECISIONS
                                         and s.get("decision") != "rejected" for s in tag_spans)
            piece["cls"] = " ".join(["tag", *(f"d-{d}" for d in dims)]
                                    + (["multi"] if len(tag_spans) > 1 else [])
                                    + (["rejected"] if rejected else [])
                                    + (["human"] if human else []))
            piece["title"] = "\n".join(tag_title(s, labels) for s in tag_spans)
            piece["codes"] = " ".join(OrderedDict.fromkeys(s["code"] for s in tag_spans))
        ref = next((s for s in seg.spans if s["_kind"] == "ref"), None)
        if ref:
            piece["ref_title"] = ref_title(ref)
            if ref.get("to_id") and links:
                piece["href"] = links.provision(ref["to_id"])
        out.append(piece)
    return out


def as_span(row: dict) -> dict:
    return {**row, "start": row.get("start", row.get("tag_start")),
            "end": row.get("end", row.get("tag_end"))}


def coding_label(rule_id: str | None) -> str:
    """``reference-v1`` → "reference coding v1"."""
    version = (rule_id or "").rsplit("-v", 1)
    return (f"reference coding v{version[1]}" if len(version) == 2 and version[1]
            else "reference coding")


def decider(tag: dict) -> dict[str, str]:
    """Who decided a tag, for a badge: the reference coding (``reference-v1`` →
    "reference coding v1"), an annotator, or the machine ("machine (rule)")."""
    who = tag.get("decided_by") or ""
    if tag.get("decision") in HUMAN_DECISIONS or tag.get("method") == "human":
        return {"kind": "human", "label": f"{who} (annotator)" if who else "annotator"}
    if tag.get("method") == "reference" or who.startswith("reference"):
        return {"kind": "reference", "label": coding_label(who or tag.get("rule_id"))}
    return {"kind": "machine", "label": who or f"machine ({tag.get('method') or 'tagger'})"}


def order_index(value: str, order: tuple[str, ...]) -> int:
    return order.index(value) if value in order else len(order)
