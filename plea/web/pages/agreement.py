"""``/-/plea/agreement``: how far the coding agrees — first the reference coding's two
independent passes (the build's ``reference_agreement`` table), then the annotators of
the store, as `plea agreement` prints it.

Reference coding: per jurisdiction (all, CN, US, DE, TW, scholarship), overall and per
dimension, Cohen's kappa and Krippendorff's alpha between pass A and pass B before
adjudication, and each pass against the final (adjudicated) coding; roles and modality
as nominal labels where both passes gave the code (A|B only); per code, A|B over every
unit.

The numbers are annotate.human.agreement's (Cohen's kappa, mean over pairs;
Krippendorff's alpha, nominal) per dimension and code, over the units two or
more annotators judged, and each annotator against the tagger. The annotations
come from the store the web view writes to, re-anchored in the served corpus.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from plea.corpus.vocab import compared_jurisdictions

from plea.annotate.human.agreement import agreement_report
from plea.annotate.human.provisions import Provisions
from plea.annotate.human.store import AnnotationStore

from .. import queries as q
from ..annotating import taxonomy
from ..matrix import codebook
from ..config import annotations_path
from ..render import page
from ..viewmodel import labels_in

ROUTE = r"^/-/plea/agreement$"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


PAIRS = ("A|B", "A|final", "B|final")
REFERENCE_JURISDICTIONS = ("all", *compared_jurisdictions(), "scholarship")


def reference_agreement(conn: sqlite3.Connection, labels: dict[str, dict]) -> dict | None:
    """The reference coding's agreement as a table: a row per (jurisdiction, scope), a
    column group per pair; the per-code rows apart. None when the reference stage
    found no coding (its table is empty)."""
    cur = conn.execute("SELECT * FROM reference_agreement")
    names = [d[0] for d in cur.description]
    found = [dict(zip(names, r)) for r in cur.fetchall()]
    if not found:
        return None
    coding = conn.execute("SELECT max(coding), count(*) FROM reference_units").fetchone()
    table: dict[tuple[str, str], dict] = {}
    codes = []
    for r in found:
        cells = {"kappa": _num(r["kappa"]), "alpha": _num(r["alpha"]),
                 "agreement": _num(r["agreement"]), "items": r["items"]}
        if r["level"] == "code":
            codes.append({"code": r["scope"], "jurisdiction": r["jurisdiction"],
                          "pair": r["pair"], "present": r["present"], **cells,
                          "label": (labels.get(r["scope"]) or {}).get("label_en") or ""})
            continue
        row = table.setdefault((r["jurisdiction"], r["scope"]), {
            "jurisdiction": r["jurisdiction"], "scope": r["scope"], "level": r["level"],
            "units": r["units"], "pairs": {}})
        row["pairs"][r["pair"]] = cells
    # all, then the dimensions in codebook order, then the role and modality attributes
    scopes = ("all", *codebook(conn).dimension_ids, "role", "modality")
    order = lambda k: (_index(k[0], REFERENCE_JURISDICTIONS), _index(k[1], scopes), k)  # noqa: E731
    rows = [table[k] for k in sorted(table, key=order)]
    for row in rows:
        row["cells"] = [row["pairs"].get(p) for p in PAIRS]
    return {"rows": rows, "codes": codes, "pairs": PAIRS, "coding": coding[0],
            "units": coding[1]}


def _index(value: str, order: tuple[str, ...]) -> int:
    return order.index(value) if value in order else len(order)


def agreement_page(conn: sqlite3.Connection, store_path: Path, labels: dict[str, dict]) -> dict:
    base = {"store": str(store_path), "annotators": [], "units": {}, "rows": [], "tagger": [],
            "enough": False, "has_store": store_path.is_file(),
            "reference": reference_agreement(conn, labels)}
    if not base["has_store"]:
        return base
    with AnnotationStore(store_path, readonly=True, taxonomy=taxonomy()) as store:
        annotations = store.all()
    book = taxonomy()
    report = agreement_report(annotations, book.code_ids, Provisions(conn),
                              dimension_of=book.dimension_of)
    rows = []
    for r in report["rows"]:
        label = (labels.get(r["scope"]) or {}).get("label_en") or ""
        rows.append({**r, "label": label, "kappa_s": _num(r["kappa"]), "alpha_s": _num(r["alpha"]),
                     "agreement_s": _num(r["agreement"]),
                     "pairs_s": "; ".join(f"{k.replace('|', ' – ')}: {_num(v)}"
                                          for k, v in r["pairs"].items())})
    tagger = [{**t, "kappa_s": _num(t["kappa"]), "precision_s": _num(t["precision"]),
               "recall_s": _num(t["recall"])} for t in report["tagger"]]
    return {**base, "annotators": report["annotators"], "units": report["units"], "rows": rows,
            "tagger": tagger, "enough": len(report["annotators"]) >= 2,
            "total": len(annotations)}


async def handle(datasette, request):
    store = annotations_path(datasette)
    return await page(datasette, request, "plea_agreement.html",
                      lambda conn, links: agreement_page(conn, store,
                                                         labels_in(conn)),
                      title="Agreement")
