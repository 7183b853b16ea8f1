"""The code part of a reuse key: every project module a step runs, and its data files.

A parsed source may be copied from the last build only when nothing it was computed from
has changed: its files, its manifest entry, and *all* the code that computed it. Hand-kept
file lists go stale (a change to a shared helper such as ``markdown_common.py`` once kept
stale rows alive), so the key is the import closure of the module that does the work:
every project module it imports, directly or inside a function, found by reading the
source with ``ast``, plus the data files beside those modules.

    code_key(["corpus.parsers.de_markdown", "corpus.store"])   # changes with any of them
"""
from __future__ import annotations

import ast
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parent.parent
# Packages whose modules count as the project's code (third-party code is pinned by
# pyproject.toml, not hashed).
PACKAGES = ("corpus", "annotate", "plea")
DATA_SUFFIXES = {".yaml", ".yml", ".json", ".jsonl", ".txt", ".npz", ".toml", ".csv"}


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
