"""Cutting source text into segments for highlighting, without ever producing HTML.

Templates render each segment with Jinja's autoescape, so a highlight is only a
list of plain strings with the spans that cover them: the source text is never
marked safe. Two uses:

* tags and references: character offsets (``start``/``end`` into the text) →
  segments, each carrying the spans that cover it (spans may overlap);
* search hits: the user's query is matched against the *original* text (the FTS
  column holds Han characters spaced out and folded to Simplified script, so its
  offsets are useless here) and a snippet is cut around the first hit.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Sequence

from corpus.search import fold

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_HAN_RUN = re.compile(f"[{_HAN}]+")
# The same splitting as corpus.search.fts_query: whitespace, or a "quoted phrase".
_QUERY_BITS = re.compile(r'\s+|(".*?")')


@dataclass
class Segment:
    text: str
    spans: list[Any] = field(default_factory=list)   # whatever covers this piece


def segments(text: str, spans: Sequence[Any], *, start=lambda s: s["start"],
             end=lambda s: s["end"]) -> list[Segment]:
    """Cut ``text`` at every span boundary; each piece lists the spans covering it.

    Spans outside the text or empty are ignored, so a stale offset never breaks
    a page: it just highlights nothing.
    """
    n = len(text)
    good = []
    for s in spans:
        a, b = start(s), end(s)
        if isinstance(a, int) and isinstance(b, int) and 0 <= a < b <= n:
            good.append((a, b, s))
    if not good:
        return [Segment(text)] if text else []
    cuts = sorted({0, n, *(a for a, _, _ in good), *(b for _, b, _ in good)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [s for (sa, sb, s) in good if sa <= a and b <= sb]
        out.append(Segment(text[a:b], covering))
    return out


# -- search hits ---------------------------------------------------------------
def _search_form(text: str) -> str:
    """Text folded the way the index folds it, with the same length as ``text``
    (so positions carry over): Traditional → Simplified, lower case, no accents."""
    folded = fold(text)
    if len(folded) != len(text):   # a multi-character conversion: fold one by one
        folded = "".join(c2 if len(c2 := fold(c)) == 1 else c for c in text)
    return "".join(_plain_char(c) for c in folded)


def _plain_char(c: str) -> str:
    if c.isascii():
        return c.lower()
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


def query_terms(query: str) -> list[tuple[str, str]]:
    """The pieces of a query to look for: ("han", 协商) or ("word", agreement)."""
    terms: list[tuple[str, str]] = []
    for bit in _QUERY_BITS.split(query or ""):
        if not bit:
            continue
        bit = bit.strip('"')
        form = _search_form(bit)
        for m in re.finditer(f"[{_HAN}]+|\\w+", form):
            kind = "han" if _HAN_RUN.fullmatch(m.group()) else "word"
            if (kind, m.group()) not in terms:
                terms.append((kind, m.group()))
    return terms


def _word_pattern(word: str) -> str:
    # The index stems English (porter); matching the word's beginning is the
    # cheap approximation: "agreement" also lights up "agreements".
    stem = word if len(word) <= 4 else word[: max(4, len(word) - 2)]
    return r"\b" + re.escape(stem) + r"\w*"


def find_hits(text: str, terms: list[tuple[str, str]]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) offsets of the terms in ``text``."""
    if not text or not terms:
        return []
    form = _search_form(text)
    found = []
    for kind, term in terms:
        pattern = re.escape(term) if kind == "han" else _word_pattern(term)
        found += [(m.start(), m.end()) for m in re.finditer(pattern, form)]
    found.sort()
    merged: list[tuple[int, int]] = []
    for a, b in found:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def snippet(text: str, terms: list[tuple[str, str]], width: int = 220) -> list[Segment]:
    """A window of about ``width`` characters around the first hit, hits marked.

    Marked segments carry the span ``True``; an ellipsis shows cut text.
    """
    text = text or ""
    hits = find_hits(text, terms)
    first = hits[0][0] if hits else 0
    lo = max(0, first - width // 3)
    hi = min(len(text), lo + width)
    lo = max(0, min(lo, hi - width))
    window = [(max(a, lo) - lo, min(b, hi) - lo) for a, b in hits if b > lo and a < hi]
    segs = segments(text[lo:hi], [{"start": a, "end": b} for a, b in window])
    for s in segs:
        s.spans = [True] if s.spans else []
    if lo > 0:
        segs.insert(0, Segment("…"))
    if hi < len(text):
        segs.append(Segment("…"))
    return segs
