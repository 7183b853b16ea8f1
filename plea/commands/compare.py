"""`plea compare`: the comparison matrix in the terminal or as JSON.

The same cells as the web view's home page, read from the same place: the
``comparison_matrix`` view the build installs (annotate.compare owns its definition),
through :func:`plea.annotate.compare.matrix`. ``--core`` reads the reference coding's core
provisions alone, as the page's core switch does.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..options import db_option, default_db


@click.command()
@click.option("--jurisdictions", help="Systems to show, comma-separated (CN,US,DE,TW; "
                                      "default: every system in the database).")
@click.option("--dimension", help="Only the codes of one dimension (subjects, scope, "
                                  "behavior, consequences).")
@click.option("--codes", help="Only these codes, comma-separated.")
@click.option("--core", is_flag=True,
              help="Read the reference coding's core provisions only.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@db_option
def compare(jurisdictions, dimension, codes, core, as_json, db_path):
    """The comparison matrix: per code and system, how many provisions carry the code,
    the roles and modalities they give it (with how many a person or the reference coding
    reviewed), the provisions that define the cell, and why an empty cell is empty."""
    from plea.annotate.compare import matrix, matrix_jurisdictions
    from plea.corpus.readonly import connect_readonly

    path = Path(db_path) if db_path else default_db()
    if not path.is_file():
        raise click.ClickException(f"no database at {path}: run `plea build` first")
    conn = connect_readonly(path)
    present = matrix_jurisdictions(conn)
    juris = [j.strip().upper() for j in (jurisdictions or "").split(",") if j.strip()] or present
    for j in juris:
        if j not in present:
            raise click.ClickException(f"unknown jurisdiction {j!r} (in the database: "
                                       f"{', '.join(present)})")
    found = matrix(conn, juris)
    if dimension:
        dims = sorted({r.dimension for r in found})
        if dimension not in dims:
            raise click.ClickException(f"unknown dimension {dimension!r} "
                                       f"(known: {', '.join(dims)})")
        found = [r for r in found if r.dimension == dimension]
    if codes:
        wanted = [c.strip() for c in codes.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in {r.code for r in found}]
        if unknown:
            raise click.ClickException(f"unknown code {unknown[0]!r} (see `plea compare` "
                                       "for the codebook's codes)")
        found = [r for r in found if r.code in wanted]
    table = [_row(r, juris, core) for r in found]
    if as_json:
        click.echo(json.dumps(table, ensure_ascii=False, indent=1))
        return
    _print(table, juris)


def _cell(cell, core: bool) -> dict:
    if core:
        cell = cell.core_only()
    return {
        "provisions": cell.provisions, "core": cell.core, "reviewed": cell.reviewed,
        "roles": [{"value": c.value, "n": c.n, "reviewed": c.reviewed} for c in cell.role_counts],
        "modalities": [{"value": c.value, "n": c.n, "reviewed": c.reviewed}
                       for c in cell.modality_counts],
        "shown": [{"id": s.id, "citation": s.citation or s.id, "core": s.core} for s in cell.shown],
        "gap": cell.gap_reason if cell.gap else None,
        "missing": cell.missing_sources if cell.gap else [],
    }


def _row(r, juris: list[str], core: bool) -> dict:
    return {"code": r.code, "dimension": r.dimension, "label_en": r.label_en,
            "label_zh": r.label_zh, "cells": {j: _cell(r.cells[j], core) for j in juris},
            "scholarship": _cell(r.scholarship, core) if r.scholarship else None}


def _counts(items: list[dict]) -> str:
    return ", ".join(f"{c['value']} {c['n']}" for c in items)


def _print(table: list[dict], juris: list[str]) -> None:
    from plea.annotate.compare import GAP_WORDS, NO_PROVISION

    dimension = None
    for row in table:
        if row["dimension"] != dimension:
            dimension = row["dimension"]
            click.echo(f"\n== {dimension} ==")
        label = " / ".join(x for x in (row["label_en"], row["label_zh"]) if x)
        click.echo(f"\n{row['code']}" + (f"  {label}" if label else ""))
        for j in [*juris, "scholarship"]:
            cell = row["cells"].get(j) if j != "scholarship" else row["scholarship"]
            if cell is None:
                continue
            if not cell["provisions"]:
                if j != "scholarship":
                    why = GAP_WORDS.get(cell["gap"] or NO_PROVISION, cell["gap"])
                    named = f": {', '.join(cell['missing'])}" if cell["missing"] else ""
                    click.echo(f"  {j:<11} —  {why}{named}")
                continue
            bits = [f"{cell['provisions']} provision{'s' if cell['provisions'] != 1 else ''} "
                    f"({cell['core']} core, {cell['reviewed']} reviewed)"]
            if cell["roles"]:
                bits.append("roles: " + _counts(cell["roles"]))
            if cell["modalities"]:
                bits.append("modalities: " + _counts(cell["modalities"]))
            if cell["shown"]:
                bits.append("e.g. " + "; ".join(s["citation"] for s in cell["shown"][:3]))
            click.echo(f"  {j:<11} " + "  ·  ".join(bits))


COMMANDS = [compare]
