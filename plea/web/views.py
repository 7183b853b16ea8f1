"""What the web view adds to a database at build time: the matrix table and indexes.

Served databases are immutable, so anything the web view needs in the file must
be written by the build. `plea.pipeline` runs :func:`build_stage` after the
tagging and reference stages; it is idempotent, and makes no matrix while no
stage has written a tag (every declared table is there, empty or not).
"""
from __future__ import annotations

from plea.annotate.compare import matrix_jurisdictions, matrix_shape, matrix_sql
from plea.corpus.readonly import tagged

MATRIX_VIEW = "comparison_matrix"

# The lookups the pages make: by code and by provision for tags, both ends of a
# reference. Without them each page scans the whole tags / refs table.
INDEXES = {
    "tags": (("code",), ("provision_id",)),
    "refs": (("to_id",), ("from_id",)),
}


def _leading_columns(db, table: str) -> set[str]:
    """First column of every index the table already has (from any stage)."""
    found = set()
    for index in db.execute(f"PRAGMA index_list([{table}])").fetchall():
        cols = db.execute(f"PRAGMA index_info([{index[1]}])").fetchall()
        if cols:
            found.add(cols[0][2])
    return found


def install(db) -> list[str]:
    """Create missing indexes and the `comparison_matrix` table; return what was made.

    ``db`` is a sqlite3 connection or a sqlite_utils Database (both ``execute``).
    """
    conn = getattr(db, "conn", db)
    made = []
    for table, indexes in INDEXES.items():
        have = _leading_columns(db, table)
        for cols in indexes:
            if cols[0] in have:
                continue
            name = f"idx_{table}_{'_'.join(cols)}"
            db.execute(f"CREATE INDEX IF NOT EXISTS [{name}] ON [{table}] "
                       f"({', '.join(f'[{c}]' for c in cols)})")
            made.append(name)
    if tagged(conn):
        # Re-created each build: its columns follow the jurisdictions present, and the
        # statement is the comparison's own (annotate.compare.matrix_sql). Written as a
        # table, not a view: the served file is immutable, so the matrix cannot change
        # between builds, and a view would aggregate every tag on every request (355 ms
        # on a corpus ten times the real one).
        for (kind,) in db.execute("SELECT type FROM sqlite_master WHERE name = ?",
                                  [MATRIX_VIEW]).fetchall():
            db.execute(f"DROP {kind.upper()} [{MATRIX_VIEW}]")
        sql = matrix_sql(matrix_jurisdictions(conn), matrix_shape(conn))
        columns = [d[0] for d in db.execute(f"SELECT * FROM ({sql}) LIMIT 0").description]
        # Keyed by code, so Datasette shows and exports the columns without a rowid.
        db.execute(f"CREATE TABLE [{MATRIX_VIEW}] ("
                   + ", ".join(f"[{c}]" for c in columns) + ", PRIMARY KEY (code))")
        db.execute(f"INSERT INTO [{MATRIX_VIEW}] SELECT * FROM ({sql})")
        made.append(MATRIX_VIEW)
    return made


def build_stage(db) -> str:
    """The build stage: ``("web", build_stage)`` in plea.pipeline.stages()."""
    made = install(db)
    return "web view: " + (", ".join(made) if made else "nothing to add (no tags yet)")
