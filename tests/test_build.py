"""The database build: tables, reuse of unchanged sources, atomic replacement."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from plea.corpus.build import build
from plea.corpus.errors import SourceError
from plea.corpus.sources import read_manifest
from tests.conftest import FIXTURES

MANIFEST = FIXTURES / "manifests" / "mini.toml"


@pytest.fixture
def sources_dir(tmp_path) -> Path:
    """A writable copy of the fixtures, so tests can break a file."""
    target = tmp_path / "sources"
    shutil.copytree(FIXTURES / "cn_markdown", target / "cn_markdown")
    return target


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_writes_provisions_sources_and_containers(tmp_path, sources_dir):
    db_path = tmp_path / "out.db"
    report = build(db_path, read_manifest(MANIFEST), sources_dir)
    db = sqlite_utils.Database(db_path)
    assert {"sources", "provisions", "commentary", "bibliography", "alignments", "fidelity",
            "builds", "build_log", "provisions_fts"} <= set(db.table_names())
    columns = set(db["provisions"].columns_dict)
    assert {"id", "source_id", "work", "eid", "parent_id", "level", "num", "heading", "text",
            "lang", "citation", "position"} <= columns
    row = db["provisions"].get("xx-mini:art_3__item_2")
    assert row["parent_id"] == "xx-mini:art_3"
    assert row["text"] == "被告人否认指控的犯罪事实的；"
    assert row["citation"] == "《示范法》第三条第二项"
    assert row["container"] == "第一编 总则 › 第二章 协商 › 第一节 一般规定"
    assert row["lang"] == "zh" and row["jurisdiction"] == "CN"
    src = db["sources"].get("xx-mini")
    assert src["status"] == "present" and src["fidelity_ok"] == 1 and src["counts_ok"] == 1
    assert db["sources"].get("xx-absent")["status"] == "missing"
    note = db["commentary"].get("xx-mini:art_6__note_1")
    assert note["provision_id"] == "xx-mini:art_6"
    assert [r.action for r in report.results] == ["parsed", "missing"]


def test_second_build_reuses_unchanged_sources_with_identical_rows(tmp_path, sources_dir):
    db_path = tmp_path / "out.db"
    build(db_path, read_manifest(MANIFEST), sources_dir)
    before = list(sqlite_utils.Database(db_path).query("select * from provisions order by id"))
    report = build(db_path, read_manifest(MANIFEST), sources_dir)
    assert report.results[0].action == "reused"
    after = list(sqlite_utils.Database(db_path).query("select * from provisions order by id"))
    assert after == before
    # A changed file is parsed again.
    path = sources_dir / "cn_markdown" / "mini.md"
    path.write_text(path.read_text(encoding="utf-8").replace("制定本法。", "特制定本法。"),
                    encoding="utf-8")
    report = build(db_path, read_manifest(MANIFEST), sources_dir)
    assert report.results[0].action == "parsed"
    assert sqlite_utils.Database(db_path)["provisions"].get("xx-mini:art_1")["text"].endswith(
        "特制定本法。")


def test_failed_build_leaves_previous_database_untouched(tmp_path, sources_dir):
    db_path = tmp_path / "out.db"
    build(db_path, read_manifest(MANIFEST), sources_dir)
    digest = _sha(db_path)
    (sources_dir / "cn_markdown" / "mini.md").write_text("# 坏文件\n没有标记\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        build(db_path, read_manifest(MANIFEST), sources_dir)
    assert "mini.md" in str(err.value)
    assert _sha(db_path) == digest
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_keep_going_records_the_bad_source(tmp_path, sources_dir):
    (sources_dir / "cn_markdown" / "mini.md").write_text("# 坏文件\n", encoding="utf-8")
    report = build(tmp_path / "out.db", read_manifest(MANIFEST), sources_dir, keep_going=True)
    assert report.results[0].action == "error"
    row = sqlite_utils.Database(tmp_path / "out.db")["sources"].get("xx-mini")
    assert row["status"] == "error" and "INFO END" in row["note"]


def test_checksum_mismatch_is_reported(tmp_path, sources_dir):
    text = MANIFEST.read_text(encoding="utf-8").replace(
        'path = "cn_markdown/mini.md"', 'path = "cn_markdown/mini.md"\nsha256 = "' + "0" * 64 + '"')
    manifest = tmp_path / "m.toml"
    manifest.write_text(text, encoding="utf-8")
    report = build(tmp_path / "out.db", read_manifest(manifest), sources_dir, keep_going=True)
    assert report.results[0].action == "mismatch"
    assert any("checksum" in p for p in report.problems)


def test_missing_file_is_reported_with_keep_going(tmp_path, sources_dir):
    (sources_dir / "cn_markdown" / "mini.md").unlink()
    report = build(tmp_path / "out.db", read_manifest(MANIFEST), sources_dir, keep_going=True)
    assert report.results[0].action == "missing"
    assert "file not found" in report.results[0].message


def test_database_is_plain_sqlite_readable_without_the_project(tmp_path, sources_dir):
    db_path = tmp_path / "out.db"
    build(db_path, read_manifest(MANIFEST), sources_dir)
    conn = sqlite3.connect(db_path)
    # The FTS index uses only built-in tokenizers, so any SQLite can query it.
    hits = conn.execute("select count(*) from provisions_fts where provisions_fts match ?",
                        ['"协 商"']).fetchone()[0]
    assert hits >= 3
