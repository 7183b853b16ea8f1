"""Resolution to provision ids and the database stage, on a small corpus written for the
tests (tests/fixtures/refs/mini_corpus.json) and, when it is beside the checkout, on the
real one."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from plea.annotate.refs import Ref, Resolver, extract, link_database
from plea.corpus import store

FIXTURE = Path(__file__).parent / "fixtures" / "refs" / "mini_corpus.json"


def make_db(path: Path) -> sqlite_utils.Database:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    db = sqlite_utils.Database(path)
    store.create_schema(db)
    db["sources"].insert_all(data["sources"])
    db["provisions"].insert_all(data["provisions"])
    db["commentary"].insert_all(data["commentary"])
    return db


@pytest.fixture
def mini_db(tmp_path) -> sqlite_utils.Database:
    return make_db(tmp_path / "mini.db")


@pytest.fixture
def resolver(mini_db) -> Resolver:
    return Resolver(mini_db)


@pytest.mark.parametrize("work, pinpoint, to_id", [
    ("cn-cpl", ["201"], "cn-cpl-2018:art_201"),
    ("cn-cpl", ["201", "2"], "cn-cpl-2018:art_201__para_2"),
    ("cn-cpl", ["201", "1", "3"], "cn-cpl-2018:art_201__para_1__item_3"),
    # an article with one 款: its items hang from the article itself
    ("cn-cpl", ["16", "1", "3"], "cn-cpl-2018:art_16__item_3"),
    ("us-frcrp", ["11", "c", "1", "C"], "us-frcrp:rule_11__subsec_c__para_1__subpara_C"),
    ("us-usc", ["18", "3553", "a", "4"], "us-usc-18-3553:sec_3553__subsec_a__para_4"),
    ("de-stpo", ["257c", "2"], "de-stpo:sec_257c__para_2"),
    ("de-stpo", ["153a", "1", "1"], "de-stpo:sec_153a__para_1__item_1"),
    ("tw-cpc", ["455-2", "1", "1"], "tw-cpc-zh:art_455-2__para_1__item_1"),
])
def test_resolves_to_the_deepest_provision(resolver, work, pinpoint, to_id):
    res = resolver.resolve(Ref(0, 0, "", work, pinpoint))
    assert (res.to_id, res.status, res.reason) == (to_id, "resolved", None)


def test_english_text_gets_the_english_translation(resolver):
    res = resolver.resolve(("tw-cpc", ["455-2", "1"]), lang="en")
    assert res.to_id == "tw-cpc-en:art_455-2__para_1"


def test_partial_resolution_stops_at_the_deepest_existing_unit(resolver):
    res = resolver.resolve(("cn-cpl", ["201", "1", "9"]))
    assert (res.to_id, res.status) == ("cn-cpl-2018:art_201__para_1", "partial")
    assert "item 9" in res.reason


@pytest.mark.parametrize("work, pinpoint, kwargs, words", [
    ("cn-cpl", ["400"], {}, "no article 400"),
    ("cn-go-leniency-2019", ["33"], {}, "missing from the corpus"),
    ("case", ["404 U.S. 257"], {}, "missing from the corpus"),
    (None, ["33"], {}, "not in works.yaml"),
    ("cn-cpl", ["201"], {"date": "2013-06-01"}, "version 2012"),
    ("us-usc", ["28", "994"], {}, "no title 28"),
])
def test_every_unresolved_reference_has_a_reason(resolver, work, pinpoint, kwargs, words):
    res = resolver.resolve((work, pinpoint), **kwargs)
    assert res.to_id is None and res.status == "unresolved"
    assert words in res.reason


def test_whole_work_resolves_to_its_source(resolver):
    res = resolver.resolve(("cn-cpl", []))
    assert (res.status, res.source_id, res.to_id) == ("work", "cn-cpl-2018", None)


def test_context_of_a_provision(resolver):
    assert resolver.context_for("cn-cpl-2018:art_16__item_2") == {
        "source": "cn-cpl-2018", "date": "2018-10-26", "work": "cn-cpl",
        "pinpoint": ["16", "1", "2"], "previous_article": "15"}
    assert resolver.context_for("us-usc-18-3553:sec_3553__subsec_b__para_1")["pinpoint"] == [
        "18", "3553", "b", "1"]
    ctx = resolver.context_for("paper-2023:sec_1__para_1")
    assert "work" not in ctx                      # "this article" in a paper is the paper


def test_extract_then_resolve_with_context(resolver):
    ctx = resolver.context_for("cn-cpl-2018:art_173__para_3")
    refs = extract("人民检察院依照前两款规定听取值班律师意见的", "zh", ctx)
    assert [resolver.resolve(r).to_id for r in refs] == [
        "cn-cpl-2018:art_173__para_1", "cn-cpl-2018:art_173__para_2"]


def test_stage_writes_refs_backlinks_and_unresolved_counts(mini_db):
    count = link_database(mini_db)
    rows = list(mini_db.query("select * from refs"))
    assert count == len(rows) > 0
    # CPL 201(2) cites 173 and 174 of its own law
    cited = {(r["text"], r["to_id"]) for r in rows if r["from_id"] == "cn-cpl-2018:art_201__para_2"}
    assert cited == {("本法第一百七十三条", "cn-cpl-2018:art_173"), ("第一百七十四条", "cn-cpl-2018:art_174")}
    # backlinks: what cites CPL art. 201 (the Interpretation, at item depth)
    back = list(mini_db.query("select from_id, to_top from backlinks where to_top = ?",
                              ["cn-cpl-2018:art_201"]))
    assert back == [{"from_id": "cn-spc-interpretation-2021:art_348",
                     "to_top": "cn-cpl-2018:art_201"}]
    # commentary notes and scholarship are read too
    note = {(r["work"], r["pinpoint"]) for r in rows if r["from_table"] == "commentary"}
    assert ("us-frcrp", '["11", "c", "1"]') in note and ("us-usc", '["18", "3553", "a"]') in note
    paper = {(r["work"], r["pinpoint"], r["status"]) for r in rows if r["from_id"].startswith("paper")}
    assert ("cn-cpl", '["173"]', "resolved") in paper
    assert ("cn-go-leniency-2019", '["33"]', "unresolved") in paper
    # the 2012 Interpretation cites the 2012 CPL, which the corpus lacks
    old = [r for r in rows if r["from_id"] == "cn-spc-interpretation-2012:art_1"]
    assert old[0]["to_id"] is None and "version 2012" in old[0]["reason"]
    missing = {r["work"]: r["refs"] for r in mini_db.query("select * from unresolved_by_work")}
    assert missing["cn-go-leniency-2019"] == 1 and missing["cn-cpl"] == 1
    assert {"to_id"} in [set(ix.columns) for ix in mini_db["refs"].indexes]


def test_stage_runs_twice(mini_db):
    first = link_database(mini_db)
    assert link_database(mini_db) == first


# -- the real corpus ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_db(corpus_dir, tmp_path_factory) -> sqlite_utils.Database:
    from plea.corpus.build import build
    from plea.corpus.sources import load_sources
    path = tmp_path_factory.mktemp("refs-real") / "plea.db"
    build(path, load_sources(), corpus_dir)
    db = sqlite_utils.Database(path)
    link_database(db)
    return db


def test_real_every_cpl_reference_into_the_cpl_resolves(real_db):
    total, ok = real_db.execute(
        "select count(*), sum(status in ('resolved', 'work')) from refs "
        "where from_source = 'cn-cpl-2018' and work = 'cn-cpl'").fetchone()
    assert total > 50 and ok == total


def test_real_backlinks(real_db):
    def citing(top):
        return {r["from_source"] for r in real_db.query(
            "select from_source from backlinks where to_top = ?", [top])}
    # the ZUEL paper argues about art. 201 ("According to Article 201 of the Criminal
    # Procedure Law"); SPC Interpretation art. 347 applies art. 15
    assert "zuel-2025" in citing("cn-cpl-2018:art_201")
    assert "cn-spc-interpretation-2021" in citing("cn-cpl-2018:art_15")


def test_real_known_citations_resolve(real_db):
    rows = {(r["from_id"], r["text"]): r["to_id"] for r in real_db.query("select * from refs")}
    # SPC Interpretation art. 347(1): 刑事诉讼法第十五条
    assert rows[("cn-spc-interpretation-2021:art_347__para_1", "刑事诉讼法第十五条")] == "cn-cpl-2018:art_15"
    # Rule 11(c)(3)(A): "Rule 11(c)(1)(A)"
    assert rows[("us-frcrp:rule_11__subsec_c__para_3__subpara_A", "Rule 11(c)(1)(A)")] == \
        "us-frcrp:rule_11__subsec_c__para_1__subpara_A"
    # StPO § 302(1): (§ 257c)
    assert rows[("de-stpo:sec_302__para_1", "§ 257c")] == "de-stpo:sec_257c"


def test_real_no_reference_naming_a_country_lands_on_another_countrys_work(real_db):
    """Issue 17: every reference whose words name a country (德国, chinesischen, Taiwan's,
    中华人民共和国, "of the Republic of China") has a work of that country."""
    from plea.annotate.refs.audit import audit_database
    report = audit_database(real_db.conn)
    assert report.naming > 50
    assert [(f.from_id, f.text, f.work) for f in report.wrong] == []
