"""Annotating from the provision page: what the page shows of the annotation store
before the next build (the POST route is pages/annotate.py).

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

from plea.annotate.human import model
from plea.annotate.human.model import AnnotationError
from plea.annotate.human.provisions import Provisions
from plea.annotate.human.stage import live_tag_decisions
from plea.annotate.human.store import AnnotationStore
from plea.annotate.taxonomy import Taxonomy


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    return model.codebook()


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
