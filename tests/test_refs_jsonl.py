"""The `plea refs --jsonl` contract of shared/spec/interfaces.md: one line in, one out, in
order; a bad line gets {"id", "error"} and the rest is processed; exit status 1 then."""
from __future__ import annotations

import io
import json

import pytest

from plea.annotate.refs import Resolver, refs_jsonl, run_jsonl
from tests.test_refs_resolve import make_db

EXAMPLE = {"id": "r1", "lang": "zh", "text": "依照本法第一百七十三条、第一百七十四条的规定……",
           "context": {"work": "cn-cpl", "pinpoint": ["201", "2"]}}


@pytest.fixture
def resolver(tmp_path) -> Resolver:
    return Resolver(make_db(tmp_path / "mini.db"))


def test_the_example_of_the_contract(resolver):
    out = list(refs_jsonl([json.dumps(EXAMPLE, ensure_ascii=False)], resolver))
    assert len(out) == 1 and out[0]["id"] == "r1"
    first = out[0]["refs"][0]
    assert {k: first[k] for k in ("start", "end", "text", "work", "pinpoint", "resolved")} == {
        "start": 2, "end": 11, "text": "本法第一百七十三条", "work": "cn-cpl", "pinpoint": ["173"],
        "resolved": "cn-cpl-2018:art_173"}
    assert out[0]["refs"][1]["resolved"] == "cn-cpl-2018:art_174"


def test_unresolved_targets_are_null_with_a_reason(resolver):
    line = json.dumps({"id": "x", "lang": "en", "text": "Article 33 of the Guiding Opinions"})
    ref = next(refs_jsonl([line], resolver))["refs"][0]
    assert ref["work"] == "cn-go-leniency-2019" and ref["resolved"] is None and ref["reason"]


def test_unknown_work_is_null(resolver):
    line = json.dumps({"id": "x", "lang": "zh", "text": "《中华人民共和国监察法》第三十三条"}, ensure_ascii=False)
    ref = next(refs_jsonl([line], resolver))["refs"][0]
    assert (ref["work"], ref["pinpoint"], ref["resolved"]) == (None, ["33"], None)


def test_bad_lines_get_errors_and_the_rest_is_processed(resolver):
    lines = [
        "{not json",
        json.dumps({"id": "no-text", "lang": "en"}),
        json.dumps({"id": "bad-lang", "lang": "fr", "text": "Article 1"}),
        json.dumps({"id": "bad-context", "text": "本条", "context": "cn-cpl"}),
        json.dumps([1, 2]),
        "",
        json.dumps({"id": "ok", "text": "Rule 11(c)(1)(C)"}),      # lang detected
    ]
    out = list(refs_jsonl(lines, resolver))
    assert len(out) == len(lines)
    assert [o["id"] for o in out] == [None, "no-text", "bad-lang", "bad-context", None, None, "ok"]
    assert all("error" in o and "refs" not in o for o in out[:-1])
    assert "text" in out[1]["error"]
    assert out[-1]["refs"][0]["resolved"] == "us-frcrp:rule_11__subsec_c__para_1__subpara_C"


def test_run_writes_only_json_lines_and_returns_the_status(resolver):
    good = json.dumps(EXAMPLE, ensure_ascii=False) + "\n"
    stdout = io.StringIO()
    assert run_jsonl(io.StringIO(good + good), stdout, resolver) == 0
    lines = stdout.getvalue().splitlines()
    assert len(lines) == 2 and all(json.loads(l)["id"] == "r1" for l in lines)
    stdout = io.StringIO()
    assert run_jsonl(io.StringIO(good + "oops\n" + good), stdout, resolver) == 1
    assert [("error" in json.loads(l)) for l in stdout.getvalue().splitlines()] == [False, True, False]


def test_without_a_database_nothing_is_resolved():
    out = next(refs_jsonl([json.dumps(EXAMPLE, ensure_ascii=False)], None))
    assert [r["resolved"] for r in out["refs"]] == [None, None]
