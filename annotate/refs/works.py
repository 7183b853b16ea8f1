"""The registry of citable works (schemas/works.yaml): names → work ids, levels, versions."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml

from plea.corpus.vocab import has_han

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
WORKS_FILE = SCHEMAS / "works.yaml"
WORKS_SCHEMA = SCHEMAS / "works.schema.json"

# Characters that only Traditional script uses, common in statutes; enough to tell
# Taiwan's 刑法 from the PRC's without converting the whole text.
_STOP = {"the", "of", "on", "and", "for", "in", "to", "a", "an", "by", "with", "its", "s"}


@dataclass
class Work:
    id: str
    jurisdiction: str
    title: dict
    aliases: list[str] = field(default_factory=list)
    cite_only: set[str] = field(default_factory=set)
    versions: list[str] = field(default_factory=list)
    version_dates: dict = field(default_factory=dict)
    in_force: str | None = None
    replaces: str | None = None
    lang_hint: str | None = None
    levels: list[str] = field(default_factory=lambda: ["article"])
    implicit: set[str] = field(default_factory=set)
    containers: set[str] = field(default_factory=set)
    number_pattern: str | None = None

    def level_index(self, level: str) -> int | None:
        try:
            return self.levels.index(level)
        except ValueError:
            return None

    def article_depth(self) -> int:
        """How many pinpoint elements name the top unit (2 for 18 U.S.C. § 3553)."""
        return 1 + sum(1 for lv in self.levels if lv in self.containers)


def norm_name(name: str) -> str:
    """Fold quotes, brackets and spacing so that names compare as written by anyone."""
    name = unicodedata.normalize("NFKC", name)
    name = name.replace("’", "'").replace("‘", "'").replace("〈", "《").replace("〉", "》")
    name = re.sub(r"\s+", " ", name).strip(" “”\"'")
    return name.casefold()


def content_words(name: str) -> set[str]:
    words = re.findall(r"[\w'’\-]+", norm_name(name))
    return {w.strip("-'") for w in words if w not in _STOP and len(w) > 1}


class Registry:
    """Looks works up by id, alias or title; the data is schemas/works.yaml."""

    def __init__(self, data: dict):
        self.works: dict[str, Work] = {}
        self._names: dict[str, list[str]] = {}
        self._titles: list[tuple[str, set[str]]] = []
        for raw in data["works"]:
            work = Work(
                id=raw["id"], jurisdiction=raw["jurisdiction"], title=raw["title"],
                aliases=list(raw.get("aliases", [])), cite_only=set(raw.get("cite_only", [])),
                versions=list(raw.get("versions", [])),
                version_dates=dict(raw.get("version_dates", {})),
                in_force=raw.get("in_force"), replaces=raw.get("replaces"),
                lang_hint=raw.get("lang_hint"),
                levels=list(raw.get("levels", ["article"])),
                implicit=set(raw.get("implicit", [])),
                containers=set(raw.get("containers", [])),
                number_pattern=raw.get("number_pattern"))
            self.works[work.id] = work
            for name in [*work.title.values(), *work.aliases]:
                self._names.setdefault(norm_name(name), []).append(work.id)
                bare = norm_name(name).strip("《》")
                if bare != norm_name(name):
                    self._names.setdefault(bare, []).append(work.id)
            for title in work.title.values():
                if re.search(r"[A-Za-z]", title):
                    self._titles.append((work.id, content_words(title)))

    def __contains__(self, work_id: object) -> bool:
        return work_id in self.works

    def get(self, work_id: str | None) -> Work | None:
        return self.works.get(work_id) if work_id else None

    def aliases(self, script: str) -> list[tuple[str, str, bool]]:
        """(alias, work id, cite_only) for one script ("han" or "latin"), longest first."""
        out = []
        for work in self.works.values():
            for name in dict.fromkeys([*work.aliases, *work.title.values()]):
                han = has_han(name)
                if (script == "han") == han:
                    out.append((name, work.id, name in work.cite_only))
        out.sort(key=lambda a: -len(a[0]))
        return out

    def lookup(self, name: str, *, traditional: bool | None = None,
               jurisdiction: str | None = None, date: str | None = None) -> str | None:
        """The work a name denotes, or None. Shared names (刑法) are settled by the script
        of the citing text, then by the jurisdiction of the citing work."""
        ids = self._names.get(norm_name(name)) or self._names.get(norm_name(name).strip("《》"))
        if not ids:
            return None
        ids = list(dict.fromkeys(ids))
        if len(ids) > 1 and traditional is not None:
            hint = "zh-Hant" if traditional else "zh-Hans"
            hinted = [i for i in ids if self.works[i].lang_hint == hint]
            ids = hinted or ids
        if len(ids) > 1 and jurisdiction:
            same = [i for i in ids if self.works[i].jurisdiction == jurisdiction]
            ids = same or ids
        return self.dated(ids[0], date)

    def lookup_in(self, name: str, jurisdiction: str, *, traditional: bool | None = None,
                  date: str | None = None) -> str | None:
        """The work of ``jurisdiction`` a name denotes, or None: a country named with
        the name (德国《刑事诉讼法》) leaves only that country's works."""
        ids = self._names.get(norm_name(name)) or self._names.get(norm_name(name).strip("《》"))
        ids = [i for i in dict.fromkeys(ids or []) if self.works[i].jurisdiction == jurisdiction]
        if not ids:
            return None
        return self.lookup(name, traditional=traditional, jurisdiction=jurisdiction, date=date) \
            if len(ids) > 1 else self.dated(ids[0], date)

    def dated(self, work_id: str, date: str | None) -> str:
        """A work that replaced another under a new id means the old one in older texts."""
        work = self.works.get(work_id)
        if work and date and work.in_force and work.replaces and date < work.in_force:
            return work.replaces
        return work_id

    def fuzzy_title(self, title: str, threshold: float = 0.7) -> str | None:
        """The work whose English title shares most content words with ``title``."""
        words = content_words(title)
        if len(words) < 3:
            return None
        best, best_score = None, 0.0
        for work_id, twords in self._titles:
            shared = len(words & twords)
            if shared < 3:
                continue
            score = shared / min(len(words), len(twords))
            if score > best_score:
                best, best_score = work_id, score
        return best if best_score >= threshold else None

    def version_for(self, work_id: str, date: str | None) -> str | None:
        """The version of a work in force at ``date`` (the latest when no date)."""
        work = self.works.get(work_id)
        if not work or not work.version_dates:
            return None
        dated = sorted(work.version_dates.items(), key=lambda kv: kv[1])
        if not date:
            return dated[-1][0]
        valid = [v for v, since in dated if since <= date]
        return valid[-1] if valid else dated[0][0]


@lru_cache(maxsize=4)
def load_registry(path: str | None = None) -> Registry:
    file = Path(path) if path else WORKS_FILE
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    schema = json.loads(WORKS_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    return Registry(data)
