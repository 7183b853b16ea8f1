"""The comparison matrix as one SQL statement: a row per code, columns per system.

The same statement is the `comparison_matrix` view (created at build time by
:func:`plea.web.views.install`), the stored query of that name when the view is
absent, and what the home page reads — so the HTML matrix and its CSV/JSON
export cannot disagree.

Columns, for each jurisdiction key ``k`` (cn, us, de, tw, …) and ``scholarship``:
``k_provisions`` (distinct provisions carrying the code), ``k_roles``,
``k_modalities`` (comma-separated, as found), and for jurisdictions
``k_proposed_by``: when the system has no provision with the code, the
scholarly sources on that system that carry it (the gap they propose to fill).
Translations (sources with ``translation_of``) are not counted: Taiwan's English
text would otherwise count every Taiwanese provision twice.
"""
from __future__ import annotations

import re
import sqlite3

# The comparison's own order; any other jurisdiction follows alphabetically.
JURISDICTION_ORDER = ("CN", "US", "DE", "TW")
JURISDICTION_NAMES = {
    "CN": ("China", "中国"), "US": ("United States", ""), "DE": ("Germany", "Deutschland"),
    "TW": ("Taiwan", "臺灣"), "INT": ("International", ""),
}
SCHOLARSHIP = "scholarship"

# Dimension labels as in the codebook (taxonomy.yaml `dimensions`), which the
# taxonomy table does not carry: it has one row per code.
DIMENSIONS = {
    "subjects": ("Negotiation subjects", "协商主体"),
    "scope": ("Negotiation scope", "协商对象（范围）"),
    "behavior": ("Negotiation behaviour", "协商行为"),
    "consequences": ("Negotiation consequences", "协商后果"),
}
ROLE_ORDER = ("party", "consulted", "witness", "reviewer", "informed", "excluded")
MODALITY_ORDER = ("obligation", "presumptive", "permission", "prohibition", "none")

_KEY = re.compile(r"^[A-Z]{2,5}$")


def order_jurisdictions(found) -> list[str]:
    found = {j for j in found if j and _KEY.match(j)}   # keys become column names
    return [j for j in JURISDICTION_ORDER if j in found] + sorted(found - set(JURISDICTION_ORDER))


def jurisdictions(conn: sqlite3.Connection) -> list[str]:
    """Jurisdictions with at least one non-scholarly source in the database."""
    rows = conn.execute("SELECT DISTINCT jurisdiction FROM sources "
                        "WHERE coalesce(status, 'present') = 'present' AND kind != 'scholarship'")
    return order_jurisdictions(r[0] for r in rows)


def matrix_sql(juris: list[str], tags: str = "tags") -> str:
    # Aggregate once per (code, column), then lay the columns out with one join
    # each: several times faster than DISTINCT aggregates per pivoted column.
    dims = " ".join(f"WHEN '{d}' THEN {i}" for i, d in enumerate(DIMENSIONS))
    cols, joins = [], []
    for j in [*juris, SCHOLARSHIP]:
        k = j.lower()
        joins.append(f"LEFT JOIN per_column AS a_{k} ON a_{k}.code = x.code AND a_{k}.col = '{j}'")
        cols += [f"coalesce(a_{k}.n, 0) AS {k}_provisions", f"a_{k}.roles AS {k}_roles",
                 f"a_{k}.modalities AS {k}_modalities"]
        if j != SCHOLARSHIP:
            joins.append(f"LEFT JOIN proposals_on AS s_{k} ON s_{k}.code = x.code "
                         f"AND s_{k}.jurisdiction = '{j}'")
            cols.append(f"CASE WHEN a_{k}.n IS NULL THEN s_{k}.sources END AS {k}_proposed_by")
    return (
        "WITH tagged AS MATERIALIZED (\n"
        "  SELECT g.code, g.provision_id, g.role, g.modality, p.jurisdiction,\n"
        "         coalesce(s.short_title, s.id) AS source,\n"
        f"         CASE WHEN p.source_kind = '{SCHOLARSHIP}' THEN '{SCHOLARSHIP}' "
        "ELSE p.jurisdiction END AS col\n"
        f"  FROM {tags} g JOIN provisions p ON p.id = g.provision_id\n"
        "  JOIN sources s ON s.id = p.source_id\n"
        "  WHERE s.translation_of IS NULL\n"   # a translation is not a second provision
        "), per_column AS MATERIALIZED (\n"
        "  SELECT code, col, count(DISTINCT provision_id) AS n,\n"
        "         group_concat(DISTINCT role) AS roles,\n"
        "         group_concat(DISTINCT modality) AS modalities\n"
        "  FROM tagged GROUP BY code, col\n"
        "), proposals_on AS MATERIALIZED (\n"
        "  SELECT code, jurisdiction, group_concat(DISTINCT source) AS sources\n"
        f"  FROM tagged WHERE col = '{SCHOLARSHIP}' GROUP BY code, jurisdiction\n"
        ")\n"
        "SELECT x.dimension, x.code, x.label_en, x.label_zh, x.definition,\n  "
        + ",\n  ".join(cols)
        + "\nFROM taxonomy x\n" + "\n".join(joins)
        + f"\nORDER BY CASE x.dimension {dims} ELSE 99 END, x.rowid")


def split_list(value: str | None, order: tuple[str, ...] = ()) -> list[str]:
    """A group_concat value as a list, in the codebook's order where it has one."""
    items = {v for v in (value or "").split(",") if v}
    known = [v for v in order if v in items]
    return known + sorted(items - set(known))
