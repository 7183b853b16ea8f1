"""Scoring references against a gold file (the format of shared/gold/dev-refs.jsonl).

Precision, recall and F1 over (unit, work, pinpoint) triples, per language and overall,
at two depths: the article / rule / section (the first element of the pinpoint, the
first two for us-usc, whose first is the title) and the full pinpoint.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..scores import PRF

Predict = Callable[[dict], list[dict]]
ARTICLE_DEPTH = {"us-usc": 2}


def article_key(work: str | None, pinpoint: list[str]) -> tuple:
    return (work, tuple(pinpoint[:ARTICLE_DEPTH.get(work or "", 1)]))


def full_key(work: str | None, pinpoint: list[str]) -> tuple:
    return (work, tuple(pinpoint))


@dataclass
class Report:
    units: int = 0
    scores: dict = field(default_factory=dict)        # (depth, lang) → PRF; lang "all"
    misses: list = field(default_factory=list)        # (depth, unit id, work, pinpoint)
    false_positives: list = field(default_factory=list)

    def score(self, depth: str, lang: str = "all") -> PRF:
        # An empty gold and prediction set counts as perfect for references.
        return self.scores.setdefault((depth, lang), PRF(empty=1.0))

    def as_dict(self) -> dict:
        return {"units": self.units,
                "scores": {f"{d}/{lang}": s.as_dict() for (d, lang), s in sorted(self.scores.items())},
                "misses": [list(m) for m in self.misses],
                "false_positives": [list(m) for m in self.false_positives]}


def load_gold(path: str | Path) -> list[dict]:
    units = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            unit = json.loads(line)
            unit.setdefault("id", f"line-{n}")
            units.append(unit)
    return units


def score_refs(gold: Iterable[dict], predict: Predict) -> Report:
    """Compare, unit by unit, the predicted references with the gold ones."""
    report = Report()
    for unit in gold:
        report.units += 1
        lang = (unit.get("lang") or "und").split("-")[0]
        predicted = predict(unit)
        for depth, key in (("article", article_key), ("full", full_key)):
            want = {key(r.get("work"), [str(p) for p in r.get("pinpoint", [])]) for r in unit["refs"]}
            got = {key(r.get("work"), [str(p) for p in r.get("pinpoint", [])]) for r in predicted}
            for bucket in (report.score(depth), report.score(depth, lang)):
                bucket.tp += len(want & got)
                bucket.fp += len(got - want)
                bucket.fn += len(want - got)
            report.misses += [(depth, unit["id"], w, list(p)) for w, p in sorted(want - got, key=str)]
            report.false_positives += [(depth, unit["id"], w, list(p))
                                       for w, p in sorted(got - want, key=str)]
    return report


def extractor_predict(unit: dict) -> list[dict]:
    from .extract import extract
    return [r.to_dict() for r in extract(unit["text"], unit.get("lang"), unit.get("context"))]


def evaluate_file(path: str | Path, predict: Predict | None = None) -> Report:
    """Score the extractor (or ``predict``) on a gold file."""
    return score_refs(load_gold(path), predict or extractor_predict)


def format_report(report: Report, *, details: bool = True) -> str:
    lines = [f"references: {report.units} units",
             f"{'depth':8} {'lang':5} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for (depth, lang), s in sorted(report.scores.items(), key=lambda kv: (kv[0][0], kv[0][1] != "all", kv[0][1])):
        lines.append(f"{depth:8} {lang:5} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
                     f"{s.tp:5} {s.fp:5} {s.fn:5}")
    if details:
        for title, rows in (("missed", report.misses), ("false positives", report.false_positives)):
            rows = [r for r in rows if r[0] == "full"]
            if rows:
                lines.append(f"{title} (full depth):")
                lines += [f"  {uid}: {work} {json.dumps(pin)}" for _, uid, work, pin in rows]
    return "\n".join(lines)
