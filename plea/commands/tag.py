"""`plea tag` and `plea eval`: the tagger on any text, and its scores against gold."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from plea.corpus import paths

from ..options import (database_callback, db_option, default_db, read_text_file, tagger_option,
                       text_input)

@click.command()
@text_input
@tagger_option
def tag(text, file_, jsonl, lang, tagger):
    """Tag TEXT (or --file, or --jsonl on stdin) with the codes of the codebook:
    evidence span, role of each subject and modality."""
    from plea.annotate.tagger import format_tags, get_tagger, tag_jsonl, write_jsonl

    tagger = get_tagger(tagger)
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
    tags = tagger.tag(text, lang)
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
    gold = paths.shared_dir(paths.SHARED_GOLD)
    found = (sorted(str(p) for p in gold.glob("*-tags.jsonl")) +
             sorted(str(p) for p in gold.glob("*-refs.jsonl"))) if gold else []
    if found:
        return found
    raise click.UsageError("no --gold given and no ../shared/gold/*.jsonl found")


@click.command(name="eval")
@click.option("--gold", "golds", multiple=True,
              help="Gold file (tags or refs format; repeatable), or 'annotations' for the "
                   "human annotation store. Default: ../shared/gold/*.jsonl.")
@click.option("--store", type=click.Path(dir_okay=False), callback=database_callback("annotations"),
              help=f"Annotation store for --gold annotations (default: {paths.describe('annotations')}).")
@click.option("--errors/--no-errors", default=True, show_default=True,
              help="List false positives and misses with their texts.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--cv", type=click.Choice(["document", "jurisdiction"]), default=None,
              help="Cross-validate on the training data instead: leave one document (or "
                   "jurisdiction) out, keyword baseline, rules, learned and combined side by side.")
@click.option("--curve", is_flag=True,
              help="With --cv: the learned tagger's learning curve instead — trained on random "
                   "shares (1/8 to all) of the documents (or jurisdictions), three draws a share.")
@tagger_option
@db_option
def eval_(golds, store, errors, as_json, cv, curve, tagger, db_path):
    """Score the tagger and the reference extractor against gold files: micro and
    macro P/R/F1, per dimension, code and language (tags); article level and full
    depth, per language (refs). With --cv, the honest figures: every tagger scored by
    cross-validation over the training data (needs a built database for the
    reference coding's texts)."""
    if curve and not cv:
        raise click.UsageError("--curve needs --cv document or --cv jurisdiction")
    if cv:
        _eval_cv(cv, Path(db_path) if db_path else default_db(), as_json, curve)
        return
    for gold in golds or _default_gold():
        if gold == "annotations":
            report, text = _eval_annotations(store, Path(db_path) if db_path else default_db(), errors)
        else:
            path = Path(gold)
            if not path.is_file():
                raise click.ClickException(f"{path}: gold file not found")
            report, text = _eval_file(path, errors, tagger)
        if as_json:
            click.echo(json.dumps({"gold": gold, **report.as_dict()}, ensure_ascii=False, indent=2))
        else:
            click.echo(f"== {gold}\n{text}\n")


def _eval_cv(by: str, db_path: Path, as_json: bool, curve: bool = False) -> None:
    from plea.annotate.training.cv import cross_validate, format_cv
    units = _training_units(db_path)
    if curve:
        from dataclasses import asdict

        from plea.annotate.training.curve import format_curve, learning_curve
        points = learning_curve(units, by=by, progress=lambda m: click.echo(f"  {m}", err=True))
        click.echo(json.dumps([asdict(p) for p in points], indent=2) if as_json
                   else format_curve(points))
        return
    result = cross_validate(units, by=by,
                            progress=lambda m: click.echo(f"  {m}", err=True))
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_cv(result))


def _training_units(db_path: Path):
    import sqlite_utils

    from plea.annotate.training.data import load_training_units
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no database; run `plea build` first (the "
                                   "reference coding's texts are read from it)")
    return load_training_units(sqlite_utils.Database(db_path))


@click.command()
@db_option
@click.option("--check", is_flag=True,
              help="Only say whether the shipped model was trained on the current data.")
def train(db_path, check):
    """Train the learned tagger on the reference coding, the labelled training texts and
    the written units; gate and thresholds by leave-one-document-out; write
    annotate/taggers/model/ (same data → same files)."""
    from plea.annotate.taggers.learned import MODEL_DIR, model_meta
    from plea.annotate.training.data import data_hash
    if check:
        shipped = model_meta().get("data_hash")
        if shipped == data_hash():
            click.echo(f"{MODEL_DIR}: trained on the current training data")
            return
        raise click.ClickException(f"{MODEL_DIR}: trained on other data than the current "
                                   "training data: run `plea train`")
    from plea.annotate.training.cv import cross_validate, format_cv
    from plea.annotate.training.train import save, train as fit
    digest = data_hash()
    units = _training_units(Path(db_path) if db_path else default_db())
    echo = lambda m: click.echo(f"  {m}", err=True)  # noqa: E731
    result = cross_validate(units, by="document", progress=echo)
    click.echo(format_cv(result))
    models, meta = fit(units, result.oofs, progress=echo, rules=result.rules, digest=digest)
    meta["role_source"] = result.role_source
    meta["modality_source"] = result.modality_source
    meta["cv"] = {k: {"micro_f1": round(r.micro.f1, 4), "macro_f1": round(r.macro.f1, 4)}
                  for k, r in result.reports.items()}
    for path in save(models, meta):
        click.echo(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")


def _eval_file(path: Path, errors: bool, tagger_name: str | None = None):
    if _gold_kind(path) == "tags":
        from plea.annotate.evaluate import evaluate_file, format_report
        from plea.annotate.taggers import get_tagger
        report = evaluate_file(path, get_tagger(tagger_name))
        return report, format_report(report, confusion=errors)
    from plea.annotate.refs.evaluate import evaluate_file as refs_file, format_report as refs_report
    report = refs_file(path)
    return report, refs_report(report, details=errors)


def _eval_annotations(store, db_path: Path, errors: bool):
    from plea.annotate.evaluate import GoldUnit, format_report, predict, score
    from plea.annotate.human.gold import annotations_as_gold
    from plea.annotate.human.store import default_store

    rows = annotations_as_gold(Path(store) if store else default_store(), db_path)
    if not rows:
        raise click.ClickException("the annotation store has no reviewed units to score against")
    gold = [GoldUnit(id=str(r["id"]), lang=r["lang"], text=r["text"],
                     codes=frozenset(r.get("codes", [])), source=r.get("source", ""))
            for r in rows]
    report = score(gold, predict(gold))
    return report, format_report(report, confusion=errors)


COMMANDS = [tag, eval_, train]
