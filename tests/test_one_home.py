"""One home for each concept: a second copy of a concept the README's "One home for each
concept" table names fails here, with the file and line of the copy.

The vocabulary's counts (jurisdiction and language lists, Han ranges, language
detectors, the codebook path, ``fold``) are scanned in tests/test_vocab.py; import
cycles in tests/test_import_cycles.py. This file scans for the rest: table-existence
checks, the tag columns, error base classes, database connections, the comparison
matrix's statement, eId uniqueness checks, parser and page registries, default paths
and the accounts CLI. Each scan reads the source as text (nothing imported), so a
copy fails whether or not anything calls it.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from plea.corpus import readonly
from plea.corpus.errors import PleaError
from plea.corpus.tables import create_tables, declared

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("corpus", "annotate", "plea", "schemas")


def _lines() -> list[tuple[str, int, str]]:
    out = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                out.append((rel, n, line))
    return out


LINES = _lines()

# Where a database's table list may still be read, and why (every other module reads a
# built database, where every declared table is there: corpus.readonly guards that).
TABLE_LISTS = {
    "corpus/readonly.py": "the one guard, and which tag relation (view or table) is there",
    "corpus/tables.py": "creates a declared table unless it is there",
    "corpus/build.py": "refuses to overwrite a file that is not a plea database",
    "corpus/reuse.py": "reads the previous build, which an older plea may have made",
    "plea/pipeline.py": "the same: what the previous build holds, to reuse",
    "plea/web/views.py": "drops the matrix whether an older build made it a view or a table",
    "plea/web/metadata.py": "Datasette's metadata lists the tables it describes",
    "plea/web/plugin/__init__.py": "Datasette's own table_exists, to find the corpus database",
    "annotate/human/provisions.py": "names the missing provisions table of a non-plea file",
    "annotate/human/stage.py": "a writer: the views need a tags table in a merge run alone",
}
TABLE_CHECK = re.compile(r"sqlite_master|has_table\(|table_exists\(|\.table_names\(\)"
                         r"|\]\.exists\(\)|readonly\.tables\(|\btables\(conn\)")

# The tag columns written out in a row: the declaration (annotate.stage.TAGS) is their home.
TAG_ROW = re.compile(r"""["']provision_id["'],\s*["']code["'],\s*["']dimension["'],\s*"""
                     r"""["']start["'],\s*["']end["'],\s*["']evidence["']""")


def _found(pattern: re.Pattern, allowed=()) -> list[str]:
    return [f"{path}:{n}: {line.strip()}" for path, n, line in LINES
            if path not in allowed and pattern.search(line)]


def test_no_reader_asks_whether_a_table_exists() -> None:
    found = _found(TABLE_CHECK, TABLE_LISTS)
    assert not found, ("a table-existence check outside corpus.readonly (every build makes "
                       "every declared table):\n" + "\n".join(found))


@pytest.mark.parametrize("name,pattern,homes", [
    ("spelling of the tag columns", TAG_ROW, []),
    # one error base class; click's exception carries the one handler's line (plea/options.py)
    ("error base class", re.compile(r"^class \w+\((Exception|BaseException|ValueError|"
                                    r"RuntimeError|click\.ClickException)\)"),
     ["corpus/errors.py", "plea/options.py"]),
    ("read-only opening of a database", re.compile(r"mode=ro|immutable=1"),
     # the build reads its previous file (and attaches the last build); the annotation
     # store is a database of its own
     ["corpus/readonly.py", "corpus/build.py", "corpus/reuse.py", "annotate/human/store.py"]),
    # the annotation tools' wrapper names the missing file in their own words
    ("database connection helper", re.compile(r"^def connect\w*\("),
     ["corpus/readonly.py", "annotate/human/provisions.py"]),
    ("comparison matrix statement", re.compile(r"^def matrix_sql\("), ["annotate/compare.py"]),
    ("eId uniqueness check", re.compile(r"appears twice\{"), ["corpus/parsers/eids.py"]),
    ("parser registry", re.compile(r"^_REGISTRY\b|^PARSERS\s*="), ["corpus/parsers/__init__.py"]),
    ("page route table", re.compile(r"^def routes\("), ["plea/web/pages/__init__.py"]),
    ("default path of the database", re.compile(r"""["']plea\.db["']"""), ["corpus/paths.py"]),
])
def test_one_home(name: str, pattern: re.Pattern, homes: list[str]) -> None:
    where = sorted({f.split(":", 1)[0] for f in _found(pattern)})
    assert set(where) <= set(homes), (f"a second {name}:\n"
                                      + "\n".join(_found(pattern, homes)))


def test_one_accounts_cli() -> None:
    # `plea annotators` (plea/commands/annotators.py) is the one; a maintainer's script
    # may use argparse, but none about accounts
    for path in sorted({p for p, _, line in LINES if re.search(r"\bargparse\b", line)}):
        text = (ROOT / path).read_text(encoding="utf-8")
        assert not re.search(r"account|password", text, re.I), f"{path}: a second accounts CLI"


# -- the one guard ----------------------------------------------------------------------

def _built(path: Path) -> Path:
    db = sqlite_utils.Database(path)
    create_tables(db)
    db.close()
    return path


def test_a_database_with_every_declared_table_opens(tmp_path: Path) -> None:
    conn = readonly.connect_readonly(_built(tmp_path / "plea.db"))
    assert readonly.missing_tables(conn) == []
    conn.close()


@pytest.mark.parametrize("dropped", ["stance", "reference_units", "dimensions"])
def test_an_older_database_gets_one_line(tmp_path: Path, dropped: str) -> None:
    path = _built(tmp_path / "old.db")
    with sqlite3.connect(path) as conn:
        conn.execute(f"DROP TABLE {dropped}")
    with pytest.raises(readonly.OlderDatabase) as caught:
        readonly.connect_readonly(path)
    message = str(caught.value)
    assert isinstance(caught.value, PleaError) and "\n" not in message
    assert message == (f"{path}: built by an older plea-corpus (no table {dropped}): "
                       "run plea build")


def test_a_file_that_is_not_a_plea_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE thesis (chapter TEXT)")
    with pytest.raises(readonly.OlderDatabase, match=r"no table sources, provisions, "
                                                     r"commentary and \d+ more"):
        readonly.connect_readonly(path)


def test_the_declared_tables_have_one_name_each() -> None:
    names = [t.name for t in declared()]
    assert len(names) == len(set(names)), names
