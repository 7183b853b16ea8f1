"""Units of texts kept outside the repository, named by file, locator and offsets.

A training label never holds the text it labels (the texts stay in
``../shared/training-texts`` and ``../shared/corpus``); it names the unit as
``doc`` (path relative to the texts root), ``loc`` and ``start``/``end``:

- Markdown and plain text: ``loc`` is empty; offsets index the file decoded as UTF-8.
- JSON: ``loc`` is a JSON Pointer (RFC 6901) to a string; offsets index that string.
- XML: ``loc`` is the element's XPath as lxml's ``getpath`` gives it; offsets index the
  element's text content (``"".join(element.itertext())``).

``sha1`` (the first 12 hex digits of the SHA-1 of the unit's text) detects a changed file.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from lxml import etree

from plea.corpus.errors import PleaError

from ..text import digest


class TextRefError(PleaError, ValueError):
    """A label names text that is not there (missing file, bad locator, changed text)."""


@lru_cache(maxsize=64)
def _file_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


@lru_cache(maxsize=64)
def _json(path: Path):
    return json.loads(_file_text(path))


@lru_cache(maxsize=16)
def _xml(path: Path):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(path.read_bytes(), parser).getroottree()


def _pointer(data, loc: str):
    for raw in loc.split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


def located_text(root: Path, doc: str, loc: str = "") -> str:
    """The whole string that ``start``/``end`` of a label on ``doc``/``loc`` index."""
    path = (root / doc).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        raise TextRefError(f"{doc}: no such file under {root}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            value = _pointer(_json(path), loc)
            if not isinstance(value, str):
                raise TextRefError(f"{doc}: {loc} is not a string")
            return value
        if suffix == ".xml":
            found = _xml(path).xpath(loc)
            if len(found) != 1:
                raise TextRefError(f"{doc}: {loc} matches {len(found)} elements")
            return "".join(found[0].itertext())
    except (KeyError, IndexError, ValueError, etree.XPathError) as exc:
        raise TextRefError(f"{doc}: bad locator {loc!r} ({exc})") from None
    return _file_text(path)


def unit_text(root: Path, doc: str, loc: str, start: int, end: int,
              sha1: str | None = None) -> str:
    """The text a label names; ``TextRefError`` when it is not (or no longer) there."""
    whole = located_text(root, doc, loc)
    if not (0 <= start < end <= len(whole)):
        raise TextRefError(f"{doc} {loc} [{start}:{end}]: outside the text ({len(whole)} chars)")
    text = whole[start:end]
    if sha1 is not None and digest(text) != sha1:
        raise TextRefError(f"{doc} {loc} [{start}:{end}]: text changed (sha1 {digest(text)} != {sha1})")
    return text
