"""`plea tag` and `plea eval`: the tagger on any text, and its scores against gold."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..options import db_option, default_db, read_text_file, text_input, user_errors

SHARED_GOLD = Path("..") / "shared" / "gold"


@click.command()
@text_input
@user_errors
def tag(text, file_, jsonl, lang):
    """Tag TEXT (or --file, or --jsonl on stdin) with the codes of the codebook:
    evidence span, role of each subject and modality."""
    from annotate.tagger import Tagger, TaggingError, format_tags, tag_jsonl, write_jsonl

    tagger = Tagger()
    if jsonl:
        status = 0
        # Bytes, not text: a line that is not UTF-8 gets its own error line
        # instead of ending the whole stream with a decoding error.
        for obj in tag_jsonl(sys.stdin.buffer, tagger):
            status = status or int("error" in obj)
            write_jsonl(obj, sys.stdout)
        sys.stdout.flush()
        sys.exit(status)
    if file_ is not None:
        text = read_text_file(file_)
    if not text or not text.strip():
        raise click.UsageError("give a TEXT, --file PATH or --jsonl (the text is empty)")
    try:
        tags = tagger.tag(text, lang)
    except TaggingError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(format_tags(text, tags))


def _gold_kind(path: Path) -> str:
    try:
        return _read_gold_kind(path)
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path}: not UTF-8 text (byte {exc.start}): not a gold "
                                   "file") from None


def _read_gold_kind(path: Path) -> str:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    raise click.ClickException(f"{path}:1: not JSON Lines") from None
                if "codes" in obj:
                    return "tags"
                if "refs" in obj:
                    return "refs"
                break
    raise click.ClickException(f"{path}: neither a tags gold file (codes) nor a refs gold "
                               "file (refs)")


def _default_gold() -> list[str]:
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        gold = (base / SHARED_GOLD).resolve()
        found = sorted(str(p) for p in gold.glob("*-tags.jsonl")) + \
            sorted(str(p) for p in gold.glob("*-refs.jsonl"))
        if found:
            return found
    raise click.UsageError("no --gold given and no ../shared/gold/*.jsonl found")


@click.command(name="eval")
@click.option("--gold", "golds", multiple=True,
              help="Gold file (tags or refs format; repeatable), or 'annotations' for the "
                   "human annotation store. Default: ../shared/gold/*.jsonl.")
@click.option("--store", type=click.Path(dir_okay=False),
              help="Annotation store for --gold annotations (default: $PLEA_ANNOTATIONS).")
@click.option("--errors/--no-errors", default=True, show_default=True,
              help="List false positives and misses with their texts.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@db_option
@user_errors
def eval_(golds, store, errors, as_json, db_path):
    """Score the tagger and the reference extractor against gold files: micro and
    macro P/R/F1, per dimension, code and language (tags); article level and full
    depth, per language (refs)."""
    for gold in golds or _default_gold():
        if gold == "annotations":
            report, text = _eval_annotations(store, Path(db_path) if db_path else default_db(), errors)
        else:
            path = Path(gold)
            if not path.is_file():
                raise click.ClickException(f"{path}: gold file not found")
            report, text = _eval_file(path, errors)
        if as_json:
            click.echo(json.dumps({"gold": gold, **report.as_dict()}, ensure_ascii=False, indent=2))
        else:
            click.echo(f"== {gold}\n{text}\n")


def _eval_file(path: Path, errors: bool):
    if _gold_kind(path) == "tags":
        from annotate.evaluate import evaluate_file, format_report
        try:
            report = evaluate_file(path)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        return report, format_report(report, confusion=errors)
    from annotate.refs.evaluate import evaluate_file as refs_file, format_report as refs_report
    report = refs_file(path)
    return report, refs_report(report, details=errors)


def _eval_annotations(store, db_path: Path, errors: bool):
    from annotate.evaluate import GoldUnit, format_report, predict, score
    from annotate.human.gold import annotations_as_gold
    from annotate.human.store import default_store

    rows = annotations_as_gold(Path(store) if store else default_store(), db_path)
    if not rows:
        raise click.ClickException("the annotation store has no reviewed units to score against")
    gold = [GoldUnit(id=str(r["id"]), lang=r["lang"], text=r["text"],
                     codes=frozenset(r.get("codes", [])), source=r.get("source", ""))
            for r in rows]
    report = score(gold, predict(gold))
    return report, format_report(report, confusion=errors)


COMMANDS = [tag, eval_]
