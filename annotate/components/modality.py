"""``plea_modality``: obligation, presumptive duty, permission or prohibition.

Modal cues are found once per text; a tag takes the modality of the nearest cue
in its clause (else its sentence). Negation is part of the cue data ("不得",
"must not", "darf … nicht", "need not"), so overlapping cues are resolved by
length: "不得" beats the "得" inside it. An exception in the same sentence
("但…除外", "unless", "es sei denn") turns an obligation into a presumptive duty.
Scholarship describes, so its tags are ``none`` unless the sentence proposes
("should", "应当建立") — labeling rule 8.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..rules import RuleSet, load_rules
from .state import DocState, char_span

ORDER = ("prohibition", "presumptive", "permission", "obligation")


class PleaModality:
    def __init__(self, lang: str):
        self.rules = load_rules(lang)

    def __call__(self, doc: Doc) -> Doc:
        state: DocState = doc._.plea
        if not state.unit_kinds and not self.rules.contextless:
            doc.spans["plea_modality"] = []      # nothing will be tagged: spare the work
            return doc
        read_modals(state)
        spans = []
        for start, end, label in state.modals:
            span = char_span(doc, start, end, label)
            if span is not None:
                spans.append(span)
        doc.spans["plea_modality"] = spans
        return doc


Modal = tuple[int, int, str]          # start, end, modality of a cue


def find_modals(rules: RuleSet, norm: str) -> list[Modal]:
    """The modal cues of a folded text, left to right; of overlapping cues the longest
    (then the one first in ``ORDER``) wins, so "不得" beats the "得" inside it."""
    found = []
    for label, rx in rules.modality.items():
        found.extend((m.start(), m.end(), label) for m in rx.finditer(norm))
    found.sort(key=lambda t: (t[0], t[0] - t[1], ORDER.index(t[2])))
    kept: list[Modal] = []
    for start, end, label in found:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, label))
    return kept


def read_modals(state: DocState) -> None:
    """Find the state's modal cues and the sentences an exception qualifies."""
    state.modals = find_modals(state.rules, state.norm)
    if state.rules.exception is not None:
        state.exception_sentences = {state.sentence_of(m.start())
                                     for m in state.rules.exception.finditer(state.norm)}


def modality_at(state: DocState, start: int, end: int) -> str:
    """The modality governing the evidence [start, end)."""
    si = state.sentence_of(start)
    s_start, s_end = state.sentences[si]
    if state.kind == "scholarship":
        proposal = state.rules.proposal
        return ("obligation" if proposal is not None and proposal.search(state.norm, s_start, s_end)
                else "none")
    best, _ = governing(state.modals, start, end, (s_start, s_end), state.clause_of(start),
                        si in state.exception_sentences)
    return best or "none"


def governing(modals: list[Modal], start: int, end: int, sentence: tuple[int, int],
              clause: tuple[int, int], exception: bool) -> tuple[str | None, str | None]:
    """The modality governing the evidence [start, end), and the nearest cue's in its
    clause alone: the clause's nearest cue, else the last cue before the evidence in the
    sentence, else the first after it; an exception in the sentence ("但…除外", "unless")
    makes an obligation presumptive. ``None`` where no cue stands."""
    s_start, s_end = sentence
    in_clause = nearest(modals, start, end, *clause)
    best = in_clause
    if best is None:
        preceding = [m for m in modals if s_start <= m[0] and m[1] <= start]
        following = [m for m in modals if m[0] >= end and m[1] <= s_end]
        best = preceding[-1][2] if preceding else (following[0][2] if following else None)
    if best == "obligation" and exception:
        best = "presumptive"
    return best, in_clause


def nearest(modals: list[Modal], start: int, end: int, lo: int, hi: int) -> str | None:
    """The modality of the cue in [lo, hi) nearest to the evidence [start, end)."""
    best, best_dist = None, None
    for m_start, m_end, label in modals:
        if m_start < lo or m_end > hi:
            continue
        dist = start - m_end if m_end <= start else (m_start - end if m_start >= end else 0)
        # On equal distance the cue before the evidence governs it ("应当告知", "must inform").
        key = (dist, 0 if m_end <= start else 1)
        if best_dist is None or key < best_dist:
            best, best_dist = label, key
    return best


@Language.factory("plea_modality", default_config={"lang": "en"})
def make_plea_modality(nlp: Language, name: str, lang: str) -> PleaModality:
    return PleaModality(lang)
