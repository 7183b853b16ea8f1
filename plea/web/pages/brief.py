"""``GET /-/plea/brief``: the reform brief of plea.exports.brief, downloaded.

Parameters (each list either comma-separated or repeated, so a plain HTML form
of checkboxes works without JavaScript):

    codes=subjects.court,subjects.defense_counsel   or  code=…&code=…
    dimension=subjects
    jurisdictions=CN,US                             or  jurisdiction=…   (default: all)
    provisions=cn-cpl-2018:art_174__para_1,…        or  provision=…      (pinned, always quoted)
    format=md | html | docx                         (default md)

The answer is render_brief's bytes with its media type and a Content-Disposition
filename; a request the brief cannot serve is a 400 page saying why.
"""
from __future__ import annotations

import sqlite3

from datasette.utils.asgi import Response

from plea.corpus.errors import PleaError
from plea.exports.brief import FORMATS, MEDIA_TYPES, BriefError, filename

from ..brief_worker import BriefBusy, pool_for
from ..render import render_page

ROUTE = r"^/-/plea/brief$"

MAX_CODES, MAX_PROVISIONS, MAX_ITEM = 80, 100, 300


class BadBrief(PleaError, ValueError):
    """Parameters the brief cannot be made from (shown on a 400 page)."""


def _list(request, plural: str, singular: str, limit: int) -> list[str]:
    values = []
    for raw in request.args.getlist(plural) + request.args.getlist(singular):
        values += [v.strip() for v in raw.split(",") if v.strip()]
    values = list(dict.fromkeys(values))
    if len(values) > limit:
        raise BadBrief(f"too many {plural}: at most {limit}")
    if any(len(v) > MAX_ITEM for v in values):
        raise BadBrief(f"a value of {plural} is too long")
    return values


def parse(request) -> dict:
    fmt = (request.args.get("format") or "md").strip().lower()
    fmt = {"markdown": "md", "word": "docx"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise BadBrief(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    params = {
        "codes": _list(request, "codes", "code", MAX_CODES),
        "jurisdictions": [j.upper() for j in _list(request, "jurisdictions", "jurisdiction", 20)],
        "provision_ids": _list(request, "provisions", "provision", MAX_PROVISIONS),
        "dimension": (request.args.get("dimension") or "").strip() or None,
        "fmt": fmt,
    }
    if not (params["codes"] or params["dimension"] or params["provision_ids"]):
        raise BadBrief("choose at least one code (tick it on the matrix or a code page), a "
                       "dimension, or pin a provision")
    return params


async def handle(datasette, request):
    if request.method not in ("GET", "HEAD"):
        return Response.text("Method not allowed", status=405, headers={"Allow": "GET, HEAD"})
    try:
        params = parse(request)
    except BadBrief as exc:
        return await _bad(datasette, request, str(exc))

    # In a worker process with a time limit and a cap (brief_worker.py), so a
    # brief never holds the event loop or a SQL thread the pages need.
    try:
        body = await pool_for(datasette).render(datasette.get_database().path, params)
    except BriefError as exc:
        return await _bad(datasette, request, str(exc))
    except BriefBusy as exc:
        return await _busy(datasette, request, str(exc), exc.retry_after)
    except sqlite3.OperationalError:   # the worker's own SQL time limit
        return await _busy(datasette, request,
                           "the brief took too long and was stopped; choose fewer codes "
                           "or provisions", 60)
    name = filename(params["fmt"], codes=params["codes"], dimension=params["dimension"])
    return Response(body, status=200, content_type=MEDIA_TYPES[params["fmt"]], headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    })


async def _busy(datasette, request, message: str, retry_after: int):
    response = await render_page(datasette, request, "plea_error.html", {
        "message": message, "what": "The brief cannot be made now"},
        title="Busy", status=503)
    response.headers["Retry-After"] = str(retry_after)
    return response


async def _bad(datasette, request, message: str):
    return await render_page(datasette, request, "plea_error.html", {
        "message": message, "what": "The brief cannot be made"},
        title="Bad request", status=400)
