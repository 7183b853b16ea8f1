"""What the corpus holds: per source, present / missing / changed, and what it gave."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .readonly import connect_readonly
from .sources import Source, file_states


def coverage(sources: list[Source], sources_dir: Path, db_path: Path | None) -> list[dict]:
    built = _built(db_path)
    rows = []
    for source in sources:
        row = {"id": source.id, "work": source.work, "jurisdiction": source.jurisdiction,
               "kind": source.kind, "title": source.title}
        if source.supplies:
            row["supplies"] = source.supplies
        if source.missing:
            row.update(status="missing", note=source.note)
        else:
            states = file_states(source, sources_dir)
            worst = ("missing" if any(s.state == "missing" for s in states) else
                     "mismatch" if any(s.state == "mismatch" for s in states) else "present")
            row.update(status=worst, files={s.path: s.state for s in states})
        if (b := built.get(source.id)) and b["provisions"] is not None:
            counts = json.loads(b["counts"] or "{}")
            expected = json.loads(b["expected"] or "{}")
            row["provisions"] = b["provisions"]
            row["counts"] = ", ".join(
                f"{k} {counts.get(k, 0)}" + (f"/{expected[k]}" if k in expected else "")
                for k in expected or {k: v for k, v in counts.items() if k in (
                    "article", "rule", "section", "paragraph")})
            row["fidelity"] = "ok" if b["fidelity_ok"] else f"{b['residue']} residue"
        rows.append(row)
    return rows


def _built(db_path: Path | None) -> dict[str, dict]:
    if not db_path or not Path(db_path).is_file():
        return {}
    try:
        conn = connect_readonly(db_path)
        conn.row_factory = sqlite3.Row
        rows = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM sources")}
        conn.close()
        return rows
    except sqlite3.Error:
        return {}
