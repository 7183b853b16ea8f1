"""A provision's citation in a chosen style.

``default``  the corpus's own citation, as a scholar of that system writes it:
             《刑事诉讼法》第二百零一条第二款, Fed. R. Crim. P. 11(c)(1)(C), § 257c Abs. 2 StPO.
``bluebook`` The Bluebook's forms: US rules and codes as printed ("Fed. R. Crim. P.
             11(c)(1)(C)", "U.S. Sentencing Guidelines Manual § 6B1.2(a) (U.S. Sentencing
             Comm'n 2016)"); foreign law with the original title, an English title in
             brackets, the pinpoint and the country ("… art. 201, para. 2 (2018) (China)").
``gb7714``   GB/T 7714-2015 reference form, with the pinpoint after the year:
             "全国人民代表大会. 中华人民共和国刑事诉讼法[Z]. 2018: 第二百零一条第二款."
``chicago-notes``, ``oscola``  a note in that style.

Scholarship is cited by a CSL processor (citeproc-py with the official CSL styles,
csl.py): Chicago notes, OSCOLA and GB/T 7714 (its note style); ``bluebook`` has no
CSL style in the package and stays the project's own. Legal pinpoints stay the
project's own in every style — CSL has no forms for 第二百零一条第二款, Fed. R. Crim.
P. 11(c)(1)(C) or § 257c Abs. 2 StPO — so chicago-notes and oscola cite a provision
by the corpus's citation, as both manuals say to cite foreign legislation in the
form of its own system.
"""
from __future__ import annotations

import json
import re

from plea.corpus import vocab
from plea.corpus.readonly import Db, connect_readonly, rows
from plea.corpus.errors import PleaError

STYLES = ("default", "bluebook", "gb7714", "chicago-notes", "oscola")
CSL_NOTE_STYLES = {"gb7714": "gb7714-note", "chicago-notes": "chicago-notes", "oscola": "oscola"}
# "§ 4.1 ¶ 1" (the corpus's pinpoint in a scholarly source) as a CSL locator.
SCHOLARLY_PIN = re.compile(r"^(?:§ (?P<section>\S+))?\s*(?:¶ (?P<para>\S+))?$")
# eid parts that name a designation, outermost first, and how Bluebook names them.
LEVEL_WORDS = {"art": "art.", "para": "para.", "item": "item", "sec": "§", "rule": "r.",
               "subsec": "", "subpara": "", "clause": ""}


def _country(code: str) -> str:
    """The country as Bluebook abbreviates it (Ger., U.S.); an unknown code as it is."""
    found = vocab.jurisdiction(code)
    return found.bluebook if found and found.bluebook else code


class CiteError(PleaError, ValueError):
    """A citation that cannot be made (unknown id or style)."""


def _provision(conn, provision_id: str) -> tuple[dict, dict]:
    found = rows(conn, "SELECT * FROM provisions WHERE id = ?", [provision_id])
    if not found:
        close = rows(conn, "SELECT id FROM provisions WHERE id LIKE ? ORDER BY length(id) LIMIT 3",
                     [provision_id.split("__")[0] + "%"])
        hint = f" (did you mean {', '.join(r['id'] for r in close)}?)" if close else ""
        raise CiteError(f"no provision {provision_id!r} in the database{hint}")
    source = rows(conn, "SELECT * FROM sources WHERE id = ?", [found[0]["source_id"]])
    return found[0], (source[0] if source else {})


def _parts(eid: str) -> list[tuple[str, str]]:
    """art_201__para_2__item_3 -> [("art", "201"), ("para", "2"), ("item", "3")]."""
    out = []
    for piece in eid.split("__"):
        kind, _, num = piece.partition("_")
        out.append((kind, num))
    return out


def _year(source: dict) -> str | None:
    for value in (source.get("in_force"), source.get("version")):
        match = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", value or "")
        if match:
            return match[1]
    return None


def _authors(source: dict) -> list[str]:
    meta = json.loads(source.get("meta") or "{}")
    return meta.get("authors") or []


def bluebook(provision: dict, source: dict) -> str:
    juris = provision.get("jurisdiction")
    citation = provision.get("citation") or provision["id"]
    year = _year(source)
    if source.get("kind") == "scholarship":
        # Authors as the source names them; none named, the title alone (never the
        # institution the text came from).
        authors = " & ".join(_authors(source))
        pin = citation.split(", ", 1)[1] if ", " in citation else ""
        lead = f"{authors}, " if authors else ""
        return f"{lead}{source.get('title')} ({year or 'n.d.'})" + (f", {pin}" if pin else "") + "."
    if juris == "US":
        if citation.startswith("USSG "):
            body = citation[len("USSG "):].replace(", p.s.", "")
            body = re.sub(r"^§(?=\S)", "§ ", body)
            return f"U.S. Sentencing Guidelines Manual {body} (U.S. Sentencing Comm'n {year or ''})".replace(" )", ")") + "."
        return citation + "."
    parts = _parts(provision["eid"])
    pin = []
    for kind, num in parts:
        word = LEVEL_WORDS.get(kind, kind + ".")
        if kind == "sec":
            pin.append(f"§ {num}")
        elif kind == "para" and juris == "DE":
            pin[-1] += f"({num})" if pin else ""
        else:
            pin.append(f"{word} {num}".strip())
    title = source.get("title") or ""
    english = source.get("title_en")
    short = source.get("short_title")
    name = title
    if juris == "DE" and short:
        name = f"{title} [{short}]"
    if english and english != title:
        name += f" [{english}]"
    when = f" ({year})" if year else ""
    return f"{name} {', '.join(pin)}{when} ({_country(juris)})."


def gb7714(provision: dict, source: dict) -> str:
    citation = provision.get("citation") or provision["id"]
    year = _year(source) or "n.d."
    if source.get("kind") == "scholarship":
        names = []
        for author in _authors(source):
            words = author.split()
            family, given = words[-1], words[:-1]
            names.append(f"{family.upper()} {''.join(g[0] for g in given)}".strip())
        who = ", ".join(names) or (source.get("issuer") or "")
        pin = citation.split(", ", 1)[1] if ", " in citation else ""
        meta = json.loads(source.get("meta") or "{}")
        doi = f" DOI:{meta['doi']}." if meta.get("doi") else ""
        return f"{who}. {source.get('title')}[J]. {year}: {pin}.{doi}"
    issuer = (source.get("issuer") or "").split(" / ")[0].split(" (")[0].strip()
    title = source.get("title") or source.get("title_en") or ""
    # The pinpoint in the corpus citation follows the short title: 《刑事诉讼法》第二百零一条第二款.
    pin = citation
    short = source.get("short_title") or ""
    if citation.startswith("《"):
        pin = re.sub(r"^《[^》]+》", "", citation)
    elif short and citation.startswith(short):
        pin = citation[len(short):].strip()
    elif short and citation.endswith(" " + short):
        pin = citation[:-len(short) - 1].strip()
    if pin[:1].isdigit() and source.get("kind") == "court-rule":
        pin = f"Rule {pin}"
    lead = f"{issuer}. " if issuer else ""
    return f"{lead}{title}[Z]. {year}: {pin.rstrip('.')}."


def scholarly_note(provision: dict, source: dict, style: str) -> str:
    """A scholarly passage as a note in a CSL style, its pinpoint as the locator."""
    from .csl import note, source_item

    citation = provision.get("citation") or ""
    pin = citation.split(", ", 1)[1] if ", " in citation else ""
    found = SCHOLARLY_PIN.match(pin)
    if found and found["section"]:
        label, locator = "section", found["section"] + (f" ¶ {found['para']}" if found["para"]
                                                        else "")
    elif found and found["para"]:
        label, locator = "paragraph", found["para"]
    else:
        label, locator = "page", None
    text = note(source_item(source), CSL_NOTE_STYLES[style], locator, label)
    if locator and " ¶ " in locator:
        # citeproc-py reads the space in "4.1 ¶ 1" as several sections ("secs.", "ss").
        text = text.replace(f"secs. {locator}", f"sec. {locator}").replace(
            f"ss {locator}", f"s {locator}")
    return text


def cite(db: Db, provision_id: str, style: str = "default") -> str:
    """The citation of one provision in ``style`` (see :data:`STYLES`)."""
    if style not in STYLES:
        raise CiteError(f"unknown style {style!r} (known: {', '.join(STYLES)})")
    provision, source = _provision(connect_readonly(db), provision_id)
    if style == "default":
        return provision.get("citation") or provision_id
    if source.get("kind") == "scholarship" and style in CSL_NOTE_STYLES:
        return scholarly_note(provision, source, style)
    if style == "bluebook":
        return bluebook(provision, source)
    if style == "gb7714":
        return gb7714(provision, source)
    return provision.get("citation") or provision_id
