"""Datasette configured for people, and safe: metadata, stored queries, hidden tables,
escaping of source text, read-only serving; and a database without the tagging and
reference stages still serves every page."""
from __future__ import annotations

import sqlite3
import urllib.error
import urllib.parse
import urllib.request

import pytest

from plea.web.pages import provision as provision_module
from plea.web.pages.code import code_page
from plea.web.pages.matrix import matrix_page
from plea.web.pages.provision import provision_page
from plea.web.render import Links
from plea.web.metadata import build_metadata
from plea.web.views import MATRIX_VIEW, build_stage, install
from tests.conftest import get_json, serving
from tests.fixtures.web.make_db import fixture_db
from tests.test_web_pages import fetch, page

PROBE_PAGES = ["/code/subjects.court", "/provision/xx-probe:sec_1", "/search?q=probe",
               "/search?q=court", "/plea/provisions?source_id=xx-probe", "/plea/sources",
               "/plea/tags", "/plea/refs", "/plea/court_excluded",
               "/plea/provisions/xx-probe~3Asec_1"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serving(fixture_db(tmp_path_factory.mktemp("web"))) as base:
        yield base


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    """Built without the tagging and reference stages."""
    with serving(fixture_db(tmp_path_factory.mktemp("bare"), annotated=False)) as base:
        yield base


@pytest.fixture(scope="module")
def noview(tmp_path_factory):
    """Tagged, but the build did not create the comparison_matrix view."""
    with serving(fixture_db(tmp_path_factory.mktemp("noview"), view=False)) as base:
        yield base


# -- escaping ---------------------------------------------------------------------
@pytest.mark.parametrize("path", PROBE_PAGES)
def test_source_text_is_always_escaped(site, path):
    status, body = fetch(site, path)
    assert status == 200, body[:1000]
    for raw in ("<script>alert(", "<img src=x", "<b>plea</b>", "<b>act</b>", "<i>Part</i>"):
        assert raw not in body, (path, raw)
    assert "&lt;script&gt;alert(" in body or "&lt;b&gt;" in body


def test_escaped_markup_reads_as_text(site):
    doc = page(site, "/provision/xx-probe:sec_1")
    assert "<script>alert('citation')</script>" in doc.xpath("//h1")[0].text_content()
    mark, = doc.xpath("//div[contains(@class, 'provision-text')]//mark")
    assert mark.text_content() == "<script>alert('text')</script>"
    assert not doc.xpath("//div[contains(@class, 'provision-text')]//script")


def test_codebook_definitions_are_escaped_too(site):
    status, body = fetch(site, "/")
    assert "<em>as a term</em>" not in body and "&lt;em&gt;as a term&lt;/em&gt;" in body


# -- read-only -------------------------------------------------------------------
def test_read_only_and_time_limited(site):
    assert get_json(site + "/-/databases.json")[0]["is_mutable"] is False
    assert get_json(site + "/-/settings.json")["sql_time_limit_ms"] == 3000
    for path in ("/", "/search", "/code/subjects.court", "/provision/xx-mini:art_1"):
        req = urllib.request.Request(site + path, data=b"q=x", method="POST")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=10)
        assert err.value.code == 405
    q = urllib.parse.quote("update provisions set text = 'x'")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{site}/plea.json?sql={q}", timeout=10)
    assert get_json(site + "/plea/provisions/xx-mini~3Aart_1.json?_shape=objects")[
        "rows"][0]["text"] == "为了规范认罪协商，制定本法。"


def test_pages_run_under_the_sql_time_limit(tmp_path):
    db = fixture_db(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TEMP VIEW slow AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                 "SELECT i + 1 FROM n) SELECT i FROM n")
    from datasette.utils import sqlite_timelimit
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        with sqlite_timelimit(conn, 50):
            conn.execute("SELECT count(*) FROM slow").fetchone()
    # and the same wrapper around a page is harmless when the page is quick
    with sqlite_timelimit(conn, 3000):
        assert matrix_page(conn, Links())["has_tags"]


# -- Datasette for people ----------------------------------------------------------
def test_metadata_titles_licences_and_column_descriptions(site):
    meta = get_json(site + "/-/metadata.json")
    assert meta["title"] == "plea-corpus" and "CC BY 4.0" in meta["license"]
    tables = meta["databases"]["plea"]["tables"]
    assert tables["tags"]["columns"]["role"].startswith("subjects codes only")
    assert tables["refs"]["columns"]["to_id"].startswith("The cited provision")
    assert "cn_proposed_by" in tables[MATRIX_VIEW]["columns"]
    assert tables["provisions"]["license"] and tables["provisions"]["source"]


def test_internal_tables_are_hidden(site):
    listing = get_json(site + "/plea.json")
    hidden = {t["name"] for t in listing["tables"] if t["hidden"]}
    assert {"builds", "build_log", "provisions_fts", "commentary_fts"} <= hidden
    shown = {t["name"] for t in listing["tables"] if not t["hidden"]}
    assert {"provisions", "sources", "tags", "taxonomy", "refs", "commentary"} <= shown


def rows(base: str, query: str, **params) -> list[dict]:
    qs = urllib.parse.urlencode({"_shape": "array", **params})
    return get_json(f"{base}/plea/{query}.json?{qs}")


def test_stored_queries_answer_the_common_questions(site):
    excluded = {r["id"] for r in rows(site, "court_excluded")}
    assert excluded == {"xx-rules:rule_11__subsec_c__para_1", "xx-probe:sec_1"}
    witness = {r["id"] for r in rows(site, "defence_only_witness")}
    assert witness == {"xx-scholar:sec_1__para_1"}     # not the CN article that consults them
    cites = rows(site, "cites_cpl_201")
    assert [r["id"] for r in cites] == ["xx-scholar:sec_1__para_2"]
    what = rows(site, "what_cites", provision_id="xx-rules:rule_11__subsec_c__para_1")
    assert {r["id"] for r in what} == {"xx-rules:rule_11__subsec_c__para_2",
                                       "xx-rules:rule_11__note_1"}
    coded = rows(site, "provisions_with_code", code="behavior.recording")
    assert [r["id"] for r in coded] == ["xx-mini:art_3-1"]


def test_stored_query_results_link_to_provision_pages(site):
    doc = page(site, "/plea/court_excluded")
    assert "/provision/xx-rules:rule_11__subsec_c__para_1" in doc.xpath("//td//a/@href")


# -- without the view, without the stages ---------------------------------------------
def test_matrix_export_works_without_the_view(noview):
    names = {t["name"] for t in get_json(noview + "/plea.json")["tables"]}
    assert MATRIX_VIEW not in names
    dc = {r["code"]: r for r in rows(noview, MATRIX_VIEW)}["subjects.defense_counsel"]
    assert (dc["cn_provisions"], dc["us_provisions"]) == (1, 1)
    assert page(noview, "/").xpath("//tr[@data-code='subjects.court']/td[@data-col='US']//a")


def test_untagged_database_still_serves_every_page(bare):
    doc = page(bare, "/")
    assert "No tags yet" in doc.xpath("//p[contains(@class, 'no-tags')]")[0].text_content()
    assert not doc.xpath("//table[@class='matrix']//tr[@data-code]")
    assert doc.xpath("//th[@data-col='CN']")      # the jurisdictions are still there
    doc = page(bare, "/provision/xx-rules:rule_11__subsec_c__para_1")
    assert not doc.xpath("//mark")
    assert "No cross-references yet" in doc.xpath("//section[@class='backlinks']")[0].text_content()
    doc = page(bare, "/search?q=" + urllib.parse.quote("协商"))
    assert doc.xpath("//li[@class='result']") and not doc.xpath("//ul[@data-facet='code']")
    assert fetch(bare, "/code/subjects.court")[0] == 404
    queries = get_json(bare + "/-/metadata.json")["databases"]["plea"]["queries"]
    assert set(queries) == {"search", "coverage"}


def test_install_is_idempotent_and_skips_what_is_missing(tmp_path):
    db = fixture_db(tmp_path, annotated=False)
    conn = sqlite3.connect(db)
    assert install(conn) == []
    conn.close()
    db2 = fixture_db(tmp_path / "again")
    conn = sqlite3.connect(db2)
    # the fixture's own build made the indexes; the tables for the pages are rewritten
    assert install(conn) == [MATRIX_VIEW, "code_units", "code_contrasts"]
    indexes = {r[1] for r in conn.execute("PRAGMA index_list(tags)")}
    assert {"idx_tags_code", "idx_tags_provision_id"} <= indexes
    assert build_metadata(db2)["databases"]["plea"]["queries"].get(MATRIX_VIEW) is None
    assert build_stage(sqlite3.connect(db)) == "web view: nothing to add (no tags yet)"


def test_many_backlinks_are_cut_short_with_a_link_to_all(tmp_path, monkeypatch):
    conn = sqlite3.connect(fixture_db(tmp_path))
    monkeypatch.setattr(provision_module, "MAX_BACKLINKS", 1)
    page_ = provision_page(conn, "xx-rules:rule_11__subsec_c__para_1", Links())
    assert len(page_["backlinks"]) == 1 and page_["backlinks_total"] == 2
    assert page_["backlinks_all"] == (
        "/plea/what_cites?provision_id=xx-rules%3Arule_11__subsec_c__para_1")


def test_human_verdicts_win_over_the_tagger(tmp_path):
    """With the annotations stage's effective_tags view, a rejected tag is gone
    from the matrix, the code page and the provision page."""
    conn = sqlite3.connect(fixture_db(tmp_path))
    conn.execute("CREATE VIEW effective_tags AS SELECT * FROM tags "
                 "WHERE NOT (code = 'subjects.duty_lawyer' AND provision_id = 'xx-mini:art_2__para_2')")
    install(conn)
    links = Links()
    matrix = matrix_page(conn, links)
    codes = {c["code"]: c for d in matrix["dimensions"] for c in d["codes"]}
    assert codes["subjects.duty_lawyer"]["cells"][0]["gap"]
    assert codes["subjects.defense_counsel"]["cells"][0]["count"] == 1
    assert not code_page(conn, "subjects.duty_lawyer", {}, links)["columns"][0]["units"]
    # the provision page shows the rejected tag as rejected (tag_decisions)
    conn.execute("CREATE VIEW tag_decisions AS SELECT *, CASE WHEN code = 'subjects.duty_lawyer' "
                 "THEN 'rejected' ELSE 'auto' END AS decision, 'reviewer' AS decided_by, "
                 "NULL AS note FROM tags")
    page_ = provision_page(conn, "xx-mini:art_2", links)
    decided = {t["code"]: t["decision"] for t in page_["tags"]}
    assert decided["subjects.duty_lawyer"] == "rejected" and decided["subjects.prosecutor"] == "auto"
    para2 = next(u for u in page_["units"] if u.get("id") == "xx-mini:art_2__para_2")
    lawyer = next(p for p in para2["pieces"] if p["text"] == "值班律师")
    assert "subjects.duty_lawyer" in lawyer["title"] and "decision: rejected" in lawyer["title"]
    assert "rejected" not in lawyer["cls"]   # behavior.consultation, not rejected, covers it too
