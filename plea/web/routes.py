"""The web view's pages as Datasette routes: read the request, run a page
function from pages.py on a read connection, render a template. Nothing else."""
from __future__ import annotations

import time
from typing import Callable
from urllib.parse import unquote

from datasette import __version__ as datasette_version
from datasette.utils import sqlite_timelimit
from datasette.utils.asgi import NotFound, Response

from . import pages

FILTERS = {"code": ("jurisdiction", "source", "modality"),
           "search": ("jurisdiction", "source", "dimension", "code")}


async def _page(datasette, request, template: str, build: Callable, *, title: str = "") -> Response:
    if request.method not in ("GET", "HEAD"):
        # The web view only reads; say so rather than pretend a form was taken.
        return Response.text("Method not allowed: this site is read-only.", status=405,
                             headers={"Allow": "GET, HEAD"})
    db = datasette.get_database()
    links = pages.Links(prefix=datasette.urls.path("/"), database=db.route)
    limit_ms = datasette.setting("sql_time_limit_ms")

    def work(conn):
        # The same time limit as any SQL a visitor types into Datasette.
        with sqlite_timelimit(conn, limit_ms):
            return build(conn, links)

    started = time.perf_counter()
    context = await db.execute_fn(work)
    if context is None:
        raise NotFound("Not found")
    html = await datasette.render_template(template, {
        **context, "links": links, "page_title": title or context.get("title", ""),
        "metadata": datasette.metadata(), "datasette_version": datasette_version,
        "query_ms": (time.perf_counter() - started) * 1000,
    }, request=request)
    return Response.html(html)


def _filters(request, names: tuple[str, ...]) -> dict[str, str]:
    return {k: v for k in names if (v := (request.args.get(k) or "").strip())}


async def matrix(datasette, request):
    return await _page(datasette, request, "plea_matrix.html", pages.matrix_page,
                       title="Comparison matrix")


async def code(datasette, request):
    name = unquote(request.url_vars["code"])
    filters = _filters(request, FILTERS["code"])
    show_all = bool(request.args.get("all"))
    return await _page(datasette, request, "plea_code.html",
                       lambda conn, links: pages.code_page(conn, name, filters, links, show_all),
                       title=name)


async def provision(datasette, request):
    pid = unquote(request.url_vars["pid"])
    return await _page(datasette, request, "plea_provision.html",
                       lambda conn, links: pages.provision_page(conn, pid, links), title=pid)


async def search(datasette, request):
    query = (request.args.get("q") or "")[:200]
    filters = _filters(request, FILTERS["search"])
    try:
        page = min(max(int(request.args.get("page") or 1), 1), 1000)
    except ValueError:
        page = 1
    return await _page(datasette, request, "plea_search.html",
                       lambda conn, links: pages.search_page(conn, query, filters, page, links),
                       title=f"Search: {query}" if query else "Search")


ROUTES = [
    (r"^/$", matrix),
    (r"^/code/(?P<code>[^/]+)$", code),
    (r"^/provision/(?P<pid>[^/]+)$", provision),
    (r"^/search$", search),
]
