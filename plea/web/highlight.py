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
from functools import lru_cache
from typing import Any, Sequence

from plea.corpus.search import german_stem, query_bits
from plea.corpus.vocab import HAN, to_simplified

_HAN_RUN = re.compile(f"[{HAN}]+")
_LATIN_WORD = re.compile(rf"[^\W{HAN}]+")


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
    return "".join(_plain_char(c) for c in to_simplified(text))


def _plain_char(c: str) -> str:
    if c.isascii():
        return c.lower()
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


def query_terms(query: str) -> list[tuple[str, str]]:
    """The pieces of a query to look for: ("han", 协商), ("word", agreement) or,
    for a "quoted phrase" of several words, ("phrase", "plea agreement") — so a
    phrase search lights up the phrase and never its words on their own."""
    terms: list[tuple[str, str]] = []
    for bit, quoted in query_bits(query or ""):
        form = _search_form(bit)
        pieces = [(("han" if _HAN_RUN.fullmatch(m.group()) else "word"), m.group())
                  for m in re.finditer(f"[{HAN}]+|\\w+", form)]
        if quoted and len(pieces) > 1 and all(k == "word" for k, _ in pieces):
            pieces = [("phrase", " ".join(w for _, w in pieces))]
        for piece in pieces:
            if piece not in terms:
                terms.append(piece)
    return terms


@lru_cache(maxsize=20_000)
def _forms(word: str) -> frozenset[str]:
    """The forms under which the index may have stored a (folded, lower-case)
    word: itself, its English stem (FTS5's porter) and its German stem."""
    return frozenset({word, _english().stemWord(word), german_stem(word)})


@lru_cache(maxsize=1)
def _english():
    import snowballstemmer
    return snowballstemmer.stemmer("english")


def _same_word(a: str, b: str) -> bool:
    return a == b or bool(_forms(a) & _forms(b))


def find_hits(text: str, terms: list[tuple[str, str]]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) offsets of the terms in ``text``: Chinese as
    folded characters, words by stem (agreement lights up Agreements, verständigen
    lights up Verständigung), phrases only where their words follow each other."""
    if not text or not terms:
        return []
    form = _search_form(text)
    words = [(m.start(), m.end(), m.group()) for m in _LATIN_WORD.finditer(form)]
    found = []
    for kind, term in terms:
        if kind == "han":
            found += [(m.start(), m.end()) for m in re.finditer(re.escape(term), form)]
            continue
        want = term.split()
        for i in range(len(words) - len(want) + 1):
            if all(_same_word(words[i + k][2], w) for k, w in enumerate(want)):
                found.append((words[i][0], words[i + len(want) - 1][1]))
    found.sort()
    merged: list[tuple[int, int]] = []
    for a, b in found:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


# Where a snippet may start or end: after a space, or after a Chinese clause mark.
_BREAK = re.compile(r"[\s，。；：、！？,;:]")
_SLACK = 40   # how far a snippet's edge may move to reach a boundary


def _start_at_boundary(text: str, lo: int, first: int) -> int:
    """Move ``lo`` forward to just after the next boundary (never past the first
    hit); if none is near, back to the previous one."""
    if lo <= 0:
        return 0
    m = _BREAK.search(text, lo - 1, min(first, lo + _SLACK))
    if m:
        return m.end()
    back = [m.end() for m in _BREAK.finditer(text, max(0, lo - _SLACK), lo)]
    return back[-1] if back else lo


def _end_at_boundary(text: str, hi: int, last: int) -> int:
    """Move ``hi`` back to the last boundary before it (keeping Chinese clause
    marks, never before the end of the first hit)."""
    if hi >= len(text):
        return len(text)
    found = [m for m in _BREAK.finditer(text, max(last, hi - _SLACK), hi + 1)]
    if not found:
        return hi
    m = found[-1]
    return m.end() if not m.group().isspace() else m.start()


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
    lo = _start_at_boundary(text, lo, first)
    hi = _end_at_boundary(text, hi, hits[0][1] if hits else lo)
    window = [(max(a, lo) - lo, min(b, hi) - lo) for a, b in hits if b > lo and a < hi]
    segs = segments(text[lo:hi], [{"start": a, "end": b} for a, b in window])
    for s in segs:
        s.spans = [True] if s.spans else []
    if lo > 0:
        segs.insert(0, Segment("…"))
    if hi < len(text):
        segs.append(Segment("…"))
    return segs
