"""Read-only access to a built database, for everything that reads one: the web view,
the comparison, the exports, the version diff, the annotation tools.

One way to open a database (:func:`connect_readonly`) and one place that knows which
tables and views a database holds (:func:`tables`, :func:`has_table`, :func:`columns`).
Readers ask here rather than query ``sqlite_master`` themselves, so that when every
stage's tables are created by every build, the remaining checks can be removed here
and in no other place. Writers (the build and its stages) do not use this module.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Iterable, Mapping

# What readers accept as a database: a sqlite3 connection, a sqlite_utils Database
# (its ``conn``), or the path of a built file.
Db = Any


def connect_readonly(db: Db, *, immutable: bool = False,
                     check_same_thread: bool = True) -> sqlite3.Connection:
    """A connection that cannot write: a path is opened with ``mode=ro`` (or
    ``immutable=1``, for a file nothing changes while it is read: no locks, as Datasette
    serves it); an open connection or sqlite_utils Database is returned as it is."""
    if isinstance(db, sqlite3.Connection):
        return db
    conn = getattr(db, "conn", None)
    if isinstance(conn, sqlite3.Connection):
        return conn
    if isinstance(db, (str, Path)):
        path = Path(db)
        if not path.is_file():
            raise FileNotFoundError(f"no database at {path}")
        mode = "immutable=1" if immutable else "mode=ro"
        return sqlite3.connect(f"file:{path}?{mode}", uri=True,
                               check_same_thread=check_same_thread)
    raise TypeError(f"not a database: {db!r}")


def rows(conn: sqlite3.Connection, sql: str, params: Iterable | Mapping = ()) -> list[dict]:
    """Query results as dicts, without touching the connection's row_factory; ``params``
    positional (a sequence) or named (a mapping)."""
    cursor = conn.execute(sql, params if isinstance(params, Mapping) else list(params))
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def tables(conn: sqlite3.Connection) -> set[str]:
    """The names of the tables and views the database holds."""
    return {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether the database holds a table or view ``name`` (a stage that did not run
    leaves its tables out of a database built before every build made them all)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')",
                        [name]).fetchone() is not None


def columns(conn: sqlite3.Connection, name: str) -> set[str]:
    """The columns of a table or view (empty when there is none)."""
    return {r[1] for r in conn.execute(f"PRAGMA table_info([{name}])")}


def tags_relation(conn: sqlite3.Connection) -> str | None:
    """``effective_tags`` when present (human decisions applied), else ``tags``, else None."""
    for name in ("effective_tags", "tags"):
        if has_table(conn, name):
            return name
    return None
