"""The build stage: every reference in the corpus, resolved, as the `refs` table.

Reads provisions (their text and wrap-up text), commentary notes and the scholarship
(which is provisions of scholarly sources), writes `refs` with indexes for backlinks,
and two views: `backlinks` (who cites a provision) and `unresolved_by_work` (what the
corpus would gain most from adding).
"""
from __future__ import annotations

import json
from typing import Collection, Iterator, Mapping

import sqlite_utils

from plea.corpus.parallel import map_items
from plea.corpus.tables import Table

from .extract import extract
from .resolve import Resolver

REFS = Table("refs", {
    "id": (int, ""),
    "from_id": (str, "The citing unit (provisions.id or commentary.id)"),
    "from_table": (str, "provisions or commentary"),
    "from_source": (str, "The citing unit's source (sources.id)"),
    "field": (str, "text or wrapup: the part of the unit the reference is in"),
    "start": (int, "Start of the reference in the citing text (character offset)"),
    "end": (int, "End of the reference (exclusive)"),
    "text": (str, "The reference as written (本法第一百七十三条, Rule 11(c)(1)(A), § 257c Abs. 2)"),
    "work": (str, "The cited work (works.yaml id), or null when unknown"),
    "pinpoint": (str, "The cited place inside the work, JSON list (e.g. [\"201\", \"2\"])"),
    "to_id": (str, "The cited provision in this corpus, or null when it is not here"),
    "to_top": (str, "The article (rule, section) the cited provision belongs to"),
    "to_source": (str, "The cited provision's source (sources.id)"),
    "status": (str, "resolved, partial, work or unresolved (reason says why not fully)"),
    "reason": (str, "Why to_id is null, or how it was resolved"),
    "method": (str, "How the reference was found"),
    "title": (str, "The name the reference gives the cited work, as written"),
    "lang": (str, "Language of the citing text"),
}, pk="id", indexes=(("to_id",), ("to_top",), ("from_id",), ("work", "status")),
    description="References found in provisions and commentary, resolved where the cited "
                "text is in the corpus")
TABLES = (REFS,)
REFS_COLUMNS = REFS.types()


# The units whose text is read for references, in table order: provisions, then notes.
# A row is (id, source, text, wrap-up, lang, table), table carrying a note's own id.
SOURCE_TABLES = (
    "SELECT rowid, id, source_id, text, wrapup, lang, 'provisions' FROM provisions "
    "WHERE kind = 'provision' AND rowid > ? ORDER BY rowid LIMIT ?",
    "SELECT rowid, provision_id, source_id, text, NULL, lang, 'commentary' || char(0) || id "
    "FROM commentary WHERE rowid > ? ORDER BY rowid LIMIT ?",
)
PAGE = 5000        # rows read at a time
CHUNK = 1000       # rows a worker reads references in at a time


def source_rows(db: sqlite_utils.Database) -> Iterator[tuple]:
    """Every unit to read, in table order, a page at a time (by rowid, so no statement
    stays open while the stage writes): the corpus's texts are never all in memory at
    once (1.3 GB of them at 100x the corpus)."""
    for sql in SOURCE_TABLES:
        last = -1
        while page := db.execute(sql, [last, PAGE]).fetchall():
            last = page[-1][0]
            for row in page:
                yield row[1:]


def _unit_refs(resolver: Resolver, row: tuple) -> list[dict]:
    """The refs rows of one provision or note."""
    pid, source, text, wrapup, lang, table = row
    from_id = pid
    if table.startswith("commentary"):
        table, from_id = "commentary", table.split("\0", 1)[1]
    ctx = resolver.context_for(pid) if pid else {"source": source}
    out = []
    for field_name, body in (("text", text), ("wrapup", wrapup)):
        if not body:
            continue
        for ref in extract(body, lang, ctx, registry=resolver.registry):
            res = resolver.resolve(ref, lang=lang, date=ctx.get("date"))
            out.append({
                "from_id": from_id, "from_table": table, "from_source": source,
                "field": field_name, "start": ref.start, "end": ref.end, "text": ref.text,
                "work": ref.work, "pinpoint": json.dumps(ref.pinpoint, ensure_ascii=False),
                "to_id": res.to_id, "to_top": resolver.top_of(res.to_id),
                "to_source": res.source_id, "status": res.status, "reason": res.reason,
                "method": ref.method, "title": ref.title, "lang": lang,
            })
    return out


def redo_sources(db: sqlite_utils.Database, previous: str, changed: Collection[str]) -> set[str]:
    """Sources whose references must be read again after ``changed`` sources changed:
    those themselves, and every source with a reference to a work one of them belongs
    to (in this build or the last), resolved or not, since its target may have moved,
    appeared or gone."""
    changed = set(changed)
    works = {w for (w,) in db.execute(
        "SELECT work FROM sources WHERE id IN (SELECT value FROM json_each(?)) UNION "
        f"SELECT work FROM {previous}.sources WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(sorted(changed))] * 2).fetchall()}
    citing = {s for (s,) in db.execute(
        f"SELECT DISTINCT from_source FROM {previous}.refs WHERE work IN "
        "(SELECT value FROM json_each(?)) OR to_source IN (SELECT value FROM json_each(?))",
        [json.dumps(sorted(works)), json.dumps(sorted(changed))]).fetchall()}
    return changed | citing


def previous_refs(db: sqlite_utils.Database, previous: str, changed: Collection[str]
                  ) -> tuple[set[str], dict[tuple, list[dict]]]:
    """From an attached earlier build: the sources to read again, and the refs rows of
    the others by (table, id) of the citing provision or note, in their order."""
    redo = redo_sources(db, previous, changed)
    old: dict[tuple, list[dict]] = {}
    for r in db.query(f"SELECT * FROM {previous}.refs "
                      "WHERE from_source NOT IN (SELECT value FROM json_each(?)) "
                      "ORDER BY id", [json.dumps(sorted(redo))]):
        r.pop("id")
        old.setdefault((r["from_table"], str(r["from_id"])), []).append(r)
    return redo, old


def link_database(db: sqlite_utils.Database, *, jobs: int = 1,
                  redo: Collection[str] | None = None,
                  reuse: Mapping[tuple, list[dict]] | None = None) -> int:
    """Write the refs table, its indexes and views; return the number of references.

    With ``redo`` (see ``previous_refs``), only those sources are read again and the
    others' rows come from ``reuse``; ``jobs`` workers read in parallel. The table
    comes out the same (ids, order) either way.
    """
    resolver = Resolver(db)
    old = reuse or {}
    for view in ("backlinks", "unresolved_by_work"):
        db.execute(f"DROP VIEW IF EXISTS {view}")
    # Indexes after the rows: inserting into an indexed table is slower.
    REFS.create(db, replace=True, indexes=False)
    # Load the grammars before forking, so workers share them: a unit of each language.
    for (rowid,) in db.execute("SELECT min(rowid) FROM provisions WHERE kind = 'provision' "
                               "GROUP BY lang").fetchall():
        _unit_refs(resolver, db.execute(SOURCE_TABLES[0], [rowid - 1, 1]).fetchone()[1:])

    def chunked() -> Iterator[list[tuple[tuple, bool]]]:
        # Each unit with whether to read it again; one not read again goes without its
        # text (id, source, table): only its key finds its old rows.
        chunk: list[tuple[tuple, bool]] = []
        for row in source_rows(db):
            again = redo is None or row[1] in redo
            chunk.append((row, True) if again else ((row[0], row[1], row[5]), False))
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def read(chunk: list[tuple[tuple, bool]]
             ) -> list[tuple[tuple[str, str], list[dict] | None]]:
        """Each unit's key (table, id) and its references, None for a unit not read."""
        out = []
        for row, again in chunk:
            pid, table = row[0], row[-1]
            key = ("commentary", table.split("\0", 1)[1]) if table.startswith("commentary") \
                else ("provisions", str(pid))
            out.append((key, _unit_refs(resolver, row) if again else None))
        return out

    # Chunks stream to the workers and back in table order, a few ahead of this loop
    # (map_items), so memory holds those, not the corpus's texts or references.
    count = 0
    batch: list[dict] = []
    for part in map_items(read, chunked(), jobs=jobs):
        for key, refs in part:
            batch += old.get(key, []) if refs is None else refs
        if len(batch) >= 5000:
            db["refs"].insert_all(batch)
            count += len(batch)
            batch = []
    if batch:
        db["refs"].insert_all(batch)
        count += len(batch)
    REFS.create_indexes(db)
    db.execute("""
        CREATE VIEW backlinks AS
        SELECT r.to_id, t.citation AS to_citation, r.to_top, r.from_table, r.from_id,
               r.from_source, coalesce(p.citation, c.provision_id) AS from_citation,
               r.text, r.method
        FROM refs r
        JOIN provisions t ON t.id = r.to_id
        LEFT JOIN provisions p ON r.from_table = 'provisions' AND p.id = r.from_id
        LEFT JOIN commentary c ON r.from_table = 'commentary' AND c.id = r.from_id""")
    db.execute("""
        CREATE VIEW unresolved_by_work AS
        SELECT coalesce(work, '(not in works.yaml)') AS work, reason, count(*) AS refs,
               count(DISTINCT from_id) AS citing_units,
               group_concat(DISTINCT coalesce(title, '')) AS names
        FROM refs
        WHERE status = 'unresolved'
        GROUP BY 1, 2
        ORDER BY refs DESC""")
    return count
