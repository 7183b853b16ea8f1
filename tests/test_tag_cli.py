"""`plea tag` and `plea eval` on the command line."""
from __future__ import annotations

import json

from click.testing import CliRunner

from plea.cli import cli

# Rule 11(c)(1) of the Federal Rules of Criminal Procedure, first two sentences.
FULL = ("The attorney for the government and the defendant's attorney may discuss and reach "
        "a plea agreement. The court must not participate in these discussions.")


def test_tag_text_human_readable():
    result = CliRunner().invoke(cli, ["tag", "--lang", "zh",
                                      "人民法院审理认罪认罚案件，应当告知被告人享有的诉讼权利和认罪认罚的法律规定。"])
    assert result.exit_code == 0, result.output
    # labeling.md rule 2's own example.
    for code in ("subjects.court", "subjects.suspect_defendant", "behavior.rights_notice"):
        assert code in result.output


def test_tag_empty_text_is_a_usage_error():
    result = CliRunner().invoke(cli, ["tag", "   "])
    assert result.exit_code == 2 and "empty" in result.output


def test_tag_jsonl_keeps_order_and_reports_bad_lines():
    lines = [json.dumps({"id": "ok", "lang": "en", "text": FULL}),
             "not json", json.dumps({"id": "nolang", "lang": "fr", "text": "Le tribunal."}),
             json.dumps({"id": "notext", "lang": "en"})]
    result = CliRunner().invoke(cli, ["tag", "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    out = [json.loads(l) for l in result.output.splitlines()]
    assert len(out) == 4 and out[0]["id"] == "ok"
    codes = {t["code"] for t in out[0]["tags"]}
    assert {"subjects.court", "behavior.pressure_limits"} <= codes   # labeling.md rule 4
    court = next(t for t in out[0]["tags"] if t["code"] == "subjects.court")
    assert court["role"] == "excluded"
    assert all("error" in o for o in out[1:])


def test_eval_prints_scores_for_a_gold_file(tmp_path):
    gold = tmp_path / "g-tags.jsonl"
    gold.write_text(json.dumps({"id": "g1", "lang": "en", "source": "test",
                                "text": FULL,
                                "codes": ["subjects.court", "behavior.pressure_limits"]}) + "\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "--gold", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["units"] == 1 and report["micro"]["tp"] == 2


def test_eval_rejects_a_file_that_is_not_gold(tmp_path):
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "--gold", str(bad)])
    assert result.exit_code == 1 and "neither a tags gold file" in result.output
