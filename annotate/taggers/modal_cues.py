"""What the rules' modal cues say about an evidence span, as features of the modality head.

The learned modality head reads the n-grams around a tag's evidence; it cannot tell which
"shall" or 可以 governs the span when several stand nearby. The rule tagger's reading can
(``components.modality.governing``: the nearest cue in the span's clause, else the last
before it in the sentence, an exception turning a duty into a presumptive one), but it decides
alone only where the rules fired. Given to the head as features for every span, it lifts
leave-one-document-out modality accuracy from 0.769 / 0.677 / 0.649 to 0.801 / 0.710 /
0.663 (zh / en / de, 13,021 units; README, "Figures").
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..components.modality import ORDER, Modal, find_modals, governing
from ..rules import RuleSet, load_rules
from ..text import Span, fold, split

CLASSES = ("none",) + ORDER
# one-hot of the sentence's reading, one-hot of the clause's nearest cue, exception present
WIDTH = 2 * len(CLASSES) + 1


class _Read:
    """One text folded and split once, read at many spans."""

    def __init__(self, rules: RuleSet, text: str):
        self.rules = rules
        self.norm = fold(text, rules.script_fold)
        self.sentences: list[Span] = split(self.norm, rules.sentence_boundary,
                                           rules.abbreviations) or [(0, len(self.norm))]
        self.modals: list[Modal] = find_modals(rules, self.norm)

    def features(self, start: int, end: int) -> np.ndarray:
        s0, s1 = next(((s, e) for s, e in self.sentences if s <= start < e), self.sentences[-1])
        clauses = split(self.norm, self.rules.clause_boundary, start=s0, end=s1)
        c0, c1 = next(((s, e) for s, e in clauses if s <= start < e), (s0, s1))
        exception = (self.rules.exception is not None
                     and self.rules.exception.search(self.norm, s0, s1) is not None)
        best, in_clause = governing(self.modals, start, end, (s0, s1), (c0, c1), exception)
        out = np.zeros(WIDTH, np.float32)
        out[CLASSES.index(best or "none")] = 1.0
        out[len(CLASSES) + CLASSES.index(in_clause or "none")] = 1.0
        out[-1] = float(exception)
        return out


def cue_features(spans: Sequence[tuple[str, int, int]], lang: str) -> np.ndarray:
    """A row of ``WIDTH`` features for each (text, evidence start, end); a text met
    again is not folded or searched again."""
    rules = load_rules(lang)
    read: dict[str, _Read] = {}
    out = np.zeros((len(spans), WIDTH), np.float32)
    for r, (text, start, end) in enumerate(spans):
        reader = read.get(text)
        if reader is None:
            reader = read[text] = _Read(rules, text)
        out[r] = reader.features(start, end)
    return out
