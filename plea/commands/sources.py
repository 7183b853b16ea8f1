"""`plea sources`: which sources are present, missing or changed."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..options import db_option, default_db, manifest_option, sources_option


@click.command()
@sources_option
@db_option
@manifest_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def sources(sources_dir, db_path, manifest, as_json):
    """Show coverage: which sources are present, missing or changed, and what
    each contributed to the last build."""
    from plea.corpus.coverage import coverage
    from plea.corpus.sources import load_sources, resolve_sources_dir

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


def _table(rows: list[dict], columns: list[str]) -> None:
    widths = {c: max(len(c), *(len(str(r.get(c, "") or "")) for r in rows)) for c in columns}
    click.echo("  ".join(c.ljust(widths[c]) for c in columns))
    click.echo("  ".join("-" * widths[c] for c in columns))
    for r in rows:
        click.echo("  ".join(str(r.get(c, "") or "").ljust(widths[c]) for c in columns))


COMMANDS = [sources]
