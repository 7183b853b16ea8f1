"""scholarship: the two scholarly articles (Markdown-like and plain text).

Expected values were read from the text files: their headings, paragraph starts,
reference list and front matter.
"""
from __future__ import annotations

import codecs

import pytest

from plea.corpus import fidelity
from plea.corpus.errors import SourceError
from plea.corpus.parsers.scholarship import in_text_citations
from tests.conftest import FIXTURES, parse_bytes, parse_path

MENG = "scholarship/000_81965d9895446213.txt"
ZUEL = "scholarship/001_63df4f4828f18b13.txt"
MINI_MD = FIXTURES / "scholarship" / "mini_markdown.txt"
MINI_PLAIN = FIXTURES / "scholarship" / "mini_plain.txt"

# Printed section numbers of the Meng article, in order.
MENG_HEADINGS = ["1.", "2.", "2.1", "2.2", "2.3", "3.", "3.1", "3.1.1", "3.1.2", "3.1.3", "3.2",
                 "3.2.1", "3.2.2", "3.2.3", "4.", "4.1", "4.2", "4.3", "4.4", "4.4.1", "4.4.2",
                 "4.4.3"]


@pytest.fixture(scope="module")
def meng(corpus_dir):
    return parse_path("scholarship", corpus_dir / MENG, short_title="Meng 2023")


@pytest.fixture(scope="module")
def zuel(corpus_dir):
    return parse_path("scholarship", corpus_dir / ZUEL, short_title="ZUEL 2025")


def _nodes(doc, level):
    return [n for n, _ in doc.walk() if n.level == level]


def _snapshot(doc):
    return ([(n.eid, n.level, n.kind, n.num, n.heading, n.text, n.citation, n.line, n.attrs)
             for n, _ in doc.walk()], doc.body_text, doc.title, doc.meta)


# -- Meng 2023 (Markdown-like) ---------------------------------------------

def test_meng_meta(meng):
    assert meng.title.startswith("From “Sentencing Negotiations” to “Prosecution-Defense")
    assert meng.meta["authors"] == ["Kelin Meng"]
    assert meng.meta["affiliation"] == "Guangxi Minzu University Law School, China"
    assert meng.meta["doi"] == "10.56397/LE.2023.09.04"
    assert meng.meta["keywords"] == ["guilty plea", "sentencing negotiation",
                                     "prosecution-defense negotiation", "litigation efficiency"]
    assert "Copyrights" in meng.meta["back_matter"]


def test_meng_counts(meng):
    # 24 text blocks after the headings, two of them halves of a paragraph split by a page
    # break (lines 59/61, 89/91): 22 paragraphs.
    assert meng.count("paragraph") == 22
    assert meng.count("reference") == 3
    assert [n.num for n, _ in meng.walk() if n.kind == "container" and n.num] == MENG_HEADINGS


def test_meng_fidelity(meng):
    report = fidelity.check(meng)
    assert report.ok, report.residue


def test_meng_abstract(meng):
    abstract = meng.find("abstract")
    assert abstract.level == "abstract" and abstract.kind == "provision"
    assert abstract.text.startswith("In China’s guilty plea cases, only limited sentencing negotiations")
    assert abstract.text.endswith("balancing values of justice and efficiency.")
    assert abstract.citation == "Meng 2023, abstract"


def test_meng_sections(meng):
    sec = meng.find("sec_3__subsec_1__subsubsec_2")
    assert (sec.num, sec.heading) == ("3.1.2", "Improvement of the Leniency Program for Guilty Pleas")
    assert meng.find("sec_3").heading == ("Analysis of the Necessity and Feasibility of Introducing "
                                          "Prosecution-Defense Negotiations in Guilty Plea Cases")
    # "#### 4.4" and "##### 4.4.1" in the file: nesting follows the printed numbers.
    assert [c.eid for c in meng.find("sec_4").children] == [
        "sec_4__subsec_1", "sec_4__subsec_2", "sec_4__subsec_3", "sec_4__subsec_4"]
    assert meng.find("sec_4__subsec_4__subsubsec_3").heading == "Impact on Courtroom Trials"


def test_meng_paragraphs(meng):
    para = meng.find("sec_2__para_1")
    assert para.text.startswith("The prosecution-defense negotiation system originated in the United States")
    assert meng.find("sec_2__subsec_1").children[0].eid == "sec_2__subsec_1__para_1"
    p = meng.find("sec_4__subsec_3__para_3")
    assert p.text.startswith("Second, in the prosecution-defense negotiation process")
    assert "participates in the negotiation with full knowledge of the system" in p.text
    assert p.citation == "Meng 2023, § 4.3 ¶ 3"
    assert meng.find("sec_4__subsec_3__para_4").text.startswith("Third, the signing")
    assert meng.find("sec_4__subsec_2__para_2").text.startswith("For specific and complex cases")
    italic = meng.find("sec_2__subsec_2__para_1")
    assert "The 2018 revision of the Criminal Procedure Law of the People's Republic of China limits" \
        in italic.text
    assert meng.find("sec_3__subsec_2__subsubsec_3__para_1").attrs["cites"] == [("Kang Haojie", "2019")]


def test_meng_references(meng):
    refs = meng.find("references")
    assert [r.eid for r in refs.children] == ["ref_1", "ref_2", "ref_3"]
    first = meng.find("ref_1")
    assert first.kind == "bibliography"
    assert first.text == ("Chen Ruihua, (2007). Confrontation and Cooperation in Judicial Process — "
                          "A New Theory of Criminal Procedure Model. Legal Research, 3, p. 14, 116.")
    assert first.attrs["authors"] == ["Chen Ruihua"]
    assert first.attrs["year"] == "2007"
    assert first.attrs["container"] == "Legal Research"
    assert first.attrs["title"] == ("Confrontation and Cooperation in Judicial Process — "
                                    "A New Theory of Criminal Procedure Model")
    thesis = meng.find("ref_3")
    assert thesis.attrs["type"] == "thesis"
    assert thesis.attrs["institution"] == "Southwest University of Political Science and Law"
    assert "Copyright" not in meng.body_text


# -- the ZUEL article (plain text) -------------------------------------------

def test_zuel_meta(zuel):
    assert zuel.meta["title"] is None
    assert zuel.meta["affiliation"] == "School of Law, Zhongnan University of Economics and Law, Wuhan"
    assert zuel.meta["authors"] == [] and zuel.meta["doi"] is None
    assert "Zhongnan" not in zuel.body_text


def test_zuel_counts(zuel):
    # 38 lines after the affiliation: 10 "(n)" headings, 1 figure caption, 27 paragraphs.
    assert zuel.count("paragraph") == 27
    assert zuel.count("subsection") == 10
    assert zuel.count("reference") == 0          # the file has no reference list
    assert zuel.count("caption") == 1
    # The "(1)" numbering restarts four times: five lost top-level sections.
    implicit = [n for n, _ in zuel.walk() if n.attrs.get("implicit")]
    assert [n.eid for n in implicit] == ["sec_1", "sec_2", "sec_3", "sec_4", "sec_5"]
    assert all(n.num is None and n.heading is None for n in implicit)


def test_zuel_fidelity(zuel):
    report = fidelity.check(zuel)
    assert report.ok, report.residue


def test_zuel_headings_and_paragraphs(zuel):
    assert [(n.num, n.heading) for n in _nodes(zuel, "subsection")][:3] == [
        ("(1)", "Procedural Ambiguity and the Absence of Substantive Negotiation"),
        ("(2)", "“Prosecution-Led” Distortion Aggravating the Imbalance Between Prosecution and Defense"),
        ("(1)", "Alleviate Case-handling Pressures on Judicial Authorities"),
    ]
    assert zuel.find("para_1").text.startswith("The characteristics of the plea leniency system")
    assert zuel.find("para_3").text.startswith("However, in judicial practice, sentencing negotiations")
    assert zuel.find("para_3").attrs["cites"] == [("Sun", "2021"), ("Chen", "2020")]
    p = zuel.find("sec_2__subsec_1__para_1")
    assert p.text.startswith("“Caseload-personnel imbalance”")
    assert p.citation == "ZUEL 2025, § [2](1) ¶ 1"
    assert zuel.find("sec_5__subsec_2__para_1").text.startswith(
        "Currently, sentencing negotiations in criminal proceedings")
    fig = zuel.find("fig_1")
    assert fig.num == "Figure 1"
    assert fig.text == "Flowchart of the procuratorate’s “solicitation of defense input” procedure"
    # The caption is not counted as a paragraph.
    assert zuel.find("sec_1__subsec_2__para_2").text.startswith("Within the prosecutorial-led")


# -- small fixtures --------------------------------------------------------

def test_mini_markdown():
    doc = parse_path("scholarship", MINI_MD, short_title="Lee 2023")
    assert doc.title == "On Plea Bargaining: A Test Article"
    assert doc.meta["authors"] == ["Ann Lee", "Bo Wu"]
    assert doc.meta["affiliation"] == ("Example University Law School, China; "
                                       "Test Institute of Law, China")
    assert doc.meta["doi"] == "10.1234/TEST.2023.01.02"
    assert doc.meta["keywords"] == ["plea", "negotiation"]
    assert doc.meta["correspondence"] == "Ann Lee, Example University Law School, China."
    assert [n.eid for n in doc.nodes] == ["abstract", "sec_1", "sec_2", "references"]
    assert doc.find("abstract").attrs["cites"] == [("Lee", "2020")]
    assert [c.eid for c in doc.find("sec_1").children] == [
        "sec_1__para_1", "sec_1__para_2", "sec_1__subsec_1"]
    assert doc.find("sec_1__para_2").attrs["cites"] == [("Chen Ruihua", "2007"), ("Sun", "2021")]
    joined = doc.find("sec_1__subsec_1__para_1")
    assert joined.text == ("A paragraph broken by a page break ends in the middle of a sentence "
                           "and continues here.")
    assert joined.line == 28 and joined.attrs["continued_at"] == [30]
    deep = doc.find("sec_1__subsec_1__subsubsec_1__para_1")
    assert deep.citation == "Lee 2023, § 1.1.1 ¶ 1"
    assert doc.find("sec_2").heading == "Conclusion"
    assert doc.find("sec_2__para_1").text == "Closing words with emphasis."
    assert doc.find("ref_2").attrs["degree"] == "Master's Thesis"
    assert doc.find("ref_1").attrs["volume"] == "3"
    assert doc.meta["back_matter"] == {"Copyrights": "Copyright for this article is retained by the author(s)."}
    assert fidelity.check(doc).ok


def test_mini_plain():
    doc = parse_path("scholarship", MINI_PLAIN, short_title="X 2025")
    assert doc.meta["affiliation"].startswith("School of Law, Example University")
    assert [n.eid for n in doc.nodes] == ["para_1", "sec_1", "sec_2"]
    assert doc.find("para_1").citation == "X 2025, ¶ 1"
    assert [c.eid for c in doc.find("sec_1__subsec_2").children] == [
        "sec_1__subsec_2__para_1", "fig_1", "sec_1__subsec_2__para_2"]
    restarted = doc.find("sec_2__subsec_1")
    assert (restarted.num, restarted.heading) == ("(1)", "Restarted Numbering")
    assert doc.find("sec_2__subsec_1__para_1").citation == "X 2025, § [2](1) ¶ 1"
    assert fidelity.check(doc).ok


def test_paragraph_eids_stable_when_text_elsewhere_changes():
    text = MINI_MD.read_text("utf-8")
    base = parse_bytes("scholarship", text.encode())
    edited = text.replace("First paragraph of the introduction.",
                          "First paragraph of the introduction.\n\nAn inserted paragraph.")
    doc = parse_bytes("scholarship", edited.encode())
    for eid in ("sec_1__subsec_1__para_1", "sec_2__para_1", "ref_1"):
        assert doc.find(eid).text == base.find(eid).text
    assert doc.find("sec_1__para_2").text == "An inserted paragraph."


def test_in_text_citations():
    assert in_text_citations("as shown (Chen Ruihua, 2007) and (Liu, 2019; Wu, 2020b).") == [
        ("Chen Ruihua", "2007"), ("Liu", "2019"), ("Wu", "2020b")]
    assert in_text_citations("in 2018 (the year of reform) and (2019)") == []


# -- encodings and bad input ---------------------------------------------------

@pytest.mark.parametrize("fixture", [MINI_MD, MINI_PLAIN])
def test_encoding_variants_parse_identically(fixture):
    data = fixture.read_bytes()
    base = _snapshot(parse_bytes("scholarship", data))
    for variant in (codecs.BOM_UTF8 + data, data.replace(b"\n", b"\r\n")):
        assert _snapshot(parse_bytes("scholarship", variant)) == base


def test_empty_file():
    with pytest.raises(SourceError, match=r"^paper\.txt:1: empty file"):
        parse_bytes("scholarship", b"  \n\n", path="paper.txt")


def test_file_without_paragraphs():
    data = b"# A Title\n\n## 1. Introduction\n\n## 2. Conclusion\n"
    with pytest.raises(SourceError, match=r"^paper\.txt:\d+: no paragraphs found"):
        parse_bytes("scholarship", data, path="paper.txt")


def test_repeated_heading_number():
    data = b"## 1. One\n\nText.\n\n## 1. Again\n\nMore text.\n"
    with pytest.raises(SourceError, match=r"^paper\.txt:5: 'sec_1' occurs twice"):
        parse_bytes("scholarship", data, path="paper.txt")


def test_not_text():
    with pytest.raises(SourceError, match=r"^paper\.txt:2:1: not valid text"):
        parse_bytes("scholarship", b"Title\n\xc3\x28 abc", path="paper.txt")


def test_sentence_starting_with_keywords_stays_a_paragraph():
    doc = parse_bytes("scholarship", b"Keywords are chosen by the author.\nA second paragraph.\n")
    assert [n.eid for n in doc.nodes] == ["para_1", "para_2"]
    assert doc.meta["keywords"] == []
