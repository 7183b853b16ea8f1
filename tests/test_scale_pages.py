"""The search and code pages stay bounded on a large corpus: counts exact up to a cap
and said to be lower bounds beyond it, ranking cut inside the FTS query, code-page
columns in pages. Checked on the whole corpus as `plea build` makes it, against what
the texts hold, found without the search code: a plain substring scan of the
provisions, and the matrix cells the build writes."""
from __future__ import annotations

import sqlite3
import urllib.parse
import urllib.request

import lxml.html
import pytest

from plea.corpus.search import fts_query
from plea.web import queries as q
from plea.web.pages import code as code_module
from plea.web.pages.code import code_page
from plea.web.pages.search import search_page
from plea.web.render import Links
from tests.conftest import serving
from tests.test_search_ranking import RANKING

FIELDS = ("heading", "text", "wrapup", "citation")


@pytest.fixture(scope="module")
def conn(built_db):
    c = sqlite3.connect(f"file:{built_db}?immutable=1", uri=True)
    yield c
    c.close()


def containing(conn, *words: str) -> dict[str, int]:
    """Units per column whose own fields hold one of ``words`` — the texts read
    directly, not through the index."""
    cond = " OR ".join(f"instr(coalesce({f}, ''), ?) > 0" for f in FIELDS for _ in words)
    found = conn.execute(
        "SELECT CASE WHEN source_kind = 'scholarship' THEN 'scholarship' ELSE jurisdiction END,"
        f" count(*) FROM provisions WHERE {cond} GROUP BY 1",
        [w for _ in FIELDS for w in words]).fetchall()
    return dict(found)


def facet(found: dict, name: str) -> dict[str, int]:
    options = next((f["options"] for f in found["facets"] if f["name"] == name), [])
    return {o["value"]: o["n"] for o in options}


# (query, the words a unit holds when it matches: Simplified and Traditional script)
EXACT = [("协商", ("协商", "協商")), ("協商", ("协商", "協商")), ("值班律师", ("值班律师", "值班律師"))]


@pytest.mark.parametrize("query,words", EXACT)
def test_under_the_cap_counts_are_exact(conn, query, words):
    expected = containing(conn, *words)
    found = search_page(conn, query, {}, 1, Links())
    assert not found["capped"]
    assert found["total"] == sum(expected.values())
    assert facet(found, "jurisdiction") == expected


@pytest.mark.parametrize("query,words", EXACT)
def test_code_and_dimension_facets_count_the_matching_units_that_carry_them(conn, query,
                                                                            words):
    cond = " OR ".join(f"instr(coalesce(p.{f}, ''), ?) > 0" for f in FIELDS for _ in words)
    args = [w for _ in FIELDS for w in words]
    expected = {key: dict(conn.execute(
        f"SELECT t.{key}, count(DISTINCT p.id) FROM provisions p JOIN tags t "
        f"ON t.provision_id = p.id WHERE {cond} GROUP BY 1", args).fetchall())
        for key in ("dimension", "code")}
    assert expected["code"]                     # the query's units carry codes
    found = search_page(conn, query, {}, 1, Links())
    for key in ("dimension", "code"):
        assert facet(found, key) == expected[key]
        counts = [o["n"] for o in next(f["options"] for f in found["facets"]
                                       if f["name"] == key)]
        assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("query,words", EXACT)
def test_over_the_cap_counts_are_lower_bounds(conn, monkeypatch, query, words):
    expected = containing(conn, *words)
    cap = sum(expected.values()) // 2          # 协商: 47 units hold it, counted to 23
    monkeypatch.setattr(q, "COUNT_CAP", cap)
    found = search_page(conn, query, {}, 1, Links())
    assert found["capped"] and found["total"] == cap
    counted = facet(found, "jurisdiction")
    assert sum(counted.values()) == cap
    assert all(counted[k] <= expected[k] for k in counted)
    # The results are not cut to the counted ones: every match is ranked.
    assert len(q.search(conn, fts_query(query), {})["results"]) == sum(expected.values())


def test_the_pages_say_a_count_is_a_lower_bound(conn, built_db):
    # More units hold "court" than the cap counts (1,078 hold it in lower case alone).
    assert sum(containing(conn, "court").values()) > q.COUNT_CAP
    code = "subjects.suspect_defendant"
    n = conn.execute("SELECT CN_provisions FROM comparison_matrix WHERE code = ?",
                     [code]).fetchone()[0]
    with serving(built_db) as base:
        doc = _get(base, "/search?q=court")
        count = doc.xpath("//p[@class='count']")[0].text_content()
        assert count.startswith(f"More than {q.COUNT_CAP:,} provisions and passages match")
        assert "lower bound" in doc.xpath("//p[contains(@class, 'capped')]")[0].text_content()
        numbers = doc.xpath("//aside[@class='facets']//span[@class='n']/text()")
        assert numbers and all(x.startswith("≥ ") for x in numbers)
        doc = _get(base, "/search?q=" + urllib.parse.quote("协商"))     # 47: exact
        assert not doc.xpath("//p[contains(@class, 'capped')]")
        pages = -(-n // code_module.CODE_COLUMN_LIMIT)
        last = _get(base, f"/code/{code}?jurisdiction=CN&page={pages}")
        cards = last.xpath("//section[@data-col='CN']/article")
        assert len(cards) == n - (pages - 1) * code_module.CODE_COLUMN_LIMIT
        pager = last.xpath("//section[@data-col='CN']/p[@class='pager']")[0].text_content()
        assert f"page {pages} of {pages}" in pager and "previous" in pager


def _get(base: str, path: str):
    with urllib.request.urlopen(base + path, timeout=60) as resp:
        return lxml.html.fromstring(resp.read().decode())


@pytest.mark.parametrize("query,top,prefix", RANKING)
def test_ranking_keeps_core_provisions_with_few_candidates(conn, monkeypatch, query, top,
                                                           prefix):
    # With one BM25 candidate, what comes first is what the core provisions among the
    # matches bring in: the provisions scholars look for are still at the top.
    monkeypatch.setattr(q, "CANDIDATES", 1)
    found = search_page(conn, query, {}, 1, Links())
    ids = [r["id"] for g in found["groups"] for r in g["results"]][:top]
    assert any(i == prefix or i.startswith(prefix + "__") for i in ids), ids


def test_code_page_columns_match_the_matrix_cells(conn):
    # The matrix cell and the code page's column count the same provisions.
    codes = [r[0] for r in conn.execute("SELECT code FROM taxonomy")]
    cells = {r[0]: r[1:] for r in conn.execute(
        "SELECT code, CN_provisions, US_provisions, DE_provisions, TW_provisions, "
        "scholarship_provisions FROM comparison_matrix")}
    for code in codes:
        found = code_page(conn, code, {}, Links())
        totals = tuple(c["total"] for c in found["columns"]) + (found["scholarship"]["total"],)
        assert totals == tuple(cells[code]), code


def test_code_page_columns_come_in_pages(conn, monkeypatch):
    # subjects.suspect_defendant: the Chinese column is longer than a page of 60.
    code = "subjects.suspect_defendant"
    n = conn.execute("SELECT CN_provisions FROM comparison_matrix WHERE code = ?",
                     [code]).fetchone()[0]
    assert n > code_module.CODE_COLUMN_LIMIT
    every = [u["id"] for u in _column(code_page(conn, code, {"jurisdiction": "CN"}, Links(),
                                                show_all=True), "CN")["units"]]
    assert len(every) == n
    pages, seen = -(-n // code_module.CODE_COLUMN_LIMIT), []
    for number in range(1, pages + 1):
        col = _column(code_page(conn, code, {"jurisdiction": "CN"}, Links(), page=number), "CN")
        assert col["total"] == n and col["pages"] == pages
        assert (col["next"] is None) == (number == pages)
        assert (col["previous"] is None) == (number == 1)
        seen += [u["id"] for u in col["units"]]
    assert seen == every                       # in order, each once
    # Core provisions come first, then the manifest's order.
    flags = [u["core"] for u in _column(code_page(conn, code, {"jurisdiction": "CN"}, Links(),
                                                  show_all=True), "CN")["units"]]
    assert flags == sorted(flags, reverse=True) and flags[0]
    # Beyond the "show all" limit the page offers pages only.
    monkeypatch.setattr(code_module, "SHOW_ALL_LIMIT", n - 1)
    col = _column(code_page(conn, code, {}, Links()), "CN")
    assert col["all"] is None and col["next"]


def _column(found: dict, key: str) -> dict:
    return next(c for c in found["columns"] if c["key"] == key)


def _hit_rowids(conn, query: str) -> list[int]:
    return [r[0] for r in conn.execute("SELECT rowid FROM provisions_fts WHERE provisions_fts "
                                       "MATCH ? ORDER BY rowid", [fts_query(query)])]


def test_ranking_reads_the_first_pool_of_matches(conn, monkeypatch):
    """Over RANK_POOL hits, BM25 ranks the first RANK_POOL in the corpus's order; the core
    provisions among all hits (and their translations) still come in. With as many hits
    as RANK_POOL or fewer, the ranking is the one over every hit."""
    query, pool = "court", 100                     # 1,077 hits
    hits = _hit_rowids(conn, query)
    assert len(hits) > pool
    core = "SELECT provision_id FROM reference_units WHERE core = 1"
    boosted = {r[0] for r in conn.execute(
        f"SELECT id FROM provisions WHERE id IN ({core}) OR id IN (SELECT target_id FROM "
        f"alignments WHERE provision_id IN ({core})) OR id IN (SELECT provision_id FROM "
        f"alignments WHERE target_id IN ({core}))")}
    rowid = dict(conn.execute("SELECT id, rowid FROM provisions"))

    def ranked(n: int) -> dict:
        monkeypatch.setattr(q, "RANK_POOL", n)
        return q.search(conn, fts_query(query), {}, limit=5000)

    cut = ranked(pool)
    assert cut["pooled"]
    ids = [r["id"] for r in cut["results"]]
    assert len(ids) >= pool                          # the whole pool is ranked
    assert all(rowid[i] <= hits[pool - 1] or i in boosted for i in ids)
    assert any(rowid[i] > hits[pool - 1] for i in ids)   # core provisions further on
    every = ranked(10 ** 9)
    assert not every["pooled"] and ids != [r["id"] for r in every["results"]]
    exact = ranked(len(hits))                        # exactly as many hits: nothing cut
    assert not exact["pooled"] and exact["results"] == every["results"]


def test_ranking_pool_with_a_filter(conn, monkeypatch):
    """With a filter, the pool is the first RANK_POOL hits the filter keeps."""
    monkeypatch.setattr(q, "RANK_POOL", 20)
    found = q.search(conn, fts_query("court"), {"jurisdiction": "US"})
    assert found["pooled"]
    assert {r["jurisdiction"] for r in found["results"]} == {"US"}


def test_the_search_page_says_the_ranking_was_over_the_first_matches(built_db, monkeypatch):
    import asyncio
    import concurrent.futures

    from datasette.app import Datasette

    monkeypatch.setattr(q, "RANK_POOL", 100)

    async def fetch(path: str) -> str:
        response = await Datasette(immutables=[str(built_db)]).client.get(path)
        assert response.status_code == 200
        return response.text

    def get(path: str) -> str:
        # in a thread of its own: a browser test before this one (Playwright's sync API)
        # leaves an event loop running in the main thread, where asyncio.run refuses to start
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, fetch(path)).result()

    doc = lxml.html.fromstring(get("/search?q=court"))
    notice = doc.xpath("//p[contains(@class, 'pooled')]")[0].text_content()
    assert "first 100 matches" in notice and "core provision" in notice
    doc = lxml.html.fromstring(get("/search?q=" + urllib.parse.quote("协商")))
    assert not doc.xpath("//p[contains(@class, 'pooled')]")            # 47 hits: all ranked
