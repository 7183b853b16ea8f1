"""Datasette metadata for the built database: titles, descriptions, licences,
column descriptions, hidden tables and stored queries.

Written next to the database by serve.py each time `plea serve` starts. Stored
queries over `tags`, `taxonomy` and `refs` are only offered when the database
has those tables (they come from later build stages), so no query on the
database page fails for want of a table.
"""
from __future__ import annotations

from pathlib import Path

from plea.annotate.compare import MatrixShape, matrix_sql
from plea.corpus.readonly import connect_readonly, tables

from .matrix import SCHOLARSHIP, order_jurisdictions
from .views import MATRIX_VIEW

LICENCE = ("Official texts: public domain or not subject to copyright (PRC Copyright Law "
           "art. 5, 17 U.S.C. § 105, § 5 UrhG, ROC Copyright Act art. 9); Meng 2023: CC BY 4.0. "
           "Each source's own licence is in the sources table.")
# The sources columns corpus.build writes, which the matrix statement reads.
BUILT_SOURCE_COLUMNS = frozenset({"status", "work", "short_title", "title_en", "title"})
SOURCE_NOTE = "Official sources of every text: the sources table (url, provenance, sha256)"

def matrix_columns(juris: list[str]) -> dict[str, str]:
    cols = {"dimension": "Codebook dimension", "code": "Code", "label_en": "English label",
            "label_zh": "Chinese label", "definition": "Definition"}
    for j in [*juris, SCHOLARSHIP]:
        k, name = j.lower(), ("scholarly passages" if j == SCHOLARSHIP else f"{j} provisions")
        cols[f"{k}_provisions"] = f"How many {name} carry the code (0 = gap)"
        cols[f"{k}_core"] = (f"Of them, core provisions of the reference coding "
                             "(reference_units.core = 1)")
        cols[f"{k}_reviewed"] = "Of them, decided by the reference coding or an annotator"
        count = ("JSON, most frequent first: value, n (provisions), reviewed, core, "
                 "core_reviewed")
        cols[f"{k}_roles"] = f"Roles the {name} give (subjects codes). {count}"
        cols[f"{k}_modalities"] = f"Modalities of the {name}. {count}"
        cols[f"{k}_shown"] = ("JSON: the provisions that define the cell, core first, then "
                              "reviewed (id, citation, core, reviewed, rank)")
        if j != SCHOLARSHIP:
            reasons = ("reviewed-absent (the reference coding read the system's core "
                       "provisions and none carries the code), source-missing (the manifest "
                       "lists texts of the system the corpus lacks: see _missing), "
                       "no-provision")
            cols[f"{k}_gap"] = f"Why {j} has no provision with the code: {reasons}"
            cols[f"{k}_core_gap"] = f"The same, reading {j}'s core provisions only"
            cols[f"{k}_missing"] = (f"JSON: texts of {j} the corpus lacks (sources with "
                                    "status missing), on a gap")
            cols[f"{k}_proposed_by"] = (f"When {j} has no provision: the scholarship on {j} "
                                        "that carries the code (a gap it proposes to fill)")
    return cols


def _inspect(db_path: Path) -> tuple[set[str], list[str]]:
    """Tables and views in the database, and its jurisdictions (matrix columns)."""
    if not db_path.is_file():
        return set(), []
    conn = connect_readonly(db_path)
    try:
        names = tables(conn)
        # Every build makes these tables; the stored queries that read them are offered
        # once a stage has filled them.
        names -= {n for n in ("tags", "refs", "taxonomy")
                  if not conn.execute(f"SELECT EXISTS (SELECT 1 FROM [{n}])").fetchone()[0]}
        juris = []
        if "sources" in names:
            juris = order_jurisdictions(r[0] for r in conn.execute(
                "SELECT DISTINCT jurisdiction FROM sources WHERE coalesce(status, 'present') = "
                "'present' AND kind != 'scholarship'"))
        return names, juris
    finally:
        conn.close()


def stored_queries(names: set[str], juris: list[str]) -> dict[str, dict]:
    queries = {
        "search": {
            "title": "Search provisions and scholarship",
            "description": "Any language; Chinese words of any length. The site's own search "
                           "page (/search) adds highlighted snippets and facets.",
            "sql": ("select p.id, p.citation, p.source_id, p.jurisdiction, p.lang, p.text "
                    "from provisions_fts join provisions p on p.rowid = provisions_fts.rowid "
                    "where provisions_fts match plea_fts_query(:q) "
                    "order by p.jurisdiction, p.source_id, p.position limit 200"),
        },
        "coverage": {
            "title": "Coverage of the corpus",
            "description": "Every source, present or still missing, with what it contributed "
                           "and, for a missing one, what it would supply (also at /coverage).",
            "sql": ("select id, title, jurisdiction, kind, status, provisions, articles, "
                    "fidelity_ok, counts_ok, supplies from sources order by jurisdiction, id"),
        },
    }
    # Human verdicts applied, when the annotations stage made the view.
    tags = "effective_tags" if "effective_tags" in names else "tags"
    if "tags" in names:
        queries["court_excluded"] = {
            "title": "Every provision where the court is excluded",
            "description": "Provisions that keep the court out of the negotiation "
                           "(subjects.court with role excluded), e.g. Rule 11(c)(1).",
            "sql": ("select p.id, p.citation, p.jurisdiction, s.short_title as source, "
                    "t.evidence, t.modality, p.lang, p.text "
                    f"from {tags} t join provisions p on p.id = t.provision_id "
                    "join sources s on s.id = p.source_id "
                    "where t.code = 'subjects.court' and t.role = 'excluded' "
                    "group by p.id order by s.rowid, p.position"),
        }
        queries["defence_only_witness"] = {
            "title": "Provisions where the defence is only a witness",
            "description": "Defence counsel or duty lawyer present in the provision, but in "
                           "no role other than witness (e.g. present at the signing of the "
                           "plea statement).",
            "sql": ("select p.id, p.citation, p.jurisdiction, s.short_title as source, "
                    "group_concat(distinct t.code) as codes, "
                    "group_concat(distinct t.evidence) as evidence, p.lang, p.text "
                    f"from {tags} t join provisions p on p.id = t.provision_id "
                    "join sources s on s.id = p.source_id "
                    "where t.code in ('subjects.defense_counsel', 'subjects.duty_lawyer') "
                    "group by p.id having sum(coalesce(t.role, '') != 'witness') = 0 "
                    "order by s.rowid, p.position"),
        }
        queries["provisions_with_code"] = {
            "title": "Provisions carrying a code",
            "description": "All provisions tagged with :code (e.g. subjects.defense_counsel), "
                           "with role and modality.",
            "sql": ("select p.id, p.citation, p.jurisdiction, s.short_title as source, t.role, "
                    "t.modality, t.evidence, p.lang, p.text "
                    f"from {tags} t join provisions p on p.id = t.provision_id "
                    "join sources s on s.id = p.source_id where t.code = :code "
                    "order by p.jurisdiction, s.rowid, p.position"),
        }
    if "refs" in names:
        citing = ("select r.from_table, r.from_id as id, "
                  "coalesce(p.citation, c.heading, c.id) as citing, "
                  "coalesce(p.source_kind, 'commentary') as kind, r.text, r.to_id "
                  "from refs r "
                  "left join provisions p on r.from_table = 'provisions' and p.id = r.from_id "
                  "left join commentary c on r.from_table = 'commentary' and c.id = r.from_id ")
        queries["cites_cpl_201"] = {
            "title": "What cites CPL art. 201",
            "description": "Every provision, commentary and scholarly passage that refers to "
                           "Article 201 of the Criminal Procedure Law (the court's adoption of "
                           "the sentencing recommendation), resolved or not.",
            "sql": citing + ("where (r.work = 'cn-cpl' and json_extract(r.pinpoint, '$[0]') = '201') "
                             "or r.to_id = 'cn-cpl-2018:art_201' "
                             "or r.to_id like 'cn-cpl-2018:art\\_201\\_\\_%' escape '\\' "
                             "order by kind, r.from_id"),
        }
        queries["what_cites"] = {
            "title": "What cites a provision",
            "description": "Everything that cites :provision_id or one of its subdivisions "
                           "(e.g. us-frcrp:rule_11__subsec_c__para_1).",
            "sql": citing + ("where r.to_id = :provision_id "
                             "or substr(r.to_id, 1, length(:provision_id) + 2) = :provision_id || '__' "
                             "order by kind, r.from_id"),
        }
    if {"tags", "taxonomy"} <= names and MATRIX_VIEW not in names:
        # The build did not create the view: the same statement as a stored query
        # keeps /<db>/comparison_matrix.csv and .json working.
        queries[MATRIX_VIEW] = {
            "title": "Comparison matrix",
            "description": "One row per code; per jurisdiction the provisions carrying it, "
                           "their roles and modalities, and gaps.",
            "sql": matrix_sql(juris, MatrixShape(
                tags=tags, decisions=tags == "effective_tags",
                reference="reference_units" in names, source_columns=BUILT_SOURCE_COLUMNS)),
        }
    return queries


def build_metadata(db_path: Path) -> dict:
    # Column descriptions come from the stages' table declarations (corpus.tables), so
    # the metadata says what the build writes. Imported here: the stage modules pull in
    # the tagger and the reference grammars, which serving pages does not need.
    from plea.corpus.tables import by_name, declared

    declarations = by_name(declared())
    name = db_path.stem
    names, juris = _inspect(db_path)
    tables: dict[str, dict] = {
        "provisions": {
            "title": "Provisions",
            "description": "Every article, paragraph, item, rule subdivision, § Absatz and "
                           "scholarly paragraph, with its containers (编/章/节, Titles, Parts).",
            "fts_table": "provisions_fts",
            "fts_pk": "rowid",
            "facets": ["jurisdiction", "source_kind", "source_id", "level"],
            "sort": "position",
            "label_column": "citation",
            "columns": declarations["provisions"].descriptions(),
            "license": LICENCE,
            "source": SOURCE_NOTE,
        },
        "sources": {
            "title": "Sources",
            "description": "Each source text: provenance, version, checksum, licence, what "
                           "it contributed, and the texts still missing from the corpus.",
            "facets": ["jurisdiction", "kind", "status"],
            "label_column": "title",
        },
        "commentary": {
            "title": "Commentary",
            "description": "Notes attached to provisions: Advisory Committee notes to the "
                           "Federal Rules, guideline commentary, editorial notes.",
            "fts_table": "commentary_fts",
            "fts_pk": "rowid",
            "facets": ["source_id", "level"],
            "license": LICENCE,
        },
        "bibliography": {"title": "Bibliography",
                         "description": "Reference lists of the scholarly sources."},
        "alignments": {"title": "Alignments",
                       "description": "Provisions paired with their translations "
                                      "(Taiwan Code of Criminal Procedure, zh ↔ en)."},
        "fidelity": {"title": "Fidelity",
                     "description": "Per file: characters in the source body vs. in the "
                                    "parsed provisions, and any residue."},
        "tags": {"title": "Tags",
                 "description": "Codebook codes carried by provisions and scholarly passages, "
                                "with the evidence span, role and modality.",
                 "facets": ["dimension", "code", "modality", "role", "method"],
                 "columns": declarations["tags"].descriptions(), "label_column": "code"},
        "taxonomy": {"title": "Codebook",
                     "description": "The 36 codes in 4 dimensions the tags use "
                                    "(negotiation subjects, scope, behaviour, consequences).",
                     "facets": ["dimension"], "columns": declarations["taxonomy"].descriptions(),
                     "label_column": "label_en"},
        "refs": {"title": "Cross-references",
                 "description": "References found in provisions and commentary, resolved to "
                                "provisions of this corpus where the cited text is here.",
                 "facets": ["from_table", "work", "method"], "columns": declarations["refs"].descriptions()},
        MATRIX_VIEW: {"title": "Comparison matrix",
                      "description": "One row per code; per jurisdiction how many provisions "
                                     "carry it, their roles and modalities, and gaps. The "
                                     "site's home page shows it as a table.",
                      "columns": matrix_columns(juris)},
        # Written by the other build stages (annotate/): described here so that
        # Datasette shows what they are; their modules document them in full.
        "provision_codes": {"title": "Codes by provision",
                            "description": "Each provision with the codes it or its "
                                           "subdivisions carry, and how many units carry each."},
        "backlinks": {"title": "Backlinks",
                      "description": "Resolved references by cited provision: who cites what."},
        "unresolved_by_work": {"title": "Unresolved references",
                               "description": "References the build could not resolve, by "
                                              "cited work and reason."},
        "citations": {"title": "Scholarly citations",
                      "description": "Author-date citations in the scholarship, resolved to "
                                     "the source's reference list where possible."},
        "stance": {"title": "Stance of scholarly sentences",
                   "description": "Each scholarly sentence as description, critique or proposal, "
                                  "with the cue that decided it and the codes it concerns."},
        "proposals": {"title": "Reform proposals",
                      "description": "Every reform proposal in the scholarship, with its source "
                                     "and citation (codes: proposal_codes; the provisions it "
                                     "would change: proposal_targets)."},
        "annotations": {"title": "Human annotations",
                        "description": "Every human annotation, re-anchored to the provisions "
                                       "of this build (anchor_status says how)."},
        "annotation_verdicts": {"title": "Human verdicts",
                                "description": "The standing human decision per provision "
                                               "and code."},
        "annotation_orphans": {"title": "Orphaned annotations",
                               "description": "Annotations that could not be re-attached, with "
                                              "the reason and the closest candidate."},
        "tag_decisions": {"title": "Tags with their review",
                          "description": "Every automatic and human tag with its decision "
                                         "(auto, confirmed, corrected, added, rejected)."},
        "effective_tags": {"title": "Effective tags",
                           "description": "The tags after human review, rejected ones "
                                          "dropped: what the comparison reads."},
        # Internal: the build's bookkeeping and the search indexes.
        "builds": {"hidden": True},
        "build_log": {"hidden": True},
        "provisions_fts": {"hidden": True},
        "commentary_fts": {"hidden": True},
        # What the next build reuses (corpus/reuse.py): stage keys, the tagger's own tags.
        "stage_keys": {"hidden": True},
        "tags_machine": {"hidden": True},
    }
    for table in declarations.values():
        if not table.hidden:
            entry = tables.setdefault(table.name, {})
            entry.setdefault("columns", table.descriptions())
            if table.description:
                entry.setdefault("description", table.description + ".")
            if table.title:
                entry.setdefault("title", table.title)
    return {
        "title": "plea-corpus",
        "description_html": (
            "Plea negotiation law of China (认罪认罚从宽), the United States (FRCrP Rule 11, "
            "U.S.S.G.), Germany (StPO § 257c) and Taiwan (協商程序), and the scholarship on it: "
            "every provision as a citable row. <a href=\"/\">The comparison matrix</a> compares "
            "them code by code; <a href=\"/search\">search</a> works in Chinese (including one- "
            "and two-character words such as 协商, 认罪), English and German."),
        "license": LICENCE,
        "source": SOURCE_NOTE,
        "databases": {
            name: {
                "title": "Provision store",
                "description": "The tables behind the comparison view. Read-only.",
                "license": LICENCE,
                "source": SOURCE_NOTE,
                "source_url": f"/{name}/sources",
                "tables": tables,
                "queries": stored_queries(names, juris),
            }
        },
    }
