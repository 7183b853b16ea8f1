"""Training the learned tagger, and the cross-validation that picks its thresholds.

    units = load_training_units(db)
    models, meta = train(units)          # thresholds from leave-one-document-out
    save(models, meta)                   # annotate/taggers/model/

Everything is deterministic (liblinear with a fixed seed, sorted inputs), so the same
training data gives the same model files; ``meta.json`` records the data's hash.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from ..taggers.base import Unit
from ..taggers.features import Featurizer, lead_text
from ..taggers.learned import MODEL_DIR, Head, LanguageModel, LearnedTagger, window
from .data import TrainingUnit, data_hash

SEED = 13
C_CODES = 4.0
C_HEADS = 2.0
MIN_POSITIVES = 3              # a language gets a classifier for a code with this many
DEFAULT_THRESHOLD = 0.5
GRID = np.round(np.arange(0.15, 0.91, 0.05), 2)
LANGS = ("zh", "en", "de")


def _lr(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, solver="liblinear", class_weight="balanced",
                              random_state=SEED, max_iter=2000)


def as_unit(u: TrainingUnit) -> Unit:
    return Unit(u.text, u.lang, u.context, u.kind, u.heading)


def codes_for(units: Sequence[TrainingUnit]) -> list[str]:
    counts = Counter(code for u in units for code in u.codes)
    return sorted(c for c, n in counts.items() if n >= MIN_POSITIVES)


def fit_language(units: Sequence[TrainingUnit], lang: str, codes: list[str] | None = None,
                 thresholds: dict[str, float] | None = None) -> LanguageModel:
    """One language's classifiers, fitted on ``units`` (all of that language)."""
    units = sorted(units, key=lambda u: u.id)
    codes = codes if codes is not None else codes_for(units)
    featurizer = Featurizer.fit(lang, [u.text for u in units],
                                [lead_text(u.context, u.heading) for u in units])
    x = featurizer.transform([u.text for u in units],
                             [lead_text(u.context, u.heading) for u in units])
    weights = np.zeros((len(codes), x.shape[1]), dtype=np.float32)
    bias = np.zeros(len(codes), dtype=np.float32)
    for k, code in enumerate(codes):
        y = np.array([code in u.codes for u in units], dtype=int)
        if y.sum() == 0 or y.sum() == len(y):
            bias[k] = -10.0 if y.sum() == 0 else 10.0
            continue
        clf = _lr(C_CODES).fit(x, y)
        weights[k] = clf.coef_[0]
        bias[k] = clf.intercept_[0]
    t = thresholds or {}
    thr = np.array([t.get(c, DEFAULT_THRESHOLD) for c in codes], dtype=np.float32)
    role = _fit_head(featurizer, units, lang, "role")
    modality = _fit_head(featurizer, units, lang, "modality")
    return LanguageModel(lang, featurizer, codes, weights, bias, thr, role, modality)


def _head_examples(units: Iterable[TrainingUnit], lang: str, attr: str):
    for u in units:
        for label in u.labels:
            if attr == "role" and not label.code.startswith("subjects."):
                continue
            value = getattr(label, attr)
            if not value:
                continue
            start = label.start if label.start is not None else 0
            end = label.end if label.end is not None else min(len(u.text), 2 * 16)
            yield window(u.text, start, end, lang), label.code, value


def _fit_head(featurizer: Featurizer, units: Sequence[TrainingUnit], lang: str,
              attr: str) -> Head | None:
    examples = list(_head_examples(units, lang, attr))
    if not examples:
        return None
    classes = sorted({v for _, _, v in examples})
    codes = sorted({c for _, c, _ in examples})
    if len(classes) == 1:
        return Head(classes, codes, np.zeros((1, featurizer.size + len(codes)), np.float32),
                    np.zeros(1, np.float32))
    xw = featurizer.transform([w for w, _, _ in examples], [""] * len(examples))
    onehot = sp.csr_matrix((np.ones(len(examples), np.float32),
                            ([i for i in range(len(examples))],
                             [codes.index(c) for _, c, _ in examples])),
                           shape=(len(examples), len(codes)))
    xx = sp.hstack([xw, onehot], format="csr")
    y = [v for _, _, v in examples]
    clf = LogisticRegression(C=C_HEADS, solver="lbfgs", random_state=SEED, max_iter=3000)
    clf.fit(xx, y)
    w = clf.coef_.astype(np.float32)
    b = clf.intercept_.astype(np.float32)
    return Head([str(c) for c in clf.classes_], codes, w, b)


# -- cross-validation -------------------------------------------------------------------
@dataclass
class OutOfFold:
    """Each unit's probabilities from a model that never saw its document."""
    units: list[TrainingUnit]
    codes: list[str]
    probs: np.ndarray             # (units, codes)
    folds: list[str]
    # (unit id, code) -> (role, modality) the fold's heads read at the gold evidence
    heads: dict[tuple[str, str], tuple[str | None, str]]


def out_of_fold(units: Sequence[TrainingUnit], lang: str,
                group: Callable[[TrainingUnit], str] = lambda u: u.fold,
                progress: Callable[[str], None] | None = None) -> OutOfFold:
    units = sorted(units, key=lambda u: u.id)
    codes = codes_for(units)
    probs = np.zeros((len(units), len(codes)), dtype=np.float32)
    groups = [group(u) for u in units]
    heads: dict[tuple[str, str], tuple[str | None, str]] = {}
    reader = LearnedTagger(models={})
    for g in sorted(set(groups)):
        test = [i for i, x in enumerate(groups) if x == g]
        train_units = [u for u, x in zip(units, groups) if x != g]
        model = fit_language(train_units, lang, codes, None)
        _, p = model.scores([as_unit(units[i]) for i in test])
        probs[test] = p
        for i in test:
            u = units[i]
            for label in u.labels:
                start = label.start if label.start is not None else 0
                end = label.end if label.end is not None else len(u.text)
                heads[(u.id, label.code)] = reader.role_and_modality(
                    model, as_unit(u), label.code, start, end)
        if progress:
            progress(f"{lang}: fold {g} ({len(test)} units)")
    return OutOfFold(units, codes, probs, groups, heads)


def best_thresholds(oof: OutOfFold, exclude: str | None = None) -> dict[str, float]:
    """Per code, the threshold that maximises F1 on the out-of-fold scores (of every
    fold but ``exclude``, so the fold being scored does not choose its own threshold)."""
    keep = np.array([f != exclude for f in oof.folds])
    out = {}
    for k, code in enumerate(oof.codes):
        y = np.array([code in u.codes for u in oof.units])[keep]
        p = oof.probs[keep, k]
        if y.sum() == 0:
            out[code] = DEFAULT_THRESHOLD
            continue
        best, best_t = -1.0, DEFAULT_THRESHOLD
        for t in GRID:
            pred = p >= t
            tp = int((pred & y).sum())
            f1 = 2 * tp / (pred.sum() + y.sum()) if (pred.sum() + y.sum()) else 0.0
            if f1 > best + 1e-9:
                best, best_t = f1, float(t)
        out[code] = best_t
    return out


def oof_codes(oof: OutOfFold) -> dict[str, set[str]]:
    """Predicted codes per unit id, each fold thresholded by the other folds' choice."""
    out: dict[str, set[str]] = {}
    cache: dict[str, dict[str, float]] = {}
    for i, u in enumerate(oof.units):
        t = cache.setdefault(oof.folds[i], best_thresholds(oof, exclude=oof.folds[i]))
        out[u.id] = {c for k, c in enumerate(oof.codes) if oof.probs[i, k] >= t[c]}
    return out


# -- the whole model --------------------------------------------------------------------
def train(units: Sequence[TrainingUnit], progress: Callable[[str], None] | None = None
          ) -> tuple[dict[str, LanguageModel], dict]:
    """Models for every language with data, thresholds chosen by leave-one-document-out."""
    models, meta = {}, {"data_hash": data_hash(), "seed": SEED, "languages": {}}
    by_lang: dict[str, list[TrainingUnit]] = defaultdict(list)
    for u in units:
        by_lang[u.lang].append(u)
    for lang in LANGS:
        mine = by_lang.get(lang, [])
        if not mine:
            continue
        oof = out_of_fold(mine, lang, progress=progress)
        thresholds = best_thresholds(oof)
        models[lang] = fit_language(mine, lang, oof.codes, thresholds)
        meta["languages"][lang] = {
            "units": len(mine), "documents": len({u.doc for u in mine}),
            "positives": dict(sorted(Counter(c for u in mine for c in u.codes).items())),
            "thresholds": thresholds}
    return models, meta


def save(models: dict[str, LanguageModel], meta: dict, directory: Path = MODEL_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.npz"):
        if old.stem not in models:
            old.unlink()
    paths = []
    for lang, model in sorted(models.items()):
        path = directory / f"{lang}.npz"
        model.save(path)
        paths.append(path)
    meta_path = directory / "meta.json"
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                         encoding="utf-8")
    return paths + [meta_path]
