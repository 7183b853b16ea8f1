"""The default tagger: the learned classifiers decide the codes, the rules explain them.

For each code the learned model gives, the rule tagger's hit on the same code (if it
found one) supplies the evidence span, and its role and modality where cross-validation
showed the rules to be right for that code (``meta.json``: ``role_source`` and
``modality_source``, "rule" or "learned"); otherwise the learned heads decide. Codes the
learned model has no classifier for in a language (too few training units) come from
the rules alone. Rule hits on codes the classifiers reject are dropped: that is where
the rules over-fire on words out of context (§ 66 StPO's *Verständigung*).

Whole codes (the build): most units of a statute carry nothing — far more than in the
hand-labelled data, where a third do — and at the training data's rate the classifiers
tagged 2,900 corpus units, most wrongly. So the build asks for the tagger's corpus form
(:meth:`BaseTagger.for_corpus`): a code the classifier gives where the rules see no plea
context at all (no plea, fast-track or duty-lawyer words in the unit, its lead-in or its
headings) must clear its threshold by ``MARGIN``; it still finds plea context said in
other words when it is sure of it (on leave-one-document-out precision 0.77, recall 0.46).
The learned classifiers carry their own gate too (a unit's "any code" score, see
``plea.annotate.training.train``), learned from data rather than from cue words. Units a person
chose to tag (``plea tag``) are read without the margin.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..rules import load_rules
from .base import BaseTagger, Tag, TaggingError, Unit
from .learned import LearnedTagger, model_meta
from .rule import RuleTagger


MARGIN = 0.2
COURT_EFFECT = "consequences.court_effect"


@dataclass
class _Ask:
    """A tag whose role and/or modality the learned heads give (asked in one batch)."""
    result: int
    position: int
    unit: Unit
    code: str
    start: int
    end: int
    role: bool
    modality: bool


def gated(score: float, threshold: float, kinds: set[str], margin: float = MARGIN) -> bool:
    """Whether a learned code stands: over its threshold, and over threshold + ``margin``
    where the rules found no plea context."""
    return score >= threshold + (0.0 if kinds else margin)


class CombinedTagger(BaseTagger):
    name = "combined"

    def __init__(self, taxonomy=None, learned: LearnedTagger | None = None,
                 rule: RuleTagger | None = None, meta: dict | None = None,
                 margin: float = 0.0):
        super().__init__(taxonomy)
        self.margin = margin
        if learned is None:
            try:
                learned = LearnedTagger(self.taxonomy)
            except TaggingError:        # no trained model (a checkout mid-training): rules only
                learned = LearnedTagger(self.taxonomy, models={})
        self.learned = learned
        self.rule = rule or RuleTagger(self.taxonomy)
        meta = meta if meta is not None else model_meta()
        self.meta = meta
        self.role_source: dict[str, dict[str, str]] = meta.get("role_source", {})
        self.modality_source: dict[str, dict[str, str]] = meta.get("modality_source", {})

    def for_corpus(self) -> "CombinedTagger":
        """The same tagger with the no-context gate, for tagging whole codes."""
        return CombinedTagger(self.taxonomy, self.learned, self.rule, self.meta, margin=MARGIN)

    def tag_resolved(self, chunk: list[Unit], langs: list[str]) -> list[list[Tag]]:
        analysed = self.rule.analyse(chunk, langs)
        ruled = [tags for tags, _ in analysed]
        contexts = [kinds for _, kinds in analysed]
        results: list[list[Tag]] = [[] for _ in chunk]
        for lang in sorted(set(langs)):
            model = self.learned.models.get(lang)
            index = [i for i, l in enumerate(langs) if l == lang and chunk[i].text.strip()]
            if model is None:
                for i in index:
                    results[i] = [t.but(method=self.name) for t in ruled[i]]
                continue
            if not index:
                continue
            units = [chunk[i] for i in index]
            x, probs = model.scores(units, [{t.code for t in ruled[i]} for i in index])
            known = set(model.codes)
            asks: list[_Ask] = []
            for row, i in enumerate(index):
                results[i] = self._merge(model, units[row], x, row, probs[row], ruled[i], known,
                                         contexts[i], asks, i)
            # role and modality from the learned heads, all of this language's at once
            heads = self.learned.heads(model, [(a.unit, a.code, a.start, a.end) for a in asks])
            for a, (role, modality) in zip(asks, heads):
                tag = results[a.result][a.position]
                results[a.result][a.position] = tag.but(
                    role=role if a.role else tag.role,
                    modality=modality if a.modality else tag.modality)
        return results

    def _merge(self, model, unit: Unit, x, row: int, probs, ruled: list[Tag], known: set[str],
               kinds: set[str], asks: list["_Ask"], result: int) -> list[Tag]:
        by_code: dict[str, list[Tag]] = {}
        for t in ruled:
            by_code.setdefault(t.code, []).append(t)
        out = []
        for k in np.flatnonzero(probs >= model.thresholds):
            code = model.codes[k]
            if not gated(float(probs[k]), float(model.thresholds[k]), kinds, self.margin):
                continue
            confidence = round(float(np.clip(probs[k], 0.0, 1.0)), 3)
            hits = by_code.get(code, [])
            hit = hits[0] if len(hits) == 1 else (
                _nearest(hits, *model.evidence(unit, x[row], k)) if hits else None)
            subject = code.startswith("subjects.")
            if hit is None:
                start, end = model.evidence(unit, x[row], k)   # rows sliced only here
                said = _binding(model.lang, unit.text) if code == COURT_EFFECT else None
                asks.append(_Ask(result, len(out), unit, code, start, end, subject, said is None))
                out.append(self.learned.tag_with(unit, code, start, end, confidence, None,
                                                 said or "none").but(method=self.name))
                continue
            said = _binding(model.lang, unit.text) if code == COURT_EFFECT else None
            use_role = subject and self._source(self.role_source, model.lang, code) == "learned"
            use_modality = (said is None
                            and self._source(self.modality_source, model.lang, code) == "learned")
            if use_role or use_modality:
                asks.append(_Ask(result, len(out), unit, code, hit.start, hit.end, use_role,
                                 use_modality))
            out.append(hit.but(role=hit.role if subject else None, modality=said or hit.modality,
                               method=self.name, confidence=confidence))
        # codes without a classifier in this language: the rules alone
        out += [t.but(method=self.name) for t in ruled if t.code not in known]
        return out

    @staticmethod
    def _source(table: dict[str, dict[str, str]], lang: str, code: str) -> str:
        return table.get(lang, {}).get(code, "rule")


def _binding(lang: str, text: str) -> str | None:
    """The modality a binding-effect cue of the unit states (``binding`` in the pattern
    file: "binds the court" an obligation, "does not bind the court" a permission), or None.

    Labelling rule 11 fixes the court-effect modality by these words, so where they stand
    they decide it, even for a language whose court-effect modality the learned head gives
    by cross-validation: the head reads the words around the evidence and can take Rule
    11(c)(1)(C)'s "binds the court once the court accepts" for a permission. Several
    different cues in one unit (a unit contrasting two kinds of agreement): no decision."""
    found = {label for label, rx in load_rules(lang).binding.items() if rx.search(text)}
    return found.pop() if len(found) == 1 else None


def _nearest(hits: list[Tag], start: int, end: int) -> Tag:
    """Of several rule hits for one code, the one where the model finds the code: the hit
    overlapping the model's evidence span, else the closest to it (ties: the first). In
    "对于…量刑建议，一般应当采纳" the court-effect rule fires on 依法作出判决 and on 采纳;
    the model's evidence is 一般应当采纳, so 采纳 — and the presumptive modality read
    around it — is the tag."""
    def distance(t: Tag) -> int:
        return 0 if t.start < end and start < t.end else min(abs(t.start - end), abs(start - t.end))
    return min(hits, key=distance)
