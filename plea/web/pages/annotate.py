"""``POST /-/plea/annotate``: one act (confirm, reject, add, note) by the logged-in
annotator, written to the annotation store (never to the served corpus), then back to
the provision page. The store checks codes, roles and modalities against the codebook
and anchors the words (annotate.human.store.AnnotationStore).
"""
from __future__ import annotations

import sqlite3
from urllib.parse import quote as urlquote

from datasette.utils.asgi import BadRequest, Response

from plea.annotate.human.model import AnnotationError
from plea.annotate.human.provisions import Provisions
from plea.annotate.human.store import AnnotationStore

from ..annotating import taxonomy
from ..config import annotations_path
from ..login import ERROR, require_annotator

ROUTE = r"^/-/plea/annotate$"
ACTS = ("confirm", "reject", "add", "note")
MAX_NOTE, MAX_QUOTE = 4000, 2000
DONE = {"confirmed": "Confirmed", "corrected": "Corrected", "rejected": "Rejected",
        "added": "Added", "note": "Noted"}


def _field(form, name: str, limit: int = 200) -> str | None:
    value = (form.get(name) or "").strip()
    if len(value) > limit:
        raise BadRequest(f"{name} is too long (at most {limit} characters)")
    return value or None


async def handle(datasette, request):
    """``POST /-/plea/annotate``: one act (confirm, reject, add, note) by the
    logged-in annotator, then back to the provision page."""
    if request.method != "POST":
        return Response.text("Annotate with the forms on a provision page (POST).", status=405,
                             headers={"Allow": "POST"})
    annotator = await require_annotator(datasette, request)
    form = await request.post_vars()
    act, pid = _field(form, "act"), _field(form, "provision_id", 300)
    if act not in ACTS:
        raise BadRequest(f"unknown act {act!r}: one of {', '.join(ACTS)}")
    if not pid:
        raise BadRequest("no provision_id")
    page = _field(form, "page", 300) or pid
    fields = {k: _field(form, k) for k in ("code", "role", "modality")}
    note = _field(form, "note", MAX_NOTE)
    text = _field(form, "text", MAX_NOTE)
    quote = (form.get("quote") or "")[:MAX_QUOTE + 1]
    if len(quote) > MAX_QUOTE:
        raise BadRequest(f"the quote is too long (at most {MAX_QUOTE} characters)")
    start = _int(form.get("start"))
    path = annotations_path(datasette)

    def act_on(conn: sqlite3.Connection):
        with AnnotationStore(path, corpus=Provisions(conn), taxonomy=taxonomy()) as store:
            return _perform(store, act, annotator, pid, fields, note, text,
                            quote if quote.strip() else None, start)

    try:
        made = await datasette.get_database().execute_fn(act_on)
    except AnnotationError as exc:
        datasette.add_message(request, f"Not recorded: {exc}", ERROR)
    else:
        done = DONE.get(made.kind, made.kind.capitalize())
        what = f" {made.code}" if made.code else ""
        datasette.add_message(request, f"{done}{what} on {made.anchor.citation or pid} "
                              f"({annotator}, annotation {made.id[:8]}, in the annotation store). "
                              "The matrix, code pages and briefs follow at the next build.")
    back = (datasette.urls.path("/provision/" + urlquote(page, safe=":"))
            + "#" + urlquote(pid, safe=":"))
    return Response.redirect(back, status=303)


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _perform(store: AnnotationStore, act: str, annotator: str, pid: str, fields: dict,
             note: str | None, text: str | None, quote: str | None, start: int | None):
    code, role, modality = fields["code"], fields["role"], fields["modality"]
    if act in ("confirm", "reject", "add") and not code:
        raise AnnotationError("choose a code")
    if act == "confirm":
        return store.confirm(annotator, pid, code, role=role, modality=modality, note=note)
    if act == "reject":
        return store.reject(annotator, pid, code, note=note)
    if act == "add":
        return _with_span(lambda **span: store.add(annotator, pid, code, role=role,
                                                   modality=modality, note=note, **span),
                          quote, start)
    return _with_span(lambda **span: store.note(annotator, pid, text or "", **span), quote, start)


def _with_span(call, quote: str | None, start: int | None):
    """Anchor on the selected words: the browser sends the quote and where it
    starts; if the offset does not match (the page counts characters its own
    way) the quote alone decides, and an ambiguous quote is refused by the store."""
    if quote is None:
        return call()
    if start is not None:
        try:
            return call(quote=quote, start=start)
        except AnnotationError:
            pass
    return call(quote=quote)
