"""Every user mistake is one line naming the file and the place, and an exit
status other than 0 — never a traceback; a bug keeps its traceback.

The inputs are written here, so the expected places (file, line, option, id)
are read off these inputs, not off the program's output.
"""
from __future__ import annotations

import importlib
import pickle
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from plea.corpus.build import build
from plea.corpus.errors import BuildFailed, PleaError, SourceError
from plea.corpus.sources import read_manifest
from plea.cli import cli
from tests.conftest import FIXTURES

MINI = FIXTURES / "manifests" / "mini.toml"

# name: text of a file written into the working directory
FILES = {
    "missing-bracket.toml": 'version = 1\n[[source]\nid = "x"\n',
    "bad-id.toml": ('version = 1\n[[source]]\nid = "Bad Id"\nwork = "w"\ntitle = "t"\n'
                    'jurisdiction = "CN"\nkind = "statute"\nlanguage = "zh-Hans"\n'
                    'status = "missing"\n'),
    # the flow sequence opened on line 2 is still open when line 3 starts a mapping
    "sources/bad-yaml.md": "---\nTitle: [unclosed\njurabk: X\n---\n\n# Gesetz\n",
    "bad-gold.jsonl": ('{"id": "1", "lang": "zh", "text": "认罪认罚", "codes": []}\n'
                       '{"id": "2", "text": "no lang"}\n'),
    "broken-accounts.json": "{not json",
    "bad-annotations.jsonl": '{"x": 1}\nnot json\n',
    "not-a-db.db": "plain text, not SQLite\n" * 20,
}
BINARY = {"scan.pdf": b"%PDF-1.4\n\xe2\xe3\xcf\xd3\n"}

# (case, arguments, environment, what the error line must name)
CASES = [
    ("manifest missing", ["sources", "--sources", "sources", "--manifest", "absent.toml"], {},
     ["absent.toml"]),
    ("manifest not TOML", ["sources", "--sources", "sources", "--manifest",
                           "missing-bracket.toml"], {}, ["missing-bracket.toml", "line 2"]),
    ("bad source id", ["build", "--sources", "sources", "--manifest", "bad-id.toml",
                       "--db", "out.db"], {}, ["bad-id.toml", "source/0/id", "Bad Id"]),
    ("sources directory missing", ["build", "--sources", "nowhere", "--manifest", str(MINI),
                                   "--db", "out.db"], {}, ["nowhere"]),
    ("$PLEA_SOURCES not a directory", ["build", "--manifest", str(MINI), "--db", "out.db"],
     {"PLEA_SOURCES": "nowhere"}, ["$PLEA_SOURCES", "nowhere"]),
    ("$PLEA_MAX_SOURCE_MB not a number", ["build", "--sources", "sources", "--manifest",
                                          str(MINI), "--db", "out.db"],
     {"PLEA_MAX_SOURCE_MB": "lots"}, ["$PLEA_MAX_SOURCE_MB", "lots"]),
    ("bad YAML front matter", ["add", "sources/bad-yaml.md", "--format", "de-markdown",
                               "--work", "w", "--yes", "--sources", "sources",
                               "--manifest", "mine.toml"], {}, ["bad-yaml.md:3", "YAML"]),
    ("source file missing", ["add", "sources/absent.md", "--work", "w", "--yes",
                             "--sources", "sources", "--manifest", "mine.toml"], {},
     ["sources/absent.md"]),
    ("unknown format", ["add", "sources/bad-yaml.md", "--format", "wordperfect", "--work", "w",
                        "--yes", "--sources", "sources", "--manifest", "mine.toml"], {},
     ["'wordperfect'"]),
    ("unknown tagger", ["tag", "--tagger", "oracle", "认罪认罚"], {}, ["--tagger", "oracle"]),
    ("input file missing", ["tag", "--file", "absent.txt"], {}, ["--file", "absent.txt"]),
    ("input not UTF-8", ["tag", "--file", "scan.pdf"], {}, ["scan.pdf", "0xe2"]),
    ("bad gold line", ["eval", "--gold", "bad-gold.jsonl"], {}, ["bad-gold.jsonl:2"]),
    ("gold file missing", ["eval", "--gold", "absent.jsonl"], {}, ["absent.jsonl"]),
    ("unknown provision id", ["cite", "xx-mini:art_99", "--db", "DB"], {}, ["xx-mini:art_99"]),
    ("unknown work", ["diff", "xx-nothing", "--db", "DB"], {}, ["xx-nothing"]),
    ("unknown code", ["brief", "--codes", "scope.nothing", "--db", "DB"], {}, ["scope.nothing"]),
    ("database missing", ["cite", "xx-mini:art_1", "--db", "absent.db"], {}, ["absent.db"]),
    ("--db not SQLite", ["cite", "xx-mini:art_1", "--db", "not-a-db.db"], {},
     ["not-a-db.db", "--db"]),
    ("--db not a plea database", ["refs", "第一条", "--db", "other.db"], {},
     ["other.db", "--db"]),
    ("--store not SQLite", ["annotate", "list", "--store", "not-a-db.db", "--db", "DB"], {},
     ["not-a-db.db", "--store"]),
    ("annotation file malformed", ["annotate", "import", "bad-annotations.jsonl",
                                   "--store", "store.db", "--db", "DB"], {},
     ["bad-annotations.jsonl:2"]),
    ("unknown provision to annotate", ["annotate", "add", "xx-mini:art_99", "scope.facts",
                                       "--annotator", "alice", "--store", "store.db",
                                       "--db", "DB"], {}, ["xx-mini:art_99"]),
    ("accounts file broken", ["annotators", "list", "--file", "broken-accounts.json"], {},
     ["broken-accounts.json"]),
    ("bad annotator name", ["annotators", "add", "no spaces!", "--password", "a long password",
                            "--file", "accounts.json"], {}, ["no spaces!"]),
]


@pytest.fixture(scope="module")
def mini_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mini")
    shutil.copytree(FIXTURES / "cn_markdown", tmp / "sources" / "cn_markdown")
    db = tmp / "mini.db"
    build(db, read_manifest(MINI), tmp / "sources")
    return db


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "cn_markdown", tmp_path / "sources" / "cn_markdown")
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    for name, data in BINARY.items():
        (tmp_path / name).write_bytes(data)
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE notes (text TEXT)")
    other.commit()
    other.close()
    monkeypatch.chdir(tmp_path)
    for name in ("PLEA_SOURCES", "PLEA_MANIFEST", "PLEA_DB", "PLEA_ANNOTATIONS",
                 "PLEA_ANNOTATORS", "PLEA_MAX_SOURCE_MB"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.mark.parametrize("case,args,env,places", CASES, ids=[c[0] for c in CASES])
def test_user_mistake_is_one_line_naming_the_place(workdir, mini_db, case, args, env, places):
    args = [str(mini_db) if a == "DB" else a for a in args]
    result = CliRunner(env=env).invoke(cli, args)
    assert result.exit_code != 0, result.output
    # Handled: click exited; an escaping exception would print a traceback.
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    for place in places:
        assert place in errors[0], errors[0]
    # A mistake in a command's input is only that line; a usage mistake (exit 2)
    # comes after click's usage line, as with every click program.
    extra = [l for l in result.stderr.splitlines() if l.strip() and l not in errors]
    assert not extra if result.exit_code == 1 else result.exit_code == 2, result.stderr


@pytest.mark.parametrize("error", [RuntimeError("a bug"),
                                   sqlite3.OperationalError('near "SELEC": syntax error')])
def test_a_bug_keeps_its_traceback(workdir, mini_db, monkeypatch, error):
    def broken(*args, **kwargs):
        raise error
    monkeypatch.setattr("plea.exports.cite.cite", broken)
    result = CliRunner().invoke(cli, ["cite", "xx-mini:art_1", "--db", str(mini_db)])
    assert result.exception is error


# Every error class of the project: the handler knows them by their base.
ERROR_CLASSES = [
    "plea.corpus.errors.SourceError", "plea.corpus.errors.ConfigError", "plea.corpus.errors.BuildFailed",
    "plea.annotate.human.model.AnnotationError", "plea.annotate.training.data.TrainingDataError",
    "plea.annotate.training.textref.TextRefError", "plea.annotate.jsonl_io.BadLine",
    "plea.annotate.taggers.base.TaggingError", "plea.annotate.rules.RulesError",
    "plea.annotate.versions.VersionError", "plea.annotate.reference.coding.CodingError",
    "plea.annotate.taxonomy.TaxonomyError", "plea.annotate.evaluate.GoldError",
    "plea.web.accounts.AccountError", "plea.web.brief_worker.BriefBusy",
    "plea.web.pages.brief.BadBrief", "plea.exports.cite.CiteError",
    "plea.exports.brief.BriefError",
]


@pytest.mark.parametrize("name", ERROR_CLASSES)
def test_every_error_class_is_a_plea_error(name):
    module, cls = name.rsplit(".", 1)
    assert issubclass(getattr(importlib.import_module(module), cls), PleaError)


@pytest.mark.parametrize("error,line", [
    (PleaError("unknown code"), "unknown code"),
    (PleaError("not valid JSON", path="a.jsonl", line=2), "a.jsonl:2: not valid JSON"),
    (PleaError("invalid", path="m.toml", where="source/0/id"), "m.toml (source/0/id): invalid"),
    (PleaError("no such variable", where="$PLEA_X"), "$PLEA_X: no such variable"),
    (SourceError("law.md", "unclosed", line=3, column=7, where="第一条"),
     "law.md:3:7 (第一条): unclosed"),
])
def test_the_line_names_file_and_place(error, line):
    assert str(error) == line


@pytest.mark.parametrize("error", [
    SourceError("law.md", "unclosed", line=3, where="第一条"),
    PleaError("not valid JSON", path="a.jsonl", line=2),
    BuildFailed(["xx-mini: count: article 6/7"]),
])
def test_an_error_crosses_a_process_boundary_unchanged(error):
    # Parsing in worker processes sends errors back pickled.
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and str(again) == str(error)
