"""How the learned tagger's cross-validated score grows with its training data.

    points = learning_curve(units, shares=(0.25, 0.5, 1.0), seeds=3)
    print(format_curve(points))

For each share, a random share of the documents (or jurisdictions) is drawn, per language
and seed; the gate and code classifiers are fitted on those documents' units only, and
every unit is scored by a model that never saw its own document (a drawn unit is left out
with its document, exactly, as in ``plea eval --cv``). Which codes get a classifier, the
gate and the thresholds are decided on the drawn units alone, so nothing of the documents
not drawn is used but their unlabelled text: the features' vocabulary and idf weights are
fitted once on every text, as in ``plea eval --cv``, which flatters small shares a little
(refitted on the drawn units only: 0.001–0.009 lower at 1/8, 0.001–0.005 at 1/2, in a
review's check). Share 1 is the learned tagger of ``plea eval --cv`` itself. With
``by="jurisdiction"`` whole jurisdictions are drawn and left out, so a share's unit count
varies more between draws.

What it answers: whether more labelled data of the kind already held would move the
figures, and roughly how much would be needed (README, "Session 14") — a fit to the curve
is an extrapolation, not a promise.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from ..evaluate import score
from .cv import gold_units, grouping
from .data import TrainingUnit
from .train import (LANGS, MIN_POSITIVES, RIDGE, OutOfFold, by_language, choices, codes_for,
                    featurize, held_out_rows, oof_codes, rule_codes, targets, with_gate)

SHARES = (0.125, 0.25, 0.5, 0.75, 1.0)


@dataclass
class CurvePoint:
    share: float
    seed: int
    micro: float
    macro: float
    per_language: dict[str, float] = field(default_factory=dict)
    training_units: int = 0           # units the drawn documents hold (empty ones included)


@dataclass
class LanguageData:
    """What every draw of one language shares: features, targets, groups."""
    units: list[TrainingUnit]
    codes: list[str]
    x: sp.csr_matrix
    y: np.ndarray
    groups: np.ndarray


def drawn_rows(groups: np.ndarray, share: float, seed: int) -> np.ndarray:
    """The rows of a random ``share`` of the groups, sorted: at least two groups, since
    with one there are no other folds' scores to choose a gate and thresholds on."""
    names = np.unique(groups)
    if share >= 1.0:
        return np.arange(len(groups))
    k = min(len(names), max(2, int(round(share * len(names)))))
    chosen = np.random.default_rng(seed).choice(names, size=k, replace=False)
    return np.flatnonzero(np.isin(groups, chosen))


def predict_share(lang: LanguageData, rows: np.ndarray) -> dict[str, set[str]]:
    """Codes of every unit from classifiers fitted on ``rows`` less the unit's own group,
    gated and thresholded by choices made on the drawn units of the other groups."""
    groups = lang.groups
    # only codes with enough positives among the drawn units get a classifier
    keep = np.flatnonzero(lang.y[rows].sum(axis=0) >= MIN_POSITIVES)
    codes = [lang.codes[k] for k in keep]
    y = lang.y[:, keep]
    gate_scores = held_out_rows(lang.x, rows, with_gate(y)[rows][:, -1:], groups, RIDGE)[:, 0]
    coded = rows[y[rows].any(axis=1)]
    scores = held_out_rows(lang.x, coded, y[coded], groups, RIDGE)
    folds = [str(g) for g in groups]
    drawn = OutOfFold("", [lang.units[i] for i in rows], codes,
                      scores[rows].astype(np.float32), gate_scores[rows].astype(np.float32),
                      [folds[i] for i in rows], {}, y[rows])
    overall, per_fold = choices(drawn)
    every = OutOfFold("", lang.units, codes, scores.astype(np.float32),
                      gate_scores.astype(np.float32), folds, {}, np.zeros_like(y))
    # (no targets: the choices are made); a document not drawn takes the choice made on
    # every drawn unit
    return oof_codes(every, per_fold=per_fold, otherwise=overall)


def prepare(units: Sequence[TrainingUnit], by: str = "document") -> dict[str, LanguageData]:
    """Each language's features (the rule tagger's codes among them), targets and groups."""
    group = grouping(by)
    rules = rule_codes(units)
    languages: dict[str, LanguageData] = {}
    for name, mine in sorted(by_language(units).items()):
        if name not in LANGS:
            continue
        mine = sorted(mine, key=lambda u: u.id)
        codes = codes_for(mine)
        _, x = featurize(mine, name, rules)
        languages[name] = LanguageData(mine, codes, x, targets(mine, codes),
                                       np.array([group(u) for u in mine]))
    return languages


def learning_curve(units: Sequence[TrainingUnit], shares: Sequence[float] = SHARES,
                   seeds: int = 3, by: str = "document",
                   progress: Callable[[str], None] | None = None) -> list[CurvePoint]:
    """Micro/macro-F1 (and per language) of the learned tagger trained on each share of the
    documents, ``seeds`` draws a share (one at share 1)."""
    languages = prepare(units, by)
    gold = gold_units([u for lang in languages.values() for u in lang.units])
    points = []
    for share in shares:
        for seed in range(1 if share >= 1.0 else seeds):
            predicted: dict[str, set[str]] = {}
            n_train = 0
            for name, lang in languages.items():
                rows = drawn_rows(lang.groups, share, seed)
                n_train += len(rows)
                predicted.update(predict_share(lang, rows))
            report = score(gold, predicted)
            points.append(CurvePoint(share, seed, report.micro.f1, report.macro.f1,
                                     {k: v.f1 for k, v in report.per_language.items()},
                                     n_train))
            if progress:
                progress(f"share {share:g}, draw {seed}: micro-F1 {report.micro.f1:.3f}")
    return points


def format_curve(points: Sequence[CurvePoint]) -> str:
    """One row a share: mean (and spread over draws) of micro and macro F1, per language."""
    langs = sorted({l for p in points for l in p.per_language})
    out = ["learning curve (learned tagger; each share's documents drawn at random; ± the",
           "standard deviation over draws; vocabulary and idf fitted on every text, no labels):",
           f"  {'share':>6} {'draws':>5} {'units':>7} {'micro F1':>15} {'macro F1':>15}"
           + "".join(f"{l:>8}" for l in langs)]
    for share in sorted({p.share for p in points}):
        mine = [p for p in points if p.share == share]
        micro = np.array([p.micro for p in mine])
        macro = np.array([p.macro for p in mine])
        units = round(float(np.mean([p.training_units for p in mine])))
        cells = "".join(_cell([p.per_language[l] for p in mine if l in p.per_language])
                        for l in langs)
        out.append(f"  {share:6.3g} {len(mine):5d} {units:7d} {_spread(micro)} {_spread(macro)}"
                   + cells)
    return "\n".join(out)


def _spread(values: np.ndarray) -> str:
    """Mean ± sample standard deviation, or the one value with a dash."""
    if len(values) < 2:
        return f"{values.mean():8.3f} ±     -"
    return f"{values.mean():8.3f} ± {values.std(ddof=1):.3f}"


def _cell(values: list[float]) -> str:
    return f"{np.mean(values):8.3f}" if values else f"{'-':>8}"
