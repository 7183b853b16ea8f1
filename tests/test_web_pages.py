"""The comparison web view on a real `plea serve`: matrix, code, provision and search
pages, over a fixture database with hand-written tags and references."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import lxml.html
import pytest

from tests.conftest import get_json, serving
from tests.fixtures.web.make_db import fixture_db


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serving(fixture_db(tmp_path_factory.mktemp("web"))) as base:
        yield base


def fetch(base: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(base + urllib.parse.quote(path, safe="/?=&:%"),
                                    timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def page(base: str, path: str):
    status, body = fetch(base, path)
    assert status == 200, (path, body[:2000])
    return lxml.html.fromstring(body)


def texts(nodes) -> list[str]:
    return [n.text_content().strip() for n in nodes]


# -- the matrix ----------------------------------------------------------------
def test_home_page_is_the_matrix(site):
    doc = page(site, "/")
    heads = [th.get("data-col") for th in doc.xpath("//table[@class='matrix']/thead//th[@data-col]")]
    assert heads == ["CN", "US", "DE", "TW", "scholarship"]
    dims = doc.xpath("//tbody[@data-dimension]/@data-dimension")
    assert dims == ["subjects", "scope", "behavior", "consequences"]
    row = doc.xpath("//tr[@data-code='subjects.defense_counsel']")[0]
    assert "Defence counsel" in row.text_content() and "辩护人" in row.text_content()
    assert row.xpath(".//summary/@title")[0].startswith("A retained or appointed defence lawyer")
    cn = row.xpath("./td[@data-col='CN']")[0]
    assert cn.xpath(".//a[@class='count']/@href") == ["/code/subjects.defense_counsel?jurisdiction=CN"]
    assert "1 provision" in cn.text_content()
    # each role and modality with its count (the fixture's tags are a person's: reviewed)
    assert [(s.get("data-value"), s.get("data-n"), s.get("data-reviewed")) for s in
            cn.xpath(".//span[contains(@class, 'badge role')]")] == [("consulted", "1", "1")]
    assert [s.get("data-value") for s in
            cn.xpath(".//span[contains(@class, 'badge modality')]")] == ["obligation"]
    # the provision that defines the cell, linked
    assert cn.xpath(".//ul[@class='cell-provisions']//a/@href") == [
        "/provision/xx-mini:art_2__para_2"]
    assert "gap" in row.xpath("./td[@data-col='DE']/@class")[0]
    assert texts(row.xpath("./td[@data-col='scholarship']//span[contains(@class, 'role')]")) == [
        "witness 1✓"]


def test_a_gap_scholarship_proposes_to_fill_says_so(site):
    doc = page(site, "/")
    cell = doc.xpath("//tr[@data-code='subjects.third_party']/td[@data-col='CN']")[0]
    assert "proposed" in cell.get("class")
    assert "scholarship proposes to fill it: Example 2024" in cell.text_content()
    # a gap nobody proposes to fill is a plain gap
    us = doc.xpath("//tr[@data-code='subjects.third_party']/td[@data-col='US']")[0]
    assert "proposed" not in us.get("class") and "proposes" not in us.text_content()


def test_translations_are_not_counted_twice(site):
    doc = page(site, "/")
    tw = doc.xpath("//tr[@data-code='behavior.voluntariness']/td[@data-col='TW']")[0]
    assert "1 provision" in tw.text_content()      # the zh original, not also its English


@pytest.mark.parametrize("fmt", [".json?_shape=array", ".csv?_size=max"])
def test_matrix_exports_as_a_view(site, fmt):
    status, body = fetch(site, "/plea/comparison_matrix" + fmt)
    assert status == 200
    if fmt.startswith(".json"):
        rows = {r["code"]: r for r in get_json(site + "/plea/comparison_matrix" + fmt)}
        dc = rows["subjects.defense_counsel"]
        assert (dc["cn_provisions"], dc["us_provisions"], dc["de_provisions"],
                dc["scholarship_provisions"]) == (1, 1, 0, 1)
        assert json.loads(dc["cn_roles"]) == [{"value": "consulted", "n": 1, "reviewed": 1,
                                               "core": 0, "core_reviewed": 0}]
        assert [m["value"] for m in json.loads(dc["us_modalities"])] == ["permission"]
        assert dc["de_gap"] in ("source-missing", "no-provision") and dc["cn_gap"] is None
        assert rows["subjects.third_party"]["cn_proposed_by"] == "Example 2024"
    else:
        assert body.splitlines()[0].startswith("dimension,code,label_en,label_zh,definition,cn_provisions")


# -- a code ---------------------------------------------------------------------
def test_code_page_puts_jurisdictions_side_by_side(site):
    doc = page(site, "/code/subjects.defense_counsel")
    cols = doc.xpath("//div[@class='columns']/section/@data-col")
    assert cols == ["CN", "US", "DE", "TW"]
    cn = doc.xpath("//section[@data-col='CN']/article")[0]
    assert cn.get("data-id") == "xx-mini:art_2__para_2"
    assert texts(cn.xpath(".//h3")) == ["《示范法》第二条第二款"]
    assert "第一编 总则 › 第一章 基本原则" in cn.text_content()
    mark, = cn.xpath(".//mark")
    assert mark.text == "辩护人" and "d-subjects" in mark.get("class")
    assert "role: consulted" in mark.get("title")
    us_marks = texts(doc.xpath("//section[@data-col='US']//mark"))
    assert us_marks == ["the defendant's attorney"]
    assert "gap" in doc.xpath("//section[@data-col='DE']")[0].text_content()
    scholarly = doc.xpath("//section[@data-col='scholarship']//article/@data-id")
    assert scholarly == ["xx-scholar:sec_1__para_1"]


def test_code_page_filters(site):
    doc = page(site, "/code/subjects.defense_counsel?modality=permission")
    assert doc.xpath("//article/@data-id") == ["xx-rules:rule_11__subsec_c__para_1"]
    doc = page(site, "/code/subjects.defense_counsel?jurisdiction=CN")
    assert doc.xpath("//div[@class='columns']/section/@data-col") == ["CN"]
    assert not doc.xpath("//section[@data-col='scholarship']")
    chips = doc.xpath("//div[@class='filters']/p[starts-with(., 'Source')]/a/text()")
    assert [c.strip() for c in chips] == ["示范法"]          # the column's own sources
    doc = page(site, "/code/subjects.court?source=xx-gesetz")
    assert doc.xpath("//article/@data-id") == ["xx-gesetz:sec_257c__para_1"]
    chips = doc.xpath("//div[@class='filters']//a[contains(@class, 'chip')]/text()")
    assert any("MStPO" in c for c in chips)


def test_code_page_shows_a_translation_under_its_original(site):
    doc = page(site, "/code/behavior.voluntariness")
    tw, = doc.xpath("//section[@data-col='TW']/article")
    assert tw.get("data-id") == "xx-tw-zh:art_455-4__para_1"
    assert "free will" in tw.xpath(".//p[@class='translation']")[0].text_content()


def test_unknown_code_or_provision_is_404(site):
    assert fetch(site, "/code/subjects.nobody")[0] == 404
    assert fetch(site, "/provision/xx-mini:art_999")[0] == 404


# -- a provision ----------------------------------------------------------------
def test_provision_page_highlights_every_tag(site):
    doc = page(site, "/provision/xx-rules:rule_11__subsec_c__para_1")
    marks = doc.xpath("//div[contains(@class, 'provision-text')]//mark")
    by_text = {m.text: m for m in marks}
    assert "d-subjects" in by_text["The attorney for the government"].get("class")
    overlap = by_text["must not participate"]     # inside the subjects.court span too
    assert {"d-subjects", "d-behavior", "multi"} <= set(overlap.get("class").split())
    assert "subjects.court — Court" in overlap.get("title")
    assert "behavior.pressure_limits" in overlap.get("title")
    assert "method: human" in overlap.get("title")
    legend = texts(doc.xpath("//div[@class='legend']/span[contains(@class, 'swatch')]"))
    assert legend == ["Negotiation subjects", "Negotiation behaviour"]
    crumbs = doc.xpath("//nav[contains(@class, 'breadcrumb')]//a/@href")
    assert crumbs == ["/provision/xx-rules:title_4", "/provision/xx-rules:rule_11",
                      "/provision/xx-rules:rule_11__subsec_c"]
    assert doc.xpath("//nav[@class='neighbours']/a[@rel='next']/@href") == [
        "/provision/xx-rules:rule_11__subsec_c__para_2"]


def test_provision_page_links_references_both_ways(site):
    doc = page(site, "/provision/xx-rules:rule_11__subsec_c__para_2")
    links = doc.xpath("//div[contains(@class, 'provision-text')]//a[@class='ref']")
    assert [a.text_content() for a in links] == ["Rule 11(c)(1)", "Rule 11(c)(1)"]
    assert {a.get("href") for a in links} == {"/provision/xx-rules:rule_11__subsec_c__para_1"}
    wrapup, = doc.xpath("//span[@class='wrapup']")      # after the unit, with its own reference
    assert wrapup.text_content() == "This paragraph ends the model subsection; see Rule 11(c)(1)."
    doc = page(site, "/provision/xx-rules:rule_11__subsec_c__para_1")
    back = doc.xpath("//section[@class='backlinks']//li")
    # one line per citing unit, though para. 2 cites it twice (text and wrap-up)
    assert [li.xpath("./a/@href")[0] for li in back] == [
        "/provision/xx-rules:rule_11__subsec_c__para_2", "/provision/xx-rules:rule_11#commentary"]
    assert "commentary" in back[1].text_content()
    doc = page(site, "/provision/xx-mini:art_2")   # cited by scholarship
    back = doc.xpath("//section[@class='backlinks']//li")
    assert "scholarship" in back[0].text_content() and "Example 2024" in back[0].text_content()
    doc = page(site, "/provision/xx-mini:art_4")   # a reference the build could not resolve
    unresolved, = doc.xpath("//div[contains(@class, 'provision-text')]//span[contains(@class, 'unresolved')]")
    assert unresolved.text_content() == "第二款"


def test_commentary_is_folded(site):
    doc = page(site, "/provision/xx-rules:rule_11")
    note, = doc.xpath("//section[@id='commentary']/details")
    assert note.get("open") is None
    assert note.xpath("./summary/text()") == ["Committee Note"]
    assert note.xpath(".//a[@class='ref']/@href") == ["/provision/xx-rules:rule_11__subsec_c__para_1"]
    doc = page(site, "/provision/xx-rules:rule_11__subsec_c")
    assert doc.xpath("//section[@id='commentary']//a/@href") == [
        "/provision/xx-rules:rule_11#commentary"]


def test_translation_side_by_side(site):
    doc = page(site, "/provision/xx-tw-zh:art_455-4")
    pair = doc.xpath("//div[@id='xx-tw-zh:art_455-4__para_1']")[0]
    zh, en = pair.xpath("./div[contains(@class, 'unit')]")
    assert zh.get("lang") == "zh-Hant" and en.get("lang") == "en"
    assert "被告協商之意思" in zh.text_content() and "free will" in en.text_content()
    assert texts(en.xpath(".//mark")) == ["free will"]


def test_containers_list_their_children(site):
    doc = page(site, "/provision/xx-mini:book_1__chp_2__sec_1")
    assert "/provision/xx-mini:art_3" in doc.xpath("//ul[@class='children']//a/@href")


# -- search ---------------------------------------------------------------------
def result_ids(doc) -> list[str]:
    return doc.xpath("//li[@class='result']/@data-id")


@pytest.mark.parametrize("query,expected", [
    ("协", "xx-mini:art_1"), ("协商", "xx-mini:art_3-1"), ("協商", "xx-mini:art_3-1"),
    ("plea agreement", "xx-rules:rule_11__subsec_c__para_1"),
    ("Verstandigung", "xx-gesetz:sec_257c__para_2"),
    ("neutral third party", "xx-scholar:sec_1__para_1"),
])
def test_search_finds_both_languages_and_short_chinese(site, query, expected):
    doc = page(site, "/search?q=" + urllib.parse.quote(query))
    assert expected in result_ids(doc)
    hits = texts(doc.xpath("//li[@class='result']//mark[@class='hit']"))
    assert hits, "no highlighted snippet"


def test_search_highlights_on_the_original_text(site):
    doc = page(site, "/search?q=" + urllib.parse.quote("協商"))
    tw = doc.xpath("//li[@data-id='xx-tw-zh:art_455-4__para_1']")[0]
    assert texts(tw.xpath(".//mark[@class='hit']")) == ["協商", "協商"]
    assert tw.xpath(".//p[@class='snippet']/@lang") == ["zh-Hant"]
    cn = doc.xpath("//li[@data-id='xx-mini:art_3-1']")[0]
    assert texts(cn.xpath(".//mark[@class='hit']")) == ["协商"]


def test_search_facets_and_filters(site):
    doc = page(site, "/search?q=" + urllib.parse.quote("court"))
    facets = doc.xpath("//aside[@class='facets']/ul/@data-facet")
    assert facets == ["jurisdiction", "source", "dimension", "code"]
    us = doc.xpath("//ul[@data-facet='jurisdiction']//a[text()='United States']/@href")[0]
    filtered = page(site, us)
    assert filtered.xpath("//li[@class='result']") and all(
        b == "US" for b in filtered.xpath("//li[@class='result']/span[@class='badge']/text()"))
    code = page(site, "/search?q=court&code=subjects.court")
    assert set(result_ids(code)) == {"xx-rules:rule_11__subsec_c__para_1", "xx-probe:sec_1",
                                     "xx-mini:art_4__para_1"} - {"xx-mini:art_4__para_1"}


def test_search_offers_codes_across_languages(site):
    doc = page(site, "/search?q=counsel")
    assert "/code/subjects.defense_counsel" in doc.xpath("//p[@class='codes']/a/@href")
    doc = page(site, "/search?q=" + urllib.parse.quote("辩护人"))
    assert "/code/subjects.defense_counsel" in doc.xpath("//p[@class='codes']/a/@href")


@pytest.mark.parametrize("query", ["", '"', "*", "AND OR NOT", "(", "a" * 500])
def test_odd_queries_never_fail(site, query):
    assert fetch(site, "/search?q=" + urllib.parse.quote(query))[0] == 200


# -- languages ----------------------------------------------------------------------
def test_lang_attributes_on_chinese_and_german_text(site):
    doc = page(site, "/provision/xx-mini:art_2")
    assert doc.xpath("//h1/@lang") == ["zh-Hans"]
    doc = page(site, "/provision/xx-gesetz:sec_257c")
    assert doc.xpath("//h1/@lang") == ["de"]
    # Datasette's own table pages
    doc = page(site, "/plea/provisions?source_id=xx-tw-zh")
    assert "zh-Hant" in doc.xpath("//td[contains(@class, 'col-text')]//span/@lang")
    doc = page(site, "/plea/provisions?source_id=xx-gesetz")
    assert "de" in doc.xpath("//td[contains(@class, 'col-text')]//span/@lang")
    doc = page(site, "/plea/provisions?source_id=xx-mini")
    assert "zh-Hans" in doc.xpath("//td[contains(@class, 'col-text')]//span/@lang")
    doc = page(site, "/plea/sources")
    assert "zh-Hant" in doc.xpath("//td[contains(@class, 'col-title')]//span/@lang")


def test_cjk_fonts_are_named_for_both_scripts(site):
    status, css = fetch(site, "/-/static-plugins/plea-corpus/plea.css")
    assert status == 200
    assert ":lang(zh-Hans)" in css and ":lang(zh-Hant)" in css and "WenQuanYi Micro Hei" in css
