"""Pieces shared by the Markdown parsers (German statutes, US Code chunks, FRE).

* front matter: a YAML block between ``---`` lines at the top of the file;
* blocks: Markdown paragraphs (runs of non-blank lines), with their indentation,
  so list items and their continuation paragraphs can be told apart;
* Markdown backslash escapes (``126\\.`` keeps a line from reading as a list item);
* placing children, text and wrapup on a node without breaking reading order;
* the US enumerator outline: flat ``(1)`` / ``(A)`` / ``(i)`` / ``(I)`` lines whose
  level must be inferred from the enumerator and what is open above it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from ..errors import SourceError
from ..model import Node
from .eids import EidSet

FENCE = "---"
# A backslash before ASCII punctuation is Markdown escaping, not text.
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def split_front_matter(text: str, path: str, *, required: bool = False) -> tuple[dict, int]:
    """Parse a leading ``---`` YAML block; return (data, index of the first line after it).

    Without front matter the result is ``({}, 0)`` (or a SourceError when ``required``).
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        if required:
            raise SourceError(path, "expected front matter starting with '---'", line=1)
        return {}, 0
    for i in range(1, len(lines)):
        if lines[i].strip() in (FENCE, "..."):
            break
    else:
        raise SourceError(path, "front matter opened with '---' is never closed", line=1)
    raw = "\n".join(lines[1:i])
    try:
        data = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1   # +1 for 1-based, +1 for the fence
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise SourceError(path, f"front matter is not valid YAML: {problem}", line=line) from None
    if not isinstance(data, dict):
        raise SourceError(path, "front matter is not a mapping of keys to values", line=2)
    return data, i + 1


@dataclass
class Block:
    """A Markdown paragraph: consecutive non-blank lines."""

    line: int                 # 1-based line of the first line
    indent: int               # columns of leading spaces on the first line
    lines: list[str]          # the lines, right-stripped, indentation kept
    blank_before: int = 0     # blank lines between this block and the previous one

    @property
    def first(self) -> str:
        return self.lines[0].strip()

    def joined(self, skip: int = 0) -> str:
        """The block as one line: hard-wrapped lines joined with single spaces.

        ``skip`` characters are dropped from the (stripped) first line, e.g. an enumerator.
        """
        parts = [self.first[skip:].strip()] + [ln.strip() for ln in self.lines[1:]]
        return " ".join(p for p in parts if p)


def split_blocks(lines: list[str], first_lineno: int = 1) -> list[Block]:
    """Group ``lines`` into blocks; ``first_lineno`` is the file line of ``lines[0]``."""
    blocks: list[Block] = []
    current: Block | None = None
    blanks = 0
    for offset, raw in enumerate(lines):
        line = raw.rstrip()
        if not line.strip():
            current = None
            blanks += 1
            continue
        if current is None:
            indent = len(line) - len(line.lstrip(" "))
            current = Block(first_lineno + offset, indent, [], blanks)
            blocks.append(current)
            blanks = 0
        current.lines.append(line)
    return blocks


def unescape(text: str) -> str:
    return ESCAPE.sub(r"\1", text)


def tidy_space(text: str) -> str:
    """Narrow / no-break spaces as plain spaces (``§\u202f3553`` -> ``§ 3553``)."""
    return re.sub(r"[\u00a0\u2007\u202f]", " ", text)


# --- placing text on nodes -------------------------------------------------------

def append_text(node: Node, text: str) -> None:
    """Another paragraph of the node's own text (before any children)."""
    node.text = f"{node.text}\n{text}" if node.text else text


def append_wrapup(node: Node, text: str) -> None:
    """Another paragraph of the text printed after the node's children."""
    node.wrapup = f"{node.wrapup}\n{text}" if node.wrapup else text


def attach(parent: Node, child: Node) -> None:
    """Append ``child``, keeping reading order when ``parent`` already has a wrapup.

    Text that followed a list looked like the parent's wrapup; when the list
    goes on after it, that text sat *between* two children, and the only place
    that keeps reading order is the end of the previous child.
    """
    if parent.wrapup and parent.children:
        previous = parent.children[-1]
        if previous.children:
            append_wrapup(previous, parent.wrapup)
        else:
            append_text(previous, parent.wrapup)
        parent.wrapup = None
    parent.children.append(child)


# --- US enumerators: (a) (1) (A) (i) (I) (aa) (AA) --------------------------------

US_LEVELS = ("subsection", "paragraph", "subparagraph", "clause", "subclause", "item", "subitem")
US_RANK = {"section": 0, "rule": 0, **{name: i + 1 for i, name in enumerate(US_LEVELS)}}
ROMAN = re.compile(r"^(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")
ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def roman_value(token: str) -> int | None:
    """The value of a Roman numeral (either case), or None if it is not one."""
    low = token.lower()
    if not ROMAN.match(low):
        return None
    total = 0
    for here, after in zip(low, low[1:] + " "):
        value = ROMAN_VALUES[here]
        total += -value if ROMAN_VALUES.get(after, 0) > value else value
    return total


def _doubled(token: str) -> bool:
    return len(token) == 2 and token[0] == token[1]


def _continues(token: str, first: str, open_node: Node | None) -> bool:
    """Is Roman ``token`` the next in the series whose latest open member is ``open_node``?"""
    if open_node is None:
        return token == first
    return roman_value(token) == (roman_value(open_node.num_norm or "") or 0) + 1


def _next_letter(token: str) -> str:
    return chr(ord(token[-1]) + 1) if len(token) == 1 else ""


@dataclass
class UsOutline:
    """Places flat US-style enumerated paragraphs into a tree.

    ``stack`` holds the base (section / rule / subsection) and the open
    subdivisions below it. The level of an enumerator follows the US drafting
    scheme: subsection (a), paragraph (1), subparagraph (A), clause (i),
    subclause (I), item (aa), subitem (AA). The ambiguous ones are decided by
    what is open: "(i)" is a clause under an open subparagraph when it starts
    the clauses or follows the open clause, and a subsection otherwise (only
    where subsections appear in the body at all); "(I)" is a subclause under an
    open clause on the same terms, and a subparagraph otherwise.
    """

    base: Node
    path: str
    body_subsections: bool = False          # may (a), (b) … appear as body lines?
    stack: list[Node] = field(default_factory=list)
    wrapup_owner: Node | None = None        # where the last plain paragraph went
    # The document's eIds; a file whose outline is rebuilt per subsection passes one set.
    eids: EidSet | None = None

    def __post_init__(self) -> None:
        self.stack = [self.base]
        if self.eids is None:
            self.eids = EidSet(self.path, refuse_repeats=True)

    def _open(self, level: str) -> Node | None:
        return next((n for n in reversed(self.stack) if n.level == level), None)

    def _open_below(self, level: str, parent_level: str) -> Node | None:
        """The open node of ``level`` inside the open node of ``parent_level``."""
        node = self._open(level)
        parent = self._open(parent_level)
        if node is None or parent is None:
            return None
        return node if self.stack.index(node) > self.stack.index(parent) else None

    def level_of(self, token: str, line: int, *, looks_like_subsection: bool = False) -> str:
        if token.isdigit():
            return "paragraph"
        if token.islower():
            if _doubled(token) and self._open("subclause"):
                return "item"
            subsection = self._open("subsection")
            next_subsection = (self.body_subsections and len(token) == 1
                               and (subsection is None and token == "a"
                                    or subsection is not None
                                    and token == _next_letter(subsection.num_norm or "")))
            if roman_value(token) and self._open("subparagraph"):
                expected = _continues(token, "i", self._open_below("clause", "subparagraph"))
                if expected and not (next_subsection and looks_like_subsection):
                    return "clause"
            if self.body_subsections and len(token) == 1:
                return "subsection"
            if roman_value(token):
                return "clause"
            raise SourceError(self.path, f"cannot place enumerator ({token}) in the outline",
                              line=line)
        if _doubled(token) and self._open("item"):
            return "subitem"
        if roman_value(token) and self._open("clause"):
            if _continues(token, "I", self._open_below("subclause", "clause")):
                return "subclause"
        return "subparagraph"

    def add(self, node: Node) -> None:
        """Open ``node`` (its level set) under the nearest open node of a higher rank."""
        rank = US_RANK[node.level]
        while len(self.stack) > 1 and US_RANK[self.stack[-1].level] >= rank:
            self.stack.pop()
        parent = self.stack[-1]
        self.eids.give(node, parent, node.level, node.num_norm,
                       message=f"{node.num} appears twice in {parent.num or parent.eid}")
        if parent.citation:
            node.citation = f"{parent.citation}({node.num_norm})"
        attach(parent, node)
        self.stack.append(node)
        self.wrapup_owner = None

    def plain(self, text: str) -> None:
        """A paragraph without an enumerator: own text, or the wrapup of a list that ended.

        A heading-only (or empty) node takes it as its text; text after a list
        is the continuation (wrapup) of the node that holds the innermost list,
        since flat Markdown carries no indentation to say more.
        """
        if self.wrapup_owner is not None:
            append_wrapup(self.wrapup_owner, text)
            return
        last = self.stack[-1]
        if not last.text and not last.children:
            last.text = text
        elif last.children:
            self.wrapup_owner = last
            append_wrapup(last, text)
        elif len(self.stack) > 1:
            self.stack.pop()
            self.wrapup_owner = self.stack[-1]
            append_wrapup(self.wrapup_owner, text)
        else:
            append_text(last, text)
