"""CSL-JSON items as BibTeX entries (UTF-8; Zotero, JabRef and biber read them as they are).

Legislation has no BibTeX type of its own: it becomes ``@misc`` with the
issuing body as ``organization`` and the kind of text as ``type``; an
institutional author is braced so that it is not split into names.
"""
from __future__ import annotations

import re

TYPES = {"article-journal": "article", "article": "unpublished", "thesis": "mastersthesis",
         "book": "book", "legislation": "misc", "legal_case": "misc", "document": "misc"}
# LaTeX special characters in field values.
SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
           "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
           "^": r"\textasciicircum{}"}
KEY_UNSAFE = re.compile(r"[\s,{}()=\"#%'\\~]")


def escape(value: str) -> str:
    return "".join(SPECIAL.get(ch, ch) for ch in str(value))


def bibtex_key(item_id: str) -> str:
    return KEY_UNSAFE.sub("_", item_id)


def _names(names: list[dict]) -> str:
    out = []
    for n in names:
        if "literal" in n:
            out.append("{" + escape(n["literal"]) + "}")
        elif n.get("given"):
            out.append(f"{escape(n['family'])}, {escape(n['given'])}")
        else:
            out.append(escape(n.get("family", "")))
    return " and ".join(out)


def entry(item: dict) -> str:
    """One BibTeX entry for one CSL item."""
    kind = TYPES.get(item.get("type", ""), "misc")
    if kind == "mastersthesis" and "master" not in (item.get("genre") or "").lower():
        kind = "phdthesis"
    fields: list[tuple[str, str]] = []
    if item.get("author"):
        fields.append(("author", _names(item["author"])))
    # Double braces keep the title's capitalisation as written.
    fields.append(("title", "{" + escape(item.get("title", "")) + "}"))
    if item.get("title-short"):
        fields.append(("shorttitle", escape(item["title-short"])))
    if item.get("container-title"):
        fields.append(("journal", escape(item["container-title"])))
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    if parts and parts[0]:
        fields.append(("year", str(parts[0][0])))
        if len(parts[0]) >= 3:
            fields.append(("date", "-".join(f"{p:02d}" if i else str(p)
                                            for i, p in enumerate(parts[0]))))
    for csl, bib in (("volume", "volume"), ("page", "pages"), ("DOI", "doi"), ("URL", "url"),
                     ("language", "language"), ("version", "edition")):
        if item.get(csl):
            value = item[csl] if csl != "page" else str(item[csl]).replace("-", "--")
            fields.append((bib, escape(value) if csl not in ("URL", "DOI") else str(value)))
    if item.get("publisher"):
        fields.append(("school" if kind.endswith("thesis") else "publisher",
                       escape(item["publisher"])))
    if item.get("authority"):
        fields.append(("organization", escape(item["authority"])))
    if item.get("genre") or item.get("type") == "legislation":
        fields.append(("type", escape(item.get("genre") or "statute")))
    if item.get("jurisdiction"):
        fields.append(("keywords", escape(f"jurisdiction:{item['jurisdiction']}")))
    if item.get("note"):
        fields.append(("note", escape(item["note"].replace("\n", "; "))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{bibtex_key(item['id'])},\n{body}\n}}\n"


def to_bibtex(items: list[dict]) -> str:
    return "\n".join(entry(item) for item in items)
