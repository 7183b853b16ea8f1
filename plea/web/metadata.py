"""Datasette metadata for the built database: titles, licences, search, facets."""
from __future__ import annotations

from pathlib import Path

PROVISION_COLUMNS = {
    "id": "Stable id: <source id>:<eId> (Akoma Ntoso style, e.g. cn-cpl-2018:art_201__para_2)",
    "source_id": "The source text this provision comes from (see the sources table)",
    "work": "The work, as in works.yaml (cn-cpl, us-frcrp, de-stpo, …); several versions share one work",
    "jurisdiction": "CN, US, DE or TW",
    "source_kind": "statute, judicial-interpretation, court-rule, sentencing-guideline, scholarship, …",
    "eid": "Akoma Ntoso-style id inside the source",
    "parent_id": "The enclosing provision or container",
    "level": "book / chapter / section / article / paragraph / item / rule / subsection / …",
    "kind": "container (编章节, Title, Part) or provision (citable text)",
    "num": "The number as printed (第二百零一条, (c), § 257c)",
    "num_norm": "The number normalised (201, c, 257c, 15-1)",
    "heading": "Heading or caption",
    "text": "The provision's own text; subdivisions are separate rows",
    "wrapup": "Continuation text printed after the subdivisions",
    "lang": "zh, en or de",
    "citation": "The citation a scholar would write",
    "container": "The chain of containers (编 › 章 › 节, Title, Part)",
    "position": "Reading order inside the source",
}


def build_metadata(db_path: Path) -> dict:
    name = db_path.stem
    return {
        "title": "plea-corpus",
        "description_html": (
            "Plea negotiation law of China, the United States, Germany and Taiwan, and the "
            "scholarship on it: every provision as a citable row. Search works in Chinese "
            "(including one- and two-character words such as 协商, 认罪), English and German."),
        "license": "Source texts: see each source's licence (official texts are public domain; "
                   "the Meng 2023 article is CC BY 4.0)",
        "source": "Sources and provenance: the sources table",
        "databases": {
            name: {
                "title": "Provision store",
                "tables": {
                    "provisions": {
                        "title": "Provisions",
                        "description": "Every article, paragraph, item, rule subdivision, § Absatz and "
                                       "scholarly paragraph, with its containers (编/章/节, Titles, Parts).",
                        "fts_table": "provisions_fts",
                        "fts_pk": "rowid",
                        "facets": ["jurisdiction", "source_kind", "source_id", "level"],
                        "sort": "position",
                        "label_column": "citation",
                        "columns": PROVISION_COLUMNS,
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
                    },
                    "bibliography": {"title": "Bibliography",
                                     "description": "Reference lists of the scholarly sources."},
                    "alignments": {"title": "Alignments",
                                   "description": "Provisions paired with their translations "
                                                  "(Taiwan Code of Criminal Procedure, zh ↔ en)."},
                    "fidelity": {"title": "Fidelity",
                                 "description": "Per file: characters in the source body vs. in the "
                                                "parsed provisions, and any residue."},
                    "builds": {"hidden": True},
                    "build_log": {"title": "Build log"},
                    "provisions_fts": {"hidden": True},
                    "commentary_fts": {"hidden": True},
                },
                "queries": {
                    "search": {
                        "title": "Search provisions and scholarship",
                        "description": "Any language; Chinese words of any length.",
                        "sql": ("select p.citation, p.source_id, p.jurisdiction, p.text, p.id "
                                "from provisions_fts join provisions p on p.rowid = provisions_fts.rowid "
                                "where provisions_fts match plea_fts_query(:q) "
                                "order by p.jurisdiction, p.source_id, p.position limit 200"),
                    },
                    "coverage": {
                        "title": "Coverage of the corpus",
                        "sql": ("select id, title, jurisdiction, kind, status, provisions, articles, "
                                "fidelity_ok, counts_ok from sources order by jurisdiction, id"),
                    },
                },
            }
        },
    }
