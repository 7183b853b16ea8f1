"""`plea brief`: the reform brief in DOCX, Markdown and HTML.

Built on the real corpus with stand-in tags (tests/fixtures/brief/tags.jsonl, labelled
by reading). Every quotation must be the corpus text exactly: a provision's text, or a
scholarly sentence as it stands in its paragraph; every scholarly claim must carry its
source. The DOCX is opened with python-docx.
"""
from __future__ import annotations

import html
import io
import re
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

docx = pytest.importorskip("docx")
from docx.oxml.ns import qn  # noqa: E402

from plea.annotate.taxonomy import load_taxonomy  # noqa: E402
from plea.corpus.vocab import HAN_RE as HAN  # noqa: E402
from plea.cli import cli  # noqa: E402
from plea.exports.brief import (BriefError, build_brief, md_unescape,  # noqa: E402
                                render_brief)
from tests.docx_notes import footnotes, libreoffice_footnotes, references, soffice  # noqa: E402
from tests.fixtures.brief.realdb import real_db  # noqa: E402

SUBJECT_CODES = ["subjects.prosecutor", "subjects.defense_counsel", "subjects.duty_lawyer",
                 "subjects.suspect_defendant", "subjects.victim", "subjects.court",
                 "subjects.investigator", "subjects.legal_representative", "subjects.third_party"]
# Read in the corpus files: CPL art. 174 para. 1 and the opening of FRCrP Rule 11(c)(1).
CPL_174_1 = "犯罪嫌疑人自愿认罪，同意量刑建议和程序适用的，应当在辩护人或者值班律师在场的情况下签署认罪认罚具结书。"
RULE_11_C_1_START = "In General. An attorney for the government and the defendant’s attorney"
# The codebook's labels as the brief names a code: "Prosecutor (检察机关（检察官）)".
LABELS = {c.id: f"{c.label_en} ({c.label_zh})" for c in load_taxonomy().codes}
NOTE = re.compile(r"^(.*) Corpus id: (\S+)\.$")


@pytest.fixture(scope="module")
def db_path(corpus_dir):
    return real_db(corpus_dir)


@pytest.fixture(scope="module")
def conn(db_path):
    c = sqlite3.connect(db_path)
    yield c
    c.close()


def expected_text(conn, corpus_id: str) -> str:
    """What a quotation with this corpus id must read: a provision or a stance sentence."""
    if "#s" in corpus_id:
        return conn.execute("SELECT text FROM stance WHERE id = ?", [corpus_id]).fetchone()[0]
    return conn.execute("SELECT text FROM provisions WHERE id = ?", [corpus_id]).fetchone()[0]


@pytest.fixture(scope="module")
def docx_bytes(db_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("brief") / "subjects.docx"
    result = CliRunner().invoke(cli, ["brief", "--dimension", "subjects", "--jurisdictions",
                                      "CN,US", "--format", "docx", "--output", str(out),
                                      "--db", str(db_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


@pytest.fixture(scope="module")
def docx_brief(docx_bytes):
    return docx.Document(io.BytesIO(docx_bytes))


def test_docx_structure(docx_brief, conn):
    paragraphs = docx_brief.paragraphs
    assert paragraphs[0].style.name == "Title" and "Negotiation subjects" in paragraphs[0].text
    h1 = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    labels = LABELS
    assert h1[0] == "Summary: Negotiation subjects (协商主体)"
    assert h1[1:-1] == [labels[c] for c in SUBJECT_CODES]      # no code ids in the prose
    assert h1[-1] == "Bibliography"                             # notes are footnotes
    h3 = {p.text for p in paragraphs if p.style.name == "Heading 3"}
    assert {"China (CN)", "United States (US)", "Critiques", "Proposals"} <= h3
    h2 = {p.text for p in paragraphs if p.style.name == "Heading 2"}
    assert {"The law", "Contrast", "Scholarship", "Legal sources"} <= h2
    body = "\n".join(p.text for p in paragraphs)
    assert "role:" not in body and "modality:" not in body and "subjects." not in body


def test_docx_summary_table(docx_brief, conn):
    table = docx_brief.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["", "China", "United States"]
    labels = LABELS
    assert [r.cells[0].text for r in table.rows[1:]] == [labels[c] for c in SUBJECT_CODES]
    # Read in the fixture tags: no US provision names a duty lawyer; CPL art. 174(1)
    # makes the duty lawyer present at the signing.
    duty = table.rows[1 + SUBJECT_CODES.index("subjects.duty_lawyer")].cells
    assert duty[2].text == "no provision in the corpus"
    assert "present when it is made" in duty[1].text and "must" in duty[1].text


def _quotations(document, notes: dict[int, str]) -> list[tuple[str, str, str, str]]:
    """(quoted text, citation line, note text, corpus id) of every body quotation."""
    paragraphs = document.paragraphs
    out = []
    for i, p in enumerate(paragraphs):
        if p.style.name != "Quote":
            continue
        line = paragraphs[i + 1]
        assert line.text.startswith("— ")
        refs = references(line)
        assert len(refs) == 1, line.text
        match = NOTE.match(notes[refs[0]])
        assert match, notes[refs[0]]
        out.append((p.text, line.text[2:], match[1], match[2]))
    return out


def test_docx_quotations_match_the_corpus_and_carry_footnotes(docx_brief, docx_bytes, conn):
    notes = footnotes(docx_bytes)
    assert sorted(notes) == list(range(1, len(notes) + 1))
    quotes = _quotations(docx_brief, notes)
    for text, line, note_text, corpus_id in quotes:
        assert text == expected_text(conn, corpus_id), corpus_id
        citation = line.split(" (")[0].split(" · ")[0]
        if "#s" in corpus_id:       # "Meng 2023, § 4.1 ¶ 1": the note ends with the pinpoint
            head = note_text.split(" Cites ")[0]
            assert head.endswith(citation.split(", ", 1)[-1] + "."), (citation, note_text)
        else:                       # the provision's citation opens its note
            assert note_text.startswith(citation), (citation, note_text)
    assert len(quotes) > 20
    ids = [q[3] for q in quotes]
    assert len(ids) == len(set(ids)), "a quotation appears twice"


def test_docx_full_citation_first_then_short(docx_bytes):
    notes = [n for _, n in sorted(footnotes(docx_bytes).items())]
    cpl = [n for n in notes if n.startswith("《刑事诉讼法》")]
    assert "中华人民共和国刑事诉讼法 (2018)" in cpl[0]
    assert not any("中华人民共和国刑事诉讼法" in n for n in cpl[1:])
    meng = [n for n in notes if "Meng" in n]
    assert meng[0].startswith("Kelin Meng, “From ‘Sentencing Negotiations’ to ‘Prosecution-Defense "
                              "Negotiations’: On the Improvement Path")
    assert all(n.startswith("Meng, “From ‘Sentencing Negotiations’ to ‘Prosecution-Defense "
                            "Negotiations’,” ") for n in meng[1:])
    assert not any(".." in n.replace("...", "") or "(2016) (2016)" in n for n in notes)
    # ZUEL 2025 names no author: cited by its title, never by the school it came from.
    assert not any("Zhongnan" in n for n in notes)


def test_docx_quotes_the_law_read_in_the_corpus(docx_brief):
    paragraphs = docx_brief.paragraphs
    texts = [p.text for p in paragraphs]
    i = texts.index(CPL_174_1)
    assert paragraphs[i + 1].text.startswith("— 《刑事诉讼法》第一百七十四条第一款")
    j = next(k for k, t in enumerate(texts) if t.startswith(RULE_11_C_1_START))
    assert paragraphs[j + 1].text.startswith("— Fed. R. Crim. P. 11(c)(1)")


def test_docx_scholarly_claims_carry_their_source(docx_brief, docx_bytes):
    notes = footnotes(docx_bytes)
    claims = [text for text in notes.values() if "#s" in text]
    assert claims
    for text in claims:
        assert text.startswith(("Kelin Meng, “From", "Meng, “From",
                                "[Sentencing negotiation in China's plea leniency"))
    # Meng cites Chen Ruihua (2007) in a critique on the suspect's position; ZUEL's
    # citations cannot resolve, and the note says why.
    assert any("Cites Chen Ruihua (2007)" in t for t in claims)
    assert any("not resolved: source has no reference list" in t for t in claims)
    texts = [p.text for p in docx_brief.paragraphs]
    assert any(t.startswith("— Meng 2023, § 4.1 ¶ 1") for t in texts)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed "
                    "(apt-get install libreoffice-writer-nogui)")
def test_libreoffice_shows_the_notes_as_footnotes(docx_bytes):
    seen = libreoffice_footnotes(docx_bytes)
    ours = footnotes(docx_bytes)
    assert [mark for mark, _ in seen] == [str(n) for n in sorted(ours)]
    assert [text for _, text in seen] == [ours[n] for n in sorted(ours)]


def test_docx_bibliography(docx_brief):
    paragraphs = docx_brief.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "Bibliography")
    entries = [p.text for p in paragraphs[start + 1:] if not p.style.name.startswith("Heading")]
    assert any(e.startswith("中华人民共和国刑事诉讼法 [Criminal Procedure Law") for e in entries)
    assert any(e.startswith("Federal Rules of Criminal Procedure.") for e in entries)
    # Chicago author-date (CSL): Meng's article, and Chen Ruihua from Meng's reference list.
    assert any(e.startswith("Meng, Kelin. 2023. “From ‘Sentencing Negotiations’") for e in entries)
    assert any(e.startswith("Chen, Ruihua. 2007. “Confrontation and Cooperation") for e in entries)


def test_docx_default_east_asian_font(docx_brief):
    defaults = docx_brief.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) and fonts.get(qn("w:eastAsiaTheme")) is None


def test_docx_chinese_runs_name_a_cjk_font(docx_brief):
    chinese = [r for p in docx_brief.paragraphs for r in p.runs if HAN.search(r.text)]
    assert chinese
    for run in chinese:
        fonts = run._element.rPr.find(qn("w:rFonts"))
        assert fonts is not None and fonts.get(qn("w:eastAsia")), run.text


def test_markdown_quotations_and_footnotes(db_path, conn):
    result = CliRunner().invoke(cli, ["brief", "--dimension", "subjects", "--jurisdictions",
                                      "CN,US", "--db", str(db_path)], catch_exceptions=False)
    assert result.exit_code == 0
    md = result.output
    assert md.startswith("# Reform brief: Negotiation subjects (协商主体) — CN, US")
    notes = dict(re.findall(r"^\[\^(\d+)\]: .* Corpus id: `([^`]+)`\.$", md, re.M))
    blocks = re.findall(r"((?:^> (?!— ).*\n)+)>\n> — .*?\[\^(\d+)\]", md, re.M)
    assert len(blocks) > 20
    for block, note in blocks:
        text = "\n".join(md_unescape(line[2:]) for line in block.rstrip("\n").split("\n"))
        assert text == expected_text(conn, notes[note])
    for ref in set(re.findall(r"\[\^(\d+)\](?!:)", md)):
        assert ref in notes
    assert "> " + CPL_174_1 in md


def test_html_quotations_are_escaped_corpus_text(db_path, conn):
    page = render_brief(db_path, codes="subjects.defense_counsel,consequences.court_effect",
                        jurisdictions="CN,US,DE,TW", fmt="html").decode("utf-8")
    notes = dict(re.findall(r'<li id="note-(\d+)">.*? Corpus id: <code>([^<]+)</code>', page))
    quotes = re.findall(r'<p class="quote">(.*?)</p>\n<p class="cite">.*?href="#note-(\d+)"',
                        page, re.S)
    assert quotes
    for text, note in quotes:
        assert html.unescape(text) == expected_text(conn, html.unescape(notes[note]))
    assert '<blockquote class="law" lang="zh-Hans">' in page
    assert "一般应当采纳" in page and "may accept the agreement, reject it" in page


def test_pinned_provisions_and_codes_from_them(db_path):
    brief = build_brief(db_path, provision_ids=["cn-cpl-2018:art_174__para_1",
                                                "us-frcrp:rule_11__subsec_c__para_2"])
    codes = [s.info.code for s in brief.sections]
    assert "subjects.defense_counsel" in codes and "behavior.counsel_presence" in codes
    section = next(s for s in brief.sections if s.info.code == "subjects.defense_counsel")
    assert [q.provision_id for q in section.law["CN"]] == ["cn-cpl-2018:art_174__para_1"]
    assert section.law["CN"][0].pinned
    # Rule 11(c)(2) carries no fixture tag: it is quoted among the further provisions.
    assert [q.provision_id for q in brief.extra] == ["us-frcrp:rule_11__subsec_c__para_2"]


@pytest.mark.parametrize("kwargs,message", [
    ({"codes": "subjects.nobody"}, "unknown code"),
    ({"dimension": "manner"}, "unknown dimension"),
    ({"codes": "subjects.court", "jurisdictions": "FR"}, "unknown jurisdiction"),
    ({}, "choose codes"),
    ({"provision_ids": "cn-cpl-2018:art_9999"}, "no provision"),
    ({"codes": "subjects.court", "fmt": "pdf"}, "unknown format"),
])
def test_user_mistakes(db_path, kwargs, message):
    with pytest.raises(BriefError, match=message):
        render_brief(db_path, **kwargs)


def test_cli_mistakes_are_one_line(db_path):
    result = CliRunner().invoke(cli, ["brief", "--codes", "subjects.nobody", "--db", str(db_path)])
    assert result.exit_code == 1 and result.output.count("\n") == 1
    result = CliRunner().invoke(cli, ["brief", "--dimension", "subjects", "--format", "docx",
                                      "--db", str(db_path)])
    assert result.exit_code == 1 and "--output" in result.output


EMPTIED = ("tags", "refs", "stance", "proposals", "proposal_codes", "proposal_targets",
           "citations")


def test_without_tags_or_stage_the_brief_degrades(db_path, tmp_path):
    # A build whose tagging and scholarship stages wrote nothing: the tables are there, empty.
    bare = tmp_path / "bare.db"
    shutil.copy(db_path, bare)
    conn = sqlite3.connect(bare)
    for table in EMPTIED:
        conn.execute(f"DELETE FROM {table}")
    conn.commit()
    conn.close()
    brief = build_brief(bare, codes="subjects.third_party", jurisdictions="CN,US")
    assert "no tags" in brief.warnings[0]
    section = brief.sections[0]
    assert section.law == {"CN": [], "US": []} and section.contrasts == []
    assert section.proposals == []


def test_a_database_of_an_older_plea_gets_one_line(db_path, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(db_path, old)
    conn = sqlite3.connect(old)
    conn.execute("DROP TABLE stance")
    conn.commit()
    conn.close()
    result = CliRunner().invoke(cli, ["brief", "--codes", "subjects.third_party", "--db", str(old)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output == (f"Error: {old}: built by an older plea-corpus (no table stance): "
                             "run plea build\n")
