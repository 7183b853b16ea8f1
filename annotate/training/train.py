"""Training the learned tagger, and the cross-validation that picks its gate and thresholds.

    units = load_training_units(db)
    oofs = {lang: out_of_fold(units_of(lang), lang) for lang in LANGS}
    models, meta = train(units, oofs)    # gate, thresholds from the out-of-fold scores
    save(models, meta)                   # annotate/taggers/model/

The classifiers are ridge regressions onto 0/1 targets solved in the dual, in two parts:
the "any code" gate (is there plea context at all?) is fitted on every unit, and the codes
(which codes, given plea context?) on the units that carry a code — a word such as
"defendant" that is common in units without plea context no longer pulls down the subject
codes of the units that have it. A unit gets codes only where its gate score reaches the
language's gate; the gate and each code's threshold are chosen by cross-validation.
Leave-one-document-out scores come from one inverse of a kernel (``held_out``,
``held_out_rows``), exact and reproducible (no iterative solver, no randomness). On the
same five grouped folds ridge, logistic regression and a linear SVM scored alike
(micro-F1 0.650 / 0.645 / 0.649); logistic regression took minutes a fold.

Honesty of the cross-validation: a held-out document's units never contribute to the
weights used on them, and its gate and thresholds are chosen on the other documents'
out-of-fold scores (whose own models did see it: a second-order effect, larger when a
whole jurisdiction is left out). The featurizer's vocabulary and idf weights
are computed once over all units' *texts* (no labels), so that the fold solves can share
one kernel matrix.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from plea.corpus.vocab import LANGUAGES

from ..taggers.base import Unit
from ..taggers.features import Featurizer, lead_text
from ..taggers.learned import MODEL_DIR, Head, LanguageModel, window
from ..taggers.modal_cues import WIDTH as CUE_WIDTH, cue_features
from .data import TrainingUnit, data_hash

RIDGE = 1.0                    # regularisation of the code classifiers
# a unit gets codes only when its "any code" score reaches the gate, chosen per language
# from GATES by leave-one-document-out (GATE where there is no cross-validation)
GATES = (0.35, 0.4, 0.45, 0.5, 0.55)
GATE = 0.45
RIDGE_HEADS = 1.0
MIN_POSITIVES = 3              # a language gets a classifier for a code with this many
DEFAULT_THRESHOLD = 0.5
GRID = np.round(np.arange(0.10, 0.86, 0.025), 3)
LANGS = LANGUAGES              # every language of the vocabulary (corpus/vocab.yaml)


def as_unit(u: TrainingUnit) -> Unit:
    return Unit(u.text, u.lang, u.context, u.kind, u.heading)


def codes_for(units: Sequence[TrainingUnit]) -> list[str]:
    counts = Counter(code for u in units for code in u.codes)
    return sorted(c for c, n in counts.items() if n >= MIN_POSITIVES)


def kernel(x: sp.csr_matrix, y: sp.csr_matrix | None = None) -> np.ndarray:
    """Linear kernel plus 1 (the intercept as a constant feature)."""
    y = x if y is None else y
    return np.asarray((x @ y.T).todense(), dtype=np.float64) + 1.0


def solve(k: np.ndarray, targets: np.ndarray, lam: float) -> np.ndarray:
    """Dual ridge coefficients: (K + λI)⁻¹ Y."""
    return np.linalg.solve(k + lam * np.eye(k.shape[0]), targets)


def held_out(k: np.ndarray, targets: np.ndarray, groups: np.ndarray, lam: float) -> np.ndarray:
    """Each group's scores from the ridge fitted without that group, exactly, from one
    inverse: with G = (K + λI)⁻¹ and α = G Y, the scores of group g without g are
    Y_g − (G_gg)⁻¹ α_g (the leave-group-out identity of ridge, I − H = λG). One N×N
    inverse and a small solve per group, where refitting cost an N×N solve per group."""
    g = np.linalg.inv(k + lam * np.eye(k.shape[0]))
    alpha = g @ targets
    out = np.empty_like(targets)
    for group in np.unique(groups):
        i = np.flatnonzero(groups == group)
        out[i] = targets[i] - np.linalg.solve(g[np.ix_(i, i)], alpha[i])
    return out


def held_out_rows(x: sp.csr_matrix, rows: np.ndarray, targets: np.ndarray, groups: np.ndarray,
                  lam: float) -> np.ndarray:
    """Every unit's scores from the ridge fitted on the units ``rows`` (``targets`` are
    theirs) less the unit's own group — the code classifiers, fitted on coded units and
    scored on all. With G = (K_rr + λI)⁻¹ and α = G Y, leaving the rows i of a group out
    gives α' = α − G_·i (G_ii)⁻¹ α_i (zero on i), the block-inverse identity; the group's
    scores are then k(x, x_r) α'."""
    if len(rows) == 0:
        return np.zeros((x.shape[0], targets.shape[1]))
    xr = x[rows]
    g = np.linalg.inv(kernel(xr) + lam * np.eye(len(rows)))
    alpha = g @ targets
    cross = kernel(x, xr)
    inside = groups[rows]
    out = np.empty((x.shape[0], targets.shape[1]))
    for group in np.unique(groups):
        test = np.flatnonzero(groups == group)
        i = np.flatnonzero(inside == group)
        fitted = alpha
        if len(i):
            fitted = alpha - g[:, i] @ np.linalg.solve(g[np.ix_(i, i)], alpha[i])
            fitted[i] = 0.0           # zero already, but for rounding
        out[test] = cross[test] @ fitted
    return out


def with_gate(targets: np.ndarray) -> np.ndarray:
    """The code targets plus a last column: does the unit carry any code."""
    return np.hstack([targets, targets.any(axis=1, keepdims=True).astype(targets.dtype)])


def apply_gate(scores: np.ndarray, gate: np.ndarray, threshold: float = GATE) -> np.ndarray:
    """Code scores of units whose gate score falls short set to 0 (below every threshold)."""
    out = scores.copy()
    out[gate < threshold] = 0.0
    return out


def primal(x: sp.csr_matrix, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights (targets × features) and intercepts from dual coefficients."""
    weights = np.asarray(x.T @ alpha).T.astype(np.float32)
    return weights, alpha.sum(axis=0).astype(np.float32)


def targets(units: Sequence[TrainingUnit], codes: list[str]) -> np.ndarray:
    return np.array([[code in u.codes for code in codes] for u in units], dtype=np.float64)


Rules = dict[str, set[str]]     # unit id -> the rule tagger's codes (features)


def rule_codes(units: Sequence[TrainingUnit]) -> Rules:
    """The rule tagger's codes for every unit: fixed features, computed once."""
    from ..taggers import get_tagger
    tagged = get_tagger("rule").tag_many(as_unit(u) for u in units)
    return {u.id: {t.code for t in tags} for u, tags in zip(units, tagged)}


def featurize(units: Sequence[TrainingUnit], lang: str, rules: Rules | None = None
              ) -> tuple[Featurizer, sp.csr_matrix]:
    bodies = [u.text for u in units]
    leads = [lead_text(u.context, u.heading) for u in units]
    codebook = None
    if rules is not None:
        from ..taxonomy import load_taxonomy
        codebook = list(load_taxonomy().code_ids)
    featurizer = Featurizer.fit(lang, bodies, leads, rule_codes=codebook)
    hits = [rules.get(u.id, set()) for u in units] if rules is not None else None
    return featurizer, featurizer.transform(bodies, leads, hits)


# -- role and modality heads -------------------------------------------------------------
HEAD_FEATURES = 3000           # window n-grams a head reads (the most frequent in its examples);
                               # 3,000 over 1,000: role 0.84 → 0.85 (en), 0.76 → 0.78 (de), modality
                               # 0.645 → 0.663 (en), 0.650 → 0.665 (de) on leave-one-document-out


@dataclass
class HeadData:
    attr: str
    owners: list[int]            # index of the unit each example comes from
    codes: list[str]             # the code of each example
    labels: list[str]
    x: sp.csr_matrix             # selected window features + code one-hots (+ cue features)
    columns: np.ndarray          # the featurizer's columns kept
    width: int                   # the featurizer's full width
    cues: int = 0                # width of the trailing block of rule-cue features

    @property
    def classes(self) -> list[str]:
        return sorted(set(self.labels))

    @property
    def code_list(self) -> list[str]:
        return sorted(set(self.codes))


def head_data(featurizer: Featurizer, units: Sequence[TrainingUnit], lang: str,
              attr: str) -> HeadData | None:
    owners, codes, labels, windows, spans = [], [], [], [], []
    for i, u in enumerate(units):
        for label in u.labels:
            if attr == "role" and not label.code.startswith("subjects."):
                continue
            value = getattr(label, attr)
            if not value:
                continue
            start = label.start if label.start is not None else 0
            end = label.end if label.end is not None else min(len(u.text), 32)
            owners.append(i)
            codes.append(label.code)
            labels.append(value)
            windows.append(window(u.text, start, end, lang))
            spans.append((u.text, start, end))
    if not labels:
        return None
    code_list = sorted(set(codes))
    xw = featurizer.transform(windows, [""] * len(windows))
    df = np.asarray((xw > 0).sum(axis=0)).ravel()
    columns = np.sort(np.argsort(-df, kind="stable")[:HEAD_FEATURES])
    onehot = sp.csr_matrix((np.ones(len(codes), np.float32),
                            (np.arange(len(codes)), [code_list.index(c) for c in codes])),
                           shape=(len(codes), len(code_list)))
    blocks = [xw[:, columns], onehot]
    cues = 0
    if attr == "modality":
        # what the rules' modal cues say of the span (``modal_cues``): +0.02–0.03 accuracy
        blocks.append(sp.csr_matrix(cue_features(spans, lang)))
        cues = CUE_WIDTH
    x = sp.hstack(blocks, format="csr")
    return HeadData(attr, owners, codes, labels, x, columns, xw.shape[1], cues)


def _primal_solve(gram: np.ndarray, xty: np.ndarray, lam: float) -> np.ndarray:
    """Primal ridge with an unpenalised-ish intercept column last: (XᵀX + λI)⁻¹ XᵀY."""
    return np.linalg.solve(gram + lam * np.eye(gram.shape[0]), xty)


def _with_bias(x: sp.csr_matrix) -> sp.csr_matrix:
    return sp.hstack([x, np.ones((x.shape[0], 1), np.float32)], format="csr")


def fit_head(data: HeadData | None, rows: np.ndarray | None = None) -> Head | None:
    if data is None:
        return None
    rows = np.arange(len(data.labels)) if rows is None else rows
    classes = data.classes
    n_codes = len(data.code_list)
    if len(classes) == 1 or len(rows) == 0:
        return Head(classes, data.code_list,
                    np.zeros((1, data.width + n_codes + data.cues), np.float32),
                    np.zeros(1, np.float32), data.cues)
    x = _with_bias(data.x[rows])
    y = np.array([[data.labels[r] == c for c in classes] for r in rows], dtype=np.float64)
    coef = _primal_solve(np.asarray((x.T @ x).todense()), np.asarray(x.T @ y), RIDGE_HEADS)
    # back to the featurizer's full width (zeros for the columns the head does not read)
    n_sel = len(data.columns)
    full = np.zeros((len(classes), data.width + n_codes + data.cues), np.float32)
    full[:, data.columns] = coef[:n_sel].T
    full[:, data.width:] = coef[n_sel:-1].T          # code one-hots, then the cue block
    return Head(classes, data.code_list, full, coef[-1].astype(np.float32), data.cues)


# -- one language -------------------------------------------------------------------------
def fit_language(units: Sequence[TrainingUnit], lang: str, codes: list[str] | None = None,
                 thresholds: dict[str, float] | None = None, rules: Rules | None = None,
                 gate: float = GATE) -> LanguageModel:
    """One language's classifiers, fitted on ``units`` (all of that language): the gate on
    every unit, the codes on the units that carry one; with ``rules`` the rule tagger's
    codes are features too."""
    units = sorted(units, key=lambda u: u.id)
    codes = codes if codes is not None else codes_for(units)
    featurizer, x = featurize(units, lang, rules)
    y = targets(units, codes)
    gate_weights, gate_bias = primal(x, solve(kernel(x), with_gate(y)[:, -1:], RIDGE))
    coded = np.flatnonzero(y.any(axis=1))
    if len(coded):
        weights, bias = primal(x[coded], solve(kernel(x[coded]), y[coded], RIDGE))
    else:
        weights = np.zeros((len(codes), x.shape[1]), np.float32)
        bias = np.zeros(len(codes), np.float32)
    t = thresholds or {}
    thr = np.array([t.get(c, DEFAULT_THRESHOLD) for c in codes], dtype=np.float32)
    role = fit_head(head_data(featurizer, units, lang, "role"))
    modality = fit_head(head_data(featurizer, units, lang, "modality"))
    return LanguageModel(lang, featurizer, codes, weights, bias, thr, role, modality,
                         gate=(gate_weights[0], float(gate_bias[0]), gate))


# -- cross-validation -------------------------------------------------------------------
@dataclass
class OutOfFold:
    """Each unit's scores from classifiers that never saw its document."""
    lang: str
    units: list[TrainingUnit]
    codes: list[str]
    scores: np.ndarray            # (units, codes) code scores, before the gate
    gate_scores: np.ndarray       # (units,) "any code" scores
    folds: list[str]
    # (unit id, code) -> (role, modality) the fold's heads read at the gold evidence
    heads: dict[tuple[str, str], tuple[str | None, str]]
    targets: np.ndarray           # (units, codes) gold, 0/1


def out_of_fold(units: Sequence[TrainingUnit], lang: str,
                group: Callable[[TrainingUnit], str] = lambda u: u.fold,
                progress: Callable[[str], None] | None = None,
                rules: Rules | None = None) -> OutOfFold:
    units = sorted(units, key=lambda u: u.id)
    codes = codes_for(units)
    featurizer, x = featurize(units, lang, rules)
    k_all = kernel(x)
    y = targets(units, codes)
    groups = np.array([group(u) for u in units])
    heads_data = {a: head_data(featurizer, units, lang, a) for a in ("role", "modality")}
    head_x = {a: _with_bias(d.x) if d is not None else None for a, d in heads_data.items()}
    head_y = {a: np.array([[l == c for c in d.classes] for l in d.labels], np.float64)
              if d is not None else None for a, d in heads_data.items()}
    head_gram = {a: np.asarray((x.T @ x).todense()) if x is not None else None
                 for a, x in head_x.items()}
    head_xty = {a: np.asarray(x.T @ head_y[a]) if x is not None else None
                for a, x in head_x.items()}
    head_out: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    gate_scores = held_out(k_all, with_gate(y)[:, -1:], groups, RIDGE)[:, 0]
    coded = np.flatnonzero(y.any(axis=1))
    scores = held_out_rows(x, coded, y[coded], groups, RIDGE)
    for g in sorted(set(groups)):
        test = np.flatnonzero(groups == g)
        for attr, data in heads_data.items():
            if data is None:
                continue
            owners = np.array(data.owners)
            tr = np.flatnonzero(groups[owners] != g)
            te = np.flatnonzero(groups[owners] == g)
            if len(te) == 0:
                continue
            classes = data.classes
            if len(classes) == 1 or len(tr) == 0:
                for r in te:
                    head_out[(units[owners[r]].id, data.codes[r])][attr] = classes[0]
                continue
            # the fold's examples taken out of the sufficient statistics: one small solve
            xte = head_x[attr][te]
            gram = head_gram[attr] - np.asarray((xte.T @ xte).todense())
            xty = head_xty[attr] - np.asarray(xte.T @ head_y[attr][te])
            pred = np.asarray(xte @ _primal_solve(gram, xty, RIDGE_HEADS))
            for r, row in zip(te, pred):
                head_out[(units[owners[r]].id, data.codes[r])][attr] = classes[int(row.argmax())]
        if progress:
            progress(f"{lang}: fold {g} ({len(test)} units)")
    heads = {key: (v.get("role"), v.get("modality", "none")) for key, v in head_out.items()}
    return OutOfFold(lang, units, codes, scores.astype(np.float32),
                     gate_scores.astype(np.float32), [str(g) for g in groups], heads, y)


@dataclass
class Choice:
    """A gate and per-code thresholds, and the micro-F1 they reach on the units they were
    chosen on."""
    gate: float
    thresholds: np.ndarray        # (codes,)
    f1: float

    def as_dict(self, codes: list[str]) -> dict[str, float]:
        return {c: float(t) for c, t in zip(codes, self.thresholds)}


def choices(oof: OutOfFold) -> tuple[Choice, dict[str, Choice]]:
    """The gate (of ``GATES``) and per-code thresholds (of ``GRID``) that maximise F1 on
    the out-of-fold scores: over every unit, and for each fold over the units of the other
    folds (so that a fold being scored chooses neither its gate nor its thresholds).

    Per code the threshold maximises that code's F1; of the gates, the one whose codes so
    thresholded give the highest micro-F1 (ties: the lower gate). Counts are summed once
    per threshold and fold, and each fold's choice made from the totals less its own."""
    y = oof.targets.astype(bool)
    names = sorted(set(oof.folds))
    fold = np.array([names.index(f) for f in oof.folds])
    order = np.argsort(fold, kind="stable")
    starts = np.searchsorted(fold[order], np.arange(len(names)))
    y_fold = np.add.reduceat(y[order].astype(np.int64), starts, axis=0)       # (folds, codes)
    default = int(np.argmin(np.abs(GRID - DEFAULT_THRESHOLD)))
    cols = np.arange(y.shape[1])

    def pick(tp, p, yy):              # (grid, codes), (grid, codes), (codes,)
        best = np.argmax(2 * tp / np.maximum(p + yy, 1), axis=0)
        best = np.where(yy == 0, default, best)
        t, q = tp[best, cols].sum(), p[best, cols].sum()
        return GRID[best], (2 * t / (q + yy.sum()) if q + yy.sum() else 0.0)

    overall: Choice | None = None
    per_fold: dict[str, Choice] = {}
    for gate in GATES:
        probs = apply_gate(oof.scores, oof.gate_scores, gate)
        pred = probs[None, :, :] >= GRID[:, None, None]                    # (grid, units, codes)
        tp_u = pred & y[None]
        tp_all, p_all = tp_u.sum(axis=1), pred.sum(axis=1)
        tp_fold = np.add.reduceat(tp_u[:, order].astype(np.int64), starts, axis=1)
        p_fold = np.add.reduceat(pred[:, order].astype(np.int64), starts, axis=1)
        thr, f1 = pick(tp_all, p_all, y.sum(axis=0))
        if overall is None or f1 > overall.f1:
            overall = Choice(gate, thr, f1)
        for j, name in enumerate(names):
            thr, f1 = pick(tp_all - tp_fold[:, j], p_all - p_fold[:, j], y.sum(axis=0) - y_fold[j])
            if name not in per_fold or f1 > per_fold[name].f1:
                per_fold[name] = Choice(gate, thr, f1)
    assert overall is not None
    return overall, per_fold


def oof_codes(oof: OutOfFold, margin: float = 0.0,
              per_fold: dict[str, Choice] | None = None,
              otherwise: Choice | None = None) -> dict[str, set[str]]:
    """Predicted codes per unit id, each fold gated and thresholded by the other folds'
    choice (thresholds plus ``margin``; ``per_fold``: ``choices(oof)[1]`` when already made;
    ``otherwise``: the choice for a fold ``per_fold`` lacks, one no choice was made on)."""
    if per_fold is None:
        _, per_fold = choices(oof)
    out: dict[str, set[str]] = {}
    for i, u in enumerate(oof.units):
        c = per_fold.get(oof.folds[i], otherwise)
        if c is None:
            raise KeyError(f"no gate and thresholds chosen for fold {oof.folds[i]!r}")
        if oof.gate_scores[i] < c.gate:
            out[u.id] = set()
            continue
        out[u.id] = {code for k, code in enumerate(oof.codes)
                     if oof.scores[i, k] >= c.thresholds[k] + margin}
    return out


# -- the whole model --------------------------------------------------------------------
def by_language(units: Sequence[TrainingUnit]) -> dict[str, list[TrainingUnit]]:
    out: dict[str, list[TrainingUnit]] = defaultdict(list)
    for u in units:
        out[u.lang].append(u)
    return out


def train(units: Sequence[TrainingUnit], oofs: dict[str, OutOfFold] | None = None,
          progress: Callable[[str], None] | None = None, rules: Rules | None = None,
          digest: str | None = None) -> tuple[dict[str, LanguageModel], dict]:
    """Models for every language with data, the gate and thresholds chosen on the
    out-of-fold scores of leave-one-document-out (computed here unless given); the rule
    tagger's codes are features (computed here unless given)."""
    rules = rules if rules is not None else rule_codes(units)
    # ``digest``: the data's hash taken before the units were read (a file edited
    # during a long training must not be recorded as trained on)
    models, meta = {}, {"data_hash": digest or data_hash(), "ridge": RIDGE,
                        "gates": list(GATES), "languages": {}}
    for lang, mine in sorted(by_language(units).items()):
        if lang not in LANGS:
            continue
        oof = (oofs or {}).get(lang) or out_of_fold(mine, lang, progress=progress, rules=rules)
        chosen, _ = choices(oof)
        thresholds = chosen.as_dict(oof.codes)
        models[lang] = fit_language(mine, lang, oof.codes, thresholds, rules, gate=chosen.gate)
        meta["languages"][lang] = {
            "units": len(mine), "documents": len({u.doc for u in mine}),
            "positives": dict(sorted(Counter(c for u in mine for c in u.codes).items())),
            "gate": chosen.gate, "thresholds": thresholds}
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
