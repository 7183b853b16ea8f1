"""Build the whole corpus cold and warm; print times and provisions per second.

    .venv/bin/python benchmarks/build.py [--sources DIR]

Cold: no previous database, every source parsed. Warm: unchanged sources are
copied from the previous build. Figures depend on the machine; compare ratios.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from plea.corpus.build import build
from plea.corpus.sources import load_sources, resolve_sources_dir
from machine import describe  # noqa: E402  (benchmarks/ is the script's directory)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sources = load_sources()
    directory = resolve_sources_dir(args.sources)
    print(describe())
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        for label in ("cold", "warm"):
            times = []
            for _ in range(args.repeat):
                if label == "cold":
                    db.unlink(missing_ok=True)
                t0 = time.perf_counter()
                report = build(db, sources, directory)
                times.append(time.perf_counter() - t0)
            best = min(times)
            print(f"{label}: best {best:.2f}s of {args.repeat}, {report.provisions} provisions, "
                  f"{report.provisions / best:,.0f} provisions/s")
            if label == "cold":
                slowest = sorted(report.results, key=lambda r: -r.seconds)[:5]
                print("  slowest sources: " + ", ".join(f"{r.source.id} {r.seconds:.2f}s"
                                                        for r in slowest))
        print(f"database size: {db.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
