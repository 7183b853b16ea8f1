"""The build stage that puts the reference coding over the machine's tags.

Runs after tagging and before the human annotations are merged, so the layers stack as
a scholar expects: machine tags, then the reviewed reference coding (which replaces the
machine's tags on every unit it covers, including "reviewed, carries nothing"), then a
scholar's own decisions, which still win.

Each coded unit is found again in the new build without crossing its source:

- ``exact``    same provision id, same text (by digest);
- ``moved``    the same text under another id of the same source (renumbered);
- ``changed``  the text changed but its first words or every evidence quote are still
               there (same id, else one provision of the same source): re-anchored,
               and listed for review;
- ``orphaned`` none of these: listed with the reason, never silently dropped.

Tables written: ``reference_units`` (every coded unit, where it sits now, status,
decision), view ``reference_orphans``, ``reference_agreement`` (the two passes' agreement,
per jurisdiction, dimension and code; roles and modality), ``reference_recode`` (codes
whose codebook definition changed since the coding: those units need a second look).
Tags written: ``method = 'reference'``, ``rule_id = 'reference-v<N>'``, confidence 1.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlite_utils

from plea.corpus.tables import Table

from ..taxonomy import load_taxonomy
from .agreement import agreement_table
from .coverage import core_units
from .coding import CODING_FILE, Coding, CodedTag, CodedUnit, digest, load_coding

REFERENCE_UNITS = Table("reference_units", {
    "unit": (str, "The coded unit as the coding names it (provisions.id when it was coded)"),
    "provision_id": (str, "Where the unit sits in this build (null when orphaned)"),
    "citation": (str, "The unit's citation"),
    "target": (str, "provision or commentary"),
    "status": (str, "exact, moved, changed (review), orphaned or commentary"),
    "reason": (str, "How it was found again, or why not"),
    "codes": (int, "How many codes the coding gives it"),
    "code_list": (str, "Those codes, space-separated"),
    "decided": (str, "How the codes were decided (the two passes, adjudication)"),
    "note": (str, "The coders' note"),
    "coding": (str, "The coding's label (reference-v<N>)"),
    "core": (int, "1 when the unit is a core plea provision (coverage.yaml)"),
}, pk="unit", indexes=(("provision_id",),),
    description="Every unit of the reference coding and where it sits in this build")
REFERENCE_AGREEMENT = Table("reference_agreement", {
    "jurisdiction": (str, "all, CN, US, DE, TW or scholarship: the units compared"),
    "scope": (str, "What was compared: all codes, a dimension, a code, role or modality"),
    "level": (str, "overall, dimension, code or attribute"),
    "pair": (str, "The passes compared: A|B, A|final or B|final (final: adjudicated)"),
    "units": (int, "Units compared"),
    "items": (int, "Decisions compared (units × codes; pairs for role and modality)"),
    "present": (int, "Of them, where a code was given"),
    "kappa": (float, "Cohen's kappa"),
    "alpha": (float, "Krippendorff's alpha"),
    "agreement": (float, "Share of decisions the passes agree on"),
}, description="How far the coding's two passes agreed")
REFERENCE_RECODE = Table("reference_recode", {
    "code": (str, "A code whose codebook definition changed since the coding"),
    "coding": (str, "The coding's label"),
}, description="Codes whose coded units need a second look")
TABLES = (REFERENCE_UNITS, REFERENCE_AGREEMENT, REFERENCE_RECODE)

METHOD = "reference"
EXACT, MOVED, CHANGED, ORPHANED = "exact", "moved", "changed", "orphaned"


@dataclass
class ReferenceReport:
    units: int = 0
    tags: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    orphans: list[str] = field(default_factory=list)
    recode: list[str] = field(default_factory=list)
    label: str = ""

    def __str__(self) -> str:
        if not self.units:
            return "reference coding: none"
        counts = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        out = f"reference coding {self.label}: {self.units} units ({counts}), {self.tags} tags"
        if self.recode:
            out += f"; codebook changed for {', '.join(self.recode)}: recode those units"
        return out


def _texts(db: sqlite_utils.Database) -> tuple[dict[str, dict], dict[str, list[str]]]:
    rows = {r["id"]: r for r in db.query(
        "SELECT id, source_id, text FROM provisions WHERE kind = 'provision'")}
    by_source: dict[str, list[str]] = {}
    for pid, r in rows.items():
        by_source.setdefault(r["source_id"], []).append(pid)
    return rows, by_source


def _source_of(unit: str) -> str:
    return unit.split(":", 1)[0]


def _fits(text: str, u: CodedUnit) -> bool:
    quotes = [c.exact for c in u.codes if c.exact]
    if u.head and text.startswith(u.head):
        return True
    return bool(quotes) and all(q in text for q in quotes)


def place(u: CodedUnit, rows: dict[str, dict], by_source: dict[str, list[str]]
          ) -> tuple[str, str | None, str]:
    """(status, provision id now, reason) for one coded unit."""
    row = rows.get(u.unit)
    if row is not None and digest(row["text"] or "") == u.sha1:
        return EXACT, u.unit, ""
    siblings = by_source.get(_source_of(u.unit), [])
    same = [p for p in siblings if digest(rows[p]["text"] or "") == u.sha1]
    if len(same) == 1:
        return MOVED, same[0], f"same text now at {same[0]}"
    if row is not None and _fits(row["text"] or "", u):
        return CHANGED, u.unit, "text changed since the coding; anchors still found: review"
    fits = [p for p in siblings if _fits(rows[p]["text"] or "", u)]
    if len(fits) == 1:
        return CHANGED, fits[0], f"text changed and moved to {fits[0]}: review"
    if len(fits) > 1:
        return ORPHANED, None, f"{len(fits)} provisions of the source fit: decide by hand"
    if row is None:
        return ORPHANED, None, "no provision with this id or text in its source"
    return ORPHANED, None, "the provision's text changed and the anchors are gone"


def _evidence(tag: CodedTag, text: str, same_text: bool) -> tuple[int, int]:
    if same_text and tag.start is not None:
        return tag.start, tag.end
    if tag.exact:
        at = text.find(tag.prefix + tag.exact + tag.suffix)
        if at >= 0:
            return at + len(tag.prefix), at + len(tag.prefix) + len(tag.exact)
        at = text.find(tag.exact)
        if at >= 0:
            return at, at + len(tag.exact)
    return 0, len(text)


def merge_reference(db: sqlite_utils.Database, coding: Coding | None = None, *,
                    agreement: list[dict] | None = None) -> ReferenceReport:
    """Place the coding's units in ``db`` and put their tags over the machine's;
    ``agreement``: the agreement rows when the caller has them already (a rebuild with
    the same coding, codebook and code: see plea.pipeline)."""
    coding = coding if coding is not None else load_coding(CODING_FILE)
    report = ReferenceReport()
    _create(db)
    if coding is None:
        return report
    taxonomy = load_taxonomy()
    report.label = coding.label
    report.units = len(coding.units)
    report.recode = coding.changed_codes(taxonomy)
    rows, by_source = _texts(db)
    core = set(core_units(db))
    unit_rows, tag_rows, covered = [], [], []
    for u in coding.units:
        if u.target != "provision":
            unit_rows.append(_unit_row(u, coding, "commentary", None, "commentary: coded, "
                                       "not merged as provision tags") | {"core": 1})
            report.statuses["commentary"] = report.statuses.get("commentary", 0) + 1
            continue
        status, pid, reason = place(u, rows, by_source)
        report.statuses[status] = report.statuses.get(status, 0) + 1
        unit_rows.append(_unit_row(u, coding, status, pid, reason) | {"core": int(pid in core)})
        if pid is None:
            report.orphans.append(f"{u.unit} ({u.citation}): {reason}")
            continue
        covered.append(pid)
        text = rows[pid]["text"] or ""
        for t in u.codes:
            if t.code not in taxonomy:
                continue
            start, end = _evidence(t, text, status in (EXACT, MOVED))
            tag_rows.append({"provision_id": pid, "code": t.code,
                             "dimension": taxonomy.dimension_of(t.code), "start": start,
                             "end": end, "evidence": text[start:end],
                             "role": t.role if t.code.startswith("subjects.") else None,
                             "modality": t.modality, "method": METHOD, "rule_id": coding.label,
                             "confidence": 1.0,
                             "codebook_version": str(coding.header.get("codebook_version"))})
    # The tables step made `tags` (corpus.tables); the tagger may have left it empty.
    db.execute("DELETE FROM tags WHERE method = ?", [METHOD])
    if covered:
        db.execute("DELETE FROM tags WHERE provision_id IN (SELECT value FROM json_each(?))",
                   [json.dumps(covered)])
    if tag_rows:
        db["tags"].insert_all(tag_rows, batch_size=2000, alter=True)
    report.tags = len(tag_rows)
    db["reference_units"].insert_all(unit_rows, batch_size=2000)
    db["reference_agreement"].insert_all(
        agreement if agreement is not None else agreement_table(coding, taxonomy),
        batch_size=2000)
    db["reference_recode"].insert_all(({"code": c, "coding": coding.label}
                                       for c in report.recode), batch_size=500)
    return report


def _unit_row(u: CodedUnit, coding: Coding, status: str, pid: str | None, reason: str) -> dict:
    return {"unit": u.unit, "provision_id": pid, "citation": u.citation, "target": u.target,
            "status": status, "reason": reason or None, "codes": len(u.codes),
            "code_list": " ".join(sorted({c.code for c in u.codes})) or None,
            "decided": u.decided, "note": u.note, "coding": coding.label}


def _create(db: sqlite_utils.Database) -> None:
    db.execute("DROP VIEW IF EXISTS reference_orphans")
    for table in TABLES:
        table.create(db, replace=True)
    db.execute("CREATE VIEW reference_orphans AS SELECT unit, citation, reason, code_list, note "
               "FROM reference_units WHERE status = 'orphaned'")


def reference_stage(db: sqlite_utils.Database) -> ReferenceReport:
    """The ``plea.corpus.build`` stage: merge the shipped coding; its report is the outcome line."""
    return merge_reference(db)
