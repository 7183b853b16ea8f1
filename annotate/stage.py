"""The build stage: tag every unit of the database and write ``tags`` and ``taxonomy``.

Units are the provision rows with text of their own (labeling rule 1: a 款 or 项,
a rule subdivision, an Absatz, a scholarly paragraph). A list item is tagged with
the lead-in it completes (its parent's text), and every unit with the headings
above it, so "(A) not bring … other charges;" under "the plea agreement may
specify that …:" is read as part of a plea agreement.

    tag_database(db)   # -> number of tags written

Tables written (an interface for SQL users):
- the codebook tables (``dimensions``, ``taxonomy``, ``roles``, ``modalities``; see
  annotate.taxonomy), from the tagger's codebook;
- ``tags``: provision_id, code, dimension, start, end, evidence, role, modality,
  method, rule_id, confidence, codebook_version (offsets into ``provisions.text``);
- view ``provision_codes``: every provision (articles, sections, chapters) with the
  union of the codes of the units under it.
``method`` names the tagger that wrote the row (``rule``, ``learned``, ``combined``);
rows of other methods (the reference coding's) are left to their own stage.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from typing import Collection, Iterator, Mapping

import sqlite_utils

from plea.corpus.parallel import map_chunks
from plea.corpus.tables import Table
from plea.corpus.vocab import LANGUAGES

from .taggers import REGISTRY, BaseTagger, Unit, get_tagger
from .taxonomy import load_taxonomy, write_codebook

MACHINE_METHODS = tuple(REGISTRY)        # rows a tagger wrote; other methods have stages of their own
LEAD_IN_DEPTH = 2        # a sub-item reads its item's and its paragraph's lead-ins
BATCH_UNITS = 50_000     # units read and tagged at a time (memory, not speed)

TAGS = Table("tags", {
    "id": (int, ""),
    "provision_id": (str, "The tagged provision or scholarly passage (provisions.id)"),
    "code": (str, "Codebook code, <dimension>.<name> (see the taxonomy table)"),
    "dimension": (str, "subjects, scope, behavior or consequences"),
    "start": (int, "Start of the evidence span: character offset into provisions.text"),
    "end": (int, "End of the evidence span (exclusive)"),
    "evidence": (str, "The evidence text, provisions.text[start:end]"),
    "role": (str, "subjects codes only: party, consulted, witness, reviewer, informed or excluded"),
    "modality": (str, "obligation, presumptive, permission, prohibition or none"),
    "method": (str, "How the tag was made: rule, learned, combined, reference, human …"),
    "rule_id": (str, "The pattern rule that fired, or the model or coding that decided"),
    "confidence": (float, "0–1"),
    "codebook_version": (str, "Version of taxonomy.yaml the tag follows"),
}, pk="id", foreign_keys=(("provision_id", "provisions", "id"), ("code", "taxonomy", "code")),
    indexes=(("provision_id",), ("code",), ("dimension",)),
    description="Codebook codes carried by provisions and scholarly passages")
TABLES = (TAGS,)   # the codebook tables are annotate.taxonomy's

VIEW_SQL = """
WITH RECURSIVE up(provision_id, unit_id) AS (
    SELECT DISTINCT provision_id, provision_id FROM tags
    UNION
    SELECT p.parent_id, up.unit_id
    FROM up JOIN provisions p ON p.id = up.provision_id
    WHERE p.parent_id IS NOT NULL
)
SELECT up.provision_id AS provision_id, tags.code AS code, tags.dimension AS dimension,
       count(DISTINCT tags.provision_id) AS units
FROM up JOIN tags ON tags.provision_id = up.unit_id
GROUP BY up.provision_id, tags.code
"""


@dataclass(frozen=True)
class StageUnit:
    provision_id: str
    lang: str
    text: str
    context: str | None
    heading: str | None
    kind: str | None

    def as_unit(self) -> Unit:
        return Unit(self.text, self.lang, self.context, self.kind, self.heading)


def read_units(db: sqlite_utils.Database, source_id: str | None = None) -> list[StageUnit]:
    """The units to tag (of one source, or all), with their lead-ins and headings, in
    table order. Lead-ins and headings never cross a source."""
    where, params = ("WHERE source_id = ? ", [source_id]) if source_id else ("", [])
    rows = {r["id"]: r for r in db.query(
        "SELECT id, parent_id, kind, text, heading, lang, source_kind "
        f"FROM provisions {where}ORDER BY rowid", params)}
    units = []
    for row in rows.values():
        text = row["text"] or ""
        if row["kind"] != "provision" or not text.strip():
            continue
        # Headings of the unit and the provisions above it; not the chapter titles in
        # ``container``, which are too broad ("Sentencing Procedures, Plea Agreements …").
        leads, headings = [], [row["heading"] or ""]
        parent, depth = rows.get(row["parent_id"]), 0
        while parent is not None:
            if parent["text"] and parent["text"].strip() and depth < LEAD_IN_DEPTH:
                leads.append(parent["text"])
                depth += 1
            if parent["heading"] and parent["kind"] == "provision":
                headings.append(parent["heading"])
            parent = rows.get(parent["parent_id"])
        units.append(StageUnit(
            provision_id=row["id"], lang=row["lang"] or "", text=text,
            context="\n".join(reversed(leads)) or None,
            heading="\n".join(h for h in headings if h) or None,
            kind="scholarship" if row["source_kind"] == "scholarship" else None))
    return units


def tag_database(db: sqlite_utils.Database, tagger: BaseTagger | None = None, *,
                 tagger_name: str | None = None, jobs: int = 1,
                 reuse: Mapping[str, list[dict]] | None = None,
                 reuse_sources: Collection[str] = ()) -> int:
    """Tag every unit of ``provisions``; write ``taxonomy``, ``tags`` and the view.

    Returns the number of tags written. Units in a language without a pipeline are
    skipped (the corpus has zh, en and de only). ``jobs`` workers tag in parallel.
    Units of ``reuse_sources`` are not tagged again: their rows are ``reuse[unit id]``
    (from the previous build), put in the place tagging would have put them, so the
    table is the same as a full run's.
    """
    keep = set(reuse_sources)
    sources = [r[0] for r in db.execute(
        "SELECT source_id FROM provisions GROUP BY source_id ORDER BY min(rowid)")]
    if tagger is not None or any(s not in keep for s in sources):
        tagger = tagger or get_tagger(tagger_name).for_corpus()
        taxonomy = tagger.taxonomy
    else:
        # Nothing to tag: the codebook alone, without loading the pipelines.
        taxonomy = load_taxonomy()
    version = str(taxonomy.version)
    write_codebook(db, taxonomy)     # the tagger's codebook, which the tags follow
    _prepare_tags_table(db)
    written = 0
    # A batch of sources at a time, so memory holds a batch's units and rows, not the
    # corpus's; rows go in unit order, so the table is the same whatever the batches.
    for units in _batches(db, sources):
        todo = [u for u in units if u.provision_id.split(":", 1)[0] not in keep]
        tagged = dict(zip((u.provision_id for u in todo), _tag_units(tagger, todo, jobs)))
        rows = []
        for unit in units:
            if unit.provision_id not in tagged:
                rows += [{k: v for k, v in r.items() if k != "id"}
                         for r in (reuse or {}).get(unit.provision_id, ())]
                continue
            for t in tagged[unit.provision_id]:
                rows.append({"provision_id": unit.provision_id, "code": t.code,
                             "dimension": t.dimension, "start": t.start, "end": t.end,
                             "evidence": t.text, "role": t.role, "modality": t.modality,
                             "method": t.method, "rule_id": t.rule_id,
                             "confidence": t.confidence, "codebook_version": version})
        db["tags"].insert_all(rows, batch_size=2000)
        written += len(rows)
    db.execute("DROP VIEW IF EXISTS provision_codes")
    db.execute(f"CREATE VIEW provision_codes AS {VIEW_SQL}")
    return written


def _batches(db: sqlite_utils.Database, sources: list[str], size: int = BATCH_UNITS
             ) -> Iterator[list[StageUnit]]:
    """The units of whole sources, in table order, about ``size`` at a time."""
    batch: list[StageUnit] = []
    for source in sources:
        batch += [u for u in read_units(db, source) if u.lang in LANGUAGES]
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _tag_units(tagger: BaseTagger | None, units: list[StageUnit], jobs: int) -> list:
    """Each unit's tags, in order; chunks go to forked workers when ``jobs`` > 1."""
    if not units:
        return []
    # Warm the pipelines before forking, so workers share them instead of loading their
    # own: per language, a unit the rule tagger will not skip (else any unit).
    from .taggers.rule import may_carry_codes
    warm: dict[str, StageUnit] = {}
    langs, cued = {u.lang for u in units}, set()
    for u in units:
        if cued == langs:
            break
        if u.lang in cued:
            continue
        if may_carry_codes(u.as_unit(), u.lang):
            warm[u.lang] = u
            cued.add(u.lang)
        else:
            warm.setdefault(u.lang, u)
    list(tagger.tag_many(u.as_unit() for u in warm.values()))
    # A unit's tags depend on its text, language, lead-in, headings and kind alone, so
    # units alike in all five ("删去", "(Reserved)", a clause a statute repeats under
    # the same heading) are tagged once and share the result.
    first: dict[tuple, int] = {}
    distinct: list[StageUnit] = []
    where = []
    for u in units:
        key = (u.text, u.lang, u.context, u.heading, u.kind)
        if key not in first:
            first[key] = len(distinct)
            distinct.append(u)
        where.append(first[key])
    out: list = []
    for part in map_chunks(lambda chunk: list(tagger.tag_many(u.as_unit() for u in chunk)),
                           distinct, jobs=jobs,
                           chunk_size=max(200, len(distinct) // (jobs * 8) + 1)):
        out += part
    return [out[i] for i in where]


def _prepare_tags_table(db: sqlite_utils.Database) -> None:
    if not TAGS.create(db):
        db.execute("DELETE FROM tags WHERE method IN (SELECT value FROM json_each(?))",
                   [json.dumps(MACHINE_METHODS)])
