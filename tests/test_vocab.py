"""The vocabulary (corpus/vocab.py, corpus/vocab.yaml): one list of jurisdictions and
languages, one Han range, one language detector, one Traditional → Simplified
conversion — and a check that the source tree has no second one of any.

The expected languages are what a reader of each text would say it is written in.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from plea.corpus import vocab
from plea.annotate.refs import extract

ROOT = Path(__file__).resolve().parents[1]

# (text, language, BCP 47 tag, what the three old detectors said where they differed)
DETECTION = [
    # Chinese, either script
    ("人民法院应当告知被告人", "zh", "zh-Hans", ""),
    ("法院應告知被告", "zh", "zh-Hant", ""),
    ("刑事诉讼法", "zh", "zh-Hans", ""),
    ("刑事訴訟法", "zh", "zh-Hant", ""),
    ("第一百七十四条", "zh", "zh-Hans", ""),
    ("第一百七十四條", "zh", "zh-Hant", ""),
    ("法律", "zh", "zh-Hans", "written alike in both scripts: Simplified"),
    # mixed Chinese and Latin script
    ("依据Fed. R. Crim. P. 11(b)(1)审查", "zh", "zh-Hans",
     "tagger and refs: en (four Han characters against ten letters)"),
    ("根据Rule 11(c)(1)(C)，法院可以接受或者拒绝协议。", "zh", "zh-Hans", ""),
    ("德国《刑事诉讼法》第257c条", "zh", "zh-Hans", ""),
    ("The principle of 认罪认罚从宽 was introduced in 2018.", "en", "en",
     "web: zh-Hans (any Han character made it Chinese)"),
    # English and German
    ("The court must inform the defendant of the plea agreement.", "en", "en", ""),
    ("Das Gericht muss den Angeklagten über die Verständigung belehren.", "de", "de", ""),
    ("Under § 257c StPO, the court may reach an agreement with the parties.", "en", "en", ""),
    ("Die Verständigung nach § 257c StPO ist zulässig.", "de", "de", ""),
    ("§ 257c Abs. 2 StPO", "de", "de", "tagger: en (no cue word it knew)"),
    ("Abs. 2 Satz 1", "de", "de", "tagger and refs: en"),
    ("Strafprozeßordnung", "de", "de", "web: None (only Chinese was told)"),
    ("Übereinkunft", "de", "de", ""),
    ("die Unterbringung in einem psychiatrischen Krankenhaus,", "de", "de",
     "tagger: en (\"in\" counted for English)"),
    ("falsche uneidliche Aussage, Meineid und falsche Versicherung an Eides statt", "de", "de",
     "tagger: en (\"an\" counted for English)"),
    ("The defendant was in custody.", "en", "en", ""),
    # short strings
    ("plea", "en", "en", ""),
    ("Rule 11(c)(1)(C)", "en", "en", ""),
    ("協", "zh", "zh-Hant", ""),
    ("协", "zh", "zh-Hans", ""),
    # nothing to tell
    ("", None, None, ""),
    ("   ", None, None, "refs: en"),
    ("2018", None, None, "refs: en"),
    ("§§", None, None, "refs: en"),
    ("。，", None, None, "refs: en"),
]


@pytest.mark.parametrize("text,lang,tag,_old", DETECTION, ids=[c[0] or "empty" for c in DETECTION])
def test_detector(text: str, lang: str | None, tag: str | None, _old: str) -> None:
    assert vocab.detect_language(text) == lang
    assert vocab.language_tag(text) == tag


def test_the_reference_extractor_reads_the_detected_language() -> None:
    # The old extractor read this as English and missed the Chinese work; it now
    # reads Chinese with the English citation inside.
    refs = extract("依据Fed. R. Crim. P. 11(b)(1)审查")
    assert [(r.work, r.pinpoint) for r in refs] == [("us-frcrp", ["11", "b", "1"])]
    assert extract("§ 3553(a)") is not None          # no letters to tell: read as English


@pytest.mark.parametrize("value,lang", [
    ("zh", "zh"), ("zh-Hans", "zh"), ("zh-Hant", "zh"), ("zh_TW", "zh"), ("ZH-CN", "zh"),
    ("cmn", "zh"), ("en", "en"), ("en-US", "en"), ("eng", "en"), ("de", "de"),
    ("de-AT", "de"), ("deu", "de"), ("fr", None), ("", None), (None, None),
])
def test_normalise_lang(value: str | None, lang: str | None) -> None:
    assert vocab.normalise_lang(value) == lang


@pytest.mark.parametrize("lang,source_language,jurisdiction,tag", [
    ("zh", "zh-Hant", "TW", "zh-Hant"),
    ("zh", "zh-Hans", "CN", "zh-Hans"),
    ("zh", None, "TW", "zh-Hant"),
    ("zh", None, "CN", "zh-Hans"),
    ("zh", None, None, "zh-Hans"),
    ("de", "de", "DE", "de"),
    ("en", "zh-Hans", "CN", "en"),          # English scholarship on China
    (None, None, None, None),
])
def test_bcp47(lang, source_language, jurisdiction, tag) -> None:
    assert vocab.bcp47(lang, source_language, jurisdiction) == tag


@pytest.mark.parametrize("code,en,zh,de,family,language,native", [
    ("CN", "China", "中国", "China", "civil", "zh-Hans", "中国"),
    ("US", "United States", "美国", "Vereinigte Staaten", "common", "en", ""),
    ("DE", "Germany", "德国", "Deutschland", "civil", "de", "Deutschland"),
    ("TW", "Taiwan", "臺灣", "Taiwan", "civil", "zh-Hant", "臺灣"),
])
def test_jurisdictions(code, en, zh, de, family, language, native) -> None:
    j = vocab.jurisdiction(code)
    assert (j.name("en"), j.name("zh"), j.name("de")) == (en, zh, de)
    assert (j.family, j.language, j.native_name) == (family, language, native)
    assert vocab.jurisdiction_of_prefix(f"{code.lower()}-some-source") == code


def test_lists() -> None:
    assert vocab.compared_jurisdictions() == ("CN", "US", "DE", "TW")
    assert vocab.LANGUAGES == ("zh", "en", "de")
    assert vocab.language_tags() == ("zh-Hans", "zh-Hant", "en", "de")
    assert vocab.jurisdiction_name("XX") == "XX" and vocab.jurisdiction("xx") is None


@pytest.mark.parametrize("char,han", [
    ("协", True), ("㐀", True), ("豈", True), ("𠀀", True), ("。", False), ("a", False),
    ("ä", False), ("ア", False), ("", False),
])
def test_han(char: str, han: bool) -> None:
    assert vocab.is_han(char) is han


@pytest.mark.parametrize("text,simplified", [
    ("協商程序", "协商程序"), ("認罪認罰從寬", "认罪认罚从宽"), ("第二百零一條", "第二百零一条"),
    ("Rule 11 與 協商", "Rule 11 与 协商"), ("plea", "plea"), ("", ""),
])
def test_to_simplified_keeps_length(text: str, simplified: str) -> None:
    out = vocab.to_simplified(text)
    assert out == simplified and len(out) == len(text)


def test_schemas_list_the_vocabulary() -> None:
    # JSON Schemas are read by other tools too, so they keep their enums: equal to the
    # vocabulary's lists.
    sources = json.loads((ROOT / "schemas" / "sources.schema.json").read_text("utf-8"))
    works = json.loads((ROOT / "schemas" / "works.schema.json").read_text("utf-8"))
    patterns = json.loads((ROOT / "annotate" / "patterns" / "patterns.schema.json").read_text("utf-8"))
    text = json.dumps([sources, works, patterns])
    enums = [json.loads(m) for m in re.findall(r'"(?:jurisdiction|language|lang)": \{"enum": (\[[^]]*\])', text)]
    assert sorted(enums[0]) == sorted(vocab.jurisdiction_codes())
    assert enums[1] == list(vocab.language_tags())
    assert sorted(enums[2]) == sorted([*vocab.jurisdiction_codes(), "any"])
    assert enums[3] == list(vocab.LANGUAGES)


# -- one of each in the source tree ------------------------------------------------------

def _sources() -> list[tuple[str, int, str]]:
    """(path, line number, line) of the project's Python code, outside the vocabulary."""
    out = []
    for folder in ("corpus", "annotate", "plea", "schemas", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "corpus/vocab.py":
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                out.append((rel, n, line))
    return out


SOURCES = _sources()
CODES = ("CN", "US", "DE", "TW", "AT", "CA", "INT")
# A literal listing jurisdictions: two codes as quoted strings side by side in a tuple,
# list or set (a dict of settings per jurisdiction, {"TW": "taiwan", …}, is not a list).
JURISDICTION_LIST = re.compile(
    r"""["'](?:%s)["']\s*,\s*["'](?:%s)["']""" % ("|".join(CODES), "|".join(CODES)))
# A literal listing languages: ("zh", "en", "de") or ["zh", "en"] (a dict of settings per
# language, {"zh": 16, "en": 60}, is not a list of the languages).
LANGUAGE_LIST = re.compile(r"""["'](?:zh|en|de)["']\s*,\s*["'](?:zh|en|de)["']""")
# A Han range written out: \u4e00, \u3400, \uf900, \U00020000 or the characters themselves.
HAN_RANGE = re.compile(r"\\u(?:4e00|9fff|3400|4dbf|f900|faff)|\\U0002[0e]|[\u4e00\u9fff]-|-[\u9fff]",
                       re.I)
DETECTOR = re.compile(r"def\s+(?:\w*detect_lang\w*|guess_lang\w*|lang_tag|\w*detect_script\w*)\s*\(")
OPENCC = re.compile(r"OpenCC\(")
CODEBOOK_PATH = re.compile(r"""["']taxonomy\.yaml["']""")


@pytest.mark.parametrize("name,pattern,allowed", [
    ("jurisdiction list", JURISDICTION_LIST, set()),
    ("language list", LANGUAGE_LIST, set()),
    ("Han range", HAN_RANGE, set()),
    ("language detector", DETECTOR, set()),
    ("OpenCC converter", OPENCC, set()),
    # the one codebook reader
    ("codebook path", CODEBOOK_PATH, {"annotate/taxonomy.py"}),
])
def test_one_of_each(name: str, pattern: re.Pattern, allowed: set[str]) -> None:
    found = [f"{path}:{n}: {line.strip()}" for path, n, line in SOURCES
             if path not in allowed and pattern.search(line)]
    assert not found, f"a second {name} (ask corpus.vocab / annotate.taxonomy):\n" + "\n".join(found)


def test_one_fold() -> None:
    # one function named fold: the tagger's pattern form (annotate/text.py); the
    # Traditional → Simplified conversion is vocab.to_simplified
    folds = [path for path, _, line in SOURCES if re.match(r"\s*def fold\(", line)]
    assert folds == ["annotate/text.py"], folds


@pytest.mark.parametrize("edit,message", [
    (lambda d: d["jurisdictions"][1].pop("prefix"), "jurisdictions/1: 'prefix' is a required"),
    (lambda d: d["jurisdictions"].append(dict(d["jurisdictions"][0])), "jurisdiction CN: listed twice"),
    (lambda d: d["jurisdictions"][0].update(language="fr"), "jurisdiction CN: language 'fr'"),
    (lambda d: d["jurisdictions"][2].update(family="roman"), "jurisdictions/2/family"),
    (lambda d: d["detector"]["cues"].update(fr="le la"), "detector: cues for unlisted"),
])
def test_a_bad_vocabulary_names_the_place(tmp_path: Path, edit, message: str) -> None:
    import yaml
    data = yaml.safe_load(vocab.DATA.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "vocab.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(vocab.VocabError) as caught:
        vocab._load(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)
