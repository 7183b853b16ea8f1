"""The build stage that brings human annotations into the built database.

Run after the tagging stage and before any stage that reads ``effective_tags``,
on the new database before it is swapped in. It reads the store (never writes
it), re-anchors every annotation against the provisions just built, and writes:

- ``annotations``         every annotation, with where it sits now
                          (``provision_id``, ``start``, ``end``, ``quote``) and how
                          it was found (``anchor_status``: exact, shifted, moved,
                          fuzzy, orphaned); ``original_provision_id`` as annotated
- ``annotation_orphans``  those that could not be re-attached, with their text,
                          the reason and the closest candidate — never dropped
- ``annotation_verdicts`` the standing human decision per (provision, code)
- view ``tag_decisions``  every automatic and human tag with its ``decision``
                          (auto, confirmed, corrected, added, rejected) and who
                          decided it (``decided_by``: the annotator, else the
                          reference coding's ``rule_id``, else ``machine (<method>)``):
                          what the provision page shows, rejected tags included
- view ``effective_tags`` the same without rejected tags: what the comparison
                          and the brief read, human decisions over machine ones
- view ``annotation_links`` links between provisions (both ends attached)

The views read ``tags`` at query time, so they stay right whichever stage
wrote it; when the tagger has not run, an empty ``tags`` table is created so
the views still work and human tags still show.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import sqlite_utils

from plea.annotate.stage import TAGS
from plea.corpus.tables import Table

from .anchor import FUZZY_THRESHOLD, STATUSES, Attachment, attach_all
from .export import read_annotations
from .model import Annotation
from .provisions import Provisions
from .store import COLUMNS, AnnotationStore, resolve_store_path, to_row
from .verdicts import verdicts

# Columns of the tagger's table that the views pass through, in the declaration's order
# (annotate.stage.TAGS, the one place the tag columns are spelled out), and their types.
TAG_COLUMNS = tuple(c for c in TAGS.columns if c != "id")
TAG_TYPES = {c: TAGS.types()[c] for c in TAG_COLUMNS}

PLACED_COLUMNS = {"provision_id": "TEXT",    # NULL when orphaned
                  "original_provision_id": "TEXT", "dimension": "TEXT", "quote": "TEXT",
                  "anchor_status": "TEXT", "anchor_score": "REAL", "anchor_context": "REAL",
                  "anchor_reason": "TEXT", "original_link_provision_id": "TEXT",
                  "link_status": "TEXT"}
_SQL_TYPES = {"TEXT": str, "INTEGER": int, "REAL": float}
_ANNOTATION_TEXT = {
    "id": "The annotation's id (never reused; a changed mind is a new annotation)",
    "motivation": "tagging, assessing, commenting or linking (W3C Web Annotation)",
    "decision": "added, confirmed, corrected, rejected or reviewed",
    "code": "The codebook code it is about",
    "role": "The role it gives (subjects codes)",
    "modality": "The modality it gives",
    "note": "The annotator's note",
    "relation": "For a link: how the two provisions relate (corresponds_to, …)",
    "annotator": "Who made it",
    "created": "When (UTC)",
    "codebook_version": "The codebook version it follows",
    "provision_id": "Where it sits in this build (null when orphaned)",
    "source_id": "The annotated provision's source, as annotated",
    "work": "Its work, as annotated",
    "citation": "Its citation, as annotated",
    "scope": "span (a quote in the text) or provision (the whole text)",
    "exact": "The quoted text",
    "prefix": "Text just before the quote",
    "suffix": "Text just after the quote",
    "start": "Start of the quote in the provision's text, in this build",
    "end": "End of the quote (exclusive)",
    "link_provision_id": "For a link: the other provision, in this build",
    "link": "For a link: the other end's anchor, as annotated (JSON)",
    "extra": "Other fields of the record (JSON)",
    "original_provision_id": "The provision as annotated",
    "dimension": "The code's dimension",
    "quote": "The text the anchor covers in this build",
    "anchor_status": "exact, shifted, moved, fuzzy or orphaned: how it was found again",
    "anchor_score": "Similarity of a fuzzy match (0–1)",
    "anchor_context": "How far the prefix and suffix still match (0–1)",
    "anchor_reason": "Why it moved or could not be placed",
    "original_link_provision_id": "For a link: the other provision as annotated",
    "link_status": "For a link: how its other end was found again",
}
ANNOTATIONS = Table("annotations", {
    c: (_SQL_TYPES[t.split()[0]], _ANNOTATION_TEXT[c])
    for c, t in {**COLUMNS, **PLACED_COLUMNS}.items()}, pk="id",
    not_null=frozenset(c for c, t in {**COLUMNS, **PLACED_COLUMNS}.items() if "NOT NULL" in t),
    indexes=(("provision_id", "code"),),
    description="Every annotation of the store, with where it sits in this build")
ANNOTATION_ORPHANS = Table("annotation_orphans", {
    "id": (str, "The annotation (annotations.id)"),
    "part": (str, "target or link: the end that could not be placed"),
    "annotator": (str, "Who made it"), "created": (str, "When"),
    "kind": (str, "tag, assessment, note or link"),
    "code": (str, "The code it is about"), "note": (str, "The annotator's note"),
    "relation": (str, "For a link: the relation"),
    "provision_id": (str, "The provision as annotated"),
    "citation": (str, "Its citation, as annotated"),
    "exact": (str, "The quoted text"), "prefix": (str, "Text before it"),
    "suffix": (str, "Text after it"),
    "reason": (str, "Why it could not be placed"),
    "candidate": (str, "The closest provision found"),
    "candidate_score": (float, "How close (0–1)"),
    "candidates": (str, "Other candidates (JSON)"),
}, pk=("id", "part"), description="Annotations the build could not place: never dropped")
ANNOTATION_VERDICTS = Table("annotation_verdicts", {
    "provision_id": (str, "The provision (provisions.id)"),
    "code": (str, "The code"), "dimension": (str, "Its dimension"),
    "decision": (str, "The standing decision: added, confirmed, corrected, rejected, reviewed"),
    "role": (str, "The role decided"), "modality": (str, "The modality decided"),
    "note": (str, "The note of the deciding annotation"),
    "annotation_id": (str, "The deciding annotation (the latest)"),
    "decided_by": (str, "Its annotator"), "decided_at": (str, "When"),
    "annotators": (str, "Each annotator's latest decision (JSON)"),
    "disputed": (int, "1 when annotators disagree"),
    "start": (int, "Start of the quote in this build"), "end": (int, "End of the quote"),
    "quote": (str, "The quoted text in this build"),
    "codebook_version": (str, "The codebook version it follows"),
}, pk=("provision_id", "code"), description="The standing human decision per provision and code")
TABLES = (ANNOTATIONS, ANNOTATION_ORPHANS, ANNOTATION_VERDICTS)
OWN_TABLES = tuple(t.name for t in TABLES)
OWN_VIEWS = ("effective_tags", "tag_decisions", "annotation_links")


@dataclass
class MergeReport:
    store: Path | None
    total: int = 0
    statuses: Counter = field(default_factory=Counter)
    orphans: list[dict] = field(default_factory=list)
    verdicts: int = 0
    message: str = ""

    def summary(self) -> str:
        if self.message:
            return f"Annotations: {self.message}"
        counts = ", ".join(f"{self.statuses[s]} {s}" for s in STATUSES if self.statuses[s])
        return (f"Annotations: {self.total} from {self.store}"
                + (f" ({counts})" if counts else "")
                + f"; {self.verdicts} human tag decisions in effect")

    def lines(self) -> list[str]:
        out = [self.summary()]
        for o in self.orphans:
            what = " ".join(p for p in (o["kind"], o["code"]) if p)
            out.append(f"  orphaned {o['id'][:8]} ({o['annotator']}, {what}) on "
                       f"{o['provision_id']}: «{_short(o['exact'])}» — {o['reason']}")
            if o.get("candidates"):
                out.append(f"    candidates for a person to decide: "
                           f"{', '.join(json.loads(o['candidates']))}")
        return out


def load_annotations(path: Path) -> list[Annotation]:
    """From a store file, or from a JSON-LD ``.jsonl``/``.json`` export."""
    if path.suffix.lower() in (".jsonl", ".json", ".jsonld"):
        return read_annotations(path)
    with AnnotationStore(path, readonly=True) as store:
        return store.all()


def merge_annotations(db: sqlite_utils.Database, store_path: Path | None = None, *,
                      threshold: float = FUZZY_THRESHOLD) -> MergeReport:
    """Copy the store's annotations into the built ``db``, re-anchored, and
    create the views that put human decisions over automatic tags."""
    path = resolve_store_path(store_path)
    report = MergeReport(path)
    if path.exists():
        annotations = load_annotations(path)
    else:
        annotations = []
        report.message = f"no annotation store at {path}; nothing to merge"
    return _merge(db, annotations, Provisions(db.conn), report, threshold)


def _merge(db: sqlite_utils.Database, annotations: list[Annotation], provisions: Provisions,
           report: MergeReport, threshold: float) -> MergeReport:
    _create_tables(db)
    places = attach_all((a.anchor for a in annotations), provisions, threshold=threshold)
    links = attach_all((a.link for a in annotations if a.link), provisions, threshold=threshold)
    link_of = iter(links)
    rows, orphans = [], []
    placed: list[tuple[Annotation, str | None]] = []
    for a, at in zip(annotations, places):
        link_at = next(link_of) if a.link else None
        rows.append(_row(a, at, link_at))
        report.statuses[at.status] += 1
        if not at.attached:
            orphans.append(_orphan(a, a.anchor, at, "target"))
        if link_at is not None and not link_at.attached:
            orphans.append(_orphan(a, a.link, link_at, "link"))
        placed.append((a, at.provision_id))
    report.total = len(annotations)
    report.orphans = orphans
    db["annotations"].insert_all(rows, batch_size=1000)
    db["annotation_orphans"].insert_all(orphans, batch_size=1000)
    found = verdicts(placed)
    where = {a.id: at for a, at in zip(annotations, places)}
    db["annotation_verdicts"].insert_all((_verdict_row(v, where[v.latest.id])
                                          for v in found.values()), batch_size=1000)
    report.verdicts = len(found)
    _create_views(db)
    return report


def live_tag_decisions(store: AnnotationStore, corpus, provision_id: str, *,
                       threshold: float = FUZZY_THRESHOLD) -> list[dict]:
    """The rows ``tag_decisions`` will hold for one provision after the next
    build, computed now from the store — for the web view, which serves an
    immutable database, to show a decision the moment it is made.

    The same merge runs on a scratch database holding only this provision's
    automatic tags and the annotations made on it (here or, before a
    rebuild moved it, under its old id), so the semantics cannot drift from
    the build's."""
    provisions = Provisions.open(corpus)
    provisions.require(provision_id)
    mine = [a for a in store.find(provision_id=provision_id)]
    seen = {a.id for a in mine}
    moved = [r[0] for r in provisions.conn.execute(
        "SELECT id FROM annotations WHERE provision_id = ?", [provision_id])]
    mine += [a for a in (store.get(i) for i in moved if i not in seen) if a]
    scratch = sqlite_utils.Database(memory=True)
    scratch["tags"].create(TAG_TYPES)
    tags = provisions.tags(provision_id)
    if tags:
        scratch["tags"].insert_all(tags, alter=True)
    _merge(scratch, mine, provisions, MergeReport(None), threshold)
    return [r for r in scratch.query("SELECT * FROM tag_decisions WHERE provision_id = ? "
                                     "ORDER BY start, code", [provision_id])]


def annotation_stage(store_path: Path | None = None, *,
                     echo: Callable[[str], None] | None = None,
                     threshold: float = FUZZY_THRESHOLD
                     ) -> Callable[[sqlite_utils.Database], MergeReport]:
    """A ``plea.corpus.build`` stage that merges the store and returns the report,
    whose summary the build logs and prints; ``echo`` gets one line per
    orphaned annotation, with its text, so none goes unnoticed."""
    def stage(db: sqlite_utils.Database) -> MergeReport:
        report = merge_annotations(db, store_path, threshold=threshold)
        if echo:
            for line in report.lines()[1:]:
                echo(line)
        return report
    return stage


# -- tables ---------------------------------------------------------------------------
def _create_tables(db: sqlite_utils.Database) -> None:
    for view in OWN_VIEWS:
        db.execute(f"DROP VIEW IF EXISTS [{view}]")
    for table in TABLES:
        table.create(db, replace=True)
    if "tags" not in db.table_names():
        # The tagger has not run: an empty table with its columns keeps the
        # views valid, and human tags still show through them.
        db["tags"].create(TAG_TYPES)


def _row(a: Annotation, at: Attachment, link_at: Attachment | None) -> dict:
    row = to_row(a)
    row.update(original_provision_id=a.anchor.provision_id, provision_id=at.provision_id,
               start=at.start, end=at.end, quote=at.quote, dimension=a.dimension,
               anchor_status=at.status, anchor_score=at.score, anchor_context=at.context,
               anchor_reason=at.reason or None)
    if link_at is not None:
        row.update(original_link_provision_id=a.link.provision_id,
                   link_provision_id=link_at.provision_id, link_status=link_at.status)
    return row


def _orphan(a: Annotation, anchor, at: Attachment, part: str) -> dict:
    return {"id": a.id, "part": part, "annotator": a.annotator, "created": a.created,
            "kind": a.kind, "code": a.code, "note": a.note, "relation": a.relation,
            "provision_id": anchor.provision_id, "citation": anchor.citation,
            "exact": anchor.exact, "prefix": anchor.prefix, "suffix": anchor.suffix,
            "reason": at.reason, "candidate": at.candidate,
            "candidate_score": at.candidate_score,
            "candidates": json.dumps(at.candidates, ensure_ascii=False) if at.candidates else None}


def _verdict_row(v, at: Attachment) -> dict:
    a = v.latest
    return {"provision_id": v.provision_id, "code": v.code, "dimension": a.dimension,
            "decision": v.decision, "role": a.role, "modality": a.modality, "note": a.note,
            "annotation_id": a.id, "decided_by": a.annotator, "decided_at": a.created,
            "annotators": json.dumps({k: x.decision for k, x in sorted(v.by_annotator.items())}),
            "disputed": int(v.disputed), "start": at.start, "end": at.end, "quote": at.quote,
            "codebook_version": a.codebook_version}


# Extra columns of tag_decisions after the tagger's, in this order.
DECISION_COLUMNS = ("decision", "decided_by", "decided_at", "annotation_id", "note",
                    "disputed", "auto_role", "auto_modality", "tag_id")


def _select(exprs: dict[str, str]) -> str:
    cols = TAG_COLUMNS + DECISION_COLUMNS
    return "SELECT " + ", ".join(f'{exprs.get(c, "NULL")} AS "{c}"' for c in cols)


def _create_views(db: sqlite_utils.Database) -> None:
    have = set(db["tags"].columns_dict)
    auto = {c: f't."{c}"' for c in TAG_COLUMNS if c in have}
    t_role, t_mod = auto.get("role", "NULL"), auto.get("modality", "NULL")
    auto.update({
        "role": f"CASE WHEN v.decision = 'corrected' THEN coalesce(v.role, {t_role}) "
                f"ELSE {t_role} END",
        "modality": f"CASE WHEN v.decision = 'corrected' THEN coalesce(v.modality, {t_mod}) "
                    f"ELSE {t_mod} END",
        "decision": "CASE WHEN v.decision IS NULL THEN 'auto' "
                    "WHEN v.decision = 'added' THEN 'confirmed' ELSE v.decision END",
        # Who decided: the annotator when a person did; else the layer the row comes
        # from — the reference coding by its label (rule_id "reference-v1"), the
        # tagger as "machine (<method>)".
        "decided_by": ("coalesce(v.decided_by, " + (
            "CASE WHEN t.method = 'reference' THEN coalesce(t.rule_id, 'reference') "
            "ELSE 'machine (' || coalesce(t.method, 'tagger') || ')' END)"
            if {"method", "rule_id"} <= have else "'machine (tagger)')")),
        "decided_at": "v.decided_at",
        "annotation_id": "v.annotation_id", "note": "v.note",
        "disputed": "coalesce(v.disputed, 0)", "auto_role": t_role, "auto_modality": t_mod,
        "tag_id": 't."id"' if "id" in have else "NULL",
    })
    human = {c: f'a."{c}"' for c in ("provision_id", "code", "dimension", "start", "end",
                                      "codebook_version", "note")}
    human.update({"evidence": "a.quote", "method": "'human'", "confidence": "1.0",
                  # a later correction of the code's role or modality applies here too
                  "role": "CASE WHEN v.decision = 'corrected' THEN coalesce(v.role, a.role) "
                          "ELSE a.role END",
                  "modality": "CASE WHEN v.decision = 'corrected' "
                              "THEN coalesce(v.modality, a.modality) ELSE a.modality END",
                  "decision": "CASE WHEN v.decision = 'rejected' THEN 'rejected' "
                              "ELSE 'added' END",
                  "decided_by": "a.annotator", "decided_at": "a.created",
                  "annotation_id": "a.id", "disputed": "v.disputed"})
    verdict = {c: f'v."{c}"' for c in ("provision_id", "code", "dimension", "start", "end",
                                        "role", "modality", "codebook_version", "note",
                                        "decision", "decided_by", "decided_at",
                                        "annotation_id", "disputed")}
    verdict.update({"evidence": "v.quote", "method": "'human'", "confidence": "1.0"})
    # Three kinds of row: automatic tags with the human verdict on their code;
    # tags a human added; and verdicts on codes neither the tagger nor an added
    # tag now carries (a confirmation outlives a tagger that no longer proposes
    # the code; a rejection stays visible).
    db.execute(f"""
CREATE VIEW tag_decisions AS
{_select(auto)}
FROM tags t
LEFT JOIN annotation_verdicts v ON v.provision_id = t.provision_id AND v.code = t.code
UNION ALL
{_select(human)}
FROM annotations a
JOIN annotation_verdicts v ON v.provision_id = a.provision_id AND v.code = a.code
WHERE a.decision = 'added' AND a.anchor_status != 'orphaned'
UNION ALL
{_select(verdict)}
FROM annotation_verdicts v
WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.provision_id = v.provision_id AND t.code = v.code)
  AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.provision_id = v.provision_id
                  AND a.code = v.code AND a.decision = 'added' AND a.anchor_status != 'orphaned')
""")
    db.execute("CREATE VIEW effective_tags AS "
               "SELECT * FROM tag_decisions WHERE decision != 'rejected'")
    db.execute("""
CREATE VIEW annotation_links AS
SELECT id, provision_id, link_provision_id AS target_id, relation, annotator, created, note
FROM annotations
WHERE motivation = 'linking' AND anchor_status != 'orphaned' AND link_status != 'orphaned'
""")
    if {"provision_id", "code"} <= have:
        db.execute("CREATE INDEX IF NOT EXISTS tags_provision_code ON tags (provision_id, code)")


def _short(text: str | None, n: int = 60) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= n else text[:n - 1] + "…"
