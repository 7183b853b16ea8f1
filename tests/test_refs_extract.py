"""Extraction: every citation form, per language, with the (work, pinpoint, span) a reader
gives it. Expected values were worked out by reading the sentences against
shared/spec/works.yaml, not copied from the extractor's output."""
from __future__ import annotations

import pytest

from plea.annotate.refs import Ref, extract

CPL_201_2 = {"work": "cn-cpl", "pinpoint": ["201", "2"]}
CPL_236_2 = {"work": "cn-cpl", "pinpoint": ["236", "2"]}
SPC_356_2 = {"work": "cn-spc-interpretation-2021", "pinpoint": ["356", "2"], "date": "2021-03-01"}
TW_455_2_2 = {"work": "tw-cpc", "pinpoint": ["455-2", "2"]}
FRCRP_11_H = {"work": "us-frcrp", "pinpoint": ["11", "h"]}
USC_3553_B_1 = {"work": "us-usc", "pinpoint": ["18", "3553", "b", "1"]}
STPO_153A_2 = {"work": "de-stpo", "pinpoint": ["153a", "2"]}

ZH = [
    # full title, article, paragraph, item
    ("依照《中华人民共和国刑事诉讼法》第二百零一条第二款第三项的规定", None,
     [("cn-cpl", ["201", "2", "3"], "《中华人民共和国刑事诉讼法》第二百零一条第二款第三项")]),
    # short titles
    ("刑诉法第十五条", None, [("cn-cpl", ["15"], "刑诉法第十五条")]),
    ("根据刑事诉讼法第十五条和本解释第三百五十五条的规定", SPC_356_2,
     [("cn-cpl", ["15"], "刑事诉讼法第十五条"),
      ("cn-spc-interpretation-2021", ["355"], "本解释第三百五十五条")]),
    ("依照《解释》第三百四十七条", {"date": "2022-01-01"},
     [("cn-spc-interpretation-2021", ["347"], "《解释》第三百四十七条")]),
    ("依照《规则》第二百七十八条", None, [("cn-spp-rules-2019", ["278"], "《规则》第二百七十八条")]),
    # 本法 and lists with 、 / 和 / 及 / 或者
    ("依照本法第一百七十三条、第一百七十四条的规定", CPL_201_2,
     [("cn-cpl", ["173"], "本法第一百七十三条"), ("cn-cpl", ["174"], "第一百七十四条")]),
    ("参照本法第二百三十六条、第二百三十八条和第二百三十九条的规定", CPL_201_2,
     [("cn-cpl", ["236"], "本法第二百三十六条"), ("cn-cpl", ["238"], "第二百三十八条"),
      ("cn-cpl", ["239"], "第二百三十九条")]),
    ("适用本法第一百七十九条及第一百八十条或者第一百八十一条", CPL_201_2,
     [("cn-cpl", ["179"], "本法第一百七十九条"), ("cn-cpl", ["180"], "第一百八十条"),
      ("cn-cpl", ["181"], "第一百八十一条")]),
    # ranges: one reference per article
    ("第二百二十二条至第二百二十六条", CPL_201_2,
     [("cn-cpl", [str(n)], t) for n, t in ((222, "第二百二十二条"),
                                           (223, "第二百二十二条至第二百二十六条"),
                                           (224, "第二百二十二条至第二百二十六条"),
                                           (225, "第二百二十二条至第二百二十六条"),
                                           (226, "第二百二十六条"))]),
    # 之一, and a range ending on one
    ("依照刑法第一百二十条之一的规定", None, [("cn-cl", ["120-1"], "刑法第一百二十条之一")]),
    # relative: 本条, 前款, 前两款, 第二款, 前项, 前三项, 前款第三项, 本条第二、三、四款
    ("本条所称权利人", {"work": "cn-cl", "pinpoint": ["219", "3"]}, [("cn-cl", ["219"], "本条")]),
    ("根据前款规定不起诉的", CPL_236_2, [("cn-cpl", ["236", "1"], "前款")]),
    ("依照前两款规定", {"work": "cn-cpl", "pinpoint": ["173", "3"]},
     [("cn-cpl", ["173", "1"], "前两款"), ("cn-cpl", ["173", "2"], "前两款")]),
    ("第二款规定的有专门知识的人", {"work": "cn-cpl", "pinpoint": ["197", "4"]},
     [("cn-cpl", ["197", "2"], "第二款")]),
    ("有前项情形的", {"work": "cn-cpl", "pinpoint": ["16", "1", "4"]},
     [("cn-cpl", ["16", "1", "3"], "前项")]),
    ("有前三项情形之一的", {"work": "cn-cpl", "pinpoint": ["16", "1", "4"]},
     [("cn-cpl", ["16", "1", "1"], "前三项"), ("cn-cpl", ["16", "1", "2"], "前三项"),
      ("cn-cpl", ["16", "1", "3"], "前三项")]),
    ("依照前款第三项规定发回重新审判的案件", CPL_236_2,
     [("cn-cpl", ["236", "1", "3"], "前款第三项")]),
    ("分别依照本条第二、三、四款的规定", {"work": "cn-spp-rules-2019", "pinpoint": ["148", "5"]},
     [("cn-spp-rules-2019", ["148", n], "本条第二、三、四款") for n in ("2", "3", "4")]),
    ("参照前条规定处理", {"work": "cn-spc-interpretation-2021", "pinpoint": ["25"]},
     [("cn-spc-interpretation-2021", ["24"], "前条")]),
    # an article with one 款: 第八十二条第四项 is item 4 of its only paragraph
    ("符合本法第八十一条、第八十二条第四项、第五项规定情形", CPL_201_2,
     [("cn-cpl", ["81"], "本法第八十一条"), ("cn-cpl", ["82", "1", "4"], "第八十二条第四项"),
      ("cn-cpl", ["82", "1", "5"], "第五项")]),
    # 参照…的规定 and bare work names
    ("参照适用刑事诉讼法第三十三条和本解释的有关规定", {"work": "cn-spc-interpretation-2021", "pinpoint": ["63"]},
     [("cn-cpl", ["33"], "刑事诉讼法第三十三条"), ("cn-spc-interpretation-2021", [], "本解释")]),
    ("依照刑法不需要判处刑罚的", {"work": "cn-spp-rules-2019", "pinpoint": ["278", "1", "2"]},
     [("cn-cl", [], "刑法")]),
    # a bare article in a provision is its own work's (Chinese drafting)
    ("有本法第十六条规定的情形，或者有第十七条情形的", {"work": "cn-cpl", "pinpoint": ["177", "1"]},
     [("cn-cpl", ["16"], "本法第十六条"), ("cn-cpl", ["17"], "第十七条")]),
    # a work outside works.yaml is still a reference, with work null
    ("依照《中华人民共和国监察法》第三十三条的规定", None,
     [(None, ["33"], "《中华人民共和国监察法》第三十三条")]),
    # names a text introduces
    ("《人民检察院办理认罪认罚案件开展量刑建议工作的指导意见》（以下简称《量刑意见》）第五条。"
     "《量刑意见》第六条", None,
     [("cn-spp-sentencing-2021", ["5"],
       "《人民检察院办理认罪认罚案件开展量刑建议工作的指导意见》（以下简称《量刑意见》）第五条"),
      ("cn-spp-sentencing-2021", ["6"], "《量刑意见》第六条")]),
    # Traditional script: Taiwan numbers 項 (paragraph) above 款 (item)
    ("被告所犯之罪非第四百五十五條之二第一項所定得以聲請協商判決者", TW_455_2_2,
     [("tw-cpc", ["455-2", "1"], "第四百五十五條之二第一項")]),
    ("檢察官就前項第二款、第三款事項與被告協商", TW_455_2_2,
     [("tw-cpc", ["455-2", "1", "2"], "前項第二款"), ("tw-cpc", ["455-2", "1", "3"], "第三款")]),
    ("但有第四百五十五條之四第一項第一款所定情形，或違反同條第二項之規定者", TW_455_2_2,
     [("tw-cpc", ["455-4", "1", "1"], "第四百五十五條之四第一項第一款"),
      ("tw-cpc", ["455-4", "2"], "同條第二項")]),
    ("本法所稱", TW_455_2_2, [("tw-cpc", [], "本法")]),
    ("依刑法第五十七條之規定", TW_455_2_2, [("tw-cl", ["57"], "刑法第五十七條")]),
    # list and range members without their 第
    ("《刑事诉讼法》第一百七十三条、一百七十四条", None,
     [("cn-cpl", ["173"], "《刑事诉讼法》第一百七十三条"), ("cn-cpl", ["174"], "一百七十四条")]),
    ("第一百七十三条至一百七十六条", {"work": "cn-cpl", "pinpoint": ["201"]},
     [("cn-cpl", ["173"], "第一百七十三条"), ("cn-cpl", ["174"], "第一百七十三条至一百七十六条"),
      ("cn-cpl", ["175"], "第一百七十三条至一百七十六条"), ("cn-cpl", ["176"], "一百七十六条")]),
    ("依照第三项、四项的规定", {"work": "cn-cpl", "pinpoint": ["16", "1", "6"]},
     [("cn-cpl", ["16", "1", "3"], "第三项"), ("cn-cpl", ["16", "1", "4"], "四项")]),
    # items of another paragraph
    ("对有第一款第三项、第四项情形的", {"work": "cn-cpl", "pinpoint": ["81", "3"]},
     [("cn-cpl", ["81", "1", "3"], "第一款第三项"), ("cn-cpl", ["81", "1", "4"], "第四项")]),
    # 同法 / 同条: the work and article named before, without a context
    ("依刑事訴訟法第四百五十五條之二第一項規定；同法第四百五十五條之四第一項", None,
     [("tw-cpc", ["455-2", "1"], "刑事訴訟法第四百五十五條之二第一項"),
      ("tw-cpc", ["455-4", "1"], "同法第四百五十五條之四第一項")]),
    ("依照刑事诉讼法第一百七十四条第一款，但同条第二款规定的情形除外", None,
     [("cn-cpl", ["174", "1"], "刑事诉讼法第一百七十四条第一款"), ("cn-cpl", ["174", "2"], "同条第二款")]),
    ("该法院认为，同法官的意见", None, []),
    ("《高法解释》第三百五十二条", None,
     [("cn-spc-interpretation-2021", ["352"], "《高法解释》第三百五十二条")]),
    # 本解释 without a context: unknown, not the work named before it
    ("符合刑事诉讼法第一百零一条和本解释第一百七十五条第一款规定的", None,
     [("cn-cpl", ["101"], "刑事诉讼法第一百零一条"), (None, ["175", "1"], "本解释第一百七十五条第一款")]),
    ("2018年10月26日对刑事诉讼法作了第三次修正", None, [("cn-cpl", [], "刑事诉讼法")]),
]

EN = [
    ("According to Article 201 of the Criminal Procedure Law, the court", None,
     [("cn-cpl", ["201"], "Article 201 of the Criminal Procedure Law")]),
    ("Under Articles 173 and 174 of the Criminal Procedure Law", None,
     [("cn-cpl", ["173"], "Articles 173"), ("cn-cpl", ["174"], "174")]),
    ("of the type specified in Rule 11(c)(1)(A) or (C)", None,
     [("us-frcrp", ["11", "c", "1", "A"], "Rule 11(c)(1)(A)"),
      ("us-frcrp", ["11", "c", "1", "C"], "(C)")]),
    ("as provided in Rules 11 and 32.", None,
     [("us-frcrp", ["11"], "Rules 11"), ("us-frcrp", ["32"], "32")]),
    ("Rule 26.2(a)–(c) applies", None,
     [("us-frcrp", ["26.2", "a"], "Rule 26.2(a)"), ("us-frcrp", ["26.2", "b"], "(c)"),
      ("us-frcrp", ["26.2", "c"], "(c)")]),
    ("A variance from the requirements of this rule is harmless", FRCRP_11_H,
     [("us-frcrp", ["11"], "this rule")]),
    ("The amendment to subdivision (c)(1) clarifies", FRCRP_11_H,
     [("us-frcrp", ["11", "c", "1"], "subdivision (c)(1)")]),
    ("the factors in 18 U.S.C. §§ 3553(a), 3742(c)", None,
     [("us-usc", ["18", "3553", "a"], "18 U.S.C. §§ 3553(a)"), ("us-usc", ["18", "3742", "c"], "3742(c)")]),
    ("pursuant to section 994(w)(1)(B) of title 28, United States Code", None,
     [("us-usc", ["28", "994", "w", "1", "B"],
       "section 994(w)(1)(B) of title 28, United States Code")]),
    ("Except as provided in paragraph (2), the range referred to in subsection (a)(4)", USC_3553_B_1,
     [("us-usc", ["18", "3553", "b", "2"], "paragraph (2)"),
      ("us-usc", ["18", "3553", "a", "4"], "subsection (a)(4)")]),
    ("See U.S.S.G. § 6B1.2 and USSG §3E1.1(b).", None,
     [("us-ussg", ["6B1.2"], "U.S.S.G. § 6B1.2"), ("us-ussg", ["3E1.1", "b"], "USSG §3E1.1(b)")]),
    ("considered under §1B1.3 (Relevant Conduct)", None, [("us-ussg", ["1B1.3"], "§1B1.3")]),
    ("Justice Manual 9-27.420 sets out the considerations", None,
     [("us-jm", ["9-27.420"], "Justice Manual 9-27.420")]),
    ("is governed by Fed. R. Evid. 410 and Federal Rule of Evidence 410(a)(4)", None,
     [("us-fre", ["410"], "Fed. R. Evid. 410"),
      ("us-fre", ["410", "a", "4"], "Federal Rule of Evidence 410(a)(4)")]),
    ("Rule 11(c)(3)(A), Fed. R. Crim. P.", {"work": "us-ussg", "pinpoint": ["6B1.1", "c"]},
     [("us-frcrp", ["11", "c", "3", "A"], "Rule 11(c)(3)(A), Fed. R. Crim. P.")]),
    # Taiwan's official translation: paragraph = 項, subparagraph = 款
    ("items in subparagraph 2 or subparagraph 3 of the preceding paragraph", TW_455_2_2,
     [("tw-cpc", ["455-2", "1", "2"], "subparagraph 2"), ("tw-cpc", ["455-2", "1", "3"], "subparagraph 3")]),
    ("an agreement specified in Subparagraphs 2 to 4 of Paragraph 1 of Article 455-2", TW_455_2_2,
     [("tw-cpc", ["455-2", "1", n], t) for n, t in (("2", "Subparagraphs 2"), ("3", "4"), ("4", "4"))]),
    ("violates Paragraph 2 of Article 455-4 or Paragraph 1 of the said article", TW_455_2_2,
     [("tw-cpc", ["455-4", "2"], "Paragraph 2 of Article 455-4"),
      ("tw-cpc", ["455-4", "1"], "Paragraph 1 of the said article")]),
    # names a text introduces
    ("The Guiding Opinions of the People’s Procuratorates on Handling Plea and Conviction Cases "
     "and Carrying Out Sentencing Recommendations (hereinafter referred to as the Sentencing "
     "Opinions) apply. Article 5 of the Sentencing Opinions provides", None,
     [("cn-spp-sentencing-2021", [], "Guiding Opinions of the People’s Procuratorates on Handling "
       "Plea and Conviction Cases and Carrying Out Sentencing Recommendations"),
      ("cn-spp-sentencing-2021", ["5"], "Article 5 of the Sentencing Opinions")]),
    ("Article 33 of the Guiding Opinions", None,
     [("cn-go-leniency-2019", ["33"], "Article 33 of the Guiding Opinions")]),
    # outside works.yaml: work null
    ("Rule 8 of the Federal Rules of Civil Procedure", None,
     [(None, ["8"], "Rule 8 of the Federal Rules of Civil Procedure")]),
    # qualifiers, abbreviations, the English translation's items
    ("Article 67 of the PRC Criminal Law and Article 201 CPL", None,
     [("cn-cl", ["67"], "Article 67 of the PRC Criminal Law"), ("cn-cpl", ["201"], "Article 201 CPL")]),
    ("Item (3) of Paragraph 1 of Article 201 of the Criminal Procedure Law", None,
     [("cn-cpl", ["201", "1", "3"], "Item (3) of Paragraph 1 of Article 201 of the Criminal Procedure Law")]),
    ("Article 7, Paragraph 1, Subparagraph 3 applies", TW_455_2_2,
     [("tw-cpc", ["7", "1", "3"], "Article 7, Paragraph 1, Subparagraph 3")]),
    # a scholarly paper's "this article" is the paper, not a provision
    ("In this article we discuss Section 2 of the paper.", None, []),
    ("Under Art. 201(2) CPL", None, [("cn-cpl", ["201", "2"], "Art. 201(2) CPL")]),
    # a hyphen between article numbers is a range unless the second is the smaller (455-2)
    ("Arts. 173-174 CPL", None,
     [("cn-cpl", ["173"], "Arts. 173-174 CPL"), ("cn-cpl", ["174"], "Arts. 173-174 CPL")]),
    # the containing unit after a comma
    ("Subparagraphs 3 to 5, Paragraph 1 of Article 455-4", {"work": "tw-cpc", "pinpoint": ["455-6", "1"]},
     [("tw-cpc", ["455-4", "1", "3"], "Subparagraphs 3"), ("tw-cpc", ["455-4", "1", "4"], "5"),
      ("tw-cpc", ["455-4", "1", "5"], "5")]),
    # "(A)-(C)": a hyphen between subdivisions is a range
    ("Fed. R. Crim. P. 11(c)(1)(A)-(C)", None,
     [("us-frcrp", ["11", "c", "1", "A"], "Fed. R. Crim. P. 11(c)(1)(A)"),
      ("us-frcrp", ["11", "c", "1", "B"], "(C)"), ("us-frcrp", ["11", "c", "1", "C"], "(C)")]),
    ("the requirements of subsections (a) and (b)", {"work": "us-ussg", "pinpoint": ["6B1.2", "c"]},
     [("us-ussg", ["6B1.2", "a"], "subsections (a)"), ("us-ussg", ["6B1.2", "b"], "(b)")]),
    # a generic name in a text of that jurisdiction
    ("Under section 257c of the Code of Criminal Procedure", {"work": "de-stpo", "pinpoint": ["257c", "1"]},
     [("de-stpo", ["257c"], "section 257c of the Code of Criminal Procedure")]),
    ("The Code of Criminal Procedure does not allow it", {"work": "tw-cpc", "pinpoint": ["455-10", "1"]},
     [("tw-cpc", [], "Code of Criminal Procedure")]),
    ("The Code of Criminal Procedure does not allow it", None, []),
    ("The rule of law requires that a section of the population trust it", None, []),
]

DE = [
    ("nach § 257c Abs. 2 S. 1 StPO", None, [("de-stpo", ["257c", "2"], "§ 257c Abs. 2 S. 1 StPO")]),
    ("die §§ 257b, 257c StPO", None,
     [("de-stpo", ["257b"], "§§ 257b"), ("de-stpo", ["257c"], "257c")]),
    ("nach § 153a Abs. 1 Satz 2 Nr. 1 StPO", None,
     [("de-stpo", ["153a", "1", "1"], "§ 153a Abs. 1 Satz 2 Nr. 1 StPO")]),
    ("in § 243 Absatz 4, § 257c Absatz 4 Satz 4 und Absatz 5 vorgeschriebenen", {"work": "de-stpo", "pinpoint": ["273", "1a"]},
     [("de-stpo", ["243", "4"], "§ 243 Absatz 4"), ("de-stpo", ["257c", "4"], "§ 257c Absatz 4"),
      ("de-stpo", ["257c", "5"], "Absatz 5")]),
    ("Folgen einer Abweichung nach Absatz 4 zu belehren", {"work": "de-stpo", "pinpoint": ["257c", "5"]},
     [("de-stpo", ["257c", "4"], "Absatz 4")]),
    ("unter den Voraussetzungen des Absatzes 1 einstellen. Die Entscheidung nach Satz 1 ergeht",
     STPO_153A_2, [("de-stpo", ["153a", "1"], "Absatzes 1"), ("de-stpo", ["153a", "2"], "Satz 1")]),
    ("Erörterungen nach § 243 Abs. 4 haben stattgefunden", {"work": "de-stpo", "pinpoint": ["257c"]},
     [("de-stpo", ["243", "4"], "§ 243 Abs. 4")]),
    ("in den Fällen der §§ 232 und 233", {"work": "de-stpo", "pinpoint": ["153"]},
     [("de-stpo", ["232"], "§§ 232"), ("de-stpo", ["233"], "233")]),
    ("die Strafe nach § 49 Abs. 1 StGB mildern", None, [("de-stgb", ["49", "1"], "§ 49 Abs. 1 StGB")]),
    ("nach § 29 Abs. 1 BtMG", None, [(None, ["29", "1"], "§ 29 Abs. 1 BtMG")]),
    # Absatz in Roman numerals, as commentaries write it
    ("gem. § 257c II 1 StPO", None, [("de-stpo", ["257c", "2"], "§ 257c II 1 StPO")]),
    # i.V.m. joins citations of one law
    ("§ 257c Abs. 3 S. 4 i.V.m. § 257c Abs. 4 StPO", None,
     [("de-stpo", ["257c", "3"], "§ 257c Abs. 3"), ("de-stpo", ["257c", "4"], "§ 257c Abs. 4")]),
    ("§ 226 Absatz 1 Nummer 1 in Verbindung mit Absatz 2 StGB", None,
     [("de-stgb", ["226", "1", "1"], "§ 226 Absatz 1 Nummer 1"), ("de-stgb", ["226", "2"], "Absatz 2")]),
    # a number a paragraph follows is the next section, not another paragraph
    ("§§ 257c, 273 Abs. 1a, 302 Abs. 1 S. 2 StPO", None,
     [("de-stpo", ["257c"], "§§ 257c"), ("de-stpo", ["273", "1a"], "273 Abs. 1a"),
      ("de-stpo", ["302", "1"], "302 Abs. 1")]),
    ("§ 257c Abs. 1, 2 StPO", None,
     [("de-stpo", ["257c", "1"], "§ 257c Abs. 1"), ("de-stpo", ["257c", "2"], "2")]),
    ("§§ 257b–257c StPO", None, [("de-stpo", ["257b"], "§§ 257b"), ("de-stpo", ["257c"], "257c")]),
    ("Die Strafmilderung nach § 46b StGB", None, [("de-stgb", ["46b"], "§ 46b StGB")]),
]


def triples(refs: list[Ref]) -> list[tuple]:
    return sorted(((r.work, r.pinpoint, r.text) for r in refs), key=repr)


def expected(rows) -> list[tuple]:
    return sorted(((w, list(p), t) for w, p, t in rows), key=repr)


@pytest.mark.parametrize("text, context, want", ZH, ids=[c[0][:16] for c in ZH])
def test_chinese(text, context, want):
    assert triples(extract(text, "zh", context)) == expected(want)


@pytest.mark.parametrize("text, context, want", EN, ids=[c[0][:24] for c in EN])
def test_english(text, context, want):
    assert triples(extract(text, "en", context)) == expected(want)


@pytest.mark.parametrize("text, context, want", DE, ids=[c[0][:24] for c in DE])
def test_german(text, context, want):
    assert triples(extract(text, "de", context)) == expected(want)


def test_spans_index_the_text():
    text = "对前款规定的案件，根据刑事诉讼法第十五条和本解释第三百五十五条的规定作出判决。"
    for ref in extract(text, "zh", SPC_356_2):
        assert text[ref.start:ref.end] == ref.text


def test_contract_example_span():
    """interfaces.md: 本法第一百七十三条 spans 2–11 in its example line."""
    ref = extract("依照本法第一百七十三条、第一百七十四条的规定……", "zh", CPL_201_2)[0]
    assert (ref.start, ref.end, ref.text, ref.work, ref.pinpoint) == (
        2, 11, "本法第一百七十三条", "cn-cpl", ["173"])


def test_numerals_go_through_cn2an():
    refs = extract("刑法第二百零一条、第一千零一条、第201条", "zh")
    assert [r.pinpoint for r in refs] == [["201"], ["1001"], ["201"]]


def test_language_is_detected_when_missing():
    assert extract("依照本法第十六条", None, {"work": "cn-cpl", "pinpoint": ["177"]})[0].pinpoint == ["16"]
    assert extract("§ 257c Abs. 2 StPO gilt entsprechend.")[0].work == "de-stpo"
    assert extract("under Rule 11(c)(1)(C) of the Federal Rules")[0].pinpoint == ["11", "c", "1", "C"]


def test_2012_interpretation_for_texts_before_2021():
    refs = extract("依照《解释》第一条", "zh", {"date": "2019-12-30"})
    assert (refs[0].work, refs[0].pinpoint) == ("cn-spc-interpretation-2012", ["1"])


def test_a_year_before_the_title_picks_the_version():
    ref = extract("2012年刑事诉讼法第二百零一条", "zh")[0]
    assert (ref.work, ref.pinpoint, ref.version) == ("cn-cpl", ["201"], "2012")


def test_a_year_in_an_english_title_picks_the_version():
    ref = extract("Article 201 of the 2012 Criminal Procedure Law", "en")[0]
    assert (ref.work, ref.pinpoint, ref.version) == ("cn-cpl", ["201"], "2012")


def test_case_citations_through_eyecite():
    pytest.importorskip("eyecite")
    text = "Santobello v. New York, 404 U. S. 257, 262 (1971); see 89 Stat. 806."
    cases = [r for r in extract(text, "en") if r.work == "case"]
    assert [(r.pinpoint, r.text) for r in cases] == [(["404 U.S. 257"], "404 U. S. 257")]
