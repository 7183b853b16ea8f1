"""The rule cues' reading of a span's modality, the features the modality head reads.

Each row: a text, the words whose modality is asked, and the modality a reader gives
them (labelling rule 11); the reading is the first block of the feature row.
"""
import numpy as np
import pytest

from plea.annotate.taggers.learned import load_models
from plea.annotate.taggers.modal_cues import CLASSES, WIDTH, cue_features

ROWS = [
    # the cue in the span's own clause governs it, not one of another clause
    ("en", "The attorney for the government may recommend a sentence, and the court shall "
           "inform the defendant of the recommendation.", "inform", "obligation"),
    ("en", "The attorney for the government may recommend a sentence, and the court shall "
           "inform the defendant of the recommendation.", "recommend", "permission"),
    ("en", "The court must not participate in these discussions.", "participate", "prohibition"),
    # "shall generally": a presumptive duty (CPL 201)
    ("zh", "对于认罪认罚案件，人民法院依法作出判决时，一般应当采纳人民检察院指控的罪名和量刑建议。",
     "采纳", "presumptive"),
    # an exception in the sentence turns the duty into a presumptive one
    ("zh", "人民法院应当采纳量刑建议，但被告人的行为不构成犯罪的除外。", "采纳", "presumptive"),
    ("zh", "被告人不得因认罪认罚而被强迫作出有罪供述。", "强迫", "prohibition"),
    ("de", "Das Gericht kann sich mit den Verfahrensbeteiligten über den weiteren Fortgang "
           "des Verfahrens verständigen.", "verständigen", "permission"),
    ("de", "Gegenstand dieser Verständigung darf der Schuldspruch nicht sein.", "Schuldspruch",
     "prohibition"),
    # no cue anywhere in the sentence: nothing to read
    ("en", "The defendant pleaded guilty to count one.", "pleaded", "none"),
]


@pytest.mark.parametrize("lang,text,words,expected", ROWS)
def test_the_reading_of_a_span(lang, text, words, expected):
    start = text.index(words)
    row = cue_features([(text, start, start + len(words))], lang)[0]
    assert row.shape == (WIDTH,)
    assert CLASSES[int(row[:len(CLASSES)].argmax())] == expected
    assert row[:len(CLASSES)].sum() == 1 and row[len(CLASSES):2 * len(CLASSES)].sum() == 1


def test_rows_of_one_text_read_apart():
    text = ROWS[0][1]
    spans = [(text, text.index(w), text.index(w) + len(w)) for w in ("recommend", "inform")]
    got = cue_features(spans, "en")
    assert [CLASSES[int(r[:len(CLASSES)].argmax())] for r in got] == ["permission", "obligation"]


def test_the_shipped_modality_heads_read_the_cues():
    for lang, model in load_models().items():
        assert model.modality is not None and model.modality.cues == WIDTH, lang
        codes = len(model.modality.codes)
        assert model.modality.weights.shape[1] == model.weights.shape[1] + codes + WIDTH
        # the cue block is used: its weights are not all zero
        assert np.abs(model.modality.weights[:, -WIDTH:]).sum() > 0
