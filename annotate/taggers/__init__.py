"""Taggers, chosen by name: one module each plus one entry in ``REGISTRY``.

    >>> from plea.annotate.taggers import get_tagger
    >>> tagger = get_tagger()            # the project's default ("combined")
    >>> tagger = get_tagger("rule")      # rules only; "learned", "keyword" (a baseline)

- ``rule``      spaCy pipelines with the cue patterns of ``annotate/patterns``;
- ``learned``   the classifiers trained by ``plea train`` (``annotate/taggers/model``);
- ``combined``  learned codes, with evidence, role and modality from the rules where
                they are right and from learned models where they are not (the default);
- ``keyword``   a short keyword list per language: the baseline every figure is read against.
"""
from __future__ import annotations

from importlib import import_module

from .base import BaseTagger, Tag, TaggingError, Unit

REGISTRY: dict[str, str] = {
    "rule": "plea.annotate.taggers.rule:RuleTagger",
    "learned": "plea.annotate.taggers.learned:LearnedTagger",
    "combined": "plea.annotate.taggers.combined:CombinedTagger",
    "keyword": "plea.annotate.taggers.keyword:KeywordTagger",
}
DEFAULT = "combined"

_instances: dict[str, BaseTagger] = {}


def tagger_class(name: str) -> type[BaseTagger]:
    if name not in REGISTRY:
        raise TaggingError(f"unknown tagger {name!r}: one of {', '.join(REGISTRY)}")
    module, cls = REGISTRY[name].split(":")
    return getattr(import_module(module), cls)


def get_tagger(name: str | None = None) -> BaseTagger:
    """The tagger registered as ``name`` (default: ``DEFAULT``), one per process."""
    name = name or DEFAULT
    if name not in _instances:
        _instances[name] = tagger_class(name)()
    return _instances[name]


__all__ = ["BaseTagger", "DEFAULT", "REGISTRY", "Tag", "TaggingError", "Unit", "get_tagger",
           "tagger_class"]
