"""A reform brief: for chosen codes and jurisdictions, the law of each system quoted
with pinpoint citations, the contrast, the scholarly critiques and proposals with
their sources, notes and a bibliography — in Markdown, HTML or DOCX.

:func:`build_brief` assembles a :class:`Brief` from the database (read only);
one renderer per format turns it into text or bytes; :func:`render_brief` does
both and is what the CLI and the web view call.

Quotations are the corpus text exactly: a provision's ``text`` (its own text,
without subdivisions, which are their own rows) and a scholarly sentence as it
stands in its paragraph. Every quotation carries a note number; the notes give
the full citation and the corpus id, so a reader can check it.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml

from annotate import compare
from annotate.compare import CodeInfo, Contrast, Db, connect, rows, table_exists

from . import cite as cite_styles
from .csl import (JOURNAL_IN_PROVENANCE as JOURNAL, bibliography, format_reference,
                  reference_item, source_item)

FORMATS = ("md", "html", "docx")
MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
PRIMARY_KINDS = ("statute", "court-rule")
STANCE_TITLES = {"critique": "Critiques", "proposal": "Proposals"}
BIBLIOGRAPHY_STYLE = "chicago-author-date"   # the scholarship's entries (CSL, citeproc-py)


class BriefError(ValueError):
    """A request the brief cannot serve (unknown code, dimension, jurisdiction or format)."""


# -- model ---------------------------------------------------------------------------

@dataclass
class Quote:
    provision_id: str
    citation: str
    text: str
    lang: str
    jurisdiction: str
    source_id: str
    roles: list[str] = field(default_factory=list)
    modalities: list[str] = field(default_factory=list)
    pinned: bool = False
    note: int = 0
    translation: Quote | None = None
    repeat: bool = False        # quoted in full earlier in the brief: referred to here


@dataclass
class Claim:
    id: str
    stance: str
    text: str
    source_id: str
    provision_id: str
    citation: str
    lang: str
    jurisdiction: str
    cites: list[dict] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)      # citations of provisions it would change
    note: int = 0


@dataclass
class CodeSection:
    info: CodeInfo
    law: dict[str, list[Quote]]
    contrasts: list[Contrast]
    critiques: list[Claim]
    proposals: list[Claim]


@dataclass
class Note:
    text: str
    corpus_id: str

    def plain(self) -> str:
        return f"{self.text} Corpus id: {self.corpus_id}."


@dataclass
class SummaryTable:
    """One dimension at a glance: a row per code, a cell per jurisdiction."""
    title: str
    jurisdictions: list[str]
    rows: list[tuple[str, list[str]]]


@dataclass
class Brief:
    title: str
    jurisdictions: list[str]
    sections: list[CodeSection]
    extra: list[Quote]
    notes: list[Note]
    bibliography_law: list[str]
    bibliography_scholarship: list[str]
    warnings: list[str]
    generated: str
    summary: list[SummaryTable] = field(default_factory=list)

    def quotes(self) -> Iterable[Quote]:
        """Every quotation in full (a provision referred to again is not one)."""
        for section in self.sections:
            for quotes in section.law.values():
                for q in quotes:
                    if q.repeat:
                        continue
                    yield q
                    if q.translation:
                        yield q.translation
        for q in self.extra:
            yield q

    def claims(self) -> Iterable[Claim]:
        for section in self.sections:
            yield from section.critiques
            yield from section.proposals


# -- assembly -------------------------------------------------------------------------

def _split(values: str | Iterable[str] | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.split(",")
    return [v.strip() for v in values if v and v.strip()]


def dimension_labels() -> dict[str, tuple[str, str]]:
    for path in compare.CODEBOOK_FILES:
        if path.is_file():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            return {d["id"]: (d.get("label", {}).get("en", d["id"]), d.get("label", {}).get("zh", ""))
                    for d in data.get("dimensions", [])}
    return {}


def build_brief(db: Db, *, codes: str | Iterable[str] | None = None, dimension: str | None = None,
                jurisdictions: str | Iterable[str] | None = None,
                provision_ids: str | Iterable[str] | None = None,
                max_quotes: int = 4, max_claims: int = 8, title: str | None = None) -> Brief:
    """Assemble the brief for ``codes`` (or a whole ``dimension``) and ``jurisdictions``;
    ``provision_ids`` are pinned: always quoted, under the codes they carry."""
    conn = connect(db)
    book = compare.codebook(conn)
    known = {c.code: c for c in book}
    wanted = _split(codes)
    pinned = _split(provision_ids)
    warnings: list[str] = []
    for code in wanted:
        if code not in known:
            raise BriefError(f"unknown code {code!r} (see the codebook; e.g. {book[0].code})"
                             if book else f"unknown code {code!r}")
    if dimension:
        dims = sorted({c.dimension for c in book})
        if dimension not in dims:
            raise BriefError(f"unknown dimension {dimension!r} (known: {', '.join(dims)})")
        wanted += [c.code for c in book if c.dimension == dimension and c.code not in wanted]
    present = compare.jurisdictions(conn)
    juris = [j.upper() for j in _split(jurisdictions)] or present
    for j in juris:
        if j not in present:
            raise BriefError(f"unknown jurisdiction {j!r} (in the corpus: {', '.join(present)})")
    pinned_rows = _pinned(conn, pinned)
    has_tags = compare.tags_relation(conn) is not None
    if not has_tags:
        warnings.append("This database has no tags: the law cannot be selected by code and the "
                        "systems cannot be compared (build it with the tagging stage). Only "
                        "pinned provisions are quoted.")
    pinned_codes = _codes_of(conn, list(pinned_rows)) if pinned_rows else {}
    if not wanted:
        if not pinned_rows:
            raise BriefError("choose codes (--codes), a dimension (--dimension) or provisions")
        carried = {c for cs in pinned_codes.values() for c in cs}
        wanted = [c.code for c in book if c.code in carried]
    claims = _claims(conn, juris)
    rank = _Rank(conn) if has_tags else None
    sections = []
    placed: set[str] = set()
    said: set[str] = set()          # scholarly sentences already quoted
    for code in wanted:
        info = known[code]
        law: dict[str, list[Quote]] = {}
        for j in juris:
            quotes = _law(conn, code, j, pinned_rows, pinned_codes, rank, max_quotes, placed)
            placed.update(q.provision_id for q in quotes)
            law[j] = quotes
        contrasts = compare.contrasts(conn, code, juris) if has_tags and len(juris) > 1 else []
        # A sentence bearing on several codes is quoted under the first only.
        mine = [c for c in claims if code in c["codes"] and c["id"] not in said]
        critiques = [_claim(c) for c in mine if c["stance"] == "critique"][:max_claims]
        proposals = [_claim(c) for c in mine if c["stance"] == "proposal"][:max_claims]
        said.update(c.id for c in critiques + proposals)
        sections.append(CodeSection(info, law, contrasts, critiques, proposals))
    extra = [_quote(r, pinned=True) for pid, r in pinned_rows.items() if pid not in placed]
    brief = Brief(title or _title(book, wanted, dimension, juris), juris, sections, extra, [], [],
                  [], warnings, date.today().isoformat())
    if has_tags:
        brief.summary = _summary(conn, sections, juris)
    _notes_and_bibliography(conn, brief)
    return brief


def _title(book: list[CodeInfo], wanted: list[str], dimension: str | None, juris: list[str]) -> str:
    if dimension:
        en, zh = dimension_labels().get(dimension, (dimension, ""))
        what = f"{en} ({zh})" if zh else en
    else:
        labels = {c.code: c.label_en or c.code for c in book}
        what = ", ".join(labels[c] for c in wanted[:4]) + (" …" if len(wanted) > 4 else "")
    return f"Reform brief: {what} — {', '.join(juris)}"


def _pinned(conn, ids: list[str]) -> dict[str, dict]:
    out = {}
    for pid in ids:
        found = rows(conn, "SELECT * FROM provisions WHERE id = ?", [pid])
        if not found:
            raise BriefError(f"no provision {pid!r} in the database")
        out[pid] = found[0]
    return out


def _codes_of(conn, ids: list[str]) -> dict[str, list[str]]:
    relation = compare.tags_relation(conn)
    if relation is None or not ids:
        return {}
    out: dict[str, list[str]] = {}
    for r in rows(conn, f"SELECT DISTINCT provision_id, code FROM [{relation}] WHERE provision_id IN "
                        f"({', '.join('?' for _ in ids)})", ids):
        out.setdefault(r["provision_id"], []).append(r["code"])
    return out


class _Rank:
    """Which provisions to quote first, from the reviewed reference coding
    (``reference_units``): a unit the coders marked core *for this code* first;
    statutes and court rules before the rules made under them; the works at the
    centre of each system's plea law (most core units: the CPL, FRCrP, StPO)
    before those that touch it; then the units the coding gave most codes (CPL
    art. 173(2) regulates who is heard on what; Legal Aid Law art. 37 only that
    duty lawyers may act); then the order of the law. Without a reference coding,
    the number of codes the tags give a provision stands in for its breadth."""

    def __init__(self, conn) -> None:
        self.core: dict[str, set[str]] = {}
        self.breadth: dict[str, int] = {}
        self.work: dict[str, int] = {}
        if table_exists(conn, "reference_units"):
            for r in rows(conn, "SELECT provision_id, core, codes, code_list FROM reference_units "
                                "WHERE provision_id IS NOT NULL"):
                pid = r["provision_id"]
                if r["core"]:
                    self.core.setdefault(pid, set()).update((r["code_list"] or "").split())
                    src = pid.split(":")[0]
                    self.work[src] = self.work.get(src, 0) + 1
                self.breadth[pid] = max(self.breadth.get(pid, 0), r["codes"] or 0)
        if not self.breadth:
            relation = compare.tags_relation(conn)
            self.breadth = {r["provision_id"]: r["n"] for r in rows(
                conn, f"SELECT provision_id, COUNT(DISTINCT code) AS n FROM [{relation}] "
                      "GROUP BY provision_id")}
        self.translations = self.translation_ids(conn)

    @staticmethod
    def translation_ids(conn) -> set[str]:
        """Translations are quoted beside their original, never on their own."""
        if not table_exists(conn, "alignments"):
            return set()
        return {r["target_id"] for r in rows(
            conn, "SELECT target_id FROM alignments WHERE kind = 'translation'")}

    def key(self, pid: str, code: str, row: dict) -> tuple:
        return (code not in self.core.get(pid, ()),
                row["source_kind"] not in PRIMARY_KINDS,
                -self.work.get(row["source_id"], 0),
                -self.breadth.get(pid, 0),
                row["source_id"], row["position"])


def _law(conn, code: str, jurisdiction: str, pinned: dict[str, dict], pinned_codes: dict,
         rank: _Rank | None, limit: int, placed: set[str]) -> list[Quote]:
    """The provisions quoted for one code and system: pinned ones, else the best
    ``limit`` by :class:`_Rank`. One quoted under an earlier code is referred to,
    not quoted again, and does not take the place of a new one."""
    tags = compare.law_tags(conn, code=code, jurisdiction=jurisdiction)
    by_provision: dict[str, list[dict]] = {}
    for t in tags:
        by_provision.setdefault(t["provision_id"], []).append(t)
    chosen = [pid for pid, r in pinned.items()
              if r["jurisdiction"] == jurisdiction and code in pinned_codes.get(pid, [])]
    if not chosen and rank is not None:
        order = sorted((pid for pid in by_provision if pid not in rank.translations),
                       key=lambda pid: rank.key(pid, code, by_provision[pid][0]))
        order = [pid for pid in order if (by_provision[pid][0]["text"] or "").strip()]
        fresh = [pid for pid in order if pid not in placed][:limit]
        # Earlier quotations that rank among the first `limit` are referred to in place.
        again = [pid for pid in order[:limit] if pid in placed]
        chosen = sorted(fresh + again, key=order.index)
    quotes = []
    for pid in chosen:
        row = pinned.get(pid) or rows(conn, "SELECT * FROM provisions WHERE id = ?", [pid])[0]
        quote = _quote(row, pinned=pid in pinned)
        quote.repeat = pid in placed
        quote.roles = sorted({t["role"] for t in by_provision.get(pid, []) if t.get("role")})
        quote.modalities = sorted({t["modality"] for t in by_provision.get(pid, [])
                                   if t.get("modality")})
        if not quote.repeat:
            quote.translation = _translation(conn, pid)
        quotes.append(quote)
    return quotes


def _summary(conn, sections: list[CodeSection], juris: list[str]) -> list[SummaryTable]:
    """Per dimension, a table of codes × systems: how many provisions carry the
    code, what they make each subject and with what force — in plain words."""
    words = brief_words()
    tables: dict[str, SummaryTable] = {}
    dims = dimension_labels()
    translations = _Rank.translation_ids(conn)
    for section in sections:
        info = section.info
        dim = info.dimension
        if dim not in tables:
            en, zh = dims.get(dim, (dim, ""))
            tables[dim] = SummaryTable(f"{en} ({zh})" if zh else en, juris, [])
        cells = []
        for j in juris:
            found = [t for t in compare.law_tags(conn, code=info.code, jurisdiction=j)
                     if t["provision_id"] not in translations]
            n = len({t["provision_id"] for t in found})
            if not n:
                cells.append(words["summary"]["none"])
                continue
            roles = [r for r in words["roles"] if r in {t.get("role") for t in found}]
            mods = [m for m in words["modalities"] if m in {t.get("modality") for t in found}]
            bits = [words["summary"]["provisions"].format(n=n, s="" if n == 1 else "s")]
            if roles:
                bits.append(", ".join(words["roles"][r] for r in roles))
            if mods:
                bits.append(" / ".join(words["modalities"][m] for m in mods))
            lead = next((q.citation for q in section.law.get(j, [])), None)
            if lead:
                bits.append(f"chiefly {lead}")
            cells.append("; ".join(bits))
        label = (f"{info.label_en} ({info.label_zh})" if info.label_zh
                 else (info.label_en or info.code))
        tables[dim].rows.append((label, cells))
    return list(tables.values())


BRIEF_WORDS = Path(__file__).resolve().parent / "data" / "brief_words.yaml"


@lru_cache(maxsize=1)
def brief_words() -> dict:
    """Plain words for roles, modalities and the summary (data/brief_words.yaml)."""
    return yaml.safe_load(BRIEF_WORDS.read_text(encoding="utf-8"))


def script_lang(lang: str | None, jurisdiction: str | None) -> str:
    """"zh" with its script: Traditional in Taiwan, Simplified elsewhere (for fonts, lang=)."""
    lang = lang or ""
    if lang == "zh":
        return "zh-Hant" if jurisdiction == "TW" else "zh-Hans"
    return lang


def _quote(row: dict, *, pinned: bool = False) -> Quote:
    return Quote(row["id"], row.get("citation") or row["id"], row.get("text") or "",
                 script_lang(row.get("lang"), row.get("jurisdiction")),
                 row.get("jurisdiction") or "", row["source_id"], pinned=pinned)


def _translation(conn, pid: str) -> Quote | None:
    if not table_exists(conn, "alignments"):
        return None
    found = rows(conn, "SELECT p.* FROM alignments a JOIN provisions p ON p.id = a.target_id "
                       "WHERE a.provision_id = ? AND a.kind = 'translation' LIMIT 1", [pid])
    if not found or not (found[0].get("text") or "").strip():
        return None
    return _quote(found[0])


def _claims(conn, juris: list[str]) -> list[dict]:
    """Critique and proposal sentences with their codes: from the stage's tables, or
    computed on the spot when the database was built without that stage."""
    if table_exists(conn, "stance"):
        stance_rows = rows(conn, "SELECT * FROM stance WHERE stance != 'description'")
        target_rows = (rows(conn, "SELECT proposal_id, provision_id, citation, rank FROM proposal_targets "
                                  "ORDER BY proposal_id, rank")
                       if table_exists(conn, "proposal_targets") else [])
    else:
        from annotate.scholarship_stage import analyse
        data, _ = analyse(conn)
        stance_rows = [r for r in data.stance if r["stance"] != "description"]
        target_rows = data.proposal_targets
    targets: dict[str, list[str]] = {}
    for t in target_rows:
        targets.setdefault(t["proposal_id"], []).append(t["citation"] or t["provision_id"])
    paragraph = {r["id"]: r for r in rows(
        conn, "SELECT id, jurisdiction FROM provisions WHERE source_kind = 'scholarship'")}
    out = []
    for r in stance_rows:
        j = paragraph.get(r["from_id"], {}).get("jurisdiction")
        if j not in juris:
            continue
        out.append({**r, "jurisdiction": j, "codes": json.loads(r["codes"] or "[]"),
                    "cites": json.loads(r["cites"] or "[]"), "targets": targets.get(r["id"], [])})
    return out


def _claim(r: dict) -> Claim:
    return Claim(r["id"], r["stance"], r["text"], r["source_id"], r["from_id"], r["citation"],
                 r.get("lang") or "en", r["jurisdiction"], r["cites"], r["targets"][:3])


def _sentence(*parts: str) -> str:
    """Parts joined as one note sentence, ending in exactly one full stop, so a
    citation that ends in an abbreviation ("USSG §6B1.1(a), p.s.") is not given a
    second one."""
    out = ""
    for part in (p.strip() for p in parts if p and p.strip()):
        if out and not out.endswith((".", "?", "!", "。")):
            out += "."
        out = f"{out} {part}" if out else part
    return out if out.endswith((".", "?", "!", "。")) else out + "."


def law_source_citation(src: dict) -> str:
    """A legal source in full, as a first note names it: the title, and the year
    of the version unless the title already gives it ("Guidelines Manual (2016)")."""
    title = src.get("title") or src.get("id") or ""
    year = cite_styles._year(src)
    if year and year not in title:
        title += f" ({year})"
    return title


def scholarship_citation(src: dict, pin: str, *, short: bool) -> str:
    """A scholarly source in a note, Chicago notes style: in full the first time
    ("Kelin Meng, “From …,” Law and Economy (2023), § 4.1 ¶ 1"), then short
    ("Meng, “From …,” § 4.3 ¶ 2"). Authors as the source names them; a text with
    no byline is cited by its title, never by the institution it came from."""
    meta = json.loads(src.get("meta") or "{}")
    authors = meta.get("authors") or []
    title = (src.get("title") or src.get("id") or "").strip()
    untitled = title.endswith("(untitled)")
    if untitled:                     # a descriptive title the corpus gave it
        title = title[: -len("(untitled)")].strip()
    if short:
        title = title.split(":")[0].strip()
        if untitled and len(title.split()) > 6:
            title = " ".join(title.split()[:6])
    title = _inner_quotes(title)
    shown = f"[{title}]," if untitled else f"“{title},”"
    who = ""
    if authors:
        names = [a.split()[-1] for a in authors] if short else authors
        who = (" and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + ", and "
               + names[-1]) + ", "
    if short:
        return _sentence(f"{who}{shown} {pin}".replace(",” ,", ",”").strip().rstrip(","))
    journal = JOURNAL.match(src.get("provenance") or "")
    year = cite_styles._year(src) or "n.d."
    where = (f"{journal['journal'].strip()} ({year})" if journal
             else f"(untitled manuscript, {year})" if untitled else f"({year})")
    if untitled:
        shown = shown.rstrip(",")
    return _sentence(f"{who}{shown} {where}, {pin}")


def _inner_quotes(title: str) -> str:
    # Inside a title set in double quotes, the title's own quotation marks become single.
    return title.replace("“", "‘").replace("”", "’")


def _notes_and_bibliography(conn, brief: Brief) -> None:
    """Number every citation in reading order — one note per occurrence, as Word
    footnotes are — and collect what the notes cite. A source's first note cites
    it in full; later notes use the short form (the pinpoint, or author and short
    title); a provision quoted before is referred to its first note."""
    sources = {r["id"]: r for r in rows(conn, "SELECT * FROM sources")}
    used_sources: dict[str, None] = {}
    used_refs: dict[str, None] = {}
    cited_before: set[str] = set()
    first_note: dict[str, int] = {}

    def add(note: Note) -> int:
        brief.notes.append(note)
        first_note.setdefault(note.corpus_id, len(brief.notes))
        return len(brief.notes)

    def law_note(q: Quote) -> Note:
        src = sources.get(q.source_id, {})
        used_sources.setdefault(q.source_id)
        if q.repeat and q.provision_id in first_note:
            return Note(_sentence(q.citation, f"Quoted above at note {first_note[q.provision_id]}"),
                        q.provision_id)
        if q.source_id in cited_before:
            return Note(_sentence(q.citation), q.provision_id)
        cited_before.add(q.source_id)
        return Note(_sentence(q.citation, law_source_citation(src)), q.provision_id)

    def claim_note(c: Claim) -> Note:
        used_sources.setdefault(c.source_id)
        src = sources.get(c.source_id, {})
        pin = c.citation.split(", ", 1)[1] if ", " in c.citation else ""
        text = scholarship_citation(src, pin, short=c.source_id in cited_before)
        cited_before.add(c.source_id)
        for ref in c.cites:
            if ref.get("bibliography_id"):
                used_refs.setdefault(ref["bibliography_id"])
                text += f" Cites {ref['author']} ({ref['year']}), see the bibliography."
            else:
                why = ref.get("reason") or "not in the source's reference list"
                text += f" Cites {ref['author']} ({ref['year']}); not resolved: {why}."
        return Note(text, c.id)

    for section in brief.sections:
        for quotes in section.law.values():
            for q in quotes:
                q.note = add(law_note(q))
                if q.translation:
                    q.translation.note = add(law_note(q.translation))
        for c in section.critiques + section.proposals:
            c.note = add(claim_note(c))
    for q in brief.extra:
        q.note = add(law_note(q))
    order = {j: i for i, j in enumerate(brief.jurisdictions)}
    law_items, scholarship_items = [], []
    for sid in sorted(used_sources, key=lambda s: (order.get(sources.get(s, {}).get("jurisdiction"), 9), s)):
        src = sources.get(sid)
        if not src:
            continue
        item = source_item(src)
        (scholarship_items if src.get("kind") == "scholarship" else law_items).append(item)
    if used_refs and table_exists(conn, "bibliography"):
        for r in rows(conn, f"SELECT * FROM bibliography WHERE id IN "
                            f"({', '.join('?' for _ in used_refs)})", list(used_refs)):
            scholarship_items.append(reference_item(r))
    brief.bibliography_law = [format_reference(i) for i in law_items]
    brief.bibliography_scholarship = bibliography(scholarship_items, BIBLIOGRAPHY_STYLE)


# -- Markdown ---------------------------------------------------------------------------

MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_escape(text: str) -> str:
    """Backslash-escape Markdown's special characters, so a quotation renders as written."""
    return MD_SPECIAL.sub(r"\\\1", text)


def md_unescape(text: str) -> str:
    return re.sub(r"\\([\\`*_\[\]<>|#])", r"\1", text)


def _attrs(q: Quote) -> str:
    """What the provision makes the subject and with what force, in plain words
    (data/brief_words.yaml): " (party to the agreement; must)"."""
    words = brief_words()
    bits = []
    roles = [words["roles"].get(r, r) for r in q.roles]
    mods = [words["modalities"].get(m, m) for m in q.modalities if m != "none"]
    if roles:
        bits.append(", ".join(roles))
    if mods:
        bits.append(" / ".join(mods))
    if q.pinned:
        bits.append("selected")
    return f" ({'; '.join(bits)})" if bits else ""


def _md_quote(text: str) -> list[str]:
    return ["> " + md_escape(line) if line else ">" for line in text.split("\n")]


def render_markdown(brief: Brief) -> str:
    out = [f"# {md_escape(brief.title)}", ""]
    out.append(f"Jurisdictions: {', '.join(f'{compare.JURISDICTION_NAMES.get(j, j)} ({j})' for j in brief.jurisdictions)}. "
               f"Generated {brief.generated} by plea-corpus. Quotations are the corpus text "
               "verbatim; the notes give each one's full citation and corpus id.")
    out.append("")
    for w in brief.warnings:
        out += [f"> **Note:** {md_escape(w)}", ""]
    for table in brief.summary:
        out += [f"## Summary: {md_escape(table.title)}", ""]
        out.append("| | " + " | ".join(compare.JURISDICTION_NAMES.get(j, j)
                                          for j in table.jurisdictions) + " |")
        out.append("|---" * (len(table.jurisdictions) + 1) + "|")
        for label, cells in table.rows:
            out.append(f"| {md_escape(label)} | " + " | ".join(md_escape(c) for c in cells) + " |")
        out.append("")
    for section in brief.sections:
        info = section.info
        label = f"{info.label_en} ({info.label_zh})" if info.label_zh else info.label_en or info.code
        out += [f"## {md_escape(label)}", ""]
        if info.definition:
            out += [f"*{md_escape(info.definition)}*", ""]
        out += ["### The law", ""]
        for j, quotes in section.law.items():
            out += [f"#### {compare.JURISDICTION_NAMES.get(j, j)} ({j})", ""]
            if not quotes:
                out += ["No provision in the corpus carries this code.", ""]
            for q in quotes:
                if q.repeat:
                    out += [f"{md_escape(q.citation)}{_attrs(q)}, quoted above.[^{q.note}]", ""]
                    continue
                out += _md_quote(q.text)
                out += [">", f"> — {md_escape(q.citation)}{_attrs(q)}[^{q.note}]", ""]
                if q.translation:
                    out += [f"English translation ({md_escape(q.translation.citation)}):", ""]
                    out += _md_quote(q.translation.text)
                    out += [">", f"> — {md_escape(q.translation.citation)}[^{q.translation.note}]", ""]
        if section.contrasts:
            out += ["### Contrast", ""]
            for c in section.contrasts:
                out.append(f"**{c.a.jurisdiction} – {c.b.jurisdiction}**")
                out.append("")
                out += [f"- {md_escape(line)}" for line in c.summary]
                out.append("")
        if section.critiques or section.proposals:
            out += ["### Scholarship", ""]
            for stance, claims in (("critique", section.critiques), ("proposal", section.proposals)):
                if not claims:
                    continue
                out += [f"#### {STANCE_TITLES[stance]}", ""]
                for c in claims:
                    out += _md_quote(c.text)
                    tail = f"> — {md_escape(c.citation)}[^{c.note}]"
                    if c.targets:
                        tail += " · would change: " + "; ".join(md_escape(t) for t in c.targets)
                    out += [">", tail, ""]
    if brief.extra:
        out += ["## Further provisions selected", ""]
        for q in brief.extra:
            out += _md_quote(q.text)
            out += [">", f"> — {md_escape(q.citation)}[^{q.note}]", ""]
    out += ["## Notes", ""]
    out += [f"[^{n}]: {md_escape(note.text)} Corpus id: `{note.corpus_id}`."
            for n, note in enumerate(brief.notes, start=1)]
    out.append("")
    out += ["## Bibliography", ""]
    if brief.bibliography_law:
        out += ["### Legal sources", ""] + [f"- {md_escape(b)}" for b in brief.bibliography_law] + [""]
    if brief.bibliography_scholarship:
        out += ["### Scholarship", ""] + [f"- {md_escape(b)}" for b in brief.bibliography_scholarship] + [""]
    return "\n".join(out).rstrip() + "\n"


# -- HTML ---------------------------------------------------------------------------------

HTML_LANG = {"zh": "zh", "zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant", "en": "en", "de": "de"}
CSS = """
body { font-family: "Noto Serif", "Noto Serif CJK SC", "Source Han Serif SC", SimSun, serif;
       max-width: 46rem; margin: 2rem auto; line-height: 1.55; padding: 0 1rem; color: #222; }
blockquote { margin: 1rem 0; padding: .2rem 1rem; border-left: 3px solid #999; background: #f7f7f7; }
blockquote p.quote { white-space: pre-wrap; margin: .3rem 0; }
p.cite { margin: .2rem 0 .6rem; font-size: .92em; }
code { font-size: .9em; } .meta { color: #555; font-size: .92em; }
ol.notes li, ul.bib li { font-size: .92em; margin-bottom: .3rem; }
.warning { border: 1px solid #c90; padding: .5rem 1rem; background: #fff8e6; }
div.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
table.summary { border-collapse: collapse; font-size: .9em; }
table.summary th, table.summary td { border: 1px solid #bbb; padding: .3rem .5rem; vertical-align: top; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html_quote(text: str, lang: str, citation: str, note: int, extra: str = "",
                cls: str = "law") -> list[str]:
    lang_attr = f' lang="{_e(HTML_LANG.get(lang, lang))}"' if lang else ""
    return [f'<blockquote class="{cls}"{lang_attr}>',
            f'<p class="quote">{_e(text)}</p>',
            f'<p class="cite">— <span class="citation">{_e(citation)}</span>{_e(extra)}'
            f'<sup><a href="#note-{note}" id="ref-{note}">{note}</a></sup></p>',
            "</blockquote>"]


def render_html(brief: Brief) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{_e(brief.title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           f"<h1>{_e(brief.title)}</h1>",
           f'<p class="meta">Jurisdictions: {_e(", ".join(brief.jurisdictions))}. Generated '
           f"{_e(brief.generated)} by plea-corpus. Quotations are the corpus text verbatim; the "
           "notes give each one's full citation and corpus id.</p>"]
    out += [f'<p class="warning">{_e(w)}</p>' for w in brief.warnings]
    for table in brief.summary:
        out.append(f'<h2>Summary: {_e(table.title)}</h2><table class="summary"><thead><tr><th></th>'
                   + "".join(f"<th>{_e(compare.JURISDICTION_NAMES.get(j, j))}</th>"
                             for j in table.jurisdictions) + "</tr></thead><tbody>")
        for label, cells in table.rows:
            out.append(f"<tr><th>{_e(label)}</th>" + "".join(f"<td>{_e(c)}</td>" for c in cells)
                       + "</tr>")
        out.append("</tbody></table>")
    for section in brief.sections:
        info = section.info
        out.append(f'<section class="code" id="{_e(info.code)}">')
        out.append(f"<h2>{_e(info.label_en or info.code)}"
                   + (f' (<span lang="zh">{_e(info.label_zh)}</span>)' if info.label_zh else "")
                   + "</h2>")
        if info.definition:
            out.append(f"<p><em>{_e(info.definition)}</em></p>")
        out.append("<h3>The law</h3>")
        for j, quotes in section.law.items():
            out.append(f"<h4>{_e(compare.JURISDICTION_NAMES.get(j, j))} ({_e(j)})</h4>")
            if not quotes:
                out.append("<p>No provision in the corpus carries this code.</p>")
            for q in quotes:
                if q.repeat:
                    out.append(f'<p class="again">{_e(q.citation)}{_e(_attrs(q))}, quoted above.'
                               f'<sup><a href="#note-{q.note}" id="ref-{q.note}">{q.note}</a></sup></p>')
                    continue
                if q.translation:     # the English beside the original
                    t = q.translation
                    out.append('<div class="pair">')
                    out += _html_quote(q.text, q.lang, q.citation, q.note, _attrs(q))
                    out += _html_quote(t.text, t.lang, t.citation, t.note, cls="law translation")
                    out.append("</div>")
                    continue
                out += _html_quote(q.text, q.lang, q.citation, q.note, _attrs(q))
        if section.contrasts:
            out.append("<h3>Contrast</h3>")
            for c in section.contrasts:
                out.append(f"<p><strong>{_e(c.a.jurisdiction)} – {_e(c.b.jurisdiction)}</strong></p><ul>")
                out += [f"<li>{_e(line)}</li>" for line in c.summary]
                out.append("</ul>")
        if section.critiques or section.proposals:
            out.append("<h3>Scholarship</h3>")
            for stance, claims in (("critique", section.critiques), ("proposal", section.proposals)):
                if claims:
                    out.append(f"<h4>{STANCE_TITLES[stance]}</h4>")
                for c in claims:
                    extra = (" · would change: " + "; ".join(c.targets)) if c.targets else ""
                    out += _html_quote(c.text, c.lang, c.citation, c.note, extra, cls=c.stance)
        out.append("</section>")
    if brief.extra:
        out.append("<h2>Further provisions selected</h2>")
        for q in brief.extra:
            out += _html_quote(q.text, q.lang, q.citation, q.note)
    out.append('<h2>Notes</h2><ol class="notes">')
    out += [f'<li id="note-{n}">{_e(note.text)} Corpus id: <code>{_e(note.corpus_id)}</code>. '
            f'<a href="#ref-{n}">↩</a></li>' for n, note in enumerate(brief.notes, start=1)]
    out.append("</ol><h2>Bibliography</h2>")
    for heading, items in (("Legal sources", brief.bibliography_law),
                           ("Scholarship", brief.bibliography_scholarship)):
        if items:
            out.append(f'<h3>{heading}</h3><ul class="bib">')
            out += [f"<li>{_e(b)}</li>" for b in items]
            out.append("</ul>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


# -- entry point ---------------------------------------------------------------------------

def render(brief: Brief, fmt: str) -> bytes:
    if fmt == "md":
        return render_markdown(brief).encode("utf-8")
    if fmt == "html":
        return render_html(brief).encode("utf-8")
    if fmt == "docx":
        from .brief_docx import render_docx
        return render_docx(brief)
    raise BriefError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")


def render_brief(db: Db, *, codes: str | Iterable[str] | None = None, dimension: str | None = None,
                 jurisdictions: str | Iterable[str] | None = None,
                 provision_ids: str | Iterable[str] | None = None, fmt: str = "md",
                 max_quotes: int = 4, max_claims: int = 8, title: str | None = None) -> bytes:
    """The brief as bytes in ``fmt`` (md, html, docx): what the CLI writes and the web
    view serves (with :data:`MEDIA_TYPES` and :func:`filename`)."""
    if fmt not in FORMATS:
        raise BriefError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    brief = build_brief(db, codes=codes, dimension=dimension, jurisdictions=jurisdictions,
                        provision_ids=provision_ids, max_quotes=max_quotes,
                        max_claims=max_claims, title=title)
    return render(brief, fmt)


def filename(fmt: str, *, codes: Iterable[str] = (), dimension: str | None = None) -> str:
    """A download name: brief-subjects.docx, brief-subjects.defense_counsel.md."""
    what = dimension or "-".join(list(codes)[:3]) or "selection"
    return f"brief-{re.sub(r'[^A-Za-z0-9._-]+', '_', what)}.{fmt}"


def format_from_path(path: str | Path | None, default: str = "md") -> str:
    suffix = Path(path).suffix.lower().lstrip(".") if path else ""
    return {"markdown": "md", "htm": "html"}.get(suffix, suffix) if suffix in (
        "md", "markdown", "html", "htm", "docx") else default
