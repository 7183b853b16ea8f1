"""The checks a build runs on each source, besides fidelity.

Each finding is a :class:`Problem` of one *kind*; any problem fails the build
unless the user passes ``--keep-going``, and then the report names the kinds
that were accepted. The kinds, in the words the user sees:

* ``count mismatch``      — the counts differ from the manifest's ``expected``
* ``checksum mismatch``   — a file's SHA-256 differs from the manifest
* ``missing file``        — a present source's file is not there
* ``parse error``         — the parser refused the source (with ``--keep-going`` only)
* ``parser errors``       — the parser's own error log (libxml2) was not empty
* ``irregular numbering`` — a duplicate, out-of-order or skipped number
* ``control characters``  — NUL and other C0 controls in stored text
* ``residue``             — text lost or invented (see :mod:`plea.corpus.fidelity`)

Parsers put what only they can see into ``Document.meta``: ``numbering``
(lines like ``line 12: 第五条 repeats line 8``), ``parser_errors`` and
``control_characters``; this module reads those and walks the tree for control
characters any parser may have let through.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Document

# C0 controls and DEL, except tab, line feed and carriage return: no legal text
# needs them, and a NUL makes a provision invisible to search.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_PER_KIND = 20   # enough to find the place; a broken file would print thousands

KINDS = ("count mismatch", "checksum mismatch", "missing file", "parse error",
         "parser errors", "irregular numbering", "control characters", "residue")


@dataclass(frozen=True)
class Problem:
    source_id: str
    kind: str          # one of KINDS
    message: str       # where and what

    def __str__(self) -> str:
        return f"{self.source_id}: {self.kind}: {self.message}"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message}


def control_characters(text: str, limit: int = MAX_PER_KIND) -> list[str]:
    """``line L col C: U+0000`` for each control character in ``text`` (up to ``limit``)."""
    found = []
    for m in CONTROL.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        found.append(f"line {line} col {col}: U+{ord(m.group()):04X}")
        if len(found) >= limit:
            break
    return found


def document_problems(source_id: str, doc: Document, file: str) -> list[Problem]:
    """Problems a parsed document reports about itself, with the file and place."""
    out: list[Problem] = []
    for kind, key in (("parser errors", "parser_errors"), ("irregular numbering", "numbering"),
                      ("control characters", "control_characters")):
        for entry in (doc.meta.get(key) or [])[:MAX_PER_KIND]:
            out.append(Problem(source_id, kind, f"{file}: {entry}"))
    stored = 0
    for node, _ in doc.walk():
        for piece in (node.num, node.heading, node.text, node.wrapup):
            if piece and (m := CONTROL.search(piece)):
                where = f" (line {node.line})" if node.line else ""
                out.append(Problem(source_id, "control characters",
                                   f"{file}: U+{ord(m.group()):04X} in {node.eid}{where}"))
                stored += 1
                break
        if stored >= MAX_PER_KIND:
            break
    return out
