"""The reference coding: the corpus's core plea provisions coded by hand, twice, adjudicated.

``coding.jsonl`` (beside this module) holds a header line and one line per unit:

    {"format": "plea-reference-coding", "version": 1, "codebook_version": 1,
     "codebook": {"subjects.court": "<hash of its definition>", ...}, ...}
    {"unit": "cn-cpl-2018:art_201__para_1", "target": "provision", "citation": "…",
     "sha1": "<digest of the unit's text>", "length": 83,
     "head": {"exact": "<first words>"},
     "codes": [{"code": "consequences.court_effect", "start": 19, "end": 27,
                "exact": "一般应当采纳", "prefix": "…", "suffix": "…",
                "role": null, "modality": "presumptive", "note": "…"}],
     "decided": "agreed" | "adjudicated", "note": "…",
     "passes": {"A": [["code", "role", "modality"], …], "B": […]}}

The unit is named by provision id and anchored by the digest of its text and a W3C
TextQuote of its first words; each code's evidence by a TextPosition (``start``/``end``)
and a TextQuote (``exact`` with a little ``prefix``/``suffix``) — short anchors, never
the unit's text. ``target`` is ``commentary`` for USSG commentary rows, which are coded
(for training and agreement) but not merged as provision tags. A unit with ``codes: []``
was reviewed and carries nothing: "no code" is a decision.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from plea.corpus.errors import PleaError

from ..jsonl_io import BadLine, read_lines
from ..taxonomy import Taxonomy, load_taxonomy
from ..text import digest

CODING_FILE = Path(__file__).with_name("coding.jsonl")
FORMAT = "plea-reference-coding"
VERSION = 1
MAX_EXACT = 48           # evidence anchors stay short: they locate, they do not copy
CONTEXT = 12
HEAD = 16


class CodingError(PleaError, ValueError):
    """The coding file is malformed (file and line named)."""


def code_fingerprints(taxonomy: Taxonomy) -> dict[str, str]:
    """A short hash of each code's definition, include and exclude notes: when it
    changes, the units coded with that code need to be looked at again."""
    out = {}
    for c in taxonomy.codes:
        words = "\n".join(str(x or "") for x in (c.definition, c.include, c.exclude))
        out[c.id] = hashlib.sha1(words.encode("utf-8")).hexdigest()[:10]
    return out


@dataclass(frozen=True)
class CodedTag:
    code: str
    start: int | None
    end: int | None
    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    role: str | None = None
    modality: str = "none"
    note: str | None = None


@dataclass
class CodedUnit:
    unit: str
    target: str
    citation: str
    sha1: str
    length: int
    head: str
    codes: list[CodedTag]
    decided: str
    note: str | None = None
    passes: dict[str, list[list]] = field(default_factory=dict)


@dataclass
class Coding:
    header: dict
    units: list[CodedUnit]

    @property
    def version(self) -> int:
        return int(self.header.get("version", VERSION))

    @property
    def label(self) -> str:
        return f"reference-v{self.version}"

    def changed_codes(self, taxonomy: Taxonomy) -> list[str]:
        """Codes whose definition changed since the coding was made (or that are new)."""
        now = code_fingerprints(taxonomy)
        then = self.header.get("codebook", {})
        return sorted(c for c in now if then.get(c) != now[c]) + \
            sorted(c for c in then if c not in now)


def load_coding(path: Path = CODING_FILE) -> Coding | None:
    if not path.exists():
        return None
    header: dict = {}
    units = []
    n = 0
    try:
        for n, obj in read_lines(path):
            if obj.get("format") == FORMAT:
                header = obj
                continue
            units.append(CodedUnit(
                unit=obj["unit"], target=obj.get("target", "provision"),
                citation=obj.get("citation", ""), sha1=obj["sha1"], length=obj["length"],
                head=obj.get("head", {}).get("exact", ""),
                codes=[CodedTag(**c) for c in obj.get("codes", [])],
                decided=obj.get("decided", "agreed"), note=obj.get("note"),
                passes=obj.get("passes", {})))
    except BadLine as exc:
        raise CodingError(f"{path}:{exc.line}: not a reference-coding line ({exc.message})") from None
    except (KeyError, TypeError) as exc:
        raise CodingError(f"{path}:{n}: not a reference-coding line ({exc})") from None
    if not header:
        raise CodingError(f"{path}: no header line (format {FORMAT!r})")
    return Coding(header, units)


# -- making the file from the coders' working files ---------------------------------------
def _anchor_code(c: dict, text: str) -> dict:
    ev = c.get("evidence") or ""
    at = text.find(ev) if ev else -1
    out: dict = {"code": c["code"]}
    if at >= 0:
        end = at + min(len(ev), MAX_EXACT)
        out.update(start=at, end=end, exact=text[at:end], prefix=text[max(0, at - CONTEXT):at],
                   suffix=text[end:end + CONTEXT])
    else:
        out.update(start=None, end=None)
    out["role"] = c.get("role") if c["code"].startswith("subjects.") else None
    out["modality"] = c.get("modality") or "none"
    if c.get("note"):
        out["note"] = c["note"]
    return out


def _key(codes: Iterable[dict]) -> list[list]:
    return sorted([c["code"], c.get("role") if c["code"].startswith("subjects.") else None,
                   c.get("modality") or "none"] for c in codes)


def make_coding(units: list[dict], pass_a: dict[str, dict], pass_b: dict[str, dict],
                adjudicated: dict[str, dict], taxonomy: Taxonomy | None = None,
                meta: dict | None = None) -> list[dict]:
    """The lines of ``coding.jsonl`` from the units (with their text, read from the
    corpus), the two passes and the adjudicator's decisions on the units they disputed."""
    taxonomy = taxonomy or load_taxonomy()
    header = {"format": FORMAT, "version": VERSION, "codebook_version": taxonomy.version,
              "codebook": code_fingerprints(taxonomy), "units": len(units), **(meta or {})}
    lines = [header]
    for u in units:
        a, b = pass_a[u["unit"]], pass_b[u["unit"]]
        agreed = _key(a["codes"]) == _key(b["codes"])
        final = a if agreed else adjudicated.get(u["unit"])
        if final is None:
            raise CodingError(f"{u['unit']}: the passes disagree and no adjudication was given")
        text = u["text"]
        note = final.get("note") or (a.get("note") if agreed else None)
        line = {"unit": u["unit"],
                "target": "commentary" if u.get("kind") == "commentary" else "provision",
                "citation": u.get("citation") or "", "sha1": digest(text), "length": len(text),
                "head": {"exact": text[:HEAD]},
                "codes": [_anchor_code(c, text) for c in final["codes"]],
                "decided": "agreed" if agreed else "adjudicated",
                "passes": {"A": _key(a["codes"]), "B": _key(b["codes"])}}
        if note:
            line["note"] = note
        lines.append(line)
    return lines


def write_coding(lines: list[dict], path: Path = CODING_FILE) -> None:
    path.write_text("".join(json.dumps(l, ensure_ascii=False, sort_keys=False) + "\n"
                            for l in lines), encoding="utf-8")
