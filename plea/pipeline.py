"""The whole pipeline in one call: sources → parse → tag → refs → scholarship →
human annotations → database.

This is the layer that knows every package; ``corpus`` and ``annotate`` stay
ignorant of each other and of the CLI.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import hashlib
import json
import os

from plea.corpus import reuse
from plea.corpus.build import BuildReport, NamedStage, build, reuse_build
from plea.corpus.parallel import default_jobs
from plea.corpus.sources import file_states, load_sources, resolve_sources_dir
from plea.corpus.tables import STAGE_MODULES, create_tables, declared
from plea.progress import BuildProgress


# Code a stage runs, as modules whose import closure is hashed (packages whose modules
# are loaded by name are listed whole) and data it reads besides the modules' folders.
TAG_CODE = ["plea.annotate.stage", "plea.annotate.taggers", "plea.annotate.components", "plea.annotate.pipelines"]
TAG_DATA = ["annotate/taggers/model/*", "annotate/patterns/*", "schemas/taxonomy.yaml"]
REFS_CODE = ["plea.annotate.refs.stage", "plea.annotate.refs"]
REFS_DATA = ["annotate/refs/data/*", "schemas/works.yaml"]
# The tags as the tagger wrote them, before the reference coding and human decisions
# change ``tags``: what the next build reuses for unchanged sources.
MACHINE_TAGS = "tags_machine"


def tag_key(tagger: str | None) -> str:
    modules = [m for p in TAG_CODE for m in reuse.package_modules(p)]
    return reuse.code_key(modules, TAG_DATA, tagger or "default")


def refs_key() -> str:
    return reuse.code_key([m for p in REFS_CODE for m in reuse.package_modules(p)], REFS_DATA)


def stage_code_files(name: str) -> list[Path]:
    """Every file whose content is part of a stage's key (what a test can check)."""
    if name == "tags":
        return reuse.code_files([m for p in TAG_CODE for m in reuse.package_modules(p)],
                                TAG_DATA)
    if name == "references":
        return reuse.code_files([m for p in REFS_CODE for m in reuse.package_modules(p)],
                                REFS_DATA)
    spec = {s.name: s for s in (REFERENCE, ANNOTATIONS, SCHOLARSHIP)}[name]
    return reuse.code_files(spec.code, spec.data)


def stages(annotations: Path | None = None, *, tag: bool = True, tagger: str | None = None,
           echo: Callable[[str], None] | None = None, previous: Path | None = None,
           jobs: int = 1) -> list[NamedStage]:
    """The steps after parsing, in order: each reads what the previous wrote.

    ``previous``: the last build, whose tags and references of unchanged sources are
    reused when the code and data that made them are unchanged (``plea.corpus.reuse``).
    """
    from plea.annotate.human.stage import annotation_stage
    from plea.annotate.reference.stage import reference_stage
    from plea.annotate.refs.stage import link_database, previous_refs
    from plea.annotate.scholarship_stage import analyse_scholarship
    from plea.annotate.stage import tag_database
    from plea.annotate.taxonomy import codebook_stage
    from plea.web.views import build_stage as web_stage

    def tags_stage(db):
        key = tag_key(tagger)
        alias = reuse.attach(db, previous)
        try:
            plan = reuse.plan(db, alias, "tags", key)
            cached: dict[str, list[dict]] = {}
            if plan.per_source and MACHINE_TAGS in _tables(db, alias):
                for row in db.query(f"SELECT * FROM {alias}.{MACHINE_TAGS} ORDER BY id"):
                    cached.setdefault(row["provision_id"], []).append(row)
            else:
                plan.unchanged = set()
        finally:
            # Detached before the stage writes: its unqualified DROPs would reach it.
            reuse.detach(db, alias)
        n = tag_database(db, tagger_name=tagger, jobs=jobs, reuse=cached,
                         reuse_sources=plan.unchanged)
        db.execute(f"DROP TABLE IF EXISTS {MACHINE_TAGS}")
        db.execute(f"CREATE TABLE {MACHINE_TAGS} AS SELECT * FROM tags ORDER BY id")
        reuse.record_key(db, "tags", key)
        return StageOutcome(n, "tags", len(plan.unchanged), len(plan.changed))

    def references_stage(db):
        key = refs_key()
        alias = reuse.attach(db, previous)
        try:
            plan = reuse.plan(db, alias, "references", key)
            has = plan.per_source and "refs" in _tables(db, alias)
            redo, old = previous_refs(db, alias, plan.changed) if has else (None, None)
        finally:
            reuse.detach(db, alias)
        n = link_database(db, jobs=jobs, redo=redo, reuse=old)
        reuse.record_key(db, "references", key)
        return StageOutcome(n, "references", len(plan.unchanged | plan.changed) - len(redo)
                            if has else 0, len(redo) if has else 0)

    # The layers stack in this order: machine tags, the reviewed reference coding over
    # them, then human decisions, so every later step (scholarship codes, the
    # comparison, the brief) reads the reviewed picture, not raw tags.
    # Every table a stage declares is there from the start, empty until the stage fills
    # it, so a reader never has to ask whether a table exists (corpus.tables).
    modules = [m for m in STAGE_MODULES if tag or m != "plea.annotate.stage"]
    steps: list[NamedStage] = [("tables", lambda db: len(create_tables(db, declared(modules))))]
    steps.append(("codebook", codebook_stage))
    if tag:
        steps.append(("tags", tags_stage))
    steps.append(("reference", whole_stage(REFERENCE, reference_run(previous), previous)))
    steps += [("annotations", whole_stage(ANNOTATIONS, annotation_stage(annotations, echo=echo),
                                          previous, annotations)),
              ("references", references_stage),
              ("scholarship", whole_stage(SCHOLARSHIP, analyse_scholarship, previous)),
              # The web stage is the views and the pages' tables: always made again (half a
              # second on the real corpus, 44 s at 100x; it reads the tags as they end up).
              ("web", web_stage)]
    return steps


# -- stages that read the whole corpus ---------------------------------------------------
# Such a stage is reused whole: when its code and data, and the rows it reads, are
# those of the last build, it would write what it wrote then, so its tables (and what
# it changed in others) are copied from the last build instead.
@dataclass(frozen=True)
class WholeStage:
    name: str
    code: tuple[str, ...]                     # modules (import closures are hashed)
    data: tuple[str, ...]                     # data globs besides the modules' folders
    inputs: Callable                          # (db, option) -> [(sql, params)]: what it reads
    tables: tuple[str, ...]                   # what it writes (whole tables)
    views: tuple[str, ...] = ()


def _sources_in(ids: set[str]) -> list:
    return [json.dumps(sorted(ids))]


def _reference_inputs(db, _option) -> list[tuple[str, list]]:
    """The provisions and notes of the sources the coding and the coverage name (a unit
    is placed within its own source), and the tags the coding goes over."""
    from plea.annotate.reference.coding import CODING_FILE, load_coding
    from plea.annotate.reference.coverage import load_coverage

    coding = load_coding(CODING_FILE)
    coverage = load_coverage()
    ids = {u.unit.split(":", 1)[0] for u in (coding.units if coding else [])}
    ids |= {s.source for s in coverage.selectors}
    ids |= {u.split(":", 1)[0] for u in coverage.extra_units}
    within = "source_id IN (SELECT value FROM json_each(?))"
    out = [(f"SELECT rowid, id, eid, kind, text FROM provisions WHERE {within} ORDER BY rowid",
            _sources_in(ids)),
           (f"SELECT rowid, id, provision_id, eid FROM commentary WHERE {within} ORDER BY rowid",
            _sources_in(ids))]
    if db["tags"].exists():
        out.append(("SELECT * FROM tags ORDER BY id", []))
    return out


def _annotation_inputs(db, store) -> list[tuple[str, list]]:
    """Without a store, nothing; with one, every provision (an anchor may have moved
    anywhere in its source) and the tags a verdict may name."""
    from plea.annotate.human.store import default_store

    path = Path(store) if store else default_store()
    if not path.is_file():
        return [("SELECT 'no store'", [])]
    out = [(f"SELECT {json.dumps(reuse.path_key(path))}", []),
           ("SELECT rowid, * FROM provisions ORDER BY rowid", [])]
    if db["tags"].exists():
        out.append(("SELECT * FROM tags ORDER BY id", []))
    return out


def _scholarship_inputs(db, _option) -> list[tuple[str, list]]:
    """The scholarly paragraphs and their reference lists; every tag (a proposal's
    targets are the provisions carrying its codes) with where its provision sits; the
    scholarship's references and the citations of what they point to."""
    from plea.annotate.compare import tags_relation

    out = [("SELECT id, source_id, text, lang, citation, container, heading, level, "
            "jurisdiction, position, kind FROM provisions WHERE source_kind = 'scholarship' "
            "ORDER BY rowid", []),
           ("SELECT id, kind, translation_of FROM sources ORDER BY id", [])]
    if db["bibliography"].exists():
        out.append(("SELECT * FROM bibliography ORDER BY rowid", []))
    relation = tags_relation(db.conn)
    if relation:
        names = [r[1] for r in db.execute(f"PRAGMA table_info([{relation}])").fetchall()]
        order = ", ".join(f"t.[{n}]" for n in names)
        out.append((f"SELECT t.*, p.citation, p.source_kind, p.jurisdiction, p.source_id, "
                    f"p.position FROM [{relation}] t JOIN provisions p ON p.id = t.provision_id "
                    f"ORDER BY {order}", []))
    if db["refs"].exists():
        out.append(("SELECT r.from_id, r.from_table, r.start, r.[end], r.to_id, q.citation "
                    "FROM refs r LEFT JOIN provisions q ON q.id = r.to_id WHERE r.from_id IN "
                    "(SELECT id FROM provisions WHERE source_kind = 'scholarship') "
                    "ORDER BY r.id", []))
    return out


REFERENCE = WholeStage(
    "reference", ("plea.annotate.reference.stage",), ("schemas/taxonomy.yaml",), _reference_inputs,
    ("reference_units", "reference_agreement", "reference_recode", "tags"),
    ("reference_orphans",))
ANNOTATIONS = WholeStage(
    "annotations", ("plea.annotate.human.stage",), ("schemas/taxonomy.yaml",), _annotation_inputs,
    ("annotations", "annotation_orphans", "annotation_verdicts"),
    ("effective_tags", "tag_decisions", "annotation_links"))
SCHOLARSHIP = WholeStage(
    "scholarship", ("plea.annotate.scholarship_stage",),
    ("annotate/stance_patterns/**/*", "schemas/taxonomy.yaml"), _scholarship_inputs,
    ("citations", "stance", "proposals", "proposal_codes", "proposal_targets"))


def whole_stage(spec: WholeStage, run: Callable, previous: Path | None, option=None):
    """``run`` as a build stage that is skipped, its tables copied from ``previous``,
    when its key (code, data and the rows it reads) is the last build's."""
    def stage(db):
        key = reuse.code_key(spec.code, spec.data,
                             reuse.rows_digest(db, spec.inputs(db, option)))
        alias = reuse.attach(db, previous)
        try:
            same = (alias is not None
                    and reuse.previous_keys(db.conn, alias).get(spec.name) == key
                    and set(spec.tables) <= _tables(db, alias))
            if same:
                reuse.copy_outputs(db, alias, spec.tables, spec.views)
                said = (reuse.previous_outcome(db, alias, spec.name) or "").split(REUSED)[0]
                # Keys of the stage's own parts (``reference-agreement``) hold too.
                for part, value in reuse.previous_keys(db.conn, alias).items():
                    if part.startswith(spec.name + "-"):
                        reuse.record_key(db, part, value)
        finally:
            reuse.detach(db, alias)
        if same:
            outcome = f"{said}{REUSED}"
        else:
            outcome = run(db)
        reuse.record_key(db, spec.name, key)
        return outcome
    return stage


REUSED = " (reused: code, data and inputs unchanged)"
AGREEMENT = "reference-agreement"


def reference_run(previous: Path | None) -> Callable:
    """The reference stage, done again (a coded source changed): the two passes'
    agreement depends on the coding file and the codebook alone, and is most of the
    stage's time, so it is taken from the last build when they and its code are the
    same."""
    from plea.annotate.reference.stage import merge_reference

    def run(db):
        key = reuse.code_key(["plea.annotate.reference.agreement"], ["schemas/taxonomy.yaml"])
        alias = reuse.attach(db, previous)
        rows = None
        try:
            if (alias is not None and reuse.previous_keys(db.conn, alias).get(AGREEMENT) == key
                    and "reference_agreement" in _tables(db, alias)):
                rows = list(db.query(f"SELECT * FROM {alias}.reference_agreement ORDER BY rowid"))
        finally:
            reuse.detach(db, alias)
        report = merge_reference(db, agreement=rows)
        reuse.record_key(db, AGREEMENT, key)
        return report
    return run


class StageOutcome(int):
    """A stage's count, with how many sources it reused, for the log line."""
    def __new__(cls, n: int, what: str, reused: int, changed: int):
        value = super().__new__(cls, n)
        value.what, value.reused, value.changed = what, reused, changed
        return value

    def summary(self) -> str:
        if not self.reused:
            return f"{int(self)} {self.what}"
        return (f"{int(self)} {self.what} ({self.reused} sources reused, "
                f"{self.changed} done again)")


def _tables(db, alias: str | None) -> set[str]:
    if alias is None:
        return set()
    return {r[0] for r in db.execute(f"SELECT name FROM {alias}.sqlite_master WHERE type = 'table'")}


def build_key(sources: list, directory: Path, *, annotations: Path | None, tag: bool,
              tagger: str | None, max_source_bytes: int | None = None) -> str:
    """Everything a build reads: each source's manifest entry and file checksums, all
    the project's code and data, the annotation store, the options. Equal keys give
    equal databases, so the last one can be copied."""
    from plea.annotate.human.store import default_store

    digest = hashlib.sha256()
    for source in sources:
        states = file_states(source, directory) if not source.missing else []
        digest.update(json.dumps([repr(source), [(s.path, s.state, s.sha256) for s in states]],
                                 ensure_ascii=False).encode())
    modules = [m for p in reuse.PACKAGES for m in reuse.package_modules(p)]
    digest.update(reuse.code_key(modules, ["schemas/*", "annotate/**/*"]).encode())
    digest.update(reuse.path_key(annotations or default_store()).encode())
    # The size limit is an input: a source refused under one limit may build under another.
    digest.update(json.dumps([tag, tagger, str(directory.resolve()),
                              max_source_bytes or os.environ.get("PLEA_MAX_SOURCE_MB")]).encode())
    return digest.hexdigest()[:16]


def run_build(*, sources_dir=None, db_path: Path, manifest=None, force: bool = False,
              keep_going: bool = False, annotations: Path | None = None, tag: bool = True,
              tagger: str | None = None, max_source_bytes: int | None = None,
              echo: Callable[[str], None] | None = None,
              jobs: int | None = None) -> BuildReport:
    """Build ``db_path`` from the sources; ``echo`` gets progress and a summary.

    Nothing changed since the last build (``build_key``): the last database is copied.
    Else parsing, tagging and references reuse what they can, source by source."""
    sources = load_sources(manifest)
    directory = resolve_sources_dir(sources_dir)
    jobs = jobs or default_jobs()
    key = build_key(sources, directory, annotations=annotations, tag=tag, tagger=tagger,
                    max_source_bytes=max_source_bytes)
    previous = None if force else Path(db_path)
    if not force and (report := reuse_build(db_path, sources, directory, key,
                                            keep_going=keep_going)) is not None:
        if echo:
            echo(f"Nothing changed since the last build of {db_path}: kept it "
                 f"({report.seconds:.1f}s)")
        return report
    steps = stages(annotations, tag=tag, tagger=tagger, echo=echo, previous=previous, jobs=jobs)
    steps.append(("keys", lambda db: reuse.record_key(db, "build", key)))
    if echo is None:
        return build(db_path, sources, directory, stages=steps, force=force,
                     keep_going=keep_going, max_source_bytes=max_source_bytes, jobs=jobs)
    echo(f"Building {db_path} from {directory} ({jobs} worker{'s' if jobs > 1 else ''})")
    progress = BuildProgress(echo, len(sources))
    report = build(db_path, sources, directory, stages=steps, force=force,
                   keep_going=keep_going, max_source_bytes=max_source_bytes, jobs=jobs,
                   progress=progress.source, stage_progress=progress.stage)
    echo(summary(report, stages=False))
    return report


def summary(report: BuildReport, *, stages: bool = True) -> str:
    """The per-source table and totals; ``stages``: with a line per stage (the progress
    display has shown them already)."""
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
    for name, seconds, outcome in (report.stages if stages else ()):
        lines.append(f"stage {name}: {seconds:.1f}s" + (f" — {outcome}" if outcome else ""))
    lines.append(f"\n{report.provisions} provisions, {report.alignments} alignments, "
                 f"{report.seconds:.1f}s → {report.db_path}")
    return "\n".join(lines)
