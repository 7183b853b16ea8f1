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
import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any, Iterable

import yaml

JURISDICTION_ORDER = ("CN", "US", "DE", "TW")
JURISDICTION_NAMES = {"CN": "China", "US": "United States", "DE": "Germany", "TW": "Taiwan"}
DIMENSIONS = ("subjects", "scope", "behavior", "consequences")
REJECTED = ("reject", "rejected")
# How strongly a modality binds, for ordering and for saying which side binds more.
MODALITY_STRENGTH = {"obligation": 4, "prohibition": 4, "presumptive": 3, "permission": 2, "none": 1}

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK_FILES = (ROOT / "schemas" / "taxonomy.yaml", ROOT.parent / "shared" / "spec" / "taxonomy.yaml")

Db = Any   # sqlite3.Connection | sqlite_utils.Database | str | Path


# -- database helpers (shared by the scholarship stage and the exports) -------------

def connect(db: Db) -> sqlite3.Connection:
    """A ``sqlite3.Connection`` for ``db``; a path is opened read-only."""
    if isinstance(db, sqlite3.Connection):
        return db
    conn = getattr(db, "conn", None)
    if isinstance(conn, sqlite3.Connection):
        return conn
    if isinstance(db, (str, Path)):
        path = Path(db)
        if not path.is_file():
            raise FileNotFoundError(f"no database at {path}")
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    raise TypeError(f"not a database: {db!r}")


def rows(conn: sqlite3.Connection, sql: str, params: Iterable = ()) -> list[dict]:
    """Query results as dicts, without touching the connection's row_factory."""
    cursor = conn.execute(sql, list(params))
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def table_exists(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')",
                        [name]).fetchone() is not None


def columns(conn: sqlite3.Connection, name: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info([{name}])")}


def tags_relation(conn: sqlite3.Connection) -> str | None:
    """``effective_tags`` when present (human decisions applied), else ``tags``, else None."""
    for name in ("effective_tags", "tags"):
        if table_exists(conn, name):
            return name
    return None


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
    if table_exists(conn, "taxonomy"):
        found = rows(conn, "SELECT * FROM taxonomy")
        if found:
            return [CodeInfo(r["code"], r.get("dimension") or r["code"].split(".")[0],
                             r.get("label_en") or "", r.get("label_zh") or "",
                             r.get("definition") or "") for r in found]
    return list(_codebook_file())


@lru_cache(maxsize=1)
def _codebook_file() -> tuple[CodeInfo, ...]:
    for path in CODEBOOK_FILES:
        if path.is_file():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            return tuple(CodeInfo(c["id"], c["id"].split(".")[0], c.get("label", {}).get("en", ""),
                                  c.get("label", {}).get("zh", ""), c.get("definition", ""))
                         for c in data.get("codes", []))
    return ()


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
    return sorted(found, key=lambda j: (JURISDICTION_ORDER.index(j)
                                        if j in JURISDICTION_ORDER else 99, j))


# -- tags of the law -----------------------------------------------------------------

def law_tags(db: Db, code: str | None = None, jurisdiction: str | None = None,
             provision_ids: Iterable[str] | None = None) -> list[dict]:
    """Tags on provisions of the law (not scholarship), with the provision's citation,
    jurisdiction, source and text; empty when the database has no tags."""
    conn = connect(db)
    relation = tags_relation(conn)
    if relation is None:
        return []
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
    if relation is None:
        return {}
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
    result.summary = describe(result, has_tags=tags_relation(conn) is not None)
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

@dataclass
class Cell:
    jurisdiction: str
    provisions: int = 0
    roles: dict[str, int] = field(default_factory=dict)
    modalities: dict[str, int] = field(default_factory=dict)

    @property
    def gap(self) -> bool:
        return self.provisions == 0


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

    def as_dict(self) -> dict:
        data = asdict(self)
        for j, cell in self.cells.items():
            data["cells"][j]["gap"] = cell.gap
        return data


def matrix(db: Db, juris: Iterable[str] | None = None) -> list[MatrixRow]:
    """One row per code (codebook order) with a cell per jurisdiction."""
    conn = connect(db)
    js = list(juris) if juris else jurisdictions(conn)
    relation = tags_relation(conn)
    per_cell: dict[tuple[str, str], Cell] = {}
    scholarship: Counter = Counter()
    if relation is not None:
        keep = _not_rejected(conn, relation)
        for r in rows(conn, f"""
                SELECT t.code, p.jurisdiction, COUNT(DISTINCT t.provision_id) AS n
                FROM [{relation}] t JOIN provisions p ON p.id = t.provision_id
                WHERE {law_filter('p')} AND {keep} GROUP BY t.code, p.jurisdiction"""):
            per_cell[(r["code"], r["jurisdiction"])] = Cell(r["jurisdiction"], r["n"])
        for field_name in ("role", "modality"):
            if field_name not in columns(conn, relation):
                continue
            for r in rows(conn, f"""
                    SELECT t.code, p.jurisdiction, t.[{field_name}] AS v,
                           COUNT(DISTINCT t.provision_id) AS n
                    FROM [{relation}] t JOIN provisions p ON p.id = t.provision_id
                    WHERE {law_filter('p')} AND {keep} AND t.[{field_name}] IS NOT NULL
                    GROUP BY t.code, p.jurisdiction, v ORDER BY n DESC"""):
                cell = per_cell.setdefault((r["code"], r["jurisdiction"]), Cell(r["jurisdiction"]))
                target = cell.roles if field_name == "role" else cell.modalities
                target[r["v"]] = r["n"]
        for r in rows(conn, f"""
                SELECT t.code, COUNT(DISTINCT t.provision_id) AS n
                FROM [{relation}] t JOIN provisions p ON p.id = t.provision_id
                WHERE p.source_kind = 'scholarship' AND {keep} GROUP BY t.code"""):
            scholarship[r["code"]] = r["n"]
    stance_counts = _stance_counts(conn)
    proposal_juris = _proposal_jurisdictions(conn)
    out = []
    for info in codebook(conn):
        cells = {j: per_cell.get((info.code, j), Cell(j)) for j in js}
        counts = stance_counts.get(info.code, {})
        out.append(MatrixRow(
            info.code, info.dimension, info.label_en, info.label_zh, info.definition, cells,
            scholarship_paragraphs=scholarship.get(info.code, 0),
            proposals=counts.get("proposal", 0), critiques=counts.get("critique", 0),
            gaps_proposed=[j for j in js if cells[j].gap
                           and j in proposal_juris.get(info.code, set())]))
    return out


def _stance_counts(conn: sqlite3.Connection) -> dict[str, Counter]:
    if not table_exists(conn, "stance"):
        return {}
    out: dict[str, Counter] = {}
    for r in rows(conn, "SELECT stance, codes FROM stance WHERE stance != 'description'"):
        for code in json.loads(r["codes"] or "[]"):
            out.setdefault(code, Counter())[r["stance"]] += 1
    return out


def _proposal_jurisdictions(conn: sqlite3.Connection) -> dict[str, set[str]]:
    if not table_exists(conn, "proposal_codes"):
        return {}
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
