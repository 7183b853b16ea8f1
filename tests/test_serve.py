"""`plea serve`: a real Datasette on a built database, read-only, with Chinese search."""
from __future__ import annotations

import shutil
import urllib.error
import urllib.parse
import urllib.request

import pytest

from plea.corpus.build import build
from plea.corpus.sources import read_manifest
from tests.conftest import FIXTURES, get_json, serving

MANIFEST = FIXTURES / "manifests" / "mini.toml"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    sources = tmp / "sources"
    shutil.copytree(FIXTURES / "cn_markdown", sources / "cn_markdown")
    db = tmp / "mini.db"
    build(db, read_manifest(MANIFEST), sources)
    with serving(db) as base:
        yield base


def search(base: str, query: str) -> set[str]:
    q = urllib.parse.quote(query)
    data = get_json(f"{base}/mini/provisions.json?_search={q}&_shape=objects&_size=max")
    return {row["id"] for row in data["rows"]}


@pytest.mark.parametrize("query,expected", [
    ("协商", {"xx-mini:book_1__chp_2", "xx-mini:art_1", "xx-mini:art_3", "xx-mini:art_3__item_3",
             "xx-mini:art_3-1"}),
    ("量刑", {"xx-mini:art_2__para_2", "xx-mini:art_4__para_1", "xx-mini:art_4__para_1__item_2__subitem_1"}),
    ("值班律师", {"xx-mini:art_2__para_2"}),
    ("認罪", {"xx-mini:art_1", "xx-mini:art_2__para_1", "xx-mini:art_4__para_1",
             "xx-mini:art_4__para_1__item_1", "xx-mini:art_4__para_1__item_2__subitem_2"}),
])
def test_table_search_finds_chinese_words_of_any_length(server, query, expected):
    assert search(server, query) == expected


def test_metadata_titles_and_facets(server):
    data = get_json(f"{server}/mini/provisions.json?_facet=level&_size=0")
    assert "level" in data["facet_results"] or "level" in data["facet_results"].get("results", {})
    meta = get_json(f"{server}/-/metadata.json")
    assert meta["databases"]["mini"]["tables"]["provisions"]["fts_table"] == "provisions_fts"


def test_server_is_read_only_and_time_limited(server):
    settings = get_json(f"{server}/-/settings.json")
    assert settings["sql_time_limit_ms"] == 3000
    dbs = get_json(f"{server}/-/databases.json")
    assert dbs[0]["is_mutable"] is False
    q = urllib.parse.quote("delete from provisions")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{server}/mini.json?sql={q}", timeout=10)
