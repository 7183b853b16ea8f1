"""The search page: ranked hits grouped by source, and the codes a query names.

Ranking is SQL (queries.search: BM25 with column weights and boosts); here the
ranked hits are grouped by source — the source of the best hit first, and in
each group its best units first — and the query is matched against the
codebook in every language (labels and schemas/search_terms.yaml), so "duty
lawyer" also offers the 值班律师 provisions of China and their counterparts
elsewhere. Plain data out; the template escapes.
"""
from __future__ import annotations

import sqlite3
import unicodedata
from functools import lru_cache, partial
from pathlib import Path

import yaml

from plea.corpus.search import fts_query, phrase_query
from plea.corpus.vocab import has_han, to_simplified

from .. import queries as q
from .. import render
from ..highlight import query_terms, snippet
from plea.annotate.taxonomy import Taxonomy

from ..matrix import SCHOLARSHIP, codebook, jurisdictions
from ..render import Links
from ..viewmodel import column_label, dimension_label, labels_in, lang_of

ROUTE = r"^/search$"
FILTERS = ("jurisdiction", "source", "dimension", "code")
FACETS = ("jurisdiction", "source", "dimension", "code")

GROUPS_PER_PAGE = 10
PER_GROUP = 5          # units shown per source; the rest behind "more from this source"
CODE_OFFERS = 3        # codes offered with their provisions
PER_SYSTEM = 4         # provisions per system under an offered code
TERMS_FILE = Path(__file__).resolve().parents[2] / "schemas" / "search_terms.yaml"


@lru_cache(maxsize=1)
def search_terms() -> dict[str, list[str]]:
    """code → the words scholars search it by, every language together."""
    try:
        raw = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    return {code: [t for lang in langs.values() for t in lang] for code, langs in raw.items()}


def _plain(text: str) -> str:
    """Lower case, Simplified script, German spelling folded (ä → ae, ß → ss), so
    Verstaendigung, Verständigung and 協商 compare with the data as typed."""
    text = to_simplified(text).lower().replace("ß", "ss")
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.replace(a, b)
    return unicodedata.normalize("NFC", text)


def matching_codes(labels: dict[str, dict], query: str) -> list[str]:
    """Codes the query names in any language: the query is a label or listed
    term, or a part of one (two characters of Chinese, three letters otherwise).
    Exact matches first."""
    needle = _plain(query.strip().strip('"'))
    han = has_han(needle)
    if not needle or len(needle) < (2 if han else 3):
        return []
    exact, partial = [], []
    for code, row in labels.items():
        names = [row.get("label_en"), row.get("label_zh"), code.split(".")[-1].replace("_", " "),
                 *search_terms().get(code, [])]
        names = [_plain(n) for n in names if n]
        if needle in names:
            exact.append(code)
        elif any(needle in n for n in names):
            partial.append(code)
    return exact + partial


def _group_by_source(results: list[dict]) -> list[dict]:
    groups: dict[str, dict] = {}
    for r in results:                      # already best first
        g = groups.setdefault(r["source_id"], {"source_id": r["source_id"],
                                               "source": r["source"], "results": []})
        g["results"].append(r)
    return list(groups.values())


def search_page(conn: sqlite3.Connection, query: str, filters: dict[str, str], page: int,
                links: Links) -> dict:
    """Everything the search template shows: hits grouped by source, codes the query names."""
    labels = labels_in(conn)
    label, lang = _label, lang_of
    facets = partial(_facets, book=codebook(conn))
    codes = matching_codes(labels, query) if query.strip() else []
    base = {"query": query, "filters": filters, "groups": [], "total": 0, "facets": [],
            "codes": [{**labels[c], "href": links.code(c)} for c in codes[:8]],
            "offers": _offers(conn, codes[:CODE_OFFERS], labels, links, label, lang),
            "error": None, "pages": None, "commentary": None, "shown": 0, "capped": False,
            "cap": q.COUNT_CAP, "candidates": q.CANDIDATES,
            "pooled": False, "pool": q.RANK_POOL}
    match = fts_query(query) if query.strip() else ""
    if not match:
        return base
    try:
        found = q.search(conn, match, filters, phrase=phrase_query(query))
        n_notes = q.commentary_matches(conn, match)
    except sqlite3.OperationalError as exc:   # e.g. a query FTS5 cannot parse
        return {**base, "error": str(exc)}
    terms = query_terms(query)
    groups = _group_by_source(found["results"])
    n_pages = max(1, -(-len(groups) // GROUPS_PER_PAGE))
    page = min(max(page, 1), n_pages)
    shown_groups = groups[(page - 1) * GROUPS_PER_PAGE: page * GROUPS_PER_PAGE]
    shown_ids = [r["id"] for g in shown_groups for r in g["results"][:PER_GROUP]]
    carried = q.tags_for_results(conn, shown_ids)
    out_groups = []
    for g in shown_groups:
        items = []
        for r in g["results"][:PER_GROUP]:
            body = r["text"] or r["wrapup"] or ""
            items.append({
                "id": r["id"], "citation": label(r), "href": links.provision(r["id"]),
                "heading": snippet(r["heading"], terms, 400) if r["heading"] else [],
                "snippet": snippet(body, terms), "lang": lang(r), "source": r["source"],
                "container": r["container"],
                "col": SCHOLARSHIP if r["source_kind"] == SCHOLARSHIP else r["jurisdiction"],
                "codes": [{"code": c, "href": links.code(c)} for c in carried.get(r["id"], [])],
            })
        more = len(g["results"]) - len(items)
        out_groups.append({
            "source_id": g["source_id"], "source": g["source"], "results": items,
            "col": items[0]["col"],
            "more": {"n": more, "href": links.search(q=query, **{**filters,
                                                                "source": g["source_id"]})}
            if more > 0 and not filters.get("source") else None,
        })
    return {
        **base, "groups": out_groups, "total": found["total"], "capped": found["capped"],
        "pooled": found["pooled"],
        "shown": sum(len(g["results"]) for g in out_groups),
        "facets": facets(found["facets"], labels, query, filters, links),
        "pages": {"page": page, "count": n_pages,
                  "previous": links.search(q=query, **filters, page=page - 1) if page > 1 else None,
                  "next": links.search(q=query, **filters, page=page + 1)
                  if page < n_pages else None},
        "commentary": ({"n": min(n_notes, q.COUNT_CAP), "capped": n_notes > q.COUNT_CAP,
                        "href": links.table("commentary", _search=query)}
                       if n_notes else None),
    }


def _offers(conn: sqlite3.Connection, codes: list[str], labels: dict[str, dict], links,
            label, lang) -> list[dict]:
    """For each code the query names: its provisions in every system, the
    reviewed core provisions first — the cross-language answer to a query."""
    if not codes:
        return []
    cols = jurisdictions(conn)
    out = []
    for code in codes:
        by_col = q.code_provisions(conn, code, per_column=PER_SYSTEM)
        systems = []
        for col in [c for c in cols if c != SCHOLARSHIP] + [SCHOLARSHIP]:
            found = by_col.get(col, {"rows": [], "n": 0})
            systems.append({
                "col": col, "n": found["n"],
                "provisions": [{"citation": label(r), "href": links.provision(r["id"]),
                                "lang": lang(r)} for r in found["rows"]],
                "href": links.code(code, jurisdiction=col),
            })
        out.append({**labels[code], "href": links.code(code), "systems": systems})
    return out


def _label(row: dict) -> str:
    """How to name a unit: its citation, or for a container its number and heading."""
    return (row.get("citation")
            or " ".join(x for x in (row.get("num"), row.get("heading")) if x) or row["id"])


def _facets(raw: dict[str, list[dict]], labels: dict, query: str, filters: dict[str, str],
            links: Links, *, book: Taxonomy) -> list[dict]:
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
                label = dimension_label(value, book)["label_en"]
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


async def handle(datasette, request):
    query = (request.args.get("q") or "")[:200]
    filters = render.query_filters(request, FILTERS)
    try:
        page = min(max(int(request.args.get("page") or 1), 1), 1000)
    except ValueError:
        page = 1
    return await render.page(datasette, request, "plea_search.html",
                             lambda conn, links: search_page(conn, query, filters, page, links),
                             title=f"Search: {query}" if query else "Search")
