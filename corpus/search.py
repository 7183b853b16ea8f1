"""Full-text search: Chinese words of any length, English and German stemmed.

SQLite 3.40's FTS5 ``trigram`` tokenizer cannot match queries shorter than
three characters, and ``unicode61`` treats a run of Han characters as one
token. So the index stores Chinese with every Han character as its own token
(and Traditional folded to Simplified, so 協商 finds 协商 and back), and a
query's Chinese run becomes a phrase of single characters: 协商 → ``"协 商"``
— an exact match of adjacent characters, whatever the length.

Latin text is indexed by ``porter unicode61 remove_diacritics 2``: English is
stemmed by FTS5 itself. Porter knows no German, and no SQLite tokenizer folds
ä/ae or ß/ss, so German text (``lang = 'de'``) is stored as its Snowball German
stems (Snowball 3 folds ä, ae and ß: Verständigung, Verstaendigung and
verständigen all stem to ``verstand``). A query does not know its language,
so each Latin word or phrase is searched in both forms: as typed (English
and any text) OR as German stems (German text). The index still uses only
SQLite's built-in tokenizers, so any SQLite client can read it.
"""
from __future__ import annotations

import re
from functools import lru_cache

FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_HAN_CHAR = re.compile(f"([{_HAN}])")
_HAS_HAN = re.compile(f"[{_HAN}]")
_SPACES = re.compile(r"\s+")
# A Latin word as unicode61 sees one: letters and digits (no Han).
_WORD = re.compile(rf"[^\W{_HAN}]+")
# Datasette's own query splitting: whitespace, or a "quoted phrase".
_QUERY_BITS = re.compile(r'\s+|(".*?")')


@lru_cache(maxsize=1)
def _t2s():
    import opencc
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _german():
    import snowballstemmer
    return snowballstemmer.stemmer("german")


def fold(text: str) -> str:
    """Traditional → Simplified for Han text; other text unchanged."""
    return _t2s().convert(text) if _HAS_HAN.search(text) else text


@lru_cache(maxsize=50_000)
def german_stem(word: str) -> str:
    """Snowball German stem of one word, lower case, umlauts and ß folded."""
    return _german().stemWord(word.lower())


def _german_words(text: str) -> str:
    return _WORD.sub(lambda m: german_stem(m.group()), text)


def index_text(text: str | None, lang: str | None = None) -> str:
    """The form stored in the FTS index: Han characters spaced out and folded;
    German Latin words replaced by their stems."""
    if not text:
        return ""
    if lang and lang.startswith("de"):
        text = _german_words(text)
    if not _HAS_HAN.search(text):
        return text
    return _SPACES.sub(" ", _HAN_CHAR.sub(r" \1 ", fold(text))).strip()


def query_bits(query: str) -> list[tuple[str, bool]]:
    """A query's words and "quoted phrases": (text, quoted)."""
    if query.count('"') % 2:
        query += '"'
    out = []
    for bit in _QUERY_BITS.split(query):
        if not bit or bit == '""':
            continue
        quoted = bit.startswith('"') and bit.endswith('"') and len(bit) > 1
        inner = bit[1:-1] if quoted else bit
        if inner.strip():
            out.append((inner, quoted))
    return out


def _phrase(inner: str) -> str:
    """One bit of a query as an FTS5 expression: the phrase as typed, OR'ed with
    its German-stem form when that differs."""
    forms = []
    for form in (index_text(inner), index_text(inner, "de")):
        form = form.replace('"', '""').strip()
        if form and form not in forms:
            forms.append(form)
    if not forms:
        return ""
    if len(forms) == 1:
        return f'"{forms[0]}"'
    return "(" + " OR ".join(f'"{f}"' for f in forms) + ")"


def fts_query(query: str) -> str:
    """A user's query as an FTS5 MATCH expression over :func:`index_text` columns.

    Every whitespace-separated word or "quoted phrase" becomes one FTS5 phrase
    (all must match), mirroring Datasette's escaped search mode.
    """
    # Explicit AND: FTS5 joins bare phrases implicitly but not a parenthesised OR.
    return " AND ".join(p for p in (_phrase(inner) for inner, _ in query_bits(query)) if p)


def phrase_query(query: str) -> str | None:
    """The words of an unquoted query of several Latin words as one phrase,
    for ranking: "plea agreement" typed without quotes still prefers the text
    that says "plea agreement" over one that has both words apart. None when
    there is no such phrase to prefer."""
    bits = query_bits(query)
    if len(bits) < 2 or any(q or _HAS_HAN.search(b) for b, q in bits):
        return None
    return _phrase(" ".join(b for b, _ in bits)) or None
