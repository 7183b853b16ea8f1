"""The ``plea`` command: a thin click layer over the library.

Every command calls a library function; errors a user can cause (bad input,
missing files, a bad manifest) become one line on stderr and exit status 1,
never a traceback.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from corpus.errors import ConfigError

from .options import (db_option, default_db, manifest_option, sources_option, tagger_option,
                      user_errors)


@click.group()
@click.version_option(package_name="plea-corpus")
def cli():
    """plea-corpus: plea negotiation law of China, the US, Germany and Taiwan,
    parsed into citable provisions, searchable and served with Datasette."""


# -- plea sources -------------------------------------------------------------
@cli.command()
@sources_option
@db_option
@manifest_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@user_errors
def sources(sources_dir, db_path, manifest, as_json):
    """Show coverage: which sources are present, missing or changed, and what
    each contributed to the last build."""
    from corpus.coverage import coverage
    from corpus.sources import load_sources, resolve_sources_dir

    rows = coverage(load_sources(manifest), resolve_sources_dir(sources_dir),
                    Path(db_path) if db_path else default_db())
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    _table(rows, ["id", "jurisdiction", "kind", "status", "provisions", "counts", "fidelity"])
    states = [r["status"] for r in rows]
    click.echo(f"\n{states.count('present')} present, {states.count('missing')} missing, "
               f"{states.count('mismatch')} checksum mismatch, of {len(rows)} sources.")
    missing = [r for r in rows if r["status"] == "missing"]
    if missing:
        click.echo("\nMissing, and what each would supply (add one with `plea add FILE`):")
        for r in missing:
            click.echo(f"  {r['id']} — {r['title']}")
            click.echo(f"      {r.get('supplies') or r.get('note') or 'no note'}")


# `plea add` lives in plea/commands/add.py (format and layout detection).


# -- plea build ---------------------------------------------------------------
@cli.command()
@sources_option
@db_option
@manifest_option
@click.option("--force", is_flag=True, help="Build everything again: reuse nothing from the last build.")
@click.option("--keep-going", is_flag=True,
              help="Accept failed checks (count or checksum mismatch, missing file, parse "
                   "or parser errors, irregular numbering, control characters, residue): "
                   "record them, build the rest and say what was accepted.")
@click.option("--max-source-mb", type=click.FloatRange(min=0.001), default=None,
              help="Refuse a source file larger than this (default: $PLEA_MAX_SOURCE_MB, else 16).")
@click.option("--annotations", type=click.Path(dir_okay=False),
              help="Annotation store to merge (default: $PLEA_ANNOTATIONS, else data/annotations.db).")
@tagger_option
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              help="Worker processes for parsing, tagging and references "
                   "(default: $PLEA_JOBS, else every core). Output is the same for any number.")
@user_errors
def build(sources_dir, db_path, manifest, force, keep_going, max_source_mb, annotations,
          tagger, jobs):
    """Parse every source, tag it, link its references, merge human annotations,
    and write the SQLite database (atomically: a failed build or check changes nothing).
    Unchanged sources keep the rows of the last build; nothing changed, nothing is done."""
    from plea.pipeline import run_build

    report = run_build(sources_dir=sources_dir, db_path=Path(db_path) if db_path else default_db(),
                       manifest=manifest, force=force, keep_going=keep_going,
                       max_source_bytes=int(max_source_mb * 1048576) if max_source_mb else None,
                       annotations=Path(annotations) if annotations else None, tagger=tagger,
                       echo=click.echo, jobs=jobs)
    if report.problems:
        click.echo(f"\nAccepted with --keep-going: {', '.join(report.accepted)}", err=True)
        for line in report.problems:
            click.echo(f"  {line}", err=True)


# -- plea serve ---------------------------------------------------------------
@cli.command()
@db_option
@sources_option
@manifest_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 to serve other machines).")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
@click.option("--annotations", type=click.Path(dir_okay=False),
              help="Annotation store the web view writes to (default: $PLEA_ANNOTATIONS, "
                   "else data/annotations.db).")
@click.option("--annotators", type=click.Path(dir_okay=False, exists=True),
              help="Annotator accounts (see `plea annotators`; default: $PLEA_ANNOTATORS). "
                   "Without accounts the site is read-only.")
@click.option("--sql", is_flag=True,
              help="Let visitors run their own SQL (off by default: a slow query from one "
                   "visitor holds a SQL thread for all; the stored queries always work).")
@user_errors
def serve(db_path, sources_dir, manifest, host, port, annotations, annotators, sql):
    """Serve the database with Datasette (read-only), building it first if absent."""
    from plea.pipeline import run_build
    from plea.web.serve import datasette_command

    db = Path(db_path) if db_path else default_db()
    if not db.is_file():
        click.echo(f"No database at {db}: building it first.")
        run_build(sources_dir=sources_dir, db_path=db, manifest=manifest,
                  annotations=Path(annotations) if annotations else None, echo=click.echo)
    # The plugin reads these; the corpus database itself stays immutable.
    if annotations:
        os.environ["PLEA_ANNOTATIONS"] = str(Path(annotations).resolve())
    if annotators:
        os.environ["PLEA_ANNOTATORS"] = str(Path(annotators).resolve())
    cmd = datasette_command(db, host=host, port=port, sql=sql)
    click.echo(f"Serving {db} at http://{host}:{port}/")
    sys.stdout.flush()
    # Become Datasette, so stopping `plea serve` stops the server with it.
    os.execv(cmd[0], cmd)


def _table(rows: list[dict], columns: list[str]) -> None:
    widths = {c: max(len(c), *(len(str(r.get(c, "") or "")) for r in rows)) for c in columns}
    click.echo("  ".join(c.ljust(widths[c]) for c in columns))
    click.echo("  ".join("-" * widths[c] for c in columns))
    for r in rows:
        click.echo("  ".join(str(r.get(c, "") or "").ljust(widths[c]) for c in columns))


def main() -> None:  # pragma: no cover - console entry point
    cli()


# Feature commands live in plea/commands/, one module per feature.
from .commands import register  # noqa: E402

register(cli)


if __name__ == "__main__":  # pragma: no cover - `python -m plea.cli`
    main()
