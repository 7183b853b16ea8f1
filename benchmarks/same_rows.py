"""Whether two builds wrote the same rows: tags, the tagger's own tags and references.

    .venv/bin/python benchmarks/same_rows.py OLD.db NEW.db [--table T ...]

For checking that a speed change changed no output: build the corpus before and after
(``plea build --db``), then compare. Rows are compared in table order, every column but
the integer key, so a row moved, added, lost or altered is reported with its place.
Exit status 0 when every table is the same, 1 otherwise.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
from itertools import zip_longest

TABLES = ("tags", "tags_machine", "refs")


def rows_of(db: str, table: str) -> tuple[list[str], list[tuple]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")
                   if not (r[5] and r[2].upper() == "INTEGER")]      # not the rowid key
        if not columns:
            return [], []
        picked = ", ".join(f"[{c}]" for c in columns)
        return columns, conn.execute(f"SELECT {picked} FROM [{table}] ORDER BY rowid").fetchall()
    finally:
        conn.close()


def differences(old: str, new: str, table: str, *, shown: int = 5) -> list[str]:
    """What differs in ``table`` between the two databases (empty: the same rows)."""
    cols_a, a = rows_of(old, table)
    cols_b, b = rows_of(new, table)
    if cols_a != cols_b:
        return [f"{table}: columns differ: {cols_a} / {cols_b}"]
    out = []
    for i, (x, y) in enumerate(zip_longest(a, b)):
        if x != y:
            out.append(f"{table} row {i + 1}: {x} / {y}")
            if len(out) >= shown:
                break
    if len(a) != len(b):
        out.append(f"{table}: {len(a)} rows / {len(b)} rows")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--table", action="append", help=f"default: {', '.join(TABLES)}")
    args = ap.parse_args()
    failed = False
    for table in args.table or TABLES:
        found = differences(args.old, args.new, table)
        n = len(rows_of(args.new, table)[1])
        print(f"{table}: {'same' if not found else 'DIFFERENT'} ({n:,} rows)")
        for line in found:
            print("  " + line)
        failed |= bool(found)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
