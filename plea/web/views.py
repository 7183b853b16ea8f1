"""What the web view adds to a database at build time: the matrix table and indexes.

Served databases are immutable, so anything the web view needs in the file must
be written by the build. `plea.pipeline` runs :func:`build_stage` after the
tagging and reference stages; it is idempotent, and makes no matrix while no
stage has written a tag (every declared table is there, empty or not).
"""
from __future__ import annotations

import json

import sqlite_utils

from plea.annotate.compare import matrix_jurisdictions, matrix_shape, matrix_sql
from plea.corpus.readonly import tags_relation, tagged
from plea.corpus.tables import Table

MATRIX_VIEW = "comparison_matrix"

# One row per code and unit carrying it, with what the code page and the search page's
# code offers sort and count by. Read at request time, these took every tag of a code
# through the effective_tags view and sorted them all (2.3 s for the code page on a
# corpus ten times the real one); from this table a page of a column is an index range.
CODE_UNITS = Table("code_units", {
    "code": (str, "Codebook code (taxonomy.code)"),
    "provision_id": (str, "A unit carrying it after human review (provisions.id)"),
    "col": (str, "Its column of the comparison: CN, US, DE, TW … or scholarship"),
    "source_id": (str, "Its source (sources.id)"),
    "source_order": (int, "The source's place in the manifest (sources.rowid)"),
    "position": (int, "The unit's place in its source (provisions.position)"),
    "translation": (int, "1 when the source is a translation (not counted in the comparison)"),
    "core": (int, "1 when the reference coding counts the unit among its core provisions"),
    "core_code": (int, "1 when the reference coding marks it core for this code"),
    "statute": (int, "1 for a statute or court rule (law before other kinds)"),
    "breadth": (int, "How many codes the reference coding gave the unit (0 when uncoded)"),
    "modalities": (str, "The modalities its tags of this code give, space-separated"),
}, pk=("code", "provision_id"),
    description="Which units carry each code, in every system: what the code page and the "
                "search page's code offers page through and count (written by the build)",
    title="Units per code")
# The contrast of the systems on each code, as the code page shows it: computed from
# every tag of the code, seconds per code on a corpus a hundred times the real one,
# where on request it ran past the 3-second SQL limit (a 500 page).
CODE_CONTRASTS = Table("code_contrasts", {
    "code": (str, "Codebook code (taxonomy.code)"),
    "jurisdictions": (str, "The systems compared, space-separated, in the page's order"),
    "contrast": (str, "What the code page shows (JSON, plea.web.contrast.code_contrast)"),
}, pk="code", description="How the systems differ on each code, as the code page shows it "
                          "(written by the build)", title="Contrasts per code")
TABLES = (CODE_UNITS, CODE_CONTRASTS)

# The two orders pages read code_units in: the code page's (core units first, then the
# manifest's and the text's order) and the search offers' (core for the code, statutes,
# the broadest in the reference coding, then source and place).
CODE_UNIT_INDEXES = {
    "code_units_page": "code, translation, col, core DESC, source_order, position",
    "code_units_offer": "code, col, core_code DESC, statute DESC, breadth DESC, source_id, "
                        "position",
}

CODE_UNITS_SQL = """
SELECT g.code, g.provision_id,
       CASE WHEN p.source_kind = 'scholarship' THEN 'scholarship' ELSE p.jurisdiction END,
       p.source_id, s.rowid, p.position, s.translation_of IS NOT NULL,
       EXISTS (SELECT 1 FROM reference_units r WHERE r.provision_id = g.provision_id
               AND r.core = 1),
       coalesce((SELECT max(r.core * (instr(' ' || r.code_list || ' ', ' ' || g.code || ' ') > 0))
                 FROM reference_units r WHERE r.provision_id = g.provision_id), 0),
       s.kind IN ('statute', 'court-rule'),
       coalesce((SELECT max(r.codes) FROM reference_units r
                 WHERE r.provision_id = g.provision_id), 0),
       group_concat(DISTINCT g.modality)
FROM {tags} g JOIN provisions p ON p.id = g.provision_id JOIN sources s ON s.id = p.source_id
GROUP BY g.code, g.provision_id
"""

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
    made += _code_units(conn)
    made += _code_contrasts(conn)
    return made


def _code_contrasts(conn) -> list[str]:
    """Write `code_contrasts` afresh: each code's contrast across every system."""
    from plea.web.contrast import code_contrast      # the page's own, imported late:
    from plea.web.matrix import jurisdictions        # plea.web's modules load the
    from plea.web.viewmodel import labels_in         # codebook and the compare module
    CODE_CONTRASTS.create(sqlite_utils.Database(conn), replace=True)
    if not tagged(conn):
        return []
    every = jurisdictions(conn)
    labels = labels_in(conn)
    conn.executemany("INSERT INTO code_contrasts VALUES (?, ?, ?)", [
        (code, " ".join(every), json.dumps(code_contrast(conn, code, every, labels),
                                           ensure_ascii=False))
        for code in labels])
    return ["code_contrasts"]


def _code_units(conn) -> list[str]:
    """Write `code_units` afresh from the tags as this build leaves them (after the
    reference coding and the annotation store), and its two reading orders."""
    CODE_UNITS.create(sqlite_utils.Database(conn), replace=True)
    if not tagged(conn):
        return []
    sql = CODE_UNITS_SQL.format(tags=tags_relation(conn))
    # group_concat(DISTINCT x) takes no separator: commas become spaces.
    conn.execute(f"INSERT INTO code_units SELECT * FROM ({sql})")
    conn.execute("UPDATE code_units SET modalities = replace(modalities, ',', ' ')")
    for name, columns in CODE_UNIT_INDEXES.items():
        conn.execute(f"CREATE INDEX [{name}] ON code_units ({columns})")
    return ["code_units"]


def build_stage(db) -> str:
    """The build stage: ``("web", build_stage)`` in plea.pipeline.stages()."""
    made = install(db)
    return "web view: " + (", ".join(made) if made else "nothing to add (no tags yet)")
