"""The one XML loader refuses hostile input and reports syntax errors with a place."""
from __future__ import annotations

import time

import pytest

from plea.corpus.errors import SourceError
from plea.corpus.parsers.safe_xml import parse_xml
from tests.conftest import FIXTURES

HERE = FIXTURES / "uslm"


def load(name: str):
    path = HERE / name
    return parse_xml(path.read_bytes(), str(path))


def test_good_file_parses():
    root = load("mini.xml")
    assert root.tag == "{http://xml.house.gov/schemas/uslm/1.0}uscDoc"
    assert root.find(".//{*}courtRules") is not None


def test_xxe_is_refused_and_nothing_is_read():
    with pytest.raises(SourceError) as err:
        load("xxe.xml")
    message = str(err.value)
    assert "xxe.xml:3:" in message            # the line of the ENTITY declaration
    assert "external entity 'secret'" in message
    assert "root:" not in message             # /etc/passwd was not read


def test_external_parameter_entity_is_refused():
    with pytest.raises(SourceError, match=r"param_entity\.xml:3: .*parameter entity 'remote'"):
        load("param_entity.xml")


def test_billion_laughs_is_refused_before_expansion():
    start = time.perf_counter()
    with pytest.raises(SourceError, match=r"billion_laughs\.xml:3: .*entity 'lol'"):
        load("billion_laughs.xml")
    assert time.perf_counter() - start < 1.0


def test_entity_check_sees_through_utf16():
    data = (HERE / "xxe.xml").read_text(encoding="utf-8").replace(
        'encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    with pytest.raises(SourceError, match="entity 'secret'"):
        parse_xml(data, "xxe16.xml")


def test_dtd_without_entities_is_allowed():
    root = parse_xml(b'<?xml version="1.0"?><!DOCTYPE a [<!ELEMENT a (#PCDATA)>]><a>x</a>', "a.xml")
    assert root.text == "x"


def test_malformed_xml_names_file_line_and_column():
    with pytest.raises(SourceError) as err:
        load("malformed.xml")
    exc = err.value
    # <title> opened on line 4 is closed by </courtRules> on line 5.
    assert exc.path.endswith("malformed.xml")
    assert exc.line == 5 and exc.column is not None
    assert str(exc).startswith(f"{exc.path}:5:{exc.column}: malformed XML: ")
    assert "mismatch" in str(exc)


def test_unclosed_tag_at_end_of_file():
    with pytest.raises(SourceError) as err:
        parse_xml(b"<a>\n<b>text</b>\n", "cut.xml")
    assert err.value.line is not None and "cut.xml:" in str(err.value)


def test_empty_file():
    with pytest.raises(SourceError, match=r"^empty\.xml: empty file"):
        parse_xml(b"  \n", "empty.xml")


def test_bom_is_honoured():
    root = parse_xml(b"\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8'?><a>\xc2\xa7 1</a>", "b.xml")
    assert root.text == "\u00a7 1"
