"""The US Sentencing Commission's *Guidelines Manual* as pandoc HTML (``ussg-html``).

Written for ``USSG_GuidelinesManual2016.html``: pandoc's conversion of the
Commission's Word file. The markup is nearly flat — ``<p>`` elements with
``<strong>`` / ``<em>``, ``<blockquote>`` for indentation, a few headings — so
the structure is read from the printed text, not from the tags:

* ``<h1>CHAPTER THREE</h1>`` (+ an ``<h1>`` title) → container ``chp_3``;
  ``<h2>Part E ― …</h2>`` (once a bold ``<p>PART R ― …</p>``) → ``chp_3__part_E``;
  ``<h3>1. Homicide</h3>`` → subpart ``chp_2__part_A__subpart_1``.
* ``<p><strong>§3E1.1. Acceptance of Responsibility</strong></p>`` → a section,
  eid ``sec_3E1-1`` (dots become hyphens, num_norm keeps ``3E1.1``), level
  "section", attrs type "guideline" or "policy_statement" (the heading ends in
  "(Policy Statement)"), status "deleted" for "[Deleted]" entries. Sections
  are not prefixed with their containers (their numbers are unique).
* The guideline text after the heading is split on the printed enumerators
  into subsection (a) → paragraph (1) → subparagraph (A) → clause (i) →
  subclause (I): ``sec_3E1-1__subsec_a``, ``sec_2B1-1__subsec_b__para_1__subpara_A``.
  An enumerator that does not continue or open a sequence is text (the
  revocation table prints "(2)" inside a table row); one printed out of order
  (§2D1.1 prints (d) and (e) before (c)) is taken when its number is unused.
  Unnumbered paragraphs belong to the enumerated unit above them: the HTML
  keeps no indentation that would tell a chapeau's continuation from a deeper
  unit's. Tables typed as paragraphs (loss tables, the Drug Quantity Table)
  stay text of their unit; "*Notes to Drug Quantity Table:" opens a child
  ``sec_2D1-1__subsec_c__notes`` (level "notes") holding the notes (A) ….
  "* * * * *" separators are the wrapup of the section (or subpart) they close.
* "Commentary" (an ``<h4>``, three times a plain ``<p>``) starts a commentary
  child of the section, after its subdivisions: ``sec_3E1-1__cmt`` (level
  "commentary"), holding one node per labelled part — ``__notes`` ("Application
  Notes:"), ``__backg`` ("Background:"), ``__stat`` ("Statutory Provisions:") —
  and, under the notes, one node per application note, ``…__cmt__notes__note_1``.
  Unlabelled commentary (Chapter Six) is the commentary node's own text.
* The "Historical Note" table after a section is a commentary child
  ``sec_3E1-1__hist``; after a container's introductory commentary it is that
  commentary's child. Any other table becomes a node of level "table" whose
  text is its rows (cells joined by tabs, rows by newlines).
* Text of a container that is not a section: "Introductory Commentary" →
  ``chp_6__part_B__cmt_intro``, "Concluding Commentary …" → ``…__cmt_concl``,
  other commentary headings ("Commentary to Sentencing Table") → ``…__cmt``;
  the numbered introductions of Chapter One Part A and Chapter Seven Part A
  ("1. Authority" in bold) → provisions ``chp_7__part_A__intro_1`` with their
  bold "(a) Probation." divisions as ``…__intro_2__subsec_a``; other text →
  ``…__intro``.

Citations follow the manual's own "Recommended Citation Form" (front matter)
with ``ctx.short_title`` (default "USSG") as the short form: ``USSG §3E1.1(b)``,
``USSG §6B1.2(a), p.s.``, ``USSG §3E1.1, comment. (n.1)``, ``USSG §3E1.1,
comment. (backg'd.)``, ``USSG Ch.3, Pt.D, intro. comment.``,
``USSG Ch.1, Pt.A, subpt.1(4)``.

Body text (for :mod:`plea.corpus.fidelity`) is every text node of ``<body>`` from
the first "CHAPTER …" heading on. Everything before it is front matter — the
title page, the Commission's members, the recommended citation form, the table
of contents (chapters, parts and subparts with page numbers) and the list of
supplementary volumes — and is left out of the body by that one rule; its
paragraphs and the table of contents are kept in ``Document.meta``. The
Sentencing Table itself (Chapter Five, Part A) is an image in this file
(``media/image3.emf``, not included), so it has no text here; image sources
are listed in ``meta["images"]``.

Malformed input, for this lenient HTML parser, is: an empty file, text that is
not an HTML document (no ``<body>`` / ``<html>`` tag), a document without a
single §-numbered guideline heading, a heading the parser does not recognise
(an ``<h1>``–``<h3>`` that is not a chapter, chapter title, part or subpart),
a section outside its chapter or part (§3E1.1 under Chapter Two), or a
section or application note printed twice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from ..errors import SourceError
from ..model import COMMENTARY, CONTAINER, PROVISION, Document, Node, ParseContext
from ..textio import decode
from .safe_xml import logged_errors
from . import register
from .eids import EidSet, make_eid

DEFAULT_SHORT = "USSG"

# --- printed patterns -------------------------------------------------------

_WS = re.compile(r"\s+")
_HTML_TAG = re.compile(r"<\s*(html|body)\b", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_CHAPTER = re.compile(r"^CHAPTER\s+([A-Z]+)$", re.I)
_PART = re.compile(r"^(PART\s+([A-Z])\s*―?)\s*(.*)$", re.I)
_SUBPART = re.compile(r"^((\d+)\.)\s+(.+)$")
# "§3E1.1. Title", "2G1.3. Title" (the § is missing once), "§§7A1.1 – 7A1.4 [Deleted]";
# never "§2D1.1(b)(1) …", a bold pinpoint opening a paragraph of commentary.
_SECTION = re.compile(
    r"^(§{0,2}\s*(\d)([A-Z])(\d+)\.(\d+)(?:\s*[–-]\s*(\d[A-Z]\d+\.\d+))?\.?)(?=\s|$)\s*(.*)$")
_POLICY = re.compile(r"\(Policy Statement\)\s*$")
_DELETED = re.compile(r"^\[Deleted\]$")
_ENUM = re.compile(r"\((\d{1,3}|[a-z]{1,6}|[A-Z]{1,6})\)\s*")
_NOTE = re.compile(r"^(\d{1,3})\.\s+")
_INTRO_NUM = re.compile(r"^((\d+)\.)\s+(.+)$")
_INTRO_SUB = re.compile(r"^(\(([a-z])\))\s+(.+)$")
_TABLE_NOTES = re.compile(r"^\*\s*Notes?\b.*:$")
_SEPARATOR = re.compile(r"^(\*\s*){3,}$")
_HEADING_END = re.compile(r"^[.:;,]?\s*[—–-]*")
_ROMAN = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$")

CHAPTER_WORDS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5, "SIX": 6,
                 "SEVEN": 7, "EIGHT": 8, "NINE": 9, "TEN": 10}

# Labels that open a part of a commentary; anything else bold-and-colon is text.
# label -> the part it opens (its eId prefix in eids.toml: notes, backg, stat).
COMMENTARY_PARTS = {
    "application notes": "application_notes",
    "application note": "application_notes",
    "background": "background",
    "statutory provisions": "statutory_provisions",
    "statutory provision": "statutory_provisions",
}

# Guideline subdivisions, outermost first: (level, enumerator style).
LEVELS = (("subsection", "lower"), ("paragraph", "digit"), ("subparagraph", "upper"),
          ("clause", "lroman"), ("subclause", "uroman"))

LIST_STYLES = {"decimal": "digit", "upper-alpha": "upper", "lower-alpha": "lower",
               "upper-roman": "uroman", "lower-roman": "lroman",
               "1": "digit", "A": "upper", "a": "lower", "I": "uroman", "i": "lroman"}

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre", "address"}
WRAPPER_TAGS = {"blockquote", "div", "section", "article", "main", "center", "dl", "dd", "dt"}


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _raw_text(el) -> str:
    # Text nodes only: comments, processing instructions and the code of
    # <script> / <style> are not printed. Body text and blocks both read this.
    return "".join(el.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]"))


# --- enumerators -------------------------------------------------------------

def _roman_value(token: str) -> int | None:
    t = token.lower()
    if not t or not _ROMAN.match(t):
        return None
    values = {"i": 1, "v": 5, "x": 10}
    total = 0
    for a, b in zip(t, t[1:] + " "):
        v = values[a]
        total += -v if b != " " and values.get(b, 0) > v else v
    return total


def _ordinal(token: str, style: str) -> int | None:
    """The token's position in a sequence of ``style``, or None if it is not one."""
    if style == "digit":
        return int(token) if token.isdigit() else None
    if style in ("lower", "upper"):
        wanted = str.islower if style == "lower" else str.isupper
        if len(token) == 1 and token.isalpha() and wanted(token):
            return ord(token.lower()) - 96
        return None
    wanted = str.islower if style == "lroman" else str.isupper
    return _roman_value(token) if token.isalpha() and wanted(token) else None


def _list_token(style: str, n: int) -> str:
    if style == "digit":
        return str(n)
    if style in ("lower", "upper"):
        letter = chr(96 + n) if 1 <= n <= 26 else "?"
        return letter if style == "lower" else letter.upper()
    numerals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, sym in numerals:
        while n >= value:
            out, n = out + sym, n - value
    return out if style == "lroman" else out.upper()


# --- blocks: the body flattened into printed paragraphs ----------------------

@dataclass
class Block:
    kind: str                 # p, h1 … h4, table, text
    text: str                 # whitespace-normalised printed text
    line: int | None
    el: object = None
    quoted: bool = False      # inside a <blockquote> (indented)
    implied: str | None = None  # enumerator printed by an <ol> list style, not in the text

    @property
    def all_bold(self) -> bool:
        if self.el is None or self.kind != "p" or not self.text:
            return False
        bold = "".join("".join(s.xpath(".//text()")) for s in self.el.iter("strong", "b"))
        return _clean(bold) == self.text


def _flatten(parent, quoted: bool, out: list[Block], implied: str | None = None) -> None:
    if parent.text and parent.text.strip():
        out.append(Block("text", _clean(parent.text), parent.sourceline, quoted=quoted))
    for child in parent:
        implied = _flatten_one(child, out, quoted, implied)


def _flatten_list(ol, quoted: bool, out: list[Block]) -> None:
    style = None
    if ol.tag.lower() == "ol":
        m = re.search(r"list-style-type:\s*([a-z-]+)", ol.get("style", ""))
        style = LIST_STYLES.get(m.group(1) if m else ol.get("type", "1"), "digit")
    try:
        n = int(ol.get("start", "1"))
    except ValueError:
        n = 1
    if ol.text and ol.text.strip():
        out.append(Block("text", _clean(ol.text), ol.sourceline, quoted=quoted))
    for li in ol:
        if isinstance(li.tag, str):
            token = _list_token(style, n) if style else None
            if any(isinstance(c.tag, str) and c.tag.lower() in BLOCK_TAGS | WRAPPER_TAGS
                   for c in li):
                _flatten(li, quoted, out, implied=token)
            else:
                out.append(Block("p", _clean(_raw_text(li)), li.sourceline, li, quoted, token))
            n += 1
        if li.tail and li.tail.strip():
            out.append(Block("text", _clean(li.tail), li.sourceline, quoted=quoted))


# --- loading -----------------------------------------------------------------

def _load(data: bytes, ctx: ParseContext):
    text = decode(data, ctx.path, lang=ctx.lang)
    if not text.strip():
        raise SourceError(ctx.path, "empty file, not a Guidelines Manual in HTML")
    if not _HTML_TAG.search(text):
        raise SourceError(ctx.path, "not an HTML document: no <html> or <body> tag", line=1)
    text = _XML_DECL.sub("", text, count=1)
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=False, huge_tree=False)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(ctx.path, f"cannot be read as HTML: {exc}") from None
    # libxml2 stops at its limits (nesting deeper than 256, …) with a fatal error
    # in its log and hands back the tree so far; fidelity would compare that
    # truncated tree with its own truncated body, so the log must be read here.
    for e in parser.error_log:
        if e.level >= etree.ErrorLevels.FATAL:
            raise SourceError(ctx.path, f"HTML parser stopped: {e.message}", line=e.line or None)
    errors = logged_errors(parser.error_log)
    body = root.find("body")
    if body is None:
        raise SourceError(ctx.path, "the HTML document has no <body>")
    return root, body, errors


def _is_section_heading(el) -> re.Match | None:
    """A guideline heading: a paragraph opening in bold with a §-number."""
    if not isinstance(el.tag, str) or el.tag.lower() != "p" or not len(el):
        return None
    first = el[0]
    if not isinstance(first.tag, str) or first.tag.lower() not in ("strong", "b"):
        return None
    if el.text and el.text.strip():
        return None
    return _SECTION.match(_clean(_raw_text(el)))


def _is_chapter_heading(el) -> bool:
    return (isinstance(el.tag, str) and el.tag.lower() == "h1"
            and bool(_CHAPTER.match(_clean(_raw_text(el)))))


# --- the tree builder -------------------------------------------------------

@dataclass
class _Enum:
    depth: int                # index into LEVELS
    ordinal: int
    node: Node
    pin: str                  # pinpoint after the section number: "(c)(1)"


@dataclass
class _Commentary:
    node: Node                # the commentary node itself
    owner: Node               # the section or container it belongs to
    cite: str                 # citation stem: "USSG §3E1.1" / "USSG Ch.3, Pt.D"
    part: Node | None = None  # the labelled part being filled
    note: Node | None = None  # the application note being filled
    last_note: int = 0


@dataclass
class _Builder:
    ctx: ParseContext
    short: str
    nodes: list[Node] = field(default_factory=list)
    containers: list[tuple[int, Node]] = field(default_factory=list)  # (rank, node)
    section: Node | None = None
    enums: list[_Enum] = field(default_factory=list)
    commentary: _Commentary | None = None
    intro: Node | None = None          # container text sink (intro provision)
    intro_sub: Node | None = None      # its bold "(a) …" division
    chapter_title_pending: bool = False
    after_hist: bool = False
    eids: EidSet = field(init=False)

    def __post_init__(self) -> None:
        self.eids = EidSet(self.ctx.path, refuse_repeats=True)   # a § or note printed twice

    # -- helpers --
    def fail(self, message: str, line: int | None) -> SourceError:
        return SourceError(self.ctx.path, message, line=line)

    def register(self, node: Node) -> Node:
        node.eid = self.eids.claim(node.eid, node.line)
        return node

    def add_child(self, parent: Node | None, node: Node) -> Node:
        self.register(node)
        if parent is None:
            self.nodes.append(node)
        else:
            if parent.wrapup:
                raise self.fail(f"text of {parent.eid} would be split by {node.eid}", node.line)
            parent.children.append(node)
        return node

    @staticmethod
    def append_text(node: Node, text: str) -> None:
        if node.children:
            node.wrapup = f"{node.wrapup}\n{text}" if node.wrapup else text
        else:
            node.text = f"{node.text}\n{text}" if node.text else text

    def container(self) -> Node | None:
        return self.containers[-1][1] if self.containers else None

    def container_cite(self) -> str:
        bits = []
        for _, node in self.containers:
            if node.level == "chapter":
                bits.append(f"Ch.{node.num_norm}")
            elif node.level == "part":
                bits.append(f"Pt.{node.num_norm}")
            else:
                bits.append(f"subpt.{node.num_norm}")
        return f"{self.short} " + ", ".join(bits) if bits else self.short

    def close_section(self) -> None:
        self.section = None
        self.enums = []
        self.commentary = None
        self.after_hist = False

    def close_container_text(self) -> None:
        self.intro = None
        self.intro_sub = None

    # -- containers --
    def open_container(self, rank: int, node: Node) -> None:
        self.close_section()
        self.close_container_text()
        self.chapter_title_pending = False
        while self.containers and self.containers[-1][0] >= rank:
            self.containers.pop()
        parent = self.container()
        node.eid = make_eid(parent, node.level, node.num_norm)
        self.add_child(parent, node)
        self.containers.append((rank, node))
        node.citation = self.container_cite()

    def chapter(self, b: Block, m: re.Match) -> None:
        word = m.group(1).upper()
        if word not in CHAPTER_WORDS:
            raise self.fail(f"unknown chapter number {m.group(1)!r}", b.line)
        n = CHAPTER_WORDS[word]
        self.containers = []
        self.open_container(1, Node(eid="", level="chapter", kind=CONTAINER,
                                    num=b.text, num_norm=str(n), line=b.line))
        self.chapter_title_pending = True

    def part(self, b: Block, m: re.Match) -> None:
        if not any(node.level == "chapter" for _, node in self.containers):
            raise self.fail(f"{b.text!r} outside any chapter", b.line)
        letter = m.group(2).upper()
        heading = m.group(3) or None
        self.open_container(2, Node(eid="", level="part", kind=CONTAINER,
                                    num=m.group(1), num_norm=letter, heading=heading,
                                    line=b.line))
        if heading and heading.startswith("[Not Used]"):
            self.container().attrs["status"] = "not_used"

    def subpart(self, b: Block, m: re.Match) -> None:
        if not any(node.level == "part" for _, node in self.containers):
            raise self.fail(f"subpart {b.text!r} outside any part", b.line)
        self.open_container(3, Node(eid="", level="subpart",
                                    kind=CONTAINER, num=m.group(1), num_norm=m.group(2),
                                    heading=m.group(3), line=b.line))

    # -- sections --
    def section_heading(self, b: Block, m: re.Match) -> None:
        self.close_section()
        self.close_container_text()
        self.chapter_title_pending = False
        chapter, letter, subpart, number = m.group(2), m.group(3), m.group(4), m.group(5)
        norm = f"{chapter}{letter}{subpart}.{number}"
        self.check_place(b, norm, chapter, letter, subpart)
        # Section numbers are unique in the Manual: no container in the eId.
        number = norm.replace(".", "-")
        if m.group(6):
            norm = f"{norm}-{m.group(6)}"
            number = f"{number}_to_{m.group(6).replace('.', '-')}"
        eid = make_eid(None, "section", number)
        heading = m.group(7) or None
        attrs: dict = {}
        if heading and _DELETED.match(heading):
            attrs["status"] = "deleted"
        elif heading and _POLICY.search(heading):
            attrs["type"] = "policy_statement"
        else:
            attrs["type"] = "guideline"
        # A range of deleted sections is cited as a range: "USSG §§7A1.1–7A1.4".
        base = (f"{self.short} §§{norm.split('-')[0]}–{m.group(6)}" if m.group(6)
                else f"{self.short} §{norm}")
        node = Node(eid=eid, level="section", kind=PROVISION, num=m.group(1), num_norm=norm,
                    heading=heading, line=b.line, attrs=attrs,
                    citation=base + (", p.s." if attrs.get("type") == "policy_statement" else ""))
        self.add_child(self.container(), node)
        self.section = node

    def check_place(self, b: Block, norm: str, chapter: str, letter: str, subpart: str) -> None:
        for _, node in self.containers:
            wanted = {"chapter": chapter, "part": letter, "subpart": subpart}[node.level]
            if node.num_norm != wanted:
                raise self.fail(f"§{norm} is printed inside {node.level} {node.num_norm}",
                                b.line)

    def sec_cite(self, pinpoint: str) -> str:
        """The citation of ``pinpoint`` ("(b)(1)") inside the open section."""
        sec = self.section
        if not pinpoint:
            return sec.citation
        ps = ", p.s." if sec.attrs.get("type") == "policy_statement" else ""
        return f"{self.short} §{sec.num_norm}{pinpoint}{ps}"

    def guideline_text(self, b: Block) -> None:
        """Split one paragraph of guideline text on its leading enumerators."""
        tokens: list[tuple[str | None, str, int]] = []   # (printed num, token, text offset)
        if b.implied:
            tokens.append((None, b.implied, 0))
        offset = 0
        while m := _ENUM.match(b.text, offset):
            offset = m.end()
            tokens.append((m.group(0).strip(), m.group(1), offset))
        target: Node | None = None
        start = 0
        for printed, token, end in tokens:
            placed = self.place_enum(printed, token, b)
            if placed is None:
                break
            target, start = placed, end
        if target is None:
            if self.enums and b.all_bold and _TABLE_NOTES.match(b.text):
                self.table_notes(b)
                return
            sink = self.enums[-1].node if self.enums else self.section
            self.append_text(sink, b.text)
            return
        heading, body = _split_heading(b, b.text[start:], ("span",))
        if heading:
            target.heading = heading
        if body:
            self.append_text(target, body)

    def table_notes(self, b: Block) -> None:
        """"*Notes to Drug Quantity Table:" — notes to a subsection's table, (A) ….

        They belong to the subsection, not to the table's last row, and are
        cited so: "USSG §2D1.1(c), Notes to Drug Quantity Table (A)".
        """
        subsec = self.enums[0].node
        label = b.text.lstrip("*").rstrip(":").strip()
        node = Node(eid=make_eid(subsec, "table_notes"), level="notes", kind=PROVISION,
                    heading=b.text, line=b.line, num_norm=None,
                    citation=self.sec_cite(f"{self.enums[0].pin}, {label}"))
        self.add_child(subsec, node)
        del self.enums[1:]
        # A stand-in one level down that no enumerator continues, so that "(A)"
        # opens the notes' first subparagraph.
        depth = min(self.enums[0].depth + 1, len(LEVELS) - 1)
        self.enums.append(_Enum(depth, -1, node, f"{self.enums[0].pin}, {label} "))

    def place_enum(self, printed: str | None, token: str, b: Block) -> Node | None:
        choice = _choose_level(self.enums, token, self.section, self.eids)
        if choice is None:
            return None
        depth, ordinal, keep = choice
        del self.enums[keep:]
        parent = self.enums[-1].node if self.enums else self.section
        level, _ = LEVELS[depth]
        node = Node(eid=make_eid(parent, level, token), level=level, kind=PROVISION,
                    num=printed, num_norm=token, line=b.line)
        if printed is None:
            node.attrs["num_implied"] = f"({token})"
        pin = (self.enums[-1].pin if self.enums else "") + f"({token})"
        node.citation = self.sec_cite(pin)
        self.add_child(parent, node)
        self.enums.append(_Enum(depth, ordinal, node, pin))
        return node

    # -- commentary --
    def open_commentary(self, b: Block) -> None:
        heading = b.text
        low = heading.lower()
        if low == "commentary" and self.section is not None and self.commentary is None \
                and not self.after_hist:
            owner, stem = self.section, self.sec_cite("").replace(", p.s.", "")
            node = Node(eid=make_eid(owner, "commentary"), level="commentary", kind=COMMENTARY,
                        heading=heading, line=b.line, citation=f"{stem}, comment.",
                        attrs={"part": "commentary"})
            self.enums = []
            self.add_child(owner, node)
            self.commentary = _Commentary(node, owner, stem)
            return
        if self.commentary is not None and self.commentary.part is None \
                and not self.commentary.node.text and not self.commentary.node.children:
            # A second heading right under the first ("Illustrations of …").
            self.commentary_label(b, heading, None)
            return
        owner = self.container()
        if owner is None:
            raise self.fail(f"commentary heading {heading!r} outside any chapter", b.line)
        self.close_section()
        self.close_container_text()
        stem = self.container_cite()
        if low.startswith("introductory commentary"):
            part, cite = "introductory_commentary", f"{stem}, intro. comment."
        elif low.startswith("concluding commentary"):
            part, cite = "concluding_commentary", f"{stem}, concl. comment."
        else:
            part, cite = "commentary", f"{stem}, comment."
        node = Node(eid=make_eid(owner, part), level="commentary", kind=COMMENTARY,
                    heading=heading, line=b.line, citation=cite, attrs={"part": part})
        self.add_child(owner, node)
        self.commentary = _Commentary(node, owner, stem)

    def commentary_label(self, b: Block, label: str, rest: str | None) -> None:
        c = self.commentary
        key = label.rstrip(":").strip().lower()
        part = COMMENTARY_PARTS.get(key)
        if part is None:
            part = re.sub(r"[^a-z0-9]+", "_", key.split(" of ")[0]).strip("_") or "part"
            eid = make_eid(c.node, "commentary_label", part)
        else:
            eid = make_eid(c.node, part)
        cite = (f"{c.cite}, comment. (backg'd.)" if part == "background"
                else f"{c.cite}, comment.")
        node = Node(eid=eid, level="note", kind=COMMENTARY,
                    heading=label, line=b.line, citation=cite, attrs={"part": part})
        self.add_child(c.node, node)
        if rest:
            node.text = rest
        c.part, c.note, c.last_note = node, None, 0

    def commentary_text(self, b: Block) -> None:
        c = self.commentary
        label = _leading_label(b)
        if label is not None and label.rstrip(":").strip().lower() in COMMENTARY_PARTS:
            rest = b.text[len(label):].strip()
            self.commentary_label(b, label, rest or None)
            return
        m = _NOTE.match(b.text)
        if (m and not b.quoted and c.part is not None
                and c.part.attrs.get("part") == "application_notes"
                and int(m.group(1)) == c.last_note + 1):
            n = int(m.group(1))
            body = b.text[m.end():]
            heading, body = _split_heading(b, body, ("strong", "b"))
            note = Node(eid=make_eid(c.part, "note", n), level="note", kind=COMMENTARY,
                        num=f"{n}.", num_norm=str(n), heading=heading, text=body,
                        line=b.line, citation=f"{c.cite}, comment. (n.{n})",
                        attrs={"part": "application_note"})
            self.add_child(c.part, note)
            c.note, c.last_note = note, n
            return
        self.append_text(c.note or c.part or c.node, b.text)

    # -- historical notes and other tables --
    def table(self, b: Block) -> None:
        rows = _table_rows(b.el)
        is_hist = rows and rows[0] and rows[0][0].strip().lower() == "historical note"
        if is_hist:
            if self.section is not None and not self.after_hist:
                owner, cite = self.section, f"{self.sec_cite('')} (historical note)"
            elif self.commentary is not None and self.commentary.owner is not self.section:
                owner = self.commentary.node
                cite = f"{self.commentary.node.citation} (historical note)"
            else:
                owner = self.container()
                if owner is None:
                    raise self.fail("historical note outside any chapter or section", b.line)
                cite = f"{self.container_cite()} (historical note)"
            text = "\n".join("\t".join(r[1:]) for r in rows).strip()
            node = Node(eid=make_eid(owner, "historical_note"), level="note", kind=COMMENTARY,
                        heading=rows[0][0].strip(), text=text, line=b.line, citation=cite,
                        attrs={"part": "historical_note"})
            self.add_child(owner, node)
            if self.section is not None:
                self.after_hist = True
                self.commentary = None
            else:
                self.commentary = None
                self.close_container_text()
            return
        owner = (self.enums[-1].node if self.enums else None) or \
            (self.commentary and (self.commentary.note or self.commentary.part
                                  or self.commentary.node)) or self.section or self.intro \
            or self.container()
        if owner is None:
            raise self.fail("table outside any chapter or section", b.line)
        n = sum(1 for c in owner.children if c.level == "table") + 1
        kind = COMMENTARY if owner.kind == COMMENTARY else PROVISION
        node = Node(eid=make_eid(owner, "table", n), level="table", kind=kind,
                    text="\n".join("\t".join(r) for r in rows), line=b.line,
                    citation=owner.citation)
        self.add_child(owner, node)

    # -- container text --
    def container_text(self, b: Block) -> None:
        owner = self.container()
        if owner is None:
            raise self.fail(f"text before any chapter or section: {b.text[:40]!r}", b.line)
        if self.chapter_title_pending and owner.level == "chapter":
            self.chapter_title_pending = False
        m = _INTRO_NUM.match(b.text) if b.all_bold else None
        if m and make_eid(owner, "intro", m.group(2)) not in self.eids:
            n = m.group(2)
            node = Node(eid=make_eid(owner, "intro", n), level="intro", kind=PROVISION,
                        num=m.group(1), num_norm=n, heading=m.group(3), line=b.line,
                        citation=f"{self.container_cite()}({n})")
            self.add_child(owner, node)
            self.intro, self.intro_sub = node, None
            return
        m = _INTRO_SUB.match(b.text) if b.all_bold and self.intro is not None \
            and self.intro.num_norm else None
        if m:
            node = Node(eid=make_eid(self.intro, "subsection", m.group(2)), level="subsection",
                        kind=PROVISION, num=m.group(1), num_norm=m.group(2),
                        heading=m.group(3), line=b.line,
                        citation=f"{self.intro.citation}({m.group(2)})")
            self.add_child(self.intro, node)
            self.intro_sub = node
            return
        if self.intro is None:
            node = Node(eid=make_eid(owner, "intro"), level="intro", kind=PROVISION,
                        line=b.line, citation=self.container_cite())
            self.add_child(owner, node)
            self.intro = node
        self.append_text(self.intro_sub or self.intro, b.text)

    # -- dispatch --
    def feed(self, b: Block, upcoming: Block | None) -> None:
        if not b.text:
            return
        if b.kind == "h1":
            m = _CHAPTER.match(b.text)
            if m:
                self.chapter(b, m)
            elif self.chapter_title_pending:
                self.container().heading = b.text
                self.chapter_title_pending = False
            else:
                raise self.fail(f"unrecognised chapter heading {b.text!r}", b.line)
            return
        self.chapter_title_pending = False
        m = _PART.match(b.text)
        if b.kind == "h2" or (m and b.kind == "p" and b.all_bold and not b.quoted
                              and b.text[:4].isupper()):
            if not m:
                raise self.fail(f"unrecognised part heading {b.text!r}", b.line)
            self.part(b, m)
            return
        if b.kind == "h3":
            m = _SUBPART.match(b.text)
            if not m:
                raise self.fail(f"unrecognised subpart heading {b.text!r}", b.line)
            self.subpart(b, m)
            return
        if b.kind in ("h4", "h5", "h6") or (b.kind == "p" and b.all_bold and not b.quoted
                                            and b.text.lower() == "commentary"):
            self.open_commentary(b)
            return
        if b.kind == "table":
            self.table(b)
            return
        m = _is_section_heading(b.el) if b.el is not None and not b.quoted else None
        if m:
            self.section_heading(b, m)
            return
        if _SEPARATOR.match(b.text):
            # "* * * * *" closes what precedes it: the section, else a subpart or
            # part about to end; it is printed after all of that one's children.
            owner = self.section
            if owner is None and self.containers:
                rank, innermost = self.containers[-1]
                closing = {"h1": 1, "h2": 2, "h3": 3}.get(upcoming.kind if upcoming else "h1")
                owner = innermost if closing and rank >= closing else None
            if owner is not None:
                owner.wrapup = f"{owner.wrapup}\n{b.text}" if owner.wrapup else b.text
                self.close_section()
                self.close_container_text()
                return
        if self.commentary is not None:
            self.commentary_text(b)
        elif self.section is not None and not self.after_hist:
            self.guideline_text(b)
        else:
            self.close_section()
            self.container_text(b)


def _choose_level(enums: list[_Enum], token: str, section: Node,
                  used: EidSet) -> tuple[int, int, int] | None:
    """Where ``token`` fits: (level depth, ordinal, how many open levels to keep).

    Preference: opening the next deeper level, then continuing the deepest open
    level that the token continues, then opening a level further down, then
    (out of printed order) an unused number of an open level's style.
    """
    deepest = enums[-1].depth if enums else -1
    nxt = deepest + 1
    if nxt < len(LEVELS) and _ordinal(token, LEVELS[nxt][1]) == 1:
        return nxt, 1, len(enums)
    for i in range(len(enums) - 1, -1, -1):
        e = enums[i]
        if _ordinal(token, LEVELS[e.depth][1]) == e.ordinal + 1:
            return e.depth, e.ordinal + 1, i
    for depth in range(nxt + 1, len(LEVELS)):
        if _ordinal(token, LEVELS[depth][1]) == 1:
            return depth, 1, len(enums)
    # Out of order: §2D1.1 prints (d) and (e) before its (c), the Drug Quantity
    # Table. A token of an open level's style that is not yet used there fits.
    for i in range(len(enums) - 1, -1, -1):
        e = enums[i]
        ordinal = _ordinal(token, LEVELS[e.depth][1])
        parent = enums[i - 1].node if i else section
        if ordinal and make_eid(parent, LEVELS[e.depth][0], token) not in used:
            return e.depth, ordinal, i
    return None


def _leading_label(b: Block) -> str | None:
    """The bold text a paragraph opens with, when it ends in a colon ("Background:")."""
    el = b.el
    if el is None or b.kind != "p" or (el.text and el.text.strip()) or not len(el):
        return None
    first = el[0]
    if not isinstance(first.tag, str) or first.tag.lower() not in ("strong", "b"):
        return None
    label = _clean(_raw_text(first))
    return label if label.endswith(":") and len(label) <= 60 else None


def _split_heading(b: Block, text: str, tags: tuple[str, ...]) -> tuple[str | None, str]:
    """A heading printed in ``tags`` right at the start of ``text`` ("Definitions.—")."""
    if b.el is None:
        return None, text
    for el in b.el.iter(*tags):
        head = _clean(_raw_text(el))
        if head and text.startswith(head):
            after = text[len(head):]
            punct = _HEADING_END.match(after).group(0)
            if not punct and tags == ("span",):
                return None, text
            heading = (head + punct).strip()
            return heading, after[len(punct):].strip()
        break
    return None, text


def _table_rows(table) -> list[list[str]]:
    rows = []
    for tr in table.iter("tr"):
        rows.append([_clean(_raw_text(c)) for c in tr if isinstance(c.tag, str)
                     and c.tag.lower() in ("td", "th")])
    return rows


# --- entry point -------------------------------------------------------------

def parse(data: bytes, ctx: ParseContext) -> Document:
    """Parse the Guidelines Manual HTML in ``data`` (read from ``ctx.path``)."""
    root, body, parser_errors = _load(data, ctx)
    children = list(body)
    start = next((i for i, el in enumerate(children) if _is_chapter_heading(el)), None)
    first_section = next((i for i, el in enumerate(children) if _is_section_heading(el)), None)
    if first_section is None:
        raise SourceError(ctx.path, "no guideline section heading (a bold §1B1.1-style "
                                    "paragraph) found: not a Guidelines Manual")
    if start is None or start > first_section:
        start = first_section

    # Front matter: everything before the first chapter heading (see module doc).
    front = children[:start]
    toc = [{"text": _clean(_raw_text(a)), "href": a.get("href")}
           for el in front if isinstance(el.tag, str) for a in el.iter("a") if a.get("href")]
    meta = {
        "front_matter": [t for t in (_clean(_raw_text(el)) for el in front
                                     if isinstance(el.tag, str)) if t],
        "toc": toc,
        "images": [el.get("src") for el in body.iter("img", "embed") if el.get("src")],
        "generator": next((m.get("content") for m in root.iter("meta")
                           if m.get("name") == "generator"), None),
        "parser_errors": parser_errors,
    }

    # Body text, independent of the tree: every text node from the start on.
    pieces = []
    for el in children[start:]:
        if isinstance(el.tag, str) and el.tag.lower() not in ("script", "style"):
            pieces.append(_raw_text(el))
        if el.tail:
            pieces.append(el.tail)
    body_text = "\n".join(pieces)

    blocks: list[Block] = []
    for el in children[start:]:
        _flatten_one(el, blocks)

    short = ctx.short_title or DEFAULT_SHORT
    builder = _Builder(ctx, short)
    visible = [b for b in blocks if b.text]
    for i, b in enumerate(visible):
        builder.feed(b, visible[i + 1] if i + 1 < len(visible) else None)

    # The title page opens the front matter: "UNITED STATES SENTENCING COMMISSION",
    # "GUIDELINES MANUAL", "2016".
    title_bits = meta["front_matter"][:3]
    title = _clean(" ".join(title_bits)) if title_bits else (ctx.short_title or "Guidelines Manual")
    return Document(title=title, nodes=builder.nodes, body_text=body_text, meta=meta)


def _flatten_one(el, out: list[Block], quoted: bool = False,
                 implied: str | None = None) -> str | None:
    """Blocks of one element and its tail; returns ``implied`` if no paragraph took it."""
    if isinstance(el.tag, str):
        tag = el.tag.lower()
        if tag == "blockquote":
            _flatten(el, True, out)
        elif tag in WRAPPER_TAGS:
            _flatten(el, quoted, out)
        elif tag in ("ol", "ul"):
            _flatten_list(el, quoted, out)
        elif tag not in ("script", "style"):
            kind = tag if tag in BLOCK_TAGS else "p"
            block = Block(kind, _clean(_raw_text(el)), el.sourceline, el, quoted)
            if implied is not None and kind == "p":
                block.implied, implied = implied, None
            out.append(block)
    if el.tail and el.tail.strip():
        out.append(Block("text", _clean(el.tail), el.sourceline, quoted=quoted))
    return implied


register("ussg-html", parse, file_format="html", lang="en")
