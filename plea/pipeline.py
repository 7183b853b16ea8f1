"""The whole pipeline in one call: sources → parse → tag → refs → scholarship →
human annotations → database.

This is the layer that knows every package; ``corpus`` and ``annotate`` stay
ignorant of each other and of the CLI.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import click

from corpus.build import BuildReport, NamedStage, build
from corpus.sources import load_sources, resolve_sources_dir


def stages(annotations: Path | None = None, *, tag: bool = True, tagger: str | None = None,
           echo: Callable[[str], None] | None = None) -> list[NamedStage]:
    """The steps after parsing, in order: each reads what the previous wrote."""
    from annotate.human.stage import annotation_stage
    from annotate.reference.stage import reference_stage
    from annotate.refs.stage import link_database
    from annotate.scholarship_stage import analyse_scholarship
    from annotate.stage import tag_database
    from annotate.taxonomy import codebook_stage
    from plea.web.views import build_stage as web_stage

    # The layers stack in this order: machine tags, the reviewed reference coding over
    # them, then human decisions, so every later step (scholarship codes, the
    # comparison, the brief) reads the reviewed picture, not raw tags.
    steps: list[NamedStage] = [("codebook", codebook_stage)]
    if tag:
        steps.append(("tags", lambda db: tag_database(db, tagger_name=tagger)))
    steps.append(("reference", reference_stage))
    steps += [("annotations", annotation_stage(annotations, echo=echo)),
              ("references", link_database), ("scholarship", analyse_scholarship),
              ("web", web_stage)]
    return steps


def run_build(*, sources_dir=None, db_path: Path, manifest=None, force: bool = False,
              keep_going: bool = False, annotations: Path | None = None, tag: bool = True,
              tagger: str | None = None, max_source_bytes: int | None = None,
              echo: Callable[[str], None] | None = None) -> BuildReport:
    """Build ``db_path`` from the sources; ``echo`` gets a progress bar and a summary."""
    sources = load_sources(manifest)
    directory = resolve_sources_dir(sources_dir)
    steps = stages(annotations, tag=tag, tagger=tagger, echo=echo)
    if echo is None:
        return build(db_path, sources, directory, stages=steps, force=force,
                     keep_going=keep_going, max_source_bytes=max_source_bytes)
    echo(f"Building {db_path} from {directory}")

    def announced(name: str, stage):
        # A stage can take minutes on a large corpus: say which one runs.
        def run(db):
            echo(f"\nstage {name}…")
            return stage(db)
        return run

    steps = [(name, announced(name, stage)) for name, stage in steps]

    with click.progressbar(length=len(sources), label="Parsing sources", show_pos=True,
                           item_show_func=lambda s: s or "") as bar:
        def progress(source, action: str) -> None:
            # Name the source before parsing it, so a long one shows what is running.
            if action == "parsing":
                bar.update(0, f"{source.id}…")
            else:
                bar.update(1, source.id)

        report = build(db_path, sources, directory, stages=steps, force=force,
                       keep_going=keep_going, max_source_bytes=max_source_bytes,
                       progress=progress)
    echo(summary(report))
    return report


def summary(report: BuildReport) -> str:
    rows = [("source", "action", "provisions", "counts (expected)", "fidelity", "seconds")]
    for r in report.results:
        expected = ", ".join(f"{k} {r.counts.get(k, 0)}/{v}" for k, v in r.source.expected.items())
        main = r.counts.get("article") or r.counts.get("rule") or r.counts.get("section")
        counts = expected or (str(main) if main else "")
        fidelity = "" if r.action in ("missing", "error") else (
            "ok" if not r.residue else f"{len(r.residue)} residue")
        rows.append((r.source.id, r.action, str(r.provisions or ""), counts, fidelity,
                     f"{r.seconds:.2f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for name, seconds, outcome in report.stages:
        lines.append(f"stage {name}: {seconds:.1f}s" + (f" — {outcome}" if outcome else ""))
    lines.append(f"\n{report.provisions} provisions, {report.alignments} alignments, "
                 f"{report.seconds:.1f}s → {report.db_path}")
    return "\n".join(lines)
