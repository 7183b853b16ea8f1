"""One parser module per source format, all producing :class:`corpus.model.Document`.

Every module exposes ``parse(data: bytes, ctx: ParseContext) -> Document`` and
raises :class:`corpus.errors.SourceError` for malformed input. The registry maps
the manifest's ``parser`` name to its module; modules load on first use.
"""
from __future__ import annotations

import importlib
from typing import Callable

from ..errors import ConfigError
from ..model import Document, ParseContext

PARSERS: dict[str, str] = {
    "cn-markdown": "corpus.parsers.cn_markdown",
    "cn-guiding": "corpus.parsers.cn_guiding",
    "cn-translation": "corpus.parsers.cn_translation",
    "uslm": "corpus.parsers.uslm",
    "ussg-html": "corpus.parsers.ussg_html",
    "usc-markdown": "corpus.parsers.usc_markdown",
    "fre-markdown": "corpus.parsers.fre_markdown",
    "de-markdown": "corpus.parsers.de_markdown",
    "tw-json": "corpus.parsers.tw_json",
    "scholarship": "corpus.parsers.scholarship",
}

Parser = Callable[[bytes, ParseContext], Document]


def get_parser(name: str) -> Parser:
    """The ``parse`` function registered as ``name``; unknown names are a ConfigError."""
    try:
        module = PARSERS[name]
    except KeyError:
        known = ", ".join(sorted(PARSERS))
        raise ConfigError(f"unknown parser {name!r}; known parsers: {known}") from None
    return importlib.import_module(module).parse
