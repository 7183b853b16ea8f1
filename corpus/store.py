"""The provision store: tables, rows and full-text indexes in one SQLite file.

Scholars query this database directly (Datasette, sqlite3, pandas), so the
table and column names below are an interface: add columns, never rename.
Only this module and the web view know them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterable

import sqlite_utils

from .model import BIBLIOGRAPHY, COMMENTARY, CONTAINER, Document, Node
from .search import FTS_TOKENIZE, index_text
from .sources import Source
from .tables import Table

SCHEMA_VERSION = 1

PROVISIONS_TABLE = Table("provisions", {
    "id": (str, "Stable id: <source id>:<eId> (Akoma Ntoso style, e.g. cn-cpl-2018:art_201__para_2)"),
    "source_id": (str, "The source text this provision comes from (see the sources table)"),
    "work": (str, "The work, as in works.yaml (cn-cpl, us-frcrp, de-stpo, …); several versions share one work"),
    "jurisdiction": (str, "CN, US, DE or TW (scholarship: the system it writes about)"),
    "source_kind": (str, "statute, judicial-interpretation, court-rule, sentencing-guideline, scholarship, …"),
    "eid": (str, "Akoma Ntoso-style id inside the source"),
    "parent_id": (str, "The enclosing provision or container"),
    "level": (str, "book / chapter / section / article / paragraph / item / rule / subsection / …"),
    "kind": (str, "container (编章节, Title, Part) or provision (citable text)"),
    "num": (str, "The number as printed (第二百零一条, (c), § 257c)"),
    "num_norm": (str, "The number normalised (201, c, 257c, 15-1)"),
    "heading": (str, "Heading or caption"),
    "text": (str, "The provision's own text; subdivisions are separate rows"),
    "wrapup": (str, "Continuation text printed after the subdivisions"),
    "lang": (str, "zh, en or de (the source's language says zh-Hans or zh-Hant)"),
    "citation": (str, "The citation a scholar would write"),
    "container": (str, "The chain of containers (编 › 章 › 节, Title, Part)"),
    "position": (int, "Reading order inside the source"),
    "depth": (int, "Nesting depth inside the source (0 = top level)"),
    "line": (int, "Line of the source file the unit starts on"),
    "attrs": (str, "Parser-specific attributes (JSON)"),
}, pk="id", foreign_keys=(("source_id", "sources", "id"), ("parent_id", "provisions", "id")),
    indexes=(("source_id",), ("parent_id",), ("level",), ("work", "num_norm")))
COMMENTARY_TABLE = Table("commentary", {
    "id": (str, "<source id>:<eId> of the note"),
    "source_id": (str, "The source text (sources.id)"),
    "provision_id": (str, "The provision the note is attached to (provisions.id)"),
    "eid": (str, "Akoma Ntoso-style id inside the source"),
    "level": (str, "Kind of note (committee note, commentary, editorial note, …)"),
    "num": (str, "The number as printed, if any"),
    "heading": (str, "Heading or caption"),
    "text": (str, "The note's text, its subdivisions included"),
    "lang": (str, "zh, en or de"),
    "position": (int, "Reading order among the source's notes"),
    "line": (int, "Line of the source file the note starts on"),
    "attrs": (str, "Parser-specific attributes (JSON)"),
}, pk="id", foreign_keys=(("source_id", "sources", "id"), ("provision_id", "provisions", "id")),
    indexes=(("provision_id",),))
BIBLIOGRAPHY_TABLE = Table("bibliography", {
    "id": (str, "<source id>:<eId> of the entry"),
    "source_id": (str, "The scholarly source whose reference list holds it (sources.id)"),
    "eid": (str, "Id inside the source"),
    "num": (str, "The entry's number as printed, if any"),
    "text": (str, "The entry as printed"),
    "authors": (str, "Authors as the entry names them"),
    "year": (str, "Year of publication"),
    "title": (str, "Title of the cited work"),
    "position": (int, "Order in the reference list"),
    "attrs": (str, "Parsed parts of the entry (JSON)"),
}, pk="id", foreign_keys=(("source_id", "sources", "id"),), indexes=(("source_id",),))
SOURCES_TABLE = Table("sources", {
    "id": (str, "Source id, as in the manifest (cn-cpl-2018, us-frcrp, …)"),
    "work": (str, "The work the source is a version of (works.yaml)"),
    "title": (str, "Title in the source's language"),
    "title_en": (str, "English title"),
    "short_title": (str, "Short title used in citations"),
    "jurisdiction": (str, "CN, US, DE or TW"),
    "kind": (str, "statute, judicial-interpretation, court-rule, scholarship, …"),
    "issuer": (str, "Who issued the text"),
    "version": (str, "Version date or edition"),
    "in_force": (str, "Whether the version is in force"),
    "language": (str, "Language tag (zh-Hans, zh-Hant, en, de)"),
    "format": (str, "File format of the source"),
    "parser": (str, "The parser that reads it"),
    "paths": (str, "Its files under the sources directory (JSON list)"),
    "sha256": (str, "Checksums of its files as read by this build (JSON list)"),
    "url": (str, "Where the text was obtained"),
    "licence": (str, "The text's licence or copyright status"),
    "provenance": (str, "How the file was obtained and prepared"),
    "status": (str, "present, missing, mismatch (checksum differs) or error"),
    "note": (str, "Manifest note, or the error that kept the source out"),
    "translation_of": (str, "The source this one translates (sources.id)"),
    "provisions": (int, "Provisions the source contributed"),
    "articles": (int, "Articles (rules, sections) it contributed"),
    "commentary": (int, "Notes it contributed"),
    "bibliography": (int, "Reference-list entries it contributed"),
    "fidelity_ok": (int, "1 when no text was lost or invented in parsing"),
    "residue": (int, "How many residue findings the fidelity check made"),
    "counts": (str, "Provisions per level (JSON)"),
    "expected": (str, "Counts the manifest expects (JSON)"),
    "counts_ok": (int, "1 when the counts are those expected"),
    "parser_version": (str, "Digest of the code that parsed it (its reuse key)"),
    "meta": (str, "What the parser reported: residue, problems, document metadata (JSON)"),
    "doc_number": (str, "Official document number (文号)"),
    "supplies": (str, "What the source supplies to the comparison"),
}, pk="id")
ALIGNMENTS_TABLE = Table("alignments", {
    "id": (int, ""),
    "provision_id": (str, "The provision of the original (provisions.id)"),
    "target_id": (str, "Its counterpart in the translation (provisions.id)"),
    "source_id": (str, "The original's source"),
    "target_source_id": (str, "The translation's source"),
    "kind": (str, "translation"),
    "method": (str, "How the pair was found (eid: same eId)"),
}, pk="id", foreign_keys=(("provision_id", "provisions", "id"), ("target_id", "provisions", "id")),
    indexes=(("provision_id",), ("target_id",)))
FIDELITY_TABLE = Table("fidelity", {
    "source_id": (str, "The source (sources.id)"),
    "file": (str, "The file, relative to the sources directory"),
    "body_chars": (int, "Characters of text in the file's body"),
    "parsed_chars": (int, "Characters of text in the parsed provisions"),
    "ok": (int, "1 when nothing was lost or invented"),
    "residue": (str, "What was lost or invented (JSON list)"),
}, pk=("source_id", "file"), foreign_keys=(("source_id", "sources", "id"),))
BUILDS_TABLE = Table("builds", {
    "id": (int, ""),
    "started": (str, "When the build started (UTC)"),
    "finished": (str, "When it finished"),
    "status": (str, "ok, accepted (problems passed with --keep-going) or running"),
    "sources_dir": (str, "The sources directory it read"),
    "message": (str, "What was accepted, if anything"),
}, pk="id", hidden=True)
BUILD_LOG_TABLE = Table("build_log", {
    "id": (int, ""),
    "build_id": (int, "The build (builds.id)"),
    "source_id": (str, "The source, or null for a stage"),
    "action": (str, "parsed, reused, missing, mismatch, error, or stage:<name>"),
    "seconds": (float, "Time taken"),
    "provisions": (int, "Provisions written"),
    "message": (str, "Problems found, or the stage's outcome"),
}, pk="id", foreign_keys=(("build_id", "builds", "id"),), hidden=True)
# Created by create_schema, in this order (a foreign key's table first).
TABLES = (SOURCES_TABLE, PROVISIONS_TABLE, COMMENTARY_TABLE, BIBLIOGRAPHY_TABLE,
          ALIGNMENTS_TABLE, FIDELITY_TABLE, BUILDS_TABLE, BUILD_LOG_TABLE)
# Column types, for code that writes rows.
PROVISION_COLUMNS = PROVISIONS_TABLE.types()
COMMENTARY_COLUMNS = COMMENTARY_TABLE.types()
BIBLIOGRAPHY_COLUMNS = BIBLIOGRAPHY_TABLE.types()
SOURCE_COLUMNS = SOURCES_TABLE.types()
# Tables whose rows belong to one source, copied over when a source is unchanged.
PER_SOURCE_TABLES = ("provisions", "commentary", "bibliography", "fidelity")


def create_schema(db: sqlite_utils.Database) -> None:
    for table in TABLES:
        table.create(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@dataclass
class Rows:
    provisions: list[dict]
    commentary: list[dict]
    bibliography: list[dict]
    # table -> (id, search form of each SEARCH_COLUMNS column): filled by the build's parse
    # workers (``with_search_text``) so the parent does not compute it in ``build_search``
    search: dict[str, list[tuple]] = field(default_factory=dict)


# the columns the FTS5 indexes hold, per table
SEARCH_COLUMNS: dict[str, tuple[str, ...]] = {
    "provisions": ("heading", "text", "wrapup", "citation"),
    "commentary": ("heading", "text"),
}


def with_search_text(rows: Rows) -> Rows:
    """``rows`` with their search form (``index_text``) computed: Han characters spaced
    and folded, German words stemmed — about a second and a half of the corpus's build,
    worth spending in a worker rather than in the parent that stores every row."""
    rows.search = {table: [(r["id"], *(index_text(r.get(c), r.get("lang")) for c in columns))
                           for r in getattr(rows, table)]
                   for table, columns in SEARCH_COLUMNS.items()}
    return rows


def document_rows(doc: Document, source: Source) -> Rows:
    """Flatten a parsed document into table rows, in reading order."""
    rows = Rows([], [], [])
    sid = source.id

    def pid(eid: str) -> str:
        return f"{sid}:{eid}"

    def visit(node: Node, parent: Node | None, containers: list[str], depth: int,
              provision_parent: Node | None) -> None:
        attrs = json.dumps(node.attrs, ensure_ascii=False) if node.attrs else None
        if node.kind == COMMENTARY:
            owner = provision_parent or parent
            rows.commentary.append({
                "id": pid(node.eid), "source_id": sid,
                "provision_id": pid(owner.eid) if owner else None, "eid": node.eid,
                "level": node.level, "num": node.num, "heading": node.heading,
                "text": _full_text(node), "lang": node.lang or source.lang,
                "position": len(rows.commentary), "line": node.line, "attrs": attrs,
            })
            return  # a note's own subdivisions stay inside its text
        if node.kind == BIBLIOGRAPHY:
            rows.bibliography.append({
                "id": pid(node.eid), "source_id": sid, "eid": node.eid, "num": node.num,
                "text": node.text, "authors": _join(node.attrs.get("authors")),
                "year": _str(node.attrs.get("year")), "title": node.attrs.get("title"),
                "position": len(rows.bibliography), "attrs": attrs,
            })
            return
        rows.provisions.append({
            "id": pid(node.eid), "source_id": sid, "work": source.work,
            "jurisdiction": source.jurisdiction, "source_kind": source.kind, "eid": node.eid,
            "parent_id": pid(parent.eid) if parent else None, "level": node.level,
            "kind": node.kind, "num": node.num, "num_norm": node.num_norm,
            "heading": node.heading, "text": node.text, "wrapup": node.wrapup,
            "lang": node.lang or source.lang, "citation": node.citation,
            "container": " › ".join(containers) or None, "position": len(rows.provisions),
            "depth": depth, "line": node.line, "attrs": attrs,
        })
        inner = containers + [_label(node)] if node.kind == CONTAINER else containers
        for child in node.children:
            visit(child, node, inner, depth + 1,
                  node if node.kind != CONTAINER else provision_parent)

    for root in doc.nodes:
        visit(root, None, [], 0, None)
    return rows


def _full_text(node: Node) -> str:
    parts = []
    for n, _ in node.walk():
        piece = " ".join(p for p in (n.num, n.heading, n.text) if p)
        if piece:
            parts.append(piece)
        if n.wrapup:
            parts.append(n.wrapup)
    return "\n".join(parts)


def _label(node: Node) -> str:
    return " ".join(p for p in (node.num, node.heading) if p) or node.eid


def _join(value) -> str | None:
    if value is None:
        return None
    return "; ".join(value) if isinstance(value, (list, tuple)) else str(value)


def _str(value) -> str | None:
    return None if value is None else str(value)


def write_rows(db: sqlite_utils.Database, rows: Rows) -> None:
    db["provisions"].insert_all(rows.provisions, batch_size=2000)
    db["commentary"].insert_all(rows.commentary, batch_size=2000)
    db["bibliography"].insert_all(rows.bibliography, batch_size=2000)
    for table, values in rows.search.items():
        if values:
            _search_table(db, table)
            # committed at once, as insert_all commits: a transaction left open would keep
            # the build from detaching the last build's database ("database prev is locked")
            with db.conn:
                db.conn.executemany(f"INSERT INTO temp.[{table}_search] VALUES ("
                                    + ", ".join("?" * len(values[0])) + ")", values)


def _search_table(db: sqlite_utils.Database, table: str) -> None:
    """The connection's TEMP table of search forms computed ahead (gone when it closes)."""
    cols = ", ".join(f"[{c}]" for c in SEARCH_COLUMNS[table])
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS [{table}_search] (id TEXT PRIMARY KEY, {cols})")


def copy_source_rows(db: sqlite_utils.Database, alias: str, source_id: str) -> int:
    """Copy one unchanged source's rows from an attached previous database."""
    for table in PER_SOURCE_TABLES:
        cols = ", ".join(f"[{c}]" for c in db[table].columns_dict)
        db.execute(f"INSERT INTO [{table}] ({cols}) SELECT {cols} FROM {alias}.[{table}] "
                   "WHERE source_id = ?", [source_id])
    return db.execute("SELECT count(*) FROM provisions WHERE source_id = ? "
                      "AND kind != 'container'", [source_id]).fetchone()[0]


def build_search(db: sqlite_utils.Database) -> None:
    """(Re)build the FTS5 indexes over the search form of the text.

    Standalone tables keyed by the content table's rowid: Datasette's table
    search uses them through ``fts_table`` / ``fts_pk`` in the metadata. A row's search
    form comes from the TEMP table the parse workers filled (``with_search_text``) when
    it is there, else it is computed here (reused sources, one-process builds): the same
    function either way, so the index is the same.
    """
    for table, columns in SEARCH_COLUMNS.items():
        fts = f"{table}_fts"
        db.execute(f"DROP TABLE IF EXISTS [{fts}]")
        db.execute(f"CREATE VIRTUAL TABLE [{fts}] USING fts5("
                   + ", ".join(columns) + f", tokenize='{FTS_TOKENIZE}')")
        _search_table(db, table)
        select = ", ".join(f"t.[{c}]" for c in columns)
        ready = ", ".join(f"s.[{c}]" for c in columns)
        # German rows are indexed as stems (see corpus.search); the row's language decides.
        lang = "t.lang" if "lang" in db[table].columns_dict else "NULL"
        batch: list[tuple] = []
        insert = (f"INSERT INTO [{fts}] (rowid, {', '.join(columns)}) VALUES (?, "
                  + ", ".join("?" for _ in columns) + ")")
        n = len(columns)
        for row in db.execute(f"SELECT t.rowid, {lang}, s.id IS NOT NULL, {select}, {ready} "
                              f"FROM [{table}] t LEFT JOIN temp.[{table}_search] s "
                              "ON s.id = t.id ORDER BY t.rowid"):
            if row[2]:
                batch.append((row[0], *row[3 + n:]))
            else:
                batch.append((row[0], *(index_text(v, row[1]) for v in row[3:3 + n])))
            if len(batch) >= 5000:
                db.conn.executemany(insert, batch)
                batch.clear()
        if batch:
            db.conn.executemany(insert, batch)
        db.execute(f"DROP TABLE temp.[{table}_search]")


def counts(rows: Iterable[dict]) -> dict[str, int]:
    result: dict[str, int] = {}
    for row in rows:
        result[row["level"]] = result.get(row["level"], 0) + 1
    return result
