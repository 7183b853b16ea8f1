"""English translations of Chinese laws (the CPL, the Criminal Law, interpretations).

A scholar brings a translation as a web page, Word file, PDF or text (read by
:mod:`plea.corpus.readers`). Its layout mirrors the Chinese: ``Part One`` (编), ``Chapter III``
(章), ``Section 2`` (节), ``Supplementary Provisions`` (附则), ``Article 201`` (条) with the
text on the same line or the next, further paragraphs (款) on lines of their own and
items ``(1)`` (项).

The tree is built by the Chinese statute reader itself
(:class:`plea.corpus.parsers.cn_markdown._BodyParser`), fed the English lines, so eids are
the Chinese ones by construction — ``book_2__chp_3``, ``art_173__para_2__item_3`` — and
the build aligns the translation to the original (``translation_of`` in the manifest)
by article and paragraph, as it does the Taiwanese pair. A translator who splits or
joins a 款 leaves that article aligned at article level only.

Text before the first heading or article is the header (title, adoption history, a
table of contents) and is kept in ``meta``, as the LawRefBook header is.
"""
from __future__ import annotations

import re

from ..errors import SourceError
from ..model import CONTAINER, Document, Node, ParseContext
from ..readers import read_paragraphs
from ..textio import decode
from ..vocab import has_han
from . import cn_markdown, register

_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_NUM = r"([0-9]+|[IVXLC]+|[A-Za-z]+(?:-[A-Za-z]+)?)"
HEADING = re.compile(rf"^(Part|Chapter|Section)\s+{_NUM}\b[.:]?\s*(.*)$", re.I)
SUPPLEMENTARY = re.compile(r"^Supplementary\s+(?:Provisions|Articles)$", re.I)
ARTICLE = re.compile(r"^Article\s+(\d+)(?:-(\d+))?\b[.:]?(\s*)", re.I)
ITEM = re.compile(r"^\((\d{1,2})\)\s*")
LEVELS = {"part": ("book", 0), "chapter": ("chapter", 1), "section": ("section", 2)}
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def number(token: str) -> int | None:
    """``3``, ``III``, ``Three``, ``Twenty-one`` → 3, 3, 3, 21; None if it is none of them."""
    if token.isdigit():
        return int(token)
    if re.fullmatch(r"[IVXLC]+", token):
        total = 0
        for here, after in zip(token, token[1:] + " "):
            value = ROMAN[here]
            total += -value if ROMAN.get(after, 0) > value else value
        return total
    words = token.lower().split("-")
    if all(w in _WORD_NUMBERS for w in words):
        return sum(_WORD_NUMBERS[w] for w in words)
    return None


class _EnglishBody(cn_markdown._BodyParser):
    """The statute reader, taught the English designations."""

    def feed(self, line: str, lineno: int) -> None:
        heading = HEADING.match(line)
        if heading and number(heading.group(2)) is not None and len(heading.group(3)) < 120:
            self.english_heading(heading, lineno)
            return
        if SUPPLEMENTARY.match(line):
            self.stack.clear()
            self.depths.clear()
            node = self.eids.give(Node(eid="", level="supplementary", kind=CONTAINER,
                                       heading=line, line=lineno), None, "supplementary")
            self.roots.append(node)
            self.stack.append(node)
            self.depths.append(0)
            self.current = None
            return
        article = ARTICLE.match(line)
        if article and self._starts_article(article, lineno):
            self.start_article(article, line, lineno)
            return
        if self.current is None:
            self.outside_article(line, lineno)
            return
        art = self.current
        if not art.node.text and not art.node.children and not art.paragraphs:
            art.node.text = line          # "Article 15" alone, its text on the next line
            return
        if (m := ITEM.match(line)):
            self.add_item(m, line, lineno)
        elif (m := cn_markdown.SUBITEM.match(line)) and self._last_item() is not None:
            self.add_subitem(m, line, lineno)
        else:
            self.add_paragraph(line, lineno)

    def english_heading(self, m: re.Match, lineno: int) -> None:
        level, depth = LEVELS[m.group(1).lower()]
        key = str(number(m.group(2)))
        while self.stack and self.depths[-1] >= depth:
            self.stack.pop()
            self.depths.pop()
        node = self.eids.give(Node(eid="", level=level, kind=CONTAINER,
                                   num=f"{m.group(1)} {m.group(2)}", num_norm=key,
                                   heading=m.group(3) or None, line=lineno),
                              self.stack[-1] if self.stack else None, level, key)
        self._attach(node)
        self.stack.append(node)
        self.depths.append(depth)
        self.current = None


def parse(data: bytes, ctx: ParseContext) -> Document:
    paras = read_paragraphs(data, ctx.path, lang="en", fmt=ctx.options.get("input_format"))
    texts = paras.paragraphs
    start = _body_start(texts)
    if start is None:
        raise SourceError(ctx.path, "no 'Article 1'-style article found: not an English "
                                    "translation of a Chinese law?")
    body = _EnglishBody(ctx)
    for i in range(start, len(texts)):
        place = paras.place(i)
        line = int(place.split()[-1]) if place.startswith("line ") else i + 1
        body.feed(texts[i], line)
    _cite(body, ctx.short_title)
    return Document(title=texts[0], nodes=body.roots, body_text="\n".join(texts[start:]),
                    meta={"header": texts[1:start], "article_count": len(body.articles),
                          # "Article 4" alone on its line is this layout, not a slip
                          "irregular": [m for m in body.irregular if "no space after" not in m],
                          "input_format": paras.format})


def _body_start(texts: list[str]) -> int | None:
    """The first body line: the headings right above the first article, outermost first.

    A table of contents lists the same headings earlier; only the run of headings that
    goes inward (Part, then Chapter, then Section) up to the first article belongs to it.
    """
    first = next((i for i, t in enumerate(texts) if ARTICLE.match(t)), None)
    if first is None:
        return None
    start, depth = first, 99
    while start > 1:
        above = texts[start - 1]
        m = HEADING.match(above)
        if m and number(m.group(2)) is not None and LEVELS[m.group(1).lower()][1] < depth:
            depth = LEVELS[m.group(1).lower()][1]
            start -= 1
            continue
        break
    return start


def _cite(body: _EnglishBody, short_title: str) -> None:
    """Citations as English-language scholarship writes them:
    ``Criminal Procedure Law, Article 201, paragraph 2, item (3)``."""
    prefix = f"{short_title}, " if short_title else ""
    for art in body.articles:
        node = art.node
        node.citation = f"{prefix}Article {node.num_norm}"

        def down(child: Node, base: str) -> None:
            word = {"paragraph": "paragraph", "item": "item", "subitem": "sub-item"}.get(child.level)
            if word is None:
                return
            value = f"({child.num_norm})" if child.level == "item" else child.num_norm
            child.citation = f"{base}, {word} {value}"
            for grandchild in child.children:
                down(grandchild, child.citation)

        for child in node.children:
            down(child, node.citation)


_EN_ARTICLE = re.compile(r"^\s*(?:#+\s*)?Article\s+\d+", re.M)


def _sniff(data: bytes, file_format: str, path: str) -> bool:
    # English "Article N" lines and no Chinese near the top: a translation of a Chinese law.
    if file_format not in ("text", "markdown"):
        return False
    text = decode(data, path, lang="zh")
    return bool(_EN_ARTICLE.search(text)) and not has_han(text[:2000])


register("cn-translation", parse, file_format="text", lang="en", sniff=_sniff, sniff_order=20)
