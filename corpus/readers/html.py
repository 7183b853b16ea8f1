"""Saved web pages: the article found with readability-lxml, not hand-written scraping.

The SPP and SPC publish opinions as article pages wrapped in navigation, share buttons
and footers; readability (the algorithm of Firefox's reader view) picks the article
body. Its blocks — paragraphs, headings, list items, table cells, ``<br>``-separated
lines — become paragraphs. Every block is kept, repeated ones too: an opinion's
signature repeats its issuers, and an extractor that drops repeated lines (as
trafilatura does) loses text. The page's own encoding (``<meta charset>``, often GB2312
on government sites) is honoured.
"""
from __future__ import annotations

import re

from ..errors import SourceError

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
# Older sites declare GB2312 but use characters only GB18030 has.
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "div", "blockquote",
          "pre", "dt", "dd", "caption", "section", "article"}


def decode_html(data: bytes, path: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    match = _CHARSET.search(data[:4096])
    candidates = []
    if match:
        name = match.group(1).decode("ascii").lower()
        candidates.append(_WIDER.get(name, name))
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise SourceError(path, "the page is neither UTF-8 nor GB18030 text")


def read(data: bytes, path: str, *, lang: str | None = "zh") -> tuple[list[str], list[str]]:
    import lxml.html
    from readability import Document

    page = decode_html(data, path)
    try:
        article = Document(page).summary(html_partial=True)
    except Exception as exc:  # readability raises its own Unparseable and lxml errors
        raise SourceError(path, f"not a readable web page: {exc}") from None
    root = lxml.html.fragment_fromstring(article, create_parent="div")
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    paragraphs: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag not in BLOCKS:
            continue
        if any(isinstance(d.tag, str) and d.tag in BLOCKS for d in element.iterdescendants()):
            # Text sitting directly in a container block, beside its child blocks.
            loose = [element.text or ""] + [c.tail or "" for c in element]
            paragraphs += [t for t in "\n".join(loose).split("\n") if t.strip()]
            continue
        paragraphs += element.text_content().split("\n")
    if not any(p.strip() for p in paragraphs):
        raise SourceError(path, "no article text found in this web page (is it the article "
                                "page, not a list or search page?)")
    return paragraphs, [f"block {i}" for i in range(1, len(paragraphs) + 1)]
