"""The learned tagger: per-language linear classifiers trained by ``plea train``.

For each language a :class:`LanguageModel` holds the featurizer, one ridge-regression
weight vector per code with a threshold chosen by cross-validation, and two small
classifiers for a tag's role and modality read from the words around its evidence.
The model is plain data (``model/<lang>.npz`` plus ``model/meta.json``), shipped in the
package; nothing is downloaded or pickled.

Evidence for a code is the clause holding the n-gram that pushed that code's score
furthest, so a scholar sees why the code was given.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .base import BaseTagger, Tag, TaggingError, Unit
from ..text import to_simplified
from .features import Featurizer, lead_text
from .modal_cues import cue_features

MODEL_DIR = Path(__file__).resolve().parent / "model"
WINDOW = {"zh": 16, "en": 60, "de": 60}
_CLAUSE = re.compile(r"[，,；;。.:：!?！？\n]")


def window(text: str, start: int, end: int, lang: str) -> str:
    """The words around an evidence span, what role and modality are read from."""
    w = WINDOW.get(lang, 40)
    return text[max(0, start - w):min(len(text), end + w)]


@dataclass
class Head:
    """A one-vs-rest linear classifier over the featurizer's space, code one-hots and
    (for modality) the rule cues' reading of the span (``modal_cues``)."""
    classes: list[str]
    codes: list[str]
    weights: np.ndarray          # (classes, features + codes + cues)
    bias: np.ndarray
    cues: int = 0                # width of the trailing cue block (0: the head reads none)

    def predict_many(self, x: sp.csr_matrix, codes: list[str],
                     cues: np.ndarray | None = None) -> list[str]:
        """The class of each row (row ``r`` read for ``codes[r]``), in one product;
        ``cues``: the rows' cue features, when the head reads them."""
        if len(self.classes) == 1:
            return [self.classes[0]] * len(codes)
        n = x.shape[1]
        index = {c: i for i, c in enumerate(self.codes)}
        onehot_part = np.zeros((len(codes), len(self.classes)), dtype=np.float32)
        for r, code in enumerate(codes):
            if code in index:
                onehot_part[r] = self.weights[:, n + index[code]]
        scores = np.asarray(x @ self.weights[:, :n].T) + onehot_part + self.bias
        if self.cues:
            if cues is None:
                raise TaggingError("this modality head reads the rule cues: pass them")
            start = n + len(self.codes)
            scores += cues @ self.weights[:, start:start + self.cues].T
        return [self.classes[int(k)] for k in scores.argmax(axis=1)]


@dataclass
class LanguageModel:
    lang: str
    featurizer: Featurizer
    codes: list[str]
    weights: np.ndarray          # (codes, features)
    bias: np.ndarray
    thresholds: np.ndarray
    role: Head | None
    modality: Head | None
    # "does this unit carry any code": (weights, bias, threshold); a unit below the
    # threshold gets no code, so codes are read only where the model sees plea context
    gate: tuple[np.ndarray, float, float] | None = None

    @property
    def needs_rules(self) -> bool:
        return bool(self.featurizer.rule_codes)

    def scores(self, units: list[Unit], rules: list[set[str]] | None = None
               ) -> tuple[sp.csr_matrix, np.ndarray]:
        """Features and per-code scores (about 0 for absent, 1 for present); ``rules``:
        the rule tagger's codes for each unit, when the model reads them."""
        x = self.featurizer.transform([u.text for u in units],
                                      [lead_text(u.context, u.heading) for u in units], rules)
        scores = np.asarray(x @ self.weights.T) + self.bias
        if self.gate is not None:
            weights, bias, threshold = self.gate
            scores[np.asarray(x @ weights).ravel() + bias < threshold] = 0.0
        return x, scores

    def evidence(self, unit: Unit, x_row: sp.csr_matrix, k: int) -> tuple[int, int]:
        """The clause around the n-gram or word of the unit's own text that contributed
        most to code ``k``; the whole unit when none of the strongest is found in it."""
        text = unit.text
        cols, vals = x_row.indices, x_row.data
        contrib = vals * self.weights[k, cols]
        order = np.argsort(-contrib)
        # the unit's own n-grams and words, strongest first; lead-in and rule columns
        # are not in the text, and a word n-gram ("plea agreement") is as good a witness
        # as a character one
        for j in order[:12]:
            if contrib[j] <= 0:
                break
            block, term = self.featurizer.feature_name(int(cols[j]))
            if block not in ("body", "words"):
                continue
            term = term.strip()
            at = _find(text, term, self.lang)
            if at is not None:
                return _clause(text, at, at + len(term))
        return 0, len(text)

    @classmethod
    def load(cls, path: Path) -> "LanguageModel":
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            featurizer = Featurizer.from_data(json.loads(str(data["featurizer"])))
            heads = {}
            for name in ("role", "modality"):
                if f"{name}_weights" in data:
                    h = meta["heads"][name]
                    heads[name] = Head(h["classes"], h["codes"],
                                       data[f"{name}_weights"].astype(np.float32),
                                       data[f"{name}_bias"].astype(np.float32),
                                       h.get("cues", 0))
            gate = None
            if "gate_weights" in data:
                bias, threshold = (float(v) for v in data["gate"])
                gate = (data["gate_weights"].astype(np.float32), bias, threshold)
            return cls(meta["lang"], featurizer, meta["codes"],
                       data["weights"].astype(np.float32), data["bias"].astype(np.float32),
                       data["thresholds"].astype(np.float32), heads.get("role"),
                       heads.get("modality"), gate)

    def save(self, path: Path) -> None:
        meta = {"lang": self.lang, "codes": self.codes, "heads": {}}
        arrays = {"weights": self.weights.astype(np.float16), "bias": self.bias,
                  "thresholds": self.thresholds}
        for name, head in (("role", self.role), ("modality", self.modality)):
            if head is not None:
                meta["heads"][name] = {"classes": head.classes, "codes": head.codes,
                                       "cues": head.cues}
                arrays[f"{name}_weights"] = head.weights.astype(np.float16)
                arrays[f"{name}_bias"] = head.bias
        if self.gate is not None:
            arrays["gate_weights"] = np.asarray(self.gate[0]).astype(np.float16)
            arrays["gate"] = np.array(self.gate[1:], dtype=np.float32)
        arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
        arrays["featurizer"] = np.array(json.dumps(self.featurizer.to_data(), ensure_ascii=False))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:          # np.savez_compressed adds no timestamp: reproducible
            np.savez_compressed(fh, **arrays)


def _find(text: str, term: str, lang: str) -> int | None:
    """Where a feature's term (lower case; Chinese in Simplified script) occurs in
    ``text``; the text is folded the same way when folding keeps its offsets."""
    folded = to_simplified(text) if lang == "zh" else text.lower()
    if len(folded) != len(text):
        folded = text
    at = folded.find(term) if term else -1
    return at if at >= 0 else None


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    m = _CLAUSE.search(text, end)
    right = m.start() if m else len(text)
    while left < right and text[left].isspace():
        left += 1
    return (left, right) if right > left else (start, end)


@lru_cache(maxsize=4)
def load_models(directory: str = str(MODEL_DIR)) -> dict[str, LanguageModel]:
    folder = Path(directory)
    models = {}
    for path in sorted(folder.glob("*.npz")):
        model = LanguageModel.load(path)
        models[model.lang] = model
    return models


def model_meta(directory: Path = MODEL_DIR) -> dict:
    path = directory / "meta.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


class LearnedTagger(BaseTagger):
    """Codes from the trained classifiers; role and modality from their small heads."""

    name = "learned"

    def __init__(self, taxonomy=None, models: dict[str, LanguageModel] | None = None):
        super().__init__(taxonomy)
        self.models = models if models is not None else load_models()
        if models is None and not self.models:
            raise TaggingError(f"no trained model in {MODEL_DIR}: run `plea train`")

    def tag_resolved(self, chunk: list[Unit], langs: list[str]) -> list[list[Tag]]:
        results: list[list[Tag]] = [[] for _ in chunk]
        for lang in sorted(set(langs)):
            model = self.models.get(lang)
            index = [i for i, l in enumerate(langs) if l == lang and chunk[i].text.strip()]
            if model is None or not index:
                continue
            units = [chunk[i] for i in index]
            rules = None
            if model.needs_rules:
                from .rule import RuleTagger
                rules = [{t.code for t in tags}
                         for tags in RuleTagger.shared().tag_resolved(units, [lang] * len(units))]
            x, probs = model.scores(units, rules)
            found = []                 # (row, code, start, end, confidence)
            for row in range(len(units)):
                for k in np.flatnonzero(probs[row] >= model.thresholds):
                    start, end = model.evidence(units[row], x[row], k)
                    found.append((row, model.codes[k], start, end,
                                  float(np.clip(probs[row, k], 0.0, 1.0))))
            heads = self.heads(model, [(units[r], c, s, e) for r, c, s, e, _ in found])
            for (row, code, start, end, confidence), (role, modality) in zip(found, heads):
                results[index[row]].append(self.tag_with(units[row], code, start, end,
                                                         confidence, role, modality))
        return results

    def tag_with(self, unit: Unit, code: str, start: int, end: int, confidence: float,
                 role: str | None, modality: str) -> Tag:
        return Tag(code=code, dimension=self.taxonomy.dimension_of(code), start=start, end=end,
                   text=unit.text[start:end], role=role, modality=modality, method=self.name,
                   rule_id=f"learned:{code}", confidence=round(confidence, 3))

    def make_tag(self, model: LanguageModel, unit: Unit, code: str, start: int, end: int,
                 confidence: float) -> Tag:
        role, modality = self.role_and_modality(model, unit, code, start, end)
        return self.tag_with(unit, code, start, end, confidence, role, modality)

    def heads(self, model: LanguageModel, requests: list[tuple[Unit, str, int, int]]
              ) -> list[tuple[str | None, str]]:
        """Role and modality for many (unit, code, evidence start, end) at once: the
        windows are featurized in one call, which is most of what a head costs."""
        if not requests:
            return []
        windows = [window(u.text, s, e, model.lang) for u, _, s, e in requests]
        xw = model.featurizer.transform(windows, [""] * len(windows))
        codes = [c for _, c, _, _ in requests]
        modalities = ["none"] * len(codes)
        if model.modality is not None:
            cues = (cue_features([(u.text, s, e) for u, _, s, e in requests], model.lang)
                    if model.modality.cues else None)
            modalities = model.modality.predict_many(xw, codes, cues)
        subject_rows = [r for r, c in enumerate(codes) if c.startswith("subjects.")]
        roles: list[str | None] = [None] * len(codes)
        if model.role is not None and subject_rows:
            for r, role in zip(subject_rows, model.role.predict_many(
                    xw[subject_rows], [codes[r] for r in subject_rows])):
                roles[r] = role
        return list(zip(roles, modalities))

    def role_and_modality(self, model: LanguageModel, unit: Unit, code: str, start: int,
                          end: int) -> tuple[str | None, str]:
        return self.heads(model, [(unit, code, start, end)])[0]
