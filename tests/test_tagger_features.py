"""The learned tagger's own transform gives scikit-learn's numbers, bit for bit (the model
was fitted with scikit-learn's; the own transform only counts the terms faster)."""
from __future__ import annotations

import numpy as np
import pytest

from plea.annotate.taggers.features import Featurizer, lead_text, normalise
from plea.annotate.taggers.learned import load_models

FIT = [
    "Das Gericht kann sich mit den Verfahrensbeteiligten über den weiteren Fortgang verständigen.",
    "Die Staatsanwaltschaft kann mit Zustimmung des Gerichts von der Erhebung der Klage absehen.",
    "The court must not participate in these discussions.",
    "A plea agreement may specify that the government will not bring other charges.",
]

CASES = [
    ("words seen in fitting", "Das Gericht kann sich verständigen."),
    ("words never seen", "Xyzzy quux frobnicate."),
    ("a word shorter than the n-grams", "a b c"),
    ("a word repeated", "Gericht Gericht Gericht Gericht"),
    ("runs of white space", "Die   Staatsanwaltschaft\n\n kann\tabsehen"),
    ("empty", ""),
]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_own_transform_equals_scikit_learns(lang):
    featurizer = Featurizer.fit(lang, FIT, [""] * len(FIT), min_df=1)
    body = featurizer.blocks[0]
    assert body.analyzer == "char_wb"
    texts = [normalise(t, lang) for _, t in CASES]
    ours = body.transform(texts).toarray()
    theirs = body.vectorizer.transform(texts).toarray()
    np.testing.assert_array_equal(ours, theirs)
    again = body.transform(texts).toarray()          # from the word cache
    np.testing.assert_array_equal(ours, again)


def _same(ours, theirs) -> None:
    """Equal as stored: the same columns in the same order and the same float32 bits."""
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours.indptr, theirs.indptr)
    np.testing.assert_array_equal(ours.indices, theirs.indices)
    assert ours.data.dtype == theirs.data.dtype == np.float32
    np.testing.assert_array_equal(ours.data.view(np.uint32), theirs.data.view(np.uint32))


@pytest.mark.parametrize("lang", ["zh", "en", "de"])
def test_shipped_model_features_equal_scikit_learns_on_corpus_units(built_db, lang):
    """Every block of the shipped model (char, char_wb and word analyzers), on the units
    the build tags and their lead-ins, in the batches the tagger uses."""
    import sqlite_utils

    from plea.annotate.stage import read_units

    units = [u for u in read_units(sqlite_utils.Database(built_db)) if u.lang == lang]
    assert units
    featurizer = load_models()[lang].featurizer
    bodies = [normalise(u.text, lang) for u in units]
    leads = [normalise(lead_text(u.context, u.heading), lang) for u in units]
    for block in featurizer.blocks:
        texts = leads if block.name == "lead" else bodies
        for at in range(0, len(texts), 2048):
            batch = texts[at:at + 2048]
            _same(block.transform(batch), block.vectorizer.transform(batch))
