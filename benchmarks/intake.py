"""Reading downloaded files and comparing versions: how long a scholar waits.

    .venv/bin/python benchmarks/intake.py [--sources DIR] [--repeat N]

Prints the time to read and parse the guiding-opinion fixture in each input format
(tests/fixtures/guiding/, the same text as HTML, Word, PDF, Markdown and text), and the
time of `plea diff` on the SPC Interpretations 2012 → 2021 (built into a temporary
database first, not timed). Figures depend on the machine; compare ratios.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from plea.annotate.versions import diff_versions
from plea.corpus.build import build
from plea.corpus.model import ParseContext
from plea.corpus.parsers import get_parser
from plea.corpus.sources import load_sources, resolve_sources_dir
from machine import describe  # noqa: E402  (benchmarks/ is the script's directory)

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "guiding"
FILES = ["opinion.txt", "opinion-gb18030.txt", "opinion.md", "opinion.html", "opinion.docx",
         "opinion.pdf"]


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", help="sources directory (default: ../shared/corpus)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(describe())
    parse = get_parser("cn-guiding")
    for name in FILES:
        data = (FIXTURES / name).read_bytes()
        ctx = ParseContext(source_id="bench", path=name, lang="zh", short_title="指导意见")
        seconds = timed(lambda: parse(data, ctx), args.repeat)
        print(f"read + parse {name:<22} {len(data):>7} bytes  {seconds * 1000:7.1f} ms")
    wanted = ("cn-spc-interpretation-2012", "cn-spc-interpretation-2021")
    sources = [s for s in load_sources() if s.id in wanted]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "spc.db"
        build(db, sources, resolve_sources_dir(args.sources))
        seconds = timed(lambda: diff_versions(db, "cn-spc-interpretation-2021", "2012", "2021"),
                        max(1, args.repeat // 2))
        result = diff_versions(db, "cn-spc-interpretation-2021", "2012", "2021")
        n = result.counts()
        print(f"plea diff SPC Interpretation 2012 → 2021 (548 → 655 articles): {seconds:.2f} s; "
              f"{n['unchanged']} unchanged, {n['changed']} changed, {n['moved']} moved, "
              f"{n['added']} added, {n['removed']} removed")


if __name__ == "__main__":
    main()
