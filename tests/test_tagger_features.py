"""The learned tagger's own character n-gram transform gives scikit-learn's numbers
(the model was fitted with scikit-learn's; the own transform only caches words)."""
from __future__ import annotations

import numpy as np
import pytest

from plea.annotate.taggers.features import Featurizer, normalise

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
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    again = body.transform(texts).toarray()          # from the word cache
    np.testing.assert_array_equal(ours, again)
