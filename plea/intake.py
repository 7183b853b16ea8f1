"""What `plea add` sees in a file before it goes into the manifest.

A scholar hands over what was downloaded — a saved SPP page, a Word file, a PDF, a text
file — and should not have to know the project's parser names. :func:`inspect_file`
detects the input format and the layout, parses the file once with the parser that
layout needs, and reports what it found (counts, first and last paragraph, numbering
problems) and what it could infer: title, document number, issuers, date, the work it
is (by its title in ``schemas/works.yaml``), language. What it cannot infer the command
asks for.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from plea.corpus.errors import ConfigError, SourceError
from plea.corpus.model import Document, ParseContext
from plea.corpus.parsers import parser_info, parser_names, sniff
from plea.corpus.readers import detect_format
from plea.corpus.vocab import is_traditional

LEVEL_NAMES = {  # how plea add names what it counted
    "part": "parts", "section": "sub-headings", "chapter": "chapters", "book": "books",
    "article": "articles", "paragraph": "款 (further paragraphs)", "item": "items",
    "subitem": "sub-items", "preamble": "preamble", "notice": "issuing notice",
}


@dataclass
class Inspection:
    path: Path
    input_format: str                 # html, docx, pdf, text, markdown, json, xml
    parser: str
    title: str
    layout: str | None = None         # numbered / articles (cn-guiding)
    doc_number: str | None = None
    issuers: list[str] = field(default_factory=list)
    date: str | None = None
    counts: dict = field(default_factory=dict)
    first: str | None = None
    last: str | None = None
    irregular: list[str] = field(default_factory=list)
    language: str | None = None
    work: str | None = None           # the works.yaml id its title names
    short_title: str | None = None
    short_title_en: str | None = None

    def lines(self) -> list[str]:
        """What plea add shows."""
        layout = {"numbered": "numbered paragraphs (1.【caption】…) under 一、 parts",
                  "articles": "articles (第X条) under 第X章 chapters"}.get(self.layout or "", "")
        out = [f"Read {self.path.name} as {self.input_format}; parser {self.parser}"
               + (f", layout: {layout}" if layout else "")]
        for label, value in (("title", self.title), ("document number", self.doc_number),
                             ("issuers", "、".join(self.issuers)), ("date", self.date),
                             ("language", self.language), ("work", self.work)):
            if value:
                out.append(f"  {label}: {value}")
        names = dict(LEVEL_NAMES)
        if self.layout == "numbered":
            names["article"] = "numbered paragraphs"
        found = ", ".join(f"{n} {names.get(level, level)}" for level, n in self.counts.items())
        out.append(f"  found: {found}")
        if self.first:
            out.append(f"  first: {self.first}")
        if self.last:
            out.append(f"  last:  {self.last}")
        for problem in self.irregular:
            out.append(f"  warning: {problem}")
        return out


def detect_parser(data: bytes, path: Path, fmt: str) -> str:
    """The parser for a file, from its format and layout (each parser's own sniffer, see
    :mod:`plea.corpus.parsers`); ConfigError when none claims it."""
    found = sniff(data, fmt, str(path))
    if found is None:
        raise ConfigError(f"{path}: cannot tell which parser reads this {fmt} file; "
                          f"pass --format (one of {', '.join(parser_names())})")
    return found


def inspect_file(path: Path, *, parser: str | None = None, short_title: str | None = None,
                 short_title_en: str | None = None) -> Inspection:
    """Read ``path`` the way the build will and say what is in it (SourceError if broken)."""
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    data = path.read_bytes()
    fmt = detect_format(data, str(path))
    if parser is None:
        parser = detect_parser(data, path, fmt)
    elif parser not in parser_names():
        raise ConfigError(f"unknown format {parser!r}; known: {', '.join(parser_names())}")
    info = parser_info(parser)
    lang = info.lang
    ctx = ParseContext(source_id="new", path=str(path), lang=lang,
                       short_title=short_title or "", options=_options(short_title_en))
    doc = info.parse(data, ctx)
    found = Inspection(path=path, input_format=fmt, parser=parser, title=doc.title)
    _describe(found, doc)
    found.language = _language(doc, lang)
    _identify(found)
    return found


def _options(short_title_en: str | None) -> dict:
    return {"short_title_en": short_title_en} if short_title_en else {}


def _describe(found: Inspection, doc: Document) -> None:
    meta = doc.meta
    found.layout = meta.get("layout")
    found.doc_number = meta.get("doc_number")
    found.issuers = list(meta.get("issuers") or [])
    found.date = meta.get("date")
    found.irregular = list(meta.get("irregular") or [])
    counts: dict[str, int] = {}
    tops = []
    for node, parent in doc.walk():
        if node.kind in ("container", "provision"):
            counts[node.level] = counts.get(node.level, 0) + 1
        if node.level == "article":
            tops.append(node)
    found.counts = counts
    if "first" in meta:
        found.first, found.last = meta.get("first"), meta.get("last")
    elif tops:
        found.first, found.last = _summary(tops[0]), _summary(tops[-1])


def _summary(node, width: int = 60) -> str:
    text = node.text or next((c.text for c, _ in node.walk() if c.text), "")
    return f"{node.num or ''} {text[:width]}{'…' if len(text) > width else ''}".strip()


def _language(doc: Document, lang: str) -> str:
    if lang != "zh":
        return lang
    sample = "".join((n.text or "") for n, _ in doc.walk())[:3000]
    return "zh-Hant" if is_traditional(sample) else "zh-Hans"


def _identify(found: Inspection) -> None:
    """The work its title names (works.yaml), and what it is cited as."""
    from plea.annotate.refs.works import load_registry

    from plea.corpus.parsers.cn_guiding import short_title

    registry = load_registry()
    work_id = registry.lookup(found.title) if found.title else None
    if work_id:
        found.work = work_id
        found.short_title_en = found.short_title_en or english_short_title(work_id)
    if found.parser == "cn-guiding" and found.title:
        found.short_title = short_title(found.title)


def english_short_title(work_id: str) -> str | None:
    """How English-language scholarship names the work: its first Latin alias."""
    from plea.annotate.refs.works import load_registry

    work = load_registry().get(work_id)
    if work is None:
        return None
    latin = [a for a in work.aliases if re.fullmatch(r"[A-Za-z][A-Za-z0-9 .'’-]+", a)
             and a not in work.cite_only]
    return latin[0] if latin else None


def guess_kind(found: Inspection) -> str:
    """normative-document for opinions; procuratorate-rule for an SPP 规定 alone."""
    if found.parser != "cn-guiding":
        return "statute"
    only_spp = found.issuers and all("检察院" in i for i in found.issuers)
    if found.layout == "articles" and only_spp:
        return "procuratorate-rule"
    return "normative-document"


def check_date(value: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or ""):
        raise ConfigError(f"date {value!r} is not YYYY-MM-DD")
    return value


__all__ = ["Inspection", "inspect_file", "detect_parser", "guess_kind", "check_date",
           "SourceError"]
