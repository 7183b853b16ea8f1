"""`plea refs` on the command line: human-readable and the JSON Lines contract."""
from __future__ import annotations

import json

from click.testing import CliRunner

from plea.cli import cli


def test_text_in_references_out():
    result = CliRunner().invoke(cli, ["refs", "--db", "/nonexistent.db", "--lang", "en",
                                      "See Rule 11(c)(1)(C) and Rules 11 and 32."])
    assert result.exit_code == 0, result.output
    assert "Rule 11(c)(1)(C)" in result.output and "us-frcrp 11 c 1 C" in result.output
    assert "us-frcrp 32" in result.output


def test_jsonl_contract_with_a_bad_line():
    lines = "\n".join([
        json.dumps({"id": "a", "lang": "zh", "text": "依照本法第一百七十三条、第一百七十四条的规定",
                    "context": {"work": "cn-cpl", "pinpoint": ["201"]}}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "c", "lang": "de"}),
    ]) + "\n"
    result = CliRunner().invoke(cli, ["refs", "--jsonl", "--db", "/nonexistent.db"], input=lines)
    assert result.exit_code == 1
    out = [json.loads(l) for l in result.output.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "c"]
    assert [(r["work"], r["pinpoint"]) for r in out[0]["refs"]] == [("cn-cpl", ["173"]), ("cn-cpl", ["174"])]
    assert out[0]["refs"][0]["text"] == "本法第一百七十三条"
    assert "error" in out[1] and "error" in out[2]
