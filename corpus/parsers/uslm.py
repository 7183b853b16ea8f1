"""USLM 1.0 XML (the Office of the Law Revision Counsel's US Code format).

Written for Title 18 Appendix (``usc18a.xml``), which holds three instruments;
``ctx.options["instrument"]`` picks the one a Document holds:

* ``frcrp`` (default) — the Federal Rules of Criminal Procedure, ``<courtRules>``:
  Titles (containers ``title_IV``) holding ``<courtRule>`` elements (``rule_11``,
  ``rule_5-1``), subdivided into subsection / paragraph / subparagraph / clause /
  subclause (``rule_11__subsec_c__para_1__subpara_C``);
* ``iad`` — the Interstate Agreement on Detainers Act, ``<compiledAct>`` Pub. L.
  91-538: sections ``sec_1`` … ``sec_9``; the Agreement itself, enacted by § 2,
  is printed as paragraphs of § 2 and split here into ``art_I`` … ``art_IX``;
* ``cipa`` — the Classified Information Procedures Act, Pub. L. 96-456:
  sections ``sec_1`` … ``sec_16`` (``sec_9A``) with their subdivisions.

How markup maps onto the model: ``<num>`` / ``<heading>`` are the node's num
and heading, ``<chapeau>`` and ``<content>`` its text, ``<continuation>`` its
wrapup (text printed after the children). Inline markup (refs, dates,
italics) is kept as plain text. A ``<sourceCredit>`` (the amendment history
printed after a rule) becomes a commentary child ``…__credit``; each ``<note>``
of a ``<notes>`` block (Advisory Committee notes, references in text …) becomes
a commentary child ``…__note_N`` in document order, after the subdivisions,
so that no note text is ever part of a provision's text.

Body text (for :mod:`plea.corpus.fidelity`) is every text node under the
instrument element, with two principled exclusions that the tree applies too:

* navigation: ``<toc>`` / ``<layout>`` (the list of rules; kept in
  ``Document.meta["toc"]``) — it repeats headings printed in the body;
* OLRC editorial footnotes: ``<ref class="footnoteRef">`` markers and
  ``<note type="footnote">`` bodies ("So in original", "See References in
  Text note below") — they are the compiler's apparatus inside the rule text,
  not rule text, and a marker "1" in "Federal Rule 1 of Evidence" would corrupt
  it. They are kept in the node's ``attrs["footnotes"]``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..errors import ConfigError, SourceError
from ..model import COMMENTARY, CONTAINER, PROVISION, Document, Node, ParseContext
from .safe_xml import parse_xml
from . import register
from .eids import EidSet, make_eid, number_token


@dataclass(frozen=True)
class Instrument:
    title: str
    short: str                # default citation prefix when ctx.short_title is empty
    element: str              # the USLM element that holds the instrument
    identifier_end: str | None  # its @identifier ends so; None: the first such element


INSTRUMENTS: dict[str, Instrument] = {
    "frcrp": Instrument("Federal Rules of Criminal Procedure", "Fed. R. Crim. P.",
                        "courtRules", None),
    "iad": Instrument("Interstate Agreement on Detainers Act", "IADA",
                      "compiledAct", "/pl/91/538"),
    "cipa": Instrument("Classified Information Procedures Act", "CIPA",
                       "compiledAct", "/pl/96/456"),
}
DEFAULT_INSTRUMENT = "frcrp"

# USLM element -> (level, kind); the eId prefix is the level's (eids.toml).
STRUCTURE: dict[str, tuple[str, str]] = {
    "title": ("title", CONTAINER),
    "subtitle": ("subtitle", CONTAINER),
    "part": ("part", CONTAINER),
    "chapter": ("chapter", CONTAINER),
    "subchapter": ("subchapter", CONTAINER),
    "courtRule": ("rule", PROVISION),
    "section": ("section", PROVISION),
    "subsection": ("subsection", PROVISION),
    "paragraph": ("paragraph", PROVISION),
    "subparagraph": ("subparagraph", PROVISION),
    "clause": ("clause", PROVISION),
    "subclause": ("subclause", PROVISION),
    "item": ("item", PROVISION),
    "subitem": ("subitem", PROVISION),
    # An unnamed level below a clause, e.g. Rule 4(c)(3)(D)(ii)(a).
    "level": ("item", PROVISION),
}
# AKN: rules and sections are numbered uniquely in the work, so their eids
# carry no container prefix; everything below them is prefixed with its parent.
UNPREFIXED = {"courtRule", "section"}
# How a citable unit is cited: "Fed. R. Crim. P. 11", "CIPA § 4".
CITE_FORMS = {"courtRule": "{short} {num}", "section": "{short} § {num}"}

TEXT_PARTS = {"chapeau", "content"}
NAVIGATION = {"toc", "layout"}
# Block elements inside flattened text start a new line (the whitespace does
# not matter to fidelity, only to readability).
BLOCKS = {"p", "quotedContent", "chapeau", "content", "continuation", "heading", "note",
          *STRUCTURE}

STATUS_IN_HEADING = re.compile(r"^\[\s*(Reserved|Transferred|Abrogated|Repealed)\b", re.I)
NUM_PUNCT = re.compile(r"^[\s“”\"‘’'(\[§]+|[\s.)\]”’\"]+$")

# Inside the IAD, § 2 prints the Agreement as plain paragraphs: a centered
# "“Article III" line starts an article, "“(a) …" and "“(1) …" its paragraphs.
ARTICLE_LINE = re.compile(r"^[“\"]?Article\s+([IVXLC]+)\s*$")
ARTICLE_PARA = re.compile(r"^([“\"]?\((\w+)\))\s*")

# "Notes of Advisory Committee on Rules—1975 Amendment" -> the conventional
# citation "Fed. R. Crim. P. 11 advisory committee's note to 1975 amendment".
COMMITTEE_NOTE = re.compile(
    r"^(?:Notes of Advisory Committee on Rules|Committee Notes on Rules)\s*[—–-]\s*"
    r"(\d{4})(\s+Amendment)?", re.I)


def parse(data: bytes, ctx: ParseContext) -> Document:
    """Parse a USLM file; the Document holds the instrument ``ctx.options["instrument"]``."""
    key = ctx.options.get("instrument", DEFAULT_INSTRUMENT)
    if key not in INSTRUMENTS:
        raise ConfigError(f"uslm: unknown instrument {key!r}; known: {', '.join(INSTRUMENTS)}")
    instrument = INSTRUMENTS[key]
    parser_errors: list[str] = []
    root = parse_xml(data, ctx.path, parser_errors)
    element = _find_instrument(root, instrument, ctx.path)
    builder = _Builder(ctx, ctx.short_title or instrument.short)
    nodes = builder.instrument(element)
    meta = {
        "instrument": key,
        "identifier": element.get("identifier"),
        "publication": _first_text(root, "docPublicationName"),
        "created": _first_text(root, "created"),
        "toc": _toc(element),
        "parser_errors": parser_errors,
    }
    return Document(title=instrument.title, nodes=nodes, body_text=body_text(element),
                    meta={k: v for k, v in meta.items() if v})


# --- body text: every text node, computed without the tree -----------------

def body_text(element: etree._Element) -> str:
    """All text under ``element`` except navigation and editorial footnotes."""
    parts: list[str] = []

    def visit(el: etree._Element) -> None:
        if _skipped(el):
            return
        if el.text and isinstance(el.tag, str):
            parts.append(el.text)
        for child in el:
            visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(element)
    return "".join(parts)


# --- the tree ----------------------------------------------------------------

class _Builder:
    def __init__(self, ctx: ParseContext, short: str):
        self.ctx = ctx
        self.short = short
        # A number printed twice ("two subsections (c)" in the US Code) is renamed _dup2.
        self.eids = EidSet(ctx.path)

    def instrument(self, element: etree._Element) -> list[Node]:
        """The instrument's own heading, credit and notes form a ``preface``; then its units."""
        nodes: list[Node] = []
        preface = Node(eid=self.eids.claim(make_eid(None, "preface")), level="preface",
                       kind=CONTAINER, line=element.sourceline)
        nodes.append(preface)
        for child in _elements(element):
            name = _local(child)
            if name in NAVIGATION:
                continue
            if name in STRUCTURE:
                nodes.append(self.unit(child, None, None))
            elif name in ("num", "heading"):
                setattr(preface, name, self.flat(child, preface))
            elif not self.commentary(child, preface):
                raise self.error(child, f"unexpected <{name}> in the instrument")
        if not (preface.num or preface.heading or preface.children):
            nodes.remove(preface)
        return nodes

    def unit(self, el: etree._Element, parent: Node | None, cite: str | None) -> Node:
        name = _local(el)
        level, kind = STRUCTURE[name]
        num_el = _child(el, "num")
        if num_el is None:
            raise self.error(el, f"<{name}> has no <num>")
        node = Node(eid="", level=level, kind=kind, line=el.sourceline)
        node.num = self.flat(num_el, node)
        node.num_norm = (num_el.get("value") or NUM_PUNCT.sub("", node.num)).strip()
        if not node.num_norm:
            raise self.error(el, f"<{name}> has an empty number")
        self.eids.give(node, parent if name not in UNPREFIXED else None, level,
                       number_token(node.num_norm))
        if name in CITE_FORMS:
            node.citation = CITE_FORMS[name].format(short=self.short, num=node.num_norm)
        elif cite and kind == PROVISION:
            node.citation = f"{cite}({node.num_norm})"
        if el.get("status"):
            node.attrs["status"] = el.get("status")

        # Bare text directly inside the element (none in usc18a.xml) is kept, not lost.
        text: list[str] = [_tidy(el.text or "")]
        wrapup: list[str] = []
        for child in _elements(el):
            cname = _local(child)
            if cname == "heading":
                node.heading = self.flat(child, node)
            elif cname in STRUCTURE:
                node.children.append(self.unit(child, node, node.citation))
            elif cname == "continuation":
                wrapup.append(self.flat(child, node))
            elif cname in TEXT_PARTS:
                if node.children:   # printed after the subdivisions
                    wrapup.append(self.flat(child, node))
                else:
                    lead = self.articles(child, node) if name == "section" else None
                    text.extend(lead if lead is not None else [self.flat(child, node)])
            elif _is_footnote(child):
                self.flat(child, node)   # records it in attrs["footnotes"]
            elif not (cname in ("num", *NAVIGATION) or self.commentary(child, node)):
                raise self.error(child, f"unexpected <{cname}> in {node.num}")
            stray = _tidy(child.tail or "")
            if stray:
                (wrapup if node.children else text).append(stray)
        node.text = "\n".join(t for t in text if t)
        node.wrapup = "\n".join(w for w in wrapup if w) or None
        if "status" not in node.attrs and node.heading:
            status = STATUS_IN_HEADING.match(node.heading)
            if status:
                node.attrs["status"] = status.group(1).lower()
        return node

    def commentary(self, el: etree._Element, owner: Node) -> bool:
        """Attach a sourceCredit or notes as commentary children of ``owner``."""
        name = _local(el)
        if name == "sourceCredit":
            credit = Node(eid=self.eids.claim(make_eid(owner, "credit")), level="credit",
                          kind=COMMENTARY, line=el.sourceline, attrs={"role": "sourceCredit"})
            credit.text = self.flat(el, credit)
            owner.children.append(credit)
            return True
        if name == "notes":
            for note in _elements(el):
                if _local(note) != "note":
                    raise self.error(note, f"unexpected <{_local(note)}> in <notes>")
                self.note(note, owner)
            return True
        if name == "note" and not _is_footnote(el):
            self.note(el, owner)
            return True
        return False

    def note(self, el: etree._Element, owner: Node) -> None:
        count = sum(1 for c in owner.children if c.kind == COMMENTARY and c.level == "note")
        node = Node(eid=self.eids.claim(make_eid(owner, "note", count + 1)), level="note",
                    kind=COMMENTARY, line=el.sourceline)
        body: list[str] = []
        for child in _elements(el):
            if _local(child) == "heading" and node.heading is None and not body:
                node.heading = self.flat(child, node)
            elif _local(child) == "num" and node.num is None and not body:
                node.num = self.flat(child, node)
            else:
                body.append(self.flat(child, node))
            body.append(_tidy(child.tail or ""))
        body.insert(0, _tidy(el.text or ""))   # bare text before any <p>
        node.text = "\n".join(b for b in body if b)
        for attr in ("topic", "role", "type"):
            if el.get(attr):
                node.attrs[attr] = el.get(attr)
        committee = COMMITTEE_NOTE.match(node.heading or "")
        if committee and owner.level == "rule" and owner.citation:
            year, amended = committee.group(1), committee.group(2)
            node.citation = (f"{owner.citation} advisory committee's note to {year} amendment"
                             if amended else f"{owner.citation} advisory committee's note")
        owner.children.append(node)

    def articles(self, content: etree._Element, section: Node) -> list[str] | None:
        """Split a section's content printed as "Article I … Article IX" into articles.

        Returns the lines before the first article (the section's own text),
        or None when the content is not printed that way.
        """
        paras = _elements(content)
        if (content.text or "").strip() or any(_local(p) != "p" for p in paras):
            return None
        lines = [_tidy("".join(p.itertext())) for p in paras]
        if not any(ARTICLE_LINE.match(line) for line in lines) or \
                any(_is_footnote(e) for p in paras for e in p.iter()):
            return None
        lead: list[str] = []
        article: Node | None = None
        parent_para: Node | None = None
        for p, line in zip(paras, lines):
            heading = ARTICLE_LINE.match(line)
            if heading:
                roman = heading.group(1)
                article = Node(eid=self.eids.claim(make_eid(None, "article", roman)),
                               level="article",
                               num=line, num_norm=roman, line=p.sourceline,
                               citation=f"{self.short} § {section.num_norm}, art. {roman}")
                section.children.append(article)
                parent_para = None
                continue
            if article is None:
                lead.append(line)
                continue
            numbered = ARTICLE_PARA.match(line)
            if not numbered:
                target = article.children[-1] if article.children else article
                target.text = "\n".join(t for t in (target.text, line) if t)
                continue
            label = numbered.group(2)
            nested = label.isdigit() and parent_para is not None
            owner = parent_para if nested else article
            level = "subparagraph" if nested else "paragraph"
            para = Node(eid=self.eids.claim(make_eid(owner, level, label)), level=level,
                        num=numbered.group(1), num_norm=label, line=p.sourceline,
                        text=line[numbered.end():], citation=f"{owner.citation}({label})")
            owner.children.append(para)
            if not nested:
                parent_para = para if not label.isdigit() else None
        return lead

    def flat(self, el: etree._Element, owner: Node) -> str:
        """Plain text of ``el``; editorial footnotes go to ``owner.attrs["footnotes"]``."""
        out: list[str] = []

        def visit(e: etree._Element, top: bool) -> None:
            if _is_footnote(e):
                if _local(e) == "note":   # the marker <ref> itself is dropped
                    owner.attrs.setdefault("footnotes", []).append(_footnote(e))
                return
            if _skipped(e):
                return
            if not top and _local(e) in BLOCKS:
                out.append("\n")
            if e.text:
                out.append(e.text)
            for child in e:
                if isinstance(child.tag, str):
                    visit(child, False)
                if child.tail:
                    out.append(child.tail)

        visit(el, True)
        return _tidy("".join(out))

    def error(self, el: etree._Element, message: str) -> SourceError:
        where = _enclosing_unit(el)
        return SourceError(self.ctx.path, message, line=el.sourceline, where=where)


# --- helpers -----------------------------------------------------------------

def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _elements(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


def _child(el: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in _elements(el) if _local(c) == name), None)


def _is_footnote(el: etree._Element) -> bool:
    name = _local(el)
    return (name == "note" and el.get("type") == "footnote") or \
        (name == "ref" and el.get("class") == "footnoteRef")


def _skipped(el: etree._Element) -> bool:
    """Not body text: comments / processing instructions, navigation, editorial footnotes."""
    return not isinstance(el.tag, str) or _local(el) in NAVIGATION or _is_footnote(el)


def _footnote(el: etree._Element) -> dict:
    num = _child(el, "num")
    parts = [el.text or ""] if num is None else []
    for child in _elements(el):
        if child is not num:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return {"mark": _tidy("".join(num.itertext())) if num is not None else None,
            "text": _tidy("".join(parts))}


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _find_instrument(root: etree._Element, instrument: Instrument, path: str) -> etree._Element:
    for el in root.iter(f"{{*}}{instrument.element}", instrument.element):
        ident = el.get("identifier") or ""
        if instrument.identifier_end is None or ident.endswith(instrument.identifier_end):
            return el
    wanted = f"<{instrument.element}>" + (f" with identifier …{instrument.identifier_end}"
                                          if instrument.identifier_end else "")
    raise SourceError(path, f"no {instrument.title} in this file (looked for {wanted})")


def _first_text(root: etree._Element, name: str) -> str | None:
    el = next(iter(root.iter(f"{{*}}{name}", name)), None)
    return el.text.strip() if el is not None and el.text else None


def _toc(element: etree._Element) -> list[dict]:
    """The instrument's own table of contents: group headers and (num, heading) items."""
    entries: list[dict] = []
    for toc in _elements(element):
        if _local(toc) != "toc":
            continue
        for el in toc.iter():
            name = _local(el)
            if name == "header" and el.get("role") == "tocGroupHeader":
                entries.append({"group": _tidy("".join(el.itertext()))})
            elif name == "tocItem":
                cols = [_tidy("".join(c.itertext())) for c in _elements(el)]
                entries.append({"num": cols[0] if cols else "",
                                "heading": " ".join(cols[1:])})
    return entries


def _enclosing_unit(el: etree._Element) -> str | None:
    """"Rule 11" / "§ 4" for error messages: the nearest rule or section around ``el``."""
    node = el
    while node is not None:
        if _local(node) in UNPREFIXED:
            num = _child(node, "num")
            if num is not None:
                return _tidy("".join(num.itertext())).rstrip(".")
        node = node.getparent()
    return None


def _sniff(data: bytes, file_format: str, path: str) -> bool:
    return file_format == "xml" and (b"uscDoc" in data[:4096] or b"uslm" in data[:4096])


register("uslm", parse, file_format="xml", lang="en", sniff=_sniff)
