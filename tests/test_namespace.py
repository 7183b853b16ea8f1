"""The code installs under one name, ``plea``: corpus, annotate and schemas are
``plea.corpus``, ``plea.annotate`` and ``plea.schemas`` (links in plea/ to the top-level
folders the repository shows), so nothing generic like ``corpus`` lands in site-packages."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from tests.conftest import ROOT

FOLDERS = ("corpus", "annotate", "schemas")
OLD_IMPORT = re.compile(r"^\s*(?:from|import)\s+(?:corpus|annotate|schemas)\b", re.M)


def test_the_wheel_holds_one_top_level_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["plea"]


def test_the_folders_are_linked_under_plea():
    for name in FOLDERS:
        link = ROOT / "plea" / name
        assert link.is_symlink(), link
        assert link.resolve() == (ROOT / name).resolve()


def test_no_module_imports_a_folder_by_its_top_level_name():
    found = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in (".venv", ".git") or (rel.parts[0] == "plea" and len(rel.parts) > 1
                                                and rel.parts[1] in FOLDERS):
            continue
        found += [f"{rel}:{m.group(0).strip()}" for m in OLD_IMPORT.finditer(path.read_text("utf-8"))]
    assert found == []


def test_importing_every_module_loads_none_under_a_top_level_name():
    code = (
        "import importlib, pkgutil, sys, plea\n"
        "for m in pkgutil.walk_packages(plea.__path__, 'plea.'):\n"
        "    if '.plugin.' in m.name or m.name.endswith('__main__'): continue\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('corpus', 'annotate', 'schemas'))\n"
        "print(len(bad), bad[:5])\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "tests", capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("0 "), out.stdout
