"""Scoring the tagger against a gold file (``gold/*-tags.jsonl``).

Everything is counted over (unit, code) pairs: a pair is a true positive when the
unit carries the code in both gold and prediction. Micro scores pool the pairs;
macro scores average the per-code scores over every code that occurs in the gold
or in the predictions. Precision (recall) with nothing predicted (nothing in the
gold) is 0; F1 is 0 when precision and recall are both 0.

    >>> report = evaluate_file("../shared/gold/dev-tags.jsonl")
    >>> print(format_report(report))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from plea.corpus.errors import PleaError

from .jsonl_io import BadLine, read_lines
from .scores import PRF
from .taggers import BaseTagger, Unit, get_tagger


@dataclass(frozen=True)
class GoldUnit:
    id: str
    lang: str
    text: str
    codes: frozenset[str]
    source: str = ""


@dataclass(frozen=True)
class Macro:
    precision: float
    recall: float
    f1: float
    codes: int

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "codes": self.codes}


@dataclass(frozen=True)
class UnitError:
    id: str
    lang: str
    text: str
    false_positives: tuple[str, ...]
    misses: tuple[str, ...]


@dataclass
class Report:
    units: int
    micro: PRF
    macro: Macro
    per_dimension: dict[str, PRF] = field(default_factory=dict)
    per_code: dict[str, PRF] = field(default_factory=dict)
    per_language: dict[str, PRF] = field(default_factory=dict)
    errors: list[UnitError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"units": self.units, "micro": self.micro.as_dict(), "macro": self.macro.as_dict(),
                "per_dimension": {k: v.as_dict() for k, v in self.per_dimension.items()},
                "per_code": {k: v.as_dict() for k, v in self.per_code.items()},
                "per_language": {k: v.as_dict() for k, v in self.per_language.items()},
                "errors": [e.__dict__ | {"false_positives": list(e.false_positives),
                                         "misses": list(e.misses)} for e in self.errors]}


class GoldError(PleaError, ValueError):
    """A gold file line that is not a gold unit (file and line named)."""


def load_gold(path: str | Path) -> list[GoldUnit]:
    """Read a gold file; a malformed line raises GoldError naming the line."""
    units = []
    try:
        for n, obj in read_lines(path):
            units.append(GoldUnit(id=str(obj["id"]), lang=obj["lang"], text=obj["text"],
                                  codes=frozenset(obj.get("codes", [])),
                                  source=obj.get("source", "")))
    except BadLine as exc:
        raise GoldError(f"not a gold tag line: {exc.message}", path=path, line=exc.line) from exc
    except (KeyError, TypeError) as exc:
        raise GoldError(f"not a gold tag line: {exc}", path=path, line=n) from exc
    return units


def _dimension(code: str) -> str:
    return code.split(".", 1)[0]


def score(gold: Sequence[GoldUnit], predicted: Mapping[str, Iterable[str]]) -> Report:
    """Score predicted code sets (by unit id) against the gold units."""
    micro = PRF()
    per_code: dict[str, PRF] = {}
    per_dim: dict[str, PRF] = {}
    per_lang: dict[str, PRF] = {}
    errors = []
    for unit in gold:
        pred = set(predicted.get(unit.id, ()))
        for code in unit.codes | pred:
            cell = PRF(tp=int(code in unit.codes and code in pred),
                       fp=int(code in pred and code not in unit.codes),
                       fn=int(code in unit.codes and code not in pred))
            for table, key in ((per_code, code), (per_dim, _dimension(code)),
                               (per_lang, unit.lang)):
                table.setdefault(key, PRF()).add(cell)
            micro.add(cell)
        fps, misses = sorted(pred - unit.codes), sorted(unit.codes - pred)
        if fps or misses:
            errors.append(UnitError(unit.id, unit.lang, unit.text, tuple(fps), tuple(misses)))
    codes = list(per_code.values())
    macro = Macro(precision=_mean(c.precision for c in codes), recall=_mean(c.recall for c in codes),
                  f1=_mean(c.f1 for c in codes), codes=len(codes))
    return Report(units=len(gold), micro=micro, macro=macro,
                  per_dimension=dict(sorted(per_dim.items())), per_code=dict(sorted(per_code.items())),
                  per_language=dict(sorted(per_lang.items())), errors=errors)


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def predict(gold: Sequence[GoldUnit], tagger: BaseTagger | None = None) -> dict[str, set[str]]:
    """The tagger's code set for every gold unit (the gold's language is given to it);
    the project's default tagger unless one is given."""
    tagger = tagger or get_tagger()
    tagged = tagger.tag_many(Unit(u.text, u.lang) for u in gold)
    return {u.id: {t.code for t in tags} for u, tags in zip(gold, tagged)}


def evaluate_file(path: str | Path, tagger: BaseTagger | None = None) -> Report:
    """Tag every unit of a gold file and score the result."""
    gold = load_gold(path)
    return score(gold, predict(gold, tagger))


def format_report(report: Report, *, confusion: bool = True, width: int = 100) -> str:
    """The report as text: summary tables, then the units with false positives / misses."""
    def row(name: str, s: PRF) -> str:
        return (f"  {name:<34} P {s.precision:5.3f}  R {s.recall:5.3f}  F1 {s.f1:5.3f}"
                f"   (tp {s.tp}, fp {s.fp}, fn {s.fn})")
    out = [f"{report.units} units, {report.micro.tp + report.micro.fn} gold (unit, code) pairs",
           row("micro", report.micro),
           f"  {'macro (' + str(report.macro.codes) + ' codes)':<34} P {report.macro.precision:5.3f}"
           f"  R {report.macro.recall:5.3f}  F1 {report.macro.f1:5.3f}",
           "", "per dimension:"]
    out += [row(k, v) for k, v in report.per_dimension.items()]
    out += ["", "per language:"] + [row(k, v) for k, v in report.per_language.items()]
    out += ["", "per code:"] + [row(k, v) for k, v in report.per_code.items()]
    if confusion and report.errors:
        out += ["", f"units with errors ({len(report.errors)}):"]
        for e in report.errors:
            text = " ".join(e.text.split())
            if len(text) > width:
                text = text[:width - 1] + "…"
            out.append(f"  {e.id} [{e.lang}] {text}")
            if e.false_positives:
                out.append(f"      false positives: {', '.join(e.false_positives)}")
            if e.misses:
                out.append(f"      misses:          {', '.join(e.misses)}")
    return "\n".join(out)
