"""A failed check fails the build (previous database kept) unless --keep-going,
which names what was accepted; sources stay inside the sources directory.

Expected articles, lines and counts are read off the small texts written below
and off tests/fixtures/cn_markdown/mini.md (7 articles: 第一条 … 第六条 with
第三条之一), never from the parser's output.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from plea.corpus.build import build, remove_stale_temp_files
from plea.corpus.errors import BuildFailed, ConfigError, SourceError
from plea.corpus.sources import read_manifest
from plea.cli import cli
from tests.conftest import FIXTURES, parse_bytes

MINI = (FIXTURES / "cn_markdown" / "mini.md").read_text(encoding="utf-8")
HEADER = "# 测试法\n\n<!-- INFO END -->\n\n"


def _manifest(tmp_path: Path, path: str = "cn_markdown/mini.md", extra: str = "",
              expected: str = "{ article = 7 }") -> Path:
    text = (f'version = 1\n[[source]]\nid = "xx-mini"\nwork = "xx-mini"\ntitle = "示范法"\n'
            f'short_title = "示范法"\njurisdiction = "CN"\nkind = "statute"\n'
            f'language = "zh-Hans"\nformat = "markdown"\nparser = "cn-markdown"\n'
            f'path = "{path}"\nexpected = {expected}\n{extra}')
    manifest = tmp_path / "m.toml"
    manifest.write_text(text, encoding="utf-8")
    return manifest


@pytest.fixture
def sources(tmp_path) -> Path:
    target = tmp_path / "sources"
    shutil.copytree(FIXTURES / "cn_markdown", target / "cn_markdown")
    return target


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(sources: Path, text: str) -> None:
    (sources / "cn_markdown" / "mini.md").write_text(text, encoding="utf-8")


# -- Chinese numbering: never folded into a neighbour ---------------------------

NUMBERING = [
    # (body, expected article eids, the numbering lines reported)
    ("第一条 甲。\n\n第二条 乙。\n\n第二条 丙。\n",
     ["art_1", "art_2", "art_2_dup2"], ["line 9: 第二条 repeats the article at line 7"]),
    ("第一条 甲。\n\n第二条 乙。\n\n第五条 丙。\n\n第三条 丁。\n\n第四条 戊。\n",
     ["art_1", "art_2", "art_5", "art_3", "art_4"],
     ["line 9: numbering jumps from 第二条 to 第五条",
      "line 11: 第三条 out of order, after 第五条"]),
    # A paragraph opening with a reference (no space after 条) stays a paragraph.
    ("第一条 甲。\n\n第二条 乙。\n\n第一条规定的情形除外。\n",
     ["art_1", "art_2"], []),
    ("第二条 甲。\n\n第三条 乙。\n", ["art_2", "art_3"], ["line 5: the first article is 第二条"]),
]


@pytest.mark.parametrize("body,eids,numbering", NUMBERING)
def test_cn_numbering_is_reported_never_folded(body, eids, numbering):
    doc = parse_bytes("cn-markdown", (HEADER + body).encode(), lang="zh")
    assert [n.eid for n in doc.nodes] == eids
    assert doc.meta["numbering"] == numbering


def test_nul_before_an_article_header_is_reported_and_does_not_fold_it():
    body = "第九十九条 甲。\n\n\x00\x00第一百条 乙。\n"
    doc = parse_bytes("cn-markdown", (HEADER + "第一条 始。\n\n" + body).encode(), lang="zh")
    assert [n.eid for n in doc.nodes] == ["art_1", "art_99", "art_100"]
    assert doc.nodes[2].text == "乙。"
    assert doc.meta["control_characters"] == ["line 9 col 1: U+0000", "line 9 col 2: U+0000"]


def test_ussg_html_deeper_than_libxml2_limit_is_an_error_not_a_short_tree():
    html = (FIXTURES / "ussg_html" / "mini_manual.html").read_text(encoding="utf-8")
    anchor = "<p><strong>§6B1.2.</strong>"
    deep = "<div>" * 300 + "<p>deep</p>" + "</div>" * 300 + "\n"
    with pytest.raises(SourceError) as err:
        parse_bytes("ussg-html", html.replace(anchor, deep + anchor).encode())
    assert "HTML parser stopped" in str(err.value) and "depth" in str(err.value)


# -- the build: fail, or accept and say so --------------------------------------

def _break(kind: str, tmp_path: Path, sources: Path) -> Path:
    """Make the fixture source fail one check; returns the manifest to build with."""
    if kind == "count mismatch":
        return _manifest(tmp_path, expected="{ article = 8 }")
    if kind == "checksum mismatch":
        return _manifest(tmp_path, extra=f'sha256 = "{"0" * 64}"\n')
    if kind == "missing file":
        (sources / "cn_markdown" / "mini.md").unlink()
    elif kind == "irregular numbering":
        _write(sources, MINI.replace("第五条 （删去）", "第五条 （删去）\n\n第五条 重复。"))
        return _manifest(tmp_path, expected="{ article = 8 }")
    elif kind == "control characters":
        _write(sources, MINI.replace("第四条 人民法院", "\x00第四条 人民法院"))
    return _manifest(tmp_path)


CHECKS = [
    ("count mismatch", "article 7, manifest expects 8"),
    ("checksum mismatch", "cn_markdown/mini.md: sha256"),
    ("missing file", "file not found"),
    ("irregular numbering", "第五条 repeats the article at line"),
    ("control characters", "U+0000"),
]


@pytest.mark.parametrize("kind,where", CHECKS)
def test_failed_check_fails_the_build_and_keeps_the_database(kind, where, tmp_path, sources):
    db = tmp_path / "out.db"
    build(db, read_manifest(_manifest(tmp_path)), sources)
    digest = _sha(db)
    manifest = _break(kind, tmp_path, sources)
    with pytest.raises(BuildFailed) as err:
        build(db, read_manifest(manifest), sources)
    line = next(p for p in err.value.problems if kind in p)
    assert line.startswith("xx-mini:") and where in line
    assert _sha(db) == digest
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("kind,where", CHECKS)
def test_keep_going_accepts_and_names_the_check(kind, where, tmp_path, sources):
    db = tmp_path / "out.db"
    report = build(db, read_manifest(_break(kind, tmp_path, sources)), sources, keep_going=True)
    assert kind in report.accepted
    row = sqlite_utils.Database(db)["builds"].get(1)
    assert row["status"] == "accepted" and kind in row["message"]


def test_a_reused_source_is_checked_again(tmp_path, sources):
    db = tmp_path / "out.db"
    _write(sources, MINI.replace("第四条 人民法院", "\x00第四条 人民法院"))
    build(db, read_manifest(_manifest(tmp_path)), sources, keep_going=True)
    with pytest.raises(BuildFailed, match="control characters"):
        build(db, read_manifest(_manifest(tmp_path)), sources)


def test_cli_failed_check_is_lines_not_a_traceback(tmp_path, sources):
    manifest = _manifest(tmp_path, expected="{ article = 9 }")
    args = ["build", "--sources", str(sources), "--manifest", str(manifest),
            "--db", str(tmp_path / "x.db")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "xx-mini: count mismatch: article 7, manifest expects 9" in result.output
    assert "--keep-going" in result.output and not (tmp_path / "x.db").exists()
    result = CliRunner().invoke(cli, [*args, "--keep-going"])
    assert result.exit_code == 0, result.output
    assert "Accepted with --keep-going: count mismatch" in result.output


# -- sources stay inside the sources directory ----------------------------------

def test_absolute_and_dotdot_paths_are_refused_in_the_manifest(tmp_path):
    for path, why in (("/etc/passwd", "is absolute"), ("../../etc/passwd", "contains '..'"),
                      ("cn_markdown/../../x.md", "contains '..'")):
        with pytest.raises(ConfigError) as err:
            read_manifest(_manifest(tmp_path, path=path))
        assert "m.toml" in str(err.value) and "xx-mini" in str(err.value) and why in str(err.value)


def test_symlink_out_of_the_sources_directory_is_refused(tmp_path, sources):
    outside = tmp_path / "outside.md"
    outside.write_text(MINI, encoding="utf-8")
    (sources / "cn_markdown" / "link.md").symlink_to(outside)
    db = tmp_path / "out.db"
    with pytest.raises(ConfigError) as err:
        build(db, read_manifest(_manifest(tmp_path, path="cn_markdown/link.md")), sources,
              keep_going=True)
    assert "outside the sources directory" in str(err.value) and "xx-mini" in str(err.value)
    assert not db.exists()


def test_cli_refuses_etc_passwd_with_one_line(tmp_path, sources):
    result = CliRunner().invoke(cli, ["build", "--sources", str(sources), "--manifest",
                                      str(_manifest(tmp_path, path="/etc/passwd")),
                                      "--db", str(tmp_path / "x.db"), "--keep-going"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "'/etc/passwd' is absolute" in result.output


def test_source_over_the_size_limit_is_refused(tmp_path, sources):
    with pytest.raises(SourceError, match="over the limit"):
        build(tmp_path / "out.db", read_manifest(_manifest(tmp_path)), sources,
              max_source_bytes=1000)


def test_db_that_is_not_a_plea_database_is_not_overwritten(tmp_path, sources):
    for content in (b"my thesis, not a database\n" * 10, None):
        target = tmp_path / "thesis.db"
        if content is None:   # another SQLite database
            target.unlink()
            sqlite3.connect(target).execute("create table notes (x)").connection.commit()
        else:
            target.write_bytes(content)
        before = _sha(target)
        with pytest.raises(ConfigError, match="not a plea database"):
            build(target, read_manifest(_manifest(tmp_path)), sources)
        assert _sha(target) == before


def test_stale_temp_files_of_dead_builds_are_removed(tmp_path, sources):
    db = tmp_path / "out.db"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = tmp_path / f".out.db.{dead}.tmp"
    stale.write_bytes(b"x" * 100)
    running = tmp_path / f".out.db.{os.getppid()}.tmp"   # a live process: left alone
    running.write_bytes(b"x")
    build(db, read_manifest(_manifest(tmp_path)), sources)
    assert not stale.exists() and running.exists()
    assert remove_stale_temp_files(db) == []


def test_a_build_killed_with_sigkill_leaves_a_temp_file_the_next_build_removes(tmp_path,
                                                                                sources):
    import signal
    import time

    db = tmp_path / "out.db"
    build(db, read_manifest(_manifest(tmp_path)), sources)
    before = _sha(db)
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from plea.corpus.build import build\n"
        "from plea.corpus.sources import read_manifest\n"
        f"build(Path({str(db)!r}), read_manifest(Path({str(_manifest(tmp_path))!r})),\n"
        f"      Path({str(sources)!r}),\n"
        "      stages=[('slow', lambda db: time.sleep(120))], force=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", script])
    tmp = tmp_path / f".out.db.{proc.pid}.tmp"
    deadline = time.monotonic() + 60
    while not tmp.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert tmp.exists() and _sha(db) == before          # the previous database is intact
    build(db, read_manifest(_manifest(tmp_path)), sources)
    assert not tmp.exists()


def test_plea_add_refuses_a_file_outside_the_sources_directory(tmp_path, sources):
    outside = tmp_path / "elsewhere.md"
    outside.write_text(MINI, encoding="utf-8")
    manifest = tmp_path / "mine.toml"
    result = CliRunner().invoke(cli, ["add", str(outside), "--work", "xx-new", "--format",
                                      "cn-markdown", "--jurisdiction", "CN", "--language",
                                      "zh-Hans", "--sources", str(sources),
                                      "--manifest", str(manifest)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "not inside the sources directory" in result.output and not manifest.exists()
