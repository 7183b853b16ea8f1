"""Chinese statutes, interpretations and rules in LawRefBook Markdown.

Layout of a file: ``# title``, history lines (adoption and amendments), the
marker ``<!-- INFO END -->``, then the body: ``#``-headings for 编/章/节 (the
heading *text*, not the number of ``#``, says which, because files without 编
start at ``##`` with 章), and one paragraph per line — an article's first line
begins ``第X条``, every further line is a new 款 unless it is an item
``（一）`` (项) or a sub-item ``⒈`` / ``1.`` (目).

Structure produced: containers ``book_2`` / ``book_2__chp_3`` /
``book_2__chp_2__sec_4``; articles ``art_201`` (``art_15-1`` for 第十五条之一);
paragraphs ``art_201__para_2`` when an article has more than one 款, items
``art_201__para_1__item_3`` (or ``art_174__item_1`` in a one-款 article, as
Chinese citation practice counts them); sub-items ``…__item_2__subitem_1``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..checks import CONTROL, control_characters
from ..errors import SourceError
from ..model import COMMENTARY, CONTAINER, Document, Node, ParseContext
from ..numbering import CN_DIGITS, article_key, cn_to_int, int_to_cn
from ..textio import decode
from .eids import EidSet, make_eid
from . import register

INFO_END = "<!-- INFO END -->"

_D = f"[{CN_DIGITS}]+"
# 第一百二十八 条 (a stray space occurs in the CPL source) and 第十五条之一.
ARTICLE = re.compile(rf"^第\s*({_D})\s*条(?:之({_D}))?(\s*)")
HEADING = re.compile(rf"^(#+)\s*(?:第\s*({_D})\s*([编章节])(?:之({_D}))?)?\s*(.*)$")
ITEM = re.compile(rf"^[（(]({_D})[）)]\s*")
SUBITEM = re.compile(r"^(?:([⒈-⒛])|(\d{1,2})\s*[.．])\s*")
FOOTNOTE = re.compile(r"^([①-⑳])\s*")
ANNEX = re.compile(rf"^附件({_D})$")

CONTAINER_LEVELS = {"编": ("book", 0), "章": ("chapter", 1), "节": ("section", 2)}


@dataclass
class _Article:
    node: Node
    paragraphs: list[Node]
    key: tuple[int, int]          # (base, 之 suffix) for the sequence check


def parse(data: bytes, ctx: ParseContext) -> Document:
    text = decode(data, ctx.path, lang=ctx.lang or "zh")
    # Control characters (a NUL before 第一百条) would hide an article header and
    # make its text invisible to search: report where they were, then drop them.
    control = control_characters(text)
    if control:
        text = CONTROL.sub("", text)
    lines = text.split("\n")
    title, history, start = _header(lines, ctx)
    parser = _BodyParser(ctx)
    body_lines: list[str] = []
    for lineno in range(start, len(lines)):
        line = lines[lineno].strip()
        if not line:
            continue
        body_lines.append(line.lstrip("#").strip())
        parser.feed(line, lineno + 1)
    if not parser.articles:
        raise SourceError(ctx.path, "no article (第…条) found after the header", line=start + 1)
    parser.cite_all()
    return Document(title=title, nodes=parser.roots, body_text="\n".join(body_lines),
                    meta={"history": history, "article_count": len(parser.articles),
                          "irregular": parser.irregular, "numbering": parser.numbering,
                          "control_characters": control})


def _header(lines: list[str], ctx: ParseContext) -> tuple[str, list[str], int]:
    """Title, history lines and the index of the first body line."""
    try:
        end = next(i for i, line in enumerate(lines) if line.strip() == INFO_END)
    except StopIteration:
        raise SourceError(ctx.path, f"no {INFO_END!r} line: not a LawRefBook file") from None
    head = [line.strip() for line in lines[:end] if line.strip()]
    if not head or not head[0].startswith("# "):
        raise SourceError(ctx.path, "the file does not start with a '# title' line", line=1)
    return head[0][2:].strip(), head[1:], end + 1


class _BodyParser:
    """Consumes body lines one by one and grows the node tree."""

    def __init__(self, ctx: ParseContext):
        self.ctx = ctx
        self.roots: list[Node] = []
        self.stack: list[Node] = []          # open containers, outermost first
        self.depths: list[int] = []          # their depth: 编 0, 章 1, 节 2
        self.articles: list[_Article] = []
        self.irregular: list[str] = []       # layout notes (a missing space); harmless
        self.numbering: list[str] = []       # duplicate, out-of-order or skipped articles
        self.seen: dict[tuple[int, int], int] = {}   # article key → line it was first seen
        self.current: _Article | None = None
        self.annex_para: Node | None = None  # the open paragraph of an annex
        # A repeated article number keeps its own row (art_5_dup2) and is reported in
        # `numbering`, so the build's check names it.
        self.eids = EidSet(ctx.path)

    # -- containers -------------------------------------------------------
    def heading(self, match: re.Match, lineno: int) -> None:
        hashes, number, kind, suffix, rest = match.groups()
        label = match.group(0).lstrip("#").strip()
        if kind:
            level, depth = CONTAINER_LEVELS[kind]
            key = str(cn_to_int(number)) + (f"-{cn_to_int(suffix)}" if suffix else "")
            num = label[: len(label) - len(rest)].strip() if rest else label
            heading = rest or None
            # Close containers at this depth or deeper (a 章 closes the open 章 and 节).
            while self.stack and self.depths[-1] >= depth:
                self.stack.pop()
                self.depths.pop()
        elif (annex := ANNEX.match(rest)):
            level, depth, key = "annex", 0, str(cn_to_int(annex.group(1)))
            num, heading = rest, None
            self.stack.clear()
            self.depths.clear()
        elif rest.replace(" ", "") == "附则":
            level, depth, key, num, heading = "supplementary", 0, "", None, rest
            self.stack.clear()
            self.depths.clear()
        elif len(hashes) == 1 and not self.roots:
            return  # a repeated title line
        else:
            raise SourceError(self.ctx.path, f"unrecognised heading {label!r}", line=lineno)
        node = self.eids.give(Node(eid="", level=level, kind=CONTAINER, num=num,
                                   num_norm=key or None, heading=heading, line=lineno),
                              self.stack[-1] if self.stack else None, level, key or None)
        self._attach(node)
        self.stack.append(node)
        self.depths.append(depth)
        self.current = None
        self.annex_para = None

    def _attach(self, node: Node) -> None:
        (self.stack[-1].children if self.stack else self.roots).append(node)

    # -- lines ------------------------------------------------------------
    def feed(self, line: str, lineno: int) -> None:
        if line.startswith("#"):
            self.heading(HEADING.match(line), lineno)
            return
        article = ARTICLE.match(line)
        if article and self._starts_article(article, lineno):
            self.start_article(article, line, lineno)
        elif self.current is None:
            self.outside_article(line, lineno)
        elif (m := FOOTNOTE.match(line)):
            self.current.node.children.append(self.eids.give(
                Node(eid="", level="note", kind=COMMENTARY, num=m.group(1),
                     text=line[m.end():], line=lineno),
                self.current.node, "note", ord(m.group(1)) - ord("①") + 1))
        elif (m := ITEM.match(line)):
            self.add_item(m, line, lineno)
        elif (m := SUBITEM.match(line)) and self._last_item() is not None:
            self.add_subitem(m, line, lineno)
        else:
            self.add_paragraph(line, lineno)

    def _starts_article(self, m: re.Match, lineno: int) -> bool:
        """Is ``第X条`` at the start of this line an article header or a reference?

        A paragraph may itself begin with a reference ("第二款规定的…"), so a
        header must continue the numbering, or be followed by a space. A header
        that does not continue the numbering (a gap, a repeat, a step back) is
        still an article of its own, recorded in ``numbering`` with its line —
        never folded into the article before it.
        """
        base = cn_to_int(m.group(1))
        suffix = cn_to_int(m.group(2)) if m.group(2) else 0
        printed = m.group(0).strip()
        if not self.articles:
            if (base, suffix) != (1, 0):
                self.numbering.append(f"line {lineno}: the first article is {printed}")
            return True
        last_base, last_suffix = self.articles[-1].key
        if (base, suffix) in ((last_base + 1, 0), (last_base, last_suffix + 1)):
            if not m.group(3):
                self.irregular.append(f"line {lineno}: no space after {printed}")
            return True
        if not m.group(3):
            return False
        last = self.articles[-1].node.num
        if (base, suffix) in self.seen:
            self.numbering.append(f"line {lineno}: {printed} repeats the article at line "
                                  f"{self.seen[(base, suffix)]}")
        elif (base, suffix) < (last_base, last_suffix):
            self.numbering.append(f"line {lineno}: {printed} out of order, after {last}")
        else:
            self.numbering.append(f"line {lineno}: numbering jumps from {last} to {printed}")
        return True

    def start_article(self, m: re.Match, line: str, lineno: int) -> None:
        key = article_key(m.group(1), m.group(2))
        printed = m.group(0).strip()
        base = cn_to_int(m.group(1))
        suffix = cn_to_int(m.group(2)) if m.group(2) else 0
        self.seen.setdefault((base, suffix), lineno)
        # Article numbers are unique in the work, so the eId carries no chapter.
        node = self.eids.give(Node(eid="", level="article", num=printed, num_norm=key,
                                   line=lineno), None, "article", key)
        first = line[m.end():]
        if first.strip() in ("（删去）", "（删除）", "(删去)", "(删除)"):
            node.attrs["status"] = "deleted"
        node.text = first
        self.current = _Article(node, [], (base, suffix))
        self.articles.append(self.current)
        self._attach(node)

    def add_paragraph(self, line: str, lineno: int) -> None:
        art = self.current
        assert art is not None
        if not art.paragraphs:
            # The first 款 so far lived on the article itself; move it down.
            first = self.eids.give(Node(eid="", level="paragraph", num_norm="1",
                                        text=art.node.text, line=art.node.line,
                                        children=art.node.children), art.node, "paragraph", 1)
            art.node.text, art.node.children = "", [first]
            for child in first.children:
                self.eids.move(child, art.node.eid, first.eid)
            art.paragraphs.append(first)
        n = len(art.paragraphs) + 1
        para = self.eids.give(Node(eid="", level="paragraph", num_norm=str(n), text=line,
                                   line=lineno), art.node, "paragraph", n)
        art.paragraphs.append(para)
        art.node.children.append(para)

    def add_item(self, m: re.Match, line: str, lineno: int) -> None:
        art = self.current
        assert art is not None
        owner = art.paragraphs[-1] if art.paragraphs else art.node
        n = cn_to_int(m.group(1))
        owner.children.append(self.eids.give(
            Node(eid="", level="item", num=m.group(0).strip(), num_norm=str(n),
                 text=line[m.end():], line=lineno), owner, "item", n))

    def add_subitem(self, m: re.Match, line: str, lineno: int) -> None:
        item = self._last_item()
        assert item is not None and self.current is not None
        n = (ord(m.group(1)) - ord("⒈") + 1) if m.group(1) else int(m.group(2))
        item.children.append(self.eids.give(
            Node(eid="", level="subitem", num=m.group(0).strip(), num_norm=str(n),
                 text=line[m.end():], line=lineno), item, "subitem", n))

    def _last_item(self) -> Node | None:
        if self.current is None:
            return None
        owner = self.current.paragraphs[-1] if self.current.paragraphs else self.current.node
        items = [c for c in owner.children if c.level == "item"]
        return items[-1] if items else None

    def outside_article(self, line: str, lineno: int) -> None:
        """Text under a heading but outside any article: annexes and 附则 lists."""
        if not self.stack:
            raise SourceError(self.ctx.path, f"text before the first article: {line[:30]!r}",
                              line=lineno)
        owner = self.stack[-1]
        if (m := SUBITEM.match(line)) and self.annex_para is not None:
            n = (ord(m.group(1)) - ord("⒈") + 1) if m.group(1) else int(m.group(2))
            self.annex_para.children.append(self.eids.give(
                Node(eid="", level="item", num=m.group(0).strip(), num_norm=str(n),
                     text=line[m.end():], line=lineno), self.annex_para, "item", n))
            return
        n = sum(1 for c in owner.children if c.level == "paragraph") + 1
        self.annex_para = self.eids.give(Node(eid="", level="paragraph", num_norm=str(n),
                                              text=line, line=lineno), owner, "paragraph", n)
        owner.children.append(self.annex_para)

    # -- citations --------------------------------------------------------
    def cite_all(self) -> None:
        """Give every article, 款, 项 and 目 its citation once the tree is complete.

        Done at the end because a 款 is only known to be 第一款 when a second
        one follows; in a one-款 article items are cited 第X条第Y项.
        """
        title = f"《{self.ctx.short_title}》" if self.ctx.short_title else ""
        for art in self.articles:
            base = title + (art.node.num or "").replace(" ", "")
            art.node.citation = base
            for child in art.node.children:
                _cite_down(child, base)


def _cite_down(node: Node, prefix: str) -> None:
    unit = {"paragraph": "款", "item": "项", "subitem": "目"}.get(node.level)
    if unit is None:
        return
    node.citation = f"{prefix}第{int_to_cn(int(node.num_norm or 0))}{unit}"
    for child in node.children:
        _cite_down(child, node.citation)


def _sniff(data: bytes, file_format: str, path: str) -> bool:
    # LawRefBook files mark the end of their front matter.
    return (file_format in ("text", "markdown")
            and "<!-- INFO END -->" in decode(data, path, lang="zh"))


register("cn-markdown", parse, file_format="markdown", lang="zh", sniff=_sniff, sniff_order=10)
