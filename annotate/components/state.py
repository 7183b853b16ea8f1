"""What the components learn about one text, kept on ``doc._.plea``.

The components work on character offsets of the folded text (same length as
``doc.text``) and publish spans in ``doc.spans``; this object carries what the
later components need from the earlier ones.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from ..rules import RuleSet

Span_ = tuple[int, int]

if not Doc.has_extension("plea_input"):
    # Set before the pipeline runs: {"context": lead-in text or None, "kind": "scholarship"|None}
    Doc.set_extension("plea_input", default=None)
if not Doc.has_extension("plea"):
    Doc.set_extension("plea", default=None)
if not Span.has_extension("plea"):
    # Per-span details (exact offsets, role, modality, rule id, confidence).
    Span.set_extension("plea", default=None)


@dataclass
class Mention:
    start: int
    end: int
    codes: tuple[str, ...]
    sentence: int
    group: int = -1
    role: str | None = None          # a codebook role, "default", or None (no role found)
    role_rule: str | None = None


@dataclass
class Hit:
    code: str
    start: int
    end: int
    rule_id: str
    confidence: float
    role: str | None = None
    modality: str = "none"


@dataclass
class DocState:
    rules: RuleSet
    text: str                                 # doc.text (spaCy rebuilds it on every access)
    norm: str
    sentences: list[Span_]
    clauses: list[Span_]
    sentence_kinds: list[set[str]]            # context kinds per sentence, inherited ones included
    inherited: set[str]                       # kinds found in the lead-in / heading given
    lead: str = ""                            # folded lead-in text
    kind: str | None = None                   # "scholarship" switches modality to descriptive
    mentions: list[Mention] = field(default_factory=list)
    modals: list[tuple[int, int, str]] = field(default_factory=list)
    exception_sentences: set[int] = field(default_factory=set)
    hits: list[Hit] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sent_starts = [s for s, _ in self.sentences]
        self._clause_starts = [s for s, _ in self.clauses]

    @property
    def unit_kinds(self) -> set[str]:
        out = set(self.inherited)
        for kinds in self.sentence_kinds:
            out |= kinds
        return out

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect_right(self._sent_starts, pos) - 1)

    def clause_of(self, pos: int) -> Span_:
        i = max(0, bisect_right(self._clause_starts, pos) - 1)
        return self.clauses[i] if self.clauses else (0, len(self.norm))


def char_span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    """The token span covering [start, end) (spans must be token-aligned)."""
    return doc.char_span(start, end, label=label, alignment_mode="expand")
