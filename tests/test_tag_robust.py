"""The JSON Lines contract holds whatever a line holds: one output line per input
line, a per-line error for what cannot be tagged; long units are tagged in pieces;
file inputs that are not text give one line."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import plea.annotate.taggers.base as base
from plea.annotate.tagger import Tagger, tag_jsonl
from plea.annotate.taggers.base import split_long

SENTENCE = "人民检察院提出量刑建议前，应当听取犯罪嫌疑人的意见。"   # 26 characters

HOSTILE = [
    # (input line, the error its output line carries; None: tagged)
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"id": "a", "lang": "zh", "text": "' + "[" * 100_000 + '"}', None),
    ('{"id": "s", "lang": "en", "text": "plea \\ud800 agreement"}', "lone surrogate U+D800 at 5"),
    ('{"id": "\\udc00", "text": "plea"}', '"id" holds a lone surrogate'),
    ('{"id": {"x": 1}, "text": "plea"}', '"id" must be a string or a number'),
    (b'{"id": "bytes", "text": "\xff\xfe plea"}', "invalid JSON"),
    ('{"id": "n", "lang": "en", "text": "' + "The clerk files the record. " * 40_000 + '"}', None),
]


def test_every_hostile_line_gets_its_own_output_line():
    out = list(tag_jsonl([line for line, _ in HOSTILE], Tagger()))
    assert len(out) == len(HOSTILE)
    for (line, error), obj in zip(HOSTILE, out):
        if error is None:
            assert "tags" in obj and "error" not in obj
        else:
            assert error in obj["error"]
        json.dumps(obj).encode("utf-8")      # writable as a line of UTF-8 JSON


@pytest.mark.parametrize("command", ["tag", "refs"])
def test_cli_jsonl_writes_one_line_per_input_line_and_no_traceback(command):
    data = b"\n".join(line if isinstance(line, bytes) else line.encode("utf-8", "surrogatepass")
                      for line, _ in HOSTILE) + b"\n"
    done = subprocess.run([sys.executable, "-m", "plea.cli", command, "--jsonl"], input=data,
                          capture_output=True, timeout=600)
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(HOSTILE), done.stderr.decode()[-2000:]
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert [("error" in json.loads(l)) for l in lines] == [e is not None for _, e in HOSTILE]


def test_binary_file_is_one_line(tmp_path):
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n")
    for command in ("tag", "refs"):
        done = subprocess.run([sys.executable, "-m", "plea.cli", command, "--file", str(pdf)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert "paper.pdf: not UTF-8 text (byte 0xe2 at offset 9)" in done.stderr


@pytest.mark.parametrize("text,limit,pieces", [
    ("甲。乙。丙。", 100, [(0, 6)]),
    ("甲乙。丙丁。戊己。", 6, [(0, 6), (6, 9)]),           # cut after a sentence end
    ("abc def ghi", 8, [(0, 8), (8, 11)]),                 # no sentence end: at a space
    ("abcdefghij", 4, [(0, 4), (4, 8), (8, 10)]),          # neither: at the limit
])
def test_split_long(text, limit, pieces):
    assert split_long(text, limit) == pieces


def test_long_unit_tags_carry_offsets_into_the_whole_text(monkeypatch):
    text = SENTENCE * 8
    whole = Tagger().tag(SENTENCE, "zh")
    monkeypatch.setattr(base, "MAX_PIECE", 60)
    monkeypatch.setattr(base.split_long, "__defaults__", (60,))
    seen: list[int] = []
    original = Tagger.tag_resolved

    def spy(self, chunk, langs):
        seen.extend(len(u.text) for u in chunk)
        return original(self, chunk, langs)

    monkeypatch.setattr(Tagger, "tag_resolved", spy)
    tags = Tagger().tag(text, "zh")
    assert max(seen) <= 60 and sum(seen) == len(text)
    # Every sentence gets the tags the sentence alone gets, at its own offset.
    expected = sorted((t.code, t.start + 26 * k) for k in range(8) for t in whole)
    assert sorted((t.code, t.start) for t in tags) == expected
    assert all(text[t.start:t.end] == t.text for t in tags)


@pytest.mark.parametrize("args,line", [
    (["eval", "--gold", "{pdf}"], "paper.pdf: not UTF-8 text (byte 9): not a gold file"),
    (["sources", "--manifest", "{pdf}"], "paper.pdf: not UTF-8 text (byte 9): not a manifest"),
    (["brief", "--codes", "subjects.court", "--db", "{pdf}"], "paper.pdf: file is not a database"),
    (["cite", "x:art_1", "--db", "{pdf}"], "paper.pdf: file is not a database"),
])
def test_other_file_inputs_are_one_line(tmp_path, args, line):
    from click.testing import CliRunner

    from plea.cli import cli
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n" * 300)
    result = CliRunner().invoke(cli, [a.replace("{pdf}", str(pdf)) for a in args])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert line in result.output and "Traceback" not in result.output


def test_build_tags_a_unit_over_a_million_characters(tmp_path):
    """spaCy refuses texts over 1,000,000 characters (E088); the build's tag stage
    goes through the tagger base, which tags such a unit in pieces."""
    from plea.corpus.build import build
    from plea.corpus.sources import Source, SourceFile
    from plea.annotate.stage import tag_database

    sentence = "人民检察院提出量刑建议前，应当听取犯罪嫌疑人的意见。"
    quiet = "本法所称期间以时日月年计算。"
    body = quiet * (1_050_000 // len(quiet)) + sentence
    (tmp_path / "long.md").write_text("# 长条文\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 "
                                      + body + "\n", encoding="utf-8")
    source = Source(id="xx-long", work="xx-long", title="长", jurisdiction="CN",
                    kind="statute", language="zh-Hans", parser="cn-markdown",
                    files=[SourceFile("long.md")])
    db = tmp_path / "long.db"
    build(db, [source], tmp_path, stages=[("tags", lambda d: tag_database(d, Tagger()))])
    import sqlite3
    rows = sqlite3.connect(db).execute("SELECT start, evidence FROM tags").fetchall()
    expected = {t.code for t in Tagger().tag(sentence, "zh")}
    assert expected and len(rows) == len(expected)
    assert all(start >= len(body) - len(sentence) for start, _ in rows)
