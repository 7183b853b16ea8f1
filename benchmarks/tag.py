"""Tagging speed: pipeline load time and units per second per language on the whole corpus.

    python benchmarks/tag.py [--db PATH]

Reads the leaf provisions from a built database (``plea build --db PATH`` first;
default ``data/plea.db``) — the same units the build's tagging stage tags — and
tags them with the lead-ins they inherit, language by language.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlite_utils  # noqa: E402

from plea.annotate.stage import read_units  # noqa: E402
from plea.annotate.taggers import REGISTRY, get_tagger  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "plea.db")
    parser.add_argument("--tagger", choices=sorted(REGISTRY), default=None,
                        help="tagger by name (default: the project's default, as the build uses it)")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"no database at {args.db}: run `plea build --db {args.db}` first")
    db = sqlite_utils.Database(args.db)
    units = read_units(db)
    by_lang: dict[str, list] = {}
    for unit in units:
        by_lang.setdefault(unit.lang, []).append(unit)

    t0 = time.perf_counter()
    tagger = get_tagger(args.tagger).for_corpus()
    load_all = time.perf_counter() - t0
    print(f"{len(units)} units from {args.db}; tagger {tagger.name} loaded in {load_all:.2f} s")
    total_units = total_tags = 0
    total_seconds = 0.0
    for lang in sorted(by_lang):
        t0 = time.perf_counter()
        list(tagger.tag_many([by_lang[lang][0].as_unit()]))   # builds the language's pipeline
        load = time.perf_counter() - t0
        batch = by_lang[lang]
        chars = sum(len(u.text) for u in batch)
        t0, c0 = time.perf_counter(), time.process_time()
        tags = sum(len(t) for t in tagger.tag_many(u.as_unit() for u in batch))
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - c0   # what to compare on a shared machine
        total_units += len(batch)
        total_tags += tags
        total_seconds += seconds + load
        print(f"  {lang}: pipeline load {load:5.2f} s   {len(batch):6d} units  {chars:8d} chars  "
              f"{seconds:6.2f} s  {len(batch) / seconds:7.0f} units/s  "
              f"(CPU {cpu:5.2f} s, {len(batch) / cpu:7.0f} units/s)  {tags} tags")
    print(f"total: {total_units} units, {total_tags} tags, {total_seconds:.1f} s "
          f"including pipeline loads")


if __name__ == "__main__":
    main()
