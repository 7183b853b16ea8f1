"""The reform brief from the web view (GET /-/plea/brief) and the contrast per code
on the code page."""
from __future__ import annotations

import io
import sqlite3

import docx
import lxml.html
import pytest

from tests.fixtures.web.inprocess import Visitor, datasette_for
from tests.fixtures.web.make_db import fixture_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return fixture_db(tmp_path_factory.mktemp("brief"))


@pytest.fixture(scope="module")
def web(db):
    return Visitor(datasette_for(db))


def corpus_text(db, pid: str) -> str:
    return sqlite3.connect(db).execute("SELECT text FROM provisions WHERE id = ?",
                                       [pid]).fetchone()[0]


# -- the route ---------------------------------------------------------------------
def test_docx_brief_quotes_the_corpus(web, db):
    resp = web.get("/-/plea/brief?codes=subjects.defense_counsel,subjects.court"
                   "&jurisdictions=CN,US&format=docx")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == DOCX
    assert resp.headers["content-disposition"] == (
        'attachment; filename="brief-subjects.defense_counsel-subjects.court.docx"')
    document = docx.Document(io.BytesIO(resp.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0].startswith("Reform brief: Defence counsel, Court")
    cn = corpus_text(db, "xx-mini:art_2__para_2")
    us = corpus_text(db, "xx-rules:rule_11__subsec_c__para_1")
    assert cn in paragraphs and us in paragraphs          # quoted whole, verbatim
    assert any("《示范法》第二条第二款" in p for p in paragraphs)
    assert not any("MStPO" in p for p in paragraphs)     # only the systems asked for


@pytest.mark.parametrize("fmt,media", [("md", "text/markdown; charset=utf-8"),
                                       ("html", "text/html; charset=utf-8")])
def test_markdown_and_html(web, db, fmt, media):
    resp = web.get(f"/-/plea/brief?code=subjects.court&jurisdiction=CN&jurisdiction=DE"
                   f"&format={fmt}")
    assert resp.status_code == 200 and resp.headers["content-type"] == media
    assert resp.headers["content-disposition"].endswith(f'brief-subjects.court.{fmt}"')
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert "Effect on the court" not in resp.text
    assert "Germany (DE)" in resp.text and "United States (US)" not in resp.text


def test_repeated_and_comma_separated_parameters_agree(web):
    a = web.get("/-/plea/brief?codes=subjects.court,subjects.prosecutor&jurisdictions=CN,US")
    b = web.get("/-/plea/brief?code=subjects.court&code=subjects.prosecutor"
                "&jurisdiction=CN&jurisdiction=us&format=md")
    strip = (lambda t: "\n".join(line for line in t.splitlines() if "Generated" not in line))
    assert a.status_code == b.status_code == 200 and strip(a.text) == strip(b.text)


def test_pinned_provisions_are_quoted(web, db):
    pinned = "xx-rules:rule_11__subsec_c__para_2"
    resp = web.get(f"/-/plea/brief?provisions={pinned}&format=md")
    assert resp.status_code == 200
    assert corpus_text(db, pinned) in resp.text and f"`{pinned}`" in resp.text


@pytest.mark.parametrize("query,message", [
    ("", "choose at least one code"),
    ("codes=subjects.nobody", "unknown code"),
    ("codes=subjects.court&format=pdf", "unknown format"),
    ("codes=subjects.court&jurisdictions=XX", "unknown jurisdiction"),
    ("provisions=xx-mini:art_999", "no provision"),
    ("codes=" + ",".join(f"c{i}" for i in range(100)), "too many codes"),
])
def test_bad_parameters_are_a_clear_400(web, query, message):
    resp = web.get("/-/plea/brief?" + query)
    assert resp.status_code == 400
    assert resp.headers["content-type"].startswith("text/html")
    page = lxml.html.fromstring(resp.text)
    assert message in page.xpath("//p[contains(@class, 'error')]")[0].text_content()
    assert "Traceback" not in resp.text


def test_the_brief_only_reads(web):
    assert web.post("/-/plea/brief", {"codes": "subjects.court"}).status_code == 405


# -- where it is offered -----------------------------------------------------------
def test_matrix_offers_codes_and_jurisdictions_for_the_brief(web):
    page = lxml.html.fromstring(web.get("/").text)
    form, = page.xpath("//form[@id='brief-form']")
    assert form.get("action") == "/-/plea/brief" and form.get("method") == "get"
    assert form.xpath(".//input[@name='jurisdiction']/@value") == ["CN", "US", "DE", "TW"]
    assert set(form.xpath(".//select[@name='format']/option/@value")) == {"docx", "md", "html"}
    boxes = page.xpath("//tr[@data-code='subjects.court']//input[@data-brief-code]")
    assert boxes[0].get("form") == "brief-form" and boxes[0].get("name") == "code"


def test_code_and_provision_pages_offer_the_brief(web):
    page = lxml.html.fromstring(web.get("/code/subjects.court").text)
    assert page.xpath("//form[@id='brief-form']//input[@data-brief-code]/@value") == [
        "subjects.court"]
    page = lxml.html.fromstring(web.get("/provision/xx-rules:rule_11__subsec_c").text)
    pins = page.xpath("//button[@data-pin]")
    assert "xx-rules:rule_11__subsec_c__para_1" in [b.get("data-pin") for b in pins]
    assert page.xpath("//script[contains(@src, 'plea.js')]")


def test_script_is_served(web):
    resp = web.get("/-/static-plugins/plea-corpus/plea.js")
    assert resp.status_code == 200 and "localStorage" in resp.text
    assert "innerHTML" not in resp.text.split("*/", 1)[1]   # text is set as text


# -- the contrast on the code page ---------------------------------------------------
def test_code_page_says_how_the_systems_differ(web):
    page = lxml.html.fromstring(web.get("/code/subjects.defense_counsel").text)
    line = page.xpath("//section[@id='contrast']/p[@class='contrast-line']")[0].text_content()
    assert line == ("Defence counsel — CN: consulted; US: party; DE: no provision in the "
                    "corpus; TW: no provision in the corpus")
    pairs = page.xpath("//table[@class='contrast-pairs']//tr[@data-pair]/@data-pair")
    assert pairs == ["CN-US", "CN-DE", "CN-TW", "US-DE", "US-TW", "DE-TW"]
    cn_us = [td.text_content() for td in page.xpath("//tr[@data-pair='CN-US']/td")]
    assert cn_us == ["both — CN: 1, US: 1 provision(s)", "only CN: consulted; only US: party",
                     "differs — CN: obligation; US: permission", "—"]
    assert "gap" in page.xpath("//tr[@data-pair='CN-DE']/td")[0].text_content()
    sentences = page.xpath("//tr[@data-pair='CN-US']/following-sibling::tr[1]//li/text()")
    assert sentences[0] == "Both regulate this: CN in 1 provision(s), US in 1."


def test_contrast_covers_every_system_even_when_filtered(web):
    page = lxml.html.fromstring(web.get("/code/subjects.court?jurisdiction=CN").text)
    assert page.xpath("//div[@class='columns']/section/@data-col") == ["CN"]
    line = page.xpath("//p[@class='contrast-line']")[0].text_content()
    assert line == "Court — CN: reviewer; US: excluded; DE: party; TW: no provision in the corpus"
    modality = page.xpath("//tr[@data-pair='CN-US']/td")[2].text_content()
    assert modality == "differs — CN: presumptive; US: prohibition"


def test_contrast_is_escaped(web):
    # the markup probe's tags are US law: its citation must not become markup
    resp = web.get("/code/subjects.court")
    assert "<script>alert(" not in resp.text
