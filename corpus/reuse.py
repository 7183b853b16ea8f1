"""What a build may reuse from the previous one, and the keys that decide it.

A row may be copied from the last build only when nothing it was computed from has
changed: the source's files, its manifest entry, and *all* the code and data that
computed it. Hand-kept file lists go stale (a change to a shared helper such as
``markdown_common.py`` once kept stale rows alive), so the code part of a key is the
import closure of the module that does the work: every project module it imports,
directly or inside a function, found by reading the source with ``ast``.

Keys:

- ``code_key(modules, data)`` — the closure's files plus data files (globs under the
  checkout), hashed;
- ``source_fingerprints(db)`` — per source, its row in ``sources`` (checksums, parser
  version, manifest fields), so a stage can tell which sources changed;
- ``stage_table`` — each stage records its key in the database it wrote
  (``stage_keys``), where the next build reads it.

Stages decide what to copy (``ReusePlan``): the rows of unchanged sources when their
key is unchanged. A build whose every input is unchanged is the previous database,
copied (``plea.corpus.build.reuse_build``).
"""
from __future__ import annotations

import ast
import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import sqlite_utils

# The folder holding the ``plea`` package: the checkout (editable install, where
# plea/corpus links to corpus/) or site-packages (a wheel). Not resolved, so the
# link is followed as a path and module names map to files.
ROOT = Path(__file__).parent.parent.parent
# Packages whose modules count as the project's code (third-party code is pinned by
# pyproject.toml, not hashed).
PACKAGES = ("plea",)
DATA_SUFFIXES = {".yaml", ".yml", ".json", ".jsonl", ".txt", ".npz", ".toml", ".csv"}
KEYS_TABLE = "stage_keys"


def module_path(name: str) -> Path | None:
    """The file of a project module (package ``__init__`` included), or None."""
    if name.split(".", 1)[0] not in PACKAGES:
        return None
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _package_of(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rsplit(".", 1)[0]


@lru_cache(maxsize=None)
def _imports(path: Path, name: str, mtime: int) -> tuple[str, ...]:
    """Project modules a file imports anywhere in its body (``mtime`` keys the cache)."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    package = _package_of(name, path)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module or ""
            found.append(mod)
            # ``from pkg import module`` names a module, not only an attribute.
            found += [f"{mod}.{a.name}" for a in node.names if a.name != "*"]
    out = []
    for mod in found:
        # Importing a.b.c runs a/__init__ and a/b/__init__ too.
        parts = mod.split(".")
        out += [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return tuple(m for m in dict.fromkeys(out) if module_path(m) is not None)


def import_closure(modules: Iterable[str]) -> list[Path]:
    """Every project file the given modules need, sorted."""
    seen: dict[str, Path] = {}
    # Importing a.b.c runs a/__init__ and a/b/__init__ too.
    todo = [".".join(m.split(".")[:i]) for m in modules for i in range(1, m.count(".") + 2)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = module_path(name)
        if path is None:
            continue
        seen[name] = path
        todo += _imports(path, name, path.stat().st_mtime_ns)
    return sorted(set(seen.values()))


@lru_cache(maxsize=None)
def _file_digest(path: Path, mtime: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_digest(path: Path) -> str:
    st = path.stat()
    return _file_digest(path, st.st_mtime_ns, st.st_size)


def code_files(modules: Iterable[str], data: Iterable[str] = ()) -> list[Path]:
    """The closure's modules, the data files beside them, and the ``data`` globs."""
    files = import_closure(modules)
    dirs = {p.parent for p in files}
    extra = [p for d in dirs for p in d.iterdir()
             if p.is_file() and p.suffix in DATA_SUFFIXES]
    for pattern in data:
        extra += [p for p in ROOT.glob(pattern) if p.is_file()]
    return sorted(set(files) | set(extra))


def code_key(modules: Iterable[str], data: Iterable[str] = (), *extra: str) -> str:
    """A digest of the code and data a step depends on (``extra``: options such as the
    tagger's name)."""
    digest = hashlib.sha256()
    for path in code_files(modules, data):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
        digest.update(file_digest(path).encode())
    for value in extra:
        digest.update(b"\0" + value.encode())
    return digest.hexdigest()[:16]


def path_key(path: Path | None) -> str:
    """A file's content as part of a key (the annotation store); absent is a key too."""
    if path is None or not Path(path).is_file():
        return "absent"
    return file_digest(Path(path))[:16]


# -- what changed since the last build -------------------------------------------------
def source_fingerprints(conn: sqlite3.Connection, schema: str = "main") -> dict[str, str]:
    """Per source id, a digest of its whole ``sources`` row."""
    cur = conn.execute(f"SELECT * FROM {schema}.sources ORDER BY id")
    names = [d[0] for d in cur.description]
    return {row[names.index("id")]: hashlib.sha256(
        json.dumps(row, default=str, ensure_ascii=False).encode()).hexdigest()[:16]
        for row in cur.fetchall()}


@dataclass
class ReusePlan:
    """What one stage may take from the previous database (attached as ``alias``)."""
    alias: str | None                  # None: nothing to reuse (cold, --force, new schema)
    key_same: bool = False             # this stage's key equals the previous build's
    unchanged: set[str] = field(default_factory=set)   # sources with the same row
    changed: set[str] = field(default_factory=set)     # new, edited or gone sources

    @property
    def per_source(self) -> bool:
        """Rows of ``unchanged`` sources can be copied; the rest must be computed."""
        return self.alias is not None and self.key_same


def previous_keys(conn: sqlite3.Connection, alias: str) -> dict[str, str]:
    try:
        return dict(conn.execute(f"SELECT name, key FROM {alias}.{KEYS_TABLE}").fetchall())
    except sqlite3.DatabaseError:
        return {}


def attach(db: sqlite_utils.Database, previous: Path | None, alias: str = "reuse_prev"
           ) -> str | None:
    """Attach the previous database read-only; None when there is none usable."""
    if previous is None or not Path(previous).is_file():
        return None
    if alias in {r[1] for r in db.execute("PRAGMA database_list").fetchall()}:
        return alias
    try:
        db.execute(f"ATTACH DATABASE ? AS {alias}", [f"file:{previous}?mode=ro"])
        db.execute(f"SELECT count(*) FROM {alias}.sources").fetchone()
    except sqlite3.DatabaseError:
        try:
            db.execute(f"DETACH DATABASE {alias}")
        except sqlite3.DatabaseError:
            pass
        return None
    return alias


def detach(db: sqlite_utils.Database, alias: str | None) -> None:
    if alias:
        db.conn.commit()
        db.execute(f"DETACH DATABASE {alias}")


def plan(db: sqlite_utils.Database, alias: str | None, name: str, key: str) -> ReusePlan:
    """Compare this build's sources and ``key`` with what the previous build recorded."""
    if alias is None:
        return ReusePlan(None)
    old, new = source_fingerprints(db.conn, alias), source_fingerprints(db.conn)
    same = {s for s, fp in new.items() if old.get(s) == fp}
    changed = (set(new) | set(old)) - same
    return ReusePlan(alias, previous_keys(db.conn, alias).get(name) == key, same, changed)


def record_key(db: sqlite_utils.Database, name: str, key: str) -> None:
    db.execute(f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} (name TEXT PRIMARY KEY, key TEXT)")
    db.execute(f"INSERT OR REPLACE INTO {KEYS_TABLE} (name, key) VALUES (?, ?)", [name, key])


def package_modules(package: str) -> list[str]:
    """Every module of a project package, for code loaded by name (``importlib``) that
    an import closure cannot see."""
    base = ROOT.joinpath(*package.split("."))
    return [package] + sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in base.rglob("*.py"))


# -- stages that read the whole corpus ---------------------------------------------------
def rows_digest(db: sqlite_utils.Database, queries: Iterable[tuple[str, list]]) -> str:
    """A digest of the rows some queries return: what a stage read, so an equal digest
    (and an equal code key) means the stage would write what it wrote last time."""
    digest = hashlib.sha256()
    for sql, params in queries:
        digest.update(b"\1" + sql.encode())
        cur = db.execute(sql, params)
        while batch := cur.fetchmany(5000):
            digest.update(json.dumps(batch, default=str, ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def copy_outputs(db: sqlite_utils.Database, alias: str, tables: Iterable[str],
                 views: Iterable[str] = ()) -> None:
    """Replace ``tables`` (with their indexes) and ``views`` by the previous build's, as
    they were written there (same statements, same rows and rowids)."""
    def schema(kind: str, name: str) -> list[str]:
        column = "tbl_name" if kind == "index" else "name"
        return [r[0] for r in db.execute(
            f"SELECT sql FROM {alias}.sqlite_master WHERE type = ? AND {column} = ? "
            "AND sql IS NOT NULL ORDER BY rowid", [kind, name]).fetchall()]

    views, tables = list(views), list(tables)
    for name in views:
        db.execute(f"DROP VIEW IF EXISTS main.[{name}]")
    for name in tables:
        db.execute(f"DROP TABLE IF EXISTS main.[{name}]")
        for sql in schema("table", name):
            db.execute(sql)
            db.execute(f"INSERT INTO main.[{name}] SELECT * FROM {alias}.[{name}]")
            for index in schema("index", name):
                db.execute(index)
    for name in views:
        for sql in schema("view", name):
            db.execute(sql)


def previous_outcome(db: sqlite_utils.Database, alias: str, stage: str) -> str | None:
    """The log line the previous build wrote for ``stage``."""
    try:
        row = db.execute(f"SELECT message FROM {alias}.build_log WHERE action = ? "
                         "ORDER BY rowid DESC LIMIT 1", [f"stage:{stage}"]).fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None
