"""Web Annotation JSON-LD and gold JSONL out of and into the store."""
from __future__ import annotations

import io
import json

import pytest

from plea.annotate.human.export import (ANNO_CONTEXT, from_jsonld, import_annotations,
                                   read_annotations, read_documents, to_jsonld, validate,
                                   write_jsonld)
from plea.annotate.human.gold import annotations_as_gold, gold_to_annotations
from plea.annotate.human.model import AnnotationError, codebook
from plea.annotate.human.store import AnnotationStore
from tests.test_annotate_anchor import TEXT_A, TEXT_B, make_corpus, row, tag

P1, P2 = "xx-law:art_1", "xx-law:art_2"


@pytest.fixture
def corpus(tmp_path):
    make_corpus(tmp_path / "plea.db", [row(P1, TEXT_A), row(P2, TEXT_B)], tags=[
        tag(P1, "subjects.prosecutor", TEXT_A, "人民检察院", role="party"),
        tag(P1, "subjects.court", TEXT_A, "意见"),
    ])
    return tmp_path / "plea.db"


@pytest.fixture
def store(tmp_path, corpus):
    with AnnotationStore(tmp_path / "ann.db", corpus=corpus) as s:
        s.add("alice", P2, "subjects.duty_lawyer", quote="值班律师", role="witness",
              modality="obligation", note="present at signing")
        s.confirm("alice", P1, "subjects.prosecutor")
        s.reject("alice", P1, "subjects.court", note="not the court")
        s.confirm("bob", P1, "subjects.prosecutor", role="consulted")
        s.note("bob", P1, "Cf. Rule 11(c)(2).")
        s.link("bob", P1, P2, "see_also")
        s.review("bob", P2)
        yield s


def export_lines(store) -> list[dict]:
    buf = io.StringIO()
    write_jsonld(store.all(), buf)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def test_every_export_validates_against_the_web_annotation_schema(store):
    docs = export_lines(store)
    assert len(docs) == len(store) == 7
    for doc in docs:
        assert validate(doc) == []
        assert ANNO_CONTEXT in doc["@context"] and doc["type"] == "Annotation"
        assert doc["id"].startswith("urn:uuid:")
        assert doc["target"]["source"].startswith("urn:plea-corpus:provision:xx-law:")
        assert doc["target"]["selector"][0]["type"] == "TextQuoteSelector"
    assert {d["motivation"] for d in docs} == {"tagging", "assessing", "commenting", "linking"}
    added = docs[0]
    assert added["body"][0] == {"type": "TextualBody", "purpose": "tagging",
                                "value": "subjects.duty_lawyer", "plea:role": "witness",
                                "plea:modality": "obligation"}
    assert added["target"]["selector"][1] == {"type": "TextPositionSelector",
                                              "start": TEXT_B.index("值班律师"),
                                              "end": TEXT_B.index("值班律师") + 4}
    assert added["creator"]["nickname"] == "alice"


@pytest.mark.parametrize("field", ["@context", "id", "type", "target", "creator", "created",
                                   "motivation"])
def test_schema_requires_the_fields_of_the_model(store, field):
    doc = export_lines(store)[0]
    del doc[field]
    assert any(field in problem for problem in validate(doc))


@pytest.mark.parametrize("change,problem", [
    (lambda d: d.update({"@context": "http://example.org/other.jsonld"}), "@context"),
    (lambda d: d.update({"type": "Note"}), "type"),
    (lambda d: d["target"].pop("selector"), "selector"),
    (lambda d: d["target"]["selector"][0].pop("exact"), "exact"),
    (lambda d: d.update({"motivation": "liking"}), "motivation"),
    (lambda d: d.update({"created": "yesterday"}), "created"),
])
def test_schema_rejects_broken_annotations(store, change, problem):
    doc = export_lines(store)[0]
    change(doc)
    assert any(problem in p for p in validate(doc))


def test_jsonld_round_trip_is_lossless(store):
    for a, doc in zip(store.all(), export_lines(store)):
        assert from_jsonld(doc) == a


def test_unknown_properties_survive_a_round_trip(store):
    doc = export_lines(store)[0]
    doc["rights"] = "https://creativecommons.org/licenses/by/4.0/"
    assert to_jsonld(from_jsonld(doc))["rights"] == doc["rights"]


def test_import_is_idempotent_and_reports_conflicts(store, tmp_path, corpus):
    path = tmp_path / "export.jsonl"
    with path.open("w", encoding="utf-8") as out:
        write_jsonld(store.all(), out)
    with AnnotationStore(tmp_path / "other.db", corpus=corpus) as other:
        first = import_annotations(other, read_annotations(path))
        assert len(first.result.inserted) == 7
        again = import_annotations(other, read_annotations(path))
        assert (len(again.result.inserted), len(again.result.unchanged)) == (0, 7)
        assert len(other) == 7
        # the same id with other content: reported, the stored one kept
        docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        docs[0]["body"][0]["plea:role"] = "party"
        path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs),
                        encoding="utf-8")
        clash = import_annotations(other, read_annotations(path))
        assert [c[0] for c in clash.result.conflicts] == [docs[0]["id"][len("urn:uuid:"):]]
        assert "role" in clash.result.conflicts[0][1]
        assert other.get(clash.result.conflicts[0][0]).role == "witness"
        assert any("conflict" in line for line in clash.lines())


def test_import_reports_new_disagreements(store, tmp_path, corpus):
    with AnnotationStore(tmp_path / "carol.db", corpus=corpus) as carol:
        carol.confirm("carol", P1, "subjects.court")
        path = tmp_path / "carol.jsonl"
        with path.open("w", encoding="utf-8") as out:
            write_jsonld(carol.all(), out)
    report = import_annotations(store, read_annotations(path))
    assert report.disputes == [(P1, "subjects.court",
                                {"alice": "rejected", "carol": "confirmed"})]


@pytest.mark.parametrize("content,message", [
    ('{"id": 1\n', r"bad\.jsonl:1: not valid JSON"),
    ('{"type": "Annotation"}\n', r"bad\.jsonl: item 1: not a valid Web Annotation"),
    ('[1, 2]', "expected JSON objects"),
])
def test_malformed_files_are_refused_with_the_place(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AnnotationError, match=message):
        read_annotations(path)


def test_unknown_code_in_an_import_names_the_line(store, tmp_path):
    docs = export_lines(store)
    docs[0]["body"][0]["value"] = "subjects.nobody"
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in docs), encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"x\.jsonl:1: unknown code 'subjects.nobody'"):
        read_annotations(path, codebook())


def test_collections_and_arrays_are_read_too(store, tmp_path):
    docs = export_lines(store)
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"type": "AnnotationPage", "items": docs}), encoding="utf-8")
    assert len(read_annotations(path)) == 7
    path.write_text(json.dumps(docs), encoding="utf-8")
    assert len(read_documents(path)) == 7


# -- gold ---------------------------------------------------------------------------------
def test_human_decisions_as_gold_units(store, corpus):
    units = {u["id"]: u for u in annotations_as_gold(store, corpus)}
    assert set(units) == {P1, P2}
    # P1: prosecutor confirmed, court rejected; P2: duty lawyer added, reviewed
    assert units[P1]["codes"] == ["subjects.prosecutor"]
    assert units[P2]["codes"] == ["subjects.duty_lawyer"]
    assert units[P1]["text"] == TEXT_A and units[P1]["lang"] == "zh"
    assert set(units[P1]) >= {"id", "lang", "text", "codes", "source"}
    bob = {u["id"]: u for u in annotations_as_gold(store, corpus, annotator="bob")}
    assert bob[P1]["codes"] == ["subjects.prosecutor"] and bob[P2]["codes"] == []


def test_gold_units_import_as_annotations_once(store, corpus, tmp_path):
    units = [("gold:1", {"id": "g1", "lang": "zh", "text": TEXT_B,
                         "codes": ["subjects.duty_lawyer", "behavior.counsel_presence"]}),
             ("gold:2", {"id": "g2", "lang": "zh", "text": "不在语料库中的文字。", "codes": []}),
             # the same text as printed, with different spacing: still found
             ("gold:3", {"id": "g3", "lang": "zh", "text": TEXT_A[:20] + "\n  " + TEXT_A[20:],
                         "codes": ["subjects.prosecutor"]})]
    made, skipped = gold_to_annotations(units, corpus, annotator="gold",
                                        taxonomy=codebook(), store=store)
    # P1's automatic subjects.court is not in the gold unit: rejected
    assert [(a.decision, a.code) for a in made] == [
        ("added", "subjects.duty_lawyer"), ("added", "behavior.counsel_presence"),
        ("reviewed", None), ("added", "subjects.prosecutor"), ("rejected", "subjects.court"),
        ("reviewed", None)]
    assert len(skipped) == 1 and "g2" in skipped[0] and "not found" in skipped[0]
    first = import_annotations(store, made)
    again, _ = gold_to_annotations(units, corpus, annotator="gold", taxonomy=codebook(),
                                   store=store)
    second = import_annotations(store, again)
    assert len(first.result.inserted) == 6 and len(second.result.unchanged) == 6
    gold = {u["id"]: u for u in annotations_as_gold(store, corpus, annotator="gold")}
    assert gold[P2]["codes"] == ["behavior.counsel_presence", "subjects.duty_lawyer"]
    assert gold[P1]["codes"] == ["subjects.prosecutor"]


def test_the_schema_is_a_valid_json_schema():
    import jsonschema

    from plea.annotate.human.export import SCHEMA_PATH

    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text()))
