"""The reuse key of a parsed source sees every module its parser runs: a shared helper
edited makes the sources whose parser imports it parse again, and only those."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from plea.corpus import reuse
from plea.corpus.build import build
from plea.corpus.sources import read_manifest
from tests.conftest import two_statutes


# (parser module, a helper it imports: read off the import lines of each parser)
CLOSURES = [
    ("plea.corpus.parsers.de_markdown", "plea/corpus/parsers/markdown_common.py"),
    ("plea.corpus.parsers.usc_markdown", "plea/corpus/parsers/markdown_common.py"),
    ("plea.corpus.parsers.fre_markdown", "plea/corpus/parsers/markdown_common.py"),
    ("plea.corpus.parsers.uslm", "plea/corpus/parsers/safe_xml.py"),
    ("plea.corpus.parsers.cn_markdown", "plea/corpus/textio.py"),
    ("plea.corpus.parsers.ussg_html", "plea/corpus/textio.py"),
    ("plea.corpus.parsers.cn_markdown", "plea/corpus/parsers/__init__.py"),
]


@pytest.mark.parametrize("module, helper", CLOSURES)
def test_import_closure_holds_the_helpers_a_parser_imports(module, helper):
    files = {str(p.relative_to(reuse.ROOT)) for p in reuse.import_closure([module])}
    assert helper in files


def test_import_closure_leaves_out_what_a_module_does_not_import():
    files = {str(p.relative_to(reuse.ROOT)) for p in reuse.import_closure(
        ["plea.corpus.parsers.cn_markdown"])}
    assert "plea/corpus/parsers/markdown_common.py" not in files
    assert "plea/corpus/parsers/safe_xml.py" not in files


def _actions(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        build_id = conn.execute("SELECT max(id) FROM builds").fetchone()[0]
        return dict(conn.execute("SELECT source_id, action FROM build_log WHERE build_id = ? "
                                 "AND source_id LIKE 'xx-%'", [build_id]).fetchall())
    finally:
        conn.close()


def test_editing_a_shared_helper_reparses_only_the_sources_that_use_it(tmp_path, monkeypatch):
    sources, manifest = two_statutes(tmp_path)
    # The key reads code under reuse.ROOT: point it at a copy we may edit.
    root = tmp_path / "checkout"
    shutil.copytree(reuse.ROOT / "plea" / "corpus", root / "plea" / "corpus",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(reuse.ROOT / "plea" / "__init__.py", root / "plea" / "__init__.py")
    monkeypatch.setattr(reuse, "ROOT", root)
    db = tmp_path / "out.db"
    build(db, read_manifest(manifest), sources)
    build(db, read_manifest(manifest), sources)
    first = _actions(db)
    assert set(first.values()) == {first["xx-mini"]} and first["xx-mini"] != "parsed"
    helper = root / "plea" / "corpus" / "parsers" / "markdown_common.py"
    helper.write_text(helper.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    build(db, read_manifest(manifest), sources)
    # de-markdown imports markdown_common; cn-markdown does not.
    assert _actions(db) == {"xx-mini": first["xx-mini"], "xx-mustg": "parsed"}
