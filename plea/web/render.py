"""What every page of the web view shares: its links, the rendering of a project
template, the cache of rendered pages, and :func:`page`, which runs a page's
function on a read connection and renders its template. The pages themselves
are plea/web/pages/, one module each.

Reading pages answer GET only. The few routes that act — logging in and out,
annotating — take POST with Datasette's CSRF token, and write only to the
annotation store, never to the served (immutable) corpus.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote, urlencode

from datasette import __version__ as datasette_version
from datasette.utils import sqlite_timelimit, tilde_encode
from datasette.utils.asgi import NotFound, Response

from .config import annotations_path
from .login import is_annotator


@dataclass(frozen=True)
class Links:
    """URLs of the project's pages, under Datasette's base_url."""
    prefix: str = "/"
    database: str = "plea"

    def _url(self, path: str, params: dict | None = None) -> str:
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "", False)}
        return self.prefix.rstrip("/") + path + ("?" + urlencode(clean) if clean else "")

    def home(self) -> str:
        return self._url("/")

    def code(self, code: str, **params) -> str:
        return self._url("/code/" + quote(code, safe=""), params)

    def provision(self, pid: str, anchor: str = "") -> str:
        return self._url("/provision/" + quote(pid, safe=":")) + (f"#{anchor}" if anchor else "")

    def search(self, **params) -> str:
        return self._url("/search", params)

    def diff(self, work: str, **params) -> str:
        return self._url("/diff/" + quote(work, safe=""), params)

    def coverage(self) -> str:
        return self._url("/coverage")

    def table(self, table: str, fmt: str = "", **params) -> str:
        return self._url(f"/{quote(self.database)}/{quote(table)}{fmt}", params)

    def row(self, table: str, pk: str) -> str:
        return self._url(f"/{quote(self.database)}/{quote(table)}/{tilde_encode(pk)}")


def _links(datasette) -> Links:
    # A plain str: Datasette's prefixed URL string lists its attributes on every access
    # (15 ms of a search page's 2,000 links).
    return Links(prefix=str(datasette.urls.path("/")), database=datasette.get_database().route)


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


async def page(datasette, request, template: str, build: Callable, *, title: str = "") -> Response:
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
        # Datasette decodes each text value through a Python function, to survive
        # bad UTF-8 in any file it serves; a page here reads tens of thousands of
        # values (a search at 100× the corpus, about 19,000) from a file the build
        # wrote as valid UTF-8, so it reads them with SQLite's own decoding.
        decode, conn.text_factory = conn.text_factory, str
        try:
            # The same time limit as any SQL a visitor types into Datasette.
            with sqlite_timelimit(conn, limit_ms):
                return build(conn, links)
        finally:
            conn.text_factory = decode

    started = time.perf_counter()
    context = await db.execute_fn(work)
    if context is None:
        raise NotFound("Not found")
    return await render_page(datasette, request, template, context, title=title,
                             started=started)


def query_filters(request, names: tuple[str, ...]) -> dict[str, str]:
    return {k: v for k in names if (v := (request.args.get(k) or "").strip())}


def core_switch(request) -> bool:
    """The "core provisions only" switch (``?core=1``)."""
    return (request.args.get("core") or "").strip() not in ("", "0")
