"""`plea annotate …` and `plea agreement`: thin commands, one-line errors."""
from __future__ import annotations

import json
import shutil

import click
import pytest
import sqlite_utils
from click.testing import CliRunner

from plea.annotate.human.export import validate
from plea.corpus.build import build
from plea.corpus.sources import read_manifest
from plea.commands.annotate import COMMANDS
from plea.options import PleaGroup
from tests.conftest import FIXTURES

MANIFEST = FIXTURES / "manifests" / "mini.toml"
ANNOTATIONS = FIXTURES / "annotations"


@click.group(cls=PleaGroup)
def plea():
    """The commands under test, without touching the shared `plea` group (but with
    its handler of user mistakes)."""


for _command in COMMANDS:
    plea.add_command(_command)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURES / "cn_markdown", sources / "cn_markdown")
    build(tmp_path / "plea.db", read_manifest(MANIFEST), sources)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLEA_DB", str(tmp_path / "plea.db"))
    monkeypatch.setenv("PLEA_ANNOTATIONS", str(tmp_path / "annotations.db"))
    monkeypatch.setenv("PLEA_ANNOTATOR", "alice")
    return tmp_path


def run(*args):
    return CliRunner().invoke(plea, list(args), catch_exceptions=False)


def test_every_command_documents_itself():
    for name, command in [("annotate", plea.commands["annotate"]),
                          *plea.commands["annotate"].commands.items(),
                          ("agreement", plea.commands["agreement"])]:
        assert command.help and len(command.help.strip()) > 20, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.opts[0]} has no help"


def test_add_reject_note_link_list(workdir):
    r = run("annotate", "add", "xx-mini:art_2__para_2", "subjects.duty_lawyer",
            "--quote", "值班律师", "--role", "consulted")
    assert r.exit_code == 0 and "Added subjects.duty_lawyer (role consulted)" in r.output
    assert "— alice," in r.output
    r = run("annotate", "reject", "xx-mini:art_1", "scope.procedure", "--annotator", "bob",
            "--note", "a purpose clause")
    assert r.exit_code == 0 and r.output.startswith("Rejected scope.procedure")
    assert run("annotate", "note", "xx-mini:art_3-1", "Compare TW art. 455-3.").exit_code == 0
    r = run("annotate", "link", "xx-mini:art_3-1", "xx-mini:art_4", "--relation", "see_also")
    assert "Linked xx-mini:art_3-1 see_also xx-mini:art_4" in r.output
    r = run("annotate", "add", "xx-mini:art_2__para_1", "consequences.leniency",
            "--span", "13:17")
    assert "«从宽处理»" in r.output
    listing = run("annotate", "list")
    assert listing.exit_code == 0 and "5 annotation(s)" in listing.output
    bob = json.loads(run("annotate", "list", "--annotator", "bob", "--json").output)
    assert [(r["kind"], r["code"]) for r in bob] == [("rejected", "scope.procedure")]
    assert "No orphaned annotations." in run("annotate", "list", "--orphans").output
    # the store is its own file; the corpus is untouched
    assert (workdir / "annotations.db").is_file()
    # the store is its own file: the corpus's annotations table (every build makes it) stays empty
    assert sqlite_utils.Database(workdir / "plea.db")["annotations"].count == 0


@pytest.mark.parametrize("args,message", [
    (("add", "xx-mini:art_1", "scope.nothing"), "Error: unknown code 'scope.nothing'"),
    (("add", "xx-mini:art_99", "scope.facts"), "Error: unknown provision id 'xx-mini:art_99'"),
    (("add", "xx-mini:art_1", "scope.facts", "--quote", "没有"), "is not in the text"),
    (("add", "xx-mini:art_1", "scope.facts", "--span", "x"), "use START:END"),
    (("link", "xx-mini:art_1", "xx-mini:art_2", "--relation", "likes"), "unknown relation"),
    (("import", "MALFORMED"), "malformed.jsonl:2: not valid JSON"),
])
def test_user_mistakes_are_one_line_without_traceback(workdir, args, message):
    args = [str(ANNOTATIONS / "malformed.jsonl") if a == "MALFORMED" else a for a in args]
    r = CliRunner().invoke(plea, ["annotate", *args])
    assert r.exit_code != 0 and message in r.output
    assert "Traceback" not in r.output and r.exception is None or isinstance(
        r.exception, SystemExit)


def test_missing_database_is_one_line(workdir, monkeypatch):
    monkeypatch.setenv("PLEA_DB", str(workdir / "absent.db"))
    r = CliRunner().invoke(plea, ["annotate", "add", "xx-mini:art_1", "scope.facts"])
    assert r.exit_code == 1 and "no database at" in r.output


def test_export_validates_and_import_is_idempotent(workdir):
    run("annotate", "add", "xx-mini:art_2__para_2", "subjects.prosecutor", "--quote", "检察官")
    run("annotate", "note", "xx-mini:art_1", "Purpose clause.")
    r = run("annotate", "export", "-o", "out.jsonl")
    assert r.exit_code == 0 and "Wrote 2 annotations" in r.output
    docs = [json.loads(line) for line in (workdir / "out.jsonl").read_text().splitlines()]
    assert len(docs) == 2 and all(validate(d) == [] for d in docs)
    r = run("annotate", "import", "out.jsonl", "--store", "copy.db")
    assert "2 read: 2 new, 0 already in the store, 0 conflicting" in r.output
    r = run("annotate", "import", "out.jsonl", "--store", "copy.db")
    assert "2 read: 0 new, 2 already in the store, 0 conflicting" in r.output
    gold = run("annotate", "export", "--format", "gold").output.splitlines()
    assert json.loads(gold[0])["codes"] == ["subjects.prosecutor"]


def test_two_annotators_files_give_an_agreement_table(workdir):
    r = run("agreement", str(ANNOTATIONS / "alice.jsonl"), str(ANNOTATIONS / "bob.jsonl"))
    assert r.exit_code == 0, r.output
    assert "Annotators: alice 4 units, bob 4 units" in r.output
    lines = {line.split()[0]: line.split() for line in r.output.splitlines() if line.strip()}
    assert {"all", "subjects", "scope", "behavior", "consequences"} <= set(lines)
    # both tag the suspect on the same unit and nowhere else: perfect agreement
    assert lines["subjects.suspect_defendant"][-2:] == ["1.000", "1.000"]
    # only alice tags the duty lawyer, on one of four units: kappa 0, alpha 0
    assert lines["subjects.duty_lawyer"][-2:] == ["0.000", "0.000"]
    data = json.loads(run("agreement", str(ANNOTATIONS / "alice.jsonl"),
                          str(ANNOTATIONS / "bob.jsonl"), "--json").output)
    assert data["annotators"] == ["alice", "bob"] and data["rows"][0]["scope"] == "all"


def test_agreement_from_the_store_after_importing_both_files(workdir):
    for name in ("alice", "bob"):
        assert run("annotate", "import", str(ANNOTATIONS / f"{name}.jsonl")).exit_code == 0
    r = run("agreement", "--no-codes")
    assert r.exit_code == 0 and "subjects.duty_lawyer" not in r.output
    assert "consequences" in r.output
    one = run("agreement", "--annotator", "alice")
    assert "needs two or more annotators" in one.output


def test_gold_file_import_records_units(workdir):
    units = [{"id": "g1", "lang": "zh", "text": "协商应当同步录音录像。",
              "codes": ["behavior.recording"], "source": "示范法 第三条之一"},
             {"id": "g2", "lang": "zh", "text": "本法自2022年7月1日起施行。", "codes": []}]
    (workdir / "dev-tags.jsonl").write_text(
        "".join(json.dumps(u, ensure_ascii=False) + "\n" for u in units), encoding="utf-8")
    r = run("annotate", "import", "dev-tags.jsonl")
    assert r.exit_code == 0 and "3 read: 3 new" in r.output
    again = run("annotate", "import", "dev-tags.jsonl")
    assert "3 read: 0 new, 3 already in the store" in again.output
    listed = json.loads(run("annotate", "list", "--annotator", "dev-tags", "--json").output)
    assert sorted(r["kind"] for r in listed) == ["added", "reviewed", "reviewed"]
