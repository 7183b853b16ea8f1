"""The learning curve: draws of documents, nothing read of the documents not drawn, and
share 1 the cross-validated learned tagger itself."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from plea.annotate.training import curve, train as training
from plea.annotate.training.data import written_units

GROUPS = np.array(["a", "a", "b", "c", "c", "c", "d", "e", "e", "f"])


@pytest.mark.parametrize("share, groups_drawn", [(1.0, 6), (0.5, 3), (0.34, 2), (0.01, 2)])
def test_a_share_draws_whole_documents(share, groups_drawn):
    rows = curve.drawn_rows(GROUPS, share, seed=4)
    drawn = set(GROUPS[rows])
    assert len(drawn) == groups_drawn
    # every unit of a drawn document, none of the others
    assert list(rows) == [i for i, g in enumerate(GROUPS) if g in drawn]


def test_the_same_seed_draws_the_same_documents_and_others_differ():
    assert np.array_equal(curve.drawn_rows(GROUPS, 0.5, 2), curve.drawn_rows(GROUPS, 0.5, 2))
    assert len({tuple(curve.drawn_rows(GROUPS, 0.5, seed)) for seed in range(6)}) > 1


@pytest.fixture(scope="module")
def german():
    """Eight of the written German documents (labels and texts in the repository)."""
    units = [u for u in written_units() if u.lang == "de"]
    docs = sorted({u.doc for u in units})[:8]
    return [u for u in units if u.doc in docs]


def test_share_one_is_the_learned_tagger_of_cross_validation(german):
    lang = curve.prepare(german)["de"]
    mine = curve.predict_share(lang, np.arange(len(lang.units)))
    oof = training.out_of_fold(german, "de", rules=training.rule_codes(german))
    assert mine == training.oof_codes(oof)
    assert any(mine.values())                  # not a vacuous equality of empty sets


def test_the_labels_of_documents_not_drawn_are_never_read(german):
    lang = curve.prepare(german)["de"]
    rows = curve.drawn_rows(lang.groups, 0.5, seed=1)
    before = curve.predict_share(lang, rows)
    others = np.setdiff1d(np.arange(len(lang.units)), rows)
    flipped = lang.y.copy()
    flipped[others] = 1 - flipped[others]      # every label of the undrawn units turned over
    after = curve.predict_share(replace(lang, y=flipped), rows)
    assert after == before
    # and the drawn units' labels are read: turning them over changes the codes
    flipped = lang.y.copy()
    flipped[rows] = 1 - flipped[rows]
    assert curve.predict_share(replace(lang, y=flipped), rows) != before


def test_the_curve_has_a_row_a_share_and_draws_below_one(german):
    points = curve.learning_curve(german, shares=(0.5, 1.0), seeds=2)
    assert [(p.share, p.seed) for p in points] == [(0.5, 0), (0.5, 1), (1.0, 0)]
    assert points[-1].training_units == len(german)
    assert all(p.training_units < len(german) for p in points[:2])
    text = curve.format_curve(points)
    rows = [line.split() for line in text.splitlines() if line.strip()[:1].isdigit()]
    assert [r[:2] for r in rows] == [["0.5", "2"], ["1", "1"]]
