"""German statutes in bundestag/gesetze Markdown (StPO, StGB): de_markdown parser."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from plea.corpus import fidelity
from plea.corpus.errors import SourceError
from plea.corpus.model import Document, Node
from tests.conftest import FIXTURES, encoding_variants, parse_bytes, parse_path, tree_shape

PARSER = "de-markdown"
STPO = "de/StPO_bundestag-gesetze_index.md"
STGB = "de/StGB_bundestag-gesetze_index.md"
MINI = FIXTURES / "de_markdown" / "mini_gesetz.md"
# Independent counts: a § heading line at any depth, and a repealed range heading.
SECTION_HEADING = re.compile(r"^#{2,6} § \d+[a-z]* ", re.M)
RANGE_HEADING = re.compile(r"^#{2,6} \(XXXX\) ?§§ ", re.M)


def parent_of(doc: Document, eid: str) -> Node | None:
    return next(p for n, p in doc.walk() if n.eid == eid)


def sections(doc: Document, *, ranges: bool = False) -> list[Node]:
    return [n for n, _ in doc.walk()
            if n.level == "section" and ("covers" in n.attrs) == ranges]


@pytest.fixture(scope="module")
def stpo(corpus_dir: Path) -> Document:
    return parse_path(PARSER, corpus_dir / STPO, lang="de", short_title="StPO")


@pytest.fixture(scope="module")
def stgb(corpus_dir: Path) -> Document:
    return parse_path(PARSER, corpus_dir / STGB, lang="de", short_title="StGB")


# --- the real StPO -------------------------------------------------------------------

def test_stpo_fidelity(stpo):
    report = fidelity.check(stpo)
    assert report.ok, report.residue[:3]
    assert report.body_chars > 500_000


def test_stpo_section_count_and_last(stpo, corpus_dir):
    raw = (corpus_dir / STPO).read_text(encoding="utf-8")
    single = sections(stpo)
    assert len(single) == len(SECTION_HEADING.findall(raw)) == 680
    assert len(sections(stpo, ranges=True)) == len(RANGE_HEADING.findall(raw)) == 4
    assert single[-1].num == "§ 500" and single[-1].heading == "Entsprechende Anwendung"
    assert stpo.count("book") == 8


def test_stpo_257c(stpo):
    sec = stpo.find("sec_257c")
    assert sec.num == "§ 257c" and sec.num_norm == "257c"
    assert sec.heading == "Verständigung zwischen Gericht und Verfahrensbeteiligten"
    assert sec.citation == "§ 257c StPO"
    assert [c.num for c in sec.children] == ["(1)", "(2)", "(3)", "(4)", "(5)"]
    abs2 = stpo.find("sec_257c__para_2")
    assert abs2.citation == "§ 257c Abs. 2 StPO"
    # hard-wrapped lines joined with single spaces
    assert abs2.text.startswith("Gegenstand dieser Verständigung dürfen nur die Rechtsfolgen "
                                "sein, die Inhalt des Urteils")
    assert abs2.text.endswith("dürfen nicht Gegenstand einer Verständigung sein.")
    # Sixth Abschnitt (Hauptverhandlung) of the second Buch.
    chapter = parent_of(stpo, "sec_257c")
    assert chapter.eid == "book_2__chp_6" and chapter.heading == "Hauptverhandlung"
    assert chapter.num == "Sechster Abschnitt" and chapter.level == "chapter"


def test_stpo_153a_items_and_wrapup(stpo):
    abs1 = stpo.find("sec_153a__para_1")
    assert [c.num_norm for c in abs1.children] == [str(i) for i in range(1, 8)]
    nr1 = stpo.find("sec_153a__para_1__item_1")
    assert nr1.num == "1." and nr1.level == "item"
    assert nr1.citation == "§ 153a Abs. 1 Nr. 1 StPO"
    assert nr1.text == ("zur Wiedergutmachung des durch die Tat verursachten Schadens eine "
                        "bestimmte Leistung zu erbringen,")
    assert abs1.text.endswith("Als Auflagen oder Weisungen kommen insbesondere in Betracht,")
    assert abs1.wrapup.startswith("Zur Erfüllung der Auflagen und Weisungen setzt")
    assert abs1.wrapup.endswith("§ 246a Absatz 2 gilt entsprechend.")


def test_stpo_nested_letters(stpo):
    aa = stpo.find("sec_338__item_1__subitem_b__subsubitem_aa")
    assert aa.text == "die Vorschriften über die Mitteilung verletzt worden sind,"
    assert aa.citation == "§ 338 Nr. 1 Buchst. b Doppelbuchst. aa StPO"
    assert stpo.find("sec_338__item_1__subitem_a").citation == "§ 338 Nr. 1 Buchst. a StPO"


def test_stpo_structure_oddities(stpo):
    # "#### Abschnitt 4a" is one '#' deeper than "### Vierter Abschnitt" but its sibling.
    assert parent_of(stpo, "book_1__chp_4a").eid == "book_1"
    assert stpo.find("book_1__chp_4a").heading == "Gerichtliche Entscheidungen"
    assert parent_of(stpo, "sec_33").eid == "book_1__chp_4a"
    # "### § 359" directly under the Viertes Buch.
    assert parent_of(stpo, "sec_359").eid == "book_4"
    rng = stpo.find("sec_17-18")
    assert rng.num == "§§ 17 und 18"
    assert rng.attrs == {"covers": ["17", "18"], "status": "repealed"}
    assert stpo.find("sec_277-284").attrs["covers"] == [str(n) for n in range(277, 285)]
    assert stpo.find("sec_39").attrs["status"] == "repealed"
    assert stpo.find("book_2__chp_3").attrs["status"] == "repealed"


def test_stpo_head_and_annex(stpo):
    assert stpo.title == "Strafprozeßordnung (StPO)"
    assert stpo.meta["front_matter"]["jurabk"] == "StPO"
    assert stpo.meta["ausfertigungsdatum"] == "1950-09-12"
    assert stpo.meta["fundstelle"] == "BGBl: 1950, 455, 629"
    assert stpo.meta["stand"] == "Art. 1 G v. 21.12.2021 I 5252"
    assert stpo.meta["annex_intro"].startswith("Auszug aus EinigVtr Anlage I Kapitel III")
    annex = stpo.find("annex_EV")
    assert annex.num == "Anhang EV" and annex.kind == "provision"
    assert stpo.find("annex_EV__item_14__subitem_d").citation == "Anhang EV Nr. 14 Buchst. d StPO"
    # § 500 does not swallow the Anhang's title block.
    assert "Auszug" not in (stpo.find("sec_500__para_2").wrapup or "")


# --- the real StGB -------------------------------------------------------------------

def test_stgb_fidelity(stgb):
    report = fidelity.check(stgb)
    assert report.ok, report.residue[:3]


def test_stgb_counts(stgb, corpus_dir):
    raw = (corpus_dir / STGB).read_text(encoding="utf-8")
    single = sections(stgb)
    assert len(single) == len(SECTION_HEADING.findall(raw)) == 550
    assert len(sections(stgb, ranges=True)) == len(RANGE_HEADING.findall(raw)) == 9
    assert single[-1].num == "§ 358" and single[-1].heading == "Nebenfolgen"
    assert stgb.count("part") == 2


def test_stgb_46b_and_46(stgb):
    sec = stgb.find("sec_46b")
    assert sec.heading == "Hilfe zur Aufklärung oder Verhinderung von schweren Straftaten"
    assert sec.citation == "§ 46b StGB"
    assert parent_of(stgb, "sec_46b").eid == "part_allgemeiner_teil__chp_3__title_2"
    # § 46 Abs. 2: an unnumbered bullet list stays in the Absatz's own text.
    abs2 = stgb.find("sec_46__para_2")
    assert not abs2.children
    assert "\ndas Maß der Pflichtwidrigkeit,\n" in abs2.text


def test_stgb_second_list_and_footnote(stgb):
    # § 68b Abs. 1: items 1-12 (Satz 1), text, then items 1-4 of Satz 3 ("Satz 3 Nummer 1"
    # is how the same Absatz refers to them).
    lst = stgb.find("sec_68b__para_1__list_2")
    assert lst.text.startswith("Das Gericht hat in seiner Weisung")
    assert stgb.find("sec_68b__para_1__item_12") is not None
    item = stgb.find("sec_68b__para_1__list_2__item_1")
    assert item.citation == "§ 68b Abs. 1 Satz 3 Nr. 1 StGB"
    assert lst.wrapup.startswith("Die Voraussetzungen von Satz 3 Nummer 1")
    note = stgb.find("sec_184l__note_1")
    assert note.kind == "commentary" and note.text.startswith("Notifiziert gemäß der Richtlinie")
    assert note.attrs["footnote"] == "F816419_01_BJNR001270871BJNE069400360"
    assert "Notifiziert" not in stgb.find("sec_184l__para_5").text


# --- the hand-written fixture ------------------------------------------------------------

@pytest.fixture(scope="module")
def mini() -> Document:
    return parse_path(PARSER, MINI, lang="de")


def test_mini_fidelity(mini):
    assert fidelity.check(mini).ok


def test_mini_meta(mini):
    assert mini.title == "Mustergesetz (MustG)"
    assert mini.meta["stand"] == "Art. 2 G v. 4.5.2020 I 200"
    assert [p["term"] for p in mini.meta["head"]] == [
        "Ausfertigungsdatum", "Fundstelle", "Zuletzt geändert durch", "Änderung durch"]
    assert mini.meta["annex_intro"] == (
        "Auszug aus Mustervertrag Anlage I (BGBl. II 1990, 1) Abschnitt III")


def test_mini_tree(mini):
    assert [n.eid for n in mini.nodes] == ["book_1", "book_2", "annex_EV"]
    assert [c.eid for c in mini.find("book_1").children] == ["book_1__chp_1", "book_1__chp_1a"]
    assert [c.eid for c in mini.find("book_1__chp_1").children] == [
        "sec_1", "sec_2", "sec_3-5", "sec_6"]
    sec1 = mini.find("sec_1")
    assert sec1.text == "Dieses Gesetz gilt für alle Verfahren nach diesem Gesetz."
    assert sec1.citation == "§ 1 MustG"          # jurabk when no short title is given
    abs2 = mini.find("sec_2__para_2")
    assert [c.eid for c in abs2.children] == [
        "sec_2__para_2__item_1", "sec_2__para_2__item_2", "sec_2__para_2__item_3",
        "sec_2__para_2__list_2"]
    b = mini.find("sec_2__para_2__item_2__subitem_b")
    assert b.text == "eine Zahlung, und zwar"
    assert [c.num for c in b.children] == ["aa)", "bb)"]
    bb = mini.find("sec_2__para_2__item_2__subitem_b__subsubitem_bb")
    assert bb.text == "an die Staatskasse,"
    lst = mini.find("sec_2__para_2__list_2")
    assert lst.text == ("Der Schuldspruch ist ausgeschlossen. "
                        "Eine Verständigung ist nur wirksam, wenn")
    assert lst.attrs["satz"] == 3 and lst.wrapup == "Satz 3 gilt entsprechend."
    assert mini.find("sec_2__para_2__list_2__item_2").citation == "§ 2 Abs. 2 Satz 3 Nr. 2 MustG"
    assert mini.find("sec_2__para_2__item_3").citation == "§ 2 Abs. 2 Nr. 3 MustG"
    assert mini.find("sec_2__para_2a").attrs["status"] == "repealed"


def test_mini_repealed_and_notes(mini):
    rng = mini.find("sec_3-5")
    assert rng.num == "§§ 3 bis 5" and rng.num_norm == "3-5"
    assert rng.attrs == {"covers": ["3", "4", "5"], "status": "repealed"}
    assert rng.citation == "§§ 3 bis 5 MustG"
    sec6 = mini.find("sec_6")
    assert sec6.attrs["status"] == "repealed" and not sec6.text and not sec6.children
    f = mini.find("sec_6a__para_1")
    assert f.text == 'Der Richter richtet die Worte:\n"Sie schwören es",\n"Ich schwöre es".'
    assert mini.find("sec_6a__para_2").text == "Bezug auf § 126. Absatz 1 gilt."   # "\." unescaped
    note = mini.find("sec_6a__note_1")
    assert note.kind == "commentary" and note.citation is None
    assert note.text == "Notifiziert gemäß Richtlinie (EU) 2015/1535."
    assert note.attrs == {"footnote": "F1_XYZ"}


def test_mini_wrapup_and_annex(mini):
    sec7 = mini.find("sec_7")
    assert parent_of(mini, "sec_7").eid == "book_2"
    assert sec7.text == "Die Wirkung tritt ein, wenn"
    assert sec7.wrapup == "so dass das Verfahren endet."
    annex = mini.find("annex_EV")
    assert annex.heading == "Sonderregelung -" and annex.text == "Abschnitt III Maßgaben:"
    a = mini.find("annex_EV__item_14__subitem_a")
    assert a.attrs["status"] == "inapplicable"
    assert a.citation == "Anhang EV Nr. 14 Buchst. a MustG"


def test_mini_short_title_from_context():
    doc = parse_path(PARSER, MINI, lang="de", short_title="MG")
    assert doc.find("sec_2__para_1").citation == "§ 2 Abs. 1 MG"


def test_encodings_parse_identically():
    data = MINI.read_bytes()
    plain = parse_bytes(PARSER, data, lang="de")
    for variant in encoding_variants(data).values():
        other = parse_bytes(PARSER, variant, lang="de")
        assert tree_shape(other) == tree_shape(plain)
        assert other.body_text == plain.body_text


# --- bad input ---------------------------------------------------------------------

GOOD_HEAD = "# Gesetz (G)\n\n## Erstes Buch - A\n\n"


@pytest.mark.parametrize("body, line, message", [
    (GOOD_HEAD + "#### § 1 Eins\n\nText.\n\n#### § Verständigung\n\nText.\n", 9,
     "section heading without a number"),
    (GOOD_HEAD + "#### § 1 Eins\n\n(1) a\n\n(1) b\n", 9, "sec_1__para_1 appears twice"),
    (GOOD_HEAD + "Text unter dem Buch.\n", 5, "text outside any §"),
    (GOOD_HEAD + "#### Irgendwas\n", 5, "unrecognised heading"),
    ("# Gesetz\n\nAusfertigungsdatum\n2001\n", 4, "unexpected text in the head"),
    ("---\nTitle: [unclosed\n---\n# G\n", 2, "front matter is not valid YAML"),
    ("---\nTitle: G\n# G\n", 1, "never closed"),
    ("# Gesetz\n\n:   Wert ohne Begriff\n", 3, "unexpected text in the head"),
])
def test_bad_input(body, line, message):
    with pytest.raises(SourceError) as info:
        parse_bytes(PARSER, body.encode(), path="bad/gesetz.md", lang="de")
    err = info.value
    assert err.path == "bad/gesetz.md" and err.line == line
    assert message in str(err) and str(err).startswith(f"bad/gesetz.md:{line}")


def test_no_sections_is_an_error():
    with pytest.raises(SourceError, match="no § headings"):
        parse_bytes(PARSER, b"# Gesetz\n\n## Erstes Buch - A\n", path="x.md")


def test_not_utf8_names_the_file():
    with pytest.raises(SourceError, match=r"^x\.md:1:"):
        parse_bytes(PARSER, "# Straßenverkehrsgesetz\n".encode("latin-1"), path="x.md", lang="de")
