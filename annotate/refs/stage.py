"""The build stage: every reference in the corpus, resolved, as the `refs` table.

Reads provisions (their text and wrap-up text), commentary notes and the scholarship
(which is provisions of scholarly sources), writes `refs` with indexes for backlinks,
and two views: `backlinks` (who cites a provision) and `unresolved_by_work` (what the
corpus would gain most from adding).
"""
from __future__ import annotations

import json

import sqlite_utils

from .extract import extract
from .resolve import Resolver

REFS_COLUMNS = {
    "id": int, "from_id": str, "from_table": str, "from_source": str, "field": str,
    "start": int, "end": int, "text": str, "work": str, "pinpoint": str, "to_id": str,
    "to_top": str, "to_source": str, "status": str, "reason": str, "method": str,
    "title": str, "lang": str,
}


def iter_refs(db: sqlite_utils.Database, resolver: Resolver):
    """Rows for the refs table, provision by provision, note by note."""
    rows = db.execute("SELECT id, source_id, text, wrapup, lang, 'provisions' FROM provisions "
                      "WHERE kind = 'provision' UNION ALL "
                      "SELECT provision_id, source_id, text, NULL, lang, 'commentary' || char(0) || id "
                      "FROM commentary").fetchall()
    for pid, source, text, wrapup, lang, table in rows:
        from_id = pid
        if table.startswith("commentary"):
            table, from_id = "commentary", table.split("\0", 1)[1]
        ctx = resolver.context_for(pid) if pid else {"source": source}
        for field_name, body in (("text", text), ("wrapup", wrapup)):
            if not body:
                continue
            for ref in extract(body, lang, ctx, registry=resolver.registry):
                res = resolver.resolve(ref, lang=lang, date=ctx.get("date"))
                yield {
                    "from_id": from_id, "from_table": table, "from_source": source,
                    "field": field_name, "start": ref.start, "end": ref.end, "text": ref.text,
                    "work": ref.work, "pinpoint": json.dumps(ref.pinpoint, ensure_ascii=False),
                    "to_id": res.to_id, "to_top": resolver.top_of(res.to_id),
                    "to_source": res.source_id, "status": res.status, "reason": res.reason,
                    "method": ref.method, "title": ref.title, "lang": lang,
                }


def link_database(db: sqlite_utils.Database) -> int:
    """Write the refs table, its indexes and views; return the number of references."""
    resolver = Resolver(db)
    for view in ("backlinks", "unresolved_by_work"):
        db.execute(f"DROP VIEW IF EXISTS {view}")
    if "refs" in db.table_names():
        db["refs"].drop()
    db["refs"].create(REFS_COLUMNS, pk="id")
    count = 0
    batch: list[dict] = []
    for row in iter_refs(db, resolver):
        batch.append(row)
        if len(batch) >= 5000:
            db["refs"].insert_all(batch)
            count += len(batch)
            batch = []
    if batch:
        db["refs"].insert_all(batch)
        count += len(batch)
    for cols in (["to_id"], ["to_top"], ["from_id"], ["work", "status"]):
        db["refs"].create_index(cols)
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
