"""Real Word footnotes for python-docx documents.

python-docx has no footnote API, and its default template has no footnotes part.
A Word footnote needs four things (ECMA-376 Part 1, §17.11):

1. a part ``/word/footnotes.xml`` (content type ``…wordprocessingml.footnotes+xml``)
   holding ``<w:footnote w:id="n">`` elements, and first the two special notes Word
   expects — the separator line (id -1) and the continuation separator (id 0);
2. a relationship of type ``…/relationships/footnotes`` from the document part to it
   (python-docx writes ``[Content_Types].xml`` from the parts' content types, so the
   override follows from the part itself);
3. in the text, a run holding ``<w:footnoteReference w:id="n"/>`` where the mark goes;
4. in ``settings.xml``, ``<w:footnotePr>`` naming the two separators, as Word writes it.

Each footnote is one paragraph in the "Footnote Text" style that opens with the
``<w:footnoteRef/>`` mark (Word renumbers the marks itself; ids only link a
reference to its note). Both styles are added when the template lacks them.
:class:`Footnotes` does all this once per document; :meth:`Footnotes.add` puts a
footnote after a paragraph's last run and returns its number.
"""
from __future__ import annotations

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_EMPTY = (f'<w:footnotes {nsdecls("w")}>'
          '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
          'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
          '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing '
          'w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/>'
          '</w:r></w:p></w:footnote></w:footnotes>')
_STYLES = (
    f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="FootnoteText">'
    '<w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>'
    '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>',
    f'<w:style {nsdecls("w")} w:type="character" w:styleId="FootnoteReference">'
    '<w:name w:val="footnote reference"/><w:uiPriority w:val="99"/>'
    '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>',
)


class Footnotes:
    """The footnotes part of one document."""

    def __init__(self, document) -> None:
        self._document = document
        part = document.part
        self._part = XmlPart(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, parse_xml(_EMPTY),
                             part.package)
        part.relate_to(self._part, RT.FOOTNOTES)
        self._next = 1
        self._add_styles()
        self._declare_in_settings()

    def _add_styles(self) -> None:
        styles = self._document.styles.element
        have = {s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))}
        for xml in _STYLES:
            style = parse_xml(xml)
            if style.get(qn("w:styleId")) not in have:
                styles.append(style)

    def _declare_in_settings(self) -> None:
        settings = self._document.settings.element
        if settings.find(qn("w:footnotePr")) is not None:
            return
        pr = parse_xml(f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/>'
                       '<w:footnote w:id="0"/></w:footnotePr>')
        # Schema order: footnotePr comes before endnotePr, compat, rsids … — put it
        # before the first of those present, else at the end.
        for name in ("w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr",
                     "w:themeFontLang", "w:clrSchemeMapping", "w:shapeDefaults",
                     "w:decimalSymbol", "w:listSeparator"):
            try:
                anchor = settings.find(qn(name))
            except KeyError:
                anchor = None
            if anchor is not None:
                anchor.addprevious(pr)
                return
        settings.append(pr)

    def add(self, paragraph, text: str, *, style_run=None) -> int:
        """A footnote with ``text`` whose mark ends ``paragraph``; its number.

        ``style_run(run)`` is applied to the note's text run (fonts for Chinese)."""
        number = self._next
        self._next += 1
        ref = paragraph.add_run()
        ref._element.append(parse_xml(
            f'<w:rPr {nsdecls("w")}><w:rStyle w:val="FootnoteReference"/></w:rPr>'))
        ref._element.append(parse_xml(
            f'<w:footnoteReference {nsdecls("w")} w:id="{number}"/>'))
        note = parse_xml(
            f'<w:footnote {nsdecls("w")} w:id="{number}"><w:p><w:pPr>'
            '<w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>'
            '<w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
            '<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p></w:footnote>')
        self._part.element.append(note)
        # The text as a python-docx run, so it gets the same font handling as the body.
        from docx.text.paragraph import Paragraph
        p = Paragraph(note.find(qn("w:p")), self._document.part)
        run = p.add_run(text)
        if style_run:
            style_run(run)
        return number
