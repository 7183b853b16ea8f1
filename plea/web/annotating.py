"""Annotating from the provision page: the POST route, and what the page shows
of the annotation store before the next build.

The served corpus is immutable; every act goes to the annotation store
(config.annotations_path) through annotate.human.store.AnnotationStore, which
checks codes, roles and modalities against the codebook and anchors the words
(W3C text-quote selector). The corpus database is only read — the store is given
Datasette's read connection to check ids and find the words in.

The page shows a decision at once: for the units the store has annotations on,
:func:`human_layer` computes ``tag_decisions`` as the next build will
(annotate.human.stage.live_tag_decisions) and the page uses those rows instead
of the built ones. The comparison (matrix, code pages, brief) follows at the
next `plea build`.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote as urlquote

from datasette.utils.asgi import BadRequest, Response

from annotate.human import model
from annotate.human.model import AnnotationError
from annotate.human.provisions import Provisions
from annotate.human.stage import live_tag_decisions
from annotate.human.store import AnnotationStore
from annotate.taxonomy import Taxonomy

from .config import annotations_path
from .login import ERROR, require_annotator

ACTS = ("confirm", "reject", "add", "note")
MAX_NOTE, MAX_QUOTE = 4000, 2000
DONE = {"confirmed": "Confirmed", "corrected": "Corrected", "rejected": "Rejected",
        "added": "Added", "note": "Noted"}


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    return model.codebook()


# -- the route ---------------------------------------------------------------------
def _field(form, name: str, limit: int = 200) -> str | None:
    value = (form.get(name) or "").strip()
    if len(value) > limit:
        raise BadRequest(f"{name} is too long (at most {limit} characters)")
    return value or None


async def annotate(datasette, request):
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


# -- what the provision page shows -------------------------------------------------
@dataclass
class HumanLayer:
    """The store's view of some units: live tag decisions and the annotations."""
    tags: dict[str, list[dict]] = field(default_factory=dict)   # unit id → tag_decisions rows
    annotations: list[dict] = field(default_factory=list)
    store: str = ""
    error: str = ""        # a store that cannot be read: the page says so and goes on


def human_layer(conn: sqlite3.Connection, store_path: Path, ids: list[str]) -> HumanLayer:
    """Live decisions for the units in ``ids`` that the store (or the built
    database's own copy of it) has annotations on; nothing when there is no store."""
    layer = HumanLayer(store=str(store_path))
    if not ids or not store_path.is_file():
        return layer
    try:
        _fill(layer, conn, store_path, ids)
    except (AnnotationError, sqlite3.DatabaseError) as exc:
        if isinstance(exc, sqlite3.OperationalError) and "interrupted" in str(exc):
            raise          # the page's time limit: not the store's fault
        return HumanLayer(store=str(store_path), error=f"{type(exc).__name__}: {exc}")
    return layer


def _fill(layer: HumanLayer, conn: sqlite3.Connection, store_path: Path, ids: list[str]) -> None:
    provisions = Provisions(conn)
    built = set()
    if provisions.has_table("annotations"):
        marks = ", ".join("?" * len(ids))
        built = {r[0] for r in conn.execute(
            f"SELECT DISTINCT provision_id FROM annotations WHERE provision_id IN ({marks})", ids)}
    with AnnotationStore(store_path, readonly=True, taxonomy=taxonomy()) as store:
        for pid in ids:
            mine = store.find(provision_id=pid)
            layer.annotations += [_shown(a) for a in mine]
            if mine or pid in built:
                layer.tags[pid] = live_tag_decisions(store, provisions, pid)


def _shown(a) -> dict:
    return {"id": a.id, "short_id": a.id[:8], "kind": a.kind, "code": a.code, "role": a.role,
            "modality": a.modality, "note": a.note, "annotator": a.annotator,
            "created": a.created, "provision_id": a.anchor.provision_id,
            "exact": a.anchor.exact if a.anchor.scope == model.SPAN else "",
            "citation": a.anchor.citation}
