"""Printed numbers ↔ normalised numbers.

Chinese numerals go through cn2an (第二百零一条 → 201); 之一 suffixes become
``-1`` (第十五条之一 → ``15-1``), as do Taiwanese ``455-2`` and German ``257c``
stays as printed. Roman numerals for US titles and clauses are read here too.
"""
from __future__ import annotations

import re

import cn2an

CN_DIGITS = "零〇一二三四五六七八九十百千万两"
_CN_NUMBER = re.compile(f"^[{CN_DIGITS}]+$")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def cn_to_int(numeral: str) -> int:
    """``二百零一`` → 201. Raises ValueError for anything that is not a Chinese numeral."""
    numeral = numeral.strip()
    if numeral.isdigit():
        return int(numeral)
    if not _CN_NUMBER.match(numeral):
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    return int(cn2an.cn2an(numeral, "smart"))


def int_to_cn(number: int) -> str:
    """201 → ``二百零一`` (the form statutes print)."""
    return cn2an.an2cn(number, "low")


def article_key(base: str, suffix: str | None = None) -> str:
    """Normalised article number: ``("十五", "一")`` → ``"15-1"``."""
    key = str(cn_to_int(base))
    if suffix:
        key += f"-{cn_to_int(suffix)}"
    return key


def roman_to_int(numeral: str) -> int:
    total, previous = 0, 0
    for ch in reversed(numeral.lower()):
        value = _ROMAN[ch]
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total
