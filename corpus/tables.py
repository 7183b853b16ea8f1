"""Tables as declarations: each stage says once what it writes, and one place creates it.

A stage module declares its tables as :class:`Table` values — the columns with their
types and a one-line description each, the key, the indexes — in a ``TABLES`` tuple.
:func:`create_tables` makes every declared table the build knows (``declared()``) before
the stages run, empty, so a reader of any database built by ``plea build`` can query a
table without first asking whether the stage that fills it ran. The Datasette metadata
takes its column descriptions from the same declarations, and the test fixtures create
their tables from them, so the three cannot drift apart.

    TAGS = Table("tags", {"provision_id": (str, "The tagged provision"), ...}, pk="id")
    TAGS.create(db)            # if not there yet
    TAGS.descriptions()        # {"provision_id": "The tagged provision", ...}
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Iterable

import sqlite_utils

# The modules whose ``TABLES`` the build creates, in the order the stages run.
STAGE_MODULES = ("plea.corpus.store", "plea.annotate.taxonomy", "plea.annotate.stage", "plea.annotate.reference.stage",
                 "plea.annotate.human.stage", "plea.annotate.refs.stage", "plea.annotate.scholarship_stage",
                 "plea.web.views")


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, tuple[type, str]]          # column -> (type, one-line description)
    pk: str | tuple[str, ...] | None = None
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    description: str = ""
    title: str = ""                               # Datasette's title for the table
    hidden: bool = False                          # build bookkeeping, not for readers
    not_null: frozenset[str] = field(default_factory=frozenset)

    def types(self) -> dict[str, type]:
        return {name: kind for name, (kind, _) in self.columns.items()}

    def descriptions(self) -> dict[str, str]:
        return {name: text for name, (_, text) in self.columns.items() if text}

    def create(self, db: sqlite_utils.Database, *, replace: bool = False,
               indexes: bool = True) -> bool:
        """Create the table (and its indexes, unless ``indexes`` is False: a stage that
        fills a large table makes them after its rows) unless it is there; ``replace``:
        drop it first. True when it was created."""
        table = db[self.name]
        if table.exists():
            if not replace:
                return False
            table.drop()
        table.create(self.types(), pk=self.pk, foreign_keys=list(self.foreign_keys) or None,
                     not_null=set(self.not_null) or None)
        if indexes:
            self.create_indexes(db)
        return True

    def create_indexes(self, db: sqlite_utils.Database) -> None:
        for columns in self.indexes:
            db[self.name].create_index(list(columns), if_not_exists=True)


def declared(modules: Iterable[str] = STAGE_MODULES) -> list[Table]:
    """Every table the build's stages declare, in stage order."""
    return [t for name in modules for t in importlib.import_module(name).TABLES]


def create_tables(db: sqlite_utils.Database, tables: Iterable[Table] | None = None
                  ) -> list[str]:
    """Create each declared table that is not there yet; the names of those created."""
    return [t.name for t in (declared() if tables is None else tables) if t.create(db)]


def by_name(tables: Iterable[Table] | None = None) -> dict[str, Table]:
    return {t.name: t for t in (declared() if tables is None else tables)}
