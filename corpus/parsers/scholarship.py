"""Scholarly articles as text: Markdown-like (``#`` headings) or plain (one paragraph a line).

The two layouts share one reading: front matter (title, authors, affiliation,
correspondence, doi), an abstract, keywords, numbered headings, paragraphs,
figure captions and a reference list, then back matter (copyright notice).

Tree and ids:
  abstract                      the abstract (level "abstract")
  sec_2, sec_2__subsec_1, …     headings, from their printed numbers ("2.1" -> sec_2__subsec_1)
  sec_2__subsec_1__para_3       3rd paragraph directly inside 2.1 (counted within its
                                innermost section only, so edits elsewhere keep it)
  para_1                        a paragraph before the first heading
  fig_1 / table_1               a caption, from its printed number
  references > ref_1, ref_2 …   the reference list (kind "bibliography")
Plain files whose heading numbers restart ("(1) (2) … (1) (2)") have lost their
top-level headings: each restart opens an *implicit* section (no printed text,
attrs implicit=True) numbered by the restarts, and "(1)" becomes its subsection.

Citations: "Meng 2023, § 2.1 ¶ 3", "Meng 2023, abstract", "Meng 2023, fig. 1";
an implicit section number is bracketed: "X 2025, § [2](1) ¶ 3". The work is
named by ctx.short_title. Author-date citations ("(Chen Ruihua, 2007)") stay in
the text and are also listed in attrs["cites"] as (author, year) pairs.

Left out of body_text (kept in Document.meta): the front matter, labelled
metadata lines (Keywords:, doi:) and back-matter sections (copyright/licence,
acknowledgements, funding, conflicts of interest) -- publication data about the
article, not its argument.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import cn2an

from ..errors import SourceError
from ..model import BIBLIOGRAPHY, CONTAINER, PROVISION, Document, Node, ParseContext
from ..textio import decode
from . import register
from .eids import EidSet, make_eid

MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*\S)\s*#*\s*$")
# A list entry stands alone as a block. Its bullet is markup; a printed number
# ("[3]", "3.") is text and is kept as the entry's num.
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\[\d+\]|\d+\.)\s+")
BULLET = re.compile(r"^\s*[-*+]\s+")

# Inline markup removed from every piece of text: emphasis, <sup>, <autolinks>.
EMPHASIS = re.compile(r"\*{1,3}")
TAG = re.compile(r"</?(?:sup|sub|em|strong|i|b)>", re.IGNORECASE)
AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")

# Front matter (Markdown layout).
SUPERSCRIPT = re.compile(r"<sup>(.*?)</sup>", re.IGNORECASE)
AFFILIATION_LINE = re.compile(r"^<sup>[^<]*</sup>\s*(?P<text>.+)$", re.IGNORECASE)
CORRESPONDENCE = re.compile(r"^Correspondence\s*:\s*(?P<text>.+)$", re.IGNORECASE)
DOI = re.compile(r"^(?:doi\s*:\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.\S+?)\.?$", re.IGNORECASE)
# "**Keywords:** a, b" / "Keywords: a; b" -- the colon is required, so a sentence
# that merely begins with "Keywords" stays a paragraph.
KEYWORDS = re.compile(r"^(?:\*\*)?Key\s*words?\s*(?::\s*\*\*|\*\*\s*:|:)\s*(?P<text>.*)$",
                      re.IGNORECASE)
# Plain layout: a leading short line naming an institution is the affiliation.
INSTITUTION = re.compile(r"\b(?:University|School|Faculty|Institute|College|Academy|Department)\b")

# Unnumbered headings with a role.
ABSTRACT = re.compile(r"^Abstract\s*[:.]?\s*(?P<text>.*)$", re.IGNORECASE)
REFERENCES = re.compile(r"^(?:References|Bibliography|Works Cited|Literature)\s*:?$", re.IGNORECASE)
BACK_MATTER = re.compile(
    r"^(?:Copyrights?|Licen[cs]e|Acknowledg(?:e)?ments?|Funding|Conflicts? of Interests?|"
    r"Competing Interests?|Author Contributions?|Data Availability(?: Statement)?)\s*:?$",
    re.IGNORECASE)

# Numbered headings. Dotted numbers ("2.1 Title", "3. Title") say their depth; the
# other styles get theirs from the order in which they first appear.
DOTTED = re.compile(r"^(?P<num>(?P<n>\d+(?:\.\d+)*)\.?)\s+(?P<title>\S.*)$")
STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("paren", re.compile(r"^(?P<num>[(（](?P<n>\d+)[)）])\s*(?P<title>\S.*)$")),
    ("cjk-paren", re.compile(r"^(?P<num>[(（](?P<n>[一二三四五六七八九十]+)[)）])\s*(?P<title>\S.*)$")),
    ("roman", re.compile(r"^(?P<num>(?P<n>[IVXLC]+)\.)\s+(?P<title>\S.*)$")),
    ("cjk", re.compile(r"^(?P<num>(?P<n>[一二三四五六七八九十]+)、)\s*(?P<title>\S.*)$")),
]
CAPTION = re.compile(r"^(?P<num>(?P<kind>Figure|Fig\.|Table)\s+(?P<n>\d+))[.:]?\s*(?P<text>.*)$",
                     re.IGNORECASE)
CAPTION_ELEMENT = {"figure": "figure", "fig.": "figure", "table": "table"}
CAPTION_CITE = {"figure": "fig", "table": "table"}   # "Lee 2023, fig. 1"
# A plain line is a heading (or caption) only if short and not a sentence.
MAX_HEADING = 200
SENTENCE_END = re.compile(r"[.。!?！？;；:：]$")
# A paragraph broken by a page break: the first part does not end a sentence
# and the next begins in lower case; the two are one paragraph.
OPEN_END = re.compile(r"[^.!?:;。！？：；…\"”’)\]]$")
LOWER_START = re.compile(r"^[a-z]")

# In-text author-date citations: "(Chen Ruihua, 2007)", "(Sun, 2021; Lu, 2017)".
CITE_GROUP = re.compile(r"\(([^()]*?\b(?:1[89]|20)\d\d[a-z]?)\)")
CITE_ONE = re.compile(r"^(?P<author>[A-Z][^,;()]*?),\s*(?P<year>(?:1[89]|20)\d\d[a-z]?)$")

# Reference entries: "Chen Ruihua, (2007). Title. *Journal*, 3, p. 14, 116."
REFERENCE = re.compile(r"^(?P<authors>.+?),?\s*\((?P<year>(?:1[89]|20)\d\d[a-z]?|n\.d\.)\)\.?\s*(?P<rest>.*)$")
ITALIC = re.compile(r"\*(?P<text>[^*]+)\*")
SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+(?=[A-Z])")
AUTHOR_SPLIT = re.compile(r"\s*(?:;|&|\band\b)\s*")
THESIS = re.compile(r"\b(?:Thesis|Dissertation)\b", re.IGNORECASE)
NUMBERED_REF = re.compile(r"^\s*(?:\[(?P<a>\d+)\]|(?P<b>\d+)\.)\s+")

ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

SECTION_LEVELS = ["section", "subsection", "subsubsection", "subsubsubsection"]


@dataclass
class Block:
    """One paragraph-like unit of the file: a heading, a paragraph, a list item."""
    line: int
    raw: str                 # the source text (markup kept), wrapped lines joined
    heading: bool = False    # a Markdown "#" heading
    role: str = "body"       # body | front | field | back
    lines: list[int] = field(default_factory=list)


def parse(data: bytes, ctx: ParseContext) -> Document:
    """Parse one scholarly article (Markdown-like or plain text) into a Document."""
    text = decode(data, ctx.path, lang=ctx.lang)
    if not text.strip():
        raise SourceError(ctx.path, "empty file: no article text", line=1)
    lines = text.split("\n")
    markdown = any(MD_HEADING.match(line) for line in lines)
    blocks = _blocks(lines, markdown)
    meta: dict = {"title": None, "authors": [], "affiliation": None, "doi": None,
                  "keywords": [], "layout": "markdown" if markdown else "plain"}
    _mark_front_matter(blocks, meta, markdown)
    _mark_fields_and_back_matter(blocks, meta)
    # body_text: every line of every body block, markup removed -- read from the
    # lines, not from the tree, so text the tree drops or repeats shows up.
    body = "\n".join(strip_markup(_heading_text(lines[n - 1]) if markdown else lines[n - 1])
                     for b in blocks if b.role == "body" for n in b.lines)
    builder = _TreeBuilder(ctx, blocks, markdown)
    nodes = builder.build()
    if not builder.paragraphs:
        raise SourceError(ctx.path, "no paragraphs found (only headings, front matter or references)",
                          line=blocks[0].line if blocks else 1)
    title = meta["title"] or ctx.short_title or ctx.source_id
    return Document(title=title, nodes=nodes, body_text=body, meta=meta)


def strip_markup(text: str) -> str:
    """Text as read: no bullet, emphasis asterisks, HTML tags or autolink brackets."""
    text = BULLET.sub("", text, count=1)
    text = AUTOLINK.sub(r"\1", text)
    text = TAG.sub("", text)
    return EMPHASIS.sub("", text).strip()


def _heading_text(line: str) -> str:
    match = MD_HEADING.match(line)
    return match["text"] if match else line


def _blocks(lines: list[str], markdown: bool) -> list[Block]:
    """Group lines into blocks: blank-line separated (Markdown) or one per line (plain).

    Headings and list items always stand alone, so a reference list written
    without blank lines still gives one block per entry.
    """
    blocks: list[Block] = []
    current: Block | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            current = None
            continue
        is_heading = markdown and bool(MD_HEADING.match(line))
        alone = is_heading or not markdown or bool(LIST_ITEM.match(line))
        if current is None or alone or current.heading or LIST_ITEM.match(current.raw):
            current = Block(line=number, raw=line.strip(), heading=is_heading, lines=[number])
            blocks.append(current)
        else:
            current.raw += " " + line.strip()
            current.lines.append(number)
    return blocks


def _mark_front_matter(blocks: list[Block], meta: dict, markdown: bool) -> None:
    """Mark the title / author / affiliation block at the top and copy it into meta."""
    for block in blocks:
        raw = block.raw
        if markdown:
            heading = MD_HEADING.match(raw)
            if heading and len(heading["hashes"]) == 1 and meta["title"] is None:
                meta["title"] = strip_markup(heading["text"])
            elif heading:
                return                      # the first section heading ends the front matter
            elif AFFILIATION_LINE.match(raw):
                _add_affiliation(meta, strip_markup(AFFILIATION_LINE.match(raw)["text"]))
            elif CORRESPONDENCE.match(raw):
                meta["correspondence"] = strip_markup(CORRESPONDENCE.match(raw)["text"])
            elif DOI.match(raw):
                meta["doi"] = DOI.match(raw)["doi"]
            elif SUPERSCRIPT.search(raw) or (meta["title"] and not meta["authors"]):
                names = SUPERSCRIPT.sub("", raw)
                meta["authors"] = [a.strip() for a in re.split(r",|\band\b|&", names) if a.strip()]
            elif meta["title"] is not None:
                # Between the title and the first heading everything is about the article
                # (dates received, editors); without a title there is no front matter.
                meta.setdefault("front_matter", []).append(strip_markup(raw))
            else:
                return
        elif (len(raw) <= MAX_HEADING and INSTITUTION.search(raw)
              and not SENTENCE_END.search(raw)):
            _add_affiliation(meta, raw)
        else:
            return
        block.role = "front"


def _add_affiliation(meta: dict, text: str) -> None:
    meta["affiliation"] = text if meta["affiliation"] is None else f"{meta['affiliation']}; {text}"


def _mark_fields_and_back_matter(blocks: list[Block], meta: dict) -> None:
    in_back: str | None = None
    for block in blocks:
        if block.role == "front":
            continue
        title = strip_markup(_heading_text(block.raw)) if block.heading else strip_markup(block.raw)
        if block.heading or _plain_heading_word(block):
            in_back = title if BACK_MATTER.match(title) else None
        if in_back is not None:
            block.role = "back"
            if title != in_back:
                back = meta.setdefault("back_matter", {})
                back[in_back] = (back.get(in_back, "") + "\n" + title).strip()
            continue
        keywords = KEYWORDS.match(block.raw)
        doi = DOI.match(block.raw)
        if keywords and not block.heading:
            meta["keywords"] = [k.strip() for k in re.split(r"[;,；，]", strip_markup(keywords["text"]))
                                if k.strip()]
            block.role = "field"
        elif doi and not block.heading:
            meta["doi"] = doi["doi"]
            block.role = "field"


def _plain_heading_word(block: Block) -> bool:
    """A plain-layout line that is only a role word: "References", "Copyright"."""
    raw = block.raw.strip()
    return bool(REFERENCES.match(raw) or BACK_MATTER.match(raw)
                or re.fullmatch(r"Abstract\s*:?", raw, re.IGNORECASE))


def _roman(numeral: str) -> int:
    values = [ROMAN[c] for c in numeral]
    return sum(-v if v < nxt else v for v, nxt in zip(values, values[1:] + [0]))


def _cjk(numeral: str) -> int:
    return int(cn2an.cn2an(numeral, "smart"))


STYLE_VALUE = {"paren": int, "cjk-paren": _cjk, "roman": _roman, "cjk": _cjk}


@dataclass
class _Heading:
    style: str            # "dotted" or a STYLES name
    num: str              # as printed
    numbers: list[int]    # dotted: the full path; other styles: [value]
    title: str


class _TreeBuilder:
    def __init__(self, ctx: ParseContext, blocks: list[Block], markdown: bool):
        self.ctx = ctx
        self.blocks = [b for b in blocks if b.role == "body"]
        self.markdown = markdown
        self.short = ctx.short_title or ctx.source_id
        self.roots: list[Node] = []
        self.stack: list[tuple[Node, list[int], list[str]]] = []   # (node, path, labels)
        self.para_counts: dict[str, int] = {}
        self.eids = EidSet(ctx.path, refuse_repeats=True)
        self.paragraphs: list[Node] = []
        self.mode = "body"          # body | abstract | references
        self.refs: Node | None = None
        self.abstract: Node | None = None
        self.last_paragraph: Node | None = None
        self.styles: list[str] = []
        self.implicit = False
        self.group = 0
        self.last_top: int | None = None

    # -- driver -----------------------------------------------------------
    def build(self) -> list[Node]:
        headings = {id(b): self._heading(b) for b in self.blocks}
        self._plan_styles([h for h in headings.values() if isinstance(h, _Heading)])
        for block in self.blocks:
            heading = headings[id(block)]
            if isinstance(heading, _Heading):
                self._open_section(heading, block)
            elif heading == "abstract":
                self._open_abstract(block)
            elif heading == "references":
                self._open_references(block)
            elif heading == "other":
                self._open_unnumbered(block)
            elif self.mode == "abstract":
                self._abstract_text(block)
            elif self.mode == "references":
                self._reference(block)
            else:
                self._paragraph_or_caption(block)
        return self.roots

    def _heading(self, block: Block) -> _Heading | str | None:
        """What a block is, if a heading: a numbered _Heading, or a role word."""
        raw = block.raw
        if self.markdown and not block.heading:
            return None
        text = strip_markup(_heading_text(raw))
        if not self.markdown:
            if len(text) > MAX_HEADING or SENTENCE_END.search(text):
                return None
        if ABSTRACT.fullmatch(text) and not ABSTRACT.fullmatch(text)["text"]:
            return "abstract"
        if REFERENCES.match(text):
            return "references"
        dotted = DOTTED.match(text)
        if dotted and (self.markdown or "." in dotted["num"]):
            return _Heading("dotted", dotted["num"], [int(n) for n in dotted["n"].split(".")],
                            dotted["title"].strip())
        for style, pattern in STYLES:
            match = pattern.match(text)
            if match:
                return _Heading(style, match["num"], [STYLE_VALUE[style](match["n"])],
                                match["title"].strip())
        return "other" if self.markdown else None

    def _plan_styles(self, headings: list[_Heading]) -> None:
        """Depths of the undotted styles, and whether the top level was lost.

        A style's depth is the order of its first appearance. When the outermost
        style restarts its numbering ((1) (2) … (1)), the headings above it are
        missing from the file: an implicit section level is added on top.
        """
        for heading in headings:
            if heading.style != "dotted" and heading.style not in self.styles:
                self.styles.append(heading.style)
        if not self.styles:
            return
        top = self.styles[0]
        previous = None
        for heading in headings:
            if heading.style == top:
                if previous is not None and heading.numbers[0] <= previous:
                    self.implicit = True
                    return
                previous = heading.numbers[0]

    # -- headings ---------------------------------------------------------
    def _open_section(self, heading: _Heading, block: Block) -> None:
        self.mode = "body"
        if heading.style == "dotted":
            path = heading.numbers
            labels = [".".join(map(str, path))]
            self._close_to(len(path) - 1, path)
        else:
            depth = self.styles.index(heading.style) + 1
            if self.implicit:
                depth += 1
                if depth == 2 and (self.last_top is None or heading.numbers[0] <= self.last_top):
                    self.group += 1         # the numbering restarts: a lost heading was here
                    self.stack.clear()
                    self._implicit_section(block)
                if depth == 2:
                    self.last_top = heading.numbers[0]
            self._close_to(depth - 1, None)
            parent_path = self.stack[-1][1] if self.stack else []
            path = parent_path + heading.numbers
            labels = (self.stack[-1][2] if self.stack else []) + [heading.num]
        depth = len(path)
        if depth > len(SECTION_LEVELS):
            raise SourceError(self.ctx.path, f"heading {heading.num} is nested too deep",
                              line=block.line)
        node = self._section_node(path, heading.num,
                                  heading.title, block.line, labels, ".".join(map(str, path))
                                  if heading.style == "dotted" else str(heading.numbers[0]))
        self._attach_container(node, path, labels, block.line)

    def _implicit_section(self, block: Block) -> None:
        path = [self.group]
        node = self._section_node(path, None, None, block.line, [f"[{self.group}]"], str(self.group))
        node.attrs["implicit"] = True
        self._attach_container(node, path, [f"[{self.group}]"], block.line)

    def _section_node(self, path: list[int], num: str | None, title: str | None, line: int,
                      labels: list[str], num_norm: str) -> Node:
        eid = None
        for level, n in zip(SECTION_LEVELS, path):   # 2.1.3 -> sec_2__subsec_1__subsubsec_3
            eid = make_eid(eid, level, n)
        return Node(eid=eid, level=SECTION_LEVELS[len(path) - 1], kind=CONTAINER, num=num,
                    num_norm=num_norm, heading=title or None, line=line,
                    citation=f"{self.short}, § {self._label(labels)}")

    @staticmethod
    def _label(labels: list[str]) -> str:
        return "".join(labels) if len(labels) > 1 else labels[0]

    def _close_to(self, depth: int, path: list[int] | None) -> None:
        """Close open sections until at most ``depth`` remain (and, for dotted, one that is a prefix)."""
        while len(self.stack) > depth:
            self.stack.pop()
        if path is not None:
            while self.stack and self.stack[-1][1] != path[:len(self.stack[-1][1])]:
                self.stack.pop()

    def _attach_container(self, node: Node, path: list[int], labels: list[str], line: int) -> None:
        self._register(node, line)
        (self.stack[-1][0].children if self.stack else self.roots).append(node)
        self.stack.append((node, path, labels))
        self.last_paragraph = None

    def _open_unnumbered(self, block: Block) -> None:
        title = strip_markup(_heading_text(block.raw))
        slug = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_") or "untitled"
        self.stack.clear()
        self.mode = "body"
        node = Node(eid=make_eid(None, "section", slug), level="section", kind=CONTAINER,
                    heading=title,
                    line=block.line, citation=f"{self.short}, {title}")
        self._attach_container(node, [], [title], block.line)

    def _open_abstract(self, block: Block) -> None:
        self.stack.clear()
        self.mode = "abstract"
        self.abstract = Node(eid=make_eid(None, "abstract"), level="abstract", kind=PROVISION,
                             heading=strip_markup(_heading_text(block.raw)), line=block.line,
                             citation=f"{self.short}, abstract")
        self._register(self.abstract, block.line)
        self.roots.append(self.abstract)

    def _abstract_text(self, block: Block) -> None:
        assert self.abstract is not None
        text = strip_markup(block.raw)
        self.abstract.text = f"{self.abstract.text}\n\n{text}" if self.abstract.text else text
        _add_cites(self.abstract, text)

    def _open_references(self, block: Block) -> None:
        self.stack.clear()
        self.mode = "references"
        self.refs = Node(eid=make_eid(None, "references"), level="references", kind=CONTAINER,
                         heading=strip_markup(_heading_text(block.raw)), line=block.line)
        self._register(self.refs, block.line)
        self.roots.append(self.refs)

    # -- content ----------------------------------------------------------
    def _paragraph_or_caption(self, block: Block) -> None:
        text = strip_markup(block.raw)
        caption = CAPTION.match(text)
        if caption and len(text) <= MAX_HEADING and not SENTENCE_END.search(text):
            element = CAPTION_ELEMENT[caption["kind"].lower()]
            node = Node(eid=make_eid(None, element, caption["n"]), level="caption",
                        kind=PROVISION, num=caption["num"], num_norm=caption["n"],
                        text=caption["text"], line=block.line,
                        citation=f"{self.short}, {CAPTION_CITE[element]}. {caption['n']}")
            self._register(node, block.line)
            self._container_children().append(node)
            return
        last = self.last_paragraph
        if last is not None and OPEN_END.search(last.text) and LOWER_START.match(text):
            last.text += " " + text
            last.attrs.setdefault("continued_at", []).append(block.line)
            _add_cites(last, text)
            return
        parent = self.stack[-1][0] if self.stack else None
        key = parent.eid if parent else ""
        number = self.para_counts.get(key, 0) + 1
        self.para_counts[key] = number
        eid = make_eid(parent, "paragraph", number)
        where = f"§ {self._label(self.stack[-1][2])} " if self.stack else ""
        node = Node(eid=eid, level="paragraph", kind=PROVISION, num_norm=str(number), text=text,
                    line=block.line, citation=f"{self.short}, {where}¶ {number}")
        _add_cites(node, text)
        self._register(node, block.line)
        self._container_children().append(node)
        self.paragraphs.append(node)
        self.last_paragraph = node

    def _container_children(self) -> list[Node]:
        return self.stack[-1][0].children if self.stack else self.roots

    def _reference(self, block: Block) -> None:
        assert self.refs is not None
        raw = BULLET.sub("", block.raw, count=1)
        numbered = NUMBERED_REF.match(raw)
        num = None
        if numbered:
            num, raw = numbered[0].strip(), raw[numbered.end():]
            number = numbered["a"] or numbered["b"]
        else:
            # An unnumbered list is numbered by its printed order.
            number = str(len(self.refs.children) + 1)
        node = Node(eid=make_eid(None, "reference", number), level="reference",
                    kind=BIBLIOGRAPHY, num=num,
                    num_norm=number, text=strip_markup(raw), line=block.line,
                    attrs=_reference_attrs(raw))
        self._register(node, block.line)
        self.refs.children.append(node)

    def _register(self, node: Node, line: int) -> None:
        self.eids.claim(node.eid, line, message=f"{node.eid!r} occurs twice (a heading or "
                                                 "caption number repeats)")


def _add_cites(node: Node, text: str) -> None:
    cites = in_text_citations(text)
    if cites:
        node.attrs.setdefault("cites", []).extend(cites)


def in_text_citations(text: str) -> list[tuple[str, str]]:
    """(author, year) pairs of the author-date citations in ``text``."""
    pairs: list[tuple[str, str]] = []
    for group in CITE_GROUP.finditer(text):
        for part in group[1].split(";"):
            match = CITE_ONE.match(part.strip())
            if match:
                pairs.append((match["author"].strip(), match["year"]))
    return pairs


def _reference_attrs(raw: str) -> dict:
    """Split a reference entry into authors, year, title and container where the shape allows.

    The entry's full text is always the node's text; these fields are a best effort.
    """
    attrs: dict = {"raw": raw}
    match = REFERENCE.match(raw)
    if not match:
        return attrs
    authors = match["authors"].strip().rstrip(",")
    attrs["authors"] = [a.strip(" ,") for a in AUTHOR_SPLIT.split(authors) if a.strip(" ,")]
    attrs["year"] = match["year"]
    rest = match["rest"].strip()
    italic = ITALIC.search(rest)
    if italic:
        attrs["title"] = rest[:italic.start()].strip().rstrip(".").strip()
        attrs["container"] = italic["text"].strip()
        details = rest[italic.end():].strip(" ,.")
        if details:
            attrs["details"] = details
            volume = re.match(r"^(\d+)", details)
            pages = re.search(r"\bpp?\.\s*(.+)$", details)
            if volume:
                attrs["volume"] = volume[1]
            if pages:
                attrs["pages"] = pages[1]
        if not attrs["title"]:
            del attrs["title"]
        return attrs
    parts = SENTENCE_BREAK.split(rest, maxsplit=1)
    attrs["title"] = parts[0].rstrip(".").strip()
    if len(parts) > 1:
        note = parts[1].strip().rstrip(".")
        if not THESIS.search(note):
            attrs["publisher"] = note
        else:
            attrs["type"] = "thesis"
            kind, _, institution = note.partition(",")
            attrs["degree"] = kind.strip()
            if institution.strip():
                attrs["institution"] = institution.strip()
    return attrs


register("scholarship", parse, file_format="text", lang="zh")
