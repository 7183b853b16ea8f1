"""Build stage: scholarship as data — citations, stance of every sentence, reform proposals.

Runs after the tagging and references stages (it reads ``tags`` /
``effective_tags`` and ``refs`` when they exist, and does without them when
they do not). Writes five tables:

``citations``
    one row per author-date citation in a scholarly paragraph: ``from_id``,
    ``start``/``end`` (offsets into ``provisions.text``), ``text``, ``author``,
    ``year``, ``bibliography_id`` (an entry of the same source's reference list)
    or null, and ``reason``.
``stance``
    one row per sentence of a scholarly paragraph: its offsets, ``stance``
    (description | critique | proposal), the cue that decided it, the codes it
    concerns (``codes``, JSON; ``code_methods`` says where each came from: ``tag``
    — a tag whose evidence lies in the sentence, ``tagger`` — the same from the tagger
    run here when the database has no tags table, ``cue`` — the topic cues of
    ``annotate/stance_patterns``, ``context`` — inherited in the paragraph), the
    provisions it cites (``provisions``, from ``refs``) and its citations.
``proposals``
    the proposal sentences, with source, section, citation, codes, the
    jurisdiction they address and the current provisions they would change
    (``targets``, JSON).
``proposal_codes`` / ``proposal_targets``
    the same codes and targets one per row, for SQL joins ("which proposals
    concern CPL art. 174?").

:func:`analyse` computes the rows without writing (the brief uses it on a
database built without this stage); :func:`analyse_scholarship` writes them.
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field

import sqlite_utils

from plea.corpus.tables import Table

from . import citations as cit
from . import stance as st
from .compare import Db, columns, connect, law_filter, rows, tagged, tags_relation
from .taxonomy import load_taxonomy

STAGE_TABLES = ("citations", "stance", "proposals", "proposal_codes", "proposal_targets")
# How many provisions a proposal names as targets when it only shares codes with them.
TARGETS_BY_CODE = 5
# Source kinds whose provisions are the primary law, preferred as targets.
PRIMARY_KINDS = ("statute", "court-rule")

CITATIONS = Table("citations", {
    "id": (int, ""),
    "from_id": (str, "The scholarly paragraph (provisions.id)"),
    "source_id": (str, "Its source"),
    "start": (int, "Start of the citation in the paragraph's text (character offset)"),
    "end": (int, "End of the citation (exclusive)"),
    "text": (str, "The citation as written"),
    "author": (str, "The cited author"),
    "year": (str, "The cited year"),
    "locator": (str, "Page or other place cited"),
    "form": (str, "How the citation is written (parenthetical, narrative, …)"),
    "bibliography_id": (str, "The entry of the source's reference list it names, or null"),
    "reason": (str, "How it was resolved, or why not"),
}, pk="id", foreign_keys=(("from_id", "provisions", "id"), ("bibliography_id", "bibliography", "id")),
    indexes=(("from_id",),), description="Author-date citations in the scholarship")
STANCE = Table("stance", {
    "id": (str, "<paragraph id>#s<n>"),
    "from_id": (str, "The scholarly paragraph (provisions.id)"),
    "source_id": (str, "Its source"),
    "section": (str, "The section the paragraph is in (Abstract, a heading)"),
    "citation": (str, "The paragraph's citation"),
    "sentence_no": (int, "The sentence's number in the paragraph, from 1"),
    "start": (int, "Start of the sentence in the paragraph's text"),
    "end": (int, "End of the sentence (exclusive)"),
    "text": (str, "The sentence"),
    "lang": (str, "Its language"),
    "stance": (str, "description, critique or proposal"),
    "cue": (str, "The words that decided the stance"),
    "rule": (str, "The stance rule that matched"),
    "codes": (str, "The codes the sentence concerns (JSON)"),
    "code_methods": (str, "Where each code came from: tag, tagger, cue or context (JSON)"),
    "provisions": (str, "The provisions the sentence cites (JSON, from refs)"),
    "cites": (str, "Its author-date citations (JSON)"),
}, pk="id", foreign_keys=(("from_id", "provisions", "id"),),
    indexes=(("from_id",), ("stance",)), description="Each scholarly sentence's stance")
PROPOSALS = Table("proposals", {
    "id": (str, "The proposal sentence (stance.id)"),
    "stance_id": (str, "The same sentence in the stance table"),
    "source_id": (str, "Its source"),
    "from_id": (str, "The scholarly paragraph (provisions.id)"),
    "section": (str, "The section the paragraph is in"),
    "citation": (str, "The paragraph's citation"),
    "sentence_no": (int, "The sentence's number in the paragraph"),
    "start": (int, "Start of the sentence in the paragraph's text"),
    "end": (int, "End of the sentence (exclusive)"),
    "text": (str, "The proposal"),
    "jurisdiction": (str, "The system it addresses"),
    "codes": (str, "The codes it concerns (JSON)"),
    "targets": (str, "The current provisions it would change (JSON)"),
    "cue": (str, "The words that made it a proposal"),
}, pk="id", foreign_keys=(("stance_id", "stance", "id"), ("from_id", "provisions", "id")),
    description="Reform proposals in the scholarship")
PROPOSAL_CODES = Table("proposal_codes", {
    "proposal_id": (str, "The proposal (proposals.id)"),
    "code": (str, "A code it concerns"),
    "dimension": (str, "The code's dimension"),
    "method": (str, "Where the code came from: tag, tagger, cue or context"),
}, pk=("proposal_id", "code"), foreign_keys=(("proposal_id", "proposals", "id"),),
    indexes=(("code",),), description="The proposals' codes, one per row")
PROPOSAL_TARGETS = Table("proposal_targets", {
    "proposal_id": (str, "The proposal (proposals.id)"),
    "provision_id": (str, "A provision it would change (provisions.id)"),
    "citation": (str, "That provision's citation"),
    "codes": (str, "The codes the proposal and the provision share (JSON)"),
    "method": (str, "ref (the sentence cites it), ref-paragraph or code (shares codes)"),
    "rank": (int, "Order of the targets, from 1"),
}, pk=("proposal_id", "provision_id"),
    foreign_keys=(("proposal_id", "proposals", "id"), ("provision_id", "provisions", "id")),
    indexes=(("provision_id",),), description="The proposals' target provisions, one per row")
TABLES = (CITATIONS, STANCE, PROPOSALS, PROPOSAL_CODES, PROPOSAL_TARGETS)


@dataclass
class ScholarshipRows:
    citations: list[dict] = field(default_factory=list)
    stance: list[dict] = field(default_factory=list)
    proposals: list[dict] = field(default_factory=list)
    proposal_codes: list[dict] = field(default_factory=list)
    proposal_targets: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ScholarshipReport:
    paragraphs: int = 0
    sentences: int = 0
    citations: int = 0
    resolved: int = 0
    unresolved: dict[str, int] = field(default_factory=dict)
    stances: dict[str, int] = field(default_factory=dict)
    proposals: int = 0
    proposals_without_codes: int = 0
    tags: str | None = None          # the relation codes were read from, if any
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"scholarship: {self.paragraphs} paragraphs, {self.sentences} sentences "
               f"({', '.join(f'{k} {v}' for k, v in sorted(self.stances.items()))})",
               f"  citations: {self.citations}, resolved {self.resolved}"
               + "".join(f"; {n} {reason}" for reason, n in self.unresolved.items()),
               f"  proposals: {self.proposals} ({self.proposals_without_codes} without codes); "
               f"codes from {self.tags or 'topic cues only (no tags table)'}"]
        out += [f"  note: {n}" for n in self.notes]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


# -- reading -------------------------------------------------------------------------

def _paragraphs(conn: sqlite3.Connection) -> list[dict]:
    return rows(conn, """
        SELECT p.id, p.source_id, p.text, p.lang, p.citation, p.container, p.heading, p.level,
               p.jurisdiction, p.position
        FROM provisions p WHERE p.source_kind = 'scholarship' AND p.kind != 'container'
          AND p.text IS NOT NULL AND p.text != ''
        ORDER BY p.source_id, p.position""")


def _bibliographies(conn: sqlite3.Connection) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows(conn, "SELECT id, source_id, authors, year, attrs FROM bibliography "
                        "ORDER BY source_id, position"):
        attrs = json.loads(r["attrs"] or "{}")
        r["authors"] = attrs.get("authors") or r["authors"]
        out.setdefault(r["source_id"], []).append(r)
    return out


def _tags_by_provision(conn: sqlite3.Connection, ids: list[str]) -> tuple[str, dict]:
    relation = tags_relation(conn)
    out: dict[str, list[dict]] = {}
    if not ids:
        return relation, out
    have = columns(conn, relation)
    keep = "1"
    if "decision" in have:
        keep = "COALESCE(LOWER(decision), '') NOT IN ('reject', 'rejected')"
    marks = ", ".join("?" for _ in ids)
    for r in rows(conn, f"SELECT provision_id, code, start, [end] FROM [{relation}] "
                        f"WHERE provision_id IN ({marks}) AND {keep}", ids):
        out.setdefault(r["provision_id"], []).append(r)
    return relation, out


def _refs_by_provision(conn: sqlite3.Connection, ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    if not ids:
        return out
    have = columns(conn, "refs")
    table_filter = "AND COALESCE(from_table, 'provisions') = 'provisions'" if "from_table" in have else ""
    marks = ", ".join("?" for _ in ids)
    for r in rows(conn, f"SELECT from_id, start, [end], to_id FROM refs WHERE from_id IN ({marks}) "
                        f"{table_filter}", ids):
        out.setdefault(r["from_id"], []).append(r)
    return out


def _section(paragraph: dict) -> str:
    if paragraph["level"] == "abstract":
        return "Abstract"
    return paragraph["container"] or ""


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    if a_start is None or a_end is None:
        return False
    return a_start < b_end and a_end > b_start


# -- analysis --------------------------------------------------------------------------

def analyse(db: Db) -> tuple[ScholarshipRows, ScholarshipReport]:
    """Citations, stance and proposals of every scholarly paragraph, without writing.

    Codes come from the tags (every build makes the table before this stage, and the
    tags stage fills it) and always from the topic cues of the stance patterns.
    """
    conn = connect(db)
    out = ScholarshipRows()
    report = ScholarshipReport()
    paragraphs = _paragraphs(conn)
    ids = [p["id"] for p in paragraphs]
    bibliographies = _bibliographies(conn)
    relation, tags = _tags_by_provision(conn, ids)
    tag_method = "tag"
    refs = _refs_by_provision(conn, ids)
    report.tags = relation
    stances: Counter = Counter()
    unresolved: Counter = Counter()
    cite_id = 0
    skipped_langs: Counter = Counter()
    for para in paragraphs:
        report.paragraphs += 1
        text, lang = para["text"], (para["lang"] or "en").split("-")[0]
        entries = bibliographies.get(para["source_id"], [])
        para_cites = []
        for c in cit.extract(text):
            cite_id += 1
            res = cit.resolve(c, entries, has_reference_list=bool(entries))
            row = {"id": cite_id, "from_id": para["id"], "source_id": para["source_id"],
                   **c.as_dict(), "bibliography_id": res.bibliography_id, "reason": res.reason}
            out.citations.append(row)
            para_cites.append(row)
            if res.bibliography_id:
                report.resolved += 1
            else:
                unresolved[res.reason.split(":")[0]] += 1
        try:
            patterns = st.load_patterns(lang)
        except ValueError:
            skipped_langs[lang] += 1
            continue
        sentences = st.split_sentences(text, lang)
        texts = [s.text for s in sentences]
        para_tags = tags.get(para["id"], [])
        para_refs = refs.get(para["id"], [])
        for n, sentence in enumerate(sentences, start=1):
            report.sentences += 1
            judgement = st.classify(sentence.text, lang, _section(para), patterns)
            stances[judgement.stance] += 1
            methods = _sentence_codes(sentence, para_tags, len(sentences) > 1 and len(text),
                                      patterns, lang, tag_method)
            if judgement.stance == "proposal":
                for code in st.context_codes(texts, n - 1, set(methods), lang, patterns):
                    methods.setdefault(code, "context")
            provisions = list(dict.fromkeys(
                r["to_id"] for r in para_refs
                if r.get("to_id") and _overlaps(r["start"], r["end"], sentence.start, sentence.end)))
            cites = [{"id": c["id"], "text": c["text"], "author": c["author"], "year": c["year"],
                      "bibliography_id": c["bibliography_id"], "reason": c["reason"]}
                     for c in para_cites if _overlaps(c["start"], c["end"], sentence.start,
                                                      sentence.end + 1)]
            sid = f"{para['id']}#s{n}"
            codes = _ordered(methods)
            out.stance.append({
                "id": sid, "from_id": para["id"], "source_id": para["source_id"],
                "section": _section(para), "citation": para["citation"], "sentence_no": n,
                "start": sentence.start, "end": sentence.end, "text": sentence.text,
                "lang": para["lang"], "stance": judgement.stance, "cue": judgement.cue,
                "rule": judgement.rule, "codes": json.dumps(codes),
                "code_methods": json.dumps({c: methods[c] for c in codes}),
                "provisions": json.dumps(provisions), "cites": json.dumps(cites, ensure_ascii=False),
            })
            if judgement.stance == "proposal":
                _add_proposal(conn, out, para, sid, n, sentence, judgement, codes, methods,
                              provisions, para_refs)
    report.citations = len(out.citations)
    report.unresolved = dict(unresolved)
    report.stances = dict(stances)
    report.proposals = len(out.proposals)
    report.proposals_without_codes = sum(1 for p in out.proposals if p["codes"] == "[]")
    for lang, n in skipped_langs.items():
        report.notes.append(f"{n} paragraph(s) in {lang!r} left without stance: no cue file")
    if not tagged(conn):
        report.notes.append("no tags: proposal targets by code are empty")
    return out, report


def _sentence_codes(sentence: st.Sentence, para_tags: list[dict], whole: int | bool,
                    patterns: st.Patterns, lang: str, tag_method: str = "tag") -> dict[str, str]:
    """code -> method for one sentence: tags whose span lies in it, then the topic cues.

    A tag spanning the whole of a paragraph of several sentences says nothing
    about any one sentence, so it is left out here.
    """
    methods: dict[str, str] = {}
    for tag in para_tags:
        if whole and tag["start"] == 0 and tag["end"] == whole:
            continue
        if _overlaps(tag["start"], tag["end"], sentence.start, sentence.end):
            methods.setdefault(tag["code"], tag_method)
    for topic in st.topic_codes(sentence.text, lang, patterns):
        methods.setdefault(topic.code, "cue")
    return methods


def _ordered(methods: dict[str, str]) -> list[str]:
    order = {d: i for i, d in enumerate(load_taxonomy().dimension_ids)}
    return sorted(methods, key=lambda c: (order.get(c.split(".")[0], 9), c))


def _add_proposal(conn, out: ScholarshipRows, para: dict, sid: str, n: int,
                  sentence: st.Sentence, judgement: st.Judgement, codes: list[str],
                  methods: dict[str, str], provisions: list[str], para_refs: list[dict]) -> None:
    jurisdiction = para["jurisdiction"]
    targets = _targets(conn, codes, jurisdiction, provisions, para_refs)
    out.proposals.append({
        "id": sid, "stance_id": sid, "source_id": para["source_id"], "from_id": para["id"],
        "section": _section(para), "citation": para["citation"], "sentence_no": n,
        "start": sentence.start, "end": sentence.end, "text": sentence.text,
        "jurisdiction": jurisdiction, "codes": json.dumps(codes),
        "targets": json.dumps([t["provision_id"] for t in targets]), "cue": judgement.cue,
    })
    for code in codes:
        out.proposal_codes.append({"proposal_id": sid, "code": code,
                                   "dimension": code.split(".")[0], "method": methods[code]})
    for rank, t in enumerate(targets, start=1):
        out.proposal_targets.append({"proposal_id": sid, **t, "rank": rank})


def _targets(conn: sqlite3.Connection, codes: list[str], jurisdiction: str,
             provisions: list[str], para_refs: list[dict]) -> list[dict]:
    """The current provisions a proposal would change.

    By reference first (what the sentence cites; else what its paragraph cites,
    if the cited provision carries one of the proposal's codes); then by code:
    provisions of the same jurisdiction that carry the most of the proposal's
    codes, statutes and court rules first.
    """
    relation = tags_relation(conn)
    codes_of: dict[str, list[str]] = {}

    def carried(pid: str) -> list[str]:
        if pid not in codes_of:
            codes_of[pid] = [r["code"] for r in rows(
                conn, f"SELECT DISTINCT code FROM [{relation}] WHERE provision_id = ?", [pid])]
        return codes_of[pid]

    found: dict[str, dict] = {}
    for pid in provisions:
        found.setdefault(pid, _target(conn, pid, [c for c in carried(pid) if c in codes], "ref"))
    if not found:
        for ref in para_refs:
            pid = ref.get("to_id")
            shared = [c for c in carried(pid) if c in codes] if pid else []
            if pid and shared:
                found.setdefault(pid, _target(conn, pid, shared, "ref-paragraph"))
    if codes:
        marks = ", ".join("?" for _ in codes)
        kinds = ", ".join(f"'{k}'" for k in PRIMARY_KINDS)
        ranked = rows(conn, f"""
            SELECT t.provision_id, p.citation, GROUP_CONCAT(DISTINCT t.code) AS shared,
                   COUNT(DISTINCT t.code) AS n, p.source_kind IN ({kinds}) AS primary_law
            FROM [{relation}] t JOIN provisions p ON p.id = t.provision_id
            WHERE t.code IN ({marks}) AND p.jurisdiction = ? AND {law_filter('p')}
            GROUP BY t.provision_id
            ORDER BY n DESC, primary_law DESC, p.source_id, p.position
            LIMIT ?""", [*codes, jurisdiction, TARGETS_BY_CODE])
        for r in ranked:
            if r["provision_id"] not in found:
                shared = [c for c in codes if c in (r["shared"] or "").split(",")]
                found[r["provision_id"]] = {"provision_id": r["provision_id"],
                                            "citation": r["citation"],
                                            "codes": json.dumps(shared), "method": "code"}
    return list(found.values())


def _target(conn: sqlite3.Connection, pid: str, codes: list[str], method: str) -> dict:
    row = conn.execute("SELECT citation FROM provisions WHERE id = ?", [pid]).fetchone()
    return {"provision_id": pid, "citation": row[0] if row else None,
            "codes": json.dumps(codes), "method": method}


# -- writing ---------------------------------------------------------------------------

def write(db: Db, data: ScholarshipRows) -> None:
    """(Re)create the stage's tables and fill them."""
    conn = connect(db)
    for table in reversed(STAGE_TABLES):        # a table before those it refers to
        conn.execute(f"DROP TABLE IF EXISTS [{table}]")
    for table in TABLES:
        table.create(sqlite_utils.Database(conn))
    for table in STAGE_TABLES:
        items = getattr(data, table)
        if not items:
            continue
        names = list(items[0])
        conn.executemany(
            f"INSERT INTO [{table}] ({', '.join(f'[{n}]' for n in names)}) "
            f"VALUES ({', '.join('?' for _ in names)})",
            [[item[n] for n in names] for item in items])
    conn.commit()


def analyse_scholarship(db: Db) -> ScholarshipReport:
    """The build stage: analyse every scholarly paragraph and write the tables."""
    data, report = analyse(db)
    write(db, data)
    return report
