"""Ranking on the whole corpus as `plea build` makes it, without a browser (the same
table as tests/browser/test_search_ranking.py, which checks it in Chromium)."""
from __future__ import annotations

import sqlite3

import pytest

from plea.web.pages.search import search_page
from plea.web.render import Links

# (query, how many first results to look at, a result among them must be this provision
# or one of its units) — read off the texts: Rule 11(c)(1) is where the parties "may
# discuss and reach a plea agreement"; Taiwan's art. 455-2 opens the 協商程序; § 257c
# StPO is the Verständigung.
RANKING = [
    ("plea agreement", 3, "us-frcrp:rule_11__subsec_c__para_1"),
    ("协商", 5, "tw-cpc-zh:art_455-2"),
    ("Verstaendigung", 1, "de-stpo:sec_257c"),
    ("verständigen", 1, "de-stpo:sec_257c"),
    ("Verständigung", 1, "de-stpo:sec_257c"),
]


@pytest.fixture(scope="module")
def conn(built_db):
    c = sqlite3.connect(built_db)
    yield c
    c.close()


def _ids(conn, query: str) -> list[str]:
    found = search_page(conn, query, {}, 1, Links())
    assert found["error"] is None
    return [r["id"] for g in found["groups"] for r in g["results"]]


@pytest.mark.parametrize("query,top,prefix", RANKING)
def test_the_right_provision_comes_first(conn, query, top, prefix):
    ids = _ids(conn, query)[:top]
    assert any(i == prefix or i.startswith(prefix + "__") for i in ids), ids


def test_german_spellings_find_the_same(conn):
    # Verständigung, Verstaendigung and verständigen: one stem, the same hits.
    assert _ids(conn, "Verständigung") == _ids(conn, "Verstaendigung") == _ids(conn, "verständigen")
    assert len(_ids(conn, "Absprache")) >= 2     # § 73 StPO, § 298 StGB (Absprachen)


def test_duty_lawyer_offers_provisions_in_every_system(conn):
    found = search_page(conn, "duty lawyer", {}, 1, Links())
    offer = next(o for o in found["offers"] if o["code"] == "subjects.duty_lawyer")
    cols = {s["col"]: s for s in offer["systems"]}
    assert {"CN", "US", "DE", "TW"} <= set(cols)
    assert "《刑事诉讼法》第一百七十三条第二款" in [p["citation"] for p in cols["CN"]["provisions"]]
