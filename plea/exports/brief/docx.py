"""The brief as a Word document (python-docx).

Structure: title; a summary table per dimension (codes × systems, in plain
words); per code a Heading 1, the definition, Heading 2 "The law" with a Heading 3
per jurisdiction, each provision as a paragraph in the "Quote" style holding
exactly the corpus text, followed by a citation line ending in a real Word
footnote (docx_footnotes.py); a Chinese provision with an English translation in
the corpus is a two-column table, the translation beside the original; a
provision quoted before is a one-line reference; "Contrast" as bullets;
"Scholarship" with critiques and proposals quoted the same way; "Bibliography".

Chinese text: every run names an East Asian font (``w:rFonts/@w:eastAsia``,
SimSun for Simplified, PMingLiU for Traditional) and the document's default
East Asian language is Chinese, so Word does not fall back to a Latin font.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from plea.corpus.vocab import jurisdiction_name

from ..docx_footnotes import Footnotes
from .model import STANCE_TITLES, Brief, Claim, Note, Quote, attrs_line

EAST_ASIAN_FONT = {"zh-Hant": "PMingLiU"}
DEFAULT_EAST_ASIAN = "SimSun"


def _east_asian(run, lang: str | None = None) -> None:
    """Name the East Asian font on a run, so Chinese characters render in a CJK font."""
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT.get(lang or "", DEFAULT_EAST_ASIAN))


def _run(paragraph, text: str, lang: str | None = None, *, italic: bool = False,
         bold: bool = False):
    run = paragraph.add_run(text)
    if italic:
        run.italic = True
    if bold:
        run.bold = True
    _east_asian(run, lang)
    return run


def _set_defaults(doc) -> None:
    """Document-wide: an East Asian default font and Chinese as the East Asian language."""
    styles = doc.styles.element
    r_pr_default = styles.find(qn("w:docDefaults"))
    if r_pr_default is None:
        return
    r_pr = r_pr_default.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if r_pr is None:
        return
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), DEFAULT_EAST_ASIAN)
    # A theme font attribute wins over the named font in the same element: drop it.
    fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = r_pr.makeelement(qn("w:lang"), {})
        r_pr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _heading(doc, text: str, level: int) -> None:
    paragraph = doc.add_heading(level=level)
    _run(paragraph, text)


def _quote(doc, text: str, lang: str) -> None:
    # The quotation paragraph holds the corpus text and nothing else.
    paragraph = doc.add_paragraph(style="Quote")
    _run(paragraph, text, lang)


class _Writer:
    """The document and its footnotes; the brief's notes in reading order."""

    def __init__(self, doc, notes: list[Note]) -> None:
        self.doc = doc
        self.footnotes = Footnotes(doc)
        self.notes = notes

    def footnote(self, paragraph, number: int) -> None:
        note = self.notes[number - 1]
        made = self.footnotes.add(paragraph, note.plain(), style_run=_east_asian)
        # Word numbers footnotes by their order in the text, as the brief does.
        assert made == number, (made, number)

    def citation_line(self, citation: str, note: int, extra: str = "", container=None) -> None:
        paragraph = (container or self.doc).add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(paragraph, f"— {citation}{extra}")
        self.footnote(paragraph, note)

    def law(self, q: Quote) -> None:
        if q.repeat:
            paragraph = self.doc.add_paragraph()
            _run(paragraph, f"{q.citation}{attrs_line(q)}, quoted above.")
            self.footnote(paragraph, q.note)
            return
        if q.translation:
            # The English beside the Chinese: one row, the original left.
            t = q.translation
            table = self.doc.add_table(rows=1, cols=2)
            for cell, quote, extra in ((table.rows[0].cells[0], q, attrs_line(q)),
                                       (table.rows[0].cells[1], t, "")):
                first = cell.paragraphs[0]
                first.style = self.doc.styles["Quote"]
                _run(first, quote.text, quote.lang)
                self.citation_line(quote.citation, quote.note, extra, container=cell)
            return
        _quote(self.doc, q.text, q.lang)
        self.citation_line(q.citation, q.note, attrs_line(q))

    def claim(self, c: Claim) -> None:
        _quote(self.doc, c.text, c.lang)
        extra = (" · would change: " + "; ".join(c.targets)) if c.targets else ""
        self.citation_line(c.citation, c.note, extra)


def _summary(doc, brief: Brief) -> None:
    for table in brief.summary:
        _heading(doc, f"Summary: {table.title}", 1)
        grid = doc.add_table(rows=1 + len(table.rows), cols=1 + len(table.jurisdictions))
        grid.style = doc.styles["Table Grid"]
        head = grid.rows[0].cells
        for cell, j in zip(head[1:], table.jurisdictions):
            _run(cell.paragraphs[0], jurisdiction_name(j), bold=True)
        for row, (label, cells) in zip(grid.rows[1:], table.rows):
            _run(row.cells[0].paragraphs[0], label, bold=True)
            for cell, text in zip(row.cells[1:], cells):
                _run(cell.paragraphs[0], text)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rsplit(", ", 1)[0] + "…"


def render_docx(brief: Brief) -> bytes:
    doc = Document()
    _set_defaults(doc)
    doc.core_properties.title = _clip(brief.title, 255)
    doc.core_properties.subject = "Reform brief on plea negotiation"
    # python-docx refuses core properties over 255 characters (about 12 codes).
    doc.core_properties.keywords = _clip(", ".join(s.info.code for s in brief.sections), 255)
    title = doc.add_heading(level=0)
    _run(title, brief.title)
    _run(doc.add_paragraph(),
         f"Jurisdictions: {', '.join(brief.jurisdictions)}. Generated {brief.generated} by "
         "plea-corpus. Quotations are the corpus text verbatim; the notes give each one's full "
         "citation and corpus id.", italic=True)
    for warning in brief.warnings:
        _run(doc.add_paragraph(), warning, bold=True)
    _summary(doc, brief)
    w = _Writer(doc, brief.notes)
    for section in brief.sections:
        info = section.info
        label = info.label_en or info.code
        _heading(doc, f"{label} ({info.label_zh})" if info.label_zh else label, 1)
        if info.definition:
            _run(doc.add_paragraph(), info.definition, italic=True)
        _heading(doc, "The law", 2)
        for j, quotes in section.law.items():
            _heading(doc, f"{jurisdiction_name(j)} ({j})", 3)
            if not quotes:
                _run(doc.add_paragraph(), "No provision in the corpus carries this code.")
            for q in quotes:
                w.law(q)
        if section.contrasts:
            _heading(doc, "Contrast", 2)
            for c in section.contrasts:
                _run(doc.add_paragraph(), f"{c.a.jurisdiction} – {c.b.jurisdiction}", bold=True)
                for line in c.summary:
                    _run(doc.add_paragraph(style="List Bullet"), line)
        if section.critiques or section.proposals:
            _heading(doc, "Scholarship", 2)
            for stance, claims in (("critique", section.critiques), ("proposal", section.proposals)):
                if claims:
                    _heading(doc, STANCE_TITLES[stance], 3)
                for c in claims:
                    w.claim(c)
    if brief.extra:
        _heading(doc, "Further provisions selected", 1)
        for q in brief.extra:
            w.law(q)
    _heading(doc, "Bibliography", 1)
    for heading, items in (("Legal sources", brief.bibliography_law),
                           ("Scholarship", brief.bibliography_scholarship)):
        if not items:
            continue
        _heading(doc, heading, 2)
        for item in items:
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.left_indent = Pt(18)
            paragraph.paragraph_format.first_line_indent = Pt(-18)
            _run(paragraph, item)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
