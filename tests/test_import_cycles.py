"""No import cycles among the project's modules.

Every ``import`` and ``from … import`` of the project's packages is read from the
source (ast, nothing imported), including imports inside functions: an import put
inside a function to dodge a cycle is still a cycle in the design. A cycle fails the
test, named module by module (``plea.web.routes → plea.web.login → plea.web.routes``).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("corpus", "annotate", "plea", "schemas")


def modules(root: Path = ROOT) -> dict[str, tuple[Path, bool]]:
    """Dotted name → (file, is a package's __init__) for every module of PACKAGES."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            found[".".join(parts)] = (path, is_package)
    return found


def imports_of(name: str, path: Path, is_package: bool, known: set[str]) -> set[str]:
    """The project modules ``name`` imports (a ``from p import m`` of a submodule counts
    as importing ``p.m``)."""
    here = name if is_package else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[:len(here.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.add(target)
            out.update(f"{target}.{alias.name}" for alias in node.names)
    return {m for m in out if m in known and m != name}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    found = modules(root)
    known = set(found)
    return {name: imports_of(name, path, pkg, known) for name, (path, pkg) in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan), as a path
    that returns to its start."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:
        # Iterative, so a long chain of imports cannot hit the recursion limit.
        work = [(v, iter(sorted(graph[v])))]
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    group.add(w)
                    if w == node:
                        break
                if len(group) > 1:
                    groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_path_in(group, graph) for group in groups]


def _path_in(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """The shortest cycle through the group's first module (breadth first)."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & group):
            if child == start:
                return paths[node] + [start]
            if child not in paths:
                paths[child] = paths[node] + [child]
                queue.append(child)
    return sorted(group)


# -- the check on a made-up tree first, so a pass below means something ------------

CASES = [
    # (files: module → source, cycles expected)
    ({"plea/__init__.py": "", "plea/a.py": "from . import b", "plea/b.py": "import plea.c",
      "plea/c.py": "def f():\n    from .a import x"},
     [["plea.a", "plea.b", "plea.c", "plea.a"]]),
    ({"plea/__init__.py": "", "plea/web/__init__.py": "", "plea/web/x.py": "from ..web import y",
      "plea/web/y.py": "from plea.web.z import q", "plea/web/z.py": "import json"},
     []),
    ({"plea/__init__.py": "", "plea/p/__init__.py": "from .m import run",
      "plea/p/m.py": "from plea.p import other", "plea/p/other.py": ""},
     [["plea.p", "plea.p.m", "plea.p"]]),
]


@pytest.mark.parametrize("files,expected", CASES)
def test_cycle_finder_on_small_trees(tmp_path, files, expected):
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    assert cycles(import_graph(tmp_path)) == expected


def test_the_project_has_no_import_cycles():
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join("  " + " → ".join(c) for c in found)
