"""Cue data per language (``annotate/patterns/<lang>.yaml``), validated and compiled.

The YAML files hold every word the tagger reacts to; this module only turns them
into regular expressions. ``{name}`` in a pattern expands a macro of the same
file; ``{S}`` in a role template stands for a group of subject mentions.
Patterns written in Traditional Chinese are folded to Simplified like the text,
so either script may be used in the data.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import jsonschema
import yaml

from plea.corpus.errors import PleaError
from plea.corpus.vocab import LANGUAGES

from .prefilter import Prefiltered, prefiltered
from .text import fold

PATTERNS = Path(__file__).resolve().parent / "patterns"
SUBJECT_MARK = "\ue000"          # private-use character that stands in for a subject group
SCOPES = ("clause", "sentence", "unit", "before", "after", "near")


class RulesError(PleaError, ValueError):
    """A pattern file is missing or invalid."""


@dataclass(frozen=True)
class Condition:
    regex: re.Pattern
    scope: str                    # one of SCOPES
    window: int | None = None     # for before/after/near: characters to look at
    within: str = "sentence"      # before/after/near stop at the sentence or the clause


@dataclass(frozen=True)
class CodeRule:
    id: str
    code: str
    cue: re.Pattern
    context: str                  # none | sentence | unit
    accept: frozenset[str]        # context kinds that satisfy the rule
    require: tuple[Condition, ...] = ()
    exclude: tuple[Condition, ...] = ()
    actor: frozenset[str] = frozenset()
    not_actor: frozenset[str] = frozenset()
    inherit: bool = False         # the cue may sit in the lead-in of a list item
    confidence: float = 0.8


@dataclass(frozen=True)
class RoleTemplate:
    id: str
    role: str                     # a codebook role, or "default"
    regexes: tuple[re.Pattern, ...]   # each has a named group S
    codes: frozenset[str] = frozenset()   # only for these subjects (empty: all)
    # never for these: a court's consent is review, not consultation (labelling rule 10)
    not_codes: frozenset[str] = frozenset()

    def applies_to(self, codes: tuple[str, ...]) -> bool:
        mine = set(codes)
        if self.codes and not mine & self.codes:
            return False
        return not (self.not_codes and mine <= self.not_codes)


@dataclass(frozen=True)
class RuleSet:
    lang: str
    script_fold: str | None
    flags: int
    sentence_boundary: re.Pattern
    clause_boundary: re.Pattern
    abbreviations: frozenset[str]
    context: dict[str, re.Pattern]            # kind -> cue regex
    subjects: dict[str, re.Pattern]           # code -> mention regex
    subject_ignore: re.Pattern | None
    subject_negation: re.Pattern | None       # matched against the text just before a mention
    subject_join: re.Pattern                  # what may stand between mentions of one group
    standalone: frozenset[str]                # subjects tagged with a role even outside a plea
    roles: tuple[RoleTemplate, ...]
    modality: dict[str, re.Pattern]           # modality -> cue regex, in precedence order
    # modality -> cue regex for the force of an agreement on the court (labelling rule 11);
    # also part of ``modality``
    binding: dict[str, re.Pattern]
    exception: re.Pattern | None
    proposal: re.Pattern | None
    codes: tuple[CodeRule, ...]
    version: str
    subject_determiner: re.Pattern | None = None  # "the", "des" … joined to a mention

    @cached_property
    def contextless(self) -> bool:
        """Whether some rule fires without any plea context (asked for every unit: kept)."""
        return any(r.context == "none" for r in self.codes)


_MACRO = re.compile(r"\{([a-z][a-z_0-9]*)\}")


def _expand(pattern: str, macros: dict[str, str], where: str) -> str:
    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in macros:
            raise RulesError(f"{where}: unknown macro {{{name}}} in {pattern!r}")
        return f"(?:{macros[name]})"
    for _ in range(5):                        # macros may use macros
        new = _MACRO.sub(sub, pattern)
        if new == pattern:
            return new
        pattern = new
    return pattern


class _Compiler:
    def __init__(self, data: dict, where: str):
        self.where = where
        self.fold = data.get("fold")
        self.flags = re.IGNORECASE if data.get("ignore_case") else 0
        raw = {k: (v if isinstance(v, str) else "|".join(v)) for k, v in
               (data.get("macros") or {}).items()}
        self.macros = {k: self._fold(v) for k, v in raw.items()}

    def _fold(self, pattern: str) -> str:
        return fold(pattern, self.fold) if self.fold else pattern

    def one(self, pattern: str, what: str) -> str:
        return _expand(self._fold(pattern), self.macros, f"{self.where} {what}")

    def compile(self, patterns, what: str) -> re.Pattern | Prefiltered:
        """One regex for the patterns, behind the literal prefilter (``annotate/prefilter.py``):
        most units hold none of a cue's words, and the filter answers that faster."""
        if isinstance(patterns, str):
            patterns = [patterns]
        alternatives = [self.one(p, what) for p in patterns]
        return prefiltered(self._re("|".join(f"(?:{a})" for a in alternatives), what),
                           alternatives)

    def templates(self, patterns, what: str) -> tuple[re.Pattern | Prefiltered, ...]:
        if isinstance(patterns, str):
            patterns = [patterns]
        out = []
        for p in patterns:
            text = self.one(p, what)
            if text.count("{S}") != 1:
                raise RulesError(f"{self.where} {what}: a role template needs exactly one "
                                 f"{{S}}: {p!r}")
            # The group is matched whole: a template must not start inside a placeholder run
            # ("向{S}" would otherwise match from its second character).
            source = text.replace(
                "{S}", f"(?<!{SUBJECT_MARK})(?P<S>{SUBJECT_MARK}+)(?!{SUBJECT_MARK})")
            out.append(prefiltered(self._re(source, what), [source]))
        return tuple(out)

    def _re(self, text: str, what: str) -> re.Pattern:
        try:
            return re.compile(text, self.flags)
        except re.error as exc:
            raise RulesError(f"{self.where} {what}: bad pattern: {exc}") from exc

    def conditions(self, items, what: str) -> tuple[Condition, ...]:
        return tuple(Condition(self.compile(c["any"], what), c.get("in", "sentence"),
                               c.get("window"), c.get("within", "sentence")) for c in items or ())


def _schema() -> dict:
    return json.loads((PATTERNS / "patterns.schema.json").read_text(encoding="utf-8"))


def parse_rules(data: dict, where: str) -> RuleSet:
    errors = list(jsonschema.Draft202012Validator(_schema()).iter_errors(data))
    if errors:
        e = errors[0]
        path = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        raise RulesError(f"{where}: invalid pattern file at {path}: {e.message}")
    c = _Compiler(data, where)
    seg = data["segments"]
    subj = data["subjects"]
    codes = []
    seen: set[str] = set()
    for r in data["codes"]:
        if r["id"] in seen:
            raise RulesError(f"{where}: rule id {r['id']!r} is used twice")
        seen.add(r["id"])
        codes.append(CodeRule(
            id=r["id"], code=r["code"], cue=c.compile(r["cues"], r["id"]),
            context=r.get("context", "sentence"),
            accept=frozenset(r.get("accept", ["plea"])),
            require=c.conditions(r.get("require"), r["id"]),
            exclude=c.conditions(r.get("exclude"), r["id"]),
            actor=frozenset(r.get("actor", ())), not_actor=frozenset(r.get("not_actor", ())),
            inherit=bool(r.get("inherit", False)), confidence=float(r.get("confidence", 0.8))))
    roles = tuple(RoleTemplate(t["id"], t["role"], c.templates(t["patterns"], t["id"]),
                               frozenset(t.get("codes", ())), frozenset(t.get("not_codes", ())))
                  for t in data["roles"])
    mod = data["modality"]
    binding = data.get("binding") or {}
    order = ("prohibition", "presumptive", "permission", "obligation")
    return RuleSet(
        lang=data["lang"], script_fold=c.fold, flags=c.flags,
        sentence_boundary=c.compile(seg["sentence"], "segments.sentence"),
        clause_boundary=c.compile(seg["clause"], "segments.clause"),
        abbreviations=frozenset(a.lower() for a in seg.get("abbreviations", ())),
        context={k: c.compile(v, f"context.{k}") for k, v in data["context"].items()},
        subjects={code: c.compile(_bounded(p) if subj.get("word_boundary") else p, code)
                  for code, p in subj["codes"].items()},
        subject_ignore=c.compile(subj["ignore"], "subjects.ignore") if subj.get("ignore") else None,
        subject_negation=(c.compile(subj["negation"], "subjects.negation")
                          if subj.get("negation") else None),
        subject_join=c.compile(subj["join"], "subjects.join"),
        standalone=frozenset(subj.get("standalone", ())),
        subject_determiner=(c.compile(subj["determiner"], "subjects.determiner")
                            if subj.get("determiner") else None),
        roles=roles,
        modality={k: c.compile(_listed(mod.get(k)) + _listed(binding.get(k)), f"modality.{k}")
                  for k in order if mod.get(k) or binding.get(k)},
        binding={k: c.compile(binding[k], f"binding.{k}") for k in order if binding.get(k)},
        exception=c.compile(mod["exception"], "modality.exception") if mod.get("exception") else None,
        proposal=c.compile(mod["proposal"], "modality.proposal") if mod.get("proposal") else None,
        codes=tuple(codes), version=str(data.get("version", 1)))


def _listed(patterns) -> list[str]:
    return [patterns] if isinstance(patterns, str) else list(patterns or ())


def _bounded(patterns) -> list[str]:
    """Mentions end at a word boundary: "prosecutor" must not match in "prosecutorial"."""
    return [f"(?:{p})\\b" for p in ([patterns] if isinstance(patterns, str) else patterns)]


@lru_cache(maxsize=None)
def load_rules(lang: str) -> RuleSet:
    """The compiled cue data for ``lang`` (cached: components of one pipeline share it)."""
    if lang not in LANGUAGES:
        raise RulesError(f"no pattern file for language {lang!r} (have {', '.join(LANGUAGES)})")
    path = PATTERNS / f"{lang}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"cannot load {path}: {exc}") from exc
    return parse_rules(data, str(path))


def check_codes(rules: RuleSet, known: set[str]) -> None:
    """Every code the data names must be in the codebook."""
    named = {r.code for r in rules.codes} | set(rules.subjects)
    unknown = sorted(named - known)
    if unknown:
        raise RulesError(f"patterns/{rules.lang}.yaml names codes not in the codebook: "
                         f"{', '.join(unknown)}")
