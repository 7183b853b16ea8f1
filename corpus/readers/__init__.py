"""Readers: the files scholars download (web pages, Word, PDF, text) as paragraphs.

A guiding opinion or a procuratorate rule reaches a scholar as a saved page of the
SPP or SPC site, a Word file or a PDF, in whatever encoding the site used. Each
format has its own small reader here; all of them return the same thing — the
document's paragraphs in reading order, one string each, without markup — so one
layout parser (``plea.corpus.parsers.cn_guiding``) serves every format.

    detect_format(data, path)             -> "html" | "docx" | "pdf" | "markdown" | "text" | …
    read_paragraphs(data, path, lang=…)   -> Paragraphs(format, paragraphs)
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import PurePath

from ..errors import SourceError

# Reader module per input format; loaded on first use (PDF and HTML pull in big libraries).
READERS: dict[str, str] = {
    "html": "plea.corpus.readers.html",
    "docx": "plea.corpus.readers.docx",
    "pdf": "plea.corpus.readers.pdf",
    "markdown": "plea.corpus.readers.text",
    "text": "plea.corpus.readers.text",
}
FORMATS = tuple(READERS)

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|p)\b",
                         re.I | re.S)
_MD_HEADING = re.compile(r"^#{1,6}\s", re.M)


@dataclass
class Paragraphs:
    """A file's text as paragraphs, and the format it was read as."""

    format: str
    paragraphs: list[str]
    # paragraph index -> where it came from ("page 2", "line 14"), for messages
    places: list[str]

    def place(self, index: int) -> str:
        return self.places[index] if 0 <= index < len(self.places) else f"paragraph {index + 1}"


def detect_format(data: bytes, path: str = "") -> str:
    """The input format of ``data``: by content first, the file name only to break ties.

    Content wins because downloaded files are often misnamed (an SPP page saved as
    ``.doc``, a PDF without extension).
    """
    head = data[:4096]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        # A zip: a Word file holds word/document.xml.
        return "docx" if b"word/" in data[:65536] or PurePath(path).suffix.lower() == ".docx" \
            else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"                     # the old binary Word format
    if head.startswith(b"{\\rtf"):
        return "rtf"
    stripped = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(stripped):
        return "html"
    suffix = PurePath(path).suffix.lower()
    if suffix in (".html", ".htm", ".shtml", ".xhtml"):
        return "html"
    if stripped.lstrip().startswith((b"{", b"[")) and suffix == ".json":
        return "json"
    if stripped.lstrip().startswith(b"<?xml"):
        return "xml"
    if suffix in (".md", ".markdown"):
        return "markdown"
    return "text"


_UNSUPPORTED = {
    "doc": "an old binary Word file (.doc): save it as .docx (Word: Save As › Word Document) "
           "and add that",
    "rtf": "an RTF file: save it as .docx and add that",
    "zip": "a zip archive that is not a Word file",
}


def read_paragraphs(data: bytes, path: str, *, lang: str | None = "zh",
                    fmt: str | None = None) -> Paragraphs:
    """Read ``data`` (from ``path``, for messages) as paragraphs; SourceError if it cannot."""
    fmt = fmt or detect_format(data, path)
    if fmt in _UNSUPPORTED:
        raise SourceError(path, f"this is {_UNSUPPORTED[fmt]}")
    if fmt not in READERS:
        raise SourceError(path, f"cannot read {fmt} input here; readable formats: "
                                f"{', '.join(FORMATS)}")
    module = importlib.import_module(READERS[fmt])
    paragraphs, places = module.read(data, path, lang=lang)
    cleaned, kept = [], []
    for text, place in zip(paragraphs, places):
        text = tidy(text)
        if text:
            cleaned.append(text)
            kept.append(place)
    if not cleaned:
        raise SourceError(path, f"no text found in this {fmt} file")
    return Paragraphs(fmt, cleaned, kept)


_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u200b\u202f\u3000]+")


def tidy(text: str) -> str:
    """One paragraph as plain text: runs of layout space (ideographic indents, no-break
    spaces, tabs) as one space, none at either end. Spaces inside Chinese text are kept:
    a space after 第三条 is what tells an article header from a reference."""
    return _SPACES.sub(" ", text).strip()
