"""The home page: the comparison matrix, codes × systems.

The cells are the rows of the ``comparison_matrix`` view (annotate.compare owns its
definition; the build installs it): provisions, core and reviewed counts, roles and
modalities with how much of each was reviewed, the provisions that define a cell, and
why an empty cell is empty. ``?core=1`` reads the core provisions alone.
"""
from __future__ import annotations

import sqlite3
from collections import OrderedDict
from pathlib import Path

from plea.annotate.compare import (GAP_WORDS, NO_PROVISION, REVIEWED_ABSENT, SOURCE_MISSING,
                              reviewed_systems)
from plea.annotate.compare import matrix as compare_matrix
from plea.annotate.taxonomy import Taxonomy
from plea.corpus import vocab

from .. import queries as q

from ..matrix import SCHOLARSHIP, codebook, jurisdictions
from ..render import Links, core_switch, page
from ..viewmodel import coding_label, column_label, dimension_label, order_index

ROUTE = r"^/$"
CELL_PROVISIONS = 3      # provisions named in a matrix cell; the rest behind "more"
# The language of a system's citations (《刑事诉讼法》…, 刑事訴訟法第…條, § … StPO), so the
# browser picks the right glyphs.


_MATRIX_CACHE: dict[tuple, list] = {}


def _served_matrix(conn: sqlite3.Connection, juris: list[str]) -> list:
    """plea.annotate.compare.matrix, computed once per database file: the site serves its
    database immutable, and the statement reads every tag (tens of milliseconds)
    while the page is asked for again and again. The key holds the file's size, mtime
    and schema version, so a rebuilt or changed file is read afresh."""
    path = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "")
    if not path:
        return compare_matrix(conn, juris)
    stat = Path(path).stat()
    key = (path, stat.st_size, stat.st_mtime_ns,
           conn.execute("PRAGMA schema_version").fetchone()[0], tuple(juris))
    if key not in _MATRIX_CACHE:
        _MATRIX_CACHE.clear()          # one served database: keep only the latest
        _MATRIX_CACHE[key] = compare_matrix(conn, juris)
    return _MATRIX_CACHE[key]


def matrix_page(conn: sqlite3.Connection, links: Links, core: bool = False) -> dict:
    """The comparison matrix; ``core``: read on the reference coding's core provisions
    only (the cells count, name and explain core provisions alone)."""
    book = codebook(conn)
    juris = jurisdictions(conn)
    sizes = q.jurisdiction_sizes(conn)
    columns = [{**column_label(j), "provisions": sizes.get(j, 0)} for j in juris]
    scholarship = {**column_label(SCHOLARSHIP), "provisions": sizes.get(SCHOLARSHIP, 0)}
    count = q.tag_count(conn)
    # Every build makes the tags and codebook tables; empty when no stage filled them.
    has_tags, has_taxonomy = count > 0, q.filled(conn, "taxonomy")
    reviewed = reviewed_systems(conn)
    dims: OrderedDict[str, dict] = OrderedDict()
    if has_tags and has_taxonomy:
        for r in _served_matrix(conn, juris):
            dim = dims.setdefault(r.dimension, {**dimension_label(r.dimension, book), "codes": []})
            dim["codes"].append({
                "code": r.code, "label_en": r.label_en, "label_zh": r.label_zh,
                "definition": r.definition, "href": links.code(r.code),
                "cells": [_cell(r.cells[j], r.code, links, core, reviewed, book) for j in juris],
                "scholarship": _cell(r.scholarship, r.code, links, core, reviewed, book),
            })
    elif has_taxonomy:
        for r in q.taxonomy(conn):
            dim = dims.setdefault(r["dimension"], {**dimension_label(r["dimension"], book), "codes": []})
            dim["codes"].append({
                "code": r["code"], "label_en": r.get("label_en"), "label_zh": r.get("label_zh"),
                "definition": r.get("definition"), "href": links.code(r["code"]),
                "cells": [{"key": j, "count": None} for j in juris],
                "scholarship": {"key": SCHOLARSHIP, "count": None}})
    return {
        "columns": columns, "scholarship": scholarship, "dimensions": list(dims.values()),
        "has_tags": has_tags, "has_taxonomy": has_taxonomy,
        "tag_count": count, "core": core, "has_core": bool(reviewed),
        "reviewed": [{"key": j, **reviewed[j], "label": coding_label(reviewed[j]["coding"])}
                     for j in juris if j in reviewed],
        "switch": {"all": links.home(), "core": links._url("/", {"core": 1})},
        "export": ({"csv": links.table("comparison_matrix", ".csv", _size="max"),
                    "json": links.table("comparison_matrix", ".json", _shape="array"),
                    "table": links.table("comparison_matrix")}
                   if has_tags and has_taxonomy else None),
        "database_url": links.table("").rstrip("/"),
    }


def _counted(counts, order: tuple[str, ...]) -> list[dict]:
    """Roles or modalities with their counts, most frequent first, each marked by how
    much of it a person or the reference coding decided."""
    out = []
    for c in sorted(counts, key=lambda c: (-c.n, order_index(c.value, order))):
        state = ("reviewed" if c.reviewed and c.reviewed == c.n
                 else "partly" if c.reviewed else "machine")
        out.append({"value": c.value, "n": c.n, "reviewed": c.reviewed, "state": state,
                    "title": f"{c.n} provision{'s' if c.n != 1 else ''}, {c.reviewed} reviewed"})
    return out


def _citation_lang(jurisdiction: str) -> str | None:
    """The language of a system's citations (《刑事诉讼法》…, 刑事訴訟法第…條, § … StPO), so
    the browser picks the right glyphs; None for English, the page's own language."""
    found = vocab.jurisdiction(jurisdiction)
    return found.language if found and found.base_language != "en" else None


def _cell(cell, code: str, links: Links, core: bool, reviewed: dict[str, dict],
          book: Taxonomy) -> dict:
    col = cell.jurisdiction
    outside = cell.provisions - cell.core
    if core:
        cell = cell.core_only()
    lang = _citation_lang(col)
    shown = [{"id": s.id, "citation": s.citation or s.id, "core": s.core, "lang": lang,
              "reviewed": s.reviewed, "values": s.values, "href": links.provision(s.id)}
             for s in cell.shown[:CELL_PROVISIONS]]
    out = {
        "key": col, "count": cell.provisions, "gap": cell.gap,
        "core_count": cell.core, "reviewed_count": cell.reviewed,
        "roles": _counted(cell.role_counts, book.roles),
        "modalities": _counted(cell.modality_counts, book.modalities),
        "shown": shown, "more": max(cell.provisions - len(shown), 0),
        "proposed_by": cell.proposed_by,
        "href": links.code(code, jurisdiction=col, core=1 if core else None),
    }
    if cell.gap and col != SCHOLARSHIP:
        out["reason"] = _gap_reason(cell, col, reviewed.get(col), outside if core else 0)
    return out


def _gap_reason(cell, col: str, review: dict | None, outside: int) -> dict:
    """Why a cell is empty, in words: reviewed and absent, a missing source (named),
    or no provision in the corpus."""
    reason = cell.gap_reason or NO_PROVISION
    if reason == REVIEWED_ABSENT and review:
        text = (f"none of the {review['units']} core provisions of {col} carries it "
                f"({coding_label(review.get('coding'))}: read by hand twice)")
        if not outside:
            text += "; the tagger found it nowhere else"
    elif reason == SOURCE_MISSING:
        text = "the corpus lacks texts that may regulate it"
    else:
        text = "no provision of the corpus carries it"
    if outside:
        text += (f"; {outside} provision{'s' if outside != 1 else ''} outside the core "
                 f"carr{'y' if outside != 1 else 'ies'} it")
    return {"kind": reason, "label": GAP_WORDS.get(reason, reason), "text": text,
            "missing": cell.missing_sources}


async def handle(datasette, request):
    core = core_switch(request)
    return await page(datasette, request, "plea_matrix.html",
                      lambda conn, links: matrix_page(conn, links, core=core),
                      title="Comparison matrix" + (" (core provisions)" if core else ""))
