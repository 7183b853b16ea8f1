"""eIds: made by one function, kept unique by one check.

Every node's eId is its parent's eId, ``__``, and its own part: the prefix of the element
it is (``eids.toml``: article → ``art``, paragraph → ``para``) and its number, as Akoma
Ntoso names components and as Laws.Africa's bluebell does with an id generator walking
the tree. So ``art_201__para_1__item_3`` is item 3 of the first 款 of article 201, and
the same text parsed twice — or its translation — gets the same ids.

    make_eid("art_201", "paragraph", 1)      -> "art_201__para_1"
    make_eid(None, "chapter", "3")           -> "chp_3"
    make_eid("sec_2", "commentary")          -> "sec_2__cmt"   (an element with no number)

Where a format numbers a unit uniquely in the whole work (articles, rules, US Code and
Guidelines sections) the parser passes ``None`` as parent, so the id does not change
when the unit moves to another chapter.

A repeated eId is resolved one way: the first node keeps it and each later one is
renamed ``<eId>_dup2``, ``_dup3`` … in reading order, so every node keeps a stable row
(the US Code prints two subsections "(c)" in places). A parser whose format must never
repeat a number makes its :class:`EidSet` with ``refuse_repeats=True``, which raises a
:class:`~corpus.errors.SourceError` naming both lines instead.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..errors import SourceError
from ..model import Node

SEPARATOR = "__"
PREFIXES: dict[str, str] = tomllib.loads(
    (Path(__file__).with_name("eids.toml")).read_text(encoding="utf-8"))["prefixes"]
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def make_eid(parent: str | Node | None, element: str, number: str | int | None = None) -> str:
    """The eId of an ``element`` numbered ``number`` under ``parent`` (an eId, a node or None)."""
    try:
        own = PREFIXES[element]
    except KeyError:
        raise KeyError(f"no eId prefix for {element!r} in eids.toml") from None
    if number is not None and number != "":
        own = f"{own}_{number}" if own else str(number)
    parent_eid = parent.eid if isinstance(parent, Node) else parent
    return f"{parent_eid}{SEPARATOR}{own}" if parent_eid else own


def number_token(printed: str) -> str:
    """A printed number made safe for an eId: runs of other characters become ``-``
    (``5.1`` → ``5-1``, ``2(a)`` → ``2-a``)."""
    return _UNSAFE.sub("-", printed).strip("-")


class EidSet:
    """The eIds given out in one document, and the one check that keeps them unique."""

    def __init__(self, path: str, *, refuse_repeats: bool = False):
        self.path = path
        self.refuse_repeats = refuse_repeats
        self.first_line: dict[str, int | None] = {}

    def __contains__(self, eid: str) -> bool:
        return eid in self.first_line

    def claim(self, eid: str, line: int | None = None, *, message: str | None = None,
              where: str | None = None) -> str:
        """``eid`` if it is new; else the repeat resolved (see the module) or refused with
        ``message`` (default: the eId and both lines)."""
        if eid not in self.first_line:
            self.first_line[eid] = line
            return eid
        if self.refuse_repeats:
            first = self.first_line[eid]
            at = f" (first at line {first})" if first is not None else ""
            raise SourceError(self.path, message or f"{eid} appears twice{at}", line=line,
                              where=where)
        n = 2
        while f"{eid}_dup{n}" in self.first_line:
            n += 1
        renamed = f"{eid}_dup{n}"
        self.first_line[renamed] = line
        return renamed

    def move(self, node: Node, old_parent: str, new_parent: str) -> None:
        """Re-root the eIds of ``node`` and its descendants from ``old_parent`` to
        ``new_parent`` (a 款 found after its items: they move under ``…__para_1``)."""
        for child, _ in node.walk():
            if child.eid.startswith(old_parent + SEPARATOR):
                line = self.first_line.pop(child.eid, child.line)
                child.eid = self.claim(new_parent + child.eid[len(old_parent):], line)

    def give(self, node: Node, parent: str | Node | None, element: str,
             number: str | int | None = None, **kw) -> Node:
        """Make ``node``'s eId (:func:`make_eid`), claim it and return the node."""
        node.eid = self.claim(make_eid(parent, element, number), node.line, **kw)
        return node
