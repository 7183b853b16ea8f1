"""How the legal systems differ on each code of the codebook, computed from the tags.

For a code and two jurisdictions, :func:`contrast` says what differs:

* presence — how many provisions of each system carry the code (a system with
  none has a gap, *in the corpus*: a missing source can hide a rule);
* roles — for subjects, the roles the tags give (defence counsel: ``witness`` in
  China, ``party`` in the US);
* modality — how the rule binds ("一般应当采纳" presumptive vs "may reject"
  permission);
* scope items — the scope codes carried by the same provisions (what is
  negotiable where the code is regulated), and for scope codes the evidence
  terms themselves.

:func:`matrix` gives one row per code with a cell per jurisdiction, for the
comparison page. Everything here only reads the database: it takes a
``sqlite3.Connection``, a ``sqlite_utils.Database`` or a path, and works on a
read-only (immutable) database. Tags come from the ``effective_tags`` view
(human decisions applied) when it exists, else from ``tags``; tags a human
rejected are left out. Provisions of scholarship and of translations (which
would count a Taiwanese article twice) are not law of a system here.
"""
from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Iterable

from plea.corpus import vocab

from plea.corpus.readonly import Db, columns, rows, tagged, tags_relation  # noqa: F401
from plea.corpus.readonly import connect_readonly as connect

from .taxonomy import load_taxonomy

# The comparison's columns in order (CN, US, DE, TW), from corpus/vocab.yaml.
JURISDICTION_ORDER = vocab.compared_jurisdictions()
DIMENSIONS = load_taxonomy().dimension_ids      # subjects, scope, behavior, consequences
REJECTED = ("reject", "rejected")
# How strongly a modality binds, for ordering and for saying which side binds more.
MODALITY_STRENGTH = {"obligation": 4, "prohibition": 4, "presumptive": 3, "permission": 2, "none": 1}



# -- reading the database (connect, rows, columns, tags_relation: corpus.readonly; every
# declared table is there, empty where no stage filled it)

def _not_rejected(conn: sqlite3.Connection, relation: str, alias: str = "t") -> str:
    if "decision" in columns(conn, relation):
        quoted = ", ".join(f"'{d}'" for d in REJECTED)
        return f"COALESCE(LOWER({alias}.decision), '') NOT IN ({quoted})"
    return "1"


def law_filter(alias: str = "p") -> str:
    """SQL condition: the provision is law of a system (not scholarship, not a translation)."""
    return (f"{alias}.source_kind != 'scholarship' AND {alias}.source_id NOT IN "
            "(SELECT id FROM sources WHERE translation_of IS NOT NULL)")


# -- the codebook --------------------------------------------------------------------

@dataclass
class CodeInfo:
    code: str
    dimension: str
    label_en: str = ""
    label_zh: str = ""
    definition: str = ""


def codebook(db: Db) -> list[CodeInfo]:
    """The codes in codebook order: the ``taxonomy`` table, else the codebook file."""
    conn = connect(db)
    found = rows(conn, "SELECT * FROM taxonomy")
    if found:
        return [CodeInfo(r["code"], r.get("dimension") or r["code"].split(".")[0],
                         r.get("label_en") or "", r.get("label_zh") or "",
                         r.get("definition") or "") for r in found]
    return list(_codebook_file())


def _codebook_file() -> tuple[CodeInfo, ...]:
    """The codebook as the one reader gives it (annotate.taxonomy: validated, the
    project's own file), for a database built without the codebook tables."""
    return tuple(CodeInfo(c.id, c.dimension, c.label_en, c.label_zh, c.definition)
                 for c in load_taxonomy().codes)


def code_info(db: Db, code: str) -> CodeInfo:
    for info in codebook(db):
        if info.code == code:
            return info
    return CodeInfo(code, code.split(".")[0])


def codes_of_dimension(db: Db, dimension: str) -> list[str]:
    return [c.code for c in codebook(db) if c.dimension == dimension]


def jurisdictions(db: Db) -> list[str]:
    """Jurisdictions with law in the corpus, in the usual order (CN, US, DE, TW, others)."""
    conn = connect(db)
    found = {r["jurisdiction"] for r in rows(
        conn, f"SELECT DISTINCT p.jurisdiction FROM provisions p WHERE {law_filter('p')}")}
    return order_jurisdictions(found)


# -- tags of the law -----------------------------------------------------------------

def law_tags(db: Db, code: str | None = None, jurisdiction: str | None = None,
             provision_ids: Iterable[str] | None = None) -> list[dict]:
    """Tags on provisions of the law (not scholarship), with the provision's citation,
    jurisdiction, source and text; empty when the database has no tags."""
    conn = connect(db)
    relation = tags_relation(conn)
    where = [law_filter("p"), _not_rejected(conn, relation)]
    params: list = []
    if code:
        where.append("t.code = ?")
        params.append(code)
    if jurisdiction:
        where.append("p.jurisdiction = ?")
        params.append(jurisdiction)
    if provision_ids is not None:
        ids = list(provision_ids)
        where.append(f"t.provision_id IN ({', '.join('?' for _ in ids) or 'NULL'})")
        params.extend(ids)
    have = columns(conn, relation)
    pick = ", ".join(f"t.[{c}]" for c in ("code", "dimension", "start", "end", "evidence", "role",
                                            "modality", "method", "confidence") if c in have)
    return rows(conn, f"""
        SELECT t.provision_id, {pick}, p.citation, p.jurisdiction, p.source_id, p.source_kind,
               p.text, p.lang, p.position
        FROM [{relation}] t JOIN provisions p ON p.id = t.provision_id
        WHERE {' AND '.join(where)}
        ORDER BY p.jurisdiction, p.source_id, p.position, t.start""", params)


# -- contrast --------------------------------------------------------------------------

@dataclass
class Evidence:
    provision_id: str
    citation: str | None
    text: str | None
    role: str | None = None
    modality: str | None = None


@dataclass
class Side:
    jurisdiction: str
    provisions: list[str] = field(default_factory=list)
    roles: dict[str, int] = field(default_factory=dict)
    modalities: dict[str, int] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    scope_items: dict[str, int] = field(default_factory=dict)   # scope codes on the same provisions
    terms: list[str] = field(default_factory=list)              # distinct evidence strings

    @property
    def count(self) -> int:
        return len(self.provisions)

    @property
    def present(self) -> bool:
        return bool(self.provisions)

    @property
    def dominant_modality(self) -> str | None:
        """The most frequent modality; a descriptive ``none`` only when there is no other."""
        stated = {k: v for k, v in self.modalities.items() if k != "none"} or self.modalities
        if not stated:
            return None
        return max(stated.items(), key=lambda kv: (kv[1], MODALITY_STRENGTH.get(kv[0], 0)))[0]

    @property
    def stated_modalities(self) -> list[str]:
        """Modalities in order of frequency, ``none`` left out when another is stated."""
        stated = [k for k in self.modalities if k != "none"]
        return stated or list(self.modalities)

    def example(self, *, role: str | None = None, modality: str | None = None) -> Evidence | None:
        for ev in self.evidence:
            if (role is None or ev.role == role) and (modality is None or ev.modality == modality):
                return ev
        return None


@dataclass
class Contrast:
    code: str
    dimension: str
    label_en: str
    label_zh: str
    a: Side
    b: Side
    status: str                      # both | only_a | only_b | neither
    roles_only_a: list[str]
    roles_only_b: list[str]
    roles_shared: list[str]
    modality_differs: bool
    scope_only_a: list[str]
    scope_only_b: list[str]
    summary: list[str]

    def as_dict(self) -> dict:
        data = asdict(self)
        for side in ("a", "b"):
            data[side]["count"] = getattr(self, side).count
            data[side]["dominant_modality"] = getattr(self, side).dominant_modality
        return data


def _side(jurisdiction: str, tags: list[dict], co_scope: dict[str, Counter]) -> Side:
    side = Side(jurisdiction)
    roles: Counter = Counter()
    modalities: Counter = Counter()
    seen_provisions: dict[str, None] = {}
    seen_evidence: set[tuple] = set()
    terms: dict[str, None] = {}
    for t in tags:
        seen_provisions.setdefault(t["provision_id"])
        role, modality = t.get("role"), t.get("modality")
        # Count a role / modality once per provision, so long texts do not weigh more.
        if role and (t["provision_id"], "r", role) not in seen_evidence:
            roles[role] += 1
            seen_evidence.add((t["provision_id"], "r", role))
        if modality and (t["provision_id"], "m", modality) not in seen_evidence:
            modalities[modality] += 1
            seen_evidence.add((t["provision_id"], "m", modality))
        if t.get("evidence"):
            terms.setdefault(t["evidence"])
        side.evidence.append(Evidence(t["provision_id"], t.get("citation"), t.get("evidence"),
                                      role, modality))
    side.provisions = list(seen_provisions)
    side.roles = dict(roles.most_common())
    side.modalities = dict(sorted(modalities.items(), key=lambda kv: (-kv[1], kv[0])))
    side.scope_items = dict(co_scope.get(jurisdiction, Counter()).most_common())
    side.terms = list(terms)[:12]
    return side


def _co_scope(conn: sqlite3.Connection, code: str, juris: Iterable[str]) -> dict[str, Counter]:
    """Scope codes carried by the provisions that carry ``code``, per jurisdiction."""
    relation = tags_relation(conn)
    js = list(juris)
    # An IN subquery rather than a self-join: the tags table may have no index.
    found = rows(conn, f"""
        SELECT p.jurisdiction, s.code, COUNT(DISTINCT s.provision_id) AS n
        FROM [{relation}] s JOIN provisions p ON p.id = s.provision_id
        WHERE s.code LIKE 'scope.%' AND s.code != ?
          AND s.provision_id IN (SELECT t.provision_id FROM [{relation}] t
                                 WHERE t.code = ? AND {_not_rejected(conn, relation, 't')})
          AND p.jurisdiction IN ({', '.join('?' for _ in js)}) AND {law_filter('p')}
          AND {_not_rejected(conn, relation, 's')}
        GROUP BY p.jurisdiction, s.code""", [code, code, *js])
    out: dict[str, Counter] = {}
    for r in found:
        out.setdefault(r["jurisdiction"], Counter())[r["code"]] = r["n"]
    return out


def contrast(db: Db, code: str, a: str, b: str) -> Contrast:
    """What differs between jurisdictions ``a`` and ``b`` on ``code``."""
    conn = connect(db)
    return _contrast(conn, code_info(conn, code), law_tags(conn, code=code),
                     _co_scope(conn, code, (a, b)), a, b)


def _contrast(conn: sqlite3.Connection, info: CodeInfo, tags: list[dict],
              co: dict[str, Counter], a: str, b: str) -> Contrast:
    code = info.code
    side_a = _side(a, [t for t in tags if t["jurisdiction"] == a], co)
    side_b = _side(b, [t for t in tags if t["jurisdiction"] == b], co)
    status = ("both" if side_a.present and side_b.present else "only_a" if side_a.present
              else "only_b" if side_b.present else "neither")
    ra, rb = set(side_a.roles), set(side_b.roles)
    sa, sb = set(side_a.scope_items), set(side_b.scope_items)
    result = Contrast(
        code=code, dimension=info.dimension, label_en=info.label_en, label_zh=info.label_zh,
        a=side_a, b=side_b, status=status,
        roles_only_a=[r for r in side_a.roles if r not in rb],
        roles_only_b=[r for r in side_b.roles if r not in ra],
        roles_shared=[r for r in side_a.roles if r in rb],
        modality_differs=(status == "both"
                          and set(side_a.stated_modalities) != set(side_b.stated_modalities)),
        scope_only_a=sorted(sa - sb), scope_only_b=sorted(sb - sa), summary=[])
    result.summary = describe(result, has_tags=tagged(conn))
    return result


def contrasts(db: Db, code: str, juris: Iterable[str]) -> list[Contrast]:
    """Every pair of the given jurisdictions, in order (the tags are read once)."""
    conn = connect(db)
    js = list(juris)
    info, tags, co = code_info(conn, code), law_tags(conn, code=code), _co_scope(conn, code, js)
    return [_contrast(conn, info, tags, co, a, b) for a, b in combinations(js, 2)]


def _counts(d: dict[str, int]) -> str:
    return ", ".join(f"{k} ({v})" for k, v in d.items())


def _example(side: Side, *, role: str | None = None, modality: str | None = None) -> str:
    ev = side.example(role=role, modality=modality)
    if ev is None:
        return ""
    words = f"“{ev.text}”, " if ev.text else ""
    return f" ({words}{ev.citation or ev.provision_id})"


def describe(c: Contrast, *, has_tags: bool = True) -> list[str]:
    """The contrast in sentences, for the brief and the code page."""
    a, b = c.a.jurisdiction, c.b.jurisdiction
    if not has_tags:
        return ["The database has no tags, so the systems cannot be compared on this code "
                "(build with the tagging stage)."]
    lines = []
    if c.status == "neither":
        return [f"Neither {a} nor {b} has a provision carrying this code in the corpus."]
    if c.status in ("only_a", "only_b"):
        has, lacks = (c.a, b) if c.status == "only_a" else (c.b, a)
        lines.append(f"Only {has.jurisdiction} regulates this: {has.count} provision(s); "
                     f"{lacks} has none in the corpus (a gap, or a source the corpus lacks).")
    else:
        lines.append(f"Both regulate this: {a} in {c.a.count} provision(s), "
                     f"{b} in {c.b.count}.")
    if c.a.roles or c.b.roles:
        parts = [f"{s.jurisdiction}: {_counts(s.roles) or 'no role stated'}" for s in (c.a, c.b)
                 if s.present]
        line = "Roles — " + "; ".join(parts) + "."
        if c.status == "both" and (c.roles_only_a or c.roles_only_b):
            diffs = []
            for side, only in ((c.a, c.roles_only_a), (c.b, c.roles_only_b)):
                for role in only:
                    diffs.append(f"{role} only in {side.jurisdiction}{_example(side, role=role)}")
            joined = "; ".join(diffs)
            line += " " + joined[:1].upper() + joined[1:] + "."
        lines.append(line)
    if c.a.modalities or c.b.modalities:
        parts = []
        for s in (c.a, c.b):
            if s.present:
                found = [f"{m}{_example(s, modality=m)}" for m in s.stated_modalities]
                parts.append(f"{s.jurisdiction}: " + (", ".join(found) or "no modality stated"))
        verdict = "differs" if c.modality_differs else "is the same"
        lines.append("Modality " + (verdict + " — " if c.status == "both" else "— ")
                     + "; ".join(parts) + ".")
    if c.dimension != "scope" and (c.scope_only_a or c.scope_only_b):
        bits = []
        for side, only in ((c.a, c.scope_only_a), (c.b, c.scope_only_b)):
            if only:
                bits.append(f"only {side.jurisdiction}: {', '.join(only)}")
        lines.append("Scope items on the same provisions — " + "; ".join(bits) + ".")
    if c.dimension == "scope":
        for s in (c.a, c.b):
            if s.terms:
                lines.append(f"{s.jurisdiction} wording: " + ", ".join(f"“{t}”" for t in s.terms[:6])
                             + ".")
    return lines


# -- matrix ----------------------------------------------------------------------------
#
# One statement computes the matrix: the build stores it as the ``comparison_matrix``
# view (plea.web.views), Datasette serves it as CSV/JSON, and :func:`matrix` reads that
# view (or runs the same statement on a database built without it), so the home page,
# the export and the brief cannot disagree.

SCHOLARSHIP = "scholarship"
# Why a cell is a gap (the ``<k>_gap`` / ``<k>_core_gap`` columns), strongest first:
REVIEWED_ABSENT = "reviewed-absent"    # the reference coding read the system's core: none carries it
SOURCE_MISSING = "source-missing"      # the manifest lists texts of the system the corpus lacks
NO_PROVISION = "no-provision"          # nothing in the corpus carries it
GAP_REASONS = (REVIEWED_ABSENT, SOURCE_MISSING, NO_PROVISION)
GAP_WORDS = {REVIEWED_ABSENT: "reviewed and absent", SOURCE_MISSING: "a source is missing",
             NO_PROVISION: "no provision in the corpus"}
CELL_SHOWN = 6       # provisions named per cell in the view (core first)
REVIEWED_METHODS = ("reference", "human")
HUMAN_DECISIONS = ("confirmed", "corrected", "added")


@dataclass(frozen=True)
class MatrixShape:
    """What the statement must adapt to in a given database: the tag relation (human
    decisions applied or not), whether it says who decided, whether the reference
    coding (and so the core provisions) is there, and the codebook table."""
    tags: str | None = "tags"          # None: the database has no tags
    decisions: bool = False
    reference: bool = False
    taxonomy: bool = True
    source_columns: frozenset = frozenset()


def matrix_shape(conn: sqlite3.Connection) -> MatrixShape:
    relation = tags_relation(conn)
    return MatrixShape(
        tags=relation,
        decisions="decision" in columns(conn, relation),
        reference=True,        # every build makes reference_units (empty without a coding)
        # the codebook table, once the codebook stage filled it; else the codebook file
        taxonomy=bool(conn.execute("SELECT EXISTS (SELECT 1 FROM taxonomy)").fetchone()[0]),
        source_columns=frozenset(columns(conn, "sources")))


def _source_col(shape: MatrixShape, alias: str, name: str) -> str:
    return f"{alias}.[{name}]" if name in shape.source_columns else "NULL"


def _codebook_sql(shape: MatrixShape) -> str:
    if shape.taxonomy:
        return ("SELECT rowid AS n, code, dimension, label_en, label_zh, definition "
                "FROM taxonomy")
    # No codebook table: the codebook file, inlined (labels are data, not SQL).
    values = ", ".join(
        "({}, {}, {}, {}, {}, {})".format(i, *(_quote(v) for v in (
            c.code, c.dimension, c.label_en, c.label_zh, c.definition)))
        for i, c in enumerate(_codebook_file()))
    if not values:
        return ("SELECT 0 AS n, NULL AS code, NULL AS dimension, NULL AS label_en, "
                "NULL AS label_zh, NULL AS definition WHERE 0")
    return ("SELECT column1 AS n, column2 AS code, column3 AS dimension, column4 AS label_en, "
            f"column5 AS label_zh, column6 AS definition FROM (VALUES {values})")


def _quote(value: str | None) -> str:
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def matrix_sql(juris: list[str], shape: MatrixShape | None = None) -> str:
    """The comparison matrix as one statement: a row per code, columns per system.

    For each jurisdiction key ``k`` (cn, us, de, tw, …) and ``scholarship``:
    ``k_provisions`` (distinct provisions carrying the code), ``k_core`` (of them, core
    provisions of the reference coding), ``k_reviewed`` (decided by the reference coding
    or a person), ``k_roles`` and ``k_modalities`` (JSON, ordered by count: value, n,
    reviewed, core, core_reviewed), ``k_shown`` (JSON: the provisions that define the
    cell — core first, and among them first the first provision giving each role (else
    modality) — with those values, at most CELL_SHOWN). For jurisdictions also ``k_gap`` and
    ``k_core_gap`` (why the cell, or its core-only reading, is empty: GAP_REASONS),
    ``k_missing`` (JSON: texts of the system the manifest lists as missing) and
    ``k_proposed_by`` (scholarly sources on the system carrying the code, on a gap).
    Translations are not counted: Taiwan's English text would count every article twice.
    """
    shape = shape or MatrixShape()
    tags = (f"[{shape.tags}]" if shape.tags else
            "(SELECT NULL AS code, NULL AS provision_id, NULL AS role, NULL AS modality, "
            "NULL AS method WHERE 0)")
    keep = ("coalesce(lower(g.decision), '') NOT IN ('reject', 'rejected')"
            if shape.decisions else "1")
    reviewed = (f"g.method IN {REVIEWED_METHODS}"
                + (f" OR g.decision IN {HUMAN_DECISIONS}" if shape.decisions else ""))
    core = ("SELECT DISTINCT provision_id FROM reference_units "
            "WHERE core = 1 AND provision_id IS NOT NULL" if shape.reference
            else "SELECT NULL AS provision_id WHERE 0")
    reviewed_systems = (
        "SELECT p.jurisdiction, count(DISTINCT r.provision_id) AS units\n"
        "  FROM reference_units r JOIN provisions p ON p.id = r.provision_id\n"
        "  JOIN sources s ON s.id = p.source_id\n"
        f"  WHERE r.core = 1 AND s.translation_of IS NULL AND p.source_kind != '{SCHOLARSHIP}'\n"
        "  GROUP BY p.jurisdiction" if shape.reference
        else "SELECT NULL AS jurisdiction, 0 AS units WHERE 0")
    status, work = _source_col(shape, "m", "status"), _source_col(shape, "m", "work")
    name = ("coalesce(" + ", ".join(f"nullif({_source_col(shape, 'm', c)}, '')"
                                    for c in ("short_title", "title_en", "title")) + ", m.id)")
    # A missing translation or another edition of a work the corpus has adds no law.
    missing = (
        f"SELECT m.jurisdiction, json_group_array({name}) AS names FROM sources m\n"
        f"  WHERE {status} = 'missing' AND m.kind != '{SCHOLARSHIP}'\n"
        "    AND m.translation_of IS NULL\n"
        f"    AND NOT EXISTS (SELECT 1 FROM sources o WHERE {_source_col(shape, 'o', 'work')} = {work}\n"
        f"                    AND coalesce({_source_col(shape, 'o', 'status')}, 'present') = 'present')\n"
        "  GROUP BY m.jurisdiction")
    # Each provision once per role (modality): then counts are plain sums.
    counted = " UNION ALL ".join(f"""
  SELECT code, col, '{kind}' AS kind, value, count(*) AS n, sum(reviewed) AS reviewed,
         sum(core) AS core, sum(core AND reviewed) AS core_reviewed
  FROM (SELECT code, col, provision_id, {field} AS value, max(core) AS core,
               max(reviewed) AS reviewed
        FROM tagged WHERE {field} IS NOT NULL GROUP BY code, col, provision_id, {field})
  GROUP BY code, col, value"""
                                 for kind, field in (("role", "role"), ("modality", "modality")))
    dims = " ".join(f"WHEN '{d}' THEN {i}" for i, d in enumerate(DIMENSIONS))
    cols, joins = [], []
    for j in [*juris, SCHOLARSHIP]:
        k = j.lower()
        joins.append(f"LEFT JOIN cells AS c_{k} ON c_{k}.code = x.code AND c_{k}.col = '{j}'")
        cols += [f"coalesce(c_{k}.n, 0) AS {k}_provisions",
                 f"coalesce(c_{k}.n_core, 0) AS {k}_core",
                 f"coalesce(c_{k}.n_reviewed, 0) AS {k}_reviewed",
                 f"c_{k}.roles AS {k}_roles", f"c_{k}.modalities AS {k}_modalities",
                 f"c_{k}.shown AS {k}_shown"]
        if j == SCHOLARSHIP:
            continue
        joins.append(f"LEFT JOIN systems AS y_{k} ON y_{k}.jurisdiction = '{j}'")
        joins.append(f"LEFT JOIN proposals_on AS s_{k} ON s_{k}.code = x.code "
                     f"AND s_{k}.jurisdiction = '{j}'")
        reason = (f"CASE WHEN y_{k}.units > 0 THEN '{REVIEWED_ABSENT}' "
                  f"WHEN y_{k}.missing IS NOT NULL THEN '{SOURCE_MISSING}' "
                  f"ELSE '{NO_PROVISION}' END")
        cols += [f"CASE WHEN c_{k}.n IS NULL THEN {reason} END AS {k}_gap",
                 f"CASE WHEN coalesce(c_{k}.n_core, 0) = 0 THEN {reason} END AS {k}_core_gap",
                 f"CASE WHEN coalesce(c_{k}.n_core, 0) = 0 THEN y_{k}.missing END AS {k}_missing",
                 f"CASE WHEN c_{k}.n IS NULL THEN s_{k}.sources END AS {k}_proposed_by"]
    return (
        f"WITH core AS MATERIALIZED (\n  {core}\n"
        "), tagged AS MATERIALIZED (\n"
        "  SELECT g.code, g.provision_id, g.role, g.modality, p.jurisdiction, p.position,\n"
        "         p.citation,\n"
        f"         s.rowid AS source_rank, coalesce({_source_col(shape, 's', 'short_title')}, s.id)"
        " AS source,\n"
        f"         CASE WHEN p.source_kind = '{SCHOLARSHIP}' THEN '{SCHOLARSHIP}' "
        "ELSE p.jurisdiction END AS col,\n"
        f"         ({reviewed}) AS reviewed,\n"
        "         g.provision_id IN (SELECT provision_id FROM core) AS core\n"
        f"  FROM {tags} g JOIN provisions p ON p.id = g.provision_id\n"
        "  JOIN sources s ON s.id = p.source_id\n"
        f"  WHERE s.translation_of IS NULL AND {keep}\n"
        "), units AS MATERIALIZED (\n"
        "  SELECT code, col, provision_id, max(core) AS core, max(reviewed) AS reviewed,\n"
        "         min(source_rank) AS source_rank, min(position) AS position,\n"
        "         max(citation) AS citation, min(rv) AS pick,\n"
        "         group_concat(DISTINCT coalesce(role, modality)) AS vals\n"
        # rv = 1 on the first provision (core first) giving each role — each modality
        # for codes without roles — so the provisions named in a cell show what
        # differs in it.
        "  FROM (SELECT *, row_number() OVER (\n"
        "          PARTITION BY code, col, coalesce(role, modality, '')\n"
        "          ORDER BY core DESC, reviewed DESC, source_rank, position, provision_id) AS rv\n"
        "        FROM tagged)\n"
        "  GROUP BY code, col, provision_id\n"
        "), counts AS MATERIALIZED (\n"
        "  SELECT code, col, kind, json_group_array(json_object('value', value, 'n', n,\n"
        "         'reviewed', reviewed, 'core', core, 'core_reviewed', core_reviewed)) AS items\n"
        f"  FROM ({counted}\n  ORDER BY n DESC, core DESC, value) GROUP BY code, col, kind\n"
        "), ranked AS (\n"
        "  SELECT *, row_number() OVER (PARTITION BY code, col\n"
        "         ORDER BY core DESC, pick = 1 DESC, reviewed DESC, source_rank, position) AS rank\n"
        "  FROM units\n"
        "), shown AS MATERIALIZED (\n"
        "  SELECT code, col, json_group_array(json_object('id', provision_id, 'citation', citation,\n"
        "         'core', core, 'reviewed', reviewed, 'values', vals, 'rank', rank)) AS items\n"
        f"  FROM (SELECT * FROM ranked WHERE rank <= {CELL_SHOWN} ORDER BY rank)\n"
        "  GROUP BY code, col\n"
        "), cells AS MATERIALIZED (\n"
        "  SELECT u.code, u.col, u.n, u.n_core, u.n_reviewed, r.items AS roles,\n"
        "         m.items AS modalities, h.items AS shown\n"
        "  FROM (SELECT code, col, count(*) AS n, sum(core) AS n_core,\n"
        "               sum(reviewed) AS n_reviewed FROM units GROUP BY code, col) u\n"
        "  LEFT JOIN counts r ON r.code = u.code AND r.col = u.col AND r.kind = 'role'\n"
        "  LEFT JOIN counts m ON m.code = u.code AND m.col = u.col AND m.kind = 'modality'\n"
        "  LEFT JOIN shown h ON h.code = u.code AND h.col = u.col\n"
        "), proposals_on AS MATERIALIZED (\n"
        "  SELECT code, jurisdiction, group_concat(DISTINCT source) AS sources\n"
        f"  FROM tagged WHERE col = '{SCHOLARSHIP}' GROUP BY code, jurisdiction\n"
        f"), reviewed_systems AS (\n  {reviewed_systems}\n"
        f"), missing AS (\n  {missing}\n"
        "), systems AS MATERIALIZED (\n"
        "  SELECT j.jurisdiction, rv.units, ms.names AS missing\n"
        "  FROM (SELECT jurisdiction FROM reviewed_systems UNION SELECT jurisdiction FROM missing) j\n"
        "  LEFT JOIN reviewed_systems rv ON rv.jurisdiction = j.jurisdiction\n"
        "  LEFT JOIN missing ms ON ms.jurisdiction = j.jurisdiction\n"
        f"), codebook AS (\n  {_codebook_sql(shape)}\n"
        ")\n"
        "SELECT x.dimension, x.code, x.label_en, x.label_zh, x.definition,\n  "
        + ",\n  ".join(cols)
        + "\nFROM codebook x\n" + "\n".join(joins)
        + f"\nORDER BY CASE x.dimension {dims} ELSE 99 END, x.n")


def matrix_jurisdictions(conn: sqlite3.Connection) -> list[str]:
    """The matrix's columns: jurisdictions with a source present that is law (from the
    small sources table), in the comparison's order."""
    where = "kind != 'scholarship'"
    if "status" in columns(conn, "sources"):
        where += " AND coalesce(status, 'present') = 'present'"
    found = {r[0] for r in conn.execute(f"SELECT DISTINCT jurisdiction FROM sources WHERE {where}")}
    return order_jurisdictions(found)


def order_jurisdictions(found: Iterable[str]) -> list[str]:
    """CN, US, DE, TW, then others alphabetically; keys must be fit to be column names."""
    found = {j for j in found if j and _KEY.match(j)}
    return [j for j in JURISDICTION_ORDER if j in found] + sorted(found - set(JURISDICTION_ORDER))


_KEY = re.compile(r"^[A-Z]{2,5}$")


@dataclass
class Count:
    """A role or modality in a cell: on how many provisions, how many of them reviewed
    (reference coding or a person), how many core."""
    value: str
    n: int
    reviewed: int = 0
    core: int = 0
    core_reviewed: int = 0


@dataclass
class Shown:
    """A provision that defines a cell."""
    id: str
    citation: str | None
    core: bool = False
    reviewed: bool = False
    values: list[str] = field(default_factory=list)     # its roles (else modalities) here


@dataclass
class Cell:
    jurisdiction: str
    provisions: int = 0
    roles: dict[str, int] = field(default_factory=dict)        # value → provisions, by count
    modalities: dict[str, int] = field(default_factory=dict)
    core: int = 0
    reviewed: int = 0
    role_counts: list[Count] = field(default_factory=list)
    modality_counts: list[Count] = field(default_factory=list)
    shown: list[Shown] = field(default_factory=list)
    gap_reason: str | None = None          # one of GAP_REASONS when the cell is empty
    core_gap_reason: str | None = None     # the same, reading core provisions only
    missing_sources: list[str] = field(default_factory=list)
    proposed_by: list[str] = field(default_factory=list)

    @property
    def gap(self) -> bool:
        return self.provisions == 0

    def core_only(self) -> "Cell":
        """The cell read on the reference coding's core provisions alone."""
        def narrow(counts: list[Count]) -> list[Count]:
            kept = [Count(c.value, c.core, c.core_reviewed, c.core, c.core_reviewed)
                    for c in counts if c.core]
            return sorted(kept, key=lambda c: (-c.n, c.value))
        roles, modalities = narrow(self.role_counts), narrow(self.modality_counts)
        return Cell(self.jurisdiction, self.core, {c.value: c.n for c in roles},
                    {c.value: c.n for c in modalities}, self.core,
                    min(self.reviewed, self.core), roles, modalities,
                    [s for s in self.shown if s.core],
                    self.core_gap_reason, self.core_gap_reason, self.missing_sources,
                    self.proposed_by)


def _counts_of(value: str | None) -> list[Count]:
    found = [Count(str(c["value"]), int(c["n"]), int(c.get("reviewed") or 0),
                   int(c.get("core") or 0), int(c.get("core_reviewed") or 0))
             for c in json.loads(value or "[]")]
    return sorted(found, key=lambda c: (-c.n, -c.core, c.value))


def _cell_of(row: dict, col: str) -> Cell:
    k = col.lower()
    roles, modalities = _counts_of(row.get(f"{k}_roles")), _counts_of(row.get(f"{k}_modalities"))
    shown = sorted(json.loads(row.get(f"{k}_shown") or "[]"), key=lambda s: s.get("rank") or 0)
    return Cell(
        col, int(row.get(f"{k}_provisions") or 0), {c.value: c.n for c in roles},
        {c.value: c.n for c in modalities}, int(row.get(f"{k}_core") or 0),
        int(row.get(f"{k}_reviewed") or 0), roles, modalities,
        [Shown(s["id"], s.get("citation"), bool(s.get("core")), bool(s.get("reviewed")),
               [v for v in (s.get("values") or "").split(",") if v]) for s in shown],
        row.get(f"{k}_gap"), row.get(f"{k}_core_gap"),
        json.loads(row.get(f"{k}_missing") or "[]"),
        [p for p in (row.get(f"{k}_proposed_by") or "").split(",") if p])


@dataclass
class MatrixRow:
    code: str
    dimension: str
    label_en: str
    label_zh: str
    definition: str
    cells: dict[str, Cell]
    scholarship_paragraphs: int = 0
    proposals: int = 0
    critiques: int = 0
    gaps_proposed: list[str] = field(default_factory=list)   # jurisdictions with a gap a proposal targets
    scholarship: Cell | None = None

    def as_dict(self) -> dict:
        data = asdict(self)
        for j, cell in self.cells.items():
            data["cells"][j]["gap"] = cell.gap
        return data


def matrix_rows(db: Db, juris: Iterable[str] | None = None) -> list[dict]:
    """The matrix as rows of the ``comparison_matrix`` view — the view itself when the
    build made it (and the columns asked for are its columns), else the same statement."""
    conn = connect(db)
    every = matrix_jurisdictions(conn)
    js = list(juris) if juris else every
    # The table the web stage installs (plea.web.views), when it holds these columns;
    # else the same statement (a database the web stage did not finish).
    if set(js) <= set(every) and f"{SCHOLARSHIP}_shown" in columns(conn, "comparison_matrix"):
        return rows(conn, "SELECT * FROM comparison_matrix")
    return rows(conn, matrix_sql(js, matrix_shape(conn)))


def matrix(db: Db, juris: Iterable[str] | None = None) -> list[MatrixRow]:
    """One row per code (codebook order) with a cell per jurisdiction, read from the
    comparison_matrix statement; plus the scholarship's stance counts."""
    conn = connect(db)
    js = list(juris) if juris else matrix_jurisdictions(conn)
    stance_counts = _stance_counts(conn)
    proposal_juris = _proposal_jurisdictions(conn)
    out = []
    for r in matrix_rows(conn, js):
        cells = {j: _cell_of(r, j) for j in js}
        scholarship = _cell_of(r, SCHOLARSHIP)
        counts = stance_counts.get(r["code"], {})
        out.append(MatrixRow(
            r["code"], r["dimension"], r.get("label_en") or "", r.get("label_zh") or "",
            r.get("definition") or "", cells,
            scholarship_paragraphs=scholarship.provisions,
            proposals=counts.get("proposal", 0), critiques=counts.get("critique", 0),
            gaps_proposed=[j for j in js if cells[j].gap
                           and j in proposal_juris.get(r["code"], set())],
            scholarship=scholarship))
    return out


def reviewed_systems(db: Db) -> dict[str, dict]:
    """Per jurisdiction, the core provisions the reference coding covered and its label
    (what "reviewed and absent" rests on); empty without the reference layer."""
    conn = connect(db)
    found = rows(conn, f"""
        SELECT p.jurisdiction, count(DISTINCT r.provision_id) AS units, max(r.coding) AS coding
        FROM reference_units r JOIN provisions p ON p.id = r.provision_id
        JOIN sources s ON s.id = p.source_id
        WHERE r.core = 1 AND s.translation_of IS NULL AND p.source_kind != '{SCHOLARSHIP}'
        GROUP BY p.jurisdiction""")
    return {r["jurisdiction"]: {"units": r["units"], "coding": r["coding"]} for r in found}


def _stance_counts(conn: sqlite3.Connection) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for r in rows(conn, "SELECT stance, codes FROM stance WHERE stance != 'description'"):
        for code in json.loads(r["codes"] or "[]"):
            out.setdefault(code, Counter())[r["stance"]] += 1
    return out


def _proposal_jurisdictions(conn: sqlite3.Connection) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in rows(conn, "SELECT c.code, p.jurisdiction FROM proposal_codes c "
                        "JOIN proposals p ON p.id = c.proposal_id"):
        out.setdefault(r["code"], set()).add(r["jurisdiction"])
    return out


def scope_items(db: Db, a: str, b: str) -> dict[str, list[str]]:
    """The scope codes each of two systems regulates, and those only one does."""
    rows_ = [r for r in matrix(db, [a, b]) if r.dimension == "scope"]
    has_a = [r.code for r in rows_ if not r.cells[a].gap]
    has_b = [r.code for r in rows_ if not r.cells[b].gap]
    return {a: has_a, b: has_b, f"only_{a}": [c for c in has_a if c not in has_b],
            f"only_{b}": [c for c in has_b if c not in has_a]}
