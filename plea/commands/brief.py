"""`plea brief`, `plea export-bib`, `plea cite`: exports for scholars.

A thin layer: each command calls one library function in ``plea.exports``;
user mistakes (unknown code, jurisdiction, id or style, no database) become
one line on stderr and exit status 1.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..options import db_option, default_db


def _db(db_path: str | None) -> Path:
    path = Path(db_path) if db_path else default_db()
    if not path.is_file():
        raise click.ClickException(f"no database at {path}: run `plea build` first, or give --db")
    return path


def _write(data: bytes, output: str | None) -> None:
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_bytes(data)
        click.echo(f"Wrote {output} ({len(data):,} bytes).", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


@click.command("brief")
@click.option("--codes", help="Codes to cover, comma-separated (e.g. "
                              "subjects.defense_counsel,consequences.court_effect).")
@click.option("--dimension", help="Cover every code of one dimension: subjects, scope, "
                                  "behavior or consequences.")
@click.option("--jurisdictions", help="Systems to compare, comma-separated (CN,US,DE,TW; "
                                      "default: every system in the corpus).")
@click.option("--provisions", "provision_ids",
              help="Provision ids to pin, comma-separated: always quoted (and, without "
                   "--codes or --dimension, their codes make the brief).")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "docx"]),
              help="Output format (default: from the --output suffix, else md).")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="File to write (default: standard output; required for docx).")
@click.option("--max-quotes", default=4, show_default=True, type=click.IntRange(1, 50),
              help="Provisions quoted per code and jurisdiction (pinned ones always are).")
@click.option("--max-claims", default=8, show_default=True, type=click.IntRange(0, 100),
              help="Scholarly critiques, and proposals, quoted per code.")
@click.option("--title", help="Title of the brief (default: from the codes and jurisdictions).")
@db_option
def brief(codes, dimension, jurisdictions, provision_ids, fmt, output, max_quotes, max_claims,
          title, db_path):
    """Write a reform brief: per code, the law of each system quoted with pinpoint
    citations, the contrast between the systems, the scholarly critiques and
    proposals with their sources, notes and a bibliography (Markdown, HTML or DOCX)."""
    from plea.exports.brief import format_from_path, render_brief

    fmt = fmt or format_from_path(output)
    if fmt == "docx" and not output:
        raise click.ClickException("DOCX is a binary format: give --output FILE.docx")
    data = render_brief(_db(db_path), codes=codes, dimension=dimension,
                        jurisdictions=jurisdictions, provision_ids=provision_ids, fmt=fmt,
                        max_quotes=max_quotes, max_claims=max_claims, title=title)
    _write(data, output)


@click.command("export-bib")
@click.option("--format", "fmt", type=click.Choice(["csljson", "bibtex"]), default="csljson",
              show_default=True, help="CSL-JSON or BibTeX (both import into Zotero).")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="File to write (default: standard output).")
@click.option("--present-only", is_flag=True,
              help="Leave out sources the corpus lists as missing.")
@db_option
def export_bib(fmt, output, present_only, db_path):
    """Export every source and every reference-list entry of the scholarship as
    CSL-JSON or BibTeX, for Zotero and other reference managers."""
    from plea.exports.bibtex import to_bibtex
    from plea.exports.csl import csl_items, to_csl_json

    items = csl_items(_db(db_path), include_missing=not present_only)
    text = to_csl_json(items) if fmt == "csljson" else to_bibtex(items)
    _write(text.encode("utf-8"), output)


@click.command("cite")
@click.argument("provision_id")
@click.option("--style", type=click.Choice(["default", "bluebook", "gb7714", "chicago-notes",
                                           "oscola"]), default="default",
              show_default=True, help="Citation style (scholarship by a CSL processor; legal "
                                      "pinpoints in the project's own forms).")
@db_option
def cite(provision_id, style, db_path):
    """Print the citation of provision PROVISION_ID (e.g. cn-cpl-2018:art_201__para_2)
    in a chosen style."""
    from plea.exports.cite import cite as cite_provision

    click.echo(cite_provision(_db(db_path), provision_id, style))


COMMANDS = [brief, export_bib, cite]
