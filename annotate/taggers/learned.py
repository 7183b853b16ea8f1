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

from corpus import paths

from .base import BaseTagger, Tag, TaggingError, Unit
from ..text import to_simplified
from .features import Featurizer, lead_text

MODEL_DIR = paths.MODEL_DIR
WINDOW = {"zh": 16, "en": 60, "de": 60}
_CLAUSE = re.compile(r"[，,；;。.:：!?！？\n]")


def window(text: str, start: int, end: int, lang: str) -> str:
    """The words around an evidence span, what role and modality are read from."""
    w = WINDOW.get(lang, 40)
    return text[max(0, start - w):min(len(text), end + w)]


@dataclass
class Head:
    """A one-vs-rest linear classifier over the featurizer's space plus code one-hots."""
    classes: list[str]
    codes: list[str]
    weights: np.ndarray          # (classes, features + codes)
    bias: np.ndarray

    def predict(self, x: sp.csr_matrix, code: str) -> tuple[str, float]:
        if len(self.classes) == 1:
            return self.classes[0], 1.0
        onehot = np.zeros(len(self.codes), dtype=np.float32)
        if code in self.codes:
            onehot[self.codes.index(code)] = 1.0
        n = x.shape[1]
        scores = np.asarray(x @ self.weights[:, :n].T).ravel() + \
            self.weights[:, n:] @ onehot + self.bias
        k = int(scores.argmax())
        return self.classes[k], float(np.clip(scores[k], 0.0, 1.0))


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

    @property
    def needs_rules(self) -> bool:
        return bool(self.featurizer.rule_codes)

    def scores(self, units: list[Unit], rules: list[set[str]] | None = None
               ) -> tuple[sp.csr_matrix, np.ndarray]:
        """Features and per-code scores (about 0 for absent, 1 for present); ``rules``:
        the rule tagger's codes for each unit, when the model reads them."""
        x = self.featurizer.transform([u.text for u in units],
                                      [lead_text(u.context, u.heading) for u in units], rules)
        return x, np.asarray(x @ self.weights.T) + self.bias

    def evidence(self, unit: Unit, x_row: sp.csr_matrix, k: int) -> tuple[int, int]:
        """The clause around the body n-gram that contributed most to code ``k``."""
        text = unit.text
        body = self.featurizer.blocks[0]
        n_body = len(body.vectorizer.vocabulary_)
        cols, vals = x_row.indices, x_row.data
        contrib = vals * self.weights[k, cols]
        order = np.argsort(-contrib)
        for j in order[:5]:
            col = int(cols[j])
            if col >= n_body or contrib[j] <= 0:
                continue
            _, term = self.featurizer.feature_name(col)
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
                                       data[f"{name}_bias"].astype(np.float32))
            return cls(meta["lang"], featurizer, meta["codes"],
                       data["weights"].astype(np.float32), data["bias"].astype(np.float32),
                       data["thresholds"].astype(np.float32), heads.get("role"),
                       heads.get("modality"))

    def save(self, path: Path) -> None:
        meta = {"lang": self.lang, "codes": self.codes, "heads": {}}
        arrays = {"weights": self.weights.astype(np.float16), "bias": self.bias,
                  "thresholds": self.thresholds}
        for name, head in (("role", self.role), ("modality", self.modality)):
            if head is not None:
                meta["heads"][name] = {"classes": head.classes, "codes": head.codes}
                arrays[f"{name}_weights"] = head.weights.astype(np.float16)
                arrays[f"{name}_bias"] = head.bias
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
            for row, i in enumerate(index):
                results[i] = self._tags(model, units[row], x[row], probs[row])
        return results

    def _tags(self, model: LanguageModel, unit: Unit, x_row, probs) -> list[Tag]:
        tags = []
        for k in np.flatnonzero(probs >= model.thresholds):
            code = model.codes[k]
            start, end = model.evidence(unit, x_row, k)
            tags.append(self.make_tag(model, unit, code, start, end,
                                      float(np.clip(probs[k], 0.0, 1.0))))
        return tags

    def make_tag(self, model: LanguageModel, unit: Unit, code: str, start: int, end: int,
                 confidence: float, heads: tuple[str | None, str] | None = None) -> Tag:
        """``heads``: the role and modality when the caller has asked for them already."""
        role, modality = heads or self.role_and_modality(model, unit, code, start, end)
        return Tag(code=code, dimension=self.taxonomy.dimension_of(code), start=start, end=end,
                   text=unit.text[start:end], role=role, modality=modality, method=self.name,
                   rule_id=f"learned:{code}", confidence=round(confidence, 3))

    def role_and_modality_many(self, model: LanguageModel,
                               asks: list[tuple[Unit, str, int, int]]
                               ) -> list[tuple[str | None, str]]:
        """:meth:`role_and_modality` of many (unit, code, start, end), with one featurizer
        call; each row is transformed on its own, so the answers are the same."""
        if not asks:
            return []
        xw = model.featurizer.transform(
            [window(unit.text, start, end, model.lang) for unit, _, start, end in asks],
            [""] * len(asks))
        out = []
        for row, (_, code, _, _) in enumerate(asks):
            x = xw[row]
            role = None
            if code.startswith("subjects.") and model.role is not None:
                role = model.role.predict(x, code)[0]
            modality = "none"
            if model.modality is not None:
                modality = model.modality.predict(x, code)[0]
            out.append((role, modality))
        return out

    def role_and_modality(self, model: LanguageModel, unit: Unit, code: str, start: int,
                          end: int) -> tuple[str | None, str]:
        near = window(unit.text, start, end, model.lang)
        xw = model.featurizer.transform([near], [""])
        role = None
        if code.startswith("subjects.") and model.role is not None:
            role = model.role.predict(xw, code)[0]
        modality = "none"
        if model.modality is not None:
            modality = model.modality.predict(xw, code)[0]
        return role, modality
