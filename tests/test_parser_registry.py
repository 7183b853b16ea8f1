"""The parser registry: each parser module registers itself, and nothing else lists them."""
from __future__ import annotations

import importlib
import json
import pkgutil

import pytest

import plea.corpus.parsers as parsers_pkg
from plea.corpus.errors import ConfigError
from plea.corpus.parsers import get_parser, parser_info, parser_names, parsers, register, sniff
from plea.corpus.readers import detect_format
from plea.corpus.sources import BUILTIN_MANIFEST, SCHEMA_DIR, read_manifest
from tests.golden import GOLDEN


def test_every_module_with_a_parse_function_is_registered():
    registered = {info.module for info in parsers().values()}
    for module in pkgutil.iter_modules(parsers_pkg.__path__):
        mod = importlib.import_module(f"plea.corpus.parsers.{module.name}")
        if callable(getattr(mod, "parse", None)):
            assert mod.__name__ in registered, f"{mod.__name__} defines parse() but never registers"


def test_every_parser_the_manifest_names_is_registered():
    used = {s.parser for s in read_manifest(BUILTIN_MANIFEST) if s.parser}
    assert used <= set(parser_names())


def test_formats_are_the_manifest_schema_s():
    schema = json.loads((SCHEMA_DIR / "sources.schema.json").read_text(encoding="utf-8"))
    allowed = set(schema["$defs"]["source"]["properties"]["format"]["enum"])
    assert {info.file_format for info in parsers().values()} <= allowed


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ConfigError, match=r"unknown parser 'nope'; known parsers: cn-guiding, "):
        get_parser("nope")


def test_a_name_taken_by_another_module_is_refused():
    def parse(data, ctx):  # a stand-in parser from this test module
        raise AssertionError
    with pytest.raises(ConfigError, match="registered twice"):
        register("cn-markdown", parse, file_format="markdown", lang="zh")
    assert parser_info("cn-markdown").module == "plea.corpus.parsers.cn_markdown"


@pytest.mark.parametrize("fixture, expected", [
    ("cn-markdown.md", "cn-markdown"),        # LawRefBook's <!-- INFO END -->
    ("cn-translation.txt", "cn-translation"),  # "Article N" lines, no Chinese
    ("cn-guiding.txt", "cn-guiding"),          # any other text: the catch-all
    ("uslm.xml", "uslm"),                      # <uscDoc>
    ("tw-json.json", "tw-json"),               # 法規內容
    ("ussg-html.html", "cn-guiding"),          # a saved page is read as a downloaded opinion
])
def test_sniffers_pick_the_parser(fixture, expected):
    data = (GOLDEN / fixture).read_bytes()
    assert sniff(data, detect_format(data, fixture), fixture) == expected


def test_nothing_claims_a_json_file_of_another_shape():
    assert sniff(b'{"rules": []}', "json", "x.json") is None
