"""The provision store: tables, rows and full-text indexes in one SQLite file.

Scholars query this database directly (Datasette, sqlite3, pandas), so the
table and column names below are an interface: add columns, never rename.
Only this module and the web view know them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable

import sqlite_utils

from .model import BIBLIOGRAPHY, COMMENTARY, CONTAINER, Document, Node
from .search import FTS_TOKENIZE, index_text
from .sources import Source

SCHEMA_VERSION = 1

PROVISION_COLUMNS = {
    "id": str, "source_id": str, "work": str, "jurisdiction": str, "source_kind": str,
    "eid": str, "parent_id": str, "level": str, "kind": str, "num": str, "num_norm": str,
    "heading": str, "text": str, "wrapup": str, "lang": str, "citation": str,
    "container": str, "position": int, "depth": int, "line": int, "attrs": str,
}
COMMENTARY_COLUMNS = {
    "id": str, "source_id": str, "provision_id": str, "eid": str, "level": str,
    "num": str, "heading": str, "text": str, "lang": str, "position": int,
    "line": int, "attrs": str,
}
BIBLIOGRAPHY_COLUMNS = {
    "id": str, "source_id": str, "eid": str, "num": str, "text": str, "authors": str,
    "year": str, "title": str, "position": int, "attrs": str,
}
SOURCE_COLUMNS = {
    "id": str, "work": str, "title": str, "title_en": str, "short_title": str,
    "jurisdiction": str, "kind": str, "issuer": str, "version": str, "in_force": str,
    "language": str, "format": str, "parser": str, "paths": str, "sha256": str,
    "url": str, "licence": str, "provenance": str, "status": str, "note": str,
    "translation_of": str, "provisions": int, "articles": int, "commentary": int,
    "bibliography": int, "fidelity_ok": int, "residue": int, "counts": str,
    "expected": str, "counts_ok": int, "parser_version": str, "meta": str,
    "doc_number": str, "supplies": str,
}
# Tables whose rows belong to one source, copied over when a source is unchanged.
PER_SOURCE_TABLES = ("provisions", "commentary", "bibliography", "fidelity")


def create_schema(db: sqlite_utils.Database) -> None:
    db["sources"].create(SOURCE_COLUMNS, pk="id")
    db["provisions"].create(PROVISION_COLUMNS, pk="id", foreign_keys=[
        ("source_id", "sources", "id"), ("parent_id", "provisions", "id")])
    db["commentary"].create(COMMENTARY_COLUMNS, pk="id", foreign_keys=[
        ("source_id", "sources", "id"), ("provision_id", "provisions", "id")])
    db["bibliography"].create(BIBLIOGRAPHY_COLUMNS, pk="id", foreign_keys=[
        ("source_id", "sources", "id")])
    db["alignments"].create({
        "id": int, "provision_id": str, "target_id": str, "source_id": str,
        "target_source_id": str, "kind": str, "method": str,
    }, pk="id", foreign_keys=[("provision_id", "provisions", "id"),
                              ("target_id", "provisions", "id")])
    db["fidelity"].create({
        "source_id": str, "file": str, "body_chars": int, "parsed_chars": int, "ok": int,
        "residue": str,
    }, pk=("source_id", "file"), foreign_keys=[("source_id", "sources", "id")])
    db["builds"].create({
        "id": int, "started": str, "finished": str, "status": str, "sources_dir": str,
        "message": str,
    }, pk="id")
    db["build_log"].create({
        "id": int, "build_id": int, "source_id": str, "action": str, "seconds": float,
        "provisions": int, "message": str,
    }, pk="id", foreign_keys=[("build_id", "builds", "id")])
    for table, cols in (("provisions", ["source_id"]), ("provisions", ["parent_id"]),
                        ("provisions", ["level"]), ("provisions", ["work", "num_norm"]),
                        ("commentary", ["provision_id"]), ("alignments", ["provision_id"]),
                        ("alignments", ["target_id"]), ("bibliography", ["source_id"])):
        db[table].create_index(cols)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@dataclass
class Rows:
    provisions: list[dict]
    commentary: list[dict]
    bibliography: list[dict]


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
    search uses them through ``fts_table`` / ``fts_pk`` in the metadata.
    """
    for table, columns in (("provisions", ("heading", "text", "wrapup", "citation")),
                           ("commentary", ("heading", "text"))):
        fts = f"{table}_fts"
        db.execute(f"DROP TABLE IF EXISTS [{fts}]")
        db.execute(f"CREATE VIRTUAL TABLE [{fts}] USING fts5("
                   + ", ".join(columns) + f", tokenize='{FTS_TOKENIZE}')")
        select = ", ".join(columns)
        # German rows are indexed as stems (see corpus.search); the row's language decides.
        lang = "lang" if "lang" in db[table].columns_dict else "NULL"
        batch: list[tuple] = []
        insert = (f"INSERT INTO [{fts}] (rowid, {select}) VALUES (?, "
                  + ", ".join("?" for _ in columns) + ")")
        for row in db.execute(f"SELECT rowid, {lang}, {select} FROM [{table}]"):
            batch.append((row[0], *(index_text(v, row[1]) for v in row[2:])))
            if len(batch) >= 5000:
                db.conn.executemany(insert, batch)
                batch.clear()
        if batch:
            db.conn.executemany(insert, batch)


def counts(rows: Iterable[dict]) -> dict[str, int]:
    result: dict[str, int] = {}
    for row in rows:
        result[row["level"]] = result.get(row["level"], 0) + 1
    return result
