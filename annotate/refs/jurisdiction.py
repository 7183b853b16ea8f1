"""Countries named with a work: 德国《刑事诉讼法》, "Taiwan's Code of Criminal Procedure",
"der chinesischen StPO", "the Code of Criminal Procedure of the Republic of China".

Comparative scholarship names foreign law in its own language, so a generic name (刑事诉讼法,
StPO, Criminal Code) means the work of whichever country is named with it; only when no
country is named do the script of the text and the citing work decide (works.py). The
words are data: the `jurisdictions` section of data/{zh,en,de}.yaml.
"""
from __future__ import annotations

import re

from .data import alternation, vocabulary
from .works import Registry, load_registry, norm_name

_WORD = re.compile(r"[\w\-]+")
SELF = "self"       # 我国: the text's own country — the usual reading stands
OTHER = "other"     # a country whose law the registry does not hold — work null


class Jurisdictions:
    """The qualifiers and per-country work names of one language."""

    def __init__(self, lang: str, registry: Registry):
        data = vocabulary(lang).get("jurisdictions") or {}
        self.lang, self.registry = lang, registry
        self.qualifiers: dict[str, str] = {}
        for jur, words in (data.get("qualifiers") or {}).items():
            for word in words:
                for form in _apostrophes(word):
                    self.qualifiers[form] = jur
        endings = data.get("adjective_endings") or []
        for jur, stems in (data.get("adjectives") or {}).items():
            for stem in stems:
                for ending in endings:
                    self.qualifiers[stem + ending] = jur
                    self.qualifiers[stem[0].upper() + stem[1:] + ending] = jur
        self.after: dict[str, str] = {}
        for jur, words in (data.get("after") or {}).items():
            for word in words:
                for form in _apostrophes(word):
                    self.after[form] = jur
        self.names: dict[str, dict[str, str | None]] = {}
        for jur, names in (data.get("names") or {}).items():
            self.names[jur] = {norm_name(n): w for n, w in names.items()}
        self.alone = {norm_name(n): w for n, w in (data.get("alone") or {}).items()}
        self.any_law = data.get("any_law")
        # one word of each qualifier, for a quick test before the costly patterns
        self._keys = {max(reversed(_WORD.findall(w)), key=len) for w in [*self.qualifiers, *self.after]
                      if _WORD.findall(w)}
        self._raw_names = [n for names in (data.get("names") or {}).values() for n in names]
        self._raw_names += list((data.get("alone") or {}))
        self._raw_names += list(data.get("lower_case_names") or [])
        for work_id in [*(w for ns in self.names.values() for w in ns.values()), *self.alone.values()]:
            if work_id is not None and work_id not in registry:
                raise ValueError(f"annotate/refs/data/{lang}.yaml: jurisdictions names an unknown "
                                 f"work id {work_id!r} (not in schemas/works.yaml)")

    # -- patterns -------------------------------------------------------------------
    def qualifier_pattern(self) -> str:
        return alternation(self.qualifiers)

    def after_pattern(self) -> str:
        return alternation(self.after)

    def name_list(self) -> list[str]:
        """Every name the data gives, under any country (for a grammar's alternation)."""
        return [form for n in self._raw_names for form in _apostrophes(n)]

    def may_name_country(self, text: str) -> bool:
        """False when no qualifier can be in ``text`` (most texts): a set lookup over its
        words, far cheaper than searching a long alternation."""
        return not self._keys.isdisjoint(_WORD.findall(text))

    # -- lookups --------------------------------------------------------------------
    def jurisdiction(self, qualifier: str) -> str | None:
        return self.qualifiers.get(qualifier) or self.after.get(qualifier)

    def work(self, jurisdiction: str, name: str, *, traditional: bool | None = None,
             date: str | None = None) -> str | None:
        """The work ``name`` means under ``jurisdiction``; None when that country's law
        by that name is not in the registry."""
        if jurisdiction == OTHER:
            return None
        key = norm_name(name)
        by_name = self.names.get(jurisdiction, {})
        if key in by_name:
            return by_name[key]
        bare = key.strip("《》“”\"「」")
        if bare in by_name:
            return by_name[bare]
        return self.registry.lookup_in(name, jurisdiction, traditional=traditional, date=date)

    def alone_work(self, name: str) -> str | None:
        """A foreign work a name means with no country before it (联邦刑事诉讼规则)."""
        return self.alone.get(norm_name(name))


def _apostrophes(word: str) -> list[str]:
    return [word, word.replace("'", "’")] if "'" in word else [word]


def jurisdictions(lang: str, registry: Registry | None = None) -> Jurisdictions:
    """The jurisdiction data of ``lang`` for ``registry`` (the shipped one by default),
    built once per registry."""
    registry = registry or load_registry()
    cache = registry.__dict__.setdefault("_jurisdictions", {})
    if lang not in cache:
        cache[lang] = Jurisdictions(lang, registry)
    return cache[lang]
