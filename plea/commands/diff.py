"""`plea diff WORK --from V --to V`: two versions of a work, article by article."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..options import db_option, default_db

MARKS = {"=": ("", ""), "-": ("[-", "-]"), "+": ("{+", "+}")}


@click.command()
@click.argument("work")
@click.option("--from", "old", help="Older version: a version (2012), a date prefix or a "
                                    "source id (default: the second latest).")
@click.option("--to", "new", help="Newer version, the same way (default: the latest).")
@click.option("--all", "show_all", is_flag=True, help="List unchanged articles too.")
@click.option("--plea", "plea_only", is_flag=True,
              help="Only articles that carry codes of the codebook (plea-related).")
@click.option("--inline/--no-inline", default=True, show_default=True,
              help="Show changed text inline: [-removed-] {+added+}.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@db_option
def diff(work, old, new, show_all, plea_only, inline, as_json, db_path):
    """Compare two versions of WORK (a works.yaml id; works that replaced one another,
    like the SPC Interpretations of 2012 and 2021, count as versions of one work):
    articles mapped by number and text, marked added, removed, moved or changed, with the
    changed text inline and a summary of the plea-related changes."""
    from plea.annotate.versions import diff_versions

    result = diff_versions(Path(db_path) if db_path else default_db(), work, old, new)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        return
    for line in result.summary():
        click.echo(line)
    moved_chapters = [c for c in result.chapters if c.status != "kept"]
    if moved_chapters:
        click.echo("\nChapters:")
        for ch in moved_chapters:
            arrow = f"{ch.old} → {ch.new}" if ch.old and ch.new else (ch.new or ch.old)
            click.echo(f"  {ch.status:<9} {arrow} (arts. {ch.first}–{ch.last})")
    changes = result.plea_changes() if plea_only else [
        c for c in result.changes if show_all or c.status != "unchanged"]
    click.echo("\nArticles:")
    for c in changes:
        old_num = c.old.num if c.old else "—"
        new_num = c.new.num if c.new else "—"
        codes = f"  [{', '.join(c.codes)}]" if c.codes else ""
        sim = f" ({c.similarity}%)" if c.old and c.new else ""
        click.echo(f"  {c.status:<9} {old_num} → {new_num}{sim}{codes}")
        if inline and c.inline and c.status in ("changed", "moved"):
            click.echo("            " + "".join(
                MARKS[op][0] + text + MARKS[op][1] for op, text in c.inline))
        elif inline and c.status == "added":
            click.echo(f"            {{+{c.new.text}+}}")
        elif inline and c.status == "removed":
            click.echo(f"            [-{c.old.text}-]")


COMMANDS = [diff]
