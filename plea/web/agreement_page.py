"""``/-/plea/agreement``: inter-annotator agreement, as `plea agreement` prints it.

The numbers are annotate.human.agreement's (Cohen's kappa, mean over pairs;
Krippendorff's alpha, nominal) per dimension and code, over the units two or
more annotators judged, and each annotator against the tagger. The annotations
come from the store the web view writes to, re-anchored in the served corpus.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from annotate.human.agreement import agreement_report
from annotate.human.provisions import Provisions
from annotate.human.store import AnnotationStore

from .annotating import taxonomy


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def agreement_page(conn: sqlite3.Connection, store_path: Path, labels: dict[str, dict]) -> dict:
    base = {"store": str(store_path), "annotators": [], "units": {}, "rows": [], "tagger": [],
            "enough": False, "has_store": store_path.is_file()}
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
