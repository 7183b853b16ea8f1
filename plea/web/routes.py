"""The web view's pages as Datasette routes: read the request, run a page
function on a read connection, render a template. Nothing else.

Reading pages answer GET only. The few routes that act — logging in and out,
annotating — live in login.py and annotating.py, take POST with Datasette's
CSRF token, and write only to the annotation store, never to the served
(immutable) corpus; the brief download is brief_download.py.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from typing import Callable
from urllib.parse import unquote

from datasette import __version__ as datasette_version
from datasette.utils import sqlite_timelimit
from datasette.utils.asgi import NotFound, Response

from . import pages
from .agreement_page import agreement_page
from .annotating import annotate, human_layer, taxonomy
from .brief_download import brief
from .config import annotations_path
from .login import is_annotator, login, logout
from .versions_page import coverage_page, diff_page

FILTERS = {"code": ("jurisdiction", "source", "modality"),
           "search": ("jurisdiction", "source", "dimension", "code")}


def _links(datasette) -> pages.Links:
    return pages.Links(prefix=datasette.urls.path("/"), database=datasette.get_database().route)


async def render_page(datasette, request, template: str, context: dict, *, title: str = "",
                      status: int = 200, started: float | None = None) -> Response:
    """A project template with what every page needs (links, annotator, timing)."""
    actor = request.actor if is_annotator(request.actor) else None
    html = await datasette.render_template(template, {
        **context, "links": _links(datasette), "page_title": title or context.get("title", ""),
        "metadata": datasette.metadata(), "datasette_version": datasette_version,
        "annotator": actor["id"] if actor else None,
        "query_ms": (time.perf_counter() - started) * 1000 if started else 0,
    }, request=request)
    return Response.html(html, status=status)


class PageCache:
    """Rendered pages for anonymous visitors, least recently used out first.

    The corpus is immutable while served, so a page depends only on its URL —
    and on the annotation store, whose decisions provision pages show at once:
    its modification time is part of the key. Annotators (forms, their name)
    and requests carrying flash messages are never served from or put in the
    cache. Under load this is what keeps pages fast: a page costs 20–200 ms of
    Python, and many readers ask for the same few.
    """

    MAX_BYTES = 64 * 1024 * 1024

    def __init__(self):
        self.pages: OrderedDict[tuple, tuple[bytes, int]] = OrderedDict()
        self.size = 0

    def get(self, key: tuple) -> tuple[bytes, int] | None:
        found = self.pages.get(key)
        if found is not None:
            self.pages.move_to_end(key)
        return found

    def put(self, key: tuple, body: bytes, status: int) -> None:
        if len(body) > self.MAX_BYTES // 8:
            return
        old = self.pages.pop(key, None)
        if old:
            self.size -= len(old[0])
        self.pages[key] = (body, status)
        self.size += len(body)
        while self.size > self.MAX_BYTES:
            _, (dropped, _) = self.pages.popitem(last=False)
            self.size -= len(dropped)


def _cache_key(datasette, request, template: str) -> tuple | None:
    if request.actor is not None or "ds_messages" in request.cookies:
        return None
    try:
        info = annotations_path(datasette).stat()
        stamp = (info.st_mtime_ns, info.st_size)
    except OSError:
        stamp = None
    return (template, request.path, request.query_string, stamp)


def _cache(datasette) -> PageCache:
    found = getattr(datasette, "_plea_page_cache", None)
    if found is None:
        found = datasette._plea_page_cache = PageCache()
    return found


async def _page(datasette, request, template: str, build: Callable, *, title: str = "") -> Response:
    if request.method not in ("GET", "HEAD"):
        # Reading pages only read; say so rather than pretend a form was taken.
        return Response.text("Method not allowed: this page is read-only.", status=405,
                             headers={"Allow": "GET, HEAD"})
    key = _cache_key(datasette, request, template)
    if key is not None and (hit := _cache(datasette).get(key)) is not None:
        return Response(hit[0], status=hit[1], content_type="text/html; charset=utf-8")
    response = await _render(datasette, request, template, build, title)
    if key is not None and response.status == 200:
        body = response.body if isinstance(response.body, bytes) else response.body.encode("utf-8")
        _cache(datasette).put(key, body, response.status)
    return response


async def _render(datasette, request, template: str, build: Callable, title: str) -> Response:
    db = datasette.get_database()
    links = _links(datasette)
    limit_ms = datasette.setting("sql_time_limit_ms")

    def work(conn):
        # The same time limit as any SQL a visitor types into Datasette.
        with sqlite_timelimit(conn, limit_ms):
            return build(conn, links)

    started = time.perf_counter()
    context = await db.execute_fn(work)
    if context is None:
        raise NotFound("Not found")
    return await render_page(datasette, request, template, context, title=title,
                             started=started)


def _filters(request, names: tuple[str, ...]) -> dict[str, str]:
    return {k: v for k in names if (v := (request.args.get(k) or "").strip())}


def _core(request) -> bool:
    """The "core provisions only" switch (``?core=1``)."""
    return (request.args.get("core") or "").strip() not in ("", "0")


async def matrix(datasette, request):
    core = _core(request)
    return await _page(datasette, request, "plea_matrix.html",
                       lambda conn, links: pages.matrix_page(conn, links, core=core),
                       title="Comparison matrix" + (" (core provisions)" if core else ""))


async def code(datasette, request):
    name = unquote(request.url_vars["code"])
    filters = _filters(request, FILTERS["code"])
    show_all = bool(request.args.get("all"))
    core = _core(request)
    return await _page(datasette, request, "plea_code.html",
                       lambda conn, links: pages.code_page(conn, name, filters, links, show_all,
                                                           core=core),
                       title=name)


async def provision(datasette, request):
    pid = unquote(request.url_vars["pid"])
    store = annotations_path(datasette)
    annotating = is_annotator(request.actor)

    def build(conn, links):
        found = pages.provision_page(conn, pid, links,
                                     human=lambda ids: human_layer(conn, store, ids))
        if found is not None and annotating:
            found["forms"] = pages.annotation_forms(conn, found, taxonomy())
        return found

    return await _page(datasette, request, "plea_provision.html", build, title=pid)


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


async def agreement(datasette, request):
    store = annotations_path(datasette)
    return await _page(datasette, request, "plea_agreement.html",
                       lambda conn, links: agreement_page(conn, store, pages.code_labels(conn)),
                       title="Agreement")


async def versions(datasette, request):
    work = unquote(request.url_vars["work"])
    old = (request.args.get("from") or "").strip() or None
    new = (request.args.get("to") or "").strip() or None
    status = (request.args.get("status") or "").strip() or None
    plea = bool(request.args.get("plea"))
    return await _page(datasette, request, "plea_diff.html",
                       lambda conn, links: diff_page(conn, work, old, new, status, plea, links),
                       title=f"Versions of {work}")


async def coverage(datasette, request):
    return await _page(datasette, request, "plea_coverage.html", coverage_page,
                       title="Coverage")


ROUTES = [
    (r"^/$", matrix),
    (r"^/code/(?P<code>[^/]+)$", code),
    (r"^/provision/(?P<pid>[^/]+)$", provision),
    (r"^/search$", search),
    (r"^/diff/(?P<work>[^/]+)$", versions),
    (r"^/coverage$", coverage),
    (r"^/-/plea/brief$", brief),
    (r"^/-/plea/login$", login),
    (r"^/-/plea/logout$", logout),
    (r"^/-/plea/annotate$", annotate),
    (r"^/-/plea/agreement$", agreement),
]
