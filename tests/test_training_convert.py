"""Coders' raw files become label files only line by line through the checks of
``plea.annotate.training.convert``: each bad line is named (file:line: problem) and left out.

The units used here were read in ../shared/training-texts/de/de-btmg-betaeubungsmittelgesetz.md:
§ 1 Abs. 1 at [1109:1223] ("Betäubungsmittel im Sinne dieses Gesetzes sind die in den
Anlagen\\nI bis III aufgeführten Stoffe und Zubereitungen.") and the start of § 3 Abs. 1 at
[5142:5227] ("Einer Erlaubnis des Bundesinstitutes für Arzneimittel und\\nMedizinprodukte
bedarf, wer").
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from plea.annotate.training import convert
from plea.annotate.training.copies import SourceRuns
from plea.annotate.training.data import texts_root

BTMG = "de/de-btmg-betaeubungsmittelgesetz.md"
PAR1 = "Betäubungsmittel im Sinne dieses Gesetzes sind die in den Anlagen\nI bis III aufgeführten Stoffe und Zubereitungen."
PAR3 = "Einer Erlaubnis des Bundesinstitutes für Arzneimittel und\nMedizinprodukte bedarf, wer"


def sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def text_line(**over) -> dict:
    row = {"doc": BTMG, "loc": "", "start": 5142, "end": 5227, "sha1": sha(PAR3), "lang": "de",
           "codes": []}
    row.update(over)
    return row


WRITTEN_TEXT = ("Legt der Beschuldigte ein Geständnis ab und nimmt er die beantragte Strafe an, "
                "so kann das Gericht die Strafe mildern.")


def written_line(**over) -> dict:
    row = {"id": "w-de-t-0002", "doc": "written/de/test", "lang": "de", "jurisdiction": "XX",
           "text": "Das Gericht kann die Strafe mildern, wenn der Angeklagte gesteht.",
           "codes": [{"code": "consequences.leniency", "evidence": "die Strafe mildern",
                      "modality": "permission"}]}
    row.update(over)
    return row


@pytest.fixture()
def repo(tmp_path: Path) -> tuple[Path, Path]:
    labels, written = tmp_path / "labels", tmp_path / "written"
    labels.mkdir()
    written.mkdir()
    (labels / "de-texts.jsonl").write_text(json.dumps(
        {"doc": BTMG, "loc": "", "start": 1109, "end": 1223, "sha1": sha(PAR1), "lang": "de",
         "codes": []}, ensure_ascii=False) + "\n", encoding="utf-8")
    (written / "de.jsonl").write_text(json.dumps(
        {"id": "w-de-t-0001", "doc": "written/de/test", "lang": "de", "text": WRITTEN_TEXT,
         "codes": []}, ensure_ascii=False) + "\n", encoding="utf-8")
    return labels, written


needs_texts = pytest.mark.skipif(texts_root() is None, reason="../shared/training-texts absent")

TEXT_CASES = [
    ("a new unit with its recorded SHA-1", text_line(), None),
    ("the same span as a labelled unit", text_line(start=1109, end=1223, sha1=sha(PAR1)),
     "overlaps the unit [1109:1223]"),
    ("a span cutting into a labelled unit", text_line(start=1200, end=1300, sha1="000000000000"),
     "text changed"),
    ("a text changed since it was coded", text_line(sha1="000000000000"), "text changed"),
    ("evidence that is not words of the unit",
     text_line(codes=[{"code": "scope.cooperation", "evidence": "Kronzeuge", "modality": "none"}]),
     "is not words of the unit"),
    ("a code outside the codebook", text_line(codes=[{"code": "scope.plea"}]), "unknown code"),
    ("a subject without a role",
     text_line(codes=[{"code": "subjects.court", "evidence": "Einer Erlaubnis"}]),
     "role None is not one of"),
    ("a modality outside the codebook",
     text_line(codes=[{"code": "scope.facts", "modality": "maybe"}]), "unknown modality"),
    ("offsets the wrong way round", text_line(start=5227, end=5142), "bad offsets"),
    ("no SHA-1", {k: v for k, v in text_line().items() if k != "sha1"}, "missing sha1"),
    ("a file that is not there", text_line(doc="de/no-such-act.md"), "no such file"),
]


@needs_texts
@pytest.mark.parametrize("what,line,problem", TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_text_lines_are_checked_one_by_one(repo, tmp_path, what, line, problem):
    labels, written = repo
    src, dst = tmp_path / "raw.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    result = convert.convert_texts(src, dst, convert.existing_units(labels, written))
    if problem is None:
        assert result.rejected == [] and result.written == 1
        assert json.loads(dst.read_text())["sha1"] == sha(PAR3)
    else:
        assert result.written == 0 and dst.read_text() == ""
        assert any(r.startswith("raw.jsonl:1: ") and problem in r for r in result.rejected), \
            result.rejected


WRITTEN_CASES = [
    ("a new unit", written_line(), None),
    ("an id already used", written_line(id="w-de-t-0001"), "already used"),
    ("a text already in the data", written_line(text=" " + WRITTEN_TEXT.replace(" ", "  ")),
     "same text as a unit already"),
    ("a unit on an evaluation-only document",
     written_line(text="Nach der Schweiz StPO kann der Beschuldigte ein abgekürztes "
                       "Verfahren beantragen."), "evaluation-only"),
    ("evidence not in the text",
     written_line(codes=[{"code": "consequences.leniency", "evidence": "Strafrabatt"}]),
     "is not words of the unit"),
    ("no text", written_line(text=""), "missing text"),
    # § 1 Abs. 1 BtMG with its list of annexes cut short: a copy all the same
    ("a unit repeating a source text",
     written_line(text="Betäubungsmittel im Sinne dieses Gesetzes sind die in den Anlagen I bis "
                       "III aufgeführten Stoffe.", codes=[]), "repeats a source text"),
    # the same subject in other words
    ("a unit on the same subject in other words",
     written_line(text="Welche Stoffe als Betäubungsmittel gelten, bestimmen die Anlagen des "
                       "Gesetzes.", codes=[]), None),
]


@pytest.mark.parametrize("what,line,problem", WRITTEN_CASES, ids=[c[0] for c in WRITTEN_CASES])
def test_written_lines_are_checked_one_by_one(repo, tmp_path, what, line, problem):
    labels, written = repo
    src, dst = tmp_path / "raw.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    existing = convert.Existing()
    existing.ids = {"w-de-t-0001"}
    existing.texts = {("de", " ".join(WRITTEN_TEXT.split()))}
    result = convert.convert_written(src, dst, existing, copies=SourceRuns().add_all([PAR1, PAR3]))
    if problem is None:
        assert result.rejected == [] and result.written == 1
        row = json.loads(dst.read_text())
        if line["codes"]:
            assert row["codes"][0]["start"] == line["text"].index("die Strafe mildern")
            assert "evidence" not in row["codes"][0]
    else:
        assert result.written == 0
        assert any(problem in r for r in result.rejected), result.rejected


def test_two_lines_of_one_file_cannot_repeat_each_other(tmp_path):
    src, dst = tmp_path / "raw.jsonl", tmp_path / "out.jsonl"
    line = json.dumps(written_line(), ensure_ascii=False)
    src.write_text(line + "\n" + "{not json\n" + line.replace("t-0002", "t-0003") + "\n",
                   encoding="utf-8")
    result = convert.convert_written(src, dst, convert.Existing())
    assert result.written == 1
    assert result.rejected[0].startswith("raw.jsonl:2: not JSON")
    assert result.rejected[1] == "raw.jsonl:3: same text as a unit already in the training data"


def test_the_evaluation_only_list_names_the_issues_documents():
    names = convert.evaluation_only_names()
    for name in ("监察法", "證人保護", "中華民國刑法", "BNSS", "Sri Lanka", "Singapore"):
        assert name in names


@needs_texts
@pytest.mark.parametrize("rewritten", ["labels/de-texts.jsonl", "written/de.jsonl"])
def test_converting_again_into_the_same_file_does_not_collide_with_itself(repo, rewritten):
    labels, written = repo
    existing = convert.existing_units(labels, written, skip=labels.parent / rewritten)
    if rewritten.startswith("labels"):
        assert existing.overlaps(BTMG, "", 1109, 1223) is None
        assert "w-de-t-0001" in existing.ids
    else:
        assert existing.overlaps(BTMG, "", 1109, 1223) == (1109, 1223)
        assert "w-de-t-0001" not in existing.ids


# (source, unit, lang, is it a copy?) — the check folds script, case and spaces, and leaves
# alone the short phrases every statute shares
COPY_CASES = [
    ("人民检察院应当听取犯罪嫌疑人、辩护人或者值班律师的意见，并记录在案。",
     "人民檢察院應當聽取犯罪嫌疑人、辯護人或者值班律師的意見，並記錄在案。", "zh", True),
    ("人民检察院应当听取犯罪嫌疑人、辩护人或者值班律师的意见，并记录在案。",
     "检察官提出建议以前，要先问过被告及其律师怎么看。", "zh", False),
    ("The court shall not participate in plea discussions between the parties.",
     "THE COURT SHALL NOT   PARTICIPATE in plea discussions between the parties.", "en", True),
    ("The court shall not participate in plea discussions between the parties.",
     "The court shall not take part when the sides talk about a plea.", "en", False),
    ("Die Vernehmung des Beschuldigten kann in Bild und Ton aufgezeichnet werden.",
     "Ein Geständnis, das nicht in Bild und Ton aufgezeichnet wurde, darf verwertet werden.",
     "de", False),
]


@pytest.mark.parametrize("source,unit,lang,copy", COPY_CASES)
def test_a_copy_is_told_from_a_unit_in_other_words(source, unit, lang, copy):
    runs = SourceRuns().add_all([source])
    assert (runs.problem(unit, lang) is not None) is copy, runs.share(unit, lang)
