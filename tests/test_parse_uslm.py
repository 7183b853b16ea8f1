"""USLM parser: the Federal Rules of Criminal Procedure (and IAD / CIPA) from usc18a.xml.

Expected values were read from the source file itself (its table of rules,
the text of Rule 11, the list of Rule 11's notes), not from the parser's output.
"""
from __future__ import annotations

import re

import pytest
from lxml import etree

from plea.corpus import fidelity
from plea.corpus.errors import ConfigError, SourceError
from plea.corpus.model import COMMENTARY, CONTAINER, PROVISION
from tests.conftest import FIXTURES, parse_bytes, parse_path

MINI = FIXTURES / "uslm" / "mini.xml"


# --- the real file -----------------------------------------------------------

@pytest.fixture(scope="module")
def usc18a(corpus_dir):
    return corpus_dir / "us" / "usc18a.xml"


@pytest.fixture(scope="module")
def frcrp(usc18a):
    return parse_path("uslm", usc18a, short_title="Fed. R. Crim. P.")


def provisions(doc):
    return [n for n, _ in doc.walk() if n.kind == PROVISION]


def test_rules_match_the_sources_own_table_of_rules(frcrp, usc18a):
    # The <toc> of <courtRules> lists the rules as "1.", "4.1.", … "62."
    root = etree.parse(str(usc18a)).getroot()
    toc = root.find(".//{*}courtRules/{*}toc")
    listed = [c.text.strip().rstrip(".") for c in toc.iter("{*}column")
              if c.get("class") == "twoColumnLeft"]
    assert len(listed) == 77
    rules = [n.num_norm for n, _ in frcrp.walk() if n.level == "rule"]
    assert rules == listed
    assert frcrp.count("rule") == 77
    for dotted in ("4.1", "5.1", "12.1", "12.2", "12.3", "12.4", "16.1", "17.1",
                   "26.1", "26.2", "26.3", "29.1", "32.1", "32.2", "49.1"):
        node = frcrp.find("rule_" + dotted.replace(".", "-"))
        assert node is not None and node.num_norm == dotted
        assert node.num == f"Rule {dotted}."
        assert node.citation == f"Fed. R. Crim. P. {dotted}"


def test_titles_are_containers_holding_their_rules(frcrp):
    titles = [n for n in frcrp.nodes if n.level == "title"]
    assert [t.eid for t in titles] == [f"title_{r}" for r in
                                       ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")]
    assert all(t.kind == CONTAINER for t in titles)
    title_iv = frcrp.find("title_IV")
    assert title_iv.num == "TITLE IV." and title_iv.heading == "ARRAIGNMENT AND PREPARATION FOR TRIAL"
    assert [c.num_norm for c in title_iv.children][:3] == ["10", "11", "12"]
    assert [c.eid for c in frcrp.find("title_II").children] == [
        "rule_3", "rule_4", "rule_4-1", "rule_5", "rule_5-1"]


def test_reserved_and_transferred_rules_are_kept(frcrp):
    assert frcrp.find("rule_19").attrs["status"] == "reserved"
    assert frcrp.find("rule_39").attrs["status"] == "reserved"
    assert frcrp.find("rule_22").attrs["status"] == "transferred"
    rule_54 = frcrp.find("rule_54")        # no @status, "[Transferred]" in its heading
    assert rule_54.attrs["status"] == "transferred"
    assert rule_54.attrs["footnotes"] == [{"mark": "1", "text": "All of Rule 54 was moved to Rule 1."}]


def test_rule_11_structure(frcrp):
    rule = frcrp.find("rule_11")
    assert (rule.num, rule.num_norm, rule.heading) == ("Rule 11.", "11", "Pleas")
    assert rule.citation == "Fed. R. Crim. P. 11"
    subsections = [c for c in rule.children if c.level == "subsection"]
    assert [s.num for s in subsections] == [f"({x})" for x in "abcdefgh"]
    assert [s.eid for s in subsections][2] == "rule_11__subsec_c"
    assert frcrp.find("rule_11__subsec_c").heading == "Plea Agreement Procedure."
    assert frcrp.find("rule_11__subsec_f").heading == (
        "Admissibility or Inadmissibility of a Plea, Plea Discussions, and Related Statements.")
    # 11(b)(1) lists (A) to (O).
    assert [c.num_norm for c in frcrp.find("rule_11__subsec_b__para_1").children] == list("ABCDEFGHIJKLMNO")


def test_rule_11_c_1(frcrp):
    para = frcrp.find("rule_11__subsec_c__para_1")
    assert para.level == "paragraph" and para.num == "(1)" and para.num_norm == "1"
    assert para.citation == "Fed. R. Crim. P. 11(c)(1)"
    assert para.text.startswith("In General. An attorney for the government and the defendant’s attorney")
    assert "The court must not participate in these discussions." in para.text
    assert para.text.endswith("the plea agreement may specify that an attorney for the government will:")
    assert [c.eid for c in para.children] == [
        "rule_11__subsec_c__para_1__subpara_A", "rule_11__subsec_c__para_1__subpara_B",
        "rule_11__subsec_c__para_1__subpara_C"]
    c = para.children[2]
    assert (c.level, c.num, c.num_norm) == ("subparagraph", "(C)", "C")
    assert c.citation == "Fed. R. Crim. P. 11(c)(1)(C)"
    assert c.text == (
        "agree that a specific sentence or sentencing range is the appropriate disposition of the "
        "case, or that a particular provision of the Sentencing Guidelines, or policy statement, or "
        "sentencing factor does or does not apply (such a recommendation or request binds the court "
        "once the court accepts the plea agreement).")
    assert para.children[0].text == "not bring, or will move to dismiss, other charges;"
    assert c.line == 1752


def test_rule_11_notes_are_commentary_after_the_subdivisions(frcrp):
    rule = frcrp.find("rule_11")
    kinds = [c.kind for c in rule.children]
    first_comment = kinds.index(COMMENTARY)
    assert all(k == PROVISION for k in kinds[:first_comment])
    assert all(k == COMMENTARY for k in kinds[first_comment:])
    credit = rule.children[first_comment]
    assert credit.eid == "rule_11__credit"
    assert credit.text.startswith("(As amended Feb. 28, 1966, eff. July 1, 1966; Apr. 22, 1974")
    notes = [c for c in rule.children if c.level == "note"]
    assert len(notes) == 19                 # the <note> elements of Rule 11's <notes>
    assert [n.eid for n in notes[:2]] == ["rule_11__note_1", "rule_11__note_2"]
    assert notes[0].heading == "Notes of Advisory Committee on Rules—1944"
    assert notes[0].citation == "Fed. R. Crim. P. 11 advisory committee's note"
    assert notes[4].heading == "Notes of Conference Committee, House Report No. 94–414; 1975 Amendment"
    assert notes[12].heading == "Committee Notes on Rules—2002 Amendment"
    assert notes[12].citation == "Fed. R. Crim. P. 11 advisory committee's note to 2002 amendment"
    assert notes[12].text.startswith("The language of Rule 11 has been amended and reorganized")
    assert notes[15].heading == "References in Text"
    assert notes[15].attrs["topic"] == "referencesInText"
    assert notes[-1].eid == "rule_11__note_19"


def test_no_note_text_inside_any_provision(frcrp):
    texts = [p.text for p in provisions(frcrp)]
    for node, _ in frcrp.walk():
        if node.kind != COMMENTARY or len(node.text) < 60:
            continue
        probe = node.text[:60]
        assert not any(probe in t for t in texts), node.eid
    assert not any("Advisory Committee" in t or "(As amended" in t for t in texts)


def test_deeper_levels_and_odd_nesting(frcrp):
    item = frcrp.find("rule_4__subsec_c__para_3__subpara_D__clause_ii__item_a")
    assert item.text == "stipulated by the parties;"
    assert item.citation == "Fed. R. Crim. P. 4(c)(3)(D)(ii)(a)"
    # Rule 40(a) has clauses (i), (ii) directly under the subsection.
    assert frcrp.find("rule_40__subsec_a__clause_ii").text == (
        "violating conditions of release set in another district.")
    assert frcrp.find("rule_40__subsec_a__clause_i").citation == "Fed. R. Crim. P. 40(a)(i)"


def test_editorial_footnotes_are_kept_out_of_the_rule_text(frcrp):
    clause = frcrp.find("rule_16__subsec_a__para_1__subpara_G__clause_i")
    assert "under Federal Rule of Evidence 702, 703, or 705 during its case-in-chief" in clause.text
    assert clause.attrs["footnotes"] == [{"mark": "1", "text": "See Codification note below."}]


def test_preface_and_meta(frcrp):
    preface = frcrp.nodes[0]
    assert preface.eid == "preface" and preface.heading == "FEDERAL RULES OF CRIMINAL PROCEDURE"
    assert preface.children[0].text == "(As amended to December 1, 2024)"
    assert preface.children[1].heading == "Historical Note"
    assert frcrp.title == "Federal Rules of Criminal Procedure"
    assert frcrp.meta["publication"] == "Online@119-36"
    assert frcrp.meta["toc"][0] == {"group": "TITLE I. APPLICABILITY"}
    assert frcrp.meta["toc"][1] == {"num": "1.", "heading": "Scope; Definitions."}


def test_eids_are_unique_and_dot_free(frcrp):
    eids = [n.eid for n, _ in frcrp.walk()]
    assert len(eids) == len(set(eids))
    assert not any("." in e for e in eids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", e) for e in eids)


@pytest.mark.parametrize("instrument", ["frcrp", "iad", "cipa"])
def test_fidelity_on_the_real_file(usc18a, instrument):
    doc = parse_path("uslm", usc18a, instrument=instrument)
    report = fidelity.check(doc)
    assert report.ok, report.residue[:5]
    assert report.body_chars > 10_000


def test_iad_sections_and_articles(usc18a):
    doc = parse_path("uslm", usc18a, instrument="iad")
    assert [n.eid for n in doc.nodes if n.level == "section"] == [f"sec_{i}" for i in range(1, 10)]
    assert [c.eid for c in doc.find("sec_2").children if c.level == "article"] == [
        f"art_{r}" for r in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")]
    para = doc.find("art_III__para_a")
    assert para.text.startswith("Whenever a person has entered upon a term of imprisonment")
    assert doc.find("art_V__para_b__subpara_1").text.startswith("Proper identification")
    assert doc.find("sec_9__para_2").citation == "IADA § 9(2)"


def test_cipa_sections(usc18a):
    doc = parse_path("uslm", usc18a, instrument="cipa", short_title="CIPA")
    sections = [n.num_norm for n in doc.nodes if n.level == "section"]
    assert sections == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "9A",
                        "10", "11", "12", "13", "14", "15", "16"]
    assert doc.find("sec_4").heading == "Discovery of classified information by defendants"
    assert doc.find("sec_6__subsec_a").citation == "CIPA § 6(a)"


# --- hand-written fixture ------------------------------------------------------

def test_fixture_frcrp():
    doc = parse_path("uslm", MINI)
    assert [n.eid for n in doc.nodes] == ["preface", "title_I", "title_II", "title_IV"]
    rule_1 = doc.find("rule_1")
    # footnote marker and body gone from the text, inline <i> kept as text
    assert rule_1.text == "These rules govern all criminal proceedings under Federal Rule of Evidence 702."
    assert rule_1.attrs["footnotes"] == [{"mark": "1", "text": "So in original."}]
    assert [c.eid for c in rule_1.children] == ["rule_1__credit"]
    assert doc.find("rule_5-1").citation == "Fed. R. Crim. P. 5.1"
    assert doc.find("rule_6").attrs == {"status": "reserved"}
    para = doc.find("rule_11__subsec_c__para_1")
    assert para.text.startswith("In General. The parties")
    assert para.wrapup == "A recommendation under (B) does not bind the court."
    sub = doc.find("rule_11__subsec_c__para_1__subpara_B__clause_i__subclause_I")
    assert (sub.level, sub.num, sub.text) == ("subclause", "(I)", "stated in the agreement; or")
    assert sub.citation == "Fed. R. Crim. P. 11(c)(1)(B)(i)(I)"
    assert [c.eid for c in doc.find("rule_11").children] == [
        "rule_11__subsec_c", "rule_11__credit", "rule_11__note_1", "rule_11__note_2",
        "rule_11__note_3"]
    note_2 = doc.find("rule_11__note_2")
    assert note_2.text == "Subdivision (c) is new.\nIt codifies practice."
    assert note_2.citation == "Fed. R. Crim. P. 11 advisory committee's note to 1975 amendment"
    assert doc.meta["toc"][2] == {"group": "TITLE II. PRELIMINARY PROCEEDINGS"}
    assert fidelity.check(doc).ok


def test_fixture_iad_and_cipa():
    iad = parse_path("uslm", MINI, instrument="iad")
    sec = iad.find("sec_2")
    assert sec.text == "The Agreement is enacted in the following form:"
    assert [c.eid for c in sec.children] == ["art_I", "art_V", "sec_2__credit"]
    assert [c.eid for c in iad.find("art_V").children] == [
        "art_V__para_a", "art_V__para_b", "art_V__para_c"]
    assert iad.find("art_V__para_b__subpara_2").citation == "IADA § 2, art. V(b)(2)"
    assert fidelity.check(iad).ok
    cipa = parse_path("uslm", MINI, instrument="cipa")
    subsec = cipa.find("sec_9A__subsec_a")
    assert subsec.text == "The Assistant Attorney General shall—"
    assert subsec.wrapup == "in writing and in a timely way."
    assert cipa.find("sec_9A__note_1").kind == COMMENTARY
    assert fidelity.check(cipa).ok


def test_fidelity_catches_lost_text():
    doc = parse_path("uslm", MINI)
    doc.find("rule_11__subsec_c__para_1").wrapup = None
    assert not fidelity.check(doc).ok


# --- encodings and bad input ---------------------------------------------------------

def _shape(doc):
    return [(n.eid, n.num, n.heading, n.text, n.wrapup, n.line) for n, _ in doc.walk()], doc.body_text


def test_bom_and_crlf_parse_identically():
    data = MINI.read_bytes()
    plain = parse_bytes("uslm", data)
    bom = parse_bytes("uslm", b"\xef\xbb\xbf" + data)
    crlf = parse_bytes("uslm", data.replace(b"\n", b"\r\n"))
    assert _shape(bom) == _shape(plain)
    assert _shape(crlf) == _shape(plain)


def test_malformed_xml_is_a_source_error():
    data = MINI.read_bytes().replace(b"</subsection>", b"", 1)
    with pytest.raises(SourceError) as err:
        parse_bytes("uslm", data, path="bad.xml")
    assert err.value.path == "bad.xml" and err.value.line is not None
    assert str(err.value).startswith(f"bad.xml:{err.value.line}:")


def test_unit_without_number_names_the_rule():
    data = MINI.read_bytes().replace(b'<num value="A">(A)</num>', b"", 1)
    with pytest.raises(SourceError) as err:
        parse_bytes("uslm", data, path="nonum.xml")
    assert str(err.value) == "nonum.xml:54 (Rule 11): <subparagraph> has no <num>"


def test_unexpected_element_is_a_source_error():
    data = MINI.read_bytes().replace(b"<content> A hearing is held.</content>",
                                     b"<table>x</table>", 1)
    with pytest.raises(SourceError, match=r"^odd\.xml:47 \(Rule 5\.1\): unexpected <table>"):
        parse_bytes("uslm", data, path="odd.xml")


def test_missing_instrument_and_unknown_option():
    data = MINI.read_bytes().replace(b"/pl/96/456", b"/pl/1/1")
    with pytest.raises(SourceError, match="no Classified Information Procedures Act"):
        parse_bytes("uslm", data, path="x.xml", instrument="cipa")
    with pytest.raises(ConfigError, match="unknown instrument 'frcp'"):
        parse_bytes("uslm", MINI.read_bytes(), instrument="frcp")


def test_hostile_xml_is_refused_by_the_parser():
    with pytest.raises(SourceError, match="entity"):
        parse_path("uslm", FIXTURES / "uslm" / "xxe.xml")


def test_duplicate_numbers_get_stable_distinct_eids():
    data = MINI.read_bytes().replace(b'<num value="C">(C)</num>', b'<num value="A">(A)</num>', 1)
    doc = parse_bytes("uslm", data)
    kids = [c.eid for c in doc.find("rule_11__subsec_c__para_1").children]
    assert kids == ["rule_11__subsec_c__para_1__subpara_A", "rule_11__subsec_c__para_1__subpara_B",
                    "rule_11__subsec_c__para_1__subpara_A_dup2"]
