"""Full-text search that finds 1- and 2-character Chinese words.

SQLite 3.40's FTS5 ``trigram`` tokenizer cannot match queries shorter than
three characters, and ``unicode61`` treats a run of Han characters as one
token. So the index stores Chinese with every Han character as its own token
(and Traditional folded to Simplified, so 協商 finds 协商 and back), and a
query's Chinese run becomes a phrase of single characters: 协商 → ``"协 商"``
— an exact match of adjacent characters, whatever the length. Latin text is
indexed by ``porter unicode61 remove_diacritics 2``: English is stemmed and
German umlauts match with or without diacritics.
"""
from __future__ import annotations

import re
from functools import lru_cache

FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_HAN_CHAR = re.compile(f"([{_HAN}])")
_HAS_HAN = re.compile(f"[{_HAN}]")
_SPACES = re.compile(r"\s+")
# Datasette's own query splitting: whitespace, or a "quoted phrase".
_QUERY_BITS = re.compile(r'\s+|(".*?")')


@lru_cache(maxsize=1)
def _t2s():
    import opencc
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Traditional → Simplified for Han text; other text unchanged."""
    return _t2s().convert(text) if _HAS_HAN.search(text) else text


def index_text(text: str | None) -> str:
    """The form stored in the FTS index: Han characters spaced out and folded."""
    if not text:
        return ""
    if not _HAS_HAN.search(text):
        return text
    return _SPACES.sub(" ", _HAN_CHAR.sub(r" \1 ", fold(text))).strip()


def fts_query(query: str) -> str:
    """A user's query as an FTS5 MATCH expression over :func:`index_text` columns.

    Every whitespace-separated word or "quoted phrase" becomes one FTS5 phrase
    (all must match), mirroring Datasette's escaped search mode.
    """
    if query.count('"') % 2:
        query += '"'
    bits = [b for b in _QUERY_BITS.split(query) if b and b != '""']
    phrases = []
    for bit in bits:
        inner = bit[1:-1] if bit.startswith('"') and bit.endswith('"') else bit
        inner = index_text(inner).replace('"', '""').strip()
        if inner:
            phrases.append(f'"{inner}"')
    return " ".join(phrases)
