"""Taggers chosen by name: the seam every tagger plugs into, and each one's contract."""
from __future__ import annotations

import pytest

from plea.annotate.taggers import DEFAULT, REGISTRY, TaggingError, Unit, get_tagger, tagger_class
from plea.annotate.taggers.base import BaseTagger
from plea.annotate.taggers.learned import load_models

HAVE_MODEL = bool(load_models())

SAMPLES = [
    Unit("被告人认罪认罚的，可以依法从宽处理。", "zh"),
    Unit("The court must not participate in these discussions.", "en",
         context="An attorney for the government and the defendant's attorney may discuss "
                 "and reach a plea agreement."),
    Unit("Das Gericht kann sich in geeigneten Fällen mit den Verfahrensbeteiligten über den "
         "weiteren Fortgang und das Ergebnis des Verfahrens verständigen.", "de"),
    Unit("对于管辖权有争议的，由争议的人民法院协商解决。", "zh"),
]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_registered_tagger_honours_the_contract(name):
    if name in ("learned",) and not HAVE_MODEL:
        pytest.skip("no trained model shipped")
    tagger = get_tagger(name)
    assert isinstance(tagger, BaseTagger) and tagger.name == name
    for unit, tags in zip(SAMPLES, tagger.tag_many(SAMPLES)):
        for t in tags:
            assert t.code in tagger.taxonomy
            assert 0 <= t.start <= t.end <= len(unit.text)
            assert unit.text[t.start:t.end] == t.text
            assert (t.role is not None) == t.code.startswith("subjects.") or name == "keyword"
            assert t.modality in tagger.taxonomy.modalities
            assert t.method == name
            assert 0.0 <= t.confidence <= 1.0


def test_unknown_tagger_is_a_clear_error():
    with pytest.raises(TaggingError, match="unknown tagger 'neural'"):
        tagger_class("neural")


def test_the_default_is_the_combination():
    assert DEFAULT == "combined" and get_tagger().name == "combined"


def test_keyword_baseline_fires_on_words_without_context():
    # the baseline's weakness, on purpose: 协商 of courts agreeing on jurisdiction
    codes = get_tagger("keyword").codes("对于管辖权有争议的，由争议的人民法院协商解决。", "zh")
    assert "behavior.consultation" in codes


@pytest.mark.skipif(not HAVE_MODEL, reason="no trained model shipped")
def test_combined_tags_a_plea_rule_and_not_its_false_friend():
    tagger = get_tagger("combined")
    plea, friend = list(tagger.tag_many([SAMPLES[0], SAMPLES[3]]))
    assert "consequences.leniency" in {t.code for t in plea}
    assert friend == []


def test_a_tagger_without_model_files_falls_back_to_rules(tmp_path):
    from plea.annotate.taggers.combined import CombinedTagger
    from plea.annotate.taggers.learned import LearnedTagger
    tagger = CombinedTagger(learned=LearnedTagger(models={}), meta={})
    tags = tagger.tag("被告人认罪认罚的，可以依法从宽处理。", "zh")
    assert {t.method for t in tags} == {"combined"}
    assert {t.code for t in tags} == get_tagger("rule").codes("被告人认罪认罚的，可以依法从宽处理。", "zh")


def test_the_cli_names_are_the_registry():
    from plea.options import TAGGER_NAMES
    assert set(TAGGER_NAMES) == set(REGISTRY)


@pytest.mark.parametrize("command", ["tag", "eval", "build"])
def test_the_cli_offers_every_registered_tagger(command):
    from click.testing import CliRunner
    from plea.cli import cli
    help_text = CliRunner().invoke(cli, [command, "--help"], terminal_width=200).output
    assert "--tagger" in help_text
    assert all(name in help_text for name in REGISTRY), help_text


# Several rule hits for one code: the combination keeps the one where the model finds the
# code. Expected values read off the sentence (CPL art. 201 in paraphrase: "shall generally
# adopt" is the presumptive effect on the court).
NEAREST = [
    ("zh", "人民法院依法作出判决时，对于人民检察院指控的罪名和量刑建议，一般应当采纳。",
     "consequences.court_effect", "采纳", "presumptive"),
]


@pytest.mark.parametrize("lang, text, code, inside, modality", NEAREST)
def test_of_several_rule_hits_the_one_the_model_points_at(lang, text, code, inside, modality):
    [found] = list(get_tagger("combined").tag_many([Unit(text=text, lang=lang)]))
    tags = [t for t in found if t.code == code]
    assert len(tags) == 1
    assert text[tags[0].start:tags[0].end] in "一般应当采纳" and inside in text[tags[0].start:tags[0].end]
    assert tags[0].modality == modality


def test_nearest_hit_prefers_overlap_then_distance():
    from plea.annotate.taggers.base import Tag
    from plea.annotate.taggers.combined import _nearest
    a = Tag("x.y", "x", 4, 10, "a", None, "none", "rule", "r", 0.8)
    b = Tag("x.y", "x", 34, 36, "b", None, "none", "rule", "r", 0.8)
    assert _nearest([a, b], 30, 36) is b          # overlaps the model's span
    assert _nearest([a, b], 12, 14) is a          # closer to it
    assert _nearest([a, b], 22, 22) is a          # 12 from each: a tie keeps the first


# The force of an agreement on the court, as labelling rule 11 states it for these very
# provisions: binding once accepted (Rule 11(c)(1)(C)), not binding (11(c)(1)(B)), the
# binding falls away (StPO § 257c(4)).
BINDING = [
    ("en", "such a recommendation or request binds the court once the court accepts the plea "
           "agreement.", "obligation"),
    ("en", "The plea agreement may specify that an attorney for the government will recommend "
           "that a particular sentence is appropriate; such a recommendation or request does "
           "not bind the court.", "permission"),
    ("de", "Die Bindung des Gerichtes an eine Verständigung entfällt, wenn rechtlich oder "
           "tatsächlich bedeutsame Umstände übersehen worden sind.", "permission"),
]


@pytest.mark.parametrize("name", ["rule", "combined"])
@pytest.mark.parametrize("lang, text, modality", BINDING)
def test_the_binding_effect_on_the_court(name, lang, text, modality):
    [found] = list(get_tagger(name).tag_many([Unit(text=text, lang=lang)]))
    effects = {t.modality for t in found if t.code == "consequences.court_effect"}
    assert effects == {modality}


# The binding cues (``binding`` in the pattern files) decide court effect's modality in the
# combined tagger; a unit that contrasts a binding and a non-binding agreement decides nothing.
BINDING_CUES = [
    ("en", BINDING[0][1], "obligation"),
    ("en", BINDING[1][1], "permission"),
    ("de", BINDING[2][1], "permission"),
    ("en", "A recommendation under (B) does not bind the court, while an agreed sentence under "
           "(C) binds the court once accepted.", None),
    ("en", "The court must advise the defendant personally.", None),
]


@pytest.mark.parametrize("lang, text, expected", BINDING_CUES)
def test_binding_cues_state_one_modality(lang, text, expected):
    from plea.annotate.taggers.combined import _binding
    assert _binding(lang, text) == expected


def test_learned_evidence_is_a_clause_of_the_unit_not_the_whole():
    """A code the rules did not find gets the clause around the unit's strongest n-gram
    or word for it — never the rule columns or the lead-in, which are not in the text."""
    if not HAVE_MODEL:
        pytest.skip("no trained model shipped")
    text = ("An attorney for the government and the defendant's attorney, or the defendant "
            "when proceeding pro se, may discuss and reach a plea agreement. The court must "
            "not participate in these discussions.")          # FRCrP 11(c)(1)
    tags = get_tagger("learned").tag(text, "en")
    assert tags
    for t in tags:
        assert 0 < t.end - t.start < len(text), (t.code, t.text)
