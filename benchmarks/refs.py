"""Cross-references over the whole corpus: references per second, the CPL's internal
resolution rate, and the scores on the development gold file.

    .venv/bin/python benchmarks/refs.py [--sources DIR] [--db PATH] [--gold FILE]

Without --db the corpus is built into a temporary file first (not timed). The stage is
run on a copy, so a given database is left as it was. Figures depend on the machine.
"""
from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import sqlite_utils

from plea.annotate.refs.evaluate import evaluate_file, format_report
from plea.annotate.refs.extract import extract
from plea.annotate.refs.stage import link_database
from machine import describe  # noqa: E402  (benchmarks/ is the script's directory)

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold" / "dev-refs.jsonl"


def cpl_internal(db: Path) -> tuple[int, int]:
    """References in the 2018 CPL that point into the CPL, and how many resolve."""
    conn = sqlite3.connect(db)
    total, ok = conn.execute(
        "SELECT count(*), sum(status IN ('resolved', 'work')) FROM refs "
        "WHERE from_source = 'cn-cpl-2018' AND work = 'cn-cpl'").fetchone()
    conn.close()
    return total, ok or 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources")
    ap.add_argument("--db", help="a built database (default: build one)")
    ap.add_argument("--gold", default=str(GOLD))
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "refs.db"
        if args.db:
            source_db = Path(args.db)
        else:
            from plea.corpus.build import build
            from plea.corpus.sources import load_sources, resolve_sources_dir
            source_db = Path(tmp) / "built.db"
            build(source_db, load_sources(), resolve_sources_dir(args.sources))
        conn = sqlite3.connect(source_db)
        texts = conn.execute("SELECT text, lang FROM provisions WHERE kind = 'provision' "
                             "UNION ALL SELECT text, lang FROM commentary").fetchall()
        conn.close()
        chars = sum(len(t or "") for t, _ in texts)

        t0 = time.perf_counter()
        found = sum(len(extract(t, lang)) for t, lang in texts if t)
        extract_s = time.perf_counter() - t0
        print(f"extraction only (no context): {found} references in {len(texts)} texts, "
              f"{chars / 1e6:.1f} M characters, {extract_s:.2f}s → {found / extract_s:,.0f} refs/s, "
              f"{chars / extract_s / 1e6:.2f} M chars/s")

        best, count = None, 0
        for _ in range(args.repeat):
            shutil.copy(source_db, work)
            db = sqlite_utils.Database(work)
            t0 = time.perf_counter()
            count = link_database(db)
            seconds = time.perf_counter() - t0
            db.close()
            best = seconds if best is None else min(best, seconds)
        print(f"stage (extract + resolve + write): {count} references, best {best:.2f}s of "
              f"{args.repeat} → {count / best:,.0f} refs/s")
        conn = sqlite3.connect(work)
        for status, n in conn.execute("SELECT status, count(*) FROM refs GROUP BY 1 ORDER BY 2 DESC"):
            print(f"  {status:10} {n}")
        conn.close()
        total, ok = cpl_internal(work)
        rate = ok / total if total else 1.0
        print(f"CPL 2018 references into the CPL: {ok}/{total} resolve ({rate:.1%})")
    if Path(args.gold).is_file():
        print(format_report(evaluate_file(args.gold), details=False))


if __name__ == "__main__":
    main()
