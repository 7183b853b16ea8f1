"""Pinpoints: composing designations into paths, relative units, ranges."""
from __future__ import annotations

import re

from .model import Part
from .works import Work

# A range wider than this ("Articles 1 through 343 were amended") is kept as its two
# ends: listing every unit would drown the references that matter.
MAX_RANGE = 60
_SUFFIXED = re.compile(r"^(\d+)(?:-(\d+))?$")
_ROMAN = re.compile(r"^(?=[ivxlc]+$)m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")


def compose(work: Work, parts: list[Part], context: list[str] | None) -> list[str] | None:
    """The pinpoint for ``parts`` (outermost first) in ``work``.

    Parts that start below the top level are relative: the levels above come from the
    context pinpoint. Levels skipped between two parts are filled with "1" where the
    work allows it (第八十二条第四项 → ["82", "1", "4"]). None when a relative
    designation has no context to hang from.
    """
    if not parts:
        return []
    first = work.level_index(parts[0].level)
    result: list[str] = []
    if first:
        if context is None:
            return None
        result = list(context[:first])
        while len(result) < first:
            if work.levels[len(result)] not in work.implicit:
                return None
            result.append("1")
    for part in parts:
        idx = work.level_index(part.level)
        if idx is None:
            idx = len(result)
        if idx < len(result):
            result = result[:idx]
        while len(result) < idx and work.levels[len(result)] in work.implicit:
            result.append("1")
        result.append(part.value)
    return result


def previous_unit(value: str) -> str | None:
    """The unit before a number: 25 → 24, 455-3 → 455-2, 455-1 → 455."""
    m = _SUFFIXED.match(value)
    if not m:
        return None
    base, suffix = int(m.group(1)), m.group(2)
    if suffix is not None:
        n = int(suffix)
        return f"{base}-{n - 1}" if n > 1 else str(base)
    return str(base - 1) if base > 1 else None


def between(first: str, last: str) -> list[str] | None:
    """The units strictly between the two ends of a range, in order.

    Numbers (58 … 60), numbers with 之 suffixes (213 … 219-1 covers 214–219), single
    letters ((a)–(d)). None when the ends cannot be read as one series or the range is
    too wide to list.
    """
    a, b = _SUFFIXED.match(first), _SUFFIXED.match(last)
    if a and b:
        a_base, a_suf = int(a.group(1)), int(a.group(2) or 0)
        b_base, b_suf = int(b.group(1)), int(b.group(2) or 0)
        if (b_base, b_suf) <= (a_base, a_suf):
            return None
        if a_base == b_base:
            out = [f"{a_base}-{n}" for n in range(a_suf + 1, b_suf)]
        else:
            out = [str(n) for n in range(a_base + 1, b_base + (1 if b_suf else 0))]
            out += [f"{b_base}-{n}" for n in range(1, b_suf)]
        return out if len(out) <= MAX_RANGE else None
    if paren_class(first) == paren_class(last) == "roman":
        lo, hi = _roman_int(first), _roman_int(last)
        out = [_int_roman(n) for n in range(lo + 1, hi)]
        return out if 0 < len(out) <= MAX_RANGE else ([] if hi == lo + 1 else None)
    if (len(first) == len(last) == 1 and first.isalpha() and last.isalpha()
            and first.islower() == last.islower() and first < last):
        return [chr(c) for c in range(ord(first) + 1, ord(last))]
    return None


_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _roman_int(numeral: str) -> int:
    total = 0
    for k, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[numeral[k + 1]] if k + 1 < len(numeral) else 0
        total += -value if nxt > value else value
    return total


def _int_roman(number: int) -> str:
    out = ""
    for value, letters in ((100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"),
                           (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out, number = out + letters, number - value
    return out


def paren_class(value: str) -> str:
    """What kind of number a parenthesised designation is: digit, upper, lower, roman."""
    if value.isdigit():
        return "digit"
    if value.isupper():
        return "upper"
    if _ROMAN.match(value) and value not in ("c", "l", "d"):
        return "roman"
    return "lower"

