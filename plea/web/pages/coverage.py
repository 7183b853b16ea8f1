"""``/coverage``: every source, and for each missing one what it would supply to the
comparison (as `plea sources` prints it).
"""
from __future__ import annotations

import sqlite3

from ..render import Links, page

ROUTE = r"^/coverage$"


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


async def handle(datasette, request):
    return await page(datasette, request, "plea_coverage.html", coverage_page,
                      title="Coverage")
