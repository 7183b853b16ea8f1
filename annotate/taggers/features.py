"""Features of a unit for the learned tagger, the same at training and tagging time.

Per language, a few blocks of TF-IDF weights, chosen to carry across wordings:

- ``body``: the unit's own text — Chinese as character 1–3-grams of the text folded to
  Simplified script (no segmenter to disagree with), English and German as character
  3–5-grams inside words (stems, compounds: *Verständigung*, *verständigen*) and words;
- ``words``: word 1–2-grams (English and German only);
- ``lead``: the lead-in the unit completes and the headings above it, which often carry
  the plea context a list item lacks;
- ``rules``: the codes the rule tagger gives the unit, one column each (weight 0.5) —
  the cues as features: on leave-one-document-out they added 0.03 micro-F1, where
  the keyword list's codes added nothing.

A fitted :class:`Featurizer` is plain data (vocabularies, idf weights, parameters), saved
in the model file, so no pickled library object ships with the package.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from ..text import to_simplified

_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def normalise(text: str, lang: str) -> str:
    """What the vectorizers read: one script, folded digits and spaces, lower case."""
    text = _SPACE.sub(" ", text or "").strip()
    text = _DIGITS.sub("0", text)
    if lang == "zh":
        return to_simplified(text)
    return text.lower()


# (block, analyzer, ngram range, max features, weight) per language
BLOCKS: dict[str, tuple[tuple[str, str, tuple[int, int], int, float], ...]] = {
    "zh": (("body", "char", (1, 3), 30000, 1.0),
           ("lead", "char", (1, 2), 6000, 0.5)),
    "en": (("body", "char_wb", (3, 5), 25000, 1.0),
           ("words", "word", (1, 2), 12000, 1.0),
           ("lead", "word", (1, 2), 6000, 0.5)),
    "de": (("body", "char_wb", (3, 5), 25000, 1.0),
           ("words", "word", (1, 2), 12000, 1.0),
           ("lead", "word", (1, 2), 6000, 0.5)),
}


def _vectorizer(analyzer: str, ngrams: tuple[int, int], max_features: int | None,
                min_df: int = 1) -> TfidfVectorizer:
    extra = {"token_pattern": r"(?u)\b\w+\b"} if analyzer == "word" else {}
    return TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, max_features=max_features,
                           min_df=min_df, sublinear_tf=True, lowercase=False, dtype=np.float32,
                           **extra)


_WHITE = re.compile(r"\s\s+")          # scikit-learn's white-space fold
_TOKEN = re.compile(r"(?u)\b\w+\b")      # the word blocks' token pattern (``_vectorizer``)
_WORD_CACHE = 200_000                    # words whose char_wb n-gram columns are kept


def _wb_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's ``char_wb`` n-grams of one word (padded with a space each side)."""
    w = " " + word + " "
    out = []
    for n in range(min_n, max_n + 1):
        offset = 0
        out.append(w[offset:offset + n])
        while offset + n < len(w):
            offset += 1
            out.append(w[offset:offset + n])
        if offset == 0:              # a word shorter than n counted once
            break
    return out


def _char_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's ``char`` n-grams: every substring of min_n..max_n characters of the
    text with its runs of white space folded (their order does not matter: they are counted)."""
    text = _WHITE.sub(" ", text)
    return [text[i:i + n] for n in range(min_n, min(max_n, len(text)) + 1)
            for i in range(len(text) - n + 1)]


def _word_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's ``word`` n-grams under ``_TOKEN``: tokens joined by one space."""
    tokens = _TOKEN.findall(text)
    out = []
    for n in range(min_n, min(max_n, len(tokens)) + 1):
        # the n-grams starting at each token, joined in C
        out.extend(tokens if n == 1 else map(" ".join, zip(*(tokens[k:] for k in range(n)))))
    return out


def _count_matrix(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    """Term counts as scikit-learn's ``CountVectorizer`` leaves them: float32 counts,
    column indices sorted within each row — all of a batch counted in one sort."""
    n_rows, n_cols = shape
    keys = rows.astype(np.int64) * max(n_cols, 1) + cols
    uniq, counts = np.unique(keys, return_counts=True)
    row_of = uniq // max(n_cols, 1)
    indptr = np.zeros(n_rows + 1, dtype=np.int32)
    np.cumsum(np.bincount(row_of, minlength=n_rows), out=indptr[1:])
    return sp.csr_matrix((counts.astype(np.float32), (uniq % max(n_cols, 1)).astype(np.int32),
                          indptr), shape=shape, dtype=np.float32)


def _in_column_order(vocabulary: dict[str, int]) -> list[str]:
    """The terms by column, as ``get_feature_names_out`` gives them without its sort."""
    names = [""] * len(vocabulary)
    for term, column in vocabulary.items():
        names[column] = term
    return names


@dataclass
class Block:
    name: str
    analyzer: str
    ngrams: tuple[int, int]
    weight: float
    vectorizer: TfidfVectorizer

    def __post_init__(self) -> None:
        self._columns: dict[str, tuple[int, ...]] = {}

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """TF-IDF rows, the same floats as the vectorizer's ``transform``.

        scikit-learn analyses and counts in a Python loop with a call per n-gram, most of
        the tagger's feature cost; here the terms are looked up for a whole batch at once,
        and char_wb n-grams once per distinct word (a statute reuses a few thousand words).
        The counts then go through the vectorizer's own TF-IDF step (log, idf, l2 norm),
        so the arithmetic — and the model's scores — are bit for bit scikit-learn's
        (``tests/test_tagger_features.py`` compares on corpus units)."""
        counts = self.counts(texts)
        # the step TfidfVectorizer.transform itself ends with
        return self.vectorizer._tfidf.transform(counts, copy=False)

    def counts(self, texts: list[str]) -> sp.csr_matrix:
        """The term-count matrix of ``texts`` (scikit-learn's ``CountVectorizer.transform``)."""
        if self.analyzer == "char_wb":
            rows, cols = self._wb_columns(texts)
        else:
            rows, cols = self._looked_up(texts)
        return _count_matrix(rows, cols, (len(texts), len(self.vectorizer.vocabulary_)))

    def _looked_up(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        grams_of = _char_ngrams if self.analyzer == "char" else _word_ngrams
        lo, hi = self.ngrams
        grams: list[str] = []
        lengths = []
        for text in texts:
            mine = grams_of(text, lo, hi)
            grams.extend(mine)
            lengths.append(len(mine))
        ids = np.fromiter(map(self.vectorizer.vocabulary_.get, grams, repeat(-1)),
                          dtype=np.int64, count=len(grams))
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        known = ids >= 0                 # out-of-vocabulary terms are not counted
        return rows[known], ids[known]

    def _wb_columns(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        cache = self._columns
        cols: list[int] = []
        lengths = []
        for text in texts:
            words = text.split()          # split() folds white space as sklearn's sub does
            hits = list(map(cache.get, words))
            if None in hits:
                hits = [hit if hit is not None else self._word_columns(word)
                        for word, hit in zip(words, hits)]
            before = len(cols)
            cols.extend(chain.from_iterable(hits))
            lengths.append(len(cols) - before)
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        return rows, np.asarray(cols, dtype=np.int64)

    def _word_columns(self, word: str) -> tuple[int, ...]:
        """The vocabulary columns of a word's char_wb n-grams, with repeats (kept)."""
        vocab = self.vectorizer.vocabulary_
        lo, hi = self.ngrams
        hit = tuple(vocab[g] for g in _wb_ngrams(word, lo, hi) if g in vocab)
        if len(self._columns) < _WORD_CACHE:
            self._columns[word] = hit
        return hit

    def to_data(self) -> dict:
        return {"name": self.name, "analyzer": self.analyzer, "ngrams": list(self.ngrams),
                "weight": self.weight,
                "vocabulary": _in_column_order(self.vectorizer.vocabulary_),
                "idf": [round(float(x), 5) for x in self.vectorizer.idf_]}

    @classmethod
    def from_data(cls, data: dict) -> "Block":
        v = _vectorizer(data["analyzer"], tuple(data["ngrams"]), None)
        v.vocabulary_ = {term: i for i, term in enumerate(data["vocabulary"])}
        v.idf_ = np.asarray(data["idf"], dtype=np.float32)
        return cls(data["name"], data["analyzer"], tuple(data["ngrams"]), data["weight"], v)


RULE_WEIGHT = 0.5


class Featurizer:
    """The fitted blocks of one language, and the codes whose rule hits are features."""

    def __init__(self, lang: str, blocks: list[Block], rule_codes: list[str] | None = None):
        self.lang = lang
        self.blocks = blocks
        self.rule_codes = rule_codes or []

    @classmethod
    def fit(cls, lang: str, bodies: list[str], leads: list[str], min_df: int = 2,
            rule_codes: list[str] | None = None) -> "Featurizer":
        blocks = []
        for name, analyzer, ngrams, max_features, weight in BLOCKS[lang]:
            v = _vectorizer(analyzer, ngrams, max_features, min_df)
            texts = leads if name == "lead" else bodies
            if not any(t.strip() for t in texts):
                texts = texts + ["_"] * min_df  # a block must have a vocabulary
            v.fit([normalise(t, lang) for t in texts])
            blocks.append(Block(name, analyzer, ngrams, weight, v))
        return cls(lang, blocks, rule_codes)

    def transform(self, bodies: list[str], leads: list[str],
                  rules: list[set[str]] | None = None) -> sp.csr_matrix:
        """Rows of features; ``rules`` (the rule tagger's codes per unit) fills the rule
        columns, left at zero when not given (the role and modality heads)."""
        mats = []
        # normalised once: the body and word blocks read the same texts, and siblings
        # share their lead-in and headings
        folded = {t: normalise(t, self.lang) for t in {*bodies, *leads}}
        for b in self.blocks:
            texts = leads if b.name == "lead" else bodies
            m = b.transform([folded[t] for t in texts])
            mats.append(m * b.weight if b.weight != 1.0 else m)
        if self.rule_codes:
            index = {c: i for i, c in enumerate(self.rule_codes)}
            rows, cols = [], []
            for r, codes in enumerate(rules or ()):
                for c in codes:
                    if c in index:
                        rows.append(r)
                        cols.append(index[c])
            mats.append(sp.csr_matrix((np.full(len(rows), RULE_WEIGHT, np.float32), (rows, cols)),
                                      shape=(len(bodies), len(self.rule_codes))))
        return sp.hstack(mats, format="csr", dtype=np.float32)

    @property
    def size(self) -> int:
        return sum(len(b.vectorizer.vocabulary_) for b in self.blocks) + len(self.rule_codes)

    def feature_name(self, index: int) -> tuple[str, str]:
        """(block name, term) of a column."""
        for b in self.blocks:
            n = len(b.vectorizer.vocabulary_)
            if index < n:
                if not hasattr(b, "_names"):     # the vocabulary in column order, unsorted
                    b._names = _in_column_order(b.vectorizer.vocabulary_)  # type: ignore[attr-defined]
                return b.name, str(b._names[index])              # type: ignore[attr-defined]
            index -= n
        if index < len(self.rule_codes):
            return "rules", self.rule_codes[index]
        raise IndexError(index)

    def to_data(self) -> dict:
        return {"lang": self.lang, "blocks": [b.to_data() for b in self.blocks],
                "rule_codes": self.rule_codes}

    @classmethod
    def from_data(cls, data: dict) -> "Featurizer":
        return cls(data["lang"], [Block.from_data(b) for b in data["blocks"]],
                   data.get("rule_codes"))


def lead_text(context: str | None, heading: str | None) -> str:
    return " ".join(filter(None, (context, heading)))
