"""A code's page: the provisions carrying it, the systems side by side.

Core provisions of the reference coding first, each provision once with every tag it
carries and who decided it; facets by source and modality; the contrast between the
systems (contrast.py) under them. ``?core=1`` shows core provisions only.
"""
from __future__ import annotations

import sqlite3
from collections import OrderedDict
from urllib.parse import unquote

from .. import queries as q
from ..contrast import code_contrast
from plea.annotate.taxonomy import Taxonomy

from ..matrix import SCHOLARSHIP, codebook, jurisdictions
from ..render import Links, core_switch, page, query_filters
from ..viewmodel import (as_span, column_label, decider, dimension_label, labels_in, lang_of,
                         order_index, pieces)

ROUTE = r"^/code/(?P<code>[^/]+)$"
FILTERS = ("jurisdiction", "source", "modality")
CODE_COLUMN_LIMIT = 60   # provisions per jurisdiction column before "show all"


def code_page(conn: sqlite3.Connection, code: str, filters: dict[str, str], links: Links,
              show_all: bool = False, core: bool = False) -> dict | None:
    """The provisions carrying ``code``, the systems side by side: core provisions of
    the reference coding first, each provision once with every tag it carries and who
    decided it; ``core``: core provisions only."""
    book = codebook(conn)
    labels = labels_in(conn)
    info = labels.get(code)
    if not q.filled(conn, "tags"):     # nothing tagged: the page says so
        if info is None:
            return None
        return {"info": info, "code": code, "has_tags": False, "columns": [],
                "scholarship": None, "filters": filters, "facets": {}, **_code_nav(info, book)}
    found = q.code_tags(conn, code, **filters, core=core)
    facets = q.code_facets(conn, code, filters.get("jurisdiction"))
    if info is None and not facets["sources"] and not q.code_facets(conn, code)["sources"]:
        return None
    info = info or {"code": code, "dimension": code.split(".")[0]}
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
    wanted = filters.get("jurisdiction")
    every = jurisdictions(conn)
    juris = [j for j in every if not wanted or j == wanted]
    columns = []
    for j in juris:
        # Core provisions first (the query's order), each provision once (one card).
        mine = [u for u in units.values() if u["col"] == j]
        columns.append({**column_label(j), "total": len(mine),
                        "core": sum(u["core"] for u in mine),
                        "units": mine if show_all else mine[:CODE_COLUMN_LIMIT]})
    scholarly = [u for u in units.values() if u["col"] == SCHOLARSHIP]
    show_scholarship = not wanted or wanted == SCHOLARSHIP
    facet_links = {
        "sources": [{**f, "href": links.code(code, **{**filters, "source": f["value"]},
                                             core=1 if core else None),
                     "selected": filters.get("source") == f["value"]}
                    for f in facets["sources"]],
        "modalities": [{**f, "href": links.code(code, **{**filters, "modality": f["value"]},
                                                core=1 if core else None),
                        "selected": filters.get("modality") == f["value"]}
                       for f in sorted(facets["modalities"], key=lambda f: order_index(
                           f["value"], book.modalities))],
    }
    return {
        "info": info, "code": code, "has_tags": True, "columns": columns,
        "scholarship": ({"units": scholarly, "total": len(scholarly)}
                        if show_scholarship else None),
        "filters": filters, "facets": facet_links, "show_all": show_all,
        "all_url": links.code(code, **filters, all=1, core=1 if core else None),
        "clear_url": links.code(code, core=1 if core else None),
        "remove": {k: links.code(code, **{**filters, k: None}, core=1 if core else None)
                   for k in filters},
        "core": core, "has_core": q.filled(conn, "reference_units"),
        "switch": {"all": links.code(code, **filters), "core": links.code(code, **filters, core=1)},
        # Always across every system: a matrix cell leads here filtered to one.
        "contrast": code_contrast(conn, code, every, labels),
        "brief_columns": [column_label(j) for j in every],
        **_code_nav(info, book),
    }


def _code_nav(info: dict, book: Taxonomy) -> dict:
    return {"dimension": dimension_label(info.get("dimension") or info["code"].split(".")[0],
                                         book)}


async def handle(datasette, request):
    name = unquote(request.url_vars["code"])
    filters = query_filters(request, FILTERS)
    show_all = bool(request.args.get("all"))
    core = core_switch(request)
    return await page(datasette, request, "plea_code.html",
                      lambda conn, links: code_page(conn, name, filters, links, show_all,
                                                    core=core),
                      title=name)
