"""From query rows to what each template shows: grouping, highlights, links.

Everything here returns plain data (strings, lists, dicts), never HTML: the
templates escape every string, and highlighted text goes through the escaping
filters of markup.py.
"""
from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlencode

from datasette.utils import tilde_encode

from annotate.compare import NO_PROVISION, REVIEWED_ABSENT, SOURCE_MISSING, reviewed_systems
from annotate.compare import matrix as compare_matrix

from . import queries as q
from .contrast import code_contrast
from .highlight import segments
from .langs import lang_tag
from .matrix import (DIMENSIONS, JURISDICTION_NAMES, MODALITY_ORDER, ROLE_ORDER, SCHOLARSHIP,
                     jurisdictions)

# Decisions a person made (tag_decisions.decision); "auto" is the tagger's alone.
HUMAN_DECISIONS = ("confirmed", "corrected", "added", "rejected")
CODE_COLUMN_LIMIT = 60   # provisions per jurisdiction column before "show all"
MAX_BACKLINKS = 60       # citing units listed on a provision page; the rest via what_cites


@dataclass(frozen=True)
class Links:
    """URLs of the project's pages, under Datasette's base_url."""
    prefix: str = "/"
    database: str = "plea"

    def _url(self, path: str, params: dict | None = None) -> str:
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "", False)}
        return self.prefix.rstrip("/") + path + ("?" + urlencode(clean) if clean else "")

    def home(self) -> str:
        return self._url("/")

    def code(self, code: str, **params) -> str:
        return self._url("/code/" + quote(code, safe=""), params)

    def provision(self, pid: str, anchor: str = "") -> str:
        return self._url("/provision/" + quote(pid, safe=":")) + (f"#{anchor}" if anchor else "")

    def search(self, **params) -> str:
        return self._url("/search", params)

    def diff(self, work: str, **params) -> str:
        return self._url("/diff/" + quote(work, safe=""), params)

    def coverage(self) -> str:
        return self._url("/coverage")

    def table(self, table: str, fmt: str = "", **params) -> str:
        return self._url(f"/{quote(self.database)}/{quote(table)}{fmt}", params)

    def row(self, table: str, pk: str) -> str:
        return self._url(f"/{quote(self.database)}/{quote(table)}/{tilde_encode(pk)}")


def column_label(key: str) -> dict[str, str]:
    if key == SCHOLARSHIP:
        return {"key": key, "name": "Scholarship", "name_zh": "学术文献"}
    en, zh = JURISDICTION_NAMES.get(key, (key, ""))
    return {"key": key, "name": en, "name_zh": zh}


def dimension_label(dim: str) -> dict[str, str]:
    en, zh = DIMENSIONS.get(dim, (dim, ""))
    return {"id": dim, "label_en": en, "label_zh": zh}


def _labels(conn: sqlite3.Connection, have: set[str]) -> dict[str, dict]:
    return {r["code"]: r for r in q.taxonomy(conn)} if "taxonomy" in have else {}


def code_labels(conn: sqlite3.Connection) -> dict[str, dict]:
    """code → its taxonomy row (labels, definition); empty without a codebook table."""
    return _labels(conn, q.tables(conn))


def _lang(row: dict) -> str | None:
    return lang_tag(row.get("lang"), row.get("source_language"), row.get("jurisdiction"))


# -- highlighted text ------------------------------------------------------------
def tag_title(tag: dict, labels: dict[str, dict]) -> str:
    label = labels.get(tag["code"], {})
    names = " / ".join(x for x in (label.get("label_en"), label.get("label_zh")) if x)
    facts = " · ".join(f"{k}: {tag[k]}" for k in ("role", "modality", "method", "decision")
                       if tag.get(k))
    who = decider(tag)
    if who["kind"] == "human" and tag.get("decided_by"):
        facts += f" by {tag['decided_by']}"
    elif tag.get("decided_by") or tag.get("method"):
        facts += f"\ndecided by {who['label']}"
    return f"{tag['code']}" + (f" — {names}" if names else "") + (f"\n{facts}" if facts else "")


def ref_title(ref: dict) -> str:
    try:
        pin = " ".join(map(str, json.loads(ref.get("pinpoint") or "[]")))
    except (TypeError, ValueError):
        pin = str(ref.get("pinpoint") or "")
    target = ref.get("to_citation") or " ".join(x for x in (ref.get("work"), pin) if x)
    if ref.get("to_id"):
        return f"→ {target}"
    if ref.get("status") == "work":   # the references stage: the work as a whole, no pinpoint
        return f"→ {target} (the work as a whole)"
    why = ref.get("reason")
    return f"→ {target or 'unknown work'} (not resolved{': ' + why if why else ''})"


def pieces(text: str | None, tags=(), refs=(), labels: dict | None = None,
           links: Links | None = None) -> list[dict]:
    """Text cut into pieces, each with the tags (class, title) and reference (link)
    covering it; markup.text_html wraps them in <mark>/<a>, escaping everything."""
    labels = labels or {}
    spans = ([{**t, "_kind": "tag"} for t in tags]
             + [{**r, "_kind": "ref"} for r in refs])
    out = []
    for seg in segments(text or "", spans):
        piece: dict[str, Any] = {"text": seg.text}
        tag_spans = [s for s in seg.spans if s["_kind"] == "tag"]
        if tag_spans:
            dims = list(OrderedDict.fromkeys(s.get("dimension") or s["code"].split(".")[0]
                                             for s in tag_spans))
            rejected = all(s.get("decision") == "rejected" for s in tag_spans)
            # "rejected" already says a person decided; "human" marks the kept ones.
            human = not rejected and any(s.get("decision") in HUMAN_DECISIONS
                                         and s.get("decision") != "rejected" for s in tag_spans)
            piece["cls"] = " ".join(["tag", *(f"d-{d}" for d in dims)]
                                    + (["multi"] if len(tag_spans) > 1 else [])
                                    + (["rejected"] if rejected else [])
                                    + (["human"] if human else []))
            piece["title"] = "\n".join(tag_title(s, labels) for s in tag_spans)
            piece["codes"] = " ".join(OrderedDict.fromkeys(s["code"] for s in tag_spans))
        ref = next((s for s in seg.spans if s["_kind"] == "ref"), None)
        if ref:
            piece["ref_title"] = ref_title(ref)
            if ref.get("to_id") and links:
                piece["href"] = links.provision(ref["to_id"])
        out.append(piece)
    return out


def _as_span(row: dict) -> dict:
    return {**row, "start": row.get("start", row.get("tag_start")),
            "end": row.get("end", row.get("tag_end"))}


# -- the matrix ------------------------------------------------------------------
CELL_PROVISIONS = 3      # provisions named in a matrix cell; the rest behind "more"
# The language of a system's citations (《刑事诉讼法》…, 刑事訴訟法第…條, § … StPO), so the
# browser picks the right glyphs.
CITATION_LANGS = {"CN": "zh-Hans", "TW": "zh-Hant", "DE": "de"}
GAP_WORDS = {
    REVIEWED_ABSENT: "reviewed and absent",
    SOURCE_MISSING: "a source is missing",
    NO_PROVISION: "no provision in the corpus",
}


def coding_label(rule_id: str | None) -> str:
    """``reference-v1`` → "reference coding v1"."""
    version = (rule_id or "").rsplit("-v", 1)
    return (f"reference coding v{version[1]}" if len(version) == 2 and version[1]
            else "reference coding")


def decider(tag: dict) -> dict[str, str]:
    """Who decided a tag, for a badge: the reference coding (``reference-v1`` →
    "reference coding v1"), an annotator, or the machine ("machine (rule)")."""
    who = tag.get("decided_by") or ""
    if tag.get("decision") in HUMAN_DECISIONS or tag.get("method") == "human":
        return {"kind": "human", "label": f"{who} (annotator)" if who else "annotator"}
    if tag.get("method") == "reference" or who.startswith("reference"):
        return {"kind": "reference", "label": coding_label(who or tag.get("rule_id"))}
    return {"kind": "machine", "label": who or f"machine ({tag.get('method') or 'tagger'})"}


_MATRIX_CACHE: dict[tuple, list] = {}


def _served_matrix(conn: sqlite3.Connection, juris: list[str]) -> list:
    """annotate.compare.matrix, computed once per database file: the site serves its
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
    have = q.tables(conn)
    juris = jurisdictions(conn)
    sizes = q.jurisdiction_sizes(conn)
    columns = [{**column_label(j), "provisions": sizes.get(j, 0)} for j in juris]
    scholarship = {**column_label(SCHOLARSHIP), "provisions": sizes.get(SCHOLARSHIP, 0)}
    count = q.tag_count(conn) if "tags" in have else 0
    # The annotations stage creates an empty tags table when the tagger did not run.
    has_tags, has_taxonomy = count > 0, "taxonomy" in have
    reviewed = reviewed_systems(conn)
    dims: OrderedDict[str, dict] = OrderedDict()
    if has_tags and has_taxonomy:
        for r in _served_matrix(conn, juris):
            dim = dims.setdefault(r.dimension, {**dimension_label(r.dimension), "codes": []})
            dim["codes"].append({
                "code": r.code, "label_en": r.label_en, "label_zh": r.label_zh,
                "definition": r.definition, "href": links.code(r.code),
                "cells": [_cell(r.cells[j], r.code, links, core, reviewed) for j in juris],
                "scholarship": _cell(r.scholarship, r.code, links, core, reviewed),
            })
    elif has_taxonomy:
        for r in q.taxonomy(conn):
            dim = dims.setdefault(r["dimension"], {**dimension_label(r["dimension"]), "codes": []})
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
    for c in sorted(counts, key=lambda c: (-c.n, _rank(c.value, order))):
        state = ("reviewed" if c.reviewed and c.reviewed == c.n
                 else "partly" if c.reviewed else "machine")
        out.append({"value": c.value, "n": c.n, "reviewed": c.reviewed, "state": state,
                    "title": f"{c.n} provision{'s' if c.n != 1 else ''}, {c.reviewed} reviewed"})
    return out


def _cell(cell, code: str, links: Links, core: bool, reviewed: dict[str, dict]) -> dict:
    col = cell.jurisdiction
    outside = cell.provisions - cell.core
    if core:
        cell = cell.core_only()
    lang = CITATION_LANGS.get(col)
    shown = [{"id": s.id, "citation": s.citation or s.id, "core": s.core, "lang": lang,
              "reviewed": s.reviewed, "values": s.values, "href": links.provision(s.id)}
             for s in cell.shown[:CELL_PROVISIONS]]
    out = {
        "key": col, "count": cell.provisions, "gap": cell.gap,
        "core_count": cell.core, "reviewed_count": cell.reviewed,
        "roles": _counted(cell.role_counts, ROLE_ORDER),
        "modalities": _counted(cell.modality_counts, MODALITY_ORDER),
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


# -- a code ----------------------------------------------------------------------
def code_page(conn: sqlite3.Connection, code: str, filters: dict[str, str], links: Links,
              show_all: bool = False, core: bool = False) -> dict | None:
    """The provisions carrying ``code``, the systems side by side: core provisions of
    the reference coding first, each provision once with every tag it carries and who
    decided it; ``core``: core provisions only."""
    have = q.tables(conn)
    labels = _labels(conn, have)
    info = labels.get(code)
    if "tags" not in have:
        if info is None:
            return None
        return {"info": info, "code": code, "has_tags": False, "columns": [],
                "scholarship": None, "filters": filters, "facets": {}, **_code_nav(info)}
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
                "heading": r["heading"], "source": r["source"], "col": col, "lang": _lang(r),
                "href": links.provision(r["id"]), "text": r["text"], "spans": [],
                "roles": [], "modalities": [], "methods": [], "deciders": [],
                "core": bool(r.get("core"))}
        unit["spans"].append(_as_span(r))
        for key, many in (("role", "roles"), ("modality", "modalities"), ("method", "methods")):
            if r.get(key) and r[key] not in unit[many]:
                unit[many].append(r[key])
        who = decider(r)
        if who not in unit["deciders"]:
            unit["deciders"].append(who)
    for unit in units.values():
        unit["pieces"] = pieces(unit.pop("text"), unit.pop("spans"), labels=labels)
    # Translations are not columns of their own; show them under their original.
    pairs = q.alignments_of(conn, list(units)) if "alignments" in have else {}
    translated = q.provisions_by_id(conn, pairs.values())
    for pid, other_id in pairs.items():
        other = translated.get(other_id)
        if other and pid in units:
            units[pid]["translation"] = {"href": links.provision(other["id"]),
                                         "citation": other["citation"], "lang": _lang(other),
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
                       for f in sorted(facets["modalities"], key=lambda f: _rank(
                           f["value"], MODALITY_ORDER))],
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
        "core": core, "has_core": "reference_units" in have,
        "switch": {"all": links.code(code, **filters), "core": links.code(code, **filters, core=1)},
        # Always across every system: a matrix cell leads here filtered to one.
        "contrast": code_contrast(conn, code, every, labels),
        "brief_columns": [column_label(j) for j in every],
        **_code_nav(info),
    }


def _code_nav(info: dict) -> dict:
    return {"dimension": dimension_label(info.get("dimension") or info["code"].split(".")[0])}


def _rank(value: str, order: tuple[str, ...]) -> int:
    return order.index(value) if value in order else len(order)


# -- a provision -----------------------------------------------------------------
def provision_page(conn: sqlite3.Connection, pid: str, links: Links,
                   human: Callable[[list[str]], Any] | None = None) -> dict | None:
    """``human(ids)``, when given, returns the annotation store's live layer
    (annotating.HumanLayer): its tag decisions replace the built ones for the
    units it covers, so a decision shows before the next build."""
    row = q.provision(conn, pid)
    if row is None:
        return None
    have = q.tables(conn)
    labels = _labels(conn, have)
    crumbs = q.ancestors(conn, pid)
    is_container = row["kind"] == "container"
    units = [] if is_container else q.descendants(conn, pid)
    ids = [u["id"] for u in units] or [pid]
    tags = q.tags_of(conn, ids, decisions=True) if "tags" in have else []
    layer = human(ids) if human is not None else None
    if layer is not None and layer.tags:
        tags = _overlay(tags, layer.tags)
    refs = q.refs_from(conn, "provisions", ids) if "refs" in have else []
    notes = q.commentary_of(conn, ids) if "commentary" in have and not is_container else []
    note_refs = (q.refs_from(conn, "commentary", [n["id"] for n in notes])
                 if notes and "refs" in have else [])
    pairs = q.alignments_of(conn, ids) if "alignments" in have else {}
    translated = q.provisions_by_id(conn, pairs.values())
    translated_tags = q.tags_of(conn, list(translated)) if "tags" in have else []
    by_unit = _group(tags, "provision_id")
    refs_by_unit = _group([r for r in refs if _field(r) == "text"], "from_id")
    wrapup_refs = _group([r for r in refs if _field(r) == "wrapup"], "from_id")
    tr_tags = _group(translated_tags, "provision_id")
    shown_units = []
    for item in _with_wrapups(units, row.get("depth") or 0):
        u = item["unit"]
        if item["wrapup"]:
            shown_units.append({"wrapup": True, "lang": _lang(u), "depth": item["depth"],
                                "pieces": pieces(u["wrapup"], refs=wrapup_refs.get(u["id"], []),
                                                 links=links)})
            continue
        other = translated.get(pairs.get(u["id"], ""))
        shown_units.append({
            "id": u["id"], "num": u["num"], "heading": u["heading"], "citation": u["citation"],
            "depth": item["depth"], "lang": _lang(u), "href": links.provision(u["id"]),
            "has_text": bool((u["text"] or "").strip()),
            "pieces": pieces(u["text"], by_unit.get(u["id"], []), refs_by_unit.get(u["id"], []),
                             labels, links),
            "translation": ({"id": other["id"], "lang": _lang(other), "num": other["num"],
                             "heading": other["heading"], "href": links.provision(other["id"]),
                             "pieces": pieces(other["text"], tr_tags.get(other["id"], []),
                                              labels=labels)} if other else None),
        })
    note_refs_by = _group(note_refs, "from_id")
    anc_notes = (q.commentary_counts(conn, [c["id"] for c in crumbs])
                 if "commentary" in have else {})
    back = _citing_units(q.backlinks(conn, ids) if "refs" in have else [], links)
    dims_present = list(OrderedDict.fromkeys(t["dimension"] or t["code"].split(".")[0]
                                             for t in tags))
    return {
        "row": row, "lang": _lang(row), "is_container": is_container,
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
        "legend": [dimension_label(d) for d in (dims_present or DIMENSIONS)],
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
        "has_tags_table": "tags" in have, "has_refs_table": "refs" in have,
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


def _label(row: dict) -> str:
    """How to name a unit: its citation, or for a container its number and heading."""
    return (row.get("citation")
            or " ".join(x for x in (row.get("num"), row.get("heading")) if x) or row["id"])


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


# -- search ----------------------------------------------------------------------
FACETS = ("jurisdiction", "source", "dimension", "code")


def search_page(conn: sqlite3.Connection, query: str, filters: dict[str, str], page: int,
                links: Links) -> dict:
    """The search page (search_page.py): hits grouped by source, codes the query names."""
    from . import search_page as sp
    return sp.search_page(conn, query, filters, page, links,
                          labels=_labels(conn, q.tables(conn)), label=_label, lang=_lang,
                          facets=_facets)


def _facets(raw: dict[str, list[dict]], labels: dict, query: str, filters: dict[str, str],
            links: Links) -> list[dict]:
    out = []
    for name in FACETS:
        values = raw.get(name)
        if not values:
            continue
        items = []
        for v in values:
            value = v["value"]
            if value is None:
                continue
            if name == "jurisdiction":
                label = column_label(value)["name"]
            elif name == "dimension":
                label = dimension_label(value)["label_en"]
            elif name == "code":
                label = labels.get(value, {}).get("label_en") or value
            else:
                label = v.get("label") or value
            selected = filters.get(name) == value
            params = {**filters, name: None if selected else value}
            items.append({"value": value, "label": label, "n": v["n"], "selected": selected,
                          "href": links.search(q=query, **params)})
        out.append({"name": name, "options": items})
    return out
