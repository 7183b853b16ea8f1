"""A code's page: the provisions carrying it, the systems side by side.

Core provisions of the reference coding first, each provision once with every tag it
carries and who decided it; facets by source and modality; the contrast between the
systems (contrast.py) under them. ``?core=1`` shows core provisions only.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import OrderedDict
from urllib.parse import unquote

from .. import queries as q
from ..contrast import code_contrast
from plea.annotate.taxonomy import Taxonomy

from ..matrix import SCHOLARSHIP, codebook, jurisdictions
from ..render import Links, core_switch, page, query_filters
from ..viewmodel import (as_span, column_label, decider, dimension_label, labels_in, lang_of,
                         pieces)

ROUTE = r"^/code/(?P<code>[^/]+)$"
FILTERS = ("jurisdiction", "source", "modality")
CODE_COLUMN_LIMIT = 60   # provisions per jurisdiction column and page
SHOW_ALL_LIMIT = 1000    # "show all" (?all=1) up to this many; beyond, pages of 60


def code_page(conn: sqlite3.Connection, code: str, filters: dict[str, str], links: Links,
              show_all: bool = False, core: bool = False, page: int = 1) -> dict | None:
    """The provisions carrying ``code``, the systems side by side: core provisions of
    the reference coding first, each provision once with every tag it carries and who
    decided it; ``core``: core provisions only. Each column shows one page of its
    units (``page``, CODE_COLUMN_LIMIT a page, or up to SHOW_ALL_LIMIT with
    ``show_all``) with its exact total, both read from the build's `code_units`."""
    book = codebook(conn)
    labels = labels_in(conn)
    info = labels.get(code)
    if not q.filled(conn, "tags"):     # nothing tagged: the page says so
        if info is None:
            return None
        return {"info": info, "code": code, "has_tags": False, "columns": [],
                "scholarship": None, "filters": filters, "facets": {}, **_code_nav(info, book)}
    facets = q.code_facets(conn, code, filters.get("jurisdiction"), book.modalities)
    if info is None and not facets["sources"] and not q.code_facets(conn, code)["sources"]:
        return None
    info = info or {"code": code, "dimension": code.split(".")[0]}
    size = SHOW_ALL_LIMIT if show_all else CODE_COLUMN_LIMIT
    wanted = filters.get("jurisdiction")
    every = jurisdictions(conn)
    shown = [j for j in every if not wanted or j == wanted]
    if not wanted or wanted == SCHOLARSHIP:
        shown.append(SCHOLARSHIP)
    narrow = {k: v for k, v in filters.items() if k != "jurisdiction"}
    pages = {col: q.code_units(conn, code, jurisdiction=col, **narrow, core=core, limit=size,
                               offset=(page - 1) * size) for col in shown}
    found = q.code_tags(conn, code, [i for col in shown for i in pages[col]["ids"]])
    units: OrderedDict[str, dict] = OrderedDict()
    for r in found:
        unit = units.get(r["id"])
        if unit is None:
            col = SCHOLARSHIP if r["source_kind"] == SCHOLARSHIP else r["jurisdiction"]
            unit = units[r["id"]] = {
                "id": r["id"], "citation": r["citation"] or r["id"], "container": r["container"],
                "heading": r["heading"], "source": r["source"], "col": col, "lang": lang_of(r),
                "href": links.provision(r["id"]), "text": r["text"], "spans": [],
                "roles": [], "modalities": [], "methods": [], "deciders": [],
                "core": bool(r.get("core"))}
        unit["spans"].append(as_span(r))
        for key, many in (("role", "roles"), ("modality", "modalities"), ("method", "methods")):
            if r.get(key) and r[key] not in unit[many]:
                unit[many].append(r[key])
        who = decider(r)
        if who not in unit["deciders"]:
            unit["deciders"].append(who)
    for unit in units.values():
        unit["pieces"] = pieces(unit.pop("text"), unit.pop("spans"), labels=labels)
    # Translations are not columns of their own; show them under their original.
    pairs = q.alignments_of(conn, list(units))
    translated = q.provisions_by_id(conn, pairs.values())
    for pid, other_id in pairs.items():
        other = translated.get(other_id)
        if other and pid in units:
            units[pid]["translation"] = {"href": links.provision(other["id"]),
                                         "citation": other["citation"], "lang": lang_of(other),
                                         "text": other["text"]}
    keep = {"core": 1 if core else None}

    def column(col: str) -> dict:
        got = pages[col]
        last = max(1, -(-got["total"] // size))
        here = {**filters, "jurisdiction": col}
        return {"total": got["total"], "core": got["core"],
                "units": [units[i] for i in got["ids"] if i in units],
                "page": page, "pages": last,
                "previous": links.code(code, **here, page=page - 1, **keep) if page > 1 else None,
                "next": links.code(code, **here, page=page + 1, **keep) if page < last else None,
                "all": (links.code(code, **here, all=1, **keep)
                        if not show_all and size < got["total"] <= SHOW_ALL_LIMIT else None)}

    columns = [{**column_label(j), **column(j)} for j in shown if j != SCHOLARSHIP]
    show_scholarship = not wanted or wanted == SCHOLARSHIP
    facet_links = {
        "sources": [{**f, "href": links.code(code, **{**filters, "source": f["value"]},
                                             core=1 if core else None),
                     "selected": filters.get("source") == f["value"]}
                    for f in facets["sources"]],
        "modalities": [{**f, "href": links.code(code, **{**filters, "modality": f["value"]},
                                                core=1 if core else None),
                        "selected": filters.get("modality") == f["value"]}
                       for f in facets["modalities"]],
    }
    return {
        "info": info, "code": code, "has_tags": True, "columns": columns,
        "scholarship": column(SCHOLARSHIP) if show_scholarship else None,
        "filters": filters, "facets": facet_links, "show_all": show_all, "page": page,
        "page_size": size,
        "clear_url": links.code(code, core=1 if core else None),
        "remove": {k: links.code(code, **{**filters, k: None}, core=1 if core else None)
                   for k in filters},
        "core": core, "has_core": q.filled(conn, "reference_units"),
        "switch": {"all": links.code(code, **filters), "core": links.code(code, **filters, core=1)},
        # Always across every system: a matrix cell leads here filtered to one.
        "contrast": _contrast(conn, code, every, labels),
        "brief_columns": [column_label(j) for j in every],
        **_code_nav(info, book),
    }


# The contrast reads every tag of the code in every system (0.6 s on a corpus ten
# times the real one): the build writes it to `code_contrasts`, read here. Should that
# table lack the code (a database the fixtures made by hand), it is computed once per
# served file and code (the file is immutable; a rebuilt one is another key).
_CONTRASTS: OrderedDict[tuple, dict | None] = OrderedDict()
CONTRASTS_KEPT = 64
_CONTRASTS_LOCK = threading.Lock()   # pages run on Datasette's thread pool


def _contrast(conn: sqlite3.Connection, code: str, every: list[str],
              labels: dict[str, dict]) -> dict | None:
    try:
        stored = conn.execute("SELECT contrast FROM code_contrasts WHERE code = ? AND "
                              "jurisdictions = ?", [code, " ".join(every)]).fetchone()
    except sqlite3.OperationalError:      # a fixture database no build finished
        stored = None
    if stored:
        return json.loads(stored[0])
    path = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "")
    try:
        stat = os.stat(path)
        key = (path, stat.st_size, stat.st_mtime_ns, code, tuple(every))
    except OSError:                   # an in-memory database: nothing to key it on
        return code_contrast(conn, code, every, labels)
    with _CONTRASTS_LOCK:
        if key in _CONTRASTS:
            _CONTRASTS.move_to_end(key)
            return _CONTRASTS[key]
    found = code_contrast(conn, code, every, labels)
    with _CONTRASTS_LOCK:
        _CONTRASTS[key] = found
        while len(_CONTRASTS) > CONTRASTS_KEPT:
            _CONTRASTS.popitem(last=False)
    return found


def _code_nav(info: dict, book: Taxonomy) -> dict:
    return {"dimension": dimension_label(info.get("dimension") or info["code"].split(".")[0],
                                         book)}


async def handle(datasette, request):
    name = unquote(request.url_vars["code"])
    filters = query_filters(request, FILTERS)
    show_all = bool(request.args.get("all"))
    core = core_switch(request)
    try:
        number = min(max(int(request.args.get("page") or 1), 1), 100_000)
    except ValueError:
        number = 1
    return await page(datasette, request, "plea_code.html",
                      lambda conn, links: code_page(conn, name, filters, links, show_all,
                                                    core=core, page=number),
                      title=name)
