"""``/diff/<work>?from=2012&to=2021``: two versions of a work compared
(``plea.annotate.versions.diff_versions``) — the summary, chapters added, renamed or
regrouped, and every article that changed with the change inline (``?status=`` and
``?plea=1`` narrow the list).
"""
from __future__ import annotations

import sqlite3
from urllib.parse import unquote

from plea.annotate.versions import STATUSES, VersionError, diff_versions, version_sources

from ..render import Links, page

ROUTE = r"^/diff/(?P<work>[^/]+)$"


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


async def handle(datasette, request):
    work = unquote(request.url_vars["work"])
    old = (request.args.get("from") or "").strip() or None
    new = (request.args.get("to") or "").strip() or None
    status = (request.args.get("status") or "").strip() or None
    plea = bool(request.args.get("plea"))
    return await page(datasette, request, "plea_diff.html",
                      lambda conn, links: diff_page(conn, work, old, new, status, plea, links),
                      title=f"Versions of {work}")
