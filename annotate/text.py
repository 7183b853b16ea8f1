"""Text helpers shared by the components: script folding and sentence/clause splitting.

Every helper keeps character offsets: the folded text has the same length as the
original, so a match in the folded text is a span of the original.
"""
from __future__ import annotations

import hashlib
import re

from plea.corpus.vocab import to_simplified, to_traditional  # noqa: F401  (the taggers read them here)

# Typographic variants folded to ASCII so patterns need one spelling (same length).
_PUNCT = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                        "\u00a0": " ", "\u3000": " ", "\u2013": "-", "\u2014": "-"})


def fold(text: str, script_fold: str | None) -> str:
    """The form patterns are matched against: punctuation folded, Chinese in Simplified."""
    text = text.translate(_PUNCT)
    if script_fold == "t2s":
        text = to_simplified(text)
    return text


Span = tuple[int, int]


def split(text: str, boundary: re.Pattern, abbreviations: frozenset[str] = frozenset(),
          start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` after every boundary match (the match stays in the piece
    it closes). A period after an abbreviation or a single capital is not a boundary."""
    end = len(text) if end is None else end
    pieces: list[Span] = []
    cur = start
    for m in boundary.finditer(text, start, end):
        if abbreviations and text[m.start()] == "." and _abbreviated(text, m.start(), abbreviations):
            continue
        if m.end() > cur:
            pieces.append((cur, m.end()))
            cur = m.end()
    if cur < end:
        pieces.append((cur, end))
    return [(s, e) for s, e in pieces if text[s:e].strip()] or [(start, end)]


_WORD_BEFORE = re.compile(r"([\w.§]+)$")


def _abbreviated(text: str, dot: int, abbreviations: frozenset[str]) -> bool:
    m = _WORD_BEFORE.search(text, max(0, dot - 20), dot)
    if not m:
        return False
    word = m.group(1)
    if len(word) == 1 and word.isupper():
        return True                      # initials, "Fed. R. Crim. P."
    return word.lower() in abbreviations or "." in word  # "U.S", "e.g"


def digest(text: str) -> str:
    """The first 12 hex digits of the SHA-1 of ``text``: how labels and the reference
    coding recognise the text they were made on without copying it."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
