"""What keeps one visitor from slowing or fooling the site for everyone.

* :func:`error_response` answers every exception (the plugin's
  ``handle_exception`` hook, ahead of Datasette's): the status it deserves —
  404 for unknown paths, 400 for a bad parameter Datasette did not check
  (``?_sort=nope``, ``?_timelimit=x``), 500 only for our own faults — and a
  plain traceback to the log. Datasette's own handler prints a ``rich``
  traceback with every local variable when rich is installed (spaCy brings
  it): 0.45 s for a 404 and seconds for a big exception, all on the event loop
  while every other request waits.
* :func:`wrap` is the outermost ASGI layer (``asgi_wrapper``): security
  headers on every answer, a cap on request bodies (413), 415 for bodies that
  are not a URL-encoded form, the ``Authorization`` header dropped from form
  posts so Datasette's CSRF check always runs (asgi-csrf skips it for
  ``Bearer`` while the plugin authenticates by cookie), and a per-address limit
  on the expensive endpoints (429 with ``Retry-After``).
"""
from __future__ import annotations

import logging
import math
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field

from datasette.utils.asgi import Base400, Response

log = logging.getLogger("plea.web")

MAX_BODY = 64 * 1024          # the largest form (a note of 4,000 characters) is far smaller
FORM = b"application/x-www-form-urlencoded"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# No inline script anywhere (the project's pages load plea.js); styles may be
# inline because Datasette's templates use style attributes.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
}

# (requests, per seconds) per client address on what costs the server most:
# briefs (hundreds of queries and a document), search, exports and raw SQL.
LIMITS = {"brief": (30, 60), "search": (120, 60), "sql": (60, 60), "export": (60, 60)}


def expensive(path: str, query: bytes) -> str | None:
    """Which rate limit a request falls under, if any."""
    if path == "/-/plea/brief":
        return "brief"
    if path == "/search" or b"_search=" in query:
        return "search"
    if b"sql=" in query:
        return "sql"
    if path.endswith((".csv", ".json")) and (b"_stream=" in query or b"_size=max" in query):
        return "export"
    return None


@dataclass
class Bucket:
    """A token bucket: ``capacity`` requests, refilled over ``per`` seconds."""
    capacity: int
    per: float
    tokens: float = field(init=False)
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = float(self.capacity)

    def take(self, now: float) -> float:
        """0 if a request may go now, else the seconds until one may."""
        rate = self.capacity / self.per
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / rate


class RateLimiter:
    """Buckets per (client address, kind), the least recently used forgotten
    beyond ``size`` so that many addresses cannot fill the memory."""

    def __init__(self, limits: dict[str, tuple[int, float]] | None = None, size: int = 10_000):
        self.limits = dict(LIMITS if limits is None else limits)
        self.size = size
        self.buckets: OrderedDict[tuple[str, str], Bucket] = OrderedDict()

    def wait(self, client: str, kind: str, now: float | None = None) -> float:
        key = (client, kind)
        now = time.monotonic() if now is None else now
        bucket = self.buckets.pop(key, None) or Bucket(*self.limits[kind], stamp=now)
        self.buckets[key] = bucket
        while len(self.buckets) > self.size:
            self.buckets.popitem(last=False)
        return bucket.take(now)


def client_address(scope) -> str:
    # The socket's peer: a header such as X-Forwarded-For is the client's to invent.
    client = scope.get("client")
    return client[0] if client else "unknown"


async def _send_plain(send, status: int, message: str, headers: dict[bytes, bytes] | None = None):
    body = (message + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *SECURITY_HEADERS.items(), *(headers or {}).items()]})
    await send({"type": "http.response.body", "body": body})


def wrap(app, limiter: RateLimiter | None = None):
    """The ASGI application ``app`` behind the guards described in the module doc."""
    limiter = limiter or RateLimiter()

    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        method = scope.get("method", "GET")
        kind = expensive(scope.get("path", ""), scope.get("query_string", b""))
        if kind:
            wait = limiter.wait(client_address(scope), kind)
            if wait > 0:
                return await _send_plain(send, 429, "Too many requests: slow down and try "
                                         "again shortly.",
                                         {b"retry-after": str(math.ceil(wait)).encode()})
        if method not in SAFE_METHODS:
            length = headers.get(b"content-length", b"0").strip()
            if not length.isdigit() or int(length) > MAX_BODY:
                return await _send_plain(send, 413, f"Request too large: at most {MAX_BODY} bytes.")
            ctype = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
            if (int(length) or ctype) and ctype != FORM:
                return await _send_plain(send, 415, "Send forms as "
                                         "application/x-www-form-urlencoded.")
            # The plugin authenticates by cookie only: a Bearer header must not
            # switch off the CSRF check of the layer below.
            scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers") or []
                                          if k.lower() != b"authorization"]}
            receive = _capped(receive)

        async def with_headers(event):
            if event["type"] == "http.response.start":
                present = {k.lower() for k, _ in event.get("headers") or []}
                event = {**event, "headers": [*(event.get("headers") or []),
                                              *((k, v) for k, v in SECURITY_HEADERS.items()
                                                if k not in present)]}
            await send(event)

        return await app(scope, receive, with_headers)

    return guarded


def _capped(receive):
    """``receive`` that stops a body from growing past MAX_BODY whatever its
    Content-Length said (chunked uploads carry none)."""
    seen = 0

    async def capped():
        nonlocal seen
        event = await receive()
        if event["type"] == "http.request":
            seen += len(event.get("body", b""))
            if seen > MAX_BODY:
                # Stop reading: to the application the client has gone away.
                return {"type": "http.disconnect"}
        return event

    return capped


def status_of(exception: BaseException) -> int:
    """The status an exception deserves: a visitor's mistake is 4xx, ours is 500."""
    from datasette.views.base import DatasetteError

    if isinstance(exception, Base400):
        return exception.status
    if isinstance(exception, DatasetteError):
        # Datasette raises these for SQL a parameter produced (?_sort=nope):
        # the request was wrong, the server is fine.
        return exception.status if exception.status < 500 else 400
    if isinstance(exception, (ValueError, LookupError, TypeError)):
        # Query parameters Datasette parses without checking (?_timelimit=x,
        # ?_through={}) fail as these; log them, but as the visitor's error.
        return 400
    return 500


async def error_response(datasette, request, exception: BaseException) -> Response:
    status = status_of(exception)
    if status >= 500 or not isinstance(exception, Base400):
        # A plain traceback without locals: cheap, and no request data in the log.
        log.error("%s %s → %s\n%s", request.method, request.path, status,
                  "".join(traceback.format_exception(exception, limit=20)).rstrip())
    message = exception.args[0] if isinstance(exception, Base400) and exception.args else (
        "Not found" if status == 404 else "Bad request" if status < 500 else
        "Internal error: the server's log has the details")
    if status == 400 and not isinstance(exception, Base400):
        message = f"Bad request: {_short(str(exception))}"
    info = {"ok": False, "error": str(message), "status": status, "title": None}
    if request.path.endswith(".json"):
        return Response.json(info, status=status)
    template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
    html = await template.render_async(dict(info, urls=datasette.urls,
                                            app_css_hash=datasette.app_css_hash(),
                                            menu_links=lambda: []))
    return Response.html(html, status=status)


def drop_datasette_exception_handler() -> None:
    """Unregister Datasette's default ``handle_exception`` plugin.

    Datasette calls every ``handle_exception`` hook and uses the first answer,
    so ours answering first is not enough: the default would still print its
    rich traceback with locals on the event loop (and itself fail with a 500
    for some exceptions). It is registered after the plugins are loaded, hence
    this runs at startup.
    """
    from datasette.plugins import pm

    default = pm.get_plugin("datasette.handle_exception")
    if default is not None:
        pm.unregister(default)


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


__all__ = ["wrap", "error_response", "RateLimiter", "status_of"]
