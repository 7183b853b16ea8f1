"""The cue regexes' literal prefilter (``annotate/prefilter.py``) changes no answer: the
literals it reads from a pattern are ones every match contains, and on the corpus's units
the rule tagger, the context test and the binding cues give with it what they give without."""
from __future__ import annotations

import dataclasses
import re

import pytest

from plea.annotate.prefilter import Prefiltered, prefiltered, required_literals
from plea.annotate.rules import LANGUAGES, load_rules


@pytest.mark.parametrize("pattern, flags, literals", [
    (r"\bpleas?\b(?!\s+of\s+not\s+guilty)", re.I, {"plea"}),
    (r"plea(?:s)? (?:agree|bargain)ments?", 0, {"agree", "bargain"}),   # the most selective part
    (r"(?<!不)认罪认罚|量刑建议", 0, {"认罪认罚", "量刑建议"}),
    (r"[Vv]erständig(?:ung|en)", re.I, {"erständig"}),
    (r"Absprache", re.I, {"absprache"}),                                  # lower-cased
    (r"a?b", 0, {"b"}),
    (r"(?:xa|yb)+", 0, {"xa", "yb"}),
])
def test_required_literals(pattern, flags, literals):
    assert required_literals(re.compile(pattern, flags)) == literals


@pytest.mark.parametrize("pattern, flags", [
    (r"(?:a|)b?", 0),          # a branch that can match the empty string
    (r"a*", 0),                # repeated zero times
    (r"[ab]c?", 0),            # a class names no literal
    (r"(?=plea)", 0),          # a lookahead consumes nothing
    (r"(?i:plea)", 0),         # a group with its own flags is not read
    (r"ſtrafe", re.I),         # a literal with a special case-insensitive form
])
def test_no_literal_is_claimed_where_a_match_may_avoid_it(pattern, flags):
    assert required_literals(re.compile(pattern, flags)) is None


@pytest.mark.parametrize("text", [
    "STRAFE", "ſtrafe", "Strafe", "İstrafe", "no cue here", "",
])
def test_case_insensitive_answers_equal_the_regex(text):
    """ſ matches s and İ lower-cases to two characters: such texts are searched as they are."""
    regex = re.compile(r"(?:strafe)|(?:absprache)", re.I)
    filtered = prefiltered(regex, ["strafe", "absprache"])
    assert isinstance(filtered, Prefiltered)
    assert [m.span() for m in filtered.finditer(text)] == [m.span() for m in regex.finditer(text)]


def test_only_the_alternatives_that_may_match_are_searched():
    regex = re.compile(r"(?:plea\w*)|(?:\bbargain)|(?:\d+)")
    filtered = prefiltered(regex, [r"plea\w*", r"\bbargain", r"\d+"])
    assert filtered.search("nothing") is None
    assert filtered.search("a bargain, 12 pleas").group() == "bargain"   # the leftmost wins
    assert [m.group() for m in filtered.finditer("pleas 3 bargain")] == ["pleas", "3", "bargain"]


def _patterns(value):
    """Every prefiltered regex held in a RuleSet (its dicts, tuples and dataclasses)."""
    if isinstance(value, Prefiltered):
        yield value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _patterns(getattr(value, field.name))
    elif isinstance(value, dict):
        for v in value.values():
            yield from _patterns(v)
    elif isinstance(value, (tuple, list, frozenset)):
        for v in value:
            yield from _patterns(v)


def _without_prefilter(run):
    from plea.annotate.taggers import rule

    Prefiltered.enabled = False
    rule._has_context_folded.cache_clear()
    try:
        return run()
    finally:
        Prefiltered.enabled = True
        rule._has_context_folded.cache_clear()


@pytest.fixture(scope="module")
def corpus_units(built_db):
    import sqlite_utils

    from plea.annotate.stage import read_units

    return [u.as_unit() for u in read_units(sqlite_utils.Database(built_db))]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_pattern_answers_as_the_regex_on_corpus_texts(corpus_units, lang):
    from plea.annotate.text import fold

    rules = load_rules(lang)
    patterns = list(_patterns(rules))
    assert any(p in patterns for p in rules.context.values())
    assert all(p in patterns for p in rules.binding.values())   # zh has no binding cues
    texts = {fold(t, rules.script_fold) for u in corpus_units[::7] if u.lang == lang
             for t in (u.text, u.context or "")}
    for pattern in patterns:
        for text in texts:
            assert ([m.span() for m in pattern.finditer(text)]
                    == [m.span() for m in pattern.regex.finditer(text)]), (pattern, text)


def test_rule_tagger_on_the_corpus_equals_the_unfiltered_run(corpus_units):
    from plea.annotate.taggers.combined import _binding
    from plea.annotate.taggers.rule import RuleTagger, may_carry_codes

    tagger = RuleTagger()
    langs = [u.lang for u in corpus_units]

    def run():
        return (tagger.analyse(corpus_units, langs),
                [may_carry_codes(u, u.lang) for u in corpus_units],
                [_binding(u.lang, u.text) for u in corpus_units])

    filtered = run()
    plain = _without_prefilter(run)
    assert filtered[0] == plain[0]
    assert filtered[1] == plain[1]
    assert filtered[2] == plain[2]
    assert sum(t is not None for t in filtered[2]) > 0      # binding cues were found
