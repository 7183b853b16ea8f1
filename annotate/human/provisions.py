"""Read-only access to the provisions of a built corpus database.

Re-anchoring looks one provision up most of the time and searches a whole
source or the whole corpus only when the words moved, so rows are fetched one
at a time and a source is loaded whole only when it is searched.
"""
from __future__ import annotations

import difflib
import sqlite3
from bisect import bisect_right
from pathlib import Path
from typing import Iterator

import sqlite_utils

from plea.corpus import readonly

from .model import AnnotationError

COLUMNS = ("id", "source_id", "work", "parent_id", "kind", "level", "num", "heading",
           "text", "wrapup", "lang", "citation", "position", "eid")
_SELECT = "SELECT " + ", ".join(f"[{c}]" for c in COLUMNS) + " FROM provisions"


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    path = Path(path)
    if not path.is_file():
        raise AnnotationError(f"no database at {path}: run `plea build` first")
    return readonly.connect_readonly(path, check_same_thread=False)


class Provisions:
    """Lookups and text searches over the ``provisions`` (and ``tags``) tables."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._rows: dict[str, dict] = {}
        self._loaded_sources: set[str] = set()
        self._children: dict[str, list[str]] = {}
        self._whole: dict[str, str] = {}
        self._source_ids: dict[str, list[str]] = {}
        self._haystacks: dict[str, tuple[str, list[int], list[str]]] = {}
        self._whole_index: dict[str, dict[str, list[str]]] = {}
        self._sources: dict[str, str] | None = None     # source id → work
        if "provisions" not in readonly.tables(conn):
            raise AnnotationError("the database has no provisions table: run `plea build` first")

    @classmethod
    def open(cls, db: "Provisions | sqlite_utils.Database | sqlite3.Connection | str | Path"
             ) -> "Provisions":
        if isinstance(db, Provisions):
            return db
        if isinstance(db, sqlite_utils.Database):
            return cls(db.conn)
        if isinstance(db, sqlite3.Connection):
            return cls(db)
        return cls(connect_readonly(db))

    # -- single rows ------------------------------------------------------------
    def get(self, provision_id: str) -> dict | None:
        if provision_id not in self._rows:
            cur = self.conn.execute(_SELECT + " WHERE id = ?", [provision_id])
            row = cur.fetchone()
            if row is None:
                return None
            self._rows[provision_id] = dict(zip(COLUMNS, row))
        return self._rows[provision_id]

    def require(self, provision_id: str) -> dict:
        """The row, or an AnnotationError that suggests near ids."""
        row = self.get(provision_id)
        if row is not None:
            return row
        prefix = provision_id.split(":", 1)[0]
        ids = [r[0] for r in self.conn.execute(
            "SELECT id FROM provisions WHERE source_id = ?", [prefix])]
        near = difflib.get_close_matches(provision_id, ids, n=3, cutoff=0.8)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise AnnotationError(f"unknown provision id {provision_id!r}{hint}")

    def own_text(self, provision_id: str) -> str:
        row = self.get(provision_id)
        return (row["text"] or "") if row else ""

    def whole_text(self, provision_id: str) -> str:
        """The text that identifies a provision as a whole: a container's number
        and heading; a leaf's own text; else its text with every subdivision's."""
        if provision_id in self._whole:
            return self._whole[provision_id]
        row = self.get(provision_id)
        if row is None:
            return ""
        if row["kind"] == "container":
            text = " ".join(p for p in (row["num"], row["heading"]) if p)
        else:
            self._load_source(row["source_id"])
            kids = [k for k in self._children.get(provision_id, [])
                    if self._rows[k]["kind"] != "container"]
            if not kids:
                text = row["text"] or ""
            else:
                parts = [row["text"]] + [self.whole_text(k) for k in kids] + [row["wrapup"]]
                text = "\n".join(p for p in parts if p)
        self._whole[provision_id] = text
        return text

    def children(self, provision_id: str) -> list[str]:
        """Direct subdivisions in reading order."""
        row = self.get(provision_id)
        if row is None:
            return []
        self._load_source(row["source_id"])
        return list(self._children.get(provision_id, []))

    # -- scopes -------------------------------------------------------------------
    def _load_source(self, source_id: str) -> None:
        if source_id in self._loaded_sources:
            return
        ids = []
        for row in self.conn.execute(_SELECT + " WHERE source_id = ? ORDER BY position",
                                     [source_id]):
            data = dict(zip(COLUMNS, row))
            self._rows.setdefault(data["id"], data)
            ids.append(data["id"])
        for pid in ids:
            parent = self._rows[pid]["parent_id"]
            if parent:
                self._children.setdefault(parent, []).append(pid)
        self._source_ids[source_id] = ids
        self._loaded_sources.add(source_id)

    def sources(self, *, work: str | None = None) -> list[str]:
        """Source ids with provisions (of one work), sorted."""
        if self._sources is None:
            self._sources = dict(self.conn.execute(
                "SELECT source_id, work FROM provisions GROUP BY source_id"))
        return sorted(s for s, w in self._sources.items() if work is None or w == work)

    def ids_in(self, *, source_id: str | None = None, work: str | None = None) -> Iterator[str]:
        """Provision ids of one source, one work, or (neither) the whole corpus,
        in reading order."""
        sources = [source_id] if source_id else self.sources(work=work)
        for sid in sources:
            self._load_source(sid)
            yield from self._source_ids[sid]

    # -- searches ---------------------------------------------------------------------
    def find_text(self, quote: str, source_id: str) -> list[tuple[str, int]]:
        """Every (provision id, offset) where ``quote`` occurs in a provision's
        own text in one source."""
        if source_id not in self._haystacks:
            # One string per source, texts separated by NUL, searched with
            # str.find: far faster than testing every provision in turn.
            self._load_source(source_id)
            ids = self._source_ids[source_id]
            starts, pos = [], 0
            for pid in ids:
                starts.append(pos)
                pos += len(self._rows[pid]["text"] or "") + 1
            hay = "\0".join(self._rows[pid]["text"] or "" for pid in ids)
            self._haystacks[source_id] = (hay, starts, ids)
        hay, starts, ids = self._haystacks[source_id]
        out = []
        if not quote or "\0" in quote:
            return out
        i = hay.find(quote)
        while i != -1:
            k = bisect_right(starts, i) - 1
            out.append((ids[k], i - starts[k]))
            i = hay.find(quote, i + 1)
        return out

    def find_whole(self, text: str, source_id: str) -> list[str]:
        """Provisions of one source whose whole text (see :meth:`whole_text`) is ``text``."""
        if source_id not in self._whole_index:
            index: dict[str, list[str]] = {}
            for pid in self.ids_in(source_id=source_id):
                index.setdefault(self.whole_text(pid), []).append(pid)
            self._whole_index[source_id] = index
        return list(self._whole_index[source_id].get(text, []))

    # -- automatic tags ----------------------------------------------------------
    def tagged(self) -> bool:
        """Whether the tagger wrote any tag (the table is in every build, empty or not)."""
        return self.conn.execute("SELECT EXISTS (SELECT 1 FROM tags)").fetchone()[0] == 1

    def tags(self, provision_id: str, code: str | None = None) -> list[dict]:
        """Automatic tags on a provision (empty when the tagger has not run)."""
        sql, params = "SELECT * FROM tags WHERE provision_id = ?", [provision_id]
        if code:
            sql += " AND code = ?"
            params.append(code)
        cur = self.conn.execute(sql, params)
        cols = [d[0] for d in cur.description]
        found = [dict(zip(cols, r)) for r in cur.fetchall()]
        return sorted(found, key=lambda t: (t.get("start") is None, t.get("start") or 0))
