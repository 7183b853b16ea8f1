"""`plea refs`: references in a text, normalised and resolved against the corpus."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..options import db_option, default_db, read_text_file, text_input


def _resolver(db_path: Path):
    from plea.annotate.refs import Resolver
    return Resolver(db_path) if db_path.is_file() else None


@click.command()
@text_input
@click.option("--work", help="Work the text belongs to, for 本法 / this rule / relative references.")
@click.option("--pinpoint", help="Where the text sits in that work, e.g. 201,2 (article 201, para. 2).")
@db_option
def refs(text, file_, jsonl, lang, work, pinpoint, db_path):
    """Find the references in TEXT (or --file, or --jsonl on stdin), normalise them
    to work and pinpoint, and resolve them to provisions of the built database."""
    from plea.annotate.refs import refs_jsonl, run_jsonl

    resolver = _resolver(Path(db_path) if db_path else default_db())
    if jsonl:
        sys.exit(run_jsonl(sys.stdin, sys.stdout, resolver))
    if file_ is not None:
        text = read_text_file(file_)
    if not text:
        raise click.UsageError("give a TEXT, --file PATH or --jsonl")
    context = {"work": work, "pinpoint": pinpoint.split(",") if pinpoint else []} if work else None
    unit = {"id": "text", "text": text, **({"lang": lang} if lang else {}),
            **({"context": context} if context else {})}
    (result,) = refs_jsonl([json.dumps(unit, ensure_ascii=False)], resolver)
    if "error" in result:
        raise click.ClickException(result["error"])
    if not result["refs"]:
        click.echo("No references found.")
    for ref in result["refs"]:
        target = ref.get("resolved") or ref.get("nearest") or ref.get("reason") or "not resolved"
        pin = " ".join(ref["pinpoint"]) or "(whole work)"
        click.echo(f"{ref['start']:>5}-{ref['end']:<5} {ref['text']}\n"
                   f"             {ref['work'] or '(unknown work)'} {pin} → {target}")
    if resolver is None:
        click.echo("(no database: references were not resolved; run `plea build`)", err=True)


COMMANDS = [refs]
