"""The subjects brief (CN, US) on the whole corpus as `plea build` makes it — with the
reviewed reference coding — is one a scholar can paste into a draft (issue 15):
it quotes the core provisions first (CPL arts. 173, 174, 176, 201; Rule 11(c)),
quotes nothing twice, has real footnotes that LibreOffice reads as footnotes, and
opens with a summary table. Which provisions are core was read in the statutes:
CPL art. 173(2) has the procuratorate hear the suspect, counsel or duty lawyer and
the victim; art. 174 the signing of the 具结书 with counsel present; art. 176(2) the
sentencing recommendation; art. 201 the court's adoption of it; Rule 11(c) the
plea agreement procedure."""
from __future__ import annotations

import io
import re

import pytest

docx = pytest.importorskip("docx")

from plea.exports.brief import build_brief, render  # noqa: E402
from tests.docx_notes import footnotes, libreoffice_footnotes, references, soffice  # noqa: E402

CORE_CPL = {"173", "174", "176", "201"}
NOTE = re.compile(r"^(.*) Corpus id: (\S+)\.$")


@pytest.fixture(scope="module")
def brief(built_db):
    return build_brief(built_db, dimension="subjects", jurisdictions="CN,US")


@pytest.fixture(scope="module")
def docx_bytes(brief):
    return render(brief, "docx")


def _article(pid: str) -> str:
    return re.match(r"cn-cpl-2018:art_(\d+)", pid)[1]


def test_core_provisions_are_quoted_first(brief):
    cn = [q.provision_id for q in brief.quotes() if q.jurisdiction == "CN"]
    first_other = next(i for i, pid in enumerate(cn) if not pid.startswith("cn-cpl-2018:"))
    assert CORE_CPL <= {_article(pid) for pid in cn[:first_other]}
    us = [q.provision_id for q in brief.quotes() if q.jurisdiction == "US"]
    assert us[0].startswith("us-frcrp:rule_11__subsec_c")
    prosecutor = brief.sections[0]
    assert prosecutor.info.code == "subjects.prosecutor"
    assert prosecutor.law["CN"][0].provision_id.startswith("cn-cpl-2018:art_173")
    # what the issue found in the old brief is gone
    assert not any(q.provision_id.startswith("us-frcrp:rule_62") for q in brief.quotes())


def test_no_quotation_twice(brief):
    law = [q.provision_id for q in brief.quotes()]
    assert len(law) == len(set(law))
    claims = [c.id for c in brief.claims()]
    assert len(claims) == len(set(claims))
    # a provision quoted under an earlier code is referred to its first note
    again = [q for s in brief.sections for qs in s.law.values() for q in qs if q.repeat]
    assert again and all("Quoted above at note" in brief.notes[q.note - 1].text for q in again)


def test_docx_footnotes_and_summary_table(docx_bytes, brief):
    document = docx.Document(io.BytesIO(docx_bytes))
    notes = footnotes(docx_bytes)
    assert len(notes) == len(brief.notes)
    referred = [n for p in document.paragraphs for n in references(p)]
    referred += [n for t in document.tables for row in t.rows for cell in row.cells
                 for p in cell.paragraphs for n in references(p)]
    assert sorted(referred) == sorted(notes)
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["", "China", "United States"]
    assert len(table.rows) == 1 + len(brief.sections)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed "
                    "(apt-get install libreoffice-writer-nogui)")
def test_libreoffice_reads_real_footnotes(docx_bytes):
    seen = libreoffice_footnotes(docx_bytes)
    ours = footnotes(docx_bytes)
    assert len(seen) == len(ours) > 40
    assert [text for _, text in seen] == [ours[n] for n in sorted(ours)]


def test_english_beside_the_chinese(built_db):
    """Taiwan's code in Chinese with the MOJ's English: each quotation a row of two
    cells, the original left and its aligned translation right, both verbatim."""
    import sqlite3
    out = render(build_brief(built_db, codes="behavior.consultation", jurisdictions="TW"), "docx")
    document = docx.Document(io.BytesIO(out))
    conn = sqlite3.connect(built_db)
    pairs = dict(conn.execute("SELECT provision_id, target_id FROM alignments "
                              "WHERE kind = 'translation'"))
    text = dict(conn.execute("SELECT id, text FROM provisions WHERE source_id LIKE 'tw-cpc-%'"))
    notes = footnotes(out)
    rows = [t.rows[0].cells for t in document.tables[1:]]    # the first: the summary
    assert rows
    for left, right in rows:
        zh_id = NOTE.match(notes[references(left.paragraphs[1])[0]])[2]
        en_id = NOTE.match(notes[references(right.paragraphs[1])[0]])[2]
        assert pairs[zh_id] == en_id
        assert left.paragraphs[0].text == text[zh_id] and right.paragraphs[0].text == text[en_id]
