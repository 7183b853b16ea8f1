"""The `plea tag --jsonl` contract of ../shared/spec/interfaces.md, as a library call."""
from __future__ import annotations

import json

import pytest

from plea.annotate.tagger import Tagger, tag_jsonl
from plea.annotate.taxonomy import load_taxonomy

MODALITIES = {"obligation", "presumptive", "permission", "prohibition", "none"}
ROLES = {"party", "consulted", "witness", "reviewer", "informed", "excluded"}

LINES = [
    json.dumps({"id": "zh1", "lang": "zh", "text": "人民检察院提出量刑建议前，应当听取犯罪嫌疑人的意见。"},
               ensure_ascii=False),
    json.dumps({"id": "en1", "text": "The court must not participate in plea discussions."}),
    "{not json",
    json.dumps({"id": "nt", "lang": "en"}),
    json.dumps({"id": "empty", "lang": "de", "text": "   "}),
    json.dumps({"id": "fr", "lang": "fr", "text": "Le tribunal ne participe pas."}),
    json.dumps(["a", "list"]),
    json.dumps({"id": 7, "text": 42}),
    json.dumps({"id": "badlang", "lang": 3, "text": "x"}),
    json.dumps({"id": "tw", "lang": "zh-Hant", "text": "被告得於判決前撤回協商之合意。"}, ensure_ascii=False),
    json.dumps({"id": "none", "lang": "de", "text": "Der Angeklagte hat das letzte Wort."}),
    json.dumps({"id": "item", "lang": "zh", "text": "涉嫌的犯罪事实、罪名；",
                "context": "犯罪嫌疑人认罪认罚的，应当就下列事项听取其意见："}, ensure_ascii=False),
    "",
]


@pytest.fixture(scope="module")
def out() -> list[dict]:
    return list(tag_jsonl(LINES, Tagger()))


def test_one_output_per_line_in_order(out) -> None:
    assert len(out) == len(LINES)
    assert [o.get("id") for o in out] == ["zh1", "en1", None, "nt", "empty", "fr", None, 7,
                                          "badlang", "tw", "none", "item", None]
    json.dumps(out)  # everything is JSON-serialisable


def test_errors_per_line(out) -> None:
    errors = {i: o["error"] for i, o in enumerate(out) if "error" in o}
    assert set(errors) == {2, 3, 4, 5, 6, 7, 8, 12}
    assert errors[2].startswith("invalid JSON")
    assert errors[3] == 'missing "text"'
    assert errors[4] == '"text" is empty'
    assert "unknown language 'fr'" in errors[5]
    assert "JSON object" in errors[6]
    assert errors[7] == '"text" must be a string'
    assert errors[8] == '"lang" must be a string'
    assert errors[12].startswith("invalid JSON")
    assert all("tags" not in out[i] for i in errors)


def test_good_lines(out) -> None:
    by_id = {o["id"]: o for o in out if "tags" in o}
    assert by_id["en1"]["lang"] == "en"          # detected
    assert by_id["tw"]["lang"] == "zh"
    assert by_id["none"]["tags"] == []
    assert {t["code"] for t in by_id["en1"]["tags"]} == {"subjects.court", "behavior.pressure_limits"}
    assert {t["code"] for t in by_id["item"]["tags"]} == {"scope.facts", "scope.charge"}


def test_tag_objects_follow_the_contract(out) -> None:
    codes = set(load_taxonomy().code_ids)
    texts = {json.loads(l)["id"]: json.loads(l)["text"] for l in LINES
             if l.startswith("{\"id\"") and "text" in json.loads(l)}
    seen = 0
    for o in out:
        for t in o.get("tags", []):
            seen += 1
            assert t["code"] in codes
            assert texts[o["id"]][t["start"]:t["end"]] == t["text"]
            assert t["modality"] in MODALITIES and t["method"] == "rule"
            assert 0 < t["confidence"] <= 1
            if t["code"].startswith("subjects."):
                assert t["role"] in ROLES
            else:
                assert "role" not in t
    assert seen >= 10


def test_order_kept_across_batches() -> None:
    lines = [json.dumps({"id": i, "lang": ["zh", "en", "de"][i % 3],
                         "text": ["被告人认罪认罚的，可以从宽处理。", "A defendant may withdraw a plea of guilty.",
                                  "Die Verständigung kommt nicht zustande."][i % 3]}, ensure_ascii=False)
             for i in range(600)]
    out = list(tag_jsonl(lines))
    assert [o["id"] for o in out] == list(range(600))
    assert all(o["tags"] for o in out[:2])
