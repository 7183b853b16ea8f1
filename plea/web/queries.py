"""The SQL behind the web view's pages: plain functions over a sqlite3 connection.

Each function returns rows as dicts and nothing else, so it can be read next to
the table layout (corpus/store.py; the tags, taxonomy and refs stages) and
tested without a server. Every table a stage declares is in every built database
(empty where the stage found nothing; ``plea.corpus.readonly`` refuses a database that
lacks one), so no query asks whether a table is there.
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from typing import Any, Iterable, Sequence

from plea.corpus.readonly import rows, tags_relation

from .matrix import SCHOLARSHIP

Row = dict[str, Any]
PROVISION_FIELDS = ("p.id, p.source_id, p.jurisdiction, p.source_kind, p.level, p.kind, "
                    "p.num, p.heading, p.text, p.wrapup, p.lang, p.citation, p.container, "
                    "p.position, p.depth, p.parent_id, coalesce(s.short_title, s.id) AS source, "
                    "s.language AS source_language")
MAX_UNITS = 600   # descendants shown on one provision page (a whole Rule 11 is ~60)


def one(conn: sqlite3.Connection, sql: str, params: Sequence | dict = ()) -> Row | None:
    found = rows(conn, sql, params)
    return found[0] if found else None


def tag_table(conn: sqlite3.Connection) -> str:
    """Where the tags are: `effective_tags` (the tagger's output after human
    verdicts — rejections dropped, corrections and additions applied) when the
    annotations stage made it, else `tags` (``plea.corpus.readonly.tags_relation``)."""
    return tags_relation(conn)


def filled(conn: sqlite3.Connection, table: str) -> bool:
    """Whether a stage wrote rows to ``table`` (always there, empty when it found none
    or did not run): for a page's "not tagged yet" notes, never to guard a query."""
    return conn.execute(f"SELECT EXISTS (SELECT 1 FROM [{table}])").fetchone()[0] == 1


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def decided_by(conn: sqlite3.Connection, relation: str, alias: str = "") -> str:
    """SQL for who decided a tag: the annotator (tag_decisions.decided_by), else the
    reference coding's label for its rows (rule_id ``reference-v1``), else
    ``machine (<method>)`` — so a database built before tag_decisions said so reads
    the same."""
    a = f"{alias}." if alias else ""
    have = {r[1] for r in conn.execute(f"PRAGMA table_info([{relation}])")}
    rule = f"{a}rule_id" if "rule_id" in have else "NULL"
    layer = (f"CASE WHEN {a}method = 'reference' THEN coalesce({rule}, 'reference') "
             f"ELSE 'machine (' || coalesce({a}method, 'tagger') || ')' END")
    return f"coalesce({a}decided_by, {layer})" if "decided_by" in have else layer


def core_ids_sql(conn: sqlite3.Connection) -> str:
    """A subquery of the reference coding's core provisions."""
    return "SELECT provision_id FROM reference_units WHERE core = 1 AND provision_id IS NOT NULL"


# -- codebook and matrix -------------------------------------------------------
def taxonomy(conn: sqlite3.Connection) -> list[Row]:
    return rows(conn, "SELECT code, dimension, label_en, label_zh, definition FROM taxonomy "
                      "ORDER BY rowid")


def jurisdiction_sizes(conn: sqlite3.Connection) -> dict[str, int]:
    """Provisions per column of the matrix, from the sources table (small)."""
    found = rows(conn, f"""
        SELECT CASE WHEN kind = '{SCHOLARSHIP}' THEN '{SCHOLARSHIP}' ELSE jurisdiction END AS col,
               sum(coalesce(provisions, 0)) AS n
        FROM sources WHERE coalesce(status, 'present') = 'present' AND translation_of IS NULL
        GROUP BY 1""")
    return {r["col"]: r["n"] for r in found}


def tag_count(conn: sqlite3.Connection) -> int:
    # Through the table while no human decided anything (counting_tags): counting the
    # view took 0.4 s on a corpus a hundred times the real one, on every matrix page.
    return conn.execute(f"SELECT count(*) FROM {counting_tags(conn)}").fetchone()[0]


# -- code page -------------------------------------------------------------------
def _unit_filters(code: str, *, jurisdiction: str | None = None, source: str | None = None,
                  modality: str | None = None, core: bool = False) -> tuple[str, list]:
    where, params = ["u.code = ?", "u.translation = 0"], [code]
    if jurisdiction:
        where.append("u.col = ?")
        params.append(jurisdiction)
    if source:
        where.append("u.source_id = ?")
        params.append(source)
    if modality:
        where.append("instr(' ' || u.modalities || ' ', ' ' || ? || ' ') > 0")
        params.append(modality)
    if core:
        where.append("u.core = 1")
    return " AND ".join(where), params


def code_units(conn: sqlite3.Connection, code: str, *, jurisdiction: str,
               source: str | None = None, modality: str | None = None, core: bool = False,
               limit: int, offset: int = 0) -> dict[str, Any]:
    """One page of a column of the code page: the ids of the units of original texts
    (not translations) carrying ``code`` in ``jurisdiction``'s column — core provisions
    of the reference coding first, then the manifest's and the text's order — with
    how many there are and how many of them are core. From the build's `code_units`,
    whose index holds that order, so a page reads its own rows only."""
    where, params = _unit_filters(code, jurisdiction=jurisdiction, source=source,
                                  modality=modality, core=core)
    n, n_core = conn.execute(f"SELECT count(*), coalesce(sum(u.core), 0) FROM code_units u "
                             f"WHERE {where}", params).fetchone()
    ids = [r[0] for r in conn.execute(
        f"SELECT u.provision_id FROM code_units u WHERE {where} "
        "ORDER BY u.core DESC, u.source_order, u.position LIMIT ? OFFSET ?",
        [*params, limit, offset])]
    return {"ids": ids, "total": n, "core": n_core}


def code_tags(conn: sqlite3.Connection, code: str, ids: Sequence[str]) -> list[Row]:
    """Every tag with ``code`` on the given units, with its provision, whether that is
    a core provision of the reference coding, and who decided the tag; core provisions
    first, then the sources' and texts' order."""
    if not ids:
        return []
    tags = counting_tags(conn)
    return rows(conn, f"""
        SELECT {PROVISION_FIELDS}, g.start AS tag_start, g."end" AS tag_end, g.role, g.modality,
               g.method, g.evidence, g.confidence, g.code, g.dimension,
               {decided_by(conn, tags, "g")} AS decided_by,
               g.provision_id IN ({core_ids_sql(conn)}) AS core
        FROM {tags} g JOIN provisions p ON p.id = g.provision_id
        JOIN sources s ON s.id = p.source_id
        WHERE g.code = ? AND g.provision_id IN ({_marks(len(ids))})
        ORDER BY core DESC, s.rowid, p.position, g.start""", [code, *ids])


def code_facets(conn: sqlite3.Connection, code: str, jurisdiction: str | None = None,
                modalities: Sequence[str] = ()) -> dict[str, list[Row]]:
    """What the filters offer: sources and ``modalities`` with provisions for ``code``
    (in one jurisdiction's column when ``jurisdiction`` is given), counted in the
    build's `code_units`."""
    where, params = _unit_filters(code, jurisdiction=jurisdiction)
    sources = rows(conn, f"""
        SELECT u.source_id AS value, coalesce(s.short_title, s.id) AS label, u.col AS col,
               count(*) AS n
        FROM code_units u JOIN sources s ON s.id = u.source_id
        WHERE {where} GROUP BY u.source_id ORDER BY min(u.source_order)""", params)
    found = []
    if modalities:
        sums = ", ".join("coalesce(sum(instr(' ' || u.modalities || ' ', ' ' || ? || ' ') > 0), 0)"
                         for _ in modalities)
        counts = conn.execute(f"SELECT {sums} FROM code_units u WHERE {where}",
                              [*modalities, *params]).fetchone()
        found = [{"value": m, "n": n} for m, n in zip(modalities, counts) if n]
    return {"sources": sources, "modalities": found}


# -- provision page --------------------------------------------------------------
def provision(conn: sqlite3.Connection, pid: str) -> Row | None:
    return one(conn, f"""
        SELECT {PROVISION_FIELDS}, s.title AS source_title, s.url AS source_url,
               s.licence AS source_licence
        FROM provisions p JOIN sources s ON s.id = p.source_id WHERE p.id = ?""", [pid])


def ancestors(conn: sqlite3.Connection, pid: str) -> list[Row]:
    """Containers and enclosing provisions, outermost first."""
    return rows(conn, """
        WITH RECURSIVE up(id, n) AS (
            SELECT parent_id, 1 FROM provisions WHERE id = ?
            UNION ALL
            SELECT p.parent_id, up.n + 1 FROM provisions p JOIN up ON p.id = up.id
            WHERE p.parent_id IS NOT NULL AND up.n < 20)
        SELECT p.id, p.citation, p.num, p.heading, p.kind, p.level
        FROM up JOIN provisions p ON p.id = up.id ORDER BY up.n DESC""", [pid])


def descendants(conn: sqlite3.Connection, pid: str) -> list[Row]:
    """The provision and everything under it, in reading order."""
    return rows(conn, f"""
        WITH RECURSIVE down(id) AS (
            SELECT ? UNION ALL
            SELECT p.id FROM provisions p JOIN down ON p.parent_id = down.id)
        SELECT {PROVISION_FIELDS} FROM down JOIN provisions p ON p.id = down.id
        JOIN sources s ON s.id = p.source_id
        ORDER BY p.position LIMIT {MAX_UNITS}""", [pid])


def children(conn: sqlite3.Connection, pid: str) -> list[Row]:
    return rows(conn, """
        SELECT id, num, heading, citation, kind, level, substr(text, 1, 160) AS text
        FROM provisions WHERE parent_id = ? ORDER BY position""", [pid])


def neighbours(conn: sqlite3.Connection, row: Row) -> dict[str, Row | None]:
    """The previous and next unit of the same level in the same source."""
    args = [row["source_id"], row["level"], row["position"]]
    sql = ("SELECT id, citation, num, heading FROM provisions WHERE source_id = ? AND level = ? "
           "AND position {} ? ORDER BY position {} LIMIT 1")
    return {"previous": one(conn, sql.format("<", "DESC"), args),
            "next": one(conn, sql.format(">", "ASC"), args)}


def tags_of(conn: sqlite3.Connection, ids: Sequence[str], *, decisions: bool = False) -> list[Row]:
    """Tags on the given units. With ``decisions``, every automatic and human tag
    with its human ``decision`` (rejected ones included) when the annotations
    stage made `tag_decisions`; else the effective tags."""
    if not ids:
        return []
    source = tag_table(conn)
    have = {r[1] for r in conn.execute(f"PRAGMA table_info([{source}])")}
    extra = (", decision" if "decision" in have else ", NULL AS decision") + (
        f", {decided_by(conn, source)} AS decided_by, "
        + ("note" if "note" in have else "NULL AS note"))
    if decisions and source == "effective_tags":   # the annotations stage made both views
        have = {r[1] for r in conn.execute("PRAGMA table_info(tag_decisions)")}
        source, extra = "tag_decisions", (f", decision, {decided_by(conn, 'tag_decisions')} "
                                          "AS decided_by, note") + (
            ", disputed" if "disputed" in have else "")
    return rows(conn, f"""
        SELECT provision_id, code, dimension, start, "end", evidence, role, modality, method,
               rule_id, confidence{extra} FROM {source}
        WHERE provision_id IN ({_marks(len(ids))}) ORDER BY provision_id, start""", list(ids))


def refs_from(conn: sqlite3.Connection, table: str, ids: Sequence[str]) -> list[Row]:
    """References made in the given units, with the cited provision's citation.
    A reference's ``field`` (when the stage records it) says whether its offsets
    are into ``text`` or ``wrapup``."""
    if not ids:
        return []
    # r.* rather than a column list: the references stage adds columns (field,
    # status, to_top …) that pages use when present.
    return rows(conn, f"""
        SELECT r.*, t.citation AS to_citation
        FROM refs r LEFT JOIN provisions t ON t.id = r.to_id
        WHERE r.from_table = ? AND r.from_id IN ({_marks(len(ids))})
        ORDER BY r.from_id, r.start""", [table, *ids])


def backlinks(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Row]:
    """Who cites these units: provisions (statutes and scholarship) and commentary."""
    if not ids:
        return []
    return rows(conn, f"""
        SELECT r.from_table, r.from_id, r.text, r.to_id,
               coalesce(p.citation, c.heading, c.id) AS citing,
               coalesce(p.source_kind, 'commentary') AS origin,
               coalesce(p.jurisdiction, cp.jurisdiction) AS jurisdiction,
               coalesce(p.id, c.provision_id) AS page_id,
               coalesce(ps.short_title, cs.short_title) AS source
        FROM refs r
        LEFT JOIN provisions p ON r.from_table = 'provisions' AND p.id = r.from_id
        LEFT JOIN sources ps ON ps.id = p.source_id
        LEFT JOIN commentary c ON r.from_table = 'commentary' AND c.id = r.from_id
        LEFT JOIN provisions cp ON cp.id = c.provision_id
        LEFT JOIN sources cs ON cs.id = c.source_id
        WHERE r.to_id IN ({_marks(len(ids))})
        ORDER BY origin = '{SCHOLARSHIP}', origin = 'commentary', coalesce(ps.rowid, cs.rowid),
                 coalesce(p.position, cp.position)""", list(ids))


def commentary_of(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Row]:
    if not ids:
        return []
    return rows(conn, f"""
        SELECT id, provision_id, level, num, heading, text, lang FROM commentary
        WHERE provision_id IN ({_marks(len(ids))}) ORDER BY source_id, position""", list(ids))


def commentary_counts(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, int]:
    if not ids:
        return {}
    found = rows(conn, f"SELECT provision_id, count(*) AS n FROM commentary WHERE provision_id "
                       f"IN ({_marks(len(ids))}) GROUP BY 1", list(ids))
    return {r["provision_id"]: r["n"] for r in found}


def alignments_of(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
    """unit id → the id of its translation (either direction of the pair)."""
    if not ids:
        return {}
    marks = _marks(len(ids))
    found = rows(conn, f"""
        SELECT provision_id AS a, target_id AS b FROM alignments WHERE provision_id IN ({marks})
        UNION ALL
        SELECT target_id, provision_id FROM alignments WHERE target_id IN ({marks})""",
                 [*ids, *ids])
    return {r["a"]: r["b"] for r in found if r["b"]}


def provisions_by_id(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, Row]:
    ids = list(ids)
    if not ids:
        return {}
    found = rows(conn, f"SELECT {PROVISION_FIELDS} FROM provisions p "
                       f"JOIN sources s ON s.id = p.source_id WHERE p.id IN ({_marks(len(ids))})",
                 ids)
    return {r["id"]: r for r in found}


# -- search --------------------------------------------------------------------
_COL = f"CASE WHEN p.source_kind = '{SCHOLARSHIP}' THEN '{SCHOLARSHIP}' ELSE p.jurisdiction END"


# Ranking: FTS5's BM25 with weights per column (heading, text, wrapup, citation) —
# the words of a provision count more than a heading that merely names a chapter —
# then multiplied by boosts (BM25 is negative in SQLite, lower is better, so a
# factor above 1 moves a row up). A unit the tagger or the reference coding gave
# codes is more likely the rule a scholar looks for; the reviewed core plea
# provisions (reference_units.core, and their aligned translations) more still.
# Containers and rows with no text of their own (a heading only) go down; an
# unquoted query of several words found as a phrase goes up.
BM25_WEIGHTS = (0.3, 4.0, 2.0, 0.5)
BOOST_CODED = 0.6
BOOST_CORE = 1.0
BOOST_PER_CODE = 0.25   # per code the reviewed coding gave a core unit, up to 8
BOOST_PHRASE = 1.0
HEADING_ONLY = 0.2
RANKED = 400       # hits ranked and grouped into the page's source groups
CANDIDATES = 2000  # hits BM25 ranks inside the FTS query; the boosts re-rank these
COUNT_CAP = 1000   # hits counted exactly; beyond it the count and facets are lower bounds
# hits BM25 reads at most, the first in the corpus's order: FTS5 scores every hit it is
# given before keeping the CANDIDATES best, which grew with the corpus (43,000 hits of
# 量刑建议 at 100×); the core provisions among all hits are still added
RANK_POOL = 5000


def counting_tags(conn: sqlite3.Connection) -> str:
    """The relation to count and filter tags in: the `tags` table itself while the
    annotation store has decided nothing (then `effective_tags` holds exactly its
    rows), else the view. The view's union and join cost twenty times the table's
    indexed lookups on a large corpus (250 ms against 10 ms for a search's facets)."""
    relation = tag_table(conn)
    if relation == "tags":
        return relation
    decided = conn.execute("SELECT EXISTS (SELECT 1 FROM annotation_verdicts) "
                           "OR EXISTS (SELECT 1 FROM annotations)").fetchone()[0]
    return relation if decided else "tags"


def _hit_filters(filters: dict[str, str], tags: str) -> tuple[list[str], list]:
    where, params = ["provisions_fts MATCH ?"], []
    if filters.get("jurisdiction"):
        where.append(f"{_COL} = ?")
        params.append(filters["jurisdiction"])
    if filters.get("source"):
        where.append("p.source_id = ?")
        params.append(filters["source"])
    for key in ("dimension", "code"):
        if filters.get(key):
            where.append(f"p.id IN (SELECT provision_id FROM {tags} WHERE {key} = ?)")
            params.append(filters[key])
    return where, params


def _hits_cte(match: str, filters: dict[str, str], tags: str, *,
              cut: int | None = None) -> tuple[str, list]:
    """The hits to rank as a CTE: the CANDIDATES best by BM25 — FTS5 ranks and cuts them
    inside the query, so the boosts below are computed for those alone, not for every
    hit — among the hits up to rowid ``cut`` (all when None), plus the core provisions
    among all the hits, whose boosts can lift them above any of those."""
    where, params = _hit_filters(filters, tags)
    params = [match, *params]
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    select = (f"SELECT p.rowid AS rid, p.id, p.source_id, {_COL} AS col, "
              f"bm25(provisions_fts, {weights}) AS rank "
              "FROM provisions_fts f JOIN provisions p ON p.rowid = f.rowid")
    cond = " AND ".join(where)
    core = (f"SELECT provision_id FROM reference_units WHERE core = 1 "
            "AND provision_id IS NOT NULL")
    boosted = (f"SELECT rowid FROM provisions WHERE id IN ({core}) OR id IN "
               f"(SELECT target_id FROM alignments WHERE provision_id IN ({core})) OR id IN "
               f"(SELECT provision_id FROM alignments WHERE target_id IN ({core}))")
    # FTS5 takes a rowid bound into its own scan: the hits past the cut are never scored
    pooled, pool_args = ("", []) if cut is None else (" AND f.rowid <= ?", [cut])
    if len(where) == 1:
        # No filter: FTS5 ranks from its own index alone, and only the candidates it
        # keeps are joined to their provisions (a third of the time for 认 at 10×).
        best = (f"""SELECT p.rowid AS rid, p.id, p.source_id, {_COL} AS col, b.rank
            FROM (SELECT f.rowid, bm25(provisions_fts, {weights}) AS rank
                  FROM provisions_fts f WHERE provisions_fts MATCH ?{pooled}
                  ORDER BY rank LIMIT {CANDIDATES}) b
            JOIN provisions p ON p.rowid = b.rowid""")
    else:
        best = f"{select} WHERE {cond}{pooled} ORDER BY rank LIMIT {CANDIDATES}"
    # The core provisions are the hits of a few sources: FTS5 reads only the hits between
    # the first and the last of them (none when the corpus has none: 8 ms of 量刑建议's
    # 43,000 hits at 100x read for nothing), then keeps those in the set.
    return (f"""WITH boosted AS ({boosted}), best AS ({best}),
        core_hits AS ({select} WHERE {cond}
            AND f.rowid BETWEEN (SELECT min(rowid) FROM boosted)
                            AND (SELECT max(rowid) FROM boosted)
            AND +f.rowid IN boosted),
        hits AS (SELECT * FROM best UNION SELECT * FROM core_hits)""",
            [*params, *pool_args, *params])


def _first_hits(conn: sqlite3.Connection, match: str, filters: dict[str, str],
                tags: str) -> tuple[list[int], list[tuple]]:
    """The rowids of the first RANK_POOL + 1 hits (COUNT_CAP + 1 if more) in the corpus's
    order, and the first COUNT_CAP + 1 of them as (rowid, id, source, column): one pass
    gives the ranking pool's bound, the count and the facets, where the count and each
    facet re-running the query cost five passes (45 ms at 100x the corpus for a query of
    four words). FTS5 hands hits over in rowid order without scoring them, so this reads
    RANK_POOL hits, not all; without a filter it reads them from the index alone, and
    looks up only the counted ones' provisions (the join costs 5-8 ms per 5,000 hits)."""
    where, params = _hit_filters(filters, tags)
    limit = max(RANK_POOL, COUNT_CAP) + 1
    details = f"p.rowid, p.id, p.source_id, {_COL}"
    if len(where) > 1:
        hits = conn.execute(
            f"SELECT {details} FROM provisions_fts f JOIN provisions p ON p.rowid = f.rowid "
            f"WHERE {' AND '.join(where)} ORDER BY f.rowid LIMIT {limit}",
            [match, *params]).fetchall()
        return [h[0] for h in hits], hits[:COUNT_CAP + 1]
    rowids = [r for (r,) in conn.execute(
        f"SELECT rowid FROM provisions_fts WHERE provisions_fts MATCH ? ORDER BY rowid "
        f"LIMIT {limit}", [match])]
    counted = conn.execute(
        f"SELECT {details} FROM provisions p WHERE p.rowid IN "
        "(SELECT value FROM json_each(?)) ORDER BY p.rowid",
        [json.dumps(rowids[:COUNT_CAP + 1])]).fetchall()
    return rowids, counted


def _counted(values: Iterable, limit: int | None = None) -> list[tuple[Any, int]]:
    """(value, count) most frequent first, ties by value: an order that does not depend
    on the query plan, as the SQL sorter's order of ties did."""
    counts = Counter(values)
    order = sorted(counts.items(), key=lambda kv: (-kv[1], "" if kv[0] is None else kv[0]))
    return order[:limit]


def _facets_of(conn: sqlite3.Connection, hits: Sequence[tuple], tags: str
               ) -> dict[str, list[dict]]:
    """Facet counts over ``hits`` (rowid, id, source, column): by system and source
    from the hits themselves, by dimension and code (distinct units) from their tags."""
    sources = _counted(h[2] for h in hits)
    titles = dict(conn.execute(
        "SELECT id, coalesce(short_title, id) FROM sources WHERE id IN "
        "(SELECT value FROM json_each(?))", [json.dumps([v for v, _ in sources])]).fetchall())
    tagged = conn.execute(f"SELECT DISTINCT provision_id, dimension, code FROM {tags} "
                          "WHERE provision_id IN (SELECT value FROM json_each(?))",
                          [json.dumps([h[1] for h in hits])]).fetchall()
    facets = {"jurisdiction": [{"value": v, "n": n} for v, n in _counted(h[3] for h in hits)],
              "source": [{"value": v, "label": titles.get(v, v), "n": n} for v, n in sources]}
    for key, column in (("dimension", 1), ("code", 2)):
        per_unit = {(t[0], t[column]) for t in tagged if t[column] is not None}
        facets[key] = [{"value": v, "n": n}
                       for v, n in _counted((v for _, v in per_unit), 40)]
    return facets


def _boosts(phrase: bool) -> str:
    """The factor a hit's BM25 score is multiplied by (see the constants above); an
    empty `tags` or `reference_units` table adds nothing."""
    factor = ["1.0"]
    factor.append(f"{BOOST_CODED} * EXISTS (SELECT 1 FROM tags t WHERE t.provision_id = p.id)")
    core = ("SELECT provision_id FROM reference_units "
            "WHERE core = 1 AND provision_id IS NOT NULL")
    aligned = (f" OR p.id IN (SELECT target_id FROM alignments WHERE provision_id IN ({core}))"
               f" OR p.id IN (SELECT provision_id FROM alignments WHERE target_id IN ({core}))")
    # Core *provisions*: the reference coding's scholarly passages are coded
    # too, but law and scholarship are grouped apart and not ranked as rules.
    law = f"(p.source_kind != '{SCHOLARSHIP}')"
    factor.append(f"{BOOST_CORE} * {law} * coalesce(p.id IN ({core}){aligned}, 0)")
    # The reviewed coding's breadth: Rule 11(c)(1), which sets up the whole
    # agreement, carries seven codes; a rule on disclosing it, three.
    factor.append(f"{BOOST_PER_CODE} * {law} * coalesce((SELECT min(max(r.codes), 8) "
                  "FROM reference_units r WHERE r.provision_id = p.id AND r.core = 1), 0)")
    if phrase:
        factor.append(f"{BOOST_PHRASE} * (h.rid IN (SELECT rowid FROM provisions_fts "
                      "WHERE provisions_fts MATCH ?))")
    heading_only = (f"CASE WHEN p.kind = 'container' OR (coalesce(p.text, '') = '' "
                    f"AND coalesce(p.wrapup, '') = '') THEN {HEADING_ONLY} ELSE 1.0 END")
    return f"({' + '.join(factor)}) * {heading_only}"


def search(conn: sqlite3.Connection, match: str, filters: dict[str, str], *,
           limit: int = RANKED, offset: int = 0, phrase: str | None = None) -> dict[str, Any]:
    """Provisions (scholarship included) matching an FTS5 expression, best first,
    with facets. ``phrase``: an FTS5 phrase whose hits rank higher.

    The count and the facets read at most COUNT_CAP + 1 hits: ``capped`` says the
    query has more, so ``total`` and every facet count are lower bounds ("at least").
    Ranking reads the CANDIDATES best hits by BM25 among the first RANK_POOL hits in the
    corpus's order (``pooled`` says there were more) and the core provisions among all
    hits, so a query with fewer hits than CANDIDATES ranks exactly as over every hit."""
    tags = counting_tags(conn)
    rowids, first = _first_hits(conn, match, filters, tags)
    cut = rowids[RANK_POOL - 1] if len(rowids) > RANK_POOL else None
    ranked, rank_args = _hits_cte(match, filters, tags, cut=cut)
    results = rows(conn, f"""{ranked}
        SELECT {PROVISION_FIELDS}, h.rank * {_boosts(bool(phrase))} AS score
        FROM hits h JOIN provisions p ON p.rowid = h.rid
        JOIN sources s ON s.id = p.source_id ORDER BY score, p.rowid LIMIT ? OFFSET ?""",
                   [*rank_args, *([phrase] if phrase else []), limit, offset])
    counted = first[:COUNT_CAP]
    return {"total": len(counted), "capped": len(first) > COUNT_CAP, "results": results,
            "facets": _facets_of(conn, counted, tags), "pooled": cut is not None}


def commentary_matches(conn: sqlite3.Connection, match: str) -> int:
    """Notes matching, counted up to COUNT_CAP + 1 (more than COUNT_CAP: a lower bound)."""
    return conn.execute("SELECT count(*) FROM (SELECT 1 FROM commentary_fts WHERE "
                        f"commentary_fts MATCH ? LIMIT {COUNT_CAP + 1})", [match]).fetchone()[0]


def tags_for_results(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, list[str]]:
    """The distinct codes each search result carries."""
    found: dict[str, list[str]] = {}
    for r in tags_of(conn, ids):
        codes = found.setdefault(r["provision_id"], [])
        if r["code"] not in codes:
            codes.append(r["code"])
    return found


def code_provisions(conn: sqlite3.Connection, code: str, *,
                    per_column: int) -> dict[str, dict[str, Any]]:
    """Per column of the matrix: how many units carry ``code`` and the first
    ``per_column`` of them — units the reviewed coding marks core for the code
    first, then statutes and court rules, then the broadest in that coding, then in
    the order of the law (the build's `code_units` holds the order in an index, so
    this reads a few rows per column, not every unit carrying the code)."""
    counts = rows(conn, "SELECT col, count(*) AS n FROM code_units WHERE code = ? "
                        "GROUP BY col", [code])
    out: dict[str, dict[str, Any]] = {}
    for c in counts:
        found = rows(conn, f"""
            SELECT {PROVISION_FIELDS}, u.col AS col, u.core_code AS core, u.breadth
            FROM code_units u JOIN provisions p ON p.id = u.provision_id
            JOIN sources s ON s.id = p.source_id
            WHERE u.code = ? AND u.col = ?
            ORDER BY u.core_code DESC, u.statute DESC, u.breadth DESC, u.source_id, u.position
            LIMIT ?""", [code, c["col"], per_column])
        out[c["col"]] = {"rows": found, "n": c["n"]}
    return out
