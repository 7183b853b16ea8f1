"""The learned tagger's training arithmetic: held-out scores without refitting, the
"any code" gate, and a model file that keeps it."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

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


@pytest.mark.parametrize("rows", [np.arange(40), np.arange(0, 40, 2), np.arange(5, 23)])
def test_scores_of_a_ridge_on_some_rows_equal_refitting_without_each_group(rows):
    # the code classifiers are fitted on the coded units and score every unit: each unit's
    # score must be the one of a ridge refitted on those rows less the unit's group
    rng = np.random.default_rng(1)
    x = sp.csr_matrix(rng.normal(size=(40, 7)))
    y = (rng.random((40, 3)) > 0.6).astype(float)
    groups = np.repeat(np.arange(8), 5)
    fast = training.held_out_rows(x, rows, y[rows], groups, 1.0)
    k = training.kernel(x)
    for g in range(8):
        test = np.flatnonzero(groups == g)
        rest = rows[groups[rows] != g]
        alpha = np.linalg.solve(k[np.ix_(rest, rest)] + np.eye(len(rest)), y[rest])
        np.testing.assert_allclose(fast[test], k[np.ix_(test, rest)] @ alpha, atol=1e-9)


def _oof(scores, gate_scores, targets, folds):
    units = [TrainingUnit(f"u{i}", f, f, "de", "", "t") for i, f in enumerate(folds)]
    return training.OutOfFold("de", units, ["a", "b"], np.asarray(scores, np.float32),
                              np.asarray(gate_scores, np.float32), list(folds), {},
                              np.asarray(targets, float))


def test_a_fold_chooses_its_gate_and_thresholds_without_its_own_labels():
    rng = np.random.default_rng(2)
    folds = [f"d{i % 6}" for i in range(60)]
    scores, gates = rng.random((60, 2)), rng.random(60)
    targets = (rng.random((60, 2)) > 0.5).astype(float)
    _, before = training.choices(_oof(scores, gates, targets, folds))
    flipped = targets.copy()
    mine = [i for i, f in enumerate(folds) if f == "d0"]
    flipped[mine] = 1 - flipped[mine]             # the fold's own labels changed
    _, after = training.choices(_oof(scores, gates, flipped, folds))
    assert after["d0"].gate == before["d0"].gate
    np.testing.assert_array_equal(after["d0"].thresholds, before["d0"].thresholds)
    assert any(after[f].f1 != before[f].f1 for f in ("d1", "d2", "d3", "d4", "d5"))


def test_a_folds_own_labels_move_the_overall_gate_but_not_its_own():
    # d0's ten units have gate scores of 0.42: uncoded, a gate of 0.45 keeps them out;
    # coded, a gate of 0.35 lets them in. The other folds separate at any gate (a tie:
    # the lowest), so d0's own choice is 0.35 whatever its labels say
    folds = ["d0"] * 10 + [f"d{1 + i % 5}" for i in range(40)]
    scores = np.array([[0.9, 0.0]] * 50)
    gates = np.array([0.42] * 10 + [0.9, 0.3] * 20)
    targets = np.array([[0, 0]] * 10 + [[1, 0], [0, 0]] * 20)
    overall, per_fold = training.choices(_oof(scores, gates, targets, folds))
    assert overall.gate == 0.45 and per_fold["d0"].gate == 0.35
    targets[:10, 0] = 1
    overall, per_fold = training.choices(_oof(scores, gates, targets, folds))
    assert overall.gate == 0.35 and per_fold["d0"].gate == 0.35


def test_the_gate_chosen_is_the_one_that_separates_plea_context():
    # units 0-9 carry code a and score high on the gate; 10-19 carry nothing, with gate
    # scores 0.42-0.48 and code scores as high: only a gate of 0.5 or more keeps them out
    scores = np.array([[0.9, 0.0]] * 20)
    gates = np.array([0.9] * 10 + [0.42, 0.44, 0.46, 0.48] * 2 + [0.42, 0.44])
    targets = np.array([[1, 0]] * 10 + [[0, 0]] * 10)
    overall, _ = training.choices(_oof(scores, gates, targets, [f"d{i}" for i in range(20)]))
    assert overall.gate == 0.5 and overall.f1 == pytest.approx(1.0)
    assert overall.thresholds[0] <= 0.9
    assert overall.thresholds[1] == training.DEFAULT_THRESHOLD     # code b has no positives


@pytest.mark.parametrize("codes,gate", [([], 0.0), (["scope.sentence"], 1.0),
                                        (["scope.sentence", "subjects.court"], 1.0)])
def test_the_gate_target_is_whether_a_unit_carries_any_code(codes, gate):
    unit = TrainingUnit("u", "d", "d", "en", "", "text", labels=[Label(c) for c in codes])
    targets = training.targets([unit], ["scope.sentence", "subjects.court"])
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


def _court_units(context: str | None = None) -> list[TrainingUnit]:
    """The German units, one document each, coded subjects.court where they speak of a
    Verständigung (verständigen)."""
    return [TrainingUnit(f"u{i}", f"d{i}", f"d{i}", "de", "", text, context=context,
                         labels=[Label("subjects.court")] * ("erständig" in text))
            for i, text in enumerate(DE)]


def _fit(units: list[TrainingUnit], monkeypatch) -> LanguageModel:
    monkeypatch.setattr(training, "MIN_POSITIVES", 1)     # a code with one positive unit
    return training.fit_language(units, "de")


def test_a_trained_model_keeps_its_gate_through_its_file(tmp_path, monkeypatch):
    model = _fit(_court_units(context="Hauptverhandlung"), monkeypatch)
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


def test_the_code_classifiers_learn_from_the_coded_units_and_the_gate_from_all(monkeypatch):
    units = sorted(_court_units(), key=lambda u: u.id)
    model = _fit(units, monkeypatch)
    _, x = training.featurize(units, "de")
    y = np.array([[float(bool(u.codes))] for u in units])
    assert y.sum() == 3                        # three of the five units speak of one
    coded = np.flatnonzero(y[:, 0] > 0)
    weights, bias = training.primal(x[coded], training.solve(training.kernel(x[coded]), y[coded], 1.0))
    np.testing.assert_allclose(model.weights, weights, atol=1e-3)
    np.testing.assert_allclose(model.bias, bias, atol=1e-5)
    gate, gate_bias = training.primal(x, training.solve(training.kernel(x), y, 1.0))
    np.testing.assert_allclose(model.gate[0], gate[0], atol=1e-3)
    assert model.gate[1] == pytest.approx(float(gate_bias[0]), abs=1e-5)
