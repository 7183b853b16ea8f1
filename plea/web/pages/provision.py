"""A provision's page: its text with its subdivisions, tags highlighted and references
linked, the translation beside it, the commentary, who cites it; for a logged-in
annotator, the forms that write to the annotation store (annotating.py shows a
decision at once, before the next build).
"""
from __future__ import annotations

import sqlite3
from collections import OrderedDict
from typing import Any, Callable
from urllib.parse import unquote

from .. import queries as q
from ..annotating import human_layer, taxonomy
from ..config import annotations_path
from ..login import is_annotator
from ..matrix import SCHOLARSHIP, codebook
from ..render import Links, page
from ..viewmodel import (HUMAN_DECISIONS, decider, dimension_label, labels_in, lang_of, pieces,
                         ref_title)

ROUTE = r"^/provision/(?P<pid>[^/]+)$"
MAX_BACKLINKS = 60       # citing units listed on a provision page; the rest via what_cites


def provision_page(conn: sqlite3.Connection, pid: str, links: Links,
                   human: Callable[[list[str]], Any] | None = None) -> dict | None:
    """``human(ids)``, when given, returns the annotation store's live layer
    (annotating.HumanLayer): its tag decisions replace the built ones for the
    units it covers, so a decision shows before the next build."""
    row = q.provision(conn, pid)
    if row is None:
        return None
    book = codebook(conn)
    labels = labels_in(conn)
    crumbs = q.ancestors(conn, pid)
    is_container = row["kind"] == "container"
    units = [] if is_container else q.descendants(conn, pid)
    ids = [u["id"] for u in units] or [pid]
    tags = q.tags_of(conn, ids, decisions=True)
    layer = human(ids) if human is not None else None
    if layer is not None and layer.tags:
        tags = _overlay(tags, layer.tags)
    refs = q.refs_from(conn, "provisions", ids)
    notes = q.commentary_of(conn, ids) if not is_container else []
    note_refs = q.refs_from(conn, "commentary", [n["id"] for n in notes]) if notes else []
    pairs = q.alignments_of(conn, ids)
    translated = q.provisions_by_id(conn, pairs.values())
    translated_tags = q.tags_of(conn, list(translated))
    by_unit = _group(tags, "provision_id")
    refs_by_unit = _group([r for r in refs if _field(r) == "text"], "from_id")
    wrapup_refs = _group([r for r in refs if _field(r) == "wrapup"], "from_id")
    tr_tags = _group(translated_tags, "provision_id")
    shown_units = []
    for item in _with_wrapups(units, row.get("depth") or 0):
        u = item["unit"]
        if item["wrapup"]:
            shown_units.append({"wrapup": True, "lang": lang_of(u), "depth": item["depth"],
                                "pieces": pieces(u["wrapup"], refs=wrapup_refs.get(u["id"], []),
                                                 links=links)})
            continue
        other = translated.get(pairs.get(u["id"], ""))
        shown_units.append({
            "id": u["id"], "num": u["num"], "heading": u["heading"], "citation": u["citation"],
            "depth": item["depth"], "lang": lang_of(u), "href": links.provision(u["id"]),
            "has_text": bool((u["text"] or "").strip()),
            "pieces": pieces(u["text"], by_unit.get(u["id"], []), refs_by_unit.get(u["id"], []),
                             labels, links),
            "translation": ({"id": other["id"], "lang": lang_of(other), "num": other["num"],
                             "heading": other["heading"], "href": links.provision(other["id"]),
                             "pieces": pieces(other["text"], tr_tags.get(other["id"], []),
                                              labels=labels)} if other else None),
        })
    note_refs_by = _group(note_refs, "from_id")
    anc_notes = q.commentary_counts(conn, [c["id"] for c in crumbs])
    back = _citing_units(q.backlinks(conn, ids), links)
    dims_present = list(OrderedDict.fromkeys(t["dimension"] or t["code"].split(".")[0]
                                             for t in tags))
    return {
        "row": row, "lang": lang_of(row), "is_container": is_container,
        "breadcrumb": [{**c, "href": links.provision(c["id"])} for c in crumbs],
        "neighbours": {k: ({**v, "href": links.provision(v["id"])} if v else None)
                       for k, v in q.neighbours(conn, row).items()},
        "children": ([{**c, "href": links.provision(c["id"])} for c in q.children(conn, pid)]
                     if is_container else []),
        "units": shown_units,
        "has_translation": any(u.get("translation") for u in shown_units),
        "translation_source": next((translated[t]["source"] for t in translated), None),
        "tags": [{**t, "citation": _citation_of(units, t["provision_id"]),
                  "label": labels.get(t["code"], {}), "href": links.code(t["code"]),
                  "decider": decider(t)}
                 for t in tags],
        "legend": [dimension_label(d, book) for d in (dims_present or book.dimension_ids)],
        "refs": [{**r, "title": ref_title(r),
                  "href": links.provision(r["to_id"]) if r["to_id"] else None} for r in refs],
        "backlinks": back[:MAX_BACKLINKS], "backlinks_total": len(back),
        "backlinks_all": links.table("what_cites", provision_id=pid),
        "commentary": [{**n, "pieces": pieces(n["text"], refs=[
                            r for r in note_refs_by.get(n["id"], []) if _field(r) == "text"],
                                              links=links)} for n in notes],
        "ancestor_commentary": [{"id": c["id"], "citation": c["citation"], "n": anc_notes[c["id"]],
                                 "href": links.provision(c["id"], "commentary")}
                                for c in crumbs if anc_notes.get(c["id"])],
        "has_tags_table": q.filled(conn, "tags"), "has_refs_table": q.filled(conn, "refs"),
        "row_url": links.row("provisions", pid),
        "annotations": layer.annotations if layer is not None else [],
        "store_error": layer.error if layer is not None else "",
        "has_human": any(t.get("decision") in HUMAN_DECISIONS for t in tags),
    }


def _overlay(tags: list[dict], live: dict[str, list[dict]]) -> list[dict]:
    """The built tag rows with those of the units in ``live`` replaced."""
    kept = [t for t in tags if t["provision_id"] not in live]
    merged = kept + [t for rows in live.values() for t in rows]
    return sorted(merged, key=lambda t: (t["provision_id"], t.get("start") is None,
                                         t.get("start") or 0, t["code"]))


def annotation_forms(conn: sqlite3.Connection, page: dict, book) -> dict:
    """What the annotator's forms offer: the page's units, and the codebook the
    store checks against (``book``, an annotate.taxonomy.Taxonomy)."""
    dims = []
    for d in book.dimensions:
        dims.append({"id": d.id, "label_en": d.label_en, "label_zh": d.label_zh,
                     "codes": [{"code": c.id, "label_en": c.label_en, "label_zh": c.label_zh}
                               for c in book.codes_in(d.id)]})
    units = [{"id": u["id"], "label": u.get("citation") or u["id"], "has_text": u["has_text"]}
             for u in page["units"] if u.get("id")]
    return {"units": units, "text_units": [u for u in units if u["has_text"]],
            "dimensions": dims, "roles": list(book.roles), "modalities": list(book.modalities)}


def _citing_units(refs: list[dict], links: Links) -> list[dict]:
    """Backlinks, one per citing unit (a note may cite the rule twenty times)."""
    units: OrderedDict[tuple, dict] = OrderedDict()
    for r in refs:
        anchor = "commentary" if r["from_table"] == "commentary" else ""
        unit = units.setdefault((r["from_table"], r["from_id"]), {
            **r, "texts": [],
            "href": links.provision(r["page_id"], anchor) if r["page_id"] else None,
            "is_scholarship": r["origin"] == SCHOLARSHIP})
        if r["text"] not in unit["texts"]:
            unit["texts"].append(r["text"])
    return list(units.values())


def _field(ref: dict) -> str:
    return ref.get("field") or "text"


def _group(found: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in found:
        out.setdefault(r[key], []).append(r)
    return out


def _citation_of(units: list[dict], pid: str) -> str:
    return next((u["citation"] for u in units if u["id"] == pid), pid)


def _with_wrapups(units: list[dict], base_depth: int):
    """Units in reading order, each unit's wrap-up text after its subdivisions."""
    open_units: list[dict] = []
    for u in units:
        depth = u.get("depth") or 0
        while open_units and (open_units[-1].get("depth") or 0) >= depth:
            yield from _close(open_units.pop(), base_depth)
        yield {"unit": u, "wrapup": False, "depth": depth - base_depth}
        open_units.append(u)
    while open_units:
        yield from _close(open_units.pop(), base_depth)


def _close(u: dict, base_depth: int):
    if u.get("wrapup"):
        yield {"unit": u, "wrapup": True, "depth": (u.get("depth") or 0) - base_depth}


async def handle(datasette, request):
    pid = unquote(request.url_vars["pid"])
    store = annotations_path(datasette)
    annotating = is_annotator(request.actor)

    def build(conn, links):
        found = provision_page(conn, pid, links,
                                     human=lambda ids: human_layer(conn, store, ids))
        if found is not None and annotating:
            found["forms"] = annotation_forms(conn, found, taxonomy())
        return found

    return await page(datasette, request, "plea_provision.html", build, title=pid)
