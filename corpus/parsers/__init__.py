"""One parser module per source format, all producing :class:`plea.corpus.model.Document`.

A parser module defines ``parse(data: bytes, ctx: ParseContext) -> Document`` (raising
:class:`plea.corpus.errors.SourceError` for malformed input) and registers itself with one
call at its end::

    register("cn-markdown", parse, file_format="markdown", lang="zh", sniff=_sniff)

That call is the whole registry entry: the manifest check, ``plea add`` (format
detection, ``--format``), the generic file format written to a user manifest and the
build's reuse key all read it. Modules are found by listing this package, imported on
the first question asked of the registry (about 0.2 s), so adding a parser is adding
one module. Helper modules (``markdown_common``, ``safe_xml``, ``eids``) register
nothing.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

from ..errors import ConfigError
from ..model import Document, ParseContext

Parser = Callable[[bytes, ParseContext], Document]
# Told a file's bytes and the input format corpus.readers.detect_format found in it
# (html, docx, pdf, text, markdown, json, xml), says whether this parser reads it.
Sniffer = Callable[[bytes, str, str], bool]


@dataclass(frozen=True)
class ParserInfo:
    name: str            # the manifest's ``parser`` value
    parse: Parser
    module: str          # its module, whose import closure keys build reuse
    file_format: str     # the manifest's generic ``format``: markdown, xml, html, json, text
    lang: str            # the language `plea add` reads a file in unless told: zh, en, de
    sniff: Sniffer | None = None
    # Sniffers run in ascending order; a catch-all reader (cn-guiding) goes last.
    sniff_order: int = 50


_REGISTRY: dict[str, ParserInfo] = {}
_LOADED = False


def register(name: str, parse: Parser, *, file_format: str, lang: str,
             sniff: Sniffer | None = None, sniff_order: int = 50) -> ParserInfo:
    """Register ``parse`` under ``name``; called once at the end of each parser module."""
    info = ParserInfo(name, parse, parse.__module__, file_format, lang, sniff, sniff_order)
    existing = _REGISTRY.get(name)
    if existing is not None and existing.module != info.module:
        raise ConfigError(f"parser name {name!r} registered twice: by {existing.module} "
                          f"and {info.module}")
    _REGISTRY[name] = info
    return info


def _load() -> dict[str, ParserInfo]:
    global _LOADED
    if not _LOADED:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
        _LOADED = True
    return _REGISTRY


def parsers() -> dict[str, ParserInfo]:
    """Every registered parser by name."""
    return dict(sorted(_load().items()))


def parser_names() -> list[str]:
    return sorted(_load())


def parser_info(name: str) -> ParserInfo:
    """The registration of ``name``; unknown names are a ConfigError listing the known ones."""
    try:
        return _load()[name]
    except KeyError:
        known = ", ".join(parser_names())
        raise ConfigError(f"unknown parser {name!r}; known parsers: {known}") from None


def get_parser(name: str) -> Parser:
    """The ``parse`` function registered as ``name``; unknown names are a ConfigError."""
    return parser_info(name).parse


def sniff(data: bytes, file_format: str, path: str) -> str | None:
    """The name of the first parser (by ``sniff_order``) that claims the file, or None."""
    for info in sorted(_load().values(), key=lambda i: (i.sniff_order, i.name)):
        if info.sniff is not None and info.sniff(data, file_format, path):
            return info.name
    return None

