"""The Guidelines Manual parser (ussg-html): the real 2016 manual, a hand-written
fixture in the same pandoc format, and malformed input.

Expected values on the real file were read from the HTML itself
(us/USSG_GuidelinesManual2016.html), not from the parser's output.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest

from plea.corpus import fidelity
from plea.corpus.errors import SourceError
from tests.conftest import FIXTURES, parse_bytes, parse_path

REAL = "us/USSG_GuidelinesManual2016.html"
MINI = FIXTURES / "ussg_html" / "mini_manual.html"


@pytest.fixture(scope="module")
def manual(corpus_dir):
    return parse_path("ussg-html", corpus_dir / REAL)


@pytest.fixture(scope="module")
def mini():
    return parse_path("ussg-html", MINI)


def _children(node):
    return [c.eid.rsplit("__", 1)[-1] for c in node.children]


# --- the real manual -----------------------------------------------------------

def test_real_fidelity(manual):
    report = fidelity.check(manual)
    assert report.ok, report.residue[:3]
    assert report.body_chars > 1_000_000


def test_real_eids_unique(manual):
    eids = [n.eid for n, _ in manual.walk()]
    assert len(eids) == len(set(eids))


def test_real_section_counts_per_chapter(manual):
    # Counted in the HTML: every bold paragraph opening "§<chapter><Part><subpart>.<n>."
    # (one, §2G1.3, lacks its "§"), plus the range "§§7A1.1 – 7A1.4 [Deleted]".
    sections = [n for n, _ in manual.walk() if n.level == "section"]
    per_chapter = Counter(n.num_norm[0] for n in sections)
    assert per_chapter == {"1": 14, "2": 207, "3": 20, "4": 8, "5": 66, "6": 9, "7": 6, "8": 42}
    assert len(sections) == 372


def test_real_section_numbers_run_without_gaps(manual):
    # The manual's own numbering: within each subpart (2B1, 5K2 …) sections run
    # 1, 2, 3 … (5K2 starts at 5K2.0), deleted ones included as "[Deleted]".
    groups: dict[str, list[int]] = {}
    for n, _ in manual.walk():
        if n.level == "section" and "-" not in n.num_norm:
            stem, number = n.num_norm.split(".")
            groups.setdefault(stem, []).append(int(number))
    for stem, numbers in groups.items():
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), stem
        assert numbers[0] in (0, 1), stem


def test_real_containers_match_table_of_contents(manual, corpus_dir):
    # The manual's table of contents lists chapters, parts and subparts (with
    # page numbers). Every entry but the three appendices (not in this file)
    # must be a container of the tree.
    html = (corpus_dir / REAL).read_text(encoding="utf-8")
    entries = re.findall(r"<p><a href='#[^']*'>([^<]*)</a></p>", html)
    assert len(entries) == 141

    def norm(s):
        return re.sub(r"\s+", " ", s.replace("―", "").replace("\u2011", "-")).strip().upper()

    printed = set()
    for node, _ in manual.walk():
        if node.kind == "container":
            printed.add(norm(node.num))
            printed.add(norm(node.heading or ""))
            printed.add(norm(f"{node.num} {node.heading}"))
    missing = [e for e in entries if norm(re.sub(r"\s+\d+$", "", e)) not in printed]
    assert missing == ["APPENDIX A (STATUTORY INDEX) 573", "INDEX TO GUIDELINES MANUAL 599",
                       "LIST OF DEPARTURE PROVISIONS 617"]
    levels = Counter(n.level for n, _ in manual.walk() if n.kind == "container")
    assert levels == {"chapter": 8, "part": 56, "subpart": 66}


def test_real_3e1_1(manual):
    sec = manual.find("sec_3E1-1")
    assert sec.num == "§3E1.1."
    assert sec.num_norm == "3E1.1"
    assert sec.line == 6125
    assert sec.heading == "Acceptance of Responsibility"
    assert sec.attrs["type"] == "guideline"
    assert sec.citation == "USSG §3E1.1"
    assert _children(sec) == ["subsec_a", "subsec_b", "cmt", "hist"]
    a, b = sec.children[0], sec.children[1]
    assert a.num == "(a)" and a.citation == "USSG §3E1.1(a)"
    assert a.text.startswith("If the defendant clearly demonstrates acceptance of responsibility")
    assert a.text.endswith("decrease the offense level by 2 levels.")
    assert b.citation == "USSG §3E1.1(b)"
    assert "upon motion of the government" in b.text
    assert b.text.endswith("decrease the offense level by 1 additional level.")
    # Commentary is kept out of the guideline text.
    assert "Application Notes" not in a.text + b.text
    cmt = manual.find("sec_3E1-1__cmt")
    assert cmt.kind == "commentary" and cmt.heading == "Commentary"
    assert _children(cmt) == ["notes", "backg"]
    notes = manual.find("sec_3E1-1__cmt__notes")
    assert notes.attrs["part"] == "application_notes"
    assert [n.num for n in notes.children] == ["1.", "2.", "3.", "4.", "5.", "6."]
    note1 = notes.children[0]
    assert note1.citation == "USSG §3E1.1, comment. (n.1)"
    assert note1.text.startswith("In determining whether a defendant qualifies under subsection (a)")
    assert "(H) the timeliness of the defendant’s conduct" in note1.text
    backg = manual.find("sec_3E1-1__cmt__backg")
    assert backg.attrs["part"] == "background"
    assert backg.citation == "USSG §3E1.1, comment. (backg'd.)"
    assert backg.text.startswith("The reduction of offense level provided by this section")
    hist = manual.find("sec_3E1-1__hist")
    assert hist.attrs["part"] == "historical_note"
    assert hist.text.startswith("Effective November 1, 1987.")


def test_real_chapter_six_part_b(manual):
    part = manual.find("chp_6__part_B")
    assert part.line == 7594
    assert part.heading == "Plea Agreements"
    assert part.citation == "USSG Ch.6, Pt.B"
    assert _children(part) == ["cmt_intro", "sec_6B1-1", "sec_6B1-2", "sec_6B1-3", "sec_6B1-4"]
    intro = part.children[0]
    assert intro.citation == "USSG Ch.6, Pt.B, intro. comment."
    assert intro.text.startswith("Policy statements governing the acceptance of plea agreements "
                                 "under Rule 11(c), Fed. R. Crim. P.")
    for sec in part.children[1:]:
        assert sec.attrs["type"] == "policy_statement"
        assert sec.heading.endswith("(Policy Statement)")
    sec = manual.find("sec_6B1-2")
    assert sec.heading == "Standards for Acceptance of Plea Agreements (Policy Statement)"
    assert sec.citation == "USSG §6B1.2, p.s."
    assert _children(sec) == ["subsec_a", "subsec_b", "subsec_c", "cmt", "hist"]
    a = manual.find("sec_6B1-2__subsec_a")
    assert a.text.startswith("In the case of a plea agreement that includes the dismissal")
    assert "However, a plea agreement that includes the dismissal of a charge" in a.text
    assert _children(manual.find("sec_6B1-2__subsec_b")) == ["para_1", "para_2"]
    c1 = manual.find("sec_6B1-2__subsec_c__para_1")
    assert c1.citation == "USSG §6B1.2(c)(1), p.s."
    assert c1.text == "the agreed sentence is within the applicable guideline range; or"
    cmt = manual.find("sec_6B1-2__cmt")   # unlabelled commentary: its own text
    assert cmt.children == []
    assert cmt.text.startswith("The court may accept an agreement calling for dismissal")
    assert _children(manual.find("sec_6B1-4")) == ["subsec_a", "subsec_b", "subsec_c",
                                                    "subsec_d", "cmt", "hist"]
    assert _children(manual.find("sec_6B1-4__subsec_a")) == ["para_1", "para_2", "para_3"]


def test_real_drug_quantity_table(manual):
    # §2D1.1 prints (d) and (e) before (c), the Drug Quantity Table, whose
    # levels are (1) … (17), followed by "*Notes to Drug Quantity Table:" (A) … (I).
    assert _children(manual.find("sec_2D1-1"))[:5] == ["subsec_a", "subsec_b", "subsec_d",
                                                       "subsec_e", "subsec_c"]
    c = manual.find("sec_2D1-1__subsec_c")
    assert _children(c) == [f"para_{i}" for i in range(1, 18)] + ["notes"]
    assert manual.find("sec_2D1-1__subsec_c__para_1").text.startswith(
        "90 KG or more of Heroin; Level 38")
    notes = manual.find("sec_2D1-1__subsec_c__notes")
    assert [n.num_norm for n in notes.children] == list("ABCDEFGHI")
    assert notes.children[0].citation == "USSG §2D1.1(c), Notes to Drug Quantity Table (A)"


def test_real_other_structures(manual):
    # Part R is printed as a bold paragraph, not a heading.
    assert manual.find("chp_2__part_R").heading == "ANTITRUST OFFENSES"
    # Chapter Seven, Part A: a numbered introduction, no sections.
    part = manual.find("chp_7__part_A")
    assert [c.heading for c in part.children if c.level == "intro"] == [
        "Authority", "Background", "Resolution of Major Issues", "The Basic Approach",
        "A Concluding Note"]
    assert _children(manual.find("chp_7__part_A__intro_2")) == ["subsec_a", "subsec_b"]
    assert manual.find("chp_7__part_A__intro_2__subsec_a").heading == "Probation."
    deleted = manual.find("sec_7A1-1_to_7A1-4")
    assert deleted.num_norm == "7A1.1-7A1.4" and deleted.attrs["status"] == "deleted"
    # Chapter One, Part A, Subpart 1: the original introduction, parts 1–5.
    sub1 = manual.find("chp_1__part_A__subpart_1")
    assert [c.num for c in sub1.children] == [None, "1.", "2.", "3.", "4.", "5."]
    assert manual.find("chp_1__part_A__subpart_1__intro_4__subsec_c").heading == \
        "Plea Agreements."
    assert manual.find("chp_1__part_A__subpart_1__intro_4").citation == \
        "USSG Ch.1, Pt.A, subpt.1(4)"
    # An item pandoc turned into <ol> (its "(A)" is the list style, not text).
    item = manual.find("sec_1B1-10__subsec_a__para_2__subpara_A")
    assert item.num is None and item.attrs["num_implied"] == "(A)"
    assert item.text.startswith("none of the amendments listed in subsection (d)")
    # The concluding commentary to Chapter Three, Part D and its illustrations.
    concl = manual.find("chp_3__part_D__cmt_concl")
    assert concl.citation == "USSG Ch.3, Pt.D, concl. comment."
    assert _children(concl) == ["illustrations", "hist"]


def test_real_front_matter_left_out(manual):
    assert "TABLE OF CONTENTS" not in manual.body_text
    assert "RECOMMENDED CITATION FORM" not in manual.body_text
    assert manual.body_text.lstrip().startswith("CHAPTER ONE")
    assert len(manual.meta["toc"]) == 141
    assert "RECOMMENDED CITATION FORM" in manual.meta["front_matter"]
    assert "media/image3.emf" in manual.meta["images"]   # the Sentencing Table


# --- the hand-written fixture --------------------------------------------------

def test_fixture_fidelity(mini):
    assert fidelity.check(mini).ok
    assert mini.title == "UNITED STATES SENTENCING COMMISSION GUIDELINES MANUAL 2099"
    assert [e["text"] for e in mini.meta["toc"]] == [
        "CHAPTER THREE", "Part E ― Sample Adjustments 1", "CHAPTER SIX",
        "Part B ― Sample Agreements 2"]


def test_fixture_containers(mini):
    assert [n.eid for n in mini.nodes] == ["chp_3", "chp_6"]
    chp = mini.nodes[0]
    assert (chp.num, chp.num_norm, chp.heading) == (
        "CHAPTER THREE", "3", "Sample Adjustments, and Other Matters")
    sub = mini.find("chp_3__part_E__subpart_1")
    assert (sub.level, sub.num, sub.heading, sub.citation) == (
        "subpart", "1.", "Sample Subpart", "USSG Ch.3, Pt.E, subpt.1")
    assert _children(sub) == ["sec_3E1-1"]


def test_fixture_guideline_subdivisions(mini):
    sec = mini.find("sec_3E1-1")
    assert _children(sec) == ["subsec_a", "subsec_b", "subsec_c", "cmt", "hist"]
    assert sec.wrapup == "* * * * *"
    b = mini.find("sec_3E1-1__subsec_b")
    assert b.heading == "Further Decrease.—"
    assert b.text == "Upon motion of the sample party:"
    assert _children(b) == ["para_1", "para_2"]
    p1 = mini.find("sec_3E1-1__subsec_b__para_1")
    assert p1.text == "" and _children(p1) == ["subpara_A", "subpara_B"]
    clause = mini.find("sec_3E1-1__subsec_b__para_1__subpara_B__clause_ii")
    assert clause.level == "clause"
    assert clause.citation == "USSG §3E1.1(b)(1)(B)(ii)"
    assert clause.text == "clause two;\nwords that continue the clause list."
    c = mini.find("sec_3E1-1__subsec_c")
    assert c.text == "Sample Table\nAmount Increase in Level"
    assert _children(c) == ["para_1", "para_2", "notes"]
    note_b = mini.find("sec_3E1-1__subsec_c__notes__subpara_B")
    assert note_b.citation == "USSG §3E1.1(c), Notes to Sample Table (B)"
    assert note_b.text == "Round down."


def test_fixture_commentary(mini):
    cmt = mini.find("sec_3E1-1__cmt")
    assert _children(cmt) == ["stat", "notes", "backg"]
    assert mini.find("sec_3E1-1__cmt__stat").text == "18 U.S.C. § 9999."
    n1 = mini.find("sec_3E1-1__cmt__notes__note_1")
    assert (n1.num, n1.num_norm, n1.heading) == ("1.", "1", "Definitions.—")
    assert n1.text == ("For purposes of this sample, words mean things.\n"
                       "(A) Sub-note.—An indented sub-item of note one.")
    n2 = mini.find("sec_3E1-1__cmt__notes__note_2")
    assert n2.heading is None
    assert n2.text.endswith("Example: a paragraph that continues note two.")
    assert mini.find("sec_3E1-1__cmt__backg").text == \
        "Why this sample exists.\nA second background paragraph."
    assert mini.find("sec_3E1-1__hist").text == "Effective November 1, 2099 (amendment 1)."


def test_fixture_policy_statement_and_container_text(mini):
    intro = mini.find("chp_6__part_B__cmt_intro")
    assert intro.text == "Policy statements in this sample part govern sample agreements."
    assert _children(intro) == ["hist"]
    sec = mini.find("sec_6B1-2")
    assert sec.attrs == {"type": "policy_statement"}
    assert sec.citation == "USSG §6B1.2, p.s."
    assert _children(sec) == ["subsec_a", "subsec_b", "cmt", "hist"]
    table = mini.find("sec_6B1-2__subsec_a__table_1")
    assert table.level == "table" and table.text == "Offense Level\tAmount\n6\t$100"
    implied = mini.find("sec_6B1-2__subsec_b__para_1")
    assert implied.num is None and implied.num_norm == "1"
    assert mini.find("sec_6B1-2__subsec_b__para_2").num == "(2)"
    assert mini.find("sec_6B1-2__cmt").text == "Unlabelled sample commentary."
    deleted = mini.find("sec_6B1-5_to_6B1-6")
    assert deleted.citation == "USSG §§6B1.5–6B1.6"
    assert deleted.attrs == {"status": "deleted"}
    assert mini.find("chp_6__part_A__intro_1").text == \
        "The sample commission may write sample policy."
    sub = mini.find("chp_6__part_A__intro_2__subsec_a")
    assert (sub.num, sub.heading, sub.citation) == ("(a)", "Probation.", "USSG Ch.6, Pt.A(2)(a)")


def _tree(doc):
    return [(n.eid, n.num, n.heading, n.text, n.wrapup, n.line) for n, _ in doc.walk()]


def test_encoding_variants_parse_identically():
    data = MINI.read_bytes()
    plain = parse_bytes("ussg-html", data, path=str(MINI))
    bom = parse_bytes("ussg-html", b"\xef\xbb\xbf" + data, path=str(MINI))
    crlf = parse_bytes("ussg-html", data.replace(b"\n", b"\r\n"), path=str(MINI))
    assert _tree(plain) == _tree(bom) == _tree(crlf)
    assert fidelity.check(crlf).ok


# --- malformed input -----------------------------------------------------------

HEAD = "<html><body>\n"


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b"   \n", "empty file"),
    (b"Just some text, no markup at all.\n", "not an HTML document"),
    (b"<html><body><h1>CHAPTER ONE</h1><p>No guideline here.</p></body></html>",
     "no guideline section heading"),
])
def test_malformed_documents(data, message):
    with pytest.raises(SourceError) as err:
        parse_bytes("ussg-html", data, path="bad.html")
    assert str(err.value).startswith("bad.html")
    assert message in str(err.value)


@pytest.mark.parametrize("body, line, message", [
    ("<h1>CHAPTER TWO</h1>\n<h2>Part E ― X</h2>\n<p><strong>§3E1.1. Misplaced</strong></p>\n",
     4, "§3E1.1 is printed inside chapter 2"),
    ("<h1>CHAPTER THREE</h1>\n<h2>Part E ― X</h2>\n<p><strong>§3E1.1. One</strong></p>\n"
     "<p><strong>§3E1.1. Again</strong></p>\n", 5, "sec_3E1-1 appears twice"),
    ("<h1>CHAPTER THREE</h1>\n<h2>Appendix Q</h2>\n<p><strong>§3E1.1. One</strong></p>\n",
     3, "unrecognised part heading"),
    ("<h1>CHAPTER THIRTY</h1>\n<p><strong>§3E1.1. One</strong></p>\n",
     2, "unknown chapter number"),
])
def test_malformed_structure_names_file_and_line(body, line, message):
    with pytest.raises(SourceError) as err:
        parse_bytes("ussg-html", (HEAD + body + "</body></html>").encode(), path="bad.html")
    assert err.value.line == line
    assert str(err.value).startswith(f"bad.html:{line}")
    assert message in str(err.value)


def test_not_utf8_names_the_place():
    # "§" in Windows-1252 is the byte 0xA7, not UTF-8.
    data = (HEAD + "<h1>CHAPTER THREE</h1>\n<p><strong>").encode() + b"\xa73E1.1." + \
        b"</strong></p></body></html>"
    with pytest.raises(SourceError) as err:
        parse_bytes("ussg-html", data, path="bad.html")
    assert str(err.value).startswith("bad.html:3:")
