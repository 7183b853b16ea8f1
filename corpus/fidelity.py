"""No text lost: the parsed tree must reproduce the source body.

The check compares, with all whitespace removed, the node tree's printed text
in reading order (``num + heading + text``, the children, then ``wrapup``)
with the body text the parser read independently. Whatever differs is
*residue*: text the tree dropped, duplicated or invented, reported with the
node it sits at.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from .model import Document, Node

_WS = re.compile(r"\s+")
_CONTEXT = 40


def squash(text: str) -> str:
    return _WS.sub("", text)


@dataclass
class Residue:
    where: str          # eid of the node nearest to the difference
    expected: str       # what the source body has there
    got: str            # what the tree has there

    def __str__(self) -> str:
        return f"at {self.where}: source {self.expected!r} vs parsed {self.got!r}"


@dataclass
class FidelityReport:
    body_chars: int
    parsed_chars: int
    residue: list[Residue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.residue


def _pieces(doc: Document) -> tuple[str, list[tuple[int, str]]]:
    """The tree's squashed text and (offset, eid) marks where each node begins."""
    parts: list[str] = []
    marks: list[tuple[int, str]] = []
    size = 0

    def emit(node: Node) -> None:
        nonlocal size
        marks.append((size, node.eid))
        for piece in (node.num, node.heading, node.text):
            if piece:
                s = squash(piece)
                parts.append(s)
                size += len(s)
        for child in node.children:
            emit(child)
        if node.wrapup:
            s = squash(node.wrapup)
            parts.append(s)
            size += len(s)

    for root in doc.nodes:
        emit(root)
    return "".join(parts), marks


def _where(marks: list[tuple[int, str]], offset: int) -> str:
    where = marks[0][1] if marks else "(start)"
    for start, eid in marks:
        if start >= offset and start != 0:
            break
        where = eid
    return where


def check(doc: Document, max_residue: int = 20) -> FidelityReport:
    """Compare the tree with the body; list up to ``max_residue`` differences."""
    body = squash(doc.body_text)
    parsed, marks = _pieces(doc)
    report = FidelityReport(body_chars=len(body), parsed_chars=len(parsed))
    if body == parsed:
        return report
    # Narrow to the differing middle before diffing, so large sources stay fast.
    head = 0
    limit = min(len(body), len(parsed))
    while head < limit and body[head] == parsed[head]:
        head += 1
    tail = 0
    while (tail < limit - head and body[len(body) - 1 - tail] == parsed[len(parsed) - 1 - tail]):
        tail += 1
    b_mid = body[head:len(body) - tail]
    p_mid = parsed[head:len(parsed) - tail]
    if len(b_mid) + len(p_mid) > 200_000:
        report.residue.append(Residue(_where(marks, head), b_mid[:_CONTEXT], p_mid[:_CONTEXT]))
        return report
    matcher = difflib.SequenceMatcher(None, b_mid, p_mid, autojunk=False)
    for op, b1, b2, p1, p2 in matcher.get_opcodes():
        if op == "equal":
            continue
        report.residue.append(Residue(_where(marks, head + p1), b_mid[b1:b2][:_CONTEXT * 2],
                                      p_mid[p1:p2][:_CONTEXT * 2]))
        if len(report.residue) >= max_residue:
            break
    return report
