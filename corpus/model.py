"""The document model every parser produces: plain dataclasses, no I/O.

A parser turns one source file into a :class:`Document`: a tree of :class:`Node`
objects in reading order. Containers (编/章/节, Part, Abschnitt), provisions
(articles, paragraphs, items, rule subdivisions, scholarly paragraphs),
commentary (Advisory Committee notes, guideline commentary) and bibliography
entries are all nodes, so that reading order — and the fidelity check that
rests on it — is one walk of one tree. The database build routes each kind to
its own table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

# What a node is; the build stores each kind in its own table.
CONTAINER = "container"        # 编/章/节, Title, Part, Abschnitt: structure only
PROVISION = "provision"        # citable normative (or scholarly) text
COMMENTARY = "commentary"      # notes attached to the nearest provision above
BIBLIOGRAPHY = "bibliography"  # a reference-list entry of a scholarly source
KINDS = (CONTAINER, PROVISION, COMMENTARY, BIBLIOGRAPHY)


@dataclass
class Node:
    """One unit of a source.

    ``eid`` is an Akoma Ntoso-style id, unique within the source
    (``art_201__para_1__item_3``, ``rule_11__subsec_c__para_1__subpara_C``).
    The printed text of the node, in reading order, is
    ``num + heading + text + <children> + wrapup``; nothing of the source body
    may live anywhere else (see :mod:`plea.corpus.fidelity`).
    """

    eid: str
    level: str
    kind: str = PROVISION
    num: str | None = None        # as printed: "第二百零一条", "(c)", "§ 257c"
    num_norm: str | None = None   # normalised: "201", "c", "257c", "15-1"
    heading: str | None = None
    text: str = ""                # the node's own text (chapeau), children excluded
    wrapup: str | None = None     # continuation text printed after the children
    citation: str | None = None   # as a scholar writes it
    lang: str | None = None       # when it differs from the source's language
    line: int | None = None       # where it starts in the file, for messages
    attrs: dict = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)

    def walk(self, parent: Node | None = None) -> Iterator[tuple[Node, Node | None]]:
        """Yield (node, parent) pairs in reading order."""
        yield self, parent
        for child in self.children:
            yield from child.walk(self)

    def printed(self) -> str:
        """The node's own printed pieces (children excluded), in order."""
        return "".join(p for p in (self.num, self.heading, self.text) if p)


@dataclass
class Document:
    """A parsed source: the node tree plus what the fidelity check compares.

    ``body_text`` is the source body as the parser reads it with markup
    removed, computed *independently* of the node tree (e.g. every text line
    of the body), so that text dropped or duplicated by the tree is caught.
    ``meta`` holds what sits outside the body: history lines, front matter,
    authors, abstract metadata, DOI.
    """

    title: str
    nodes: list[Node]
    body_text: str
    meta: dict = field(default_factory=dict)

    def walk(self) -> Iterator[tuple[Node, Node | None]]:
        for root in self.nodes:
            yield from root.walk(None)

    def count(self, level: str) -> int:
        return sum(1 for node, _ in self.walk() if node.level == level)

    def find(self, eid: str) -> Node | None:
        return next((n for n, _ in self.walk() if n.eid == eid), None)


@dataclass
class ParseContext:
    """What a parser knows about the source it reads."""

    source_id: str
    path: str                      # shown in error messages
    lang: str = "en"
    short_title: str = ""          # used in citations: 刑事诉讼法, StPO
    options: dict = field(default_factory=dict)
