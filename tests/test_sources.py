"""The manifest, the sources directory and checksums."""
from __future__ import annotations

from pathlib import Path

import pytest

from plea.corpus.errors import ConfigError
from plea.corpus.sources import (BUILTIN_MANIFEST, file_states, load_sources, read_manifest,
                            resolve_sources_dir)
from tests.conftest import FIXTURES

ENTRY = '''version = 1
[[source]]
id = "xx-one"
work = "xx-one"
title = "One"
jurisdiction = "CN"
kind = "statute"
language = "zh-Hans"
format = "markdown"
parser = "{parser}"
path = "cn_markdown/mini.md"
{extra}
'''


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_manifest_is_valid_and_ids_unique():
    sources = read_manifest(BUILTIN_MANIFEST)
    ids = [s.id for s in sources]
    assert len(ids) == len(set(ids))
    for s in sources:
        assert s.missing or (s.files and s.parser and s.format)
        assert all(f.sha256 for f in s.files), f"{s.id} has no checksum"


def test_unknown_parser_is_named(tmp_path):
    with pytest.raises(ConfigError) as err:
        read_manifest(write(tmp_path, ENTRY.format(parser="docx", extra="")))
    assert "unknown parser 'docx'" in str(err.value) and "xx-one" in str(err.value)


@pytest.mark.parametrize("extra,where", [
    ('sha256 = "abc"', "source/0/sha256"),
    ('in_force = "2020"', "source/0/in_force"),
    ('colour = "red"', "source/0"),
    ('status = "missing"', "source/0"),      # missing entries carry no path
])
def test_schema_errors_name_the_place(tmp_path, extra, where):
    with pytest.raises(ConfigError) as err:
        read_manifest(write(tmp_path, ENTRY.format(parser="cn-markdown", extra=extra)))
    assert f"at {where}" in str(err.value) and "m.toml" in str(err.value)


def test_malformed_toml_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as err:
        read_manifest(write(tmp_path, "version = \n"))
    assert "not valid TOML" in str(err.value)


def test_user_manifest_overrides_a_shipped_entry(tmp_path, monkeypatch):
    text = ENTRY.format(parser="cn-markdown", extra="").replace('"xx-one"', '"cn-go-leniency-2019"', 1)
    user = write(tmp_path, text)
    sources = {s.id: s for s in load_sources(user)}
    assert not sources["cn-go-leniency-2019"].missing
    assert sources["cn-cpl-2018"].work == "cn-cpl"


def test_sources_dir_precedence(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    monkeypatch.setenv("PLEA_SOURCES", str(b))
    assert resolve_sources_dir(a) == a
    assert resolve_sources_dir(None) == b
    monkeypatch.setenv("PLEA_SOURCES", str(tmp_path / "nope"))
    with pytest.raises(ConfigError, match="PLEA_SOURCES"):
        resolve_sources_dir(None)
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_sources_dir(tmp_path / "nope")


def test_file_states(tmp_path):
    text = ENTRY.format(parser="cn-markdown", extra='sha256 = "' + "0" * 64 + '"')
    source = read_manifest(write(tmp_path, text))[0]
    assert [s.state for s in file_states(source, FIXTURES)] == ["mismatch"]
    assert [s.state for s in file_states(source, tmp_path)] == ["missing"]
