"""Federal Rules of Evidence, one rule per Markdown file with Jekyll front matter.

::

    ---
    layout: rule
    title: Rule 410. Pleas, Plea Discussions, and Related Statements
    ---

    (a) Prohibited Uses. In a civil or criminal case, …

    1. a guilty plea that was later withdrawn;

The rule's own (1), (2) … paragraphs are Markdown ordered-list items ("1."),
so a list item is a paragraph (num as printed, "1."; num_norm "1"). Other
levels follow the US scheme through :class:`UsOutline`: (a) subdivision,
(A) subparagraph, (i) clause. A subdivision's leading Title-Case phrase
ending in a period ("Prohibited Uses.") is its heading.

Fidelity: the front matter ``title`` is the rule's printed heading (the
Jekyll layout renders it above the text), so ``body_text`` starts with it and
the rule node carries it as num "Rule 410." + heading. The other front matter
keys (layout, permalink, order) are site plumbing, kept in ``meta``.
"""
from __future__ import annotations

import re

from ..errors import SourceError
from ..model import Document, Node, ParseContext
from ..textio import decode
from .markdown_common import (UsOutline, append_text, append_wrapup, split_blocks,
                              split_front_matter, tidy_space, unescape)
from . import register
from .eids import make_eid

SHORT = "Fed. R. Evid."
RULE_TITLE = re.compile(r"^(?P<num>Rule\s+(?P<n>\d+[A-Za-z.]*?))(?P<dot>\.)?\s+(?P<heading>\S.*)$")
ENUMERATOR = re.compile(r"^\((?P<tok>\d+|[a-z]{1,4}|[A-Z]{1,4})\)\s*(?P<rest>.*)$")
LIST_ITEM = re.compile(r"^(?P<tok>\d+)[.)]\s+(?P<rest>.*)$")
_SMALL = r"(?:of|and|or|the|a|an|in|on|for|to|by|with|as|at|from|under|upon|not|after|before)"
_WORD = rf"(?:[A-Z][\w’'-]*|{_SMALL})"
# "Prohibited Uses." / "Exceptions." — the restyled rules' subdivision headings.
SUBDIVISION_HEADING = re.compile(rf"^(?P<heading>[A-Z][\w’'-]*(?:\s+{_WORD})*\.)(?:\s+|$)")


def parse(data: bytes, ctx: ParseContext) -> Document:
    text = tidy_space(decode(data, ctx.path, lang=ctx.lang))
    lines = text.split("\n")
    front, start = split_front_matter(text, ctx.path, required=True)
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        raise SourceError(ctx.path, "front matter has no 'title' (the rule's number and heading)",
                          line=_key_line(lines, "title", start))
    m = RULE_TITLE.match(title.strip())
    if not m:
        raise SourceError(ctx.path, f"front matter title {title!r} is not 'Rule N. Heading'",
                          line=_key_line(lines, "title", start))
    short = ctx.short_title or SHORT
    n = m.group("n")
    rule = Node(eid=make_eid(None, "rule", n), level="rule",
                num=m.group("num") + (m.group("dot") or ""),
                num_norm=n, heading=m.group("heading"), citation=f"{short} {n}",
                line=_key_line(lines, "title", start))
    outline = UsOutline(rule, ctx.path, body_subsections=True)
    for block in split_blocks(lines[start:], start + 1):
        para = unescape(block.joined())
        if block.first.startswith("#"):
            raise SourceError(ctx.path, "unexpected heading in a rule file", line=block.line)
        if m := (ENUMERATOR.match(para) or LIST_ITEM.match(para)):
            _enumerated(outline, m, para, block.line)
        elif block.indent and len(outline.stack) > 1 and outline.wrapup_owner is None:
            # An indented paragraph continues the list item above it (Markdown list rules).
            last = outline.stack[-1]
            (append_wrapup if last.children else append_text)(last, para)
        else:
            outline.plain(para)
    meta = {"front_matter": front, "format": "fre-markdown"}
    return Document(title=title.strip(), nodes=[rule], body_text=_body_text(title, lines[start:]),
                    meta=meta)


def _enumerated(outline: UsOutline, m: re.Match, para: str, line: int) -> None:
    token, rest = m.group("tok"), m.group("rest")
    listed = not para.startswith("(")
    heading = SUBDIVISION_HEADING.match(rest) if token.islower() else None
    level = "paragraph" if listed else outline.level_of(token, line,
                                                        looks_like_subsection=heading is not None)
    num = para[:m.start("rest")].strip()
    node = Node(eid="", level=level, num=num, num_norm=token, line=line)
    if heading and level == "subsection":
        node.heading = heading.group("heading")
        rest = rest[heading.end():]
    node.text = rest
    outline.add(node)


def _key_line(lines: list[str], key: str, end: int) -> int:
    for i, line in enumerate(lines[:end]):
        if line.startswith(f"{key}:"):
            return i + 1
    return 1


def _body_text(title: str, body: list[str]) -> str:
    """The rendered title, then the body lines without Markdown escapes (apart from the tree)."""
    return "\n".join([title.strip(), *(unescape(line) for line in body)])


register("fre-markdown", parse, file_format="markdown", lang="en")
