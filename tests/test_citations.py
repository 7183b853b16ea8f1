"""Author-date citations in scholarship: extraction, offsets, resolution to the reference list.

Expected values are read from the articles: Meng 2023 cites Chen Wencong 2021 once,
Chen Ruihua 2007 twice and Kang Haojie 2019 once, and lists those three works in its
reference list; the ZUEL article cites twelve times and has no reference list.
"""
from __future__ import annotations

import sqlite3

import pytest

from plea.annotate.citations import extract, normalise_name, resolve
from tests.fixtures.brief.realdb import real_db

# Meng 2023's reference list as printed (authors, year), with the ids the parser gives.
MENG_REFS = [
    {"id": "meng-2023:ref_1", "authors": ["Chen Ruihua"], "year": "2007"},
    {"id": "meng-2023:ref_2", "authors": ["Chen Wencong"], "year": "2021"},
    {"id": "meng-2023:ref_3", "authors": ["Kang Haojie"], "year": "2019"},
]


def _spans_ok(text, cites):
    for c in cites:
        assert text[c.start:c.end] == c.text


def test_parenthetical_single_includes_parentheses():
    text = ("Relying solely on an adversarial litigation system would overwhelm the system. "
            "(Chen Ruihua, 2007) Therefore, cases should be streamlined.")
    [c] = extract(text)
    assert (c.text, c.author, c.year, c.form) == ("(Chen Ruihua, 2007)", "Chen Ruihua", "2007",
                                                   "parenthetical")
    _spans_ok(text, [c])


def test_group_gives_one_citation_per_work():
    text = "A consensus exists (Sun, 2021; Lu, 2017, p. 4)."
    cites = extract(text)
    assert [(c.author, c.year, c.locator) for c in cites] == [("Sun", "2021", None),
                                                              ("Lu", "2017", "p. 4")]
    assert [c.text for c in cites] == ["Sun, 2021", "Lu, 2017, p. 4"]
    _spans_ok(text, cites)


def test_institutional_author_and_curly_apostrophe():
    text = "reaching 96.6 % (Supreme People’s Procuratorate, 2025)."
    [c] = extract(text)
    assert c.author == "Supreme People’s Procuratorate" and c.year == "2025"


def test_chinese_full_width_parentheses():
    text = "协商程序流于形式（陈瑞华，2007）。"
    [c] = extract(text)
    assert (c.author, c.year, c.text) == ("陈瑞华", "2007", "（陈瑞华，2007）")


def test_narrative_citations():
    text = "As Meng (2023) argues, and Chen and Wu (2020, p. 3) show, Lee et al. (2019) agree."
    cites = extract(text)
    assert [(c.author, c.year, c.form) for c in cites] == [
        ("Meng", "2023", "narrative"), ("Chen and Wu", "2020", "narrative"),
        ("Lee et al.", "2019", "narrative")]
    assert cites[1].locator == "p. 3"
    _spans_ok(text, cites)


@pytest.mark.parametrize("text", [
    "Under Article 201 (2018) the court decides.",
    "the principle (tanbai congkuan, kangju congyan, 坦白从宽、抗拒从严) has been",
    "the rate reached 85% in 2024 (a record) and",
    "In 2018 (2019 in force) the law changed.",
])
def test_not_citations(text):
    assert extract(text) == []


def test_resolve_full_name_and_year():
    res = resolve({"author": "Chen Ruihua", "year": "2007"}, MENG_REFS)
    assert (res.bibliography_id, res.reason) == ("meng-2023:ref_1", "author and year")


def test_resolve_by_family_name_only_when_unique():
    res = resolve({"author": "Kang", "year": "2019"}, MENG_REFS)
    assert res.bibliography_id == "meng-2023:ref_3"
    two = MENG_REFS + [{"id": "x:ref_9", "authors": ["Chen Xing"], "year": "2007"}]
    res = resolve({"author": "Chen", "year": "2007"}, two)
    assert res.bibliography_id is None and res.reason.startswith("ambiguous")


def test_unresolved_reasons():
    assert resolve({"author": "Sun", "year": "2021"}, [], has_reference_list=False).reason == \
        "source has no reference list"
    res = resolve({"author": "Chen Ruihua", "year": "2008"}, MENG_REFS)
    assert res.bibliography_id is None and "2007" in res.reason
    res = resolve({"author": "Peng", "year": "2010"}, MENG_REFS)
    assert res.bibliography_id is None and "no entry for Peng 2010" in res.reason


def test_name_normalisation():
    assert normalise_name("Supreme People’s  Procuratorate") == "supreme people's procuratorate"


# -- the real articles ---------------------------------------------------------------

@pytest.fixture(scope="module")
def conn(corpus_dir):
    c = sqlite3.connect(real_db(corpus_dir))
    yield c
    c.close()


def test_citations_table_on_the_articles(conn):
    found = conn.execute("SELECT from_id, text, author, year, bibliography_id, reason, start, "
                         "[end] FROM citations ORDER BY id").fetchall()
    meng = [r for r in found if r[0].startswith("meng-2023:")]
    zuel = [r for r in found if r[0].startswith("zuel-2025:")]
    assert [(r[2], r[3], r[4]) for r in meng] == [
        ("Chen Wencong", "2021", "meng-2023:ref_2"), ("Chen Ruihua", "2007", "meng-2023:ref_1"),
        ("Chen Ruihua", "2007", "meng-2023:ref_1"), ("Kang Haojie", "2019", "meng-2023:ref_3")]
    assert len(zuel) == 12
    assert {(r[2], r[3]) for r in zuel} >= {("Sun", "2021"), ("Yan", "2019"), ("Peng", "2010"),
                                           ("Supreme People’s Procuratorate", "2025")}
    assert all(r[4] is None and r[5] == "source has no reference list" for r in zuel)
    for from_id, text, *_, start, end in found:
        paragraph = conn.execute("SELECT text FROM provisions WHERE id = ?", [from_id]).fetchone()[0]
        assert paragraph[start:end] == text
