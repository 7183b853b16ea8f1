"""The Datasette plugin of plea-corpus (entry point ``plea = plea.web.plugin``).

A package rather than a module so that Datasette finds its ``templates/`` and
``static/`` folders (on Python 3.11 ``importlib.resources`` only looks inside
packages).

* Chinese-aware search on every connection: Datasette's table search runs
  ``… MATCH escape_fts(:search)``; registering our own ``escape_fts`` after
  Datasette's (``trylast``) turns a query such as 协商 into the single-character
  phrase the index is built for (see corpus.search), and leaves English and
  German queries as Datasette would have them.
* The comparison view's pages (pages/, one module each, listed in pages.PAGES):
  the matrix as the home page, code pages, provision pages and search.
* ``lang`` attributes on Chinese and German cells in Datasette's own tables.
* Annotators (login.py): a signed-cookie login read by Datasette's actor system
  (``actor_from_request``) and the ``plea-annotate`` permission
  (``permission_allowed``) the annotation routes ask for.
"""
from __future__ import annotations

import gc
import re

from datasette import hookimpl
from markupsafe import Markup

from plea.corpus.search import fts_query, index_text
from plea.corpus.vocab import bcp47, language_tag

from .. import guard
from ..login import actor_from_cookie, permission
from ..markup import FILTERS
from ..pages import routes

# source id → language (zh-Hans / zh-Hant / de / en), per database, read at startup:
# render_cell is synchronous and runs for every cell, so it must not query.
_SOURCE_LANGUAGE: dict[str, dict[str, str]] = {}
_TEXT_COLUMNS = {"text", "heading", "wrapup", "citation", "container", "title", "label_zh",
                 "evidence", "definition", "short_title", "num", "citing"}
_ID_COLUMNS = {"id", "provision_id", "to_id", "page_id"}
_PROVISION_ID = re.compile(r"^[a-z0-9][a-z0-9.-]*:[A-Za-z0-9_.-]+$")
# Pages read the file through memory-mapped I/O rather than a read() call and a copy
# per page: on a corpus a hundred times the real one a search reads thousands of
# pages, and mapping them took 5–10 ms off each (benchmarks/scale.py). SQLite caps
# the size at its compile-time limit (2 GB by default) and falls back to read() past it.
MMAP_BYTES = 1 << 31


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
    conn.create_function("plea_fts_query", 1, fts_query, deterministic=True)
    conn.create_function("plea_index_text", 1, index_text, deterministic=True)


@hookimpl
def asgi_wrapper(datasette):
    return guard.wrap


@hookimpl
def handle_exception(datasette, request, exception):
    # Ahead of Datasette's own handler, which prints a rich traceback with locals.
    async def inner():
        return await guard.error_response(datasette, request, exception)
    return inner


@hookimpl
def register_routes(datasette):
    return routes()


@hookimpl
def actor_from_request(datasette, request):
    return actor_from_cookie(datasette, request)


@hookimpl
def permission_allowed(datasette, actor, action, resource):
    return permission(actor, action)


@hookimpl
def prepare_jinja2_environment(env):
    env.filters.update(FILTERS)


@hookimpl
def startup(datasette):
    guard.drop_datasette_exception_handler()

    async def load_languages():
        for name, db in datasette.databases.items():
            if name != "_internal" and await db.table_exists("sources"):
                found = await db.execute("SELECT id, language FROM sources")
                _SOURCE_LANGUAGE[name] = {r[0]: r[1] for r in found if r[1]}
        # What is alive once the server has started (Datasette, the plugins, the
        # codebook) stays for the process's life; moved out of the collector's view,
        # it is no longer walked by every full collection, which otherwise landed in
        # one search in twenty and added 30–40 ms to it.
        gc.collect()
        gc.freeze()
    return load_languages


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins("plea-corpus", "plea.css")]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/"), "label": "Comparison matrix"},
            {"href": datasette.urls.path("/search"), "label": "Search provisions and scholarship"},
            {"href": datasette.urls.path("/-/plea/agreement"),
             "label": "Agreement between annotators"}]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not isinstance(value, str) or not value:
        return None
    if table is None and column in _ID_COLUMNS and _PROVISION_ID.match(value):
        # Stored queries return provision ids: link them to the provision page.
        href = datasette.urls.path("/provision/" + value)
        return Markup('<a href="{}">{}</a>').format(href, value)
    if column not in _TEXT_COLUMNS:
        return None
    tag = _cell_lang(row, value, database)
    if not tag or tag == "en":
        return None   # Datasette's own rendering (which escapes) is right for English
    limit = datasette.setting("truncate_cells_html")
    shown = value if not limit or len(value) <= limit else value[:limit] + "…"
    # Markup.format escapes its arguments: the source text stays text.
    return Markup('<span lang="{}">{}</span>').format(tag, shown)


def _cell_lang(row, value: str, database: str) -> str | None:
    keys = set(row.keys()) if hasattr(row, "keys") else set()
    if "lang" in keys and row["lang"]:
        languages = _SOURCE_LANGUAGE.get(database, {})
        source = row["source_id"] if "source_id" in keys else None
        if isinstance(source, dict):   # a table page expands foreign keys to {value, label}
            source = source.get("value")
        jurisdiction = row["jurisdiction"] if "jurisdiction" in keys else None
        return bcp47(row["lang"], languages.get(source), jurisdiction)
    if "language" in keys and row["language"]:   # the sources table: titles as printed
        return row["language"]
    return language_tag(value)
