"""Shared fixtures: the real corpus (when ../shared is beside the checkout) and a parse helper."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from corpus.model import Document, ParseContext
from corpus.parsers import get_parser

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


def real_corpus() -> Path | None:
    env = os.environ.get("PLEA_SOURCES")
    path = Path(env) if env else SHARED_CORPUS
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    path = real_corpus()
    if path is None:
        pytest.skip("the real corpus (../shared/corpus) is not beside this checkout")
    return path


def parse_bytes(parser: str, data: bytes, *, source_id: str = "test", path: str = "<test>",
                lang: str = "en", short_title: str = "", **options) -> Document:
    ctx = ParseContext(source_id=source_id, path=path, lang=lang,
                       short_title=short_title, options=options)
    return get_parser(parser)(data, ctx)


def parse_path(parser: str, path: Path, **kw) -> Document:
    return parse_bytes(parser, path.read_bytes(), path=str(path), **kw)
