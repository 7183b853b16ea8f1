"""A literal prefilter for the cue regexes: skip a search that cannot match.

Most units contain none of a rule's cue words, yet every cue, context and condition regex
is run over every unit. From a pattern's parse tree we take a set of literal strings one of
which every match must contain (a run of plain characters the match cannot avoid; for an
alternation, one such string per branch). A text holding none of them cannot match, and
testing that with ``str.__contains__`` is much cheaper than the regex engine's scan.

The answers are those of the regex itself: a pattern with no literal it must contain is
left as it is, and a case-insensitive pattern is checked on a lower-cased text only where
lower-casing is the regex engine's own case rule (``_case_folded``).
"""
from __future__ import annotations

import re
import re._casefix as _casefix
import re._constants as C
import re._parser as _parser
from functools import lru_cache
from typing import Iterator

_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)
# characters whose case-insensitive matches go beyond one lower-case form (ſ matches s, ı
# matches i, the Greek sigmas each other …): a text or literal holding one is not filtered.
# Their ASCII partners (s, i, k) are safe: a text without the exotic forms matches them
# exactly where its lower-cased form holds them.
_EXTRA = {chr(c) for key, values in _casefix._EXTRA_CASES.items() for c in (key, *values)}
_SPECIAL_CASES = frozenset(c for c in _EXTRA | {x.upper() for x in _EXTRA}
                           | {x.lower() for x in _EXTRA} | set("Σσς") if not c.isascii())

Needed = frozenset[str]


def _best(options: list[Needed]) -> Needed | None:
    """The most selective set: its shortest literal the longest, then the fewest literals."""
    return max(options, key=lambda s: (min(map(len, s)), -len(s))) if options else None


def _needed(items) -> Needed | None:
    """Literals one of which every match of the parsed sequence ``items`` contains, or None."""
    options: list[Needed] = []
    run: list[str] = []
    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        if run:                                  # a run of plain characters ends here
            options.append(frozenset(["".join(run)]))
            run = []
        sub: Needed | None = None
        if op is C.SUBPATTERN and not (av[1] or av[2]):   # a group without its own flags
            sub = _needed(av[3])
        elif op is C.ATOMIC_GROUP:
            sub = _needed(av)
        elif op is C.BRANCH:
            branches = [_needed(p) for p in av[1]]
            if all(branches):                    # every branch must name a literal
                sub = frozenset().union(*branches)
        elif op in _REPEATS and av[0] >= 1:      # repeated at least once
            sub = _needed(av[2])
        # anything else (classes, anchors, lookarounds, back-references) names no literal
        if sub:
            options.append(sub)
    if run:
        options.append(frozenset(["".join(run)]))
    return _best(options)


def required_literals(regex: re.Pattern) -> Needed | None:
    """Literals one of which every match of ``regex`` contains (lower-cased for a
    case-insensitive pattern), or None when the pattern names none it cannot avoid."""
    if regex.flags & re.LOCALE or not isinstance(regex.pattern, str):
        return None
    needed = _needed(_parser.parse(regex.pattern, regex.flags))
    if needed is None or not regex.flags & re.IGNORECASE:
        return needed
    lowered = frozenset(s.lower() for s in needed)
    if any(len(a) != len(a.lower()) or _SPECIAL_CASES & set(a) for a in needed):
        return None
    return lowered


@lru_cache(maxsize=512)
def _case_folded(text: str) -> str | None:
    """``text`` lower-cased as a case-insensitive regex compares characters, or None when
    str.lower would differ from that (a length change, a character with special cases).
    Cached: the same unit text is asked about by every rule of a language."""
    low = text.lower()
    if len(low) != len(text) or not _SPECIAL_CASES.isdisjoint(text):
        return None
    return low


# the alternation subsets compiled per pattern: compiling costs a millisecond or so, and
# the subsets that recur (one alternative, the commonest pairs) come first
_SUBSETS = 8
_CHOSEN = 4096    # literal combinations whose regex is remembered, per pattern


class Prefiltered:
    """A compiled alternation ``(?:a)|(?:b)|…`` whose searches first ask which of its
    alternatives could match the text: an alternative none of whose required literals
    occur is dropped. With none left nothing is searched; with some dropped, the regex of
    the others (compiled once per such subset) is searched instead. Dropping alternatives
    that match nowhere in the text leaves every answer of the regex as it was: a match is
    the first alternative that succeeds at the leftmost position, and a dropped one never
    succeeds. Other attributes are the full pattern's own."""

    # while False, every search runs the full pattern (the tests compare the two)
    enabled = True

    def __init__(self, regex: re.Pattern, alternatives: list[str], needed: list[Needed | None]):
        self.regex = regex
        self.alternatives = alternatives
        self.fold_case = bool(regex.flags & re.IGNORECASE)
        self.always = frozenset(i for i, n in enumerate(needed) if n is None)
        # literal -> the alternatives it may stand for
        self.owners: dict[str, set[int]] = {}
        for i, literals in enumerate(needed):
            for literal in _minimal(literals or ()):
                self.owners.setdefault(literal, set()).add(i)
        self.literals = tuple(sorted(self.owners))
        self._subsets: dict[frozenset[int], re.Pattern] = {}
        self._chosen: dict[tuple[str, ...], re.Pattern] = {}

    def _for(self, string: str) -> re.Pattern | None:
        """The regex to run on ``string`` (None: no match possible anywhere in it)."""
        if not Prefiltered.enabled:
            return self.regex
        text = string
        if self.fold_case:
            text = _case_folded(string)
            if text is None:
                return self.regex
        found = tuple(filter(text.__contains__, self.literals))
        if not found and not self.always:
            return None
        regex = self._chosen.get(found)
        if regex is None:            # the same literals recur from unit to unit
            regex = self._choose(found)
            if len(self._chosen) < _CHOSEN:
                self._chosen[found] = regex
        return regex

    def _choose(self, found: tuple[str, ...]) -> re.Pattern:
        """The regex of the alternatives the ``found`` literals (and those naming none)
        leave live: the full pattern when all are, else a compiled subset."""
        live = frozenset(self.always.union(*(self.owners[lit] for lit in found)))
        if len(live) == len(self.alternatives):
            return self.regex
        regex = self._subsets.get(live)
        if regex is None:
            if len(live) > 1 and len(self._subsets) >= _SUBSETS:
                return self.regex
            regex = self._subsets[live] = re.compile(
                "|".join(f"(?:{self.alternatives[i]})" for i in sorted(live)), self.regex.flags)
        return regex

    def search(self, string: str, *args) -> re.Match | None:
        regex = self._for(string)
        return regex.search(string, *args) if regex is not None else None

    def match(self, string: str, *args) -> re.Match | None:
        regex = self._for(string)
        return regex.match(string, *args) if regex is not None else None

    def fullmatch(self, string: str, *args) -> re.Match | None:
        regex = self._for(string)
        return regex.fullmatch(string, *args) if regex is not None else None

    def finditer(self, string: str, *args) -> Iterator[re.Match]:
        regex = self._for(string)
        return regex.finditer(string, *args) if regex is not None else iter(())

    def findall(self, string: str, *args) -> list:
        regex = self._for(string)
        return regex.findall(string, *args) if regex is not None else []

    def __getattr__(self, name: str):
        return getattr(self.regex, name)

    def __repr__(self) -> str:
        return f"Prefiltered({self.regex!r})"


def _minimal(literals) -> list[str]:
    """The literals without those holding another ("agreed" beside "agree" adds nothing)."""
    return [a for a in literals if not any(b != a and b in a for b in literals)]


def prefiltered(regex: re.Pattern, alternatives: list[str]) -> re.Pattern | Prefiltered:
    """``regex`` — the alternation of ``alternatives``, each wrapped in ``(?:…)`` — with the
    prefilter, when some alternative names literals it cannot avoid; else ``regex`` itself."""
    try:
        needed = [required_literals(re.compile(a, regex.flags)) for a in alternatives]
    except re.error:                 # an alternative that is no regex alone: not filtered
        return regex
    if all(n is None for n in needed):
        return regex
    return Prefiltered(regex, alternatives, needed)
