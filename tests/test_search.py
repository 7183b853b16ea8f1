"""Search: Chinese of any length (incl. 1–2 characters), both scripts, English, German."""
from __future__ import annotations

import sqlite3

import pytest

from plea.corpus.search import FTS_TOKENIZE, fts_query, index_text

DOCS = {
    "cn": "人民检察院提出量刑建议前，应当听取辩护人或者值班律师的意见，尽量协商一致。",
    "tw": "檢察官得於徵詢被害人之意見後，於審判外進行協商，經當事人雙方合意且被告認罪者。",
    "us": "The attorney for the government and the defendant's attorney may discuss and reach a plea agreement.",
    "de": "Das Gericht kann sich mit den Verfahrensbeteiligten über den weiteren Fortgang verständigen; die Verständigung.",
    "none": "法律援助机构应当为经济困难公民提供法律咨询。",
    "de2": "Absprachen über den Schuldspruch sind unzulässig; die Strafe muss schuldangemessen sein.",
}
LANGS = {"de": "de", "de2": "de"}

# (query, ids that must match) — read off the texts above.
CASES = [
    ("协商", {"cn", "tw"}),       # 2 characters, found in Simplified and Traditional text
    ("認罪", {"tw"}),             # Traditional query
    ("认罪", {"tw"}),             # Simplified query finds Traditional text
    ("量刑", {"cn"}),
    ("值班律师", {"cn"}),
    ("律", {"cn", "none"}),        # a single character
    ("plea agreement", {"us"}),
    ('"plea agreement"', {"us"}),
    ("agreements", {"us"}),       # stemmed
    ("Verständigung", {"de"}),
    ("Verstandigung", {"de"}),    # without the umlaut
    ("协商 plea", set()),         # every term must match
    ("辩护人 意见", {"cn"}),
    # German: stems, ä as ae, singular finds plural, verb finds noun
    ("Verstaendigung", {"de"}),
    ("verständigen", {"de"}),
    ("Verständigungen", {"de"}),
    ("Absprache", {"de2"}),
    ("schuldangemessen Strafe", {"de2"}),
    ('"plea agreement" discuss', {"us"}),
    ("duty lawyer", set()),        # words joined by AND with an OR group inside
]


@pytest.fixture(scope="module")
def conn():
    c = sqlite3.connect(":memory:")
    c.execute(f"CREATE VIRTUAL TABLE f USING fts5(id UNINDEXED, body, tokenize='{FTS_TOKENIZE}')")
    c.executemany("INSERT INTO f VALUES (?, ?)", [(k, index_text(v, LANGS.get(k))) for k, v in DOCS.items()])
    return c


@pytest.mark.parametrize("query,expected", CASES)
def test_query_finds_exactly(conn, query, expected):
    rows = conn.execute("SELECT id FROM f WHERE f MATCH ?", [fts_query(query)]).fetchall()
    assert {r[0] for r in rows} == expected


def test_query_is_never_an_fts_syntax_error(conn):
    for query in ['"', 'a AND', "NEAR(", "*", "协商\"", "(认罪)", "-x", ""]:
        expr = fts_query(query)
        if expr:
            conn.execute("SELECT id FROM f WHERE f MATCH ?", [expr]).fetchall()


def test_index_text_spaces_han_and_leaves_latin():
    assert index_text("认罪 Rule 11(c)") == "认 罪 Rule 11(c)"
    assert index_text("協商") == "协 商"
