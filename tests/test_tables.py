"""Every table a stage declares is in the built database, empty or not, with the
declared columns; the Datasette metadata describes the columns from the same
declarations."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from plea.corpus.tables import STAGE_MODULES, declared
from tests.test_build_speed import run


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from tests.conftest import two_statutes
    tmp = tmp_path_factory.mktemp("tables")
    sources, manifest = two_statutes(tmp)
    db = tmp / "plea.db"
    run(sources, manifest, db, tmp / "no-annotations.db")
    return db


def columns(db: Path, table: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]
    finally:
        conn.close()


def count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("table", declared(), ids=lambda t: t.name)
def test_every_declared_table_is_built_with_its_columns(built, table):
    assert columns(built, table.name) == list(table.columns)


# Tables the fixture build leaves empty, read off its inputs: two statutes, no
# scholarly source, no annotation store.
EMPTY = ["annotations", "annotation_orphans", "annotation_verdicts", "citations", "stance",
         "proposals", "proposal_codes", "proposal_targets", "bibliography"]


@pytest.mark.parametrize("name", EMPTY)
def test_a_table_no_stage_filled_is_there_and_empty(built, name):
    assert count(built, name) == 0


def test_every_stage_module_declares_its_tables():
    names = [t.name for t in declared()]
    assert len(names) == len(set(names))             # declared once
    for module in STAGE_MODULES:
        assert declared([module]), module


def test_the_metadata_describes_declared_columns(built):
    from plea.web.metadata import build_metadata
    tables = build_metadata(built)["databases"][built.stem]["tables"]
    for table in declared():
        if table.hidden:
            continue
        assert tables[table.name]["columns"] == table.descriptions(), table.name
