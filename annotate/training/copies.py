"""Written units are our own words: a check that a unit does not repeat a source text.

The written units exist to teach the tagger other wordings, and the repository holds no
source text. A unit that repeats long runs of a statute of the corpus or of the training
texts breaks both: it is a copy, and it puts a corpus text in the training data under another
document's name, so leaving its document out no longer hides it from the model.

A run is a stretch of characters with the spaces taken out (Chinese folded to Simplified
script, everything lower case): 12 characters of Chinese, 25 of English or German — long
enough that ordinary legal phrases ("the court shall", "应当依法") do not count, short
enough that a sentence copied with a changed number or word still does. A unit is a copy
when at least a fifth of its runs stand in some source text.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from ..text import to_simplified

RUN = {"zh": 12, "en": 25, "de": 25}
LIMIT = 0.2
_SPACE = re.compile(r"\s+")


def _fold(text: str) -> str:
    return to_simplified(_SPACE.sub("", text or "")).lower()


def _runs(folded: str, n: int) -> set[int]:
    # hashes, not strings: the corpus has a few million runs (hash() is stable within a process)
    return {hash(folded[i:i + n]) for i in range(len(folded) - n + 1)}


class SourceRuns:
    """The runs of every source text read so far, to ask how much of a unit repeats them."""

    def __init__(self) -> None:
        self._seen: dict[int, set[int]] = {n: set() for n in set(RUN.values())}
        self.sources = 0

    def add(self, text: str) -> None:
        folded = _fold(text)
        for n, seen in self._seen.items():
            seen |= _runs(folded, n)
        self.sources += 1

    def add_all(self, texts: Iterable[str]) -> "SourceRuns":
        for text in texts:
            self.add(text)
        return self

    def share(self, text: str, lang: str) -> float:
        """The part of the unit's runs that stand in a source text (0 for a unit shorter than
        one run)."""
        n = RUN.get(lang, RUN["en"])
        runs = _runs(_fold(text), n)
        return len(runs & self._seen[n]) / len(runs) if runs else 0.0

    def problem(self, text: str, lang: str) -> str | None:
        share = self.share(text, lang)
        if share < LIMIT:
            return None
        return (f"repeats a source text ({share:.0%} of its {RUN.get(lang, RUN['en'])}-character "
                f"runs stand in the corpus or the training texts): write it in other words")


def training_texts(root: Path | None) -> Iterable[str]:
    """Every file of ../shared/training-texts, whole (the SOURCES list included: harmless)."""
    if root is None:
        return
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path.read_text(encoding="utf-8", errors="replace")


def corpus_texts(db) -> Iterable[str]:
    """The text of every provision of a built database (a ``sqlite_utils.Database``; every
    build makes the table)."""
    if db is None:
        return
    for (text,) in db.execute("select text from provisions"):
        yield text or ""


def source_runs(texts_root: Path | None, db=None) -> SourceRuns:
    return SourceRuns().add_all(training_texts(texts_root)).add_all(corpus_texts(db))
