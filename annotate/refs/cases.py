"""US case citations through eyecite: work "case", pinpoint the reporter cite.

eyecite's tokenizer knows every reporter (reporters-db) and normalises its spelling
("U. S." → "U.S."); its full citation pipeline also reads parties, courts and
parentheticals, which the pinpoint does not need and which costs most of the time. So
only windows around something shaped like "404 U.S. 257" are tokenized, and only the
tokens of case reporters are kept (law reviews and the Statutes at Large are not
cases).
"""
from __future__ import annotations

import logging
import re

from .model import Ref

_CANDIDATE = re.compile(r"\b[1-9]\d{0,3}\s+[A-Z][A-Za-z'.&\s]{0,30}?(?:\d[a-z]{1,2}\.?\s*)?,?\s+\d{1,5}\b")
_tokenizer = None


def _eyecite():
    global _tokenizer
    if _tokenizer is None:
        try:
            from eyecite.tokenizers import default_tokenizer
        except ImportError:                    # eyecite is optional: no cases without it
            _tokenizer = False
            return None
        logging.getLogger("eyecite").setLevel(logging.ERROR)
        _tokenizer = default_tokenizer
    return _tokenizer or None


# Parties before a cite: "Santobello v. New York, 404 U.S. 257"; 桑托贝罗诉纽约州案.
_PARTIES = re.compile(r"\S\s+v\.?\s+\S|诉\S")


def case_refs(text: str, *, parties: bool = False) -> list[Ref]:
    """Case citations in ``text``. With ``parties`` (German and Chinese text, where "201
    Abs. 2" looks like a reporter cite to eyecite) only a cite that follows the names of
    the parties counts."""
    windows = _windows(text)
    if parties:                    # tokenizing is the cost: only windows after party names
        windows = [(a, b) for a, b in windows if _PARTIES.search(text, max(0, a - 120), b)]
    if not windows:
        return []
    tokenizer = _eyecite()
    if tokenizer is None:
        return []
    from eyecite.models import CitationToken
    refs: list[Ref] = []
    for start, end in windows:
        _, tokens = tokenizer.tokenize(text[start:end])
        for _, token in tokens:
            if not isinstance(token, CitationToken) or token.short:
                continue
            editions = token.exact_editions or token.variation_editions
            if not editions or editions[0].reporter.source != "reporters":
                continue
            g = token.groups
            if not (g.get("volume") and g.get("page", "").isdigit()):
                continue
            cite = f"{g['volume']} {editions[0].short_name} {g['page']}"
            s, e = start + token.start, start + token.end
            if parties and not _PARTIES.search(text, max(0, s - 120), s):
                continue
            refs.append(Ref(s, e, text[s:e], "case", [cite], "case"))
    return refs


def _windows(text: str) -> list[tuple[int, int]]:
    spans: list[list[int]] = []
    for m in _CANDIDATE.finditer(text):
        s, e = max(0, m.start() - 2), min(len(text), m.end() + 2)
        if spans and s <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], e)
        else:
            spans.append([s, e])
    return [(s, e) for s, e in spans]
