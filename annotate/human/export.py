"""W3C Web Annotation JSON-LD, one annotation a line, out of and into the store.

A research group keeps its annotations under version control as ``.jsonl``
files: one annotation per line, in the order they were made, so a diff shows
exactly the decisions added. Import is idempotent (annotations are keyed by
id), refuses a malformed file as a whole with the line at fault, and reports
conflicts: an id already present with other content (kept as it was), and
(provision, code) pairs on which annotators now disagree.

Mapping (the ``plea:`` terms are this project's extension of the model):

- target: SpecificResource, source ``urn:plea-corpus:provision:<id>``, a
  TextQuoteSelector (exact/prefix/suffix) and, for spans, a TextPositionSelector
- body, purpose tagging: TextualBody whose value is the code, with
  ``plea:role`` / ``plea:modality``
- body, purpose assessing: the decision (confirmed, corrected, rejected, reviewed)
- body, purpose commenting: the note
- body, purpose linking: SpecificResource of the other provision, ``plea:relation``
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Iterable

import jsonschema

from plea.annotate.taxonomy import Taxonomy

from . import model
from .model import (ADDED, ASSESSING, DECISIONS, LINKING, MOTIVATIONS, SPAN, TAGGING, WHOLE,
                    Anchor, Annotation, AnnotationError)
from .store import AnnotationStore, PutResult
from .verdicts import verdicts

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNO_CONTEXTS = (ANNO_CONTEXT, "https://www.w3.org/ns/anno.jsonld")
VOCAB = "urn:plea-corpus:vocab#"
CONTEXT = [ANNO_CONTEXT, {"plea": VOCAB}]
PROVISION_IRI = "urn:plea-corpus:provision:"
ANNOTATOR_IRI = "urn:plea-corpus:annotator:"
UUID_IRI = "urn:uuid:"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "web-annotation.schema.json"

# Top-level keys we read; anything else is carried in Annotation.extra.
_KNOWN = {"@context", "id", "type", "motivation", "created", "creator", "body", "target",
          "plea:codebookVersion"}


# -- out ----------------------------------------------------------------------------
def to_jsonld(a: Annotation) -> dict:
    doc: dict = {
        "@context": CONTEXT,
        "id": a.id if ":" in a.id else UUID_IRI + a.id,
        "type": "Annotation",
        "motivation": a.motivation,
        "created": a.created,
        "creator": {"id": ANNOTATOR_IRI + a.annotator, "type": "Person",
                    "nickname": a.annotator},
    }
    body: list[dict] = []
    if a.code:
        tag = {"type": "TextualBody", "purpose": "tagging", "value": a.code}
        if a.role:
            tag["plea:role"] = a.role
        if a.modality:
            tag["plea:modality"] = a.modality
        body.append(tag)
    if a.motivation == ASSESSING and a.decision:
        body.append({"type": "TextualBody", "purpose": "assessing", "value": a.decision})
    if a.link:
        body.append({**_resource(a.link), "purpose": "linking", "plea:relation": a.relation})
    if a.note:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": a.note,
                     "format": "text/plain"})
    if body:
        doc["body"] = body
    doc["target"] = _resource(a.anchor)
    if a.codebook_version is not None:
        doc["plea:codebookVersion"] = a.codebook_version
    for key, value in a.extra.items():
        doc.setdefault(key, value)
    return doc


def _resource(anchor: Anchor) -> dict:
    quote = {"type": "TextQuoteSelector", "exact": anchor.exact}
    if anchor.prefix:
        quote["prefix"] = anchor.prefix
    if anchor.suffix:
        quote["suffix"] = anchor.suffix
    selectors = [quote]
    if anchor.scope == SPAN and anchor.start is not None and anchor.end is not None:
        selectors.append({"type": "TextPositionSelector", "start": anchor.start,
                          "end": anchor.end})
    out = {"type": "SpecificResource", "source": PROVISION_IRI + anchor.provision_id,
           "selector": selectors, "plea:scope": anchor.scope}
    for key, value in (("plea:sourceId", anchor.source_id), ("plea:work", anchor.work),
                       ("plea:citation", anchor.citation)):
        if value is not None:
            out[key] = value
    return out


def write_jsonld(annotations: Iterable[Annotation], out: IO[str]) -> int:
    """One annotation per line, oldest first; returns how many."""
    n = 0
    for a in sorted(annotations, key=lambda a: (a.created, a.id)):
        out.write(json.dumps(to_jsonld(a), ensure_ascii=False) + "\n")
        n += 1
    return n


# -- validation ---------------------------------------------------------------------
@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def validate(doc: object) -> list[str]:
    """What is wrong with ``doc`` as a Web Annotation (empty when it is valid)."""
    out = []
    for error in sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path)):
        # "not valid under any of the given schemas" says nothing: name the
        # alternative that came closest instead.
        if error.context:
            error = jsonschema.exceptions.best_match(error.context)
        out.append(f"{'/'.join(map(str, error.absolute_path)) or '(top level)'}: "
                   f"{error.message}")
    return out


# -- in -----------------------------------------------------------------------------
def from_jsonld(doc: dict, where: str = "<annotation>") -> Annotation:
    """An Annotation from a Web Annotation; AnnotationError names what is wrong."""
    problems = validate(doc)
    if problems:
        raise AnnotationError(f"{where}: not a valid Web Annotation: {problems[0]}")
    motivation = _first(doc["motivation"])
    if motivation not in MOTIVATIONS:
        raise AnnotationError(f"{where}: motivation {motivation!r} is not one of "
                              f"{', '.join(MOTIVATIONS)}")
    fields: dict = {"code": None, "role": None, "modality": None, "note": None,
                    "relation": None, "link": None, "decision": None}
    for body in _list(doc.get("body")):
        purpose = body.get("purpose")
        if purpose == "tagging":
            fields.update(code=body["value"], role=body.get("plea:role"),
                          modality=body.get("plea:modality"))
        elif purpose == "assessing":
            fields["decision"] = body["value"]
        elif purpose == "commenting":
            fields["note"] = body["value"]
        elif purpose == "linking":
            fields["link"] = _anchor(body, where)
            fields["relation"] = body.get("plea:relation")
    if motivation == TAGGING:
        if not fields["code"]:
            raise AnnotationError(f"{where}: a tagging annotation needs a body with the code")
        fields["decision"] = ADDED
    elif motivation == ASSESSING and fields["decision"] not in DECISIONS:
        raise AnnotationError(f"{where}: an assessing annotation needs a decision "
                              f"({', '.join(DECISIONS[1:])})")
    elif motivation == LINKING and not fields["link"]:
        raise AnnotationError(f"{where}: a linking annotation needs the linked provision")
    annotation_id = doc["id"][len(UUID_IRI):] if doc["id"].startswith(UUID_IRI) else doc["id"]
    version = doc.get("plea:codebookVersion")
    return Annotation(id=annotation_id, motivation=motivation, annotator=_annotator(doc, where),
                      created=doc["created"], anchor=_anchor(_list(doc["target"])[0], where),
                      codebook_version=None if version is None else str(version),
                      extra={k: v for k, v in doc.items() if k not in _KNOWN}, **fields)


def _anchor(resource: dict, where: str) -> Anchor:
    source = resource.get("source", "")
    if not source.startswith(PROVISION_IRI):
        raise AnnotationError(f"{where}: {source!r} is not a provision of this corpus "
                              f"(expected {PROVISION_IRI}<id>)")
    anchor = Anchor(source[len(PROVISION_IRI):], source_id=resource.get("plea:sourceId"),
                    work=resource.get("plea:work"), citation=resource.get("plea:citation"))
    positioned = False
    for sel in _list(resource.get("selector")):
        if sel.get("type") == "TextQuoteSelector":
            anchor.exact, anchor.prefix = sel["exact"], sel.get("prefix", "")
            anchor.suffix = sel.get("suffix", "")
        elif sel.get("type") == "TextPositionSelector":
            anchor.start, anchor.end, positioned = sel["start"], sel["end"], True
    anchor.scope = resource.get("plea:scope") or (SPAN if positioned else WHOLE)
    if anchor.scope not in (SPAN, WHOLE):
        raise AnnotationError(f"{where}: plea:scope must be {SPAN} or {WHOLE}")
    return anchor


def _annotator(doc: dict, where: str) -> str:
    creator = _list(doc["creator"])[0]
    if isinstance(creator, str):
        name = creator[len(ANNOTATOR_IRI):] if creator.startswith(ANNOTATOR_IRI) else creator
    else:
        name = creator.get("nickname") or creator.get("name") or creator.get("id", "")
        if name.startswith(ANNOTATOR_IRI):
            name = name[len(ANNOTATOR_IRI):]
    try:
        return model.check_annotator(name)
    except AnnotationError as exc:
        raise AnnotationError(f"{where}: {exc}") from None


def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first(value):
    return _list(value)[0]


def read_documents(path: str | Path) -> list[tuple[str, dict]]:
    """(place, object) for every JSON object in a file: JSON Lines, a JSON
    array, one annotation, or an AnnotationCollection / AnnotationPage."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnnotationError(f"cannot read {path}: {exc}") from None
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if whole is not None:
        items = _items(whole)
        return [(f"{path}: item {i}", item) for i, item in enumerate(items, 1)]
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AnnotationError(f"{path}:{n}: not valid JSON: {exc.msg}") from None
        if not isinstance(item, dict):
            raise AnnotationError(f"{path}:{n}: expected a JSON object")
        out.append((f"{path}:{n}", item))
    return out


def _items(whole) -> list[dict]:
    if isinstance(whole, list):
        items = whole
    elif isinstance(whole, dict) and whole.get("type") in ("AnnotationCollection",
                                                           "AnnotationPage"):
        page = whole.get("first", whole)
        items = page.get("items", []) if isinstance(page, dict) else []
    else:
        items = [whole]
    if not all(isinstance(i, dict) for i in items):
        raise AnnotationError("expected JSON objects")
    return items


def is_gold(doc: dict) -> bool:
    return "codes" in doc and "text" in doc and "type" not in doc


def read_annotations(path: str | Path, taxonomy: Taxonomy | None = None) -> list[Annotation]:
    """Every annotation in a JSON-LD file, checked; the first problem is raised."""
    out = []
    for where, doc in read_documents(path):
        if is_gold(doc):
            raise AnnotationError(f"{where}: this is a gold-file unit, not a Web Annotation "
                                  "(import it with --format gold)")
        a = from_jsonld(doc, where)
        if taxonomy is not None and a.code:
            try:
                model.check_code(taxonomy, a.code, role=a.role, modality=a.modality)
            except AnnotationError as exc:
                raise AnnotationError(f"{where}: {exc}") from None
        out.append(a)
    return out


@dataclass
class ImportReport:
    read: int = 0
    result: PutResult = field(default_factory=PutResult)
    disputes: list[tuple[str, str, dict]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)   # gold units with no provision

    def lines(self) -> list[str]:
        r = self.result
        out = [f"{self.read} read: {len(r.inserted)} new, {len(r.unchanged)} already in the "
               f"store, {len(r.conflicts)} conflicting"]
        for aid, what in r.conflicts:
            out.append(f"  conflict: {aid} is already in the store with another {what} "
                       "(kept the stored one)")
        if self.disputes:
            out.append(f"{len(self.disputes)} (provision, code) pairs on which annotators "
                       "now disagree:")
            for pid, code, who in self.disputes[:20]:
                out.append(f"  {pid} {code}: " + ", ".join(f"{k} {v}" for k, v in who.items()))
        for unit in self.skipped[:20]:
            out.append(f"  skipped: {unit}")
        return out


def import_annotations(store: AnnotationStore, annotations: list[Annotation]) -> ImportReport:
    """Put annotations into the store and report conflicts and new disagreements."""
    report = ImportReport(read=len(annotations))
    report.result = store.put(annotations)
    new = set(report.result.inserted)
    for (pid, code), v in verdicts((a, a.anchor.provision_id) for a in store.all()).items():
        if v.disputed and any(a.id in new for a in v.by_annotator.values()):
            report.disputes.append((pid, code, {k: a.decision for k, a in
                                                sorted(v.by_annotator.items())}))
    return report
