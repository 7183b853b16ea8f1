"""`plea serve`: Datasette on the built database, read-only, with the project's plugin.

The plugin finds the annotation store and the accounts as the other commands do
(``corpus/paths.py``, through ``plea/web/config.py``): the options below are passed
to it as ``$PLEA_ANNOTATIONS`` and ``$PLEA_ANNOTATORS``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from plea.corpus import paths

from ..options import db_option, default_db, manifest_option, sources_option


@click.command()
@db_option
@sources_option
@manifest_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 to serve other machines).")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
@click.option("--annotations", type=click.Path(dir_okay=False),
              help="Annotation store the web view writes to (default: "
                   f"{paths.describe('annotations')}).")
@click.option("--annotators", type=click.Path(dir_okay=False, exists=True),
              help="Annotator accounts (see `plea annotators`; default: "
                   f"{paths.describe('annotators')}). Without accounts the site is read-only.")
@click.option("--sql", is_flag=True,
              help="Let visitors run their own SQL (off by default: a slow query from one "
                   "visitor holds a SQL thread for all; the stored queries always work).")
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


COMMANDS = [serve]
