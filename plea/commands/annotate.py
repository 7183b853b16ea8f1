"""`plea annotate …` and `plea agreement`: a thin layer over annotate.human.

Every act goes to the annotation store (``--store``, ``$PLEA_ANNOTATIONS``,
``data/annotations.db``), never to the built corpus; the next `plea build`
merges the store into the database.
"""
from __future__ import annotations

import getpass
import io
import json
import os
import sys
from pathlib import Path

import click

from plea.options import database_callback, db_option, default_db

STORE_HELP = ("Annotation store (default: $PLEA_ANNOTATIONS, else data/annotations.db); "
              "the built corpus is never written.")


def store_option(fn):
    return click.option("--store", "store_path", type=click.Path(dir_okay=False),
                        default=None, help=STORE_HELP,
                        callback=database_callback("annotations"))(fn)


def annotator_option(fn):
    return click.option("--annotator", default=None,
                        help="Your annotator id (default: $PLEA_ANNOTATOR, else your login "
                             "name).")(fn)


def _annotator(value: str | None) -> str:
    if value:
        return value
    if os.environ.get("PLEA_ANNOTATOR"):
        return os.environ["PLEA_ANNOTATOR"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        raise click.ClickException("give --annotator (or set $PLEA_ANNOTATOR)") from None


def _open(store_path, db_path=None, *, corpus: bool = True):
    from plea.annotate.human.store import AnnotationStore
    db = Path(db_path) if db_path else default_db()
    return AnnotationStore(store_path, corpus=db if corpus else None)


def _span(value: str | None) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    try:
        start, end = (int(x) for x in value.split(":"))
    except ValueError:
        raise click.BadParameter("use START:END, e.g. 12:17", param_hint="--span") from None
    return start, end


def _describe(a) -> str:
    what = {"added": "Added", "confirmed": "Confirmed", "corrected": "Corrected",
            "rejected": "Rejected", "reviewed": "Reviewed"}.get(a.decision or "", "")
    if a.link:
        head = f"Linked {a.anchor.provision_id} {a.relation} {a.link.provision_id}"
    elif a.decision == "reviewed":
        head = f"Reviewed {a.anchor.provision_id}"
    elif a.decision:
        attrs = ", ".join(f"{k} {v}" for k, v in (("role", a.role), ("modality", a.modality)) if v)
        head = f"{what} {a.code}{f' ({attrs})' if attrs else ''} on {a.anchor.provision_id}"
    else:
        head = f"Noted on {a.anchor.provision_id}"
    if a.anchor.scope == "span":
        head += f" «{_short(a.anchor.exact, 40)}»"
    return f"{head} — {a.annotator}, {a.id[:8]}"


def _short(text: str | None, n: int = 50) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= n else text[:n - 1] + "…"


# -- plea annotate ------------------------------------------------------------------------
@click.group()
def annotate():
    """Human annotation: confirm, reject, correct and add tags, write notes and
    link provisions. Decisions go to the annotation store and override the
    tagger from the next `plea build` on."""


@annotate.command()
@click.argument("provision")
@click.argument("code")
@click.option("--quote", help="The words the tag rests on (must occur once in the provision).")
@click.option("--span", help="Character offsets START:END in the provision's text, instead "
                             "of --quote.")
@click.option("--role", help="Role of a subjects.* code: party, consulted, witness, reviewer, "
                             "informed, excluded.")
@click.option("--modality", help="obligation, presumptive, permission, prohibition or none.")
@click.option("--note", help="A note to keep with the tag.")
@annotator_option
@store_option
@db_option
def add(provision, code, quote, span, role, modality, note, annotator, store_path, db_path):
    """Add a tag the tagger missed: CODE on PROVISION (a span, or the whole provision)."""
    start, end = _span(span)
    with _open(store_path, db_path) as store:
        a = store.add(_annotator(annotator), provision, code, quote=quote, start=start,
                      end=end, role=role, modality=modality, note=note)
    click.echo(_describe(a))


@annotate.command()
@click.argument("provision")
@click.argument("code")
@click.option("--role", help="Correct the role (subjects.* codes).")
@click.option("--modality", help="Correct the modality.")
@click.option("--note", help="A note to keep with the decision.")
@annotator_option
@store_option
@db_option
def confirm(provision, code, role, modality, note, annotator, store_path, db_path):
    """Confirm the tag CODE on PROVISION; with --role or --modality, correct it."""
    with _open(store_path, db_path) as store:
        a = store.confirm(_annotator(annotator), provision, code, role=role,
                          modality=modality, note=note)
    click.echo(_describe(a))


@annotate.command()
@click.argument("provision")
@click.argument("code")
@click.option("--note", help="Why the tag is wrong.")
@annotator_option
@store_option
@db_option
def reject(provision, code, note, annotator, store_path, db_path):
    """Reject the tag CODE on PROVISION: it disappears from the comparison and
    stays visible as rejected on the provision page."""
    with _open(store_path, db_path) as store:
        a = store.reject(_annotator(annotator), provision, code, note=note)
    click.echo(_describe(a))


@annotate.command()
@click.argument("provision")
@click.argument("text")
@click.option("--quote", help="The words the note is about (default: the whole provision).")
@click.option("--span", help="Character offsets START:END instead of --quote.")
@annotator_option
@store_option
@db_option
def note(provision, text, quote, span, annotator, store_path, db_path):
    """Attach the note TEXT to PROVISION (or to words in it)."""
    start, end = _span(span)
    with _open(store_path, db_path) as store:
        a = store.note(_annotator(annotator), provision, text, quote=quote, start=start,
                       end=end)
    click.echo(_describe(a))


@annotate.command()
@click.argument("provision")
@click.argument("target")
@click.option("--relation", default="corresponds_to", show_default=True,
              help="corresponds_to, partially_corresponds_to, contrasts_with, implements, "
                   "derived_from, see_also.")
@click.option("--note", help="A note to keep with the link.")
@annotator_option
@store_option
@db_option
def link(provision, target, relation, note, annotator, store_path, db_path):
    """Link PROVISION to TARGET, e.g. cn-cpl-2018:art_174 corresponds_to
    us-frcrp:rule_11__subsec_c__para_2."""
    with _open(store_path, db_path) as store:
        a = store.link(_annotator(annotator), provision, target, relation, note=note)
    click.echo(_describe(a))


@annotate.command()
@click.argument("provision")
@annotator_option
@store_option
@db_option
def review(provision, annotator, store_path, db_path):
    """Mark PROVISION as fully reviewed: confirm the automatic tags you have not
    judged, and record that codes nobody asserted are absent."""
    with _open(store_path, db_path) as store:
        made = store.review(_annotator(annotator), provision)
    for a in made:
        click.echo(_describe(a))


@annotate.command("list")
@click.option("--provision", help="Only annotations on this provision.")
@click.option("--annotator", help="Only this annotator's.")
@click.option("--code", help="Only this code's.")
@click.option("--kind", type=click.Choice(["added", "confirmed", "corrected", "rejected",
                                           "reviewed", "note", "link"]),
              help="Only this kind of annotation.")
@click.option("--orphans", is_flag=True,
              help="Re-anchor against the database and list only what no longer attaches.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@store_option
@db_option
def list_(provision, annotator, code, kind, orphans, as_json, store_path, db_path):
    """List annotations in the store (with --orphans: those a rebuild lost, with
    their text and the closest candidate)."""
    from plea.annotate.human.anchor import attach_all
    from plea.annotate.human.provisions import Provisions

    with _open(store_path, corpus=False) as store:
        found = store.find(provision_id=provision, annotator=annotator, code=code, kind=kind)
    places = [None] * len(found)
    if orphans:
        provisions = Provisions.open(Path(db_path) if db_path else default_db())
        lost = [(a, at) for a, at in zip(found, attach_all((a.anchor for a in found),
                                                           provisions)) if not at.attached]
        found, places = [a for a, _ in lost], [at for _, at in lost]
    rows = []
    for a, at in zip(found, places):
        row = {"id": a.id[:8], "created": a.created[:19].replace("T", " "),
               "annotator": a.annotator, "kind": a.kind, "code": a.code or "",
               "provision": a.anchor.provision_id,
               "text": _short(a.note or (a.link.provision_id if a.link else "")
                              or a.anchor.exact, 40)}
        if at is not None:
            row.update(quote=_short(a.anchor.exact, 40), reason=at.reason,
                       candidate=at.candidate or "")
        rows.append(row)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No orphaned annotations." if orphans else "No annotations.")
        return
    columns = list(rows[0])
    _table(rows, columns)
    click.echo(f"\n{len(rows)} annotation(s).")


@annotate.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonld", "gold"]), default="jsonld",
              show_default=True,
              help="jsonld: W3C Web Annotations, one a line; gold: gold-file units "
                   "(needs --db) to score the tagger.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: standard output).")
@click.option("--annotator", help="Only this annotator's annotations.")
@store_option
@db_option
def export(fmt, output, annotator, store_path, db_path):
    """Export the store as Web Annotation JSON Lines (for version control) or as
    gold JSON Lines."""
    from plea.annotate.human.export import to_jsonld, validate, write_jsonld
    from plea.annotate.human.gold import annotations_as_gold

    with _open(store_path, corpus=False) as store:
        if fmt == "gold":
            lines = [json.dumps(u, ensure_ascii=False) for u in annotations_as_gold(
                store, Path(db_path) if db_path else default_db(), annotator=annotator)]
            n = len(lines)
            text = "".join(line + "\n" for line in lines)
        else:
            found = store.find(annotator=annotator)
            for a in found:
                problems = validate(to_jsonld(a))
                if problems:   # a bug, not a user mistake: say which annotation
                    raise click.ClickException(f"annotation {a.id} does not validate: "
                                               f"{problems[0]}")
            buf = io.StringIO()
            n = write_jsonld(found, buf)
            text = buf.getvalue()
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {n} {'units' if fmt == 'gold' else 'annotations'} to {output}",
                   err=True)


@annotate.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--format", "fmt", type=click.Choice(["auto", "jsonld", "gold"]), default="auto",
              show_default=True, help="What FILE holds: Web Annotations or gold-file units.")
@click.option("--annotator", help="For gold files: the annotator the units are recorded as "
                                  "(default: the file's name).")
@store_option
@db_option
def import_(file, fmt, annotator, store_path, db_path):
    """Import annotations from FILE; importing the same file again adds nothing,
    and conflicts and disagreements are reported."""
    from plea.annotate.human import model
    from plea.annotate.human.export import (ImportReport, import_annotations, is_gold,
                                       read_annotations, read_documents)
    from plea.annotate.human.gold import gold_to_annotations

    docs = read_documents(file)
    if fmt == "auto":
        fmt = "gold" if docs and all(is_gold(d) for _, d in docs) else "jsonld"
    with _open(store_path, db_path) as store:
        skipped: list[str] = []
        if fmt == "gold":
            who = annotator or Path(file).stem.replace(" ", "_")
            annotations, skipped = gold_to_annotations(
                docs, Path(db_path) if db_path else default_db(), annotator=who,
                taxonomy=store.taxonomy, store=store)
        else:
            annotations = read_annotations(file, model.codebook())
        report: ImportReport = import_annotations(store, annotations)
        report.skipped = skipped
    for line in report.lines():
        click.echo(line)
    if skipped:
        click.echo(f"{len(skipped)} gold unit(s) skipped: no one provision of the corpus "
                   "has their text.")


# -- plea agreement ----------------------------------------------------------------------
@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True))
@click.option("--annotator", "annotators", multiple=True,
              help="Compare only these annotators (repeat the option).")
@click.option("--codes/--no-codes", "per_code", default=True, show_default=True,
              help="Show a row per code as well as per dimension.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@store_option
@db_option
def agreement(files, annotators, per_code, as_json, store_path, db_path):
    """Inter-annotator agreement (Cohen's kappa, Krippendorff's alpha) per code and
    dimension, from the store or from exported FILES, and each annotator against
    the tagger when the database has tags."""
    from plea.annotate.human import model
    from plea.annotate.human.agreement import agreement_report
    from plea.annotate.human.export import read_annotations
    from plea.annotate.human.store import AnnotationStore

    taxonomy = model.codebook()
    if files:
        annotations = [a for f in files for a in read_annotations(f, taxonomy)]
    else:
        with AnnotationStore(store_path, readonly=True) as store:
            annotations = store.all()
    db = Path(db_path) if db_path else default_db()
    report = agreement_report(annotations, taxonomy.code_ids, db if db.is_file() else None,
                              annotators=list(annotators) or None,
                              dimension_of=taxonomy.dimension_of, per_code=per_code)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    units = ", ".join(f"{n} {k} units" for n, k in report["units"].items())
    click.echo(f"Annotators: {units or 'none'}")
    if len(report["annotators"]) < 2:
        click.echo("Agreement needs two or more annotators on the same units.")
    else:
        rows = [{"scope": r["scope"], "units": r["units"], "items": r["items"],
                 "present": r["present"], "agree": _num(r["agreement"]),
                 "kappa": _num(r["kappa"]), "alpha": _num(r["alpha"])} for r in report["rows"]]
        click.echo("")
        _table(rows, ["scope", "units", "items", "present", "agree", "kappa", "alpha"])
        if len(report["annotators"]) > 2:
            click.echo("\nkappa is the mean of pairwise Cohen's kappas; --json gives each pair.")
    if report["tagger"]:
        click.echo("\nAgainst the tagger (on each annotator's units):\n")
        rows = [{"annotator": t["annotator"], "scope": t["scope"], "units": t["units"],
                 "kappa": _num(t["kappa"]), "precision": _num(t["precision"]),
                 "recall": _num(t["recall"])} for t in report["tagger"]]
        _table(rows, ["annotator", "scope", "units", "kappa", "precision", "recall"])


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _table(rows: list[dict], columns: list[str]) -> None:
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    click.echo("  ".join(c.ljust(widths[c]) for c in columns).rstrip())
    click.echo("  ".join("-" * widths[c] for c in columns))
    for r in rows:
        click.echo("  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns).rstrip())


COMMANDS = [annotate, agreement]
