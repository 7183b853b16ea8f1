"""Annotation of the corpus: codes of the codebook, cross-references, scholarship.

The tagging surface (imported lazily, so ``import annotate`` stays cheap):

    Tagger().tag(text, lang=None) -> list[Tag]     annotate.tagger
    tag_jsonl(lines) -> iterator of dicts           the `plea tag --jsonl` contract
    evaluate_file(gold_path) -> Report              annotate.evaluate
    tag_database(db) -> int                         the build stage (annotate.stage)
    load_taxonomy() -> Taxonomy                     the codebook (annotate.taxonomy)
"""
from __future__ import annotations

_LAZY = {
    "Tag": "tagger", "Tagger": "tagger", "TaggingError": "tagger", "tag_jsonl": "tagger",
    "evaluate_file": "evaluate", "tag_database": "stage", "load_taxonomy": "taxonomy",
}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
