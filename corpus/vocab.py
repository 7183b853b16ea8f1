"""The project's vocabulary, read from ``corpus/vocab.yaml``: jurisdictions, languages and
their BCP 47 tags, the Han character ranges, the one language detector, and the one
Traditional → Simplified conversion.

It sits in ``corpus`` (the lowest layer) so that parsers, taggers, the reference
extractor and the web view all ask the same place; a second list of jurisdictions or
languages, a second Han range or a second detector elsewhere is a bug
(``tests/test_vocab.py`` greps for them).

    jurisdiction_codes()            ('CN', 'US', 'DE', 'TW', 'AT', 'CA', 'INT')
    compared_jurisdictions()        ('CN', 'US', 'DE', 'TW')
    jurisdiction("TW").language     'zh-Hant'
    LANGUAGES                       ('zh', 'en', 'de')
    normalise_lang("zh-Hant")       'zh'
    detect_language("协商程序")       'zh'
    language_tag("协商程序")          'zh-Hans'   (BCP 47, script read off the characters)
    to_simplified("協商")            '协商'       (same length, other text unchanged)
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml

from .errors import ConfigError

DATA = Path(__file__).with_name("vocab.yaml")
SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "vocab.schema.json"


class VocabError(ConfigError, ValueError):
    """vocab.yaml is missing or malformed."""


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    names: dict[str, str]        # en, zh, de
    family: str                  # civil | common | none
    language: str                # BCP 47 tag of its own legal texts
    compared: bool               # a column of the comparison
    bluebook: str
    prefix: str                  # how its source ids begin

    def name(self, lang: str = "en") -> str:
        return self.names.get(lang) or self.names["en"]

    @property
    def base_language(self) -> str:
        return self.language.split("-", 1)[0]

    @property
    def native_name(self) -> str:
        """The name in the jurisdiction's own language; empty where that is English
        (the English name already says it)."""
        base = self.base_language
        return "" if base == "en" else self.names.get(base, "")


@dataclass(frozen=True)
class Language:
    code: str
    names: dict[str, str]
    tags: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    jurisdictions: tuple[Jurisdiction, ...]
    languages: tuple[Language, ...]
    scripts: dict[str, tuple[str, ...]]        # Hans/Hant → region subtags
    han_ranges: tuple[tuple[int, int], ...]
    umlauts: str
    umlaut_weight: int
    han_weight: int
    traditional_share: float
    cues: dict[str, frozenset[str]]


def _fail(path: Path, where: str, message: str) -> VocabError:
    return VocabError(f"{path}: {where}: {message}")


def _load(path: Path = DATA) -> Vocabulary:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise VocabError(f"{path}: cannot read the vocabulary: "
                         f"{str(exc).splitlines()[0]}") from exc
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data),
                    key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        place = "/".join(str(p) for p in errors[0].absolute_path) or "(top level)"
        raise _fail(path, place, errors[0].message)
    try:
        jurisdictions = tuple(
            Jurisdiction(code=j["code"], names=dict(j["names"]), family=j["family"],
                         language=j["language"], compared=bool(j["compared"]),
                         bluebook=j.get("bluebook", ""), prefix=j["prefix"])
            for j in data["jurisdictions"])
        languages = tuple(Language(code=lang["code"], names=dict(lang["names"]),
                                   tags=tuple(lang["tags"]), aliases=tuple(lang.get("aliases", ())))
                          for lang in data["languages"])
        scripts = {name: tuple(s["regions"]) for name, s in data["scripts"].items()}
        ranges = tuple((int(lo), int(hi)) for lo, hi in data["han_ranges"])
        det = data["detector"]
        cues = {lang: frozenset(words.lower().split()) for lang, words in det["cues"].items()}
        vocab = Vocabulary(jurisdictions, languages, scripts, ranges, det["umlauts"],
                           int(det["umlaut_weight"]), int(det["han_weight"]),
                           float(data["traditional_share"]), cues)
    except (KeyError, TypeError, ValueError) as exc:
        raise _fail(path, "entry", f"missing or malformed field {exc}") from exc
    codes = [j.code for j in jurisdictions]
    for code in codes:
        if codes.count(code) > 1:
            raise _fail(path, f"jurisdiction {code}", "listed twice")
    known = {lang.code for lang in languages}
    for j in jurisdictions:
        if j.base_language not in known:
            raise _fail(path, f"jurisdiction {j.code}", f"language {j.language!r} is not a listed language")
    if set(cues) - known:
        raise _fail(path, "detector", f"cues for unlisted languages {sorted(set(cues) - known)}")
    return vocab


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabulary (read once)."""
    return _load()


# -- jurisdictions ---------------------------------------------------------------------

def jurisdictions() -> tuple[Jurisdiction, ...]:
    return vocabulary().jurisdictions


def jurisdiction_codes() -> tuple[str, ...]:
    """Every jurisdiction code, in the comparison's order."""
    return tuple(j.code for j in jurisdictions())


def compared_jurisdictions() -> tuple[str, ...]:
    """The systems the comparison sets side by side: CN, US, DE, TW."""
    return tuple(j.code for j in jurisdictions() if j.compared)


def jurisdiction(code: str) -> Jurisdiction | None:
    """The jurisdiction of that code (any case), or None."""
    code = (code or "").upper()
    return next((j for j in jurisdictions() if j.code == code), None)


def jurisdiction_name(code: str, lang: str = "en") -> str:
    """"Germany" for DE; an unknown code is returned as it is."""
    found = jurisdiction(code)
    return found.name(lang) if found else code


def jurisdiction_of_prefix(name: str) -> str | None:
    """The jurisdiction a source id or training file name starts with
    (``cn-cpl-2018`` → CN, ``at-smg-…`` → AT), or None."""
    prefix = (name or "").split("-", 1)[0].lower()
    return next((j.code for j in jurisdictions() if j.prefix == prefix), None)


def order_key(code: str) -> tuple[int, str]:
    """Sort key: listed jurisdictions in the listed order, any other after, by name."""
    codes = jurisdiction_codes()
    return (codes.index(code) if code in codes else len(codes), code or "")


# -- languages -------------------------------------------------------------------------

def _languages() -> tuple[Language, ...]:
    return vocabulary().languages


def language_codes() -> tuple[str, ...]:
    return tuple(lang.code for lang in _languages())


LANGUAGES: tuple[str, ...] = language_codes()      # ('zh', 'en', 'de'), from the data file


def language_tags() -> tuple[str, ...]:
    """Every BCP 47 tag a source's language may have: zh-Hans, zh-Hant, en, de."""
    return tuple(tag for lang in _languages() for tag in lang.tags)


@lru_cache(maxsize=256)
def normalise_lang(value: str | None) -> str | None:
    """``zh`` / ``en`` / ``de`` for a language tag (``zh-Hant``, ``en-US``, ``deu`` …),
    else None."""
    if not value:
        return None
    tag = value.strip().lower().replace("_", "-")
    for lang in _languages():
        names = {lang.code, *(t.lower() for t in lang.tags), *lang.aliases}
        if tag in names or tag.split("-", 1)[0] in names:
            return lang.code
    return None


def script_of_region(region: str | None) -> str | None:
    """Hans or Hant for a region subtag (CN → Hans, TW → Hant), else None."""
    region = (region or "").upper()
    return next((s for s, regions in vocabulary().scripts.items() if region in regions), None)


def bcp47(lang: str | None, source_language: str | None = None,
          jurisdiction_code: str | None = None) -> str | None:
    """The BCP 47 tag of a row: its ``lang`` (zh/en/de) refined by its source's language
    (zh-Hans/zh-Hant) or, failing that, its jurisdiction's script."""
    if source_language and lang and normalise_lang(source_language) == normalise_lang(lang):
        return source_language
    if normalise_lang(lang) == "zh":
        if lang and "-" in lang:
            return lang
        found = jurisdiction(jurisdiction_code or "")
        if found and found.base_language == "zh":
            return found.language
        return "zh-" + next(iter(vocabulary().scripts))     # the first listed script
    return lang or None


# -- Han characters --------------------------------------------------------------------

def _han_class() -> str:
    return "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in vocabulary().han_ranges)


HAN = _han_class()                           # for a character class: f"[{HAN}]"
HAN_RE = re.compile(f"[{HAN}]")


def is_han(char: str) -> bool:
    return bool(char) and HAN_RE.fullmatch(char[0]) is not None


def has_han(text: str) -> bool:
    return HAN_RE.search(text or "") is not None


# -- the one language detector ---------------------------------------------------------

_LATIN_WORD = re.compile(rf"[^\W\d_{HAN}]+")


def detect_language(text: str | None) -> str | None:
    """``zh``, ``en`` or ``de``; None when the text has no letters at all.

    Chinese when its Han characters weigh at least as much as its letters (a Han
    character weighs ``han_weight`` letters, see vocab.yaml), so a Chinese sentence citing
    "Fed. R. Crim. P." stays Chinese and an English sentence with a Chinese term stays
    English. Between
    English and German the cue words of ``vocab.yaml`` are counted, and umlauts and ß
    count for German; a tie (no cue at all) is English.
    """
    if not text:
        return None
    vocab = vocabulary()
    han = len(HAN_RE.findall(text))
    words = _LATIN_WORD.findall(text)
    latin = sum(len(w) for w in words)
    if han == 0 and latin == 0:
        return None
    if han and han * vocab.han_weight >= latin:
        return "zh"
    lowered = [w.lower() for w in words]
    en = sum(w in vocab.cues["en"] for w in lowered)
    de = (sum(w in vocab.cues["de"] for w in lowered)
          + vocab.umlaut_weight * sum(text.count(c) for c in vocab.umlauts))
    return "de" if de > en else "en"


def is_traditional(text: str | None) -> bool:
    """Chinese in Traditional script: enough of its Han characters (``traditional_share``
    of vocab.yaml) are written otherwise in Simplified (協, 條)."""
    han = HAN_RE.findall(text or "")
    if not han:
        return False
    simplified = to_simplified("".join(han))
    changed = sum(a != b for a, b in zip(han, simplified))
    return changed > 0 and changed >= vocabulary().traditional_share * len(han)


def language_tag(text: str | None) -> str | None:
    """The BCP 47 tag of a text no row describes: zh-Hant when it has a Traditional form,
    else zh-Hans (characters common to both read as Simplified); en, de; None without
    letters."""
    lang = detect_language(text)
    if lang != "zh":
        return lang
    return "zh-Hant" if is_traditional(text) else "zh-Hans"


# -- Traditional → Simplified ----------------------------------------------------------

@lru_cache(maxsize=1)
def _t2s():
    import opencc  # only Chinese text needs it
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t():
    import opencc
    return opencc.OpenCC("s2t")


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese, keeping the length (character by character where
    OpenCC's phrase conversion would change it), so an offset in the result is an offset
    in ``text``; text without Han characters is returned as it is."""
    if not has_han(text):
        return text
    out = _t2s().convert(text)
    if len(out) == len(text):
        return out
    conv = _t2s().convert
    return "".join(s if len(s := conv(c)) == 1 else c for c in text)


def to_traditional(text: str) -> str:
    """Simplified → Traditional Chinese (OpenCC s2t); other text unchanged."""
    return _s2t().convert(text) if has_han(text) else text
