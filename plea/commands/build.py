"""`plea build`: parse, check, tag, link and write the database (plea/pipeline.py)."""
from __future__ import annotations

from pathlib import Path

import click

from ..options import db_option, default_db, manifest_option, sources_option, tagger_option


@click.command()
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


COMMANDS = [build]
