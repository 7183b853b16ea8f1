"""Build speed without different results: reuse keys that see every module a step runs,
stages that redo only changed sources, parallel workers, the size limit.

Every comparison here is between two real builds of the same texts (cold against
incremental, one worker against two): the rows must be identical, ids and order included.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from plea.corpus import reuse
from plea.corpus.build import build
from plea.corpus.errors import SourceError
from plea.corpus.sources import read_manifest
from tests.conftest import two_statutes


# Tables whose every row the stages write; compared in rowid order, ids included.
TABLES = ("provisions", "commentary", "tags", "tags_machine", "refs", "provisions_fts",
          "reference_units", "reference_agreement", "annotations", "annotation_verdicts",
          "citations", "stance", "proposals", "proposal_targets", "comparison_matrix")


@pytest.fixture
def corpus(tmp_path) -> tuple[Path, Path]:
    """A writable sources directory (two fixture statutes) and its manifest."""
    return two_statutes(tmp_path)


def rows(db: Path, table: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT * FROM [{table}] ORDER BY rowid").fetchall()
    finally:
        conn.close()


def actions(db: Path, build_no: int = -1) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        build_id = conn.execute("SELECT id FROM builds ORDER BY id").fetchall()[build_no][0]
        return dict(conn.execute("SELECT source_id, action FROM build_log WHERE build_id = ? "
                                 "AND source_id LIKE 'xx-%'", [build_id]).fetchall())
    finally:
        conn.close()


# -- each stage's key sees the code and data it depends on -------------------------------
# (stage, a file it reads: the tagger's model, the coding, the codebook, cue files, a
# helper imported two modules down; read off the stages' imports and loaders)
STAGE_FILES = [
    ("tags", "annotate/taggers/model/zh.npz"),
    ("tags", "annotate/taggers/model/meta.json"),
    ("tags", "annotate/taggers/features.py"),
    ("tags", "annotate/patterns/zh.yaml"),
    ("tags", "schemas/taxonomy.yaml"),
    ("tags", "annotate/text.py"),
    ("reference", "annotate/reference/coding.jsonl"),
    ("reference", "annotate/reference/coverage.yaml"),
    ("reference", "annotate/human/agreement.py"),
    ("reference", "schemas/taxonomy.yaml"),
    ("annotations", "annotate/human/anchor.py"),
    ("references", "annotate/refs/data/de.yaml"),
    ("references", "schemas/works.yaml"),
    ("scholarship", "annotate/stance_patterns/zh.yaml"),
    ("scholarship", "annotate/citations.py"),
]


@pytest.mark.parametrize("stage, path", STAGE_FILES)
def test_a_stage_key_covers_the_files_the_stage_reads(stage, path):
    from plea.pipeline import stage_code_files
    # plea/annotate links to annotate/ in a checkout: compare the files, not the spellings
    assert (reuse.ROOT / "plea" / path).is_file(), path
    assert (reuse.ROOT / "plea" / path).resolve() in {p.resolve() for p in stage_code_files(stage)}


# -- stages redo only what changed, and give what a cold build gives --------------------
def run(sources: Path, manifest: Path, db: Path, store: Path, **kw):
    """The pipeline on the fixture sources; the shipped manifest's sources are not in the
    fixture directory, so their missing files are accepted (``keep_going``)."""
    from plea.pipeline import run_build
    return run_build(sources_dir=sources, db_path=db, manifest=manifest, annotations=store,
                     keep_going=True, **kw)


# two workers: the edited source is parsed in a worker while the last build is attached
@pytest.mark.parametrize("jobs", [1, 2])
def test_incremental_build_equals_cold_build_and_redoes_one_source(tmp_path, corpus, jobs):
    sources, manifest = corpus
    store = tmp_path / "annotations.db"          # absent: nothing to merge
    warm, cold = tmp_path / "warm.db", tmp_path / "cold.db"
    run(sources, manifest, warm, store, jobs=jobs)
    # Edit one source: a new plea sentence in the Chinese statute.
    path = sources / "cn_markdown" / "mini.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "第三条之一 协商应当同步录音录像。",
        "第三条之一 协商应当同步录音录像。犯罪嫌疑人认罪认罚的，应当告知其享有的诉讼权利。"),
        encoding="utf-8")
    report = run(sources, manifest, warm, store, jobs=jobs)
    assert actions(warm) == {"xx-mini": "parsed", "xx-mustg": "reused"}
    outcomes = {name: outcome for name, _, outcome in report.stages}
    assert "1 done again" in outcomes["tags"]
    run(sources, manifest, cold, store, jobs=2, force=True)
    for table in TABLES:
        assert rows(warm, table) == rows(cold, table), table
    text = dict((r[0], r) for r in rows(cold, "provisions"))
    assert any("认罪认罚的，应当告知" in str(r) for r in text.values())


def test_an_edit_that_changes_no_provision_reuses_the_whole_corpus_stages(tmp_path, corpus):
    sources, manifest = corpus
    store = tmp_path / "annotations.db"
    warm, cold = tmp_path / "warm.db", tmp_path / "cold.db"
    run(sources, manifest, warm, store, jobs=1)
    path = sources / "de_markdown" / "mini_gesetz.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = run(sources, manifest, warm, store, jobs=1)
    assert actions(warm) == {"xx-mini": "reused", "xx-mustg": "parsed"}
    outcomes = {name: outcome or "" for name, _, outcome in report.stages}
    for stage in ("reference", "annotations", "scholarship"):
        assert "reused" in outcomes[stage], (stage, outcomes[stage])
    # The agreement's own key is carried over, for the next build that runs the stage.
    conn = sqlite3.connect(warm)
    keys = dict(conn.execute("SELECT name, key FROM stage_keys").fetchall())
    conn.close()
    assert "reference-agreement" in keys
    run(sources, manifest, cold, store, jobs=1, force=True)
    for table in TABLES:
        assert rows(warm, table) == rows(cold, table), table


def test_workers_do_not_change_the_database(tmp_path, corpus):
    sources, manifest = corpus
    store = tmp_path / "annotations.db"
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    run(sources, manifest, one, store, jobs=1)
    run(sources, manifest, two, store, jobs=2)
    for table in TABLES:
        assert rows(one, table) == rows(two, table), table


def test_nothing_changed_keeps_the_last_database_and_logs_the_build(tmp_path, corpus):
    sources, manifest = corpus
    store = tmp_path / "annotations.db"
    db = tmp_path / "out.db"
    run(sources, manifest, db, store)
    before = {t: rows(db, t) for t in TABLES}
    report = run(sources, manifest, db, store)
    assert {r.source.id: r.action for r in report.results
            if r.source.id.startswith("xx-")} == {"xx-mini": "reused", "xx-mustg": "reused"}
    assert {t: rows(db, t) for t in TABLES} == before
    assert len(rows(db, "builds")) == 2
    # A new annotation store is a change: the build runs its stages again.
    from plea.annotate.human.store import AnnotationStore
    with AnnotationStore(store):
        pass
    report = run(sources, manifest, db, store)
    assert [name for name, _, _ in report.stages][:4] == ["tables", "codebook", "tags", "reference"]


# -- large inputs -------------------------------------------------------------------------
def test_a_source_over_the_size_limit_is_refused_before_it_is_read(tmp_path, corpus,
                                                                  monkeypatch):
    sources, manifest = corpus
    monkeypatch.setenv("PLEA_MAX_SOURCE_MB", "0.001")        # 1 kB; the fixtures are larger
    with pytest.raises(SourceError) as err:
        build(tmp_path / "out.db", read_manifest(manifest), sources)
    message = str(err.value)
    assert "mini.md" in message and "--max-source-mb" in message
    assert "PLEA_MAX_SOURCE_MB" in message
    assert not (tmp_path / "out.db").exists()


def test_the_cli_says_the_limit_in_one_line(tmp_path, corpus):
    from plea.cli import cli
    sources, manifest = corpus
    result = CliRunner().invoke(cli, ["build", "--sources", str(sources), "--manifest",
                                      str(manifest), "--db", str(tmp_path / "out.db"),
                                      "--max-source-mb", "0.001"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "--max-source-mb" in errors[0]
