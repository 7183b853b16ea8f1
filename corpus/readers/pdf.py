"""PDF with a text layer, read with pdfplumber; paragraphs rebuilt from the layout.

A PDF has lines, not paragraphs: a paragraph is cut wherever the page was full. The
lines are joined back into paragraphs the way a reader sees them — a paragraph starts
on an indented line (Chinese text indents two characters) or after a line that stops
short of the right margin — and page numbers are dropped. A scanned PDF has no text
layer at all; that is said plainly instead of yielding an empty document.
"""
from __future__ import annotations

import io
import re
from statistics import median

from ..errors import SourceError
from ..vocab import HAN

_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:\d+|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)[-—–\s]*$")
# a line ending in a Han character or CJK / full-width punctuation joins the next unspaced
_CJK_END = re.compile(f"[\u3000-\u303f{HAN}\uff00-\uffef]$")


def read(data: bytes, path: str, *, lang: str | None = "zh") -> tuple[list[str], list[str]]:
    import pdfplumber

    lines = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            for number, page in enumerate(pdf.pages, 1):
                for line in page.extract_text_lines(return_chars=True):
                    if line["text"].strip() and not _PAGE_NUMBER.match(line["text"]):
                        lines.append((number, line))
    except Exception as exc:  # pdfminer raises many kinds for a damaged file
        raise SourceError(path, f"not a readable PDF: {exc}") from None
    paragraphs: list[str] = []
    places: list[str] = []
    if not lines:
        raise SourceError(path, f"this PDF has no text layer ({pages} page(s) of images, e.g. "
                                "a scan): run OCR on it first (for example ocrmypdf) and add "
                                "the result, or add a Word or web copy")
    sizes = [c["x1"] - c["x0"] for _, ln in lines for c in ln["chars"] if c["text"].strip()]
    char = median(sizes) if sizes else 10.0
    left = min(ln["x0"] for _, ln in lines)
    right = max(ln["x1"] for _, ln in lines)
    previous_short = True
    for page, line in lines:
        text = line["text"].strip()
        indented = line["x0"] > left + 0.8 * char
        if indented or previous_short or not paragraphs:
            paragraphs.append(text)
            places.append(f"page {page}")
        else:
            joiner = "" if _CJK_END.search(paragraphs[-1]) else " "
            paragraphs[-1] += joiner + text
        # A line ending well before the margin closes its paragraph.
        previous_short = line["x1"] < right - 1.5 * char
    return paragraphs, places
