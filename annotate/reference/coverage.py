"""Which units the reference coding must cover, read from ``coverage.yaml``.

    >>> ids = covered_units(db)      # provision ids, in table order

A selector names a source and provision eIds; a unit is covered when its eId is one of
them or lies under one (``art_201`` covers ``art_201__para_1__item_3``, never
``art_2010``). ``naming`` adds every article of the source whose units name a term;
``containing`` keeps only the units that name one; ``commentary`` adds the commentary
rows attached to the selected provisions. ``extra_units`` are listed by id.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
import yaml

COVERAGE_FILE = Path(__file__).with_name("coverage.yaml")


@dataclass(frozen=True)
class Selector:
    source: str
    provisions: tuple[str, ...] = ()
    naming: tuple[str, ...] = ()
    containing: tuple[str, ...] = ()
    commentary: bool = False


@dataclass
class Coverage:
    selectors: list[Selector]
    extra_units: list[str] = field(default_factory=list)


def load_coverage(path: Path = COVERAGE_FILE) -> Coverage:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    selectors = [Selector(source=s["source"], provisions=tuple(s.get("provisions", ())),
                          naming=tuple(s.get("naming", ())),
                          containing=tuple(s.get("containing", ())),
                          commentary=bool(s.get("commentary", False)))
                 for s in data["selectors"]]
    return Coverage(selectors, list(data.get("extra_units") or ()))


def _under(eid: str, prefix: str) -> bool:
    return prefix == "" or eid == prefix or eid.startswith(prefix + "__")


def _article(eid: str) -> str:
    return eid.split("__", 1)[0]


def core_units(db: sqlite_utils.Database, coverage: Coverage | None = None) -> list[str]:
    """The core plea provisions' units: the selectors' units, without ``extra_units``."""
    coverage = coverage or load_coverage()
    return covered_units(db, Coverage(coverage.selectors, []))


def covered_units(db: sqlite_utils.Database, coverage: Coverage | None = None) -> list[str]:
    """Ids of the units (provision rows with text, and selected commentary) to code."""
    coverage = coverage or load_coverage()
    chosen: set[str] = set()
    order: dict[str, int] = {}
    for sel in coverage.selectors:
        rows = list(db.query(
            "SELECT rowid, id, eid, text FROM provisions WHERE source_id = ? AND kind = 'provision'",
            [sel.source]))
        for r in rows:
            order.setdefault(r["id"], r["rowid"])
        units = [r for r in rows if (r["text"] or "").strip()]
        hit = {r["id"] for r in units if any(_under(r["eid"], p) for p in sel.provisions)}
        if sel.naming:
            articles = {_article(r["eid"]) for r in units
                        if any(t in r["text"] for t in sel.naming)}
            hit |= {r["id"] for r in units if _article(r["eid"]) in articles}
        if sel.containing:
            hit = {r["id"] for r in units if r["id"] in hit
                   and any(t.lower() in r["text"].lower() for t in sel.containing)}
        chosen |= hit
        if sel.commentary:
            for p in sel.provisions:
                for c in db.query(
                        "SELECT c.id, p.rowid FROM commentary c JOIN provisions p "
                        "ON p.id = c.provision_id WHERE c.source_id = ? AND c.eid LIKE '%cmt' "
                        "AND (p.eid = ? OR p.eid LIKE ?)", [sel.source, p, p + "\\_\\_%"]):
                    chosen.add(c["id"])
                    order.setdefault(c["id"], c["rowid"])
    existing = {r["id"]: r["rowid"] for r in db.query(
        "SELECT rowid, id FROM provisions WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(coverage.extra_units)])}
    chosen |= set(existing)
    order.update({k: v for k, v in existing.items() if k not in order})
    return sorted(chosen, key=lambda i: (order.get(i, 1 << 60), i))
