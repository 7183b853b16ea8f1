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
def mini_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    sources = tmp / "sources"
    shutil.copytree(FIXTURES / "cn_markdown", sources / "cn_markdown")
    db = tmp / "mini.db"
    build(db, read_manifest(MANIFEST), sources)
    return db


@pytest.fixture(scope="module")
def server(mini_db):
    with serving(mini_db) as base:
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


def test_pages_leave_datasette_connections_as_they_found_them(mini_db):
    """A page reads with SQLite's own UTF-8 decoding (plea.web.render), then gives the
    connection back to Datasette with its own text factory, which its table pages need
    for files with bad UTF-8; every connection maps the file (plugin.MMAP_BYTES)."""
    import asyncio
    import concurrent.futures

    from datasette.app import Datasette

    def state(conn):
        return conn.text_factory, conn.execute("PRAGMA mmap_size").fetchone()[0]

    async def visit():
        ds = Datasette(immutables=[str(mini_db)], settings={"num_sql_threads": 1})
        before = await ds.get_database().execute_fn(state)
        response = await ds.client.get("/search?q=" + urllib.parse.quote("协商"))
        assert response.status_code == 200 and "xx-mini" in response.text
        return before, await ds.get_database().execute_fn(state)

    # in a thread of its own: a browser test may leave an event loop in the main thread
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        before, after = pool.submit(asyncio.run, visit()).result()
    assert after == before
    assert before[0] is not str and before[1] > 0
