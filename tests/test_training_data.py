"""The learned tagger's training data: provenance, size, balance, and a model that
matches it. The texts stay in ../shared; these tests read them through the labels."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from plea.annotate.taxonomy import load_taxonomy
from plea.annotate.taggers.learned import MODEL_DIR, model_meta
from plea.annotate.training import data as training
from plea.annotate.training.convert import evaluation_only_names
from plea.annotate.training.textref import TextRefError, unit_text

ROOT = Path(__file__).resolve().parents[1]
TEXTS = training.texts_root()
needs_texts = pytest.mark.skipif(TEXTS is None, reason="../shared/training-texts not present")

# Kept for measuring generalisation (the tagging issue): never a source of training units.
EVALUATION_ONLY = evaluation_only_names()


@pytest.fixture(scope="module")
def units():
    if TEXTS is None:
        pytest.skip("../shared/training-texts not present")
    return training.text_label_units(TEXTS) + training.written_units()


@needs_texts
def test_every_text_label_resolves_to_the_text_it_was_made_on(units):
    texts = [u for u in units if u.origin == "texts"]
    assert len(texts) >= 1500
    for u in texts:
        for label in u.labels:
            if label.start is not None:
                assert 0 <= label.start < label.end <= len(u.text)


@needs_texts
def test_a_label_on_changed_text_is_an_error_naming_it():
    with pytest.raises(TextRefError, match="text changed"):
        unit_text(TEXTS, "de/de-btmg-betaeubungsmittelgesetz.md", "", 0, 40, "000000000000")
    with pytest.raises(TextRefError, match="no such file"):
        unit_text(TEXTS, "../corpus/SOURCES.md", "", 0, 10)


def test_written_units_carry_codes_of_the_codebook_and_evidence_inside_them():
    taxonomy = load_taxonomy()
    for u in training.written_units():
        for label in u.labels:
            assert label.code in taxonomy, (u.id, label.code)
            assert label.modality in taxonomy.modalities
            if label.code.startswith("subjects."):
                assert label.role in taxonomy.roles, (u.id, label)


@needs_texts
def test_written_units_repeat_no_source_text(built_db):
    """Our own words: no written unit repeats a statute of the corpus or a training text
    (the check ``convert.py`` applies to every new line)."""
    import sqlite_utils
    from plea.annotate.training.copies import source_runs
    runs = source_runs(TEXTS, sqlite_utils.Database(built_db))
    assert runs.sources > 20000
    copied = [u.id for u in training.written_units() if runs.problem(u.text, u.lang)]
    assert copied == []


def test_written_units_stay_off_the_evaluation_only_documents():
    for u in training.written_units():
        assert not any(name in u.text for name in EVALUATION_ONLY), u.id


@needs_texts
def test_the_training_set_is_large_and_balanced_enough(units):
    # the reference coding adds ~700 corpus units at training time (needs a built database)
    by_lang = Counter(u.lang for u in units)
    assert len(units) >= 3000 and min(by_lang.values()) >= 800, by_lang
    assert len({u.doc for u in units}) >= 40
    positives = Counter(c for u in units for c in u.codes)
    assert set(positives) == set(load_taxonomy().code_ids)
    assert min(positives.values()) >= 30, positives.most_common()[-5:]
    empty = sum(1 for u in units if not u.codes) / len(units)
    assert 0.25 <= empty <= 0.5


def test_the_shipped_model_was_trained_on_the_current_data():
    meta = model_meta()
    if not meta:
        pytest.skip(f"no model in {MODEL_DIR}")
    assert meta["data_hash"] == training.data_hash(), "training data changed: run `plea train`"


def test_training_is_deterministic(units):
    from plea.annotate.training.train import fit_language
    sample = [u for u in units if u.lang == "de"][:300]
    a, b = fit_language(sample, "de"), fit_language(sample, "de")
    assert a.codes == b.codes
    assert (a.weights == b.weights).all() and (a.bias == b.bias).all()
