"""The whole pipeline on the real corpus: cold build, rebuild with nothing changed,
rebuild after editing one source; per-stage seconds of each.

    .venv/bin/python benchmarks/rebuild.py [--jobs N] [--sources DIR]

The sources are copied to a temporary directory so one file can be edited (a blank line
appended to the Legal Aid Law: a new checksum, the same provisions; then words added to
its last line: one provision's text changed); the build then reports that file's
checksum as differing from the manifest, which is expected here and accepted
(``keep_going``) for that build. Figures depend on
the machine and its load (printed); compare ratios.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from plea.corpus.sources import load_sources, resolve_sources_dir
from plea.pipeline import run_build
from machine import describe  # noqa: E402  (benchmarks/ is the script's directory)

EDITED = "cn-legal-aid-2021"   # a source few others cite (see README: what is redone)


def timed(label: str, **kw) -> None:
    t0 = time.perf_counter()
    report = run_build(**kw)
    seconds = time.perf_counter() - t0
    actions: dict[str, int] = {}
    for r in report.results:
        actions[r.action] = actions.get(r.action, 0) + 1
    stages = ", ".join(f"{name} {secs:.1f}s" for name, secs, _ in report.stages)
    print(f"{label:28} {seconds:6.1f}s  sources {actions}  {stages or '(no stage ran)'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources")
    ap.add_argument("--jobs", type=int)
    args = ap.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory(prefix="plea-rebuild-") as tmp:
        tmp = Path(tmp)
        sources = tmp / "corpus"
        shutil.copytree(resolve_sources_dir(args.sources), sources)
        db, store = tmp / "plea.db", tmp / "no-annotations.db"
        kw = dict(sources_dir=sources, db_path=db, annotations=store, jobs=args.jobs)
        timed("cold", **kw)
        timed("nothing changed", **kw)
        source = next(s for s in load_sources() if s.id == EDITED)
        path = sources / source.files[0].path
        path.chmod(0o644)
        with path.open("a", encoding="utf-8") as f:
            f.write("\n")          # a blank line: a new checksum, the same provisions
        timed(f"blank line added ({EDITED})", keep_going=True, **kw)
        text = path.read_text(encoding="utf-8")
        last = text.rstrip().rsplit("\n", 1)[-1]
        # A provision's words changed: its source's rows are made again, and every stage
        # that reads them runs.
        path.write_text(text.replace(last, last + "（本条经修改）", 1), encoding="utf-8")
        timed(f"one provision edited ({EDITED})", keep_going=True, **kw)
        conn = sqlite3.connect(db)
        print("  stage log of the last build: " + "; ".join(
            f"{a} {m}" for a, m in conn.execute(
                "SELECT action, message FROM build_log WHERE action LIKE 'stage:%' AND "
                "build_id = (SELECT max(id) FROM builds) AND message LIKE '%reused%'")))
        conn.close()


if __name__ == "__main__":
    main()
