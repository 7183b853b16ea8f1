"""References across jurisdictions and languages (issue 17): a work named with its
country in another language, pinpoints in mixed scripts, US rules and cases inside
Chinese text, names a text defines ("以下简称", "hereinafter", "im Folgenden") and works
the registry does not know (kept with work null and their pinpoint).

The sentences were written for these tests in wordings other than the existing fixtures;
each expected (work, pinpoint, span) was worked out by reading the sentence against
shared/spec/works.yaml: a country named before (德国, chinesischen, Taiwan's) or after ("of
the Republic of China", "der Volksrepublik China") a work's name decides whose work it is,
whatever the language of the text; a pinpoint follows the cited work's own levels (Taiwan's
項 is a paragraph even in Simplified script; a German Satz, 句, is no part of it).
"""
from __future__ import annotations

import pytest

from plea.annotate.refs import Ref, extract

from .conftest import FIXTURES

CPL_CTX = {"work": "cn-cpl", "pinpoint": ["201", "2"]}
STPO_CTX = {"work": "de-stpo", "pinpoint": ["257c", "1"]}

GO_TITLE_EN = ("Guiding Opinions on the Application of the Leniency System for Admitting "
               "Guilt and Accepting Punishment")

ZH = [
    # a German statute cited in Chinese: the country decides, not the language
    ("德国《刑事诉讼法》第257c条对协商程序作了规定。", None,
     [("de-stpo", ["257c"], "德国《刑事诉讼法》第257c条")]),
    ("即便在本法之外，德国刑事诉讼法第153a条也允许附条件不起诉。", CPL_CTX,
     [("cn-cpl", [], "本法"), ("de-stpo", ["153a"], "德国刑事诉讼法第153a条")]),
    # Satz (句) is read and dropped; 款 is the Absatz, 项 the Nummer
    ("参见德国《刑事诉讼法》第153a条第1款第2句第1项。", None,
     [("de-stpo", ["153a", "1", "1"], "德国《刑事诉讼法》第153a条第1款第2句第1项")]),
    ("德國刑事訴訟法第257c條第2項明定協商之範圍。", None,
     [("de-stpo", ["257c", "2"], "德國刑事訴訟法第257c條第2項")]),
    ("德国刑法典第46b条规定了对揭发他人的从宽。", None,
     [("de-stgb", ["46b"], "德国刑法典第46b条")]),
    # US rules, with their subdivisions in parentheses after 第…条
    ("美国《联邦刑事诉讼规则》第11条(c)(1)(C)规定了约束性的量刑协议。", None,
     [("us-frcrp", ["11", "c", "1", "C"], "美国《联邦刑事诉讼规则》第11条(c)(1)(C)")]),
    ("依照美国联邦刑事诉讼规则第32条，法院在量刑前应当听取意见。", None,
     [("us-frcrp", ["32"], "美国联邦刑事诉讼规则第32条")]),
    ("《美国法典》第18编第3553条(a)列举了量刑因素。", None,
     [("us-usc", ["18", "3553", "a"], "《美国法典》第18编第3553条(a)")]),
    # a US citation written in English inside the Chinese sentence
    ("美国法院依据Fed. R. Crim. P. 11(b)(1)审查答辩是否自愿。", None,
     [("us-frcrp", ["11", "b", "1"], "Fed. R. Crim. P. 11(b)(1)")]),
    # cases: the reporter cite inside the Chinese text
    ("美国联邦最高法院在桑托贝罗诉纽约州案（Santobello v. New York, 404 U.S. 257 (1971)）中确认了辩诉交易。",
     None, [("case", ["404 U.S. 257"], "404 U.S. 257")]),
    ("布雷迪诉美国案（Brady v. United States, 397 U.S. 742, 1970）讨论了认罪的自愿性。", None,
     [("case", ["397 U.S. 742"], "397 U.S. 742")]),
    # Taiwan's code written from the mainland: 台湾地区“…”, quotes of any kind
    ("台湾地区“刑事诉讼法”第455条之2第1项规定了协商程序的适用范围。", None,
     [("tw-cpc", ["455-2", "1"], "台湾地区“刑事诉讼法”第455条之2第1项")]),
    ('台湾地区"刑事诉讼法"第455条之4亦有规定。', None,
     [("tw-cpc", ["455-4"], '台湾地区"刑事诉讼法"第455条之4')]),
    ("我国台湾地区刑事诉讼法第四百五十五条之二", None,
     [("tw-cpc", ["455-2"], "我国台湾地区刑事诉讼法第四百五十五条之二")]),
    ("臺灣刑法第57條所列事項", None, [("tw-cl", ["57"], "臺灣刑法第57條")]),
    # the PRC named in either script: 我国 / 中国 before the Taiwan-looking name
    ("中國刑事訴訟法第一百七十三條要求聽取辯護人意見。", None,
     [("cn-cpl", ["173"], "中國刑事訴訟法第一百七十三條")]),
    ("与德国不同，我国《刑事诉讼法》第201条规定量刑建议一般应当采纳。", None,
     [("cn-cpl", ["201"], "我国《刑事诉讼法》第201条")]),
    # a known country, a work the registry lacks: work null with the pinpoint
    ("德国《法院组织法》第169条规定了审判公开。", None,
     [(None, ["169"], "德国《法院组织法》第169条")]),
    ("日本刑事诉讼法第350条之2引入了协议合意制度。", None,
     [(None, ["350-2"], "日本刑事诉讼法第350条之2")]),
    ("《公民权利和政治权利国际公约》第14条第3款", None,
     [(None, ["14", "3"], "《公民权利和政治权利国际公约》第14条第3款")]),
    # names a text defines, for foreign and domestic works
    ("德国《刑事诉讼法》（以下简称《德刑诉》）设有协商条款，《德刑诉》第257c条第3款要求法院公开协商内容。", None,
     [("de-stpo", [], "德国《刑事诉讼法》"), ("de-stpo", ["257c", "3"], "《德刑诉》第257c条第3款")]),
    ("两高三部《关于适用认罪认罚从宽制度的指导意见》（以下简称“两高三部意见”）。根据两高三部意见第三十三条，应当听取意见。",
     None,
     [("cn-go-leniency-2019", [], "《关于适用认罪认罚从宽制度的指导意见》"),
      ("cn-go-leniency-2019", ["33"], "两高三部意见第三十三条")]),
    # the Guiding Opinions: a known work the corpus lacks
    ("依据《关于适用认罪认罚从宽制度的指导意见》第四十条", None,
     [("cn-go-leniency-2019", ["40"], "《关于适用认罪认罚从宽制度的指导意见》第四十条")]),
    # look-alikes: a country word that is not attached to the name does not move the work
    ("德国学者指出，刑事诉讼法第二百零一条仍有不足。", None,
     [("cn-cpl", ["201"], "刑事诉讼法第二百零一条")]),
    # written after the first pass, in further wordings: subdivisions before 条, a
    # hyphen for 之, the country inside the title, an English designation after a
    # Chinese name, 下称
    ("《联邦刑事诉讼规则》第11(c)(1)(C)条规定了约束性协议", None,
     [("us-frcrp", ["11", "c", "1", "C"], "《联邦刑事诉讼规则》第11(c)(1)(C)条")]),
    ("《美国法典》第18编第3553(a)条", None,
     [("us-usc", ["18", "3553", "a"], "《美国法典》第18编第3553(a)条")]),
    ("台湾“刑事诉讼法”第455-2条", None, [("tw-cpc", ["455-2"], "台湾“刑事诉讼法”第455-2条")]),
    ("《德国刑事诉讼法典》第153a条", None, [("de-stpo", ["153a"], "《德国刑事诉讼法典》第153a条")]),
    ("美国联邦量刑指南§3E1.1规定了接受责任的减让", None,
     [("us-ussg", ["3E1.1"], "美国联邦量刑指南§3E1.1")]),
    ("根据美国《联邦刑事诉讼规则》Rule 11(c)(1)(C)", None,
     [("us-frcrp", ["11", "c", "1", "C"], "美国《联邦刑事诉讼规则》Rule 11(c)(1)(C)")]),
    ("德国《基本法》第20条第3款", None, [(None, ["20", "3"], "德国《基本法》第20条第3款")]),
    ("《德国刑事诉讼法》第153条a", None, [("de-stpo", ["153a"], "《德国刑事诉讼法》第153条a")]),
    ("大陸刑事訴訟法第201條", None, [("cn-cpl", ["201"], "大陸刑事訴訟法第201條")]),
    ("德国《刑事诉讼法》§257c规定了协商", None, [("de-stpo", ["257c"], "德国《刑事诉讼法》§257c")]),
    # subdivisions written as Chinese units, other translations of the titles
    ("美国联邦刑事诉讼规则第11条第(c)款第(1)项第(C)目", None,
     [("us-frcrp", ["11", "c", "1", "C"], "美国联邦刑事诉讼规则第11条第(c)款第(1)项第(C)目")]),
    ("《联邦刑事程序规则》第11条(c)款(1)项", None,
     [("us-frcrp", ["11", "c", "1"], "《联邦刑事程序规则》第11条(c)款(1)项")]),
    ("美国《联邦检察官手册》第9-27.420条", None,
     [("us-jm", ["9-27.420"], "美国《联邦检察官手册》第9-27.420条")]),
    ("《联邦量刑指南》第3E1.1条", None, [("us-ussg", ["3E1.1"], "《联邦量刑指南》第3E1.1条")]),
    # words between the country and the name
    ("德国现行《刑事诉讼法》第257c条", None, [("de-stpo", ["257c"], "德国现行《刑事诉讼法》第257c条")]),
    ("日本2016年修正的《刑事诉讼法》第350条之2", None,
     [(None, ["350-2"], "日本2016年修正的《刑事诉讼法》第350条之2")]),
    # Arabic numerals in a domestic list keep their list reading
    ("刑事诉讼法第173条和174条", None,
     [("cn-cpl", ["173"], "刑事诉讼法第173条"), ("cn-cpl", ["174"], "174条")]),
    ("美国联邦刑事诉讼规则11(c)(1)(C)", None,
     [("us-frcrp", ["11", "c", "1", "C"], "美国联邦刑事诉讼规则11(c)(1)(C)")]),
    ("《关于适用认罪认罚从宽制度的指导意见》（下称《意见》）。《意见》第三十三条", None,
     [("cn-go-leniency-2019", [], "《关于适用认罪认罚从宽制度的指导意见》"),
      ("cn-go-leniency-2019", ["33"], "《意见》第三十三条")]),
]

EN = [
    ("Article 176 of China's Criminal Procedure Law allows the prosecutor to recommend a sentence.", None,
     [("cn-cpl", ["176"], "Article 176 of China's Criminal Procedure Law")]),
    ("Under section 153a of Germany's Code of Criminal Procedure, the prosecutor may dispense", None,
     [("de-stpo", ["153a"], "section 153a of Germany's Code of Criminal Procedure")]),
    ("Section 257c(2) of the German StPO limits what may be agreed.", None,
     [("de-stpo", ["257c", "2"], "Section 257c(2) of the German StPO")]),
    # a qualifier beats the generic word's usual reading
    ("compare § 244 of the German Criminal Procedure Law", None,
     [("de-stpo", ["244"], "§ 244 of the German Criminal Procedure Law")]),
    ("Article 455-2 of Taiwan's Criminal Procedure Code introduced bargaining in 2004.", None,
     [("tw-cpc", ["455-2"], "Article 455-2 of Taiwan's Criminal Procedure Code")]),
    ("Article 57 of the Taiwanese Criminal Code lists the factors.", None,
     [("tw-cl", ["57"], "Article 57 of the Taiwanese Criminal Code")]),
    ("Article 67 of the Chinese Criminal Code defines voluntary surrender.", None,
     [("cn-cl", ["67"], "Article 67 of the Chinese Criminal Code")]),
    # a country named after the work
    ("Article 455-4 of the Code of Criminal Procedure of the Republic of China", None,
     [("tw-cpc", ["455-4"], "Article 455-4 of the Code of Criminal Procedure of the Republic of China")]),
    ("Rule 11(c)(1)(C) of the US Federal Rules of Criminal Procedure", None,
     [("us-frcrp", ["11", "c", "1", "C"], "Rule 11(c)(1)(C) of the US Federal Rules of Criminal Procedure")]),
    # works outside the registry: work null, pinpoint kept
    ("Article 6(3)(c) of the European Convention on Human Rights", None,
     [(None, ["6", "3", "c"], "Article 6(3)(c) of the European Convention on Human Rights")]),
    ("Article 350-2 of the Japanese Code of Criminal Procedure", None,
     [(None, ["350-2"], "Article 350-2 of the Japanese Code of Criminal Procedure")]),
    # names a text defines: the pinpoint after them is kept
    (f"The {GO_TITLE_EN} (hereinafter “the Opinions”) were issued in 2019. "
     "Under Article 33 of the Opinions, prosecutors must hear the defence.", None,
     [("cn-go-leniency-2019", [], GO_TITLE_EN),
      ("cn-go-leniency-2019", ["33"], "Article 33 of the Opinions")]),
    (f"The {GO_TITLE_EN} (hereafter: 2019 Opinions) apply. See 2019 Opinions, Art. 33.", None,
     [("cn-go-leniency-2019", [], GO_TITLE_EN),
      ("cn-go-leniency-2019", ["33"], "2019 Opinions, Art. 33")]),
    (f"The {GO_TITLE_EN} (the “Opinions”) apply. Article 33 of the Opinions requires", None,
     [("cn-go-leniency-2019", [], GO_TITLE_EN),
      ("cn-go-leniency-2019", ["33"], "Article 33 of the Opinions")]),
    ("German StPO § 257c allows agreements", None, [("de-stpo", ["257c"], "German StPO § 257c")]),
    ("Article 6 of the ECHR", None, [(None, ["6"], "Article 6 of the ECHR")]),
    ("Art. 455-2 para. 1 of Taiwan's CCP", None,
     [("tw-cpc", ["455-2", "1"], "Art. 455-2 para. 1 of Taiwan's CCP")]),
    ("Article 14(3)(g) ICCPR", None, [(None, ["14", "3", "g"], "Article 14(3)(g) ICCPR")]),
    ("Germany's Code of Criminal Procedure (hereinafter StPO-G) allows agreements; "
     "StPO-G section 257c governs them.", None,
     [("de-stpo", [], "Germany's Code of Criminal Procedure"),
      ("de-stpo", ["257c"], "StPO-G section 257c")]),
]

DE = [
    ("Art. 176 der chinesischen StPO erlaubt einen Strafvorschlag der Staatsanwaltschaft.", None,
     [("cn-cpl", ["176"], "Art. 176 der chinesischen StPO")]),
    ("Art. 201 Abs. 2 des chinesischen Strafprozessgesetzes", None,
     [("cn-cpl", ["201", "2"], "Art. 201 Abs. 2 des chinesischen Strafprozessgesetzes")]),
    ("Art. 201 des Strafprozessgesetzes der Volksrepublik China", None,
     [("cn-cpl", ["201"], "Art. 201 des Strafprozessgesetzes der Volksrepublik China")]),
    ("Art. 455-2 Abs. 1 der taiwanischen StPO regelt das Verhandlungsverfahren.", None,
     [("tw-cpc", ["455-2", "1"], "Art. 455-2 Abs. 1 der taiwanischen StPO")]),
    ("Art. 57 des taiwanischen StGB", None, [("tw-cl", ["57"], "Art. 57 des taiwanischen StGB")]),
    # the text's own StPO stays German next to a foreign one
    ("Anders als § 257c StPO kennt Art. 174 der chinesischen StPO keine Geständnispflicht.", STPO_CTX,
     [("de-stpo", ["257c"], "§ 257c StPO"), ("cn-cpl", ["174"], "Art. 174 der chinesischen StPO")]),
    ("§ 153a der deutschen StPO", None, [("de-stpo", ["153a"], "§ 153a der deutschen StPO")]),
    # abbreviations German commentaries use
    ("§ 153a dt. StPO", None, [("de-stpo", ["153a"], "§ 153a dt. StPO")]),
    ("Art. 176 chin. StPO", None, [("cn-cpl", ["176"], "Art. 176 chin. StPO")]),
    ("Art. 201 Abs. 2 chinStPO", None, [("cn-cpl", ["201", "2"], "Art. 201 Abs. 2 chinStPO")]),
    ("Art. 201 des chinesischen Strafprozessrechts", None,
     [("cn-cpl", ["201"], "Art. 201 des chinesischen Strafprozessrechts")]),
    ("vgl. § 455-2 Abs. 1 taiw. StPO", None, [("tw-cpc", ["455-2", "1"], "§ 455-2 Abs. 1 taiw. StPO")]),
    ("Rule 11 FRCrP", None, [("us-frcrp", ["11"], "Rule 11 FRCrP")]),
    ("Art. 455-4 Abs. 1 Nr. 1 der StPO Taiwans", None,
     [("tw-cpc", ["455-4", "1", "1"], "Art. 455-4 Abs. 1 Nr. 1 der StPO Taiwans")]),
    ("Regel 11(c)(1)(C) der Federal Rules of Criminal Procedure", None,
     [("us-frcrp", ["11", "c", "1", "C"], "Regel 11(c)(1)(C) der Federal Rules of Criminal Procedure")]),
    # an abbreviation in brackets after the law's name is no second reference
    ("§ 257c der Strafprozessordnung (StPO)", None,
     [("de-stpo", ["257c"], "§ 257c der Strafprozessordnung")]),
    # US rules and cases cited in German text
    ("Rule 11(c)(1)(C) der US-amerikanischen Federal Rules of Criminal Procedure", None,
     [("us-frcrp", ["11", "c", "1", "C"],
       "Rule 11(c)(1)(C) der US-amerikanischen Federal Rules of Criminal Procedure")]),
    ("So schon der Supreme Court in Santobello v. New York, 404 U.S. 257 (1971).", None,
     [("case", ["404 U.S. 257"], "404 U.S. 257")]),
    # works outside the registry
    ("nach Art. 6 Abs. 3 lit. c EMRK", None, [(None, ["6", "3", "c"], "Art. 6 Abs. 3 lit. c EMRK")]),
    ("§ 153a StPO und § 35 des österreichischen Suchtmittelgesetzes", None,
     [("de-stpo", ["153a"], "§ 153a StPO"), (None, ["35"], "§ 35 des österreichischen Suchtmittelgesetzes")]),
    # names a text defines
    ("Das chinesische Strafprozessgesetz (im Folgenden: chStPO) kennt seit 2018 die Milde bei "
     "Geständnis; Art. 174 chStPO verlangt eine Erklärung.", None,
     [("cn-cpl", [], "chinesische Strafprozessgesetz"), ("cn-cpl", ["174"], "Art. 174 chStPO")]),
]


def triples(refs: list[Ref]) -> list[tuple]:
    return sorted(((r.work, r.pinpoint, r.text) for r in refs), key=repr)


def expected(rows) -> list[tuple]:
    return sorted(((w, list(p), t) for w, p, t in rows), key=repr)


@pytest.mark.parametrize("text, context, want", ZH, ids=[c[0][:18] for c in ZH])
def test_chinese(text, context, want):
    assert triples(extract(text, "zh", context)) == expected(want)


@pytest.mark.parametrize("text, context, want", EN, ids=[c[0][:30] for c in EN])
def test_english(text, context, want):
    assert triples(extract(text, "en", context)) == expected(want)


@pytest.mark.parametrize("text, context, want", DE, ids=[c[0][:30] for c in DE])
def test_german(text, context, want):
    assert triples(extract(text, "de", context)) == expected(want)


@pytest.mark.parametrize("text, lang", [(t, "zh") for t, _, _ in ZH] + [(t, "en") for t, _, _ in EN]
                         + [(t, "de") for t, _, _ in DE])
def test_spans_index_the_text(text, lang):
    for ref in extract(text, lang):
        assert text[ref.start:ref.end] == ref.text


# -- the Guiding Opinions: known, not in the corpus -------------------------------------

@pytest.mark.parametrize("lang, text, pinpoint", [
    ("zh", "《指导意见》第三十三条要求充分听取意见", ["33"]),
    ("zh", "依照《关于适用认罪认罚从宽制度的指导意见》第十条第二款", ["10", "2"]),
    ("en", "as Article 40 of the 2019 Guiding Opinions requires", ["40"]),
])
def test_guiding_opinions_resolve_to_work_and_pinpoint_without_a_provision(tmp_path, lang, text, pinpoint):
    import json

    from plea.annotate.refs import Resolver, refs_jsonl
    from tests.test_refs_resolve import make_db
    resolver = Resolver(make_db(tmp_path / "mini.db"))
    out = next(refs_jsonl([json.dumps({"id": "g", "lang": lang, "text": text}, ensure_ascii=False)],
                          resolver))
    [ref] = out["refs"]
    assert (ref["work"], ref["pinpoint"], ref["resolved"]) == ("cn-go-leniency-2019", pinpoint, None)
    assert "missing" in ref["reason"]


# -- the check over resolved references (annotate/refs/audit.py) --------------------------

@pytest.mark.parametrize("lang, body, span, work, wrong", [
    # the readings the grammars gave before issue 17, which the check must flag
    ("zh", "德国《刑事诉讼法》第257c条对协商作了规定", "《刑事诉讼法》第257c条", "cn-cpl", True),
    ("zh", "台湾地区“刑事诉讼法”第455条之2", "第455条之2", "cn-cpl", True),
    ("zh", "日本刑事诉讼法第350条之2", "刑事诉讼法第350条之2", "cn-cpl", True),
    ("de", "Art. 176 der chinesischen StPO", "StPO", "de-stpo", True),
    ("en", "compare § 244 of the German Criminal Procedure Law", "Criminal Procedure Law", "cn-cpl", True),
    # right readings, and a country the reference's clause does not attach to
    ("zh", "德国《刑事诉讼法》第257c条对协商作了规定", "德国《刑事诉讼法》第257c条", "de-stpo", False),
    ("zh", "与德国不同，我国刑事诉讼法第201条", "刑事诉讼法第201条", "cn-cpl", False),
    ("zh", "德国学者指出，刑事诉讼法第二百零一条", "刑事诉讼法第二百零一条", "cn-cpl", False),
    ("en", "Article 455-2 of Taiwan's Code", "Article 455-2 of Taiwan's Code", "tw-cpc", False),
    ("de", "Art. 176 der chinesischen StPO", "Art. 176 der chinesischen StPO", "cn-cpl", False),
])
def test_audit_flags_a_work_of_another_country(lang, body, span, work, wrong):
    from plea.annotate.refs.audit import audit_refs
    start = body.index(span)
    report = audit_refs([("u", body, start, start + len(span), work, lang, None)])
    assert len(report.wrong) == int(wrong)


def test_a_year_after_our_country_still_picks_the_version():
    [ref] = extract("我国2012年刑事诉讼法第201条", "zh")
    assert (ref.work, ref.pinpoint, ref.version, ref.text) == ("cn-cpl", ["201"], "2012", "我国2012年刑事诉讼法第201条")


def test_jurisdiction_data_naming_an_unknown_work_is_one_clear_error(tmp_path, monkeypatch):
    from plea.annotate.refs import data as refs_data
    from plea.annotate.refs.jurisdiction import Jurisdictions
    from plea.annotate.refs.works import load_registry
    vocab = dict(refs_data.vocabulary("zh"))
    vocab["jurisdictions"] = {"names": {"DE": {"刑事诉讼法": "de-no-such-code"}}}
    monkeypatch.setattr("plea.annotate.refs.jurisdiction.vocabulary", lambda lang: vocab)
    with pytest.raises(ValueError, match=r"data/zh\.yaml.*de-no-such-code"):
        Jurisdictions("zh", load_registry())


# -- resolution: a foreign work cited in another language lands in that work ------------

@pytest.mark.parametrize("lang, text, resolved", [
    ("zh", "德国《刑事诉讼法》第257c条第2款", "de-stpo:sec_257c__para_2"),
    ("zh", "美国《联邦刑事诉讼规则》第11条(c)(1)(C)", "us-frcrp:rule_11__subsec_c__para_1__subpara_C"),
    ("zh", "台湾地区“刑事诉讼法”第455条之2第1项第1款", "tw-cpc-zh:art_455-2__para_1__item_1"),
    ("de", "Art. 201 Abs. 2 der chinesischen StPO", "cn-cpl-2018:art_201__para_2"),
    ("en", "section 153a(1) of Germany's Code of Criminal Procedure", "de-stpo:sec_153a__para_1"),
])
def test_foreign_citations_resolve_in_the_cited_work(tmp_path, lang, text, resolved):
    import json

    from plea.annotate.refs import Resolver, refs_jsonl
    from tests.test_refs_resolve import make_db
    resolver = Resolver(make_db(tmp_path / "mini.db"))
    out = next(refs_jsonl([json.dumps({"id": "f", "lang": lang, "text": text}, ensure_ascii=False)],
                          resolver))
    assert [r["resolved"] for r in out["refs"]] == [resolved]


# -- the second held-out set (tests/fixtures/refs/heldout_foreign.jsonl) ----------------
# 32 units in other wordings again, labelled by reading before the fixes that followed
# them; scored blind: article F1 0.895 (zh 0.897, en 0.870, de 0.917). Now 0.961; what
# is left: a German name for the Guiding Opinions the registry does not know, and two
# units whose gold leaves out the work named on its own before its article.

HELDOUT_FOREIGN = FIXTURES / "refs" / "heldout_foreign.jsonl"


def test_second_heldout_set_keeps_its_floor():
    from plea.annotate.refs.evaluate import evaluate_file, load_gold
    units = load_gold(HELDOUT_FOREIGN)
    assert len(units) == 32 and {u["lang"] for u in units} == {"zh", "en", "de"}
    report = evaluate_file(HELDOUT_FOREIGN)
    assert report.score("article").f1 >= 0.95
    for lang in ("zh", "en", "de"):
        assert report.score("article", lang).f1 >= 0.94, lang
