"""Plain text and Markdown: one paragraph per line (text) or per block (Markdown).

Encodings and line endings are settled by :func:`plea.corpus.textio.decode` (UTF-8, UTF-8
with a BOM, GB18030). Markdown keeps only the words: heading marks, emphasis and
backslash escapes are markup.
"""
from __future__ import annotations

import re

from ..textio import decode
from ..vocab import HAN

_HEADING = re.compile(r"^#{1,6}\s*")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# a line ending in a Han character or CJK / full-width punctuation joins the next unspaced
_CJK_END = re.compile(f"[\u3000-\u303f{HAN}\uff00-\uffef]$")


def read(data: bytes, path: str, *, lang: str | None = "zh") -> tuple[list[str], list[str]]:
    text = decode(data, path, lang=lang)
    lines = text.split("\n")
    markdown = path.lower().endswith((".md", ".markdown")) or any(
        _HEADING.match(line) for line in lines)
    return _markdown(lines) if markdown else _plain(lines)


def _plain(lines: list[str]) -> tuple[list[str], list[str]]:
    paragraphs, places = [], []
    for number, line in enumerate(lines, 1):
        if line.strip():
            paragraphs.append(line)
            places.append(f"line {number}")
    return paragraphs, places


def _markdown(lines: list[str]) -> tuple[list[str], list[str]]:
    """A Markdown block is one paragraph; a heading is always a paragraph of its own."""
    paragraphs: list[str] = []
    places: list[str] = []
    open_block = False
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            open_block = False
            continue
        heading = bool(_HEADING.match(line))
        line = _ESCAPE.sub(r"\1", _EMPHASIS.sub(r"\2", _HEADING.sub("", line)))
        if open_block and not heading:
            # A hard-wrapped line: Chinese joins without a space, other text with one.
            joiner = "" if _CJK_END.search(paragraphs[-1]) else " "
            paragraphs[-1] += joiner + line
            continue
        paragraphs.append(line)
        places.append(f"line {number}")
        open_block = not heading
    return paragraphs, places
