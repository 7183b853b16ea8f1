"""The plea command: every command documented, user errors as one line, no tracebacks."""
from __future__ import annotations

import shutil

import click
import pytest
import sqlite_utils
from click.testing import CliRunner

from plea.cli import cli
from tests.conftest import FIXTURES

MANIFEST = FIXTURES / "manifests" / "mini.toml"


def _commands():
    return sorted(cli.commands.items())


@pytest.mark.parametrize("name,command", _commands())
def test_every_command_has_help_and_documents_its_options(name, command):
    assert command.help and len(command.help.strip()) > 20, f"plea {name} has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"plea {name} {param.opts[0]} has no help"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_every_command_is_in_the_readme():
    from tests.conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, _ in _commands():
        assert f"plea {name}" in readme, f"README does not document `plea {name}`"


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURES / "cn_markdown", sources / "cn_markdown")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLEA_SOURCES", raising=False)
    monkeypatch.delenv("PLEA_MANIFEST", raising=False)
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_build_then_sources_report(workdir):
    db = workdir / "x.db"
    # The shipped manifest's files are not in this sources directory: accepted.
    result = run("build", "--sources", "sources", "--manifest", str(MANIFEST), "--db", str(db),
                 "--keep-going")
    assert result.exit_code == 0, result.output
    assert "Accepted with --keep-going: missing file" in result.output
    assert "xx-mini" in result.output and "article 7/7" in result.output
    row = sqlite_utils.Database(db)["provisions"].get("xx-mini:art_2__para_2")
    assert row["text"].startswith("检察官提出量刑建议前")
    result = run("sources", "--sources", "sources", "--manifest", str(MANIFEST), "--db", str(db))
    assert result.exit_code == 0
    line = next(l for l in result.output.splitlines() if l.startswith("xx-mini"))
    assert "present" in line and "ok" in line
    assert "xx-absent" in result.output and "missing" in result.output


def test_bad_source_is_one_line_error_and_keeps_db(workdir):
    db = workdir / "x.db"
    run("build", "--sources", "sources", "--manifest", str(MANIFEST), "--db", str(db),
        "--keep-going")
    before = db.read_bytes()
    (workdir / "sources" / "cn_markdown" / "mini.md").write_text("# x\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--sources", "sources", "--manifest", str(MANIFEST),
                                      "--db", str(db)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "mini.md" in result.output and "INFO END" in result.output
    assert db.read_bytes() == before


def test_missing_sources_directory_explains_how_to_supply_texts(workdir, monkeypatch):
    monkeypatch.setattr("plea.corpus.paths.CHECKOUT", workdir / "nowhere")
    result = CliRunner().invoke(cli, ["build", "--db", str(workdir / "x.db")])
    assert result.exit_code == 1
    assert "--sources" in result.output and "PLEA_SOURCES" in result.output


def test_invalid_manifest_names_the_entry(workdir):
    bad = workdir / "bad.toml"
    bad.write_text('version = 1\n[[source]]\nid = "Bad Id"\nwork = "w"\ntitle = "t"\n'
                   'jurisdiction = "CN"\nkind = "statute"\nlanguage = "zh-Hans"\nstatus = "missing"\n',
                   encoding="utf-8")
    result = CliRunner().invoke(cli, ["sources", "--sources", "sources", "--manifest", str(bad)])
    assert result.exit_code == 1
    assert "bad.toml" in result.output and "source/0/id" in result.output


def test_add_then_build_includes_the_new_source(workdir):
    text = (FIXTURES / "cn_markdown" / "mini.md").read_text(encoding="utf-8")
    new = workdir / "sources" / "guiding.md"
    new.write_text(text.replace("示范协商程序法", "示范指导意见"), encoding="utf-8")
    manifest = workdir / "mine.toml"
    result = run("add", str(new), "--work", "cn-go-leniency-2019", "--format", "cn-markdown",
                 "--jurisdiction", "CN", "--language", "zh-Hans", "--title", "示范指导意见",
                 "--short-title", "指导意见", "--sources", "sources", "--manifest", str(manifest))
    assert result.exit_code == 0, result.output
    assert 'path = "guiding.md"' in manifest.read_text(encoding="utf-8")
    db = workdir / "x.db"
    result = run("build", "--sources", "sources", "--manifest", str(manifest), "--db", str(db),
                 "--keep-going")
    assert result.exit_code == 0, result.output
    row = sqlite_utils.Database(db)["sources"].get("cn-go-leniency-2019")
    assert row["status"] == "present" and row["provisions"] > 0
    cite = sqlite_utils.Database(db)["provisions"].get("cn-go-leniency-2019:art_1")["citation"]
    assert cite == "《指导意见》第一条"


def test_add_unknown_format_is_clear(workdir):
    f = workdir / "sources" / "x.txt"
    f.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["add", str(f), "--work", "w", "--format", "pdf",
                                      "--jurisdiction", "CN", "--language", "en",
                                      "--manifest", str(workdir / "m.toml")])
    assert result.exit_code == 1 and "unknown format 'pdf'" in result.output
    assert not (workdir / "m.toml").exists()
