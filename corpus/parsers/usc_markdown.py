"""US Code sections in the Markdown "chunk" format (codexstanford conversion).

One file holds one subsection (or a whole short section)::

    # Title 18— CRIMES AND CRIMINAL PROCEDURE
    ### CHAPTER 227— SENTENCES
    #### § 3553. Imposition of a sentence
    ###### (a) Factors To Be Considered in Imposing a Sentence .

    The court shall impose a sentence …

    (1) the nature and circumstances of the offense …
    (2) the need for the sentence imposed
    (A) to reflect the seriousness of the offense, …

Every file of a section repeats the title / chapter / section headings, so the
build merges the per-file trees by eid: those nodes get the same eid, num and
heading in every chunk (``title_18``, ``title_18__chp_227``, ``sec_3553``).

The enumerated paragraphs are flat lines; their level comes from the
enumerator and what is open above it (:class:`UsOutline`): (1) paragraph,
(A) subparagraph, (i) clause, (I) subclause. A line ``(1) In general .`` — a
short capitalised phrase ending in the converter's detached " ." — is a
heading; the paragraph after it is that node's text.

Printed forms are kept: num ``Title 18—`` and ``CHAPTER 227—`` (the em dash is
part of the official print "CHAPTER 227—SENTENCES"), ``§ 3553.``, ``(a)``;
headings drop only the space before the final period. Nothing is left out of
the body: ``body_text`` is every line of the file without its ``#`` markers.
"""
from __future__ import annotations

import re

from ..errors import SourceError
from ..model import CONTAINER, Document, Node, ParseContext
from ..textio import decode
from .markdown_common import UsOutline, split_blocks, tidy_space
from . import register
from .eids import EidSet, make_eid

HEADING_LINE = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
CONTAINER_HEADING = re.compile(
    r"^(?P<kind>title|subtitle|part|subpart|chapter|subchapter)\s+"
    r"(?P<num>[0-9]+[A-Za-z]*|[IVXLC]+[A-Z]?)\s*(?P<dash>[—–-]+)\s*(?P<heading>.*)$", re.I)
CONTAINER_CITE = {"subtitle": "subtit.", "part": "pt.", "subpart": "subpt.", "chapter": "ch.",
                  "subchapter": "subch."}
SECTION_HEADING = re.compile(
    r"^§\s*(?P<num>\d+[A-Za-z0-9-]*?)(?P<dot>\.?)(?:\s+(?P<heading>.*))?$")
ENUMERATOR = re.compile(r"^\((?P<tok>\d+[a-z]?|[a-z]{1,4}|[A-Z]{1,4})\)\s*(?P<rest>.*)$")
# The converter prints element headings with a detached final period: "In general ."
DETACHED_PERIOD = re.compile(r"\s+\.$")
HEADING_MAX = 150
# Footnote references survive as bare numbers: "(A) 2 Sentencing ." / "… sentenced. 1"
FOOTNOTE_LEAD = re.compile(r"^(\d+)\s+(?=[A-Z])")
FOOTNOTE_TAIL = re.compile(r"[.;:]\s+(\d+)$")


def parse(data: bytes, ctx: ParseContext) -> Document:
    text = tidy_space(decode(data, ctx.path, lang=ctx.lang))
    return _ChunkParser(ctx).run(text.split("\n"))


class _ChunkParser:
    def __init__(self, ctx: ParseContext):
        self.ctx = ctx
        self.eids = EidSet(ctx.path, refuse_repeats=True)
        self.path = ctx.path
        self.containers: list[Node] = []
        self.section: Node | None = None
        self.outline: UsOutline | None = None
        self.title_num: str | None = None

    def error(self, message: str, line: int | None) -> SourceError:
        return SourceError(self.path, message, line=line)

    def run(self, lines: list[str]) -> Document:
        for block in split_blocks(lines):
            for offset, raw in enumerate(block.lines):
                m = HEADING_LINE.match(raw.strip())
                if m:
                    self.heading(m.group(2), block.line + offset)
                elif offset == 0:
                    self.paragraph(block.joined(), block.line)
                    break
                else:  # hard-wrapped continuation of a heading block: never seen, refuse
                    raise self.error("text runs on from a heading line", block.line + offset)
        if self.section is None:
            raise self.error("no section heading ('#### § …') in this chunk", len(lines))
        roots = self.containers[:1] or [self.section]
        return Document(title=self._title(), nodes=roots, body_text=_body_text(lines),
                        meta={"format": "usc-markdown-chunk", "title_number": self.title_num})

    def _title(self) -> str:
        sub = self.section.children[0] if self.section.children else None
        if sub is not None and sub.level == "subsection":
            return f"{sub.citation} {sub.heading or ''}".strip()
        return f"{self.section.citation} {self.section.heading or ''}".strip()

    # -- headings --------------------------------------------------------------

    def heading(self, text: str, line: int) -> None:
        if m := CONTAINER_HEADING.match(text):
            self.container(m, line)
        elif m := SECTION_HEADING.match(text):
            self.start_section(m, line)
        elif m := ENUMERATOR.match(text):
            self.subsection(m, line)
        else:
            raise self.error(f"unrecognised heading {text!r}", line)

    def container(self, m: re.Match, line: int) -> None:
        if self.section is not None:
            raise self.error("a container heading after the section heading", line)
        kind = m.group("kind").lower()
        while any(c.level == kind for c in self.containers):   # a sibling closes the open one
            self.containers.pop()
        num_norm = m.group("num")
        parent = self.containers[-1] if self.containers else None
        node = Node(eid=self.eids.claim(make_eid(parent, kind, num_norm), line), level=kind,
                    kind=CONTAINER, num=f"{m.group('kind')} {num_norm}{m.group('dash')}",
                    num_norm=num_norm, heading=m.group("heading") or None, line=line)
        if kind == "title":
            self.title_num = num_norm
            node.citation = f"{num_norm} U.S.C."
        elif self.title_num:
            node.citation = f"{self.title_num} U.S.C. {CONTAINER_CITE[kind]} {num_norm}"
        if parent is not None:
            parent.children.append(node)
        self.containers.append(node)

    def start_section(self, m: re.Match, line: int) -> None:
        if self.section is not None:
            raise self.error("a second section heading in one chunk", line)
        if self.title_num is None:
            raise self.error("section heading without a 'Title' heading above it", line)
        num_norm = m.group("num")
        self.section = Node(eid=self.eids.claim(make_eid(None, "section", num_norm), line),
                            level="section",
                            num=f"§ {num_norm}{m.group('dot')}", num_norm=num_norm,
                            heading=m.group("heading") or None, line=line,
                            citation=f"{self.title_num} U.S.C. § {num_norm}")
        if self.containers:
            self.containers[-1].children.append(self.section)
        self.outline = UsOutline(self.section, self.path, eids=self.eids)

    def subsection(self, m: re.Match, line: int) -> None:
        if self.section is None:
            raise self.error("subsection heading before the section heading", line)
        token = m.group("tok")
        if not token.islower():
            raise self.error(f"heading ({token}) is not a subsection letter", line)
        node = Node(eid="", level="subsection", num=f"({token})", num_norm=token, line=line)
        node.heading = _heading(m.group("rest"), node) or None
        self.outline = UsOutline(self.section, self.path, eids=self.eids)
        self.outline.add(node)
        # A subsection heading line is the base of everything that follows it.
        self.outline = UsOutline(node, self.path, eids=self.eids)

    # -- body ------------------------------------------------------------------

    def paragraph(self, text: str, line: int) -> None:
        if self.outline is None:
            raise self.error("text before the section heading ('#### § …')", line)
        m = ENUMERATOR.match(text)
        if not m:
            self.outline.plain(text)
            return
        token, rest = m.group("tok"), m.group("rest")
        level = self.outline.level_of(token, line)
        node = Node(eid="", level=level, num=f"({token})", num_norm=token, line=line)
        if _is_heading(rest):
            node.heading = _heading(rest, node)
        else:
            node.text = rest
            if t := FOOTNOTE_TAIL.search(rest):
                node.attrs["footnote_ref"] = t.group(1)
        self.outline.add(node)


def _is_heading(rest: str) -> bool:
    return (bool(DETACHED_PERIOD.search(rest)) and len(rest) <= HEADING_MAX
            and (rest[:1].isupper() or rest[:1].isdigit()))


def _heading(rest: str, node: Node) -> str:
    if f := FOOTNOTE_LEAD.match(rest):
        node.attrs["footnote_ref"] = f.group(1)
    return DETACHED_PERIOD.sub(".", rest.strip())


def _body_text(lines: list[str]) -> str:
    """Every line of the chunk, heading markers removed (computed apart from the tree)."""
    out = []
    for raw in lines:
        m = HEADING_LINE.match(raw.strip())
        out.append(m.group(2) if m else raw)
    return "\n".join(out)


register("usc-markdown", parse, file_format="markdown", lang="en")
