"""Scoring arithmetic on a tiny hand-made gold file and hand-made predictions."""
from __future__ import annotations

import json

import pytest

from plea.annotate.refs.evaluate import evaluate_file, format_report, score_refs

GOLD = [
    {"id": "u1", "lang": "zh", "text": "…", "refs": [
        {"work": "cn-cpl", "pinpoint": ["201", "2"]}, {"work": "cn-cpl", "pinpoint": ["15"]}]},
    {"id": "u2", "lang": "en", "text": "…", "refs": [
        {"work": "us-usc", "pinpoint": ["18", "3553", "a"]}]},
    {"id": "u3", "lang": "en", "text": "…", "refs": []},
]
PREDICTED = {
    # right article, wrong paragraph; 15 right; one false positive
    "u1": [{"work": "cn-cpl", "pinpoint": ["201", "1"]}, {"work": "cn-cpl", "pinpoint": ["15"]},
           {"work": "cn-cl", "pinpoint": []}],
    # us-usc counts at the article level by title and section: 3553 ≠ 3742
    "u2": [{"work": "us-usc", "pinpoint": ["18", "3742", "a"]}],
    "u3": [],
}


def test_scores_at_both_depths_and_per_language():
    report = score_refs(GOLD, lambda unit: PREDICTED[unit["id"]])
    art, full = report.score("article"), report.score("full")
    # article: u1 {201, 15} vs {201, 15, cn-cl[]} → tp 2 fp 1; u2 → fp 1 fn 1
    assert (art.tp, art.fp, art.fn) == (2, 2, 1)
    assert art.precision == pytest.approx(0.5) and art.recall == pytest.approx(2 / 3)
    assert art.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    # full: u1 tp 1 (15), fp 2, fn 1; u2 fp 1 fn 1
    assert (full.tp, full.fp, full.fn) == (1, 3, 2)
    zh, en = report.score("article", "zh"), report.score("article", "en")
    assert (zh.tp, zh.fp, zh.fn) == (2, 1, 0) and (en.tp, en.fp, en.fn) == (0, 1, 1)
    assert ("full", "u1", "cn-cpl", ["201", "2"]) in report.misses
    assert ("article", "u1", "cn-cl", []) in report.false_positives


def test_duplicates_count_once_and_empty_units_are_perfect():
    report = score_refs(GOLD[2:], lambda unit: [])
    assert report.score("full").f1 == 1.0
    doubled = score_refs(GOLD[:1], lambda unit: GOLD[0]["refs"] * 2)
    assert (doubled.score("full").tp, doubled.score("full").fp) == (2, 0)


def test_evaluate_file_runs_the_extractor(tmp_path):
    gold = tmp_path / "gold.jsonl"
    unit = {"id": "g1", "lang": "zh", "text": "依照本法第一百七十三条、第一百七十四条的规定",
            "context": {"work": "cn-cpl", "pinpoint": ["201"]},
            "refs": [{"work": "cn-cpl", "pinpoint": ["173"]}, {"work": "cn-cpl", "pinpoint": ["174"]}]}
    gold.write_text(json.dumps(unit, ensure_ascii=False) + "\n", encoding="utf-8")
    report = evaluate_file(gold)
    assert report.score("full").f1 == 1.0
    text = format_report(report)
    assert "article" in text and "1.000" in text
