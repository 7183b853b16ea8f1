"""The whole real corpus, built once: coverage, counts, fidelity, search, Datasette.

Skipped when ../shared/corpus is not beside the checkout. Expected values come
from reading the source texts (see each comment), not from the build's output.
"""
from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest
import sqlite_utils

from plea.corpus.build import build
from plea.corpus.search import fts_query
from plea.corpus.sources import load_sources
from tests.conftest import get_json, serving


@pytest.fixture(scope="module")
def db_path(corpus_dir, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("real") / "plea.db"
    build(path, load_sources(), corpus_dir)
    return path


@pytest.fixture(scope="module")
def db(db_path) -> sqlite_utils.Database:
    return sqlite_utils.Database(db_path)


def test_every_corpus_file_has_a_manifest_entry(corpus_dir):
    declared = {f.path for s in load_sources() for f in s.files}
    on_disk = {p.relative_to(corpus_dir).as_posix() for p in corpus_dir.rglob("*")
               if p.is_file() and p.name != "SOURCES.md"}
    assert on_disk <= declared, on_disk - declared


def test_missing_documents_of_sources_md_are_declared_missing(db):
    missing = {r["id"] for r in db.query("select id from sources where status = 'missing'")}
    assert {"cn-go-leniency-2019", "cn-spp-sentencing-2021", "cn-spp-recording-2021",
            "cn-cpl-2012", "us-jm", "us-scotus-plea-cases", "de-stpo-en"} <= missing


def test_every_present_source_parsed_with_no_text_lost(db):
    rows = list(db.query("select id, status, fidelity_ok, residue, counts_ok, expected "
                         "from sources where status != 'missing'"))
    assert len(rows) == 20
    for row in rows:
        assert row["status"] == "present", row
        assert row["fidelity_ok"] == 1, row
        if row["expected"]:
            assert row["counts_ok"] == 1, row


def test_ids_are_unique_and_parents_exist(db):
    orphans = db.execute("select count(*) from provisions p where parent_id is not null and "
                         "not exists (select 1 from provisions q where q.id = p.parent_id)").fetchone()[0]
    assert orphans == 0


@pytest.mark.parametrize("provision_id,needle", [
    ("cn-cpl-2018:art_201__para_1__item_2", "被告人违背意愿认罪认罚的；"),
    ("us-frcrp:rule_11__subsec_c__para_1__subpara_C",
     "agree that a specific sentence or sentencing range is the appropriate disposition of the case"),
    ("tw-cpc-zh:art_455-2__para_1__item_1", "被告願受科刑及沒收之範圍或願意接受緩刑之宣告。"),
    ("tw-cpc-en:art_455-2__para_1__item_1", "The defendant agrees to the scope of criminal sanction"),
])
def test_spot_checks_read_from_the_sources(db, provision_id, needle):
    assert needle in db["provisions"].get(provision_id)["text"]


def test_taiwan_translation_is_aligned_by_article(db):
    pair = db.execute("select target_id from alignments where provision_id = ?",
                      ["tw-cpc-zh:art_455-2__para_1"]).fetchone()
    assert pair == ("tw-cpc-en:art_455-2__para_1",)


# Words the issue names, and provisions that contain them (found by reading the texts).
SEARCHES = [
    ("协商", ["cn-spp-rules-2019:art_20", "tw-cpc-zh:art_455-2__para_1"]),
    ("值班律师", ["cn-cpl-2018:art_36__para_1", "cn-legal-aid-2021:art_14"]),
    ("认罪", ["cn-cpl-2018:art_174__para_1", "cn-cpl-2018:art_201__para_1"]),
    ("plea agreement", ["us-frcrp:rule_11__subsec_c__para_1"]),
    ("Verständigung", ["de-stpo:sec_257c__para_2", "de-stpo:sec_257c__para_3"]),
]


@pytest.mark.parametrize("query,expected", SEARCHES)
def test_fts_finds_the_provisions(db, query, expected):
    hits = {r["id"] for r in db.query(
        "select p.id from provisions_fts f join provisions p on p.rowid = f.rowid "
        "where provisions_fts match ?", [fts_query(query)])}
    assert set(expected) <= hits


def test_datasette_table_search_on_the_real_corpus(db_path):
    with serving(db_path) as base:
        for query, expected in SEARCHES:
            q = urllib.parse.quote(query)
            ids = set()
            url = f"{base}/plea/provisions.json?_search={q}&_shape=objects&_size=max&_col=id"
            while url:
                data = get_json(url)
                ids |= {r["id"] for r in data["rows"]}
                url = data.get("next_url")
            assert set(expected) <= ids, (query, set(expected) - ids)
