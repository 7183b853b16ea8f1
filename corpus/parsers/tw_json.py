"""Taiwan MOJ law JSON (kong0107/mojLawSplitJSON): the Chinese text and its English translation.

Both files carry the MOJ field names: a title (法規名稱 / 英文法規名稱), a history
(沿革內容), a date of the last change and 法規內容, a *flat* list in reading order
of headings ``{"編章節": "第 七 編之一 協商程序"}`` and articles
``{"條號": "第 455-2 條", "條文內容": "...\\r\\n..."}``. The parser nests the
headings by their kind (編 > 章 > 節, Part > Chapter > Section) and splits each
article into 項 (one per line) and 款 (lines opening with 一、 / 1. / (1)).

The Chinese and English files get the *same* eids wherever their structure
matches (``book_7-1``, ``book_1__chp_8-1``, ``art_455-2__para_1__item_1``),
because the build pairs the two languages by eid.

Citations (the form a scholar writes):
  zh  刑事訴訟法第455條之2第1項第1款   (Arabic numerals, as Taiwanese courts write them)
  en  Code of Criminal Procedure (Taiwan) art. 455-2, para. 1, subpara. 1
Every 項 is a node with eid ``…__para_N``, even an article's only one, so that
eids have one shape; but, as in Taiwanese practice (第7條第1款, not
第7條第1項第1款), the citation omits the 項 when the article has only one.
"""
from __future__ import annotations

import json
import re

import cn2an

from ..errors import SourceError
from ..model import COMMENTARY, CONTAINER, Document, Node, ParseContext
from ..textio import decode
from . import register
from .eids import EidSet

# Field names of the MOJ export.
CONTENT_KEY = "法規內容"
HEADING_KEY = "編章節"
NUMBER_KEY = "條號"
TEXT_KEY = "條文內容"
ZH_TITLE_KEYS = ("法規名稱", "中文法規名稱")
EN_TITLE_KEY = "英文法規名稱"
HISTORY_KEY = "沿革內容"
DATE_KEYS = ("最新異動日期", "最新英文異動日期")

# Headings. "第 七 編之一 協商程序" / "PART I GENERAL PROVISIONS" / "CHAPTER VIII-I …" /
# "Section 1 - GENERAL PROVISIONS" / "Chapter 1 General Provisions".
ZH_HEADING = re.compile(
    r"^(?P<num>第\s*(?P<n>[零〇一二三四五六七八九十百]+)\s*(?P<kind>[編章節])"
    r"(?:之(?P<sub>[一二三四五六七八九十]+))?)\s*(?P<title>.*)$")
EN_HEADING = re.compile(
    r"^(?P<num>(?P<kind>part|chapter|section)\s+(?P<n>[IVXLC]+|\d+)(?:-(?P<sub>[IVXLC]+|\d+))?)"
    r"(?:\s+-\s+|\s+|$)(?P<title>.*)$", re.IGNORECASE)
# The hyphen in "Section 1 - GENERAL PROVISIONS" separates number and title the way a
# space does elsewhere; the tree keeps number and title apart, so body_text drops it.
HEADING_SEPARATOR = re.compile(r"\s+-\s+")

LEVELS = {"編": "book", "章": "chapter", "節": "section",
          "part": "book", "chapter": "chapter", "section": "section"}
RANK = {"book": 0, "chapter": 1, "section": 2}

ARTICLE_NUMBER = re.compile(r"^(?:第\s*(?P<zh>\d+(?:-\d+)?)\s*條|Article\s+(?P<en>\d+(?:-\d+)?))$")

# 款 enumerators opening a line: "一、" (zh); "1. " / "1.Name" / "(1) " (en).
ZH_ITEM = re.compile(r"^(?P<num>(?P<n>[一二三四五六七八九十百]+)、)\s*(?P<text>.*)$", re.S)
EN_ITEM = re.compile(r"^(?P<num>\((?P<pn>\d+)\)|(?P<dn>\d+)\.(?!\d))\s*(?P<text>.*)$", re.S)
DELETED = re.compile(r"^(?:（刪除）|\(Deleted\))$", re.IGNORECASE)
CAPTION = re.compile(r"^\(.+\)$")           # English article captions: "(Appeal Process)"
EDITORIAL_NOTE = re.compile(r"^Note\s*:", re.IGNORECASE)
HISTORY_ENTRY = re.compile(r"^\d+\.")

ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

EN_JURISDICTION = "Taiwan"


def parse(data: bytes, ctx: ParseContext) -> Document:
    """Parse one MOJ law JSON file (Chinese or English) into a Document."""
    text = decode(data, ctx.path, lang=ctx.lang)
    try:
        law = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(ctx.path, f"invalid JSON: {exc.msg}", line=exc.lineno,
                          column=exc.colno) from None
    if not isinstance(law, dict):
        raise SourceError(ctx.path, "expected a JSON object with the MOJ law fields", line=1)
    entries = law.get(CONTENT_KEY)
    if not isinstance(entries, list):
        raise SourceError(ctx.path, f"no {CONTENT_KEY} list (the articles and headings)")
    lang = _language(law, ctx)
    return _Builder(ctx, lang, law, _entry_lines(text, len(entries))).build(entries)


def _language(law: dict, ctx: ParseContext) -> str:
    # The Chinese file has 法規名稱, the English one 中文法規名稱 + 英文法規名稱.
    if "法規名稱" in law:
        return "zh"
    if EN_TITLE_KEY in law:
        return "en"
    return "zh" if ctx.lang.startswith("zh") else "en"


def _entry_lines(text: str, count: int) -> list[int | None]:
    """The 1-based line where each entry of 法規內容 starts, found by its first key.

    json.loads keeps no positions; the keys 條號 / 編章節 open every entry, so the
    n-th occurrence after 法規內容 is the n-th entry. If the counts disagree
    (keys escaped as \\uXXXX, unusual layout) no lines are reported.
    """
    start = text.find(f'"{CONTENT_KEY}"')
    if start < 0:
        return [None] * count
    hits = [m.start() for m in re.finditer(f'"(?:{NUMBER_KEY}|{HEADING_KEY})"\\s*:', text[start:])]
    if len(hits) != count:
        return [None] * count
    base = text.count("\n", 0, start) + 1
    lines, line, pos = [], base, start
    for hit in hits:
        line += text.count("\n", pos, start + hit)
        pos = start + hit
        lines.append(line)
    return lines


def roman_to_int(numeral: str) -> int:
    """Value of a Roman numeral ("VIII" -> 8); an Arabic digit string passes through."""
    if numeral.isdigit():
        return int(numeral)
    total = 0
    values = [ROMAN[c] for c in numeral.upper()]
    for value, following in zip(values, values[1:] + [0]):
        total += -value if value < following else value
    return total


def _zh_number(numeral: str) -> int:
    return int(cn2an.cn2an(numeral, "smart"))


class _Builder:
    """Walks the flat entry list once, nesting headings and splitting articles."""

    def __init__(self, ctx: ParseContext, lang: str, law: dict, lines: list[int | None]):
        self.ctx = ctx
        self.lang = lang
        self.law = law
        self.lines = lines
        self.title = self._title()
        self.short = ctx.short_title or self._default_short_title()
        self.roots: list[Node] = []
        self.stack: list[Node] = []        # open containers, outermost first
        # The Chinese and English files are paired by eId, so a repeat is refused, never renamed.
        self.eids = EidSet(ctx.path, refuse_repeats=True)
        # A line inside an article that repeats one of the file's own headings is a
        # conversion slip (the English art. 454 ends with "Part VII-III Participation
        # in Proceedings by the Victim"): it is kept as a commentary note, not as law.
        self.headings: set[str] = set()

    # -- document ---------------------------------------------------------
    def build(self, entries: list) -> Document:
        body: list[str] = []
        self.headings = {_fold(e[HEADING_KEY]) for e in entries
                         if isinstance(e, dict) and isinstance(e.get(HEADING_KEY), str)}
        for index, entry in enumerate(entries):
            where = f"{CONTENT_KEY}[{index}]"
            line = self.lines[index]
            if not isinstance(entry, dict):
                raise SourceError(self.ctx.path, "entry is not an object", line=line, where=where)
            if HEADING_KEY in entry:
                heading = self._string(entry, HEADING_KEY, where, line)
                body.append(HEADING_SEPARATOR.sub(" ", heading))
                self._heading(heading, where, line)
            elif NUMBER_KEY in entry:
                number = self._string(entry, NUMBER_KEY, where, line)
                where = f"{where} ({number})"
                content = self._string(entry, TEXT_KEY, where, line)
                body.append(number + "\n" + content)
                self._article(number, content, where, line)
            else:
                raise SourceError(self.ctx.path, f"entry has neither {NUMBER_KEY} nor {HEADING_KEY}",
                                  line=line, where=where)
        if not any(n.level == "article" for root in self.roots for n, _ in root.walk()):
            raise SourceError(self.ctx.path, f"{CONTENT_KEY} holds no articles")
        return Document(title=self.title, nodes=self.roots, body_text="\n".join(body),
                        meta=self._meta())

    def _string(self, entry: dict, key: str, where: str, line: int | None) -> str:
        value = entry.get(key)
        if not isinstance(value, str):
            problem = "is missing" if value is None else "is not a string"
            raise SourceError(self.ctx.path, f"{key} {problem}", line=line, where=where)
        return value

    def _title(self) -> str:
        keys = ZH_TITLE_KEYS if self.lang == "zh" else (EN_TITLE_KEY,)
        return next((self.law[k] for k in keys if isinstance(self.law.get(k), str)), "")

    def _default_short_title(self) -> str:
        if self.lang == "zh":
            return self.title
        return f"{self.title} ({EN_JURISDICTION})" if self.title else ""

    def _meta(self) -> dict:
        fields = {k: v for k, v in self.law.items() if k != CONTENT_KEY}
        meta: dict = {"lang": self.lang, "title": self.title, "fields": fields}
        zh_title = next((self.law[k] for k in ZH_TITLE_KEYS if k in self.law), None)
        meta["title_zh"] = zh_title
        meta["title_en"] = self.law.get(EN_TITLE_KEY)
        date = next((self.law[k] for k in DATE_KEYS if k in self.law), None)
        if isinstance(date, str) and re.fullmatch(r"\d{8}", date):
            date = f"{date[:4]}-{date[4:6]}-{date[6:]}"
        meta["last_amended"] = date
        history = self.law.get(HISTORY_KEY)
        if isinstance(history, str):
            meta["history"] = _history_entries(history, joiner="" if self.lang == "zh" else " ")
        return meta

    # -- headings ---------------------------------------------------------
    def _heading(self, heading: str, where: str, line: int | None) -> None:
        text = heading.strip()
        match = ZH_HEADING.match(text) or EN_HEADING.match(text)
        if not match:
            raise SourceError(self.ctx.path, f"cannot read the heading {heading!r}",
                              line=line, where=where)
        level = LEVELS[match["kind"].lower()]
        if match.re is ZH_HEADING:
            number = str(_zh_number(match["n"]))
            sub = match["sub"] and str(_zh_number(match["sub"]))
        else:
            number = str(roman_to_int(match["n"]))
            sub = match["sub"] and str(roman_to_int(match["sub"]))
        num_norm = f"{number}-{sub}" if sub else number
        # A 章 closes the open 章 and 節, a 編 closes everything: pop to a higher rank.
        while self.stack and RANK[self.stack[-1].level] >= RANK[level]:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        node = Node(eid="", level=level, kind=CONTAINER,
                    num=match["num"], num_norm=num_norm, heading=match["title"].strip() or None,
                    citation=self._container_citation(match["num"]), line=line)
        self.eids.give(node, parent, level, num_norm, where=where)
        (parent.children if parent else self.roots).append(node)
        self.stack.append(node)

    def _container_citation(self, num: str) -> str:
        if self.lang == "zh":
            return self.short + re.sub(r"\s+", "", num)
        return f"{self.short}, {num}"

    # -- articles ---------------------------------------------------------
    def _article(self, number: str, content: str, where: str, line: int | None) -> None:
        match = ARTICLE_NUMBER.match(number.strip())
        if not match:
            raise SourceError(self.ctx.path, f"cannot read the article number {number!r}",
                              line=line, where=where)
        art = match["zh"] or match["en"]
        article = self.eids.give(Node(eid="", level="article", num=number, num_norm=art,
                                      citation=self._cite(art), line=line),
                                 None, "article", art, where=where)
        (self.stack[-1].children if self.stack else self.roots).append(article)

        paragraphs: list[Node] = []
        notes = 0
        current: Node | None = None      # the 項 that following 款 belong to
        for raw in content.splitlines():
            text = raw.strip()
            if not text:
                continue
            if EDITORIAL_NOTE.match(text) or self._misplaced_heading(text):
                notes += 1
                kind = "editorial" if EDITORIAL_NOTE.match(text) else "misplaced heading"
                article.children.append(self.eids.give(
                    Node(eid="", level="note", kind=COMMENTARY, text=text, line=line,
                         attrs={"type": kind}), article, "note", notes, where=where))
                continue
            if DELETED.match(text) and not article.children:
                article.text = text
                article.attrs["status"] = "deleted"
                continue
            if CAPTION.match(text) and not article.children and not article.heading \
                    and not EN_ITEM.match(text):
                article.heading = text
                article.attrs["caption"] = text[1:-1].strip()
                continue
            item = self._item(text)
            if item is not None:
                num, value, body = item
                holder = current or article
                holder.children.append(self.eids.give(
                    Node(eid="", level="item", num=num, num_norm=value, text=body, line=line),
                    holder, "item", value, where=where,
                    message=f"item {num} twice in one paragraph"))
                continue
            current = self.eids.give(
                Node(eid="", level="paragraph", num_norm=str(len(paragraphs) + 1), text=text,
                     line=line), article, "paragraph", len(paragraphs) + 1, where=where)
            paragraphs.append(current)
            article.children.append(current)

        # Citations need the paragraph count, known only now.
        single = len(paragraphs) <= 1
        for child in article.children:
            if child.level == "paragraph":
                child.citation = self._cite(art, None if single else child.num_norm)
                for item in child.children:
                    item.citation = self._cite(art, None if single else child.num_norm,
                                               item.num_norm)
            elif child.level == "item":
                child.citation = self._cite(art, None, child.num_norm)

    def _item(self, text: str) -> tuple[str, str, str] | None:
        """(num as printed, normalised number, text) when the line opens with a 款 enumerator."""
        if self.lang == "zh":
            match = ZH_ITEM.match(text)
            return match and (match["num"], str(_zh_number(match["n"])), match["text"])
        match = EN_ITEM.match(text)
        return match and (match["num"], match["pn"] or match["dn"], match["text"])

    def _misplaced_heading(self, text: str) -> bool:
        return _fold(text) in self.headings

    def _cite(self, art: str, para: str | None = None, item: str | None = None) -> str:
        if self.lang == "zh":
            main, _, sub = art.partition("-")
            cite = f"{self.short}第{main}條" + (f"之{sub}" if sub else "")
            if para:
                cite += f"第{para}項"
            if item:
                cite += f"第{item}款"
            return cite
        cite = f"{self.short} art. {art}".strip()
        if para:
            cite += f", para. {para}"
        if item:
            cite += f", subpara. {item}"
        return cite


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def _history_entries(history: str, joiner: str) -> list[str]:
    """沿革內容 as one string per numbered entry, wrapped lines joined."""
    entries: list[str] = []
    for line in history.splitlines():
        text = line.strip()
        if not text:
            continue
        if HISTORY_ENTRY.match(text) or not entries:
            entries.append(text)
        else:
            entries[-1] += joiner + text
    return entries


def _sniff(data: bytes, file_format: str, path: str) -> bool:
    # The MOJ export's article list key.
    return file_format == "json" and "法規內容".encode() in data[:200_000]


register("tw-json", parse, file_format="json", lang="zh", sniff=_sniff)
