"""spaCy pipelines per language: a blank language plus the project's components.

Chinese uses spaCy's jieba segmenter with the project's legal user dictionary
(``patterns/zh_userdict.txt``, loaded in both scripts so Traditional text is
segmented as well); nothing is downloaded. jieba announces its dictionary on
stderr through ``logging``; that is switched off before it starts.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from . import components  # noqa: F401  (registers the factories)
from .components import COMPONENTS
from .rules import LANGUAGES, check_codes, load_rules
from .taxonomy import load_taxonomy
from .text import to_traditional

USER_DICT = Path(__file__).resolve().parent / "patterns" / "zh_userdict.txt"


def _quiet_jieba():
    import jieba
    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=1)
def _load_user_dict() -> int:
    """Add the legal terms (both scripts) to jieba's dictionary; returns the count."""
    jieba = _quiet_jieba()
    words = 0
    for line in USER_DICT.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, *rest = line.split()
        freq = int(rest[0]) if rest and rest[0].isdigit() else None
        for form in {word, to_traditional(word)}:
            jieba.add_word(form, freq)
            words += 1
    return words


def blank(lang: str) -> Language:
    if lang == "zh":
        _quiet_jieba()
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        _load_user_dict()
        return nlp
    return spacy.blank(lang)


def build_pipeline(lang: str) -> Language:
    """A fresh pipeline for ``lang`` (zh, en or de)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    check_codes(load_rules(lang), set(load_taxonomy().code_ids))
    nlp = blank(lang)
    for name in COMPONENTS:
        nlp.add_pipe(name, config={"lang": lang})
    return nlp


@lru_cache(maxsize=None)
def get_pipeline(lang: str) -> Language:
    """The shared pipeline for ``lang`` (built once per process)."""
    return build_pipeline(lang)
