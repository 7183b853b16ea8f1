"""Honest figures: every tagger scored on documents its learned part never saw.

    result = cross_validate(units, by="document")
    print(format_cv(result))

``by="document"`` leaves one document (fold) out at a time; ``by="jurisdiction"`` one
jurisdiction. The keyword baseline and the rule tagger need no training and are scored
on the same units, so the four columns compare like with like. The gate and thresholds
of a held-out fold are chosen on the other folds only. Role and modality are scored on
the (unit, code) pairs that both gold and prediction carry.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..evaluate import GoldUnit, Report, score
from ..taggers import get_tagger
from ..taggers.base import Tag
from .data import TrainingUnit
from ..taggers.combined import MARGIN
from .train import LANGS, as_unit, choices, oof_codes, out_of_fold

@dataclass
class AttrScore:
    right: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    def add(self, ok: bool) -> None:
        self.right += int(ok)
        self.total += 1


@dataclass
class CVResult:
    by: str
    units: int
    folds: int
    reports: dict[str, Report]
    roles: dict[str, AttrScore] = field(default_factory=dict)
    modality: dict[str, AttrScore] = field(default_factory=dict)
    role_source: dict[str, dict[str, str]] = field(default_factory=dict)
    modality_source: dict[str, dict[str, str]] = field(default_factory=dict)
    # micro F1 of each tagger on each origin of units (reference, texts, written, presumed)
    by_origin: dict[str, dict[str, Report]] = field(default_factory=dict)
    oofs: dict = field(default_factory=dict, repr=False)     # language -> OutOfFold
    rules: dict = field(default_factory=dict, repr=False)    # unit id -> rule codes

    def as_dict(self) -> dict:
        return {"by": self.by, "units": self.units, "folds": self.folds,
                "taggers": {k: r.as_dict() | {"errors": []} for k, r in self.reports.items()},
                "role_accuracy": {k: round(v.accuracy, 4) for k, v in self.roles.items()},
                "modality_accuracy": {k: round(v.accuracy, 4) for k, v in self.modality.items()},
                "role_source": self.role_source, "modality_source": self.modality_source,
                "by_origin": {k: {o: round(r.micro.f1, 4) for o, r in t.items()}
                              for k, t in self.by_origin.items()}}


def grouping(by: str) -> Callable[[TrainingUnit], str]:
    """The fold of a unit when documents (``"document"``) or jurisdictions are left out."""
    if by == "document":
        return lambda u: u.fold
    if by == "jurisdiction":
        return lambda u: u.jurisdiction or u.fold
    raise ValueError(f"unknown cross-validation {by!r}: document or jurisdiction")


def gold_units(units: Sequence[TrainingUnit]) -> list[GoldUnit]:
    """Each unit as the scorer reads gold: id, language, text, codes, document."""
    return [GoldUnit(u.id, u.lang, u.text, u.codes, u.doc) for u in units]


def cross_validate(units: Sequence[TrainingUnit], by: str = "document",
                   progress: Callable[[str], None] | None = None) -> CVResult:
    group = grouping(by)
    gold = gold_units(units)
    static: dict[str, list[list[Tag]]] = {}
    static["keyword"] = list(get_tagger("keyword").tag_many(as_unit(u) for u in units))
    rule = get_tagger("rule")
    analysed = []
    for i in range(0, len(units), 256):
        chunk = [as_unit(u) for u in units[i:i + 256]]
        analysed += rule.analyse(chunk, [rule.resolve_lang(u.text, u.lang) for u in chunk])
    static["rule"] = [tags for tags, _ in analysed]
    context_of = {u.id: kinds for u, (_, kinds) in zip(units, analysed)}
    rule_by_id = {u.id: tags for u, tags in zip(units, static["rule"])}
    rule_sets = {uid: {t.code for t in tags} for uid, tags in rule_by_id.items()}
    learned: dict[str, set[str]] = {}
    combined: dict[str, set[str]] = {}
    combined_build: dict[str, set[str]] = {}
    roles: dict[str, AttrScore] = defaultdict(AttrScore)
    modality: dict[str, AttrScore] = defaultdict(AttrScore)
    # per language and code: how often the rule's / the learned head's value is right
    votes: dict[str, dict[tuple[str, str, str], AttrScore]] = {"role": defaultdict(AttrScore),
                                                               "modality": defaultdict(AttrScore)}
    folds = set()
    oofs = {}
    for lang in LANGS:
        mine = [u for u in units if u.lang == lang]
        if not mine:
            continue
        oof = out_of_fold(mine, lang, group=group, progress=progress, rules=rule_sets)
        oofs[lang] = oof
        folds |= set(oof.folds)
        _, chosen = choices(oof)               # each fold's gate and thresholds, made once
        predicted = oof_codes(oof, per_fold=chosen)
        strong = oof_codes(oof, margin=MARGIN, per_fold=chosen)
        known = set(oof.codes)
        for u in oof.units:
            learned[u.id] = predicted[u.id]
            rules = rule_by_id[u.id]
            ruled_only = {t.code for t in rules if t.code not in known}
            combined[u.id] = predicted[u.id] | ruled_only
            # the build's form: without plea context a code must clear a margin
            kept = predicted[u.id] if context_of[u.id] else strong[u.id]
            combined_build[u.id] = kept | ruled_only
            hits = {}
            for t in rules:
                hits.setdefault(t.code, t)
            for label in u.labels:
                head_role, head_mod = oof.heads.get((u.id, label.code), (None, "none"))
                hit = hits.get(label.code)
                if label.code.startswith("subjects.") and label.role:
                    votes["role"][(lang, label.code, "learned")].add(head_role == label.role)
                    if hit is not None:
                        votes["role"][(lang, label.code, "rule")].add(hit.role == label.role)
                if label.modality:
                    votes["modality"][(lang, label.code, "learned")].add(head_mod == label.modality)
                    if hit is not None:
                        votes["modality"][(lang, label.code, "rule")].add(
                            hit.modality == label.modality)
    reports = {"keyword": score(gold, {u.id: {t.code for t in tags}
                                       for u, tags in zip(units, static["keyword"])}),
               "rule": score(gold, {u.id: {t.code for t in tags}
                                    for u, tags in zip(units, static["rule"])}),
               "learned": score(gold, learned),
               "combined": score(gold, combined),
               "combined-build": score(gold, combined_build)}
    predicted_by = {"keyword": {u.id: {t.code for t in tags}
                                for u, tags in zip(units, static["keyword"])},
                    "rule": rule_sets, "learned": learned, "combined": combined,
                    "combined-build": combined_build}
    by_origin = {name: {origin: score([g for g, u in zip(gold, units) if u.origin == origin],
                                      predicted_by[name])
                        for origin in sorted({u.origin for u in units})}
                 for name in reports}
    role_source = _sources(votes["role"])
    modality_source = _sources(votes["modality"])
    for attr, table in (("role", roles), ("modality", modality)):
        for (lang, code, src), s in votes[attr].items():
            table[f"{src}/{lang}"].right += s.right
            table[f"{src}/{lang}"].total += s.total
    return CVResult(by, len(units), len(folds), reports, dict(roles), dict(modality),
                    role_source, modality_source, by_origin, oofs, rule_sets)


def _sources(votes: dict[tuple[str, str, str], AttrScore]) -> dict[str, dict[str, str]]:
    """Per language and code, "learned" where the learned head beat the rule on the
    units where the rule had a hit (compared on the same pairs), else "rule"."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for (lang, code, src), s in votes.items():
        if src != "rule" or s.total == 0:
            continue
        learned = votes.get((lang, code, "learned"))
        if learned and learned.total and learned.accuracy > s.accuracy + 0.05:
            out[lang][code] = "learned"
        else:
            out[lang][code] = "rule"
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def format_cv(result: CVResult) -> str:
    def row(name: str, r: Report) -> str:
        m = r.micro
        return (f"  {name:<10} micro P {m.precision:5.3f} R {m.recall:5.3f} F1 {m.f1:5.3f}   "
                f"macro F1 {r.macro.f1:5.3f}")
    out = [f"leave-one-{result.by}-out: {result.units} units, {result.folds} folds", ""]
    out += [row(k, r) for k, r in result.reports.items()]
    langs = sorted({l for r in result.reports.values() for l in r.per_language})
    out += ["", "micro F1 per language:      " + "".join(f"{l:>8}" for l in langs)]
    for k, r in result.reports.items():
        out.append(f"  {k:<26}" + "".join(f"{r.per_language[l].f1:8.3f}" if l in r.per_language
                                          else f"{'-':>8}" for l in langs))
    origins = sorted({o for table in result.by_origin.values() for o in table})
    if origins:
        # presumed-empty units carry no code: their column is the share of them left untagged
        out += ["", "micro F1 per origin (presumed: units left empty): "
                + "".join(f"{o[:9]:>10}" for o in origins)]
        for k, table in result.by_origin.items():
            cells = []
            for o in origins:
                r = table.get(o)
                if r is None:
                    cells.append(f"{'-':>10}")
                elif o == "presumed":
                    empty = sum(1 for e in r.errors if e.false_positives)
                    cells.append(f"{1 - empty / r.units if r.units else 0:10.3f}")
                else:
                    cells.append(f"{r.micro.f1:10.3f}")
            out.append(f"  {k:<48}" + "".join(cells))
    dims = sorted({d for r in result.reports.values() for d in r.per_dimension})
    out += ["", "micro F1 per dimension:     " + "".join(f"{d[:8]:>9}" for d in dims)]
    for k, r in result.reports.items():
        out.append(f"  {k:<26}" + "".join(f"{r.per_dimension[d].f1:9.3f}" if d in r.per_dimension
                                          else f"{'-':>9}" for d in dims))
    codes = sorted({c for r in result.reports.values() for c in r.per_code})
    out += ["", "F1 per code (support):" + "".join(f"{k[:9]:>10}" for k in result.reports)]
    for c in codes:
        first = next(iter(result.reports.values()))
        support = first.per_code[c].tp + first.per_code[c].fn if c in first.per_code else 0
        out.append(f"  {c:<34}{support:5d}" + "".join(
            f"{r.per_code[c].f1:10.3f}" if c in r.per_code else f"{'-':>10}"
            for r in result.reports.values()))
    if result.roles or result.modality:
        out += ["", "role / modality accuracy on gold pairs (rule where it had a hit; learned heads):"]
        for k, v in sorted(result.roles.items()):
            out.append(f"  role {k:<14} {v.accuracy:5.3f} ({v.right}/{v.total})")
        for k, v in sorted(result.modality.items()):
            out.append(f"  modality {k:<10} {v.accuracy:5.3f} ({v.right}/{v.total})")
    return "\n".join(out)
