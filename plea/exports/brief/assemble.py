"""Assembling a brief from a built database (read only): the law of each system
quoted with pinpoint citations, the contrast, the scholarly critiques and proposals
with their sources, the summary tables (read from the comparison matrix), notes and
a bibliography.

Quotations are the corpus text exactly: a provision's ``text`` (its own text,
without subdivisions, which are their own rows) and a scholarly sentence as it
stands in its paragraph. Every quotation carries a note number; the notes give
the full citation and the corpus id, so a reader can check it.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Iterable


from plea.annotate import compare
from plea.annotate.compare import CodeInfo
from plea.corpus.readonly import Db, connect_readonly, rows, tagged
from plea.annotate.taxonomy import stored_codebook
from plea.corpus.vocab import bcp47

from .. import cite as cite_styles
from ..csl import (JOURNAL_IN_PROVENANCE as JOURNAL, bibliography, format_reference,
                   reference_item, source_item)
from .model import (BIBLIOGRAPHY_STYLE, PRIMARY_KINDS, Brief, BriefError, Claim, CodeSection,
                    Note, Quote, SummaryTable, brief_words)

def _split(values: str | Iterable[str] | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.split(",")
    return [v.strip() for v in values if v and v.strip()]


def dimension_labels(conn) -> dict[str, tuple[str, str]]:
    """Dimension id → (English, Chinese) label, from the database's codebook tables."""
    return {d.id: (d.label_en, d.label_zh) for d in stored_codebook(conn).dimensions}


def build_brief(db: Db, *, codes: str | Iterable[str] | None = None, dimension: str | None = None,
                jurisdictions: str | Iterable[str] | None = None,
                provision_ids: str | Iterable[str] | None = None,
                max_quotes: int = 4, max_claims: int = 8, title: str | None = None) -> Brief:
    """Assemble the brief for ``codes`` (or a whole ``dimension``) and ``jurisdictions``;
    ``provision_ids`` are pinned: always quoted, under the codes they carry."""
    conn = connect_readonly(db)
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
    has_tags = tagged(conn)
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
    brief = Brief(title or _title(conn, book, wanted, dimension, juris), juris, sections, extra, [], [],
                  [], warnings, date.today().isoformat())
    if has_tags:
        brief.summary = _summary(conn, sections, juris)
    _notes_and_bibliography(conn, brief)
    return brief


def _title(conn, book: list[CodeInfo], wanted: list[str], dimension: str | None, juris: list[str]) -> str:
    if dimension:
        en, zh = dimension_labels(conn).get(dimension, (dimension, ""))
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
    if not ids:
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
    code, what they make each subject and with what force — in plain words. The
    counts, roles and modalities are the comparison matrix's cells
    (annotate.compare.matrix, the ``comparison_matrix`` view), so the brief says
    what the matrix page and ``plea compare`` say."""
    words = brief_words()
    tables: dict[str, SummaryTable] = {}
    dims = dimension_labels(conn)
    matrix = {r.code: r for r in compare.matrix(conn, juris)}
    for section in sections:
        info = section.info
        dim = info.dimension
        if dim not in tables:
            en, zh = dims.get(dim, (dim, ""))
            tables[dim] = SummaryTable(f"{en} ({zh})" if zh else en, juris, [])
        cells = []
        row = matrix.get(info.code)
        for j in juris:
            cell = row.cells[j] if row is not None else None
            n = cell.provisions if cell is not None else 0
            if not n:
                cells.append(words["summary"]["none"])
                continue
            roles = [r for r in words["roles"] if r in cell.roles]
            mods = [m for m in words["modalities"] if m in cell.modalities]
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


def script_lang(lang: str | None, jurisdiction: str | None) -> str:
    """"zh" with its script: Traditional in Taiwan, Simplified elsewhere (for fonts, lang=)."""
    return bcp47(lang, None, jurisdiction) or ""


def _quote(row: dict, *, pinned: bool = False) -> Quote:
    return Quote(row["id"], row.get("citation") or row["id"], row.get("text") or "",
                 script_lang(row.get("lang"), row.get("jurisdiction")),
                 row.get("jurisdiction") or "", row["source_id"], pinned=pinned)


def _translation(conn, pid: str) -> Quote | None:
    found = rows(conn, "SELECT p.* FROM alignments a JOIN provisions p ON p.id = a.target_id "
                       "WHERE a.provision_id = ? AND a.kind = 'translation' LIMIT 1", [pid])
    if not found or not (found[0].get("text") or "").strip():
        return None
    return _quote(found[0])


def _claims(conn, juris: list[str]) -> list[dict]:
    """Critique and proposal sentences with their codes, from the scholarship stage's
    tables (every build runs it)."""
    stance_rows = rows(conn, "SELECT * FROM stance WHERE stance != 'description'")
    target_rows = rows(conn, "SELECT proposal_id, provision_id, citation, rank "
                             "FROM proposal_targets ORDER BY proposal_id, rank")
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
    if used_refs:
        for r in rows(conn, f"SELECT * FROM bibliography WHERE id IN "
                            f"({', '.join('?' for _ in used_refs)})", list(used_refs)):
            scholarship_items.append(reference_item(r))
    brief.bibliography_law = [format_reference(i) for i in law_items]
    brief.bibliography_scholarship = bibliography(scholarship_items, BIBLIOGRAPHY_STYLE)


