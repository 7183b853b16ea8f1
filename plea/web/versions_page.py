"""Two pages about what the corpus holds: a work's versions compared, and coverage.

``/diff/<work>?from=2012&to=2021`` shows ``annotate.versions.diff_versions`` — the
summary, chapters added, renamed or regrouped, and every article that changed with the
change inline (``?status=`` and ``?plea=1`` narrow the list). ``/coverage`` lists every
source, and for each missing one what it would supply to the comparison.
"""
from __future__ import annotations

import sqlite3

from annotate.versions import STATUSES, VersionError, diff_versions, version_sources

from .pages import Links


def _db_key(conn: sqlite3.Connection) -> tuple:
    """The served database is immutable: its last build identifies its content."""
    row = conn.execute("SELECT max(id), max(finished) FROM builds").fetchone()
    return tuple(row) if row else ()


# The last few comparisons (a comparison of two large versions takes a second or two).
_RESULTS: dict[tuple, object] = {}


def diff_page(conn: sqlite3.Connection, work: str, old: str | None, new: str | None,
              status: str | None, plea: bool, links: Links) -> dict | None:
    key = (_db_key(conn), work, old, new)
    result = _RESULTS.get(key)
    error = None
    if result is None:
        try:
            result = diff_versions(conn, work, old, new)
        except VersionError as exc:
            error = str(exc)
        else:
            if len(_RESULTS) > 8:
                _RESULTS.clear()
            _RESULTS[key] = result
    versions = [{"id": s["id"], "version": s["version"]} for s in version_sources(conn, work)]
    if error:
        return {"work": work, "error": error, "versions": versions, "title": f"Versions of {work}"}
    changes = result.plea_changes() if plea else result.changes
    if status in STATUSES:
        changes = [c for c in changes if c.status == status]
    elif not plea:
        changes = [c for c in changes if c.status != "unchanged"]
    rows = [{
        "status": c.status, "renumbered": c.renumbered, "similarity": c.similarity,
        "old": c.old, "new": c.new, "codes": c.codes, "inline": c.inline,
        "old_href": links.provision(c.old.id) if c.old else None,
        "new_href": links.provision(c.new.id) if c.new else None,
    } for c in changes]
    base = {"from": result.old_source, "to": result.new_source}

    def href(**params) -> str:
        return links.diff(work, **base, **params)

    counts = result.counts()
    return {
        "work": work, "title": f"{work}: {result.old_source} → {result.new_source}",
        "result": result, "summary": result.summary(), "counts": counts,
        "chapters": [c for c in result.chapters if c.status != "kept"], "rows": rows,
        "versions": versions, "status": status, "plea": plea,
        "filters": [{"label": s, "n": counts[s], "href": href(status=s),
                     "selected": status == s} for s in STATUSES]
        + [{"label": "plea-related", "n": len(result.plea_changes()), "href": href(plea=1),
            "selected": plea}],
        "all_href": href(),
    }


def coverage_page(conn: sqlite3.Connection, links: Links) -> dict:
    cols = [r[1] for r in conn.execute("PRAGMA table_info(sources)")]
    supplies = "supplies" if "supplies" in cols else "NULL"
    rows = [dict(zip(("id", "title", "jurisdiction", "kind", "status", "provisions", "note",
                      "supplies", "version"), r)) for r in conn.execute(
        f"SELECT id, title, jurisdiction, kind, status, provisions, note, {supplies}, version "
        "FROM sources ORDER BY jurisdiction, status != 'missing', id")]
    for row in rows:
        row["href"] = links.row("sources", row["id"])
    missing = [r for r in rows if r["status"] == "missing"]
    return {"title": "Coverage", "rows": rows, "missing": missing,
            "present": [r for r in rows if r["status"] != "missing"]}
