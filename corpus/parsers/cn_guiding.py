"""Chinese guiding opinions (指导意见) and rules (规定/办法) as scholars download them.

Input: any format :mod:`plea.corpus.readers` reads — a saved SPP/SPC web page, a Word file,
a PDF with a text layer, plain text or Markdown — in UTF-8 (with or without BOM) or
GB18030. The readers give paragraphs; this module reads the layout.

Front matter, when present, is the issuing notice: issuers, ``关于印发《…》的通知``,
the document number (``高检发〔2019〕13号``), addressees, the notice text, signature
and date. The document number, issuers, date and the notice title go to the
document's ``meta`` (and from there to ``plea add`` and the manifest); the notice
itself is kept as commentary (``notice``) so no text is lost. Then the title, a preamble
(``preamble``), and one of two layouts:

* **numbered** (指导意见): ``一、`` part headings (``part_3``), ``（一）`` sub-headings
  (``part_2__sec_1``), and numbered paragraphs ``33.【量刑建议的提出】…`` (``para_33``,
  the bracketed caption in ``heading``); the official print's ``33.量刑建议的提出。…``,
  a caption written as a short first sentence, is read the same way when nearly every
  numbered paragraph of the document opens so. A numbered paragraph is the unit citations
  count (《指导意见》第33条), so it is stored at level ``article``; its further 款 are
  ``para_33__subpara_2`` (level ``paragraph``) and its ``（一）``/``（1）`` items
  ``para_33__item_1``.
* **articles** (规定/办法/细则): ``第X章`` / ``第X节`` headings and ``第X条`` articles, read
  by the statute parser's body reader (:mod:`plea.corpus.parsers.cn_markdown`), so eids and
  citations are those of statutes (``chp_2``, ``art_4__item_3``).

Numbering is checked, never repaired: a paragraph or part number that repeats is an
error naming its place; one that skips is recorded in ``meta["irregular"]`` (shown by
``plea add`` and kept in the database) and the printed number is kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import SourceError
from ..model import COMMENTARY, CONTAINER, Document, Node, ParseContext
from ..numbering import CN_DIGITS, cn_to_int, int_to_cn
from ..readers import Paragraphs, read_paragraphs
from ..vocab import HAN
from . import cn_markdown, register
from .eids import EidSet, make_eid

_D = f"[{CN_DIGITS}]+"
# 关于印发《…》的通知, or with the issuers first: 最高人民法院…印发《…》的通知
NOTICE_TITLE = re.compile(r"^(.*?)(?:关于)?(?:印发|发布|下发|转发)\s*《(.+?)》\s*的通知$")
DOC_NUMBER = re.compile(rf"[{HAN}]{{1,12}}\s*[〔\[［（(]\s*(\d{{4}})\s*[〕\]］）)]\s*(\d+)\s*号")
DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
CN_DATE = re.compile(r"^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日$")
PART = re.compile(rf"^({_D})\s*[、．]\s*(.*)$")
SUBHEAD = re.compile(rf"^[（(]\s*({_D})\s*[）)]\s*(.*)$")
ARABIC_ITEM = re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*(.*)$")
# 33.【量刑建议的提出】… ; never "1.5倍" (a digit after the point is a decimal).
NUMBERED = re.compile(r"^((\d{1,3})\s*[.．、])(?!\d)\s*(?:【\s*([^】]{1,40}?)\s*】)?\s*(.*)$")
CHAPTER = re.compile(rf"^第\s*({_D})\s*([编章节])(?:之({_D}))?\s*(.*)$")
# An issuing body's name ends with what it is (法院, 检察院, 公安部, 司法厅 …).
ISSUER = re.compile(rf"^[{HAN}（）()]{{2,30}}(?:法院|检察院|部|局|厅|委员会|委|署|办公室|办公厅|司法所|院)$")
CAPTION_SENTENCE = re.compile(r"^([^，,；;：:。【】]{2,24})。(.+)$")
SENTENCE_END = ("。", "；", ";", "：", ":", "，")
# What the short title of a document is, read off the end of its title.
SHORT_TITLE = re.compile(r"(指导意见|实施意见|意见|实施细则|细则|规定|办法|规则|解释|决定|纪要)$")

LAYOUT_NUMBERED = "numbered"
LAYOUT_ARTICLES = "articles"


@dataclass
class Header:
    title: str
    notice: list[int] = field(default_factory=list)    # paragraph indexes of the notice
    body_start: int = 1
    meta: dict = field(default_factory=dict)


def parse(data: bytes, ctx: ParseContext) -> Document:
    paras = read_paragraphs(data, ctx.path, lang=ctx.lang or "zh",
                            fmt=ctx.options.get("input_format"))
    return parse_paragraphs(paras, ctx)


def parse_paragraphs(paras: Paragraphs, ctx: ParseContext) -> Document:
    """The document in ``paras`` (already read from its file format)."""
    texts = paras.paragraphs
    header = read_header(texts)
    body = list(range(header.body_start, len(texts)))
    if not body:
        raise SourceError(ctx.path, "nothing after the title: is this the whole document?")
    layout = ctx.options.get("layout") or detect_layout([texts[i] for i in body])
    if layout is None:
        raise _error(ctx, paras, header.body_start, "neither numbered paragraphs (1.【…】…) nor "
                                                    "articles (第一条 …) found after the title")
    nodes: list[Node] = []
    if header.notice:
        # The notice is the covering letter, not the opinion: commentary, so it is kept
        # (and searchable) but not tagged or counted as a provision.
        nodes.append(Node(eid=make_eid(None, "notice"), level="notice", kind=COMMENTARY,
                          text="\n".join(texts[i] for i in header.notice),
                          line=_line(paras, header.notice[0])))
    reader = (_NumberedReader if layout == LAYOUT_NUMBERED else _ArticleReader)(ctx, paras)
    reader.period_captions = layout == LAYOUT_NUMBERED and uses_period_captions(
        [texts[i] for i in body])
    for i in body:
        reader.feed(i, texts[i])
    nodes += reader.finish()
    body_text = "\n".join([texts[i] for i in header.notice]
                          + [printed_line(texts[i], reader.period_captions) for i in body])
    meta = {**header.meta, "layout": layout, "input_format": paras.format,
            "irregular": reader.irregular, "counts": reader.counts(),
            "first": reader.first_last()[0], "last": reader.first_last()[1]}
    return Document(title=header.title, nodes=nodes, body_text=body_text, meta=meta)


def printed_line(text: str, period_captions: bool = False) -> str:
    """A body line as the tree prints it: a caption's 【】 — or the 。 closing a caption
    written as a short first sentence — are layout, not text."""
    m = NUMBERED.match(text)
    if m and m.group(3) is not None:
        return text[:m.start(3)].replace("【", "", 1) + text[m.start(3):].replace("】", "", 1)
    if m and period_captions and (split := period_caption(m.group(4))):
        return text[:m.start(4)] + split[0] + split[1]
    return text


def period_caption(text: str) -> tuple[str, str] | None:
    """``量刑建议的提出。人民检察院…`` → (caption, rest): a short first sentence without a
    comma, with more text after it."""
    m = CAPTION_SENTENCE.match(text)
    return (m.group(1), m.group(2)) if m else None


def uses_period_captions(texts: list[str]) -> bool:
    """Does the document caption its paragraphs with a short first sentence (the 2019
    Guiding Opinions as officially printed: ``33.量刑建议的提出。…``)? Only when nearly
    all its numbered paragraphs do, so an ordinary short sentence is never taken for one."""
    numbered = [m for t in texts if (m := NUMBERED.match(t))]
    if len(numbered) < 3 or any(m.group(3) for m in numbered):
        return False
    return sum(1 for m in numbered if period_caption(m.group(4))) >= 0.8 * len(numbered)


# -- the header: notice, title, document number ---------------------------------------

def read_header(texts: list[str]) -> Header:
    """Where the notice ends and the body begins, and what the front matter says."""
    meta: dict = {}
    notice_at = next((i for i, t in enumerate(texts[:12]) if NOTICE_TITLE.match(_squash(t))), None)
    if notice_at is not None:
        inner = NOTICE_TITLE.match(_squash(texts[notice_at])).group(2)
        meta["notice_title"] = _squash(texts[notice_at])
        for t in range(notice_at + 1, len(texts)):
            joined = _squash(texts[t])
            if joined == inner or (t + 1 < len(texts) and joined + _squash(texts[t + 1]) == inner):
                end = t + (1 if joined == inner else 2)
                notice = list(range(0, t))
                meta.update(_notice_meta([texts[i] for i in notice], notice_at))
                return Header(title=inner, notice=notice, body_start=end, meta=meta)
        # (the opinion's title not repeated: see below)
        # The opinion's own title is not repeated: the body starts after the notice's date.
        date_at = next((i for i in range(notice_at, min(len(texts), notice_at + 40))
                        if _date(texts[i])), None)
        if date_at is not None:
            notice = list(range(0, date_at + 1))
            meta.update(_notice_meta([texts[i] for i in notice], notice_at))
            return Header(title=inner, notice=notice, body_start=date_at + 1, meta=meta)
    title = _squash(texts[0])
    start = 1
    # A title printed over two lines ("最高人民法院 最高人民检察院" / "关于…的指导意见").
    if len(texts) > 1 and not SHORT_TITLE.search(title) and SHORT_TITLE.search(_squash(texts[1])) \
            and len(texts[1]) < 60:
        title, start = title + _squash(texts[1]), 2
    if start < len(texts) and (m := DOC_NUMBER.search(texts[start])) and len(texts[start]) < 40:
        meta["doc_number"] = _squash(m.group(0))
    return Header(title=title, body_start=start, meta=meta)


def _notice_meta(lines: list[str], title_at: int) -> dict:
    meta: dict = {}
    for line in lines:
        if (m := DOC_NUMBER.search(line)) and "doc_number" not in meta:
            meta["doc_number"] = _squash(m.group(0))
    dates = [(i, d) for i, line in enumerate(lines) if (d := _date(line))]
    if dates:
        meta["date"] = dates[-1][1]
    # Issuers: the lines above the notice title (or its own opening, "…印发《》的通知"),
    # else the signature above the date.
    issuer_lines = lines[:title_at] + [NOTICE_TITLE.match(_squash(lines[title_at])).group(1)]
    issuer_lines = [line for line in issuer_lines if line]
    if not any(ISSUER.search(w) for line in issuer_lines for w in re.split(r"[\s、，,]+", line)) \
            and dates and dates[-1][0] > 0:
        candidate = lines[dates[-1][0] - 1]
        if not candidate.endswith(SENTENCE_END):
            issuer_lines = [candidate]
    issuers = [w for line in issuer_lines for w in re.split(r"[\s、，,]+", line) if ISSUER.search(w)]
    if issuers:
        meta["issuers"] = list(dict.fromkeys(issuers))
    return meta


def _date(text: str) -> str | None:
    text = _squash(text)
    if m := DATE.match(text):
        return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
    if m := CN_DATE.match(text):
        year = "".join(str("〇一二三四五六七八九".index(c.replace("零", "〇"))) for c in m[1])
        return f"{year}-{cn_to_int(m[2]):02d}-{cn_to_int(m[3]):02d}"
    return None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def detect_layout(texts: list[str]) -> str | None:
    """``numbered`` or ``articles``, by which kind of unit the body is made of."""
    numbered = sum(1 for t in texts if (m := NUMBERED.match(t)) and (m.group(3) or m.group(4)))
    captioned = sum(1 for t in texts if (m := NUMBERED.match(t)) and m.group(3))
    articles = sum(1 for t in texts if cn_markdown.ARTICLE.match(t))
    if captioned or (numbered >= 2 and numbered > articles):
        return LAYOUT_NUMBERED
    if articles:
        return LAYOUT_ARTICLES
    return None


def short_title(title: str) -> str:
    """What the title is cited as: 指导意见, 规定, 办法 … (the kind of document)."""
    m = SHORT_TITLE.search(title)
    return m.group(1) if m else title


def _error(ctx: ParseContext, paras: Paragraphs, index: int, message: str) -> SourceError:
    """An error at a paragraph: file:line for text files, (page 2) / (paragraph 5) else."""
    place = paras.place(index)
    if place.startswith("line "):
        return SourceError(ctx.path, message, line=int(place.split()[-1]))
    return SourceError(ctx.path, message, where=place)


def _line(paras: Paragraphs, index: int) -> int:
    place = paras.place(index)
    return int(place.split()[-1]) if place.startswith("line ") else index + 1


# -- layout readers ------------------------------------------------------------------

class _Reader:
    def __init__(self, ctx: ParseContext, paras: Paragraphs):
        self.ctx = ctx
        self.paras = paras
        self.irregular: list[str] = []
        self.preamble: Node | None = None
        self.period_captions = False

    def error(self, index: int, message: str) -> SourceError:
        return _error(self.ctx, self.paras, index, message)

    def note(self, index: int, message: str) -> None:
        self.irregular.append(f"{self.paras.place(index)}: {message}")

    def add_preamble(self, index: int, text: str) -> None:
        if self.preamble is None:
            self.preamble = Node(eid=make_eid(None, "preamble"), level="preamble", text=text,
                                 line=_line(self.paras, index))
        else:
            self.preamble.text += "\n" + text


class _NumberedReader(_Reader):
    """一、 parts, （一） sub-headings, 1.【caption】 paragraphs, 款 and items."""

    def __init__(self, ctx: ParseContext, paras: Paragraphs):
        super().__init__(ctx, paras)
        self.roots: list[Node] = []
        self.part: Node | None = None
        self.section: Node | None = None
        self.para: Node | None = None
        self.subparas: list[Node] = []
        self.last_line_end = ""            # how the previous line of the open paragraph ended
        self.in_items = False
        self.paras_seen: dict[int, str] = {}   # number -> place
        self.para_last = 0                     # the number of the paragraph before
        self.parts_seen: dict[int, str] = {}
        self.captions: bool | None = None      # does this document caption its paragraphs?
        self.title = f"《{ctx.short_title}》" if ctx.short_title else ""
        self.title_en = ctx.options.get("short_title_en") or ""
        # Paragraph and part numbers are checked before their eIds are made (with the
        # place as the scholar sees it); a repeated sub-heading or item is refused here.
        self.eids = EidSet(ctx.path, refuse_repeats=True)

    # where new nodes go
    def _container(self) -> Node | None:
        return self.section or self.part

    def _attach(self, node: Node) -> None:
        owner = self._container()
        (owner.children if owner is not None else self.roots).append(node)

    def feed(self, index: int, text: str) -> None:
        line = _line(self.paras, index)
        numbered = NUMBERED.match(text)
        if numbered and self._is_paragraph(index, numbered):
            self.start_paragraph(index, numbered, line)
            return
        if (m := PART.match(text)) and self._is_heading(m.group(2)):
            self.start_part(index, m, line)
            return
        sub = SUBHEAD.match(text)
        if sub and not self._continues_items(sub.group(1)) and self._is_heading(sub.group(2)):
            self.start_section(index, sub, line)
            return
        if self.para is None:
            if self.part is None:
                self.add_preamble(index, text)
                return
            # Text under a heading before its first paragraph: an introduction of the part.
            owner = self._container()
            eid = make_eid(owner, "intro")
            twin = next((c for c in owner.children if c.eid == eid), None)
            if twin is not None:
                twin.text += "\n" + text
            else:
                owner.children.append(self.eids.give(
                    Node(eid="", level="intro", text=text, line=line), owner, "intro"))
            return
        if self._item_context():
            if (sub := sub or ARABIC_ITEM.match(text)) and self._continues_items(sub.group(1)):
                self.add_item(sub.group(1), sub.group(2), text, line)
                return
            if numbered and self._continues_items(numbered.group(2)):
                self.add_item(numbered.group(2), numbered.group(4), text, line)
                return
        self.add_subparagraph(text, line)

    # -- decisions ---------------------------------------------------------------------
    def _is_heading(self, rest: str) -> bool:
        """A heading is short and is not a sentence."""
        return bool(rest) and len(rest) <= 40 and not rest.endswith(SENTENCE_END[:4])

    def _item_context(self) -> bool:
        """Does the open paragraph introduce a list (ends with ：) or is a list going on?"""
        return self.para is not None and (self.last_line_end in ("：", ":") or self.in_items)

    def _continues_items(self, token: str) -> bool:
        """Is ``token`` the next item of the open list (the first after a ：)?"""
        if not self._item_context():
            return False
        owner = self.subparas[-1] if self.subparas else self.para
        items = [c for c in owner.children if c.level == "item"]
        n = int(token) if token.isdigit() else cn_to_int(token)
        return n == (int(items[-1].num_norm) + 1 if items and self.in_items else 1)

    def _is_paragraph(self, index: int, m: re.Match) -> bool:
        captioned = m.group(3) is not None or (self.period_captions
                                                and period_caption(m.group(4)) is not None)
        if self.captions is None:
            self.captions = captioned
        if captioned:
            return True
        if self.captions:
            return False                   # an uncaptioned 1. inside a captioned document
        n = int(m.group(2))
        if n == self.para_last + 1:
            return True
        if self._item_context():
            return False
        return True                        # a skip or repeat: reported in start_paragraph

    # -- building ----------------------------------------------------------------------
    def start_part(self, index: int, m: re.Match, line: int) -> None:
        n = cn_to_int(m.group(1))
        if n in self.parts_seen:
            raise self.error(index, f"part {m.group(1)}、 appears twice "
                                    f"(first at {self.parts_seen[n]})")
        expected = max(self.parts_seen, default=0) + 1
        if n != expected:
            self.note(index, f"part numbering jumps to {m.group(1)}、 "
                             f"(expected {int_to_cn(expected)}、)")
        self.parts_seen[n] = self.paras.place(index)
        node = self.eids.give(Node(eid="", level="part", kind=CONTAINER,
                                   num=m.string[:m.start(2)].strip(), num_norm=str(n),
                                   heading=_heading(m.group(2)), line=line), None, "part", n)
        self.roots.append(node)
        self.part, self.section, self.para = node, None, None

    def start_section(self, index: int, m: re.Match, line: int) -> None:
        n = cn_to_int(m.group(1))
        parent = self.part
        siblings = parent.children if parent is not None else self.roots
        node = Node(eid="", level="section", kind=CONTAINER, num=m.string[:m.start(2)].strip(),
                    num_norm=str(n), heading=_heading(m.group(2)), line=line)
        try:
            self.eids.give(node, parent, "section", n)
        except SourceError:
            raise self.error(index, f"sub-heading （{m.group(1)}） appears twice in "
                                    f"{parent.num if parent else 'the document'}") from None
        siblings.append(node)
        self.section, self.para = node, None

    def start_paragraph(self, index: int, m: re.Match, line: int) -> None:
        n = int(m.group(2))
        if n in self.paras_seen:
            raise self.error(index, f"paragraph number {n} appears twice "
                                    f"(first at {self.paras_seen[n]})")
        last = self.para_last
        if n > last + 1:
            missing = f"{last + 1}" if n == last + 2 else f"{last + 1}–{n - 1}"
            self.note(index, f"paragraph numbering jumps from {last} to {n} ({missing} missing)")
        elif n < last:
            self.note(index, f"paragraph numbering goes back from {last} to {n}")
        self.paras_seen[n] = self.paras.place(index)
        self.para_last = n
        heading, text = m.group(3), m.group(4)
        if heading is None and self.period_captions and (split := period_caption(text)):
            heading, text = split
        # A numbered paragraph is cited as an article but is an AKN paragraph: para_33.
        node = self.eids.give(Node(eid="", level="article", num=m.group(1).replace(" ", ""),
                                   num_norm=str(n), heading=heading, text=text, line=line),
                              None, "paragraph", n)
        self._attach(node)
        self.para, self.subparas, self.in_items = node, [], False
        self.last_line_end = text[-1:] if text else ""

    def add_subparagraph(self, text: str, line: int) -> None:
        para = self.para
        assert para is not None
        if not self.subparas:
            # The first 款 lived on the paragraph itself; move it down.
            first = self.eids.give(Node(eid="", level="paragraph", num_norm="1",
                                        text=para.text, line=para.line,
                                        children=para.children), para, "subparagraph", 1)
            for child in first.children:
                self.eids.move(child, para.eid, first.eid)
            para.text, para.children = "", [first]
            self.subparas.append(first)
        k = len(self.subparas) + 1
        node = self.eids.give(Node(eid="", level="paragraph", num_norm=str(k), text=text,
                                   line=line), para, "subparagraph", k)
        para.children.append(node)
        self.subparas.append(node)
        self.in_items = False
        self.last_line_end = text[-1:]

    def add_item(self, token: str, rest: str, text: str, line: int) -> None:
        owner = self.subparas[-1] if self.subparas else self.para
        assert owner is not None
        n = int(token) if token.isdigit() else cn_to_int(token)
        num = text[: len(text) - len(rest)].strip() if rest else text.strip()
        owner.children.append(self.eids.give(
            Node(eid="", level="item", num=num, num_norm=str(n), text=rest, line=line),
            owner, "item", n,
            message=f"item ({token}) appears twice in paragraph {self.para.num_norm}"))
        self.in_items = True
        self.last_line_end = text[-1:]

    def finish(self) -> list[Node]:
        if not self.paras_seen:
            raise SourceError(self.ctx.path, "no numbered paragraph (1.【…】…) found")
        for node, _ in ((n, p) for root in self.roots for n, p in root.walk()):
            if node.level == "article":
                self._cite(node)
        return ([self.preamble] if self.preamble else []) + self.roots

    def _cite(self, para: Node) -> None:
        n = para.num_norm
        para.citation = f"{self.title}第{n}条"
        if self.title_en:
            para.attrs["citation_en"] = f"{self.title_en} ¶ {n}"
        for child in para.children:
            self._cite_down(child, para.citation, para.attrs.get("citation_en"))

    def _cite_down(self, node: Node, prefix: str, prefix_en: str | None) -> None:
        unit = {"paragraph": "款", "item": "项"}[node.level]
        node.citation = f"{prefix}第{int_to_cn(int(node.num_norm or 0))}{unit}"
        en = None
        if prefix_en:
            en = f"{prefix_en}, para. {node.num_norm}" if node.level == "paragraph" \
                else f"{prefix_en}({node.num_norm})"
            node.attrs["citation_en"] = en
        for child in node.children:
            self._cite_down(child, node.citation, en)

    # -- what plea add shows -----------------------------------------------------------
    def counts(self) -> dict:
        levels: dict[str, int] = {}
        for root in self.roots:
            for node, _ in root.walk():
                levels[node.level] = levels.get(node.level, 0) + 1
        return levels

    def first_last(self) -> tuple[str | None, str | None]:
        paras = [n for root in self.roots for n, _ in root.walk() if n.level == "article"]
        return (_summary(paras[0]) if paras else None, _summary(paras[-1]) if paras else None)


class _ArticleReader(_Reader):
    """第X章 / 第X条: the statute body reader, fed line by line."""

    def __init__(self, ctx: ParseContext, paras: Paragraphs):
        super().__init__(ctx, paras)
        self.body = cn_markdown._BodyParser(ctx)
        self.keys: dict[tuple[int, int], str] = {}

    def feed(self, index: int, text: str) -> None:
        line = _line(self.paras, index)
        heading = CHAPTER.match(text)
        if heading and len(heading.group(4)) <= 40 and not heading.group(4).endswith(SENTENCE_END):
            self.body.feed(f"## {_heading(text)}", line)
            return
        article = cn_markdown.ARTICLE.match(text)
        if article:
            key = (cn_to_int(article.group(1)),
                   cn_to_int(article.group(2)) if article.group(2) else 0)
            # A repeated number with a space after it is a header, not a reference
            # ("第三条规定的…" opening a 款): the statute reader would fold it silently.
            if key in self.keys and article.group(3):
                raise self.error(index, f"{article.group(0).strip()} appears twice "
                                        f"(first at {self.keys[key]})")
        if not self.body.articles and not self.body.stack and not article:
            self.add_preamble(index, text)
            return
        before = len(self.body.articles)
        self.body.feed(text, line)
        if len(self.body.articles) > before:
            self.keys[self.body.articles[-1].key] = self.paras.place(index)

    def finish(self) -> list[Node]:
        if not self.body.articles:
            raise SourceError(self.ctx.path, "no article (第…条) found after the title")
        self.body.cite_all()
        # Spacing is layout in downloaded files; only real jumps are worth reporting.
        self.irregular += [m for m in self.body.irregular if "no space after" not in m]
        return ([self.preamble] if self.preamble else []) + self.body.roots

    def counts(self) -> dict:
        levels: dict[str, int] = {}
        for root in self.body.roots:
            for node, _ in root.walk():
                levels[node.level] = levels.get(node.level, 0) + 1
        return levels

    def first_last(self) -> tuple[str | None, str | None]:
        arts = self.body.articles
        return (_summary(arts[0].node) if arts else None, _summary(arts[-1].node) if arts else None)


def _heading(text: str) -> str:
    """A heading without layout spaces (总  则 → 总则)."""
    return re.sub(rf"(?<=[{HAN}])\s+(?=[{HAN}])", "", text.strip())


def _summary(node: Node, width: int = 60) -> str:
    text = node.text or next((c.text for c, _ in node.walk() if c.text), "")
    head = f"【{node.heading}】" if node.heading else ""
    body = text if len(text) <= width else text[:width] + "…"
    return f"{(node.num or '').strip()}{head}{body}"


def _sniff(data: bytes, file_format: str, path: str) -> bool:
    # The catch-all for what a scholar downloads: any text, page, Word file or PDF.
    return file_format in ("text", "markdown", "html", "docx", "pdf")


register("cn-guiding", parse, file_format="text", lang="zh", sniff=_sniff, sniff_order=90)
