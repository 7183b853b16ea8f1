"""The learned tagger's training arithmetic: held-out scores without refitting, the
"any code" gate, and a model file that keeps it."""
from __future__ import annotations

import numpy as np
import pytest

from plea.annotate.taggers.learned import LanguageModel
from plea.annotate.training import train as training
from plea.annotate.training.data import TrainingUnit, Label


def test_held_out_scores_equal_refitting_without_each_group():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 7))
    k = x @ x.T + 1.0
    y = (rng.random((40, 3)) > 0.6).astype(float)
    groups = np.repeat(np.arange(8), 5)
    fast = training.held_out(k, y, groups, 1.0)
    for g in range(8):
        test, rest = groups == g, groups != g
        alpha = np.linalg.solve(k[np.ix_(rest, rest)] + np.eye(rest.sum()), y[rest])
        np.testing.assert_allclose(fast[test], k[np.ix_(test, rest)] @ alpha, atol=1e-9)


@pytest.mark.parametrize("codes,gate", [([], 0.0), (["scope.sentence"], 1.0),
                                        (["scope.sentence", "subjects.court"], 1.0)])
def test_the_gate_target_is_whether_a_unit_carries_any_code(codes, gate):
    unit = TrainingUnit("u", "d", "d", "en", "", "text", labels=[Label(c) for c in codes])
    targets = training._targets([unit], ["scope.sentence", "subjects.court"])
    assert training.with_gate(targets)[0, -1] == gate


def test_codes_below_the_gate_are_zeroed():
    scores = np.array([[0.9, 0.2], [0.9, 0.7]])
    gated = training.apply_gate(scores, np.array([0.39, 0.41]), threshold=0.4)
    assert gated.tolist() == [[0.0, 0.0], [0.9, 0.7]]


DE = ["Das Gericht kann sich mit den Verfahrensbeteiligten verständigen.",
      "Der Angeklagte hat das letzte Wort.",
      "Die Verständigung ist im Protokoll festzuhalten.",
      "Die Kriminalpolizei sichert die Spuren am Tatort.",
      "Ein Geständnis soll Bestandteil jeder Verständigung sein."]


def test_a_trained_model_keeps_its_gate_through_its_file(tmp_path):
    units = [TrainingUnit(f"u{i}", f"d{i}", f"d{i}", "de", "", text, context="Hauptverhandlung",
                          labels=[Label("subjects.court")] * ("Verständigung" in text
                                                              or "verständigen" in text))
             for i, text in enumerate(DE)]
    old = training.MIN_POSITIVES
    training.MIN_POSITIVES = 1
    try:
        model = training.fit_language(units, "de")
    finally:
        training.MIN_POSITIVES = old
    assert model.gate is not None and model.gate[2] == training.GATE
    model.save(tmp_path / "de.npz")
    again = LanguageModel.load(tmp_path / "de.npz")
    assert again.gate is not None and again.gate[1:] == pytest.approx(model.gate[1:])
    np.testing.assert_allclose(again.gate[0], model.gate[0], atol=1e-3)


def test_cross_validation_reports_every_tagger_per_origin():
    from plea.annotate.training.cv import cross_validate, format_cv
    from plea.annotate.training.data import written_units
    units = [u for u in written_units() if u.lang == "de"]
    docs = sorted({u.doc for u in units})[:6]
    units = [u for u in units if u.doc in docs]
    for u in [u for u in units if not u.codes][:5]:
        u.origin = "presumed"                  # as corpus units presumed empty are
    result = cross_validate(units, by="document")
    assert result.folds == len(docs)
    assert set(result.by_origin) == {"keyword", "rule", "learned", "combined", "combined-build"}
    assert set(result.by_origin["combined"]) == {"written", "presumed"}
    text = format_cv(result)
    assert "micro F1 per origin" in text and f"{len(units)} units, {len(docs)} folds" in text
