"""Which human decision counts, when a provision's code was judged more than once.

Annotations are appended, never edited, so one annotator's later decision on a
(provision, code) replaces their earlier one, and across annotators the most
recent decision stands. Where annotators' current decisions differ in kind —
one says the code is carried, another that it is not — the verdict is marked
``disputed``, so the web view can show it and agreement can count it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .model import ADDED, CONFIRMED, CORRECTED, POSITIVE, REJECTED, REVIEWED, Annotation

TAG_DECISIONS = (ADDED, CONFIRMED, CORRECTED, REJECTED)

# An annotation paired with the provision it is attached to now (None when
# orphaned): ids change between builds, so callers pass where it sits now.
Placed = tuple[Annotation, "str | None"]


@dataclass
class Verdict:
    provision_id: str
    code: str
    latest: Annotation | None = None
    by_annotator: dict[str, Annotation] = field(default_factory=dict)

    @property
    def decision(self) -> str:
        return self.latest.decision if self.latest else ""

    @property
    def carried(self) -> bool:
        return self.decision in POSITIVE

    @property
    def disputed(self) -> bool:
        return len({a.decision in POSITIVE for a in self.by_annotator.values()}) > 1


def _ordered(placed: Iterable[Placed]) -> list[Placed]:
    return sorted(placed, key=lambda p: (p[0].created, p[0].id))


def verdicts(placed: Iterable[Placed], *, annotator: str | None = None
             ) -> dict[tuple[str, str], Verdict]:
    """The standing decision per (provision, code), from one annotator or all."""
    out: dict[tuple[str, str], Verdict] = {}
    for a, pid in _ordered(placed):
        if pid is None or not a.code or a.decision not in TAG_DECISIONS:
            continue
        if annotator is not None and a.annotator != annotator:
            continue
        v = out.setdefault((pid, a.code), Verdict(pid, a.code))
        v.by_annotator[a.annotator] = a
        v.latest = a
    return out


def unit_codes(placed: Iterable[Placed], *, annotator: str | None = None
               ) -> dict[str, set[str]]:
    """Units a human judged → the codes they carry by the standing decisions.

    A unit counts as judged when it has a tag decision or a review mark; a
    judged unit's codes without a positive decision are absent."""
    placed = list(placed)
    units: dict[str, set[str]] = {}
    for a, pid in placed:
        if pid is None or (annotator is not None and a.annotator != annotator):
            continue
        if a.decision in TAG_DECISIONS or a.decision == REVIEWED:
            units.setdefault(pid, set())
    for (pid, code), v in verdicts(placed, annotator=annotator).items():
        if v.carried:
            units[pid].add(code)
    return units


def annotators(placed: Iterable[Placed]) -> list[str]:
    return sorted({a.annotator for a, pid in placed
                   if pid is not None and (a.decision in TAG_DECISIONS or a.decision == REVIEWED)})
