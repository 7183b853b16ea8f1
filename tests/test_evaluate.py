"""Scoring arithmetic on a hand-made gold / prediction pair (numbers worked out by hand).

Gold:       u1 {subjects.court, scope.charge}   u2 {subjects.court}   u3 {}
Predicted:  u1 {subjects.court, behavior.recording}   u2 {}   u3 {scope.charge}

Pairs: tp (u1, court); fp (u1, recording), (u3, charge); fn (u1, charge), (u2, court).
micro: P = 1/3, R = 1/3, F1 = 1/3.
per code: court P 1, R 1/2, F1 2/3; charge 0/0/0; recording 0/0/0.
macro over the 3 codes: P 1/3, R 1/6, F1 2/9.
per language: zh tp 1, fp 1, fn 2 -> P 1/2, R 1/3, F1 2/5; en fp 1 -> 0.
"""
from __future__ import annotations

import json

import pytest

from plea.annotate.evaluate import evaluate_file, format_report, load_gold, predict, score

from .conftest import FIXTURES

GOLD = FIXTURES / "tagging" / "mini-gold.jsonl"
PREDICTED = {"u1": {"subjects.court", "behavior.recording"}, "u2": set(), "u3": {"scope.charge"}}


@pytest.fixture(scope="module")
def report():
    return score(load_gold(GOLD), PREDICTED)


def test_micro(report) -> None:
    m = report.micro
    assert (m.tp, m.fp, m.fn) == (1, 2, 2)
    assert m.precision == pytest.approx(1 / 3)
    assert m.recall == pytest.approx(1 / 3)
    assert m.f1 == pytest.approx(1 / 3)


def test_macro(report) -> None:
    assert report.macro.codes == 3
    assert report.macro.precision == pytest.approx(1 / 3)
    assert report.macro.recall == pytest.approx(1 / 6)
    assert report.macro.f1 == pytest.approx(2 / 9)


def test_per_code_dimension_language(report) -> None:
    court = report.per_code["subjects.court"]
    assert (court.precision, court.recall) == (1.0, 0.5)
    assert court.f1 == pytest.approx(2 / 3)
    assert report.per_code["behavior.recording"].recall == 0.0
    assert report.per_code["scope.charge"].f1 == 0.0
    assert report.per_dimension["subjects"].f1 == pytest.approx(2 / 3)
    assert (report.per_dimension["scope"].fp, report.per_dimension["scope"].fn) == (1, 1)
    zh = report.per_language["zh"]
    assert (zh.tp, zh.fp, zh.fn) == (1, 1, 2)
    assert zh.f1 == pytest.approx(2 / 5)
    assert report.per_language["en"].f1 == 0.0


def test_confusion_listing(report) -> None:
    errors = {e.id: e for e in report.errors}
    assert errors["u1"].false_positives == ("behavior.recording",)
    assert errors["u1"].misses == ("scope.charge",)
    assert errors["u2"].misses == ("subjects.court",)
    assert errors["u3"].false_positives == ("scope.charge",)
    text = format_report(report)
    assert "micro" in text and "P 0.333" in text
    assert "u1 [zh] 人民法院应当审查量刑建议。" in text
    assert "misses:          scope.charge" in text
    assert json.loads(json.dumps(report.as_dict()))["micro"]["tp"] == 1


def test_perfect_and_empty() -> None:
    gold = load_gold(GOLD)
    perfect = score(gold, {u.id: u.codes for u in gold})
    assert perfect.micro.f1 == 1.0 and perfect.macro.f1 == 1.0 and not perfect.errors
    nothing = score(gold, {})
    assert nothing.micro.precision == 0.0 and nothing.micro.recall == 0.0


def test_bad_gold_line(tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "lang": "en", "text": "x", "codes": []}\n{"id": "b"}\n')
    with pytest.raises(ValueError, match="bad.jsonl:2"):
        load_gold(bad)


def test_evaluate_file_runs_the_tagger() -> None:
    # the plumbing, with the rule tagger (the default's own figures come from --cv)
    from plea.annotate.taggers import get_tagger
    report = evaluate_file(GOLD, get_tagger("rule"))
    assert report.units == 3
    predicted = predict(load_gold(GOLD), get_tagger("rule"))
    assert predicted["u3"] == set()
    assert "subjects.court" in predicted["u2"]
