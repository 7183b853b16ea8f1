"""The brief's model: what a brief holds, independent of any format.

The assembly (assemble.py) fills it from a database; each renderer (markdown.py,
html.py, docx.py) turns it into one format.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml

from plea.annotate.compare import CodeInfo, Contrast
from plea.corpus.errors import PleaError

FORMATS = ("md", "html", "docx")
MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
PRIMARY_KINDS = ("statute", "court-rule")
STANCE_TITLES = {"critique": "Critiques", "proposal": "Proposals"}
BIBLIOGRAPHY_STYLE = "chicago-author-date"   # the scholarship's entries (CSL, citeproc-py)


class BriefError(PleaError, ValueError):
    """A request the brief cannot serve (unknown code, dimension, jurisdiction or format)."""


# -- model ---------------------------------------------------------------------------

@dataclass
class Quote:
    provision_id: str
    citation: str
    text: str
    lang: str
    jurisdiction: str
    source_id: str
    roles: list[str] = field(default_factory=list)
    modalities: list[str] = field(default_factory=list)
    pinned: bool = False
    note: int = 0
    translation: Quote | None = None
    repeat: bool = False        # quoted in full earlier in the brief: referred to here


@dataclass
class Claim:
    id: str
    stance: str
    text: str
    source_id: str
    provision_id: str
    citation: str
    lang: str
    jurisdiction: str
    cites: list[dict] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)      # citations of provisions it would change
    note: int = 0


@dataclass
class CodeSection:
    info: CodeInfo
    law: dict[str, list[Quote]]
    contrasts: list[Contrast]
    critiques: list[Claim]
    proposals: list[Claim]


@dataclass
class Note:
    text: str
    corpus_id: str

    def plain(self) -> str:
        return f"{self.text} Corpus id: {self.corpus_id}."


@dataclass
class SummaryTable:
    """One dimension at a glance: a row per code, a cell per jurisdiction."""
    title: str
    jurisdictions: list[str]
    rows: list[tuple[str, list[str]]]


@dataclass
class Brief:
    title: str
    jurisdictions: list[str]
    sections: list[CodeSection]
    extra: list[Quote]
    notes: list[Note]
    bibliography_law: list[str]
    bibliography_scholarship: list[str]
    warnings: list[str]
    generated: str
    summary: list[SummaryTable] = field(default_factory=list)

    def quotes(self) -> Iterable[Quote]:
        """Every quotation in full (a provision referred to again is not one)."""
        for section in self.sections:
            for quotes in section.law.values():
                for q in quotes:
                    if q.repeat:
                        continue
                    yield q
                    if q.translation:
                        yield q.translation
        for q in self.extra:
            yield q

    def claims(self) -> Iterable[Claim]:
        for section in self.sections:
            yield from section.critiques
            yield from section.proposals



BRIEF_WORDS = Path(__file__).resolve().parents[1] / "data" / "brief_words.yaml"


@lru_cache(maxsize=1)
def brief_words() -> dict:
    """Plain words for roles, modalities and the summary (data/brief_words.yaml)."""
    return yaml.safe_load(BRIEF_WORDS.read_text(encoding="utf-8"))


def attrs_line(q: Quote) -> str:
    """What the provision makes the subject and with what force, in plain words
    (data/brief_words.yaml): " (party to the agreement; must)"."""
    words = brief_words()
    bits = []
    roles = [words["roles"].get(r, r) for r in q.roles]
    mods = [words["modalities"].get(m, m) for m in q.modalities if m != "none"]
    if roles:
        bits.append(", ".join(roles))
    if mods:
        bits.append(" / ".join(mods))
    if q.pinned:
        bits.append("selected")
    return f" ({'; '.join(bits)})" if bits else ""

