"""US Code Markdown chunks (18 U.S.C. §§ 3553, 3742): usc_markdown parser."""
from __future__ import annotations

from pathlib import Path

import pytest

from plea.corpus import fidelity
from plea.corpus.errors import SourceError
from plea.corpus.model import Document
from tests.conftest import FIXTURES, encoding_variants, parse_bytes, parse_path, tree_shape

PARSER = "usc-markdown"
CHUNKS = "us/usc18_3553_markdown_chunks"
SUBSECTION_FILES = {letter: f"chunck-{n}.md" for letter, n in zip("abcdefg", range(1885, 1892))}
MINI = FIXTURES / "usc_markdown" / "chunk-1201b.md"


@pytest.fixture(scope="module")
def chunks(corpus_dir: Path) -> dict[str, Document]:
    docs = {letter: parse_path(PARSER, corpus_dir / CHUNKS / name)
            for letter, name in SUBSECTION_FILES.items()}
    docs["3742c"] = parse_path(PARSER, corpus_dir / CHUNKS / "chunck-2103.md")
    return docs


def kids(doc: Document, eid: str) -> list[str]:
    return [c.num_norm for c in doc.find(eid).children]


def test_fidelity_every_chunk(chunks):
    for key, doc in chunks.items():
        report = fidelity.check(doc)
        assert report.ok, (key, report.residue[:3])


def test_shared_headings_identical(chunks):
    """The build merges chunks by eid: the upper nodes must agree in every file."""
    for key, doc in chunks.items():
        (title,) = doc.nodes
        assert (title.eid, title.num, title.heading) == (
            "title_18", "Title 18—", "CRIMES AND CRIMINAL PROCEDURE"), key
        chapter = title.children[0]
        section = chapter.children[0]
        if key == "3742c":
            assert (chapter.eid, chapter.heading) == ("title_18__chp_235", "APPEAL")
            assert (section.eid, section.num, section.heading) == (
                "sec_3742", "§ 3742.", "Review of a sentence")
            continue
        assert (chapter.eid, chapter.num, chapter.heading, chapter.level) == (
            "title_18__chp_227", "CHAPTER 227—", "SENTENCES", "chapter")
        assert (section.eid, section.num, section.num_norm, section.heading, section.citation) == (
            "sec_3553", "§ 3553.", "3553", "Imposition of a sentence", "18 U.S.C. § 3553")
        assert [c.eid for c in section.children] == [f"sec_3553__subsec_{key}"]


def test_3553a_outline(chunks):
    a = chunks["a"]
    sub = a.find("sec_3553__subsec_a")
    assert sub.num == "(a)" and sub.heading == "Factors To Be Considered in Imposing a Sentence."
    assert sub.text.startswith("The court shall impose a sentence sufficient, but not greater than")
    assert kids(a, "sec_3553__subsec_a") == ["1", "2", "3", "4", "5", "6", "7"]
    assert kids(a, "sec_3553__subsec_a__para_2") == ["A", "B", "C", "D"]
    assert kids(a, "sec_3553__subsec_a__para_4") == ["A", "B"]
    assert kids(a, "sec_3553__subsec_a__para_4__subpara_A") == ["i", "ii"]
    assert kids(a, "sec_3553__subsec_a__para_5") == ["A", "B"]
    node = a.find("sec_3553__subsec_a__para_2__subpara_A")
    assert node.level == "subparagraph" and node.num == "(A)"
    assert node.citation == "18 U.S.C. § 3553(a)(2)(A)"
    assert node.text.startswith("to reflect the seriousness of the offense")
    clause = a.find("sec_3553__subsec_a__para_4__subpara_A__clause_ii")
    assert clause.level == "clause" and clause.citation == "18 U.S.C. § 3553(a)(4)(A)(ii)"
    assert a.find("sec_3553__subsec_a__para_2").text == "the need for the sentence imposed"
    assert a.find("sec_3553__subsec_a__para_7").text == (
        "the need to provide restitution to any victims of the offense.")


def test_3553b_headings_and_subclauses(chunks):
    b = chunks["b"]
    p1 = b.find("sec_3553__subsec_b__para_1")
    assert p1.heading == "In general." and p1.text.startswith("Except as provided in paragraph (2)")
    p2a = b.find("sec_3553__subsec_b__para_2__subpara_A")
    assert p2a.heading == "2 Sentencing." and p2a.attrs["footnote_ref"] == "2"
    assert p2a.text.startswith("In sentencing a defendant convicted of an offense under "
                               "section 1201")
    assert kids(b, "sec_3553__subsec_b__para_2__subpara_A") == ["i", "ii", "iii"]
    assert kids(b, "sec_3553__subsec_b__para_2__subpara_A__clause_ii") == ["I", "II", "III"]
    sub = b.find("sec_3553__subsec_b__para_2__subpara_A__clause_ii__subclause_III")
    assert sub.level == "subclause"
    assert sub.citation == "18 U.S.C. § 3553(b)(2)(A)(ii)(III)"


def test_other_subsections(chunks):
    assert kids(chunks["c"], "sec_3553__subsec_c") == ["1", "2"]
    assert kids(chunks["d"], "sec_3553__subsec_d") == ["1", "2", "3"]
    assert kids(chunks["e"], "sec_3553__subsec_e") == []
    assert kids(chunks["f"], "sec_3553__subsec_f") == ["1", "2", "3", "4", "5"]
    assert kids(chunks["f"], "sec_3553__subsec_f__para_1") == ["A", "B", "C"]
    g = chunks["g"].find("sec_3553__subsec_g")
    assert g.heading == "Definition of Violent Offense." and "“violent offense”" in g.text


def test_3742c(chunks):
    doc = chunks["3742c"]
    c = doc.find("sec_3742__subsec_c")
    assert c.heading == "Plea Agreements." and c.citation == "18 U.S.C. § 3742(c)"
    assert c.text.endswith("rule 11(e)(1)(C) of the Federal Rules of Criminal Procedure")
    assert kids(doc, "sec_3742__subsec_c") == ["1", "2"]
    assert doc.find("sec_3742__subsec_c__para_2").text.startswith("the Government may not file")
    assert doc.title == "18 U.S.C. § 3742(c) Plea Agreements."


# --- the hand-written fixture ----------------------------------------------------------

@pytest.fixture(scope="module")
def mini() -> Document:
    return parse_path(PARSER, MINI)


def test_mini(mini):
    assert fidelity.check(mini).ok
    assert mini.find("title_99__chp_12").citation == "99 U.S.C. ch. 12"
    sub = mini.find("sec_1201__subsec_b")
    assert sub.heading == "Sample Subsection." and sub.text == "The court shall"
    p1 = mini.find("sec_1201__subsec_b__para_1")
    assert p1.heading == "In general." and p1.text == "Except as provided, the court shall consider"
    assert kids(mini, "sec_1201__subsec_b__para_1__subpara_B") == ["i", "ii", "iii"]
    assert kids(mini, "sec_1201__subsec_b__para_1__subpara_B__clause_ii") == ["I", "II"]
    # Text after a list: the wrapup of the node holding the innermost list.
    b = mini.find("sec_1201__subsec_b__para_1__subpara_B")
    assert b.wrapup == "and shall state its reasons."
    a = mini.find("sec_1201__subsec_b__para_2__subpara_A")
    assert a.heading == "3 Special rule." and a.text == "In a special case the court may act. 4"
    # (I) after (H) with no clause open is subparagraph I, not a subclause.
    i = mini.find("sec_1201__subsec_b__para_2__subpara_I")
    assert i.level == "subparagraph" and i.citation == "99 U.S.C. § 1201(b)(2)(I)"
    assert kids(mini, "sec_1201__subsec_b") == ["1", "2", "3"]


def test_encodings_parse_identically():
    data = MINI.read_bytes()
    plain = tree_shape(parse_bytes(PARSER, data))
    for variant in encoding_variants(data).values():
        assert tree_shape(parse_bytes(PARSER, variant)) == plain


# --- bad input -----------------------------------------------------------------------

HEAD = "\n# Title 18— CRIMES\n### CHAPTER 227— SENTENCES\n"


@pytest.mark.parametrize("body, line, message", [
    (HEAD + "###### (a) Orphan .\n\nText.\n", 4, "subsection heading before the section heading"),
    (HEAD + "\nSome text.\n", 5, "text before the section heading"),
    (HEAD, 4, "no section heading"),
    (HEAD + "#### § 3553. Imposition\n## Something else\n", 5, "unrecognised heading"),
    ("\n#### § 1. Orphan\n", 2, "without a 'Title' heading"),
    (HEAD + "#### § 1. A\n\n(1) x\n\n(1) y\n", 8, "appears twice"),
])
def test_bad_input(body, line, message):
    with pytest.raises(SourceError) as info:
        parse_bytes(PARSER, body.encode(), path="bad/chunk.md")
    err = info.value
    assert err.path == "bad/chunk.md" and err.line == line and message in err.message
    assert str(err).startswith(f"bad/chunk.md:{line}: ")
