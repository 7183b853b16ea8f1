"""Read-only access to a built database, for everything that reads one: the web view,
the comparison, the exports, the version diff, the annotation tools.

One way to open a database (:func:`connect_readonly`) and the one guard on what it
holds (:func:`require_built`). Every build creates every table the stages declare
(``plea.corpus.tables``), empty where no stage filled it, so a reader queries a declared
table without asking whether it is there. A database that lacks one was built by an
older plea-corpus (or is not a plea database): opening it by its path for reading or
serving fails here with one line, rather than serving half-empty pages.
Writers (the build and its stages) do not use this module.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import PleaError

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
        conn = sqlite3.connect(f"file:{path}?{mode}", uri=True,
                               check_same_thread=check_same_thread)
        try:
            require_built(conn, path)
        except PleaError:
            conn.close()
            raise
        return conn
    raise TypeError(f"not a database: {db!r}")


def rows(conn: sqlite3.Connection, sql: str, params: Iterable | Mapping = ()) -> list[dict]:
    """Query results as dicts, without touching the connection's row_factory; ``params``
    positional (a sequence) or named (a mapping)."""
    cursor = conn.execute(sql, params if isinstance(params, Mapping) else list(params))
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


class OlderDatabase(PleaError):
    """A database without every declared table: built by an older plea-corpus, or
    not a plea database at all (``missing`` holds ``sources`` then)."""

    def __init__(self, message: str, *, path: str | None = None, missing: list[str] = ()):
        super().__init__(message, path=path)
        self.missing = list(missing)


def missing_tables(conn: sqlite3.Connection) -> list[str]:
    """The declared tables (``plea.corpus.tables.declared``) the database does not hold."""
    from .tables import declared     # the declarations import the stage modules
    have = tables(conn)
    return [t.name for t in declared() if t.name not in have]


def require_built(conn: sqlite3.Connection, path: str | Path | None = None) -> None:
    """The one guard: raise :class:`OlderDatabase` unless the database holds every
    declared table, so no reader needs to ask whether a table exists."""
    missing = missing_tables(conn)
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3
                                         else "")
        raise OlderDatabase(f"built by an older plea-corpus (no table {shown}): run plea build",
                            path=str(path) if path is not None else None, missing=missing)


def tables(conn: sqlite3.Connection) -> set[str]:
    """The names of the tables and views the database holds."""
    return {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}


def columns(conn: sqlite3.Connection, name: str) -> set[str]:
    """The columns of a table or view (empty when there is none)."""
    return {r[1] for r in conn.execute(f"PRAGMA table_info([{name}])")}


def tags_relation(conn: sqlite3.Connection) -> str:
    """Where readers take tags from: ``effective_tags``, the view the annotations stage
    makes (human decisions over the machine's tags), else the ``tags`` table itself —
    a database holding the machine layer alone, as the tagger's and the comparison's
    tests make. The one place a reader asks which relation is there."""
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'effective_tags' "
                         "AND type = 'view'").fetchone()
    return "effective_tags" if found else "tags"


def tagged(conn: sqlite3.Connection) -> bool:
    """Whether the database holds any tag (the table is always there; empty when no
    tagger, reference coding or annotator wrote one)."""
    return conn.execute(f"SELECT EXISTS (SELECT 1 FROM [{tags_relation(conn)}])").fetchone()[0] == 1
