"""The tagger on hand-written cases (tests/fixtures/tagging/cases.yaml) and on the dev gold."""
from __future__ import annotations

import subprocess
import sys

import pytest
import spacy
import yaml

from plea.corpus.vocab import detect_language, normalise_lang
from plea.annotate.pipelines import get_pipeline
from plea.annotate.tagger import Tagger, TaggingError, format_tags

from .conftest import FIXTURES, ROOT

CASES = yaml.safe_load((FIXTURES / "tagging" / "cases.yaml").read_text(encoding="utf-8"))
DEV_GOLD = ROOT.parent / "shared" / "gold" / "dev-tags.jsonl"


@pytest.fixture(scope="session")
def tagger() -> Tagger:
    return Tagger()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(tagger: Tagger, case: dict) -> None:
    tags = tagger.tag(case["text"], case.get("lang"), context=case.get("context"),
                      heading=case.get("heading"))
    assert {t.code for t in tags} == set(case["codes"])
    for code, role in (case.get("roles") or {}).items():
        assert role in {t.role for t in tags if t.code == code}, (code, tags)
    for code, modality in (case.get("modality") or {}).items():
        assert {t.modality for t in tags if t.code == code} == {modality}, (code, tags)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_evidence_spans(tagger: Tagger, case: dict) -> None:
    text = case["text"]
    for t in tagger.tag(text, case.get("lang")):
        assert text[t.start:t.end] == t.text and t.start < t.end
        assert t.dimension == t.code.split(".")[0]
        assert (t.role is not None) == t.code.startswith("subjects.")
        assert t.method == "rule" and t.rule_id and 0 < t.confidence <= 1


def test_traditional_evidence_keeps_script(tagger: Tagger) -> None:
    tags = tagger.tag("被告得於判決前撤回協商之合意。", "zh")
    assert "被告" in {t.text for t in tags}


def test_lead_in_gives_context(tagger: Tagger) -> None:
    item = "涉嫌的犯罪事实、罪名及适用的法律规定；"
    assert tagger.codes(item, "zh") == set()
    lead = "犯罪嫌疑人认罪认罚的，检察机关应当就下列事项听取其意见："
    assert tagger.codes(item, "zh", context=lead) == {"scope.facts", "scope.charge"}


def test_heading_gives_context_only(tagger: Tagger) -> None:
    text = "The court may accept the agreement or reject it."
    assert tagger.codes(text, "en") == set()
    codes = tagger.codes(text, "en", heading="Plea Agreement Procedure")
    assert {"subjects.court", "consequences.court_effect", "consequences.judicial_review"} <= codes


def test_scholarship_is_descriptive(tagger: Tagger) -> None:
    describes = "The court must not participate in plea discussions in that system."
    assert {t.modality for t in tagger.tag(describes, "en", kind="scholarship")} == {"none"}
    proposes = "Judges should not participate in plea negotiations."
    assert "obligation" in {t.modality for t in tagger.tag(proposes, "en", kind="scholarship")}


def test_unknown_language(tagger: Tagger) -> None:
    with pytest.raises(TaggingError, match="unknown language"):
        tagger.tag("Le tribunal ne participe pas.", "fr")
    with pytest.raises(TaggingError, match="detect"):
        tagger.tag("1234 § 5", None)


def test_language_detection() -> None:
    assert detect_language("人民法院应当告知被告人") == "zh"
    assert detect_language("法院應告知被告") == "zh"
    assert detect_language("The court must inform the defendant of the plea agreement.") == "en"
    assert detect_language("Das Gericht muss den Angeklagten über die Verständigung belehren.") == "de"
    assert normalise_lang("zh-Hant") == "zh" and normalise_lang("en-US") == "en"
    assert normalise_lang("fr") is None


def test_pipeline_components_and_spans() -> None:
    nlp = get_pipeline("zh")
    assert nlp.pipe_names == ["plea_context", "plea_subjects", "plea_modality", "plea_codes"]
    assert nlp.tokenizer.segmenter == "jieba"
    doc = nlp("犯罪嫌疑人认罪认罚的，人民检察院应当告知其享有的诉讼权利。")
    labels = {s.label_ for s in doc.spans["plea_tags"]}
    assert {"subjects.prosecutor", "behavior.rights_notice"} <= labels
    assert all(s._.plea["modality"] for s in doc.spans["plea_tags"])
    assert {s.label_ for s in doc.spans["plea_context"]} == {"plea"}
    assert {s.label_ for s in doc.spans["plea_modality"]} == {"obligation"}
    for name in ("plea_context", "plea_subjects", "plea_modality", "plea_codes"):
        assert spacy.language.Language.has_factory(name)


def test_user_dictionary_segments_both_scripts() -> None:
    nlp = get_pipeline("zh")
    assert "值班律师" in [t.text for t in nlp.make_doc("应当通知值班律师")]
    assert "值班律師" in [t.text for t in nlp.make_doc("應通知值班律師")]


def test_format_tags(tagger: Tagger) -> None:
    text = "被告人认罪认罚的，可以依法从宽处理。"
    out = format_tags(text, tagger.tag(text, "zh"))
    assert "consequences.leniency" in out and "permission" in out
    assert format_tags(text, []) == "(no codes)"


def test_start_up_is_silent() -> None:
    code = ("from plea.annotate.tagger import Tagger; t = Tagger(); "
            "[t.tag(s, l) for s, l in [('被告人认罪认罚的，可以从宽处理。', 'zh'), "
            "('A plea.', 'en'), ('Eine Verständigung.', 'de')]]")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and proc.stdout == ""


@pytest.mark.skipif(not DEV_GOLD.exists(), reason="../shared/gold is not beside this checkout")
def test_dev_gold_targets(tagger: Tagger) -> None:
    from plea.annotate.evaluate import evaluate_file
    report = evaluate_file(DEV_GOLD, tagger)
    assert report.micro.f1 >= 0.85
    assert min(d.f1 for d in report.per_dimension.values()) >= 0.75
