"""Every node id of the real corpus, for checking that parser changes keep them.

The reference coding and the human annotations are anchored to provision ids
(``<source id>:<eId>``), so a parser change that renames an eId loses annotations.
``tests/fixtures/eids/real-corpus.tsv`` holds, per present source, the number of nodes
and a SHA-256 of their ids, parents, levels and kinds in reading order (ids, never
text). ``tests/test_eids_real.py`` parses every real source and compares.

    python -m tests.eid_snapshot --dump FILE     # every id, one a line, to diff by hand
    python -m tests.eid_snapshot --update        # rewrite the digest file (an intended change)
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from plea.corpus.build import parse_source
from plea.corpus.sources import load_sources, resolve_sources_dir

DIGESTS = Path(__file__).resolve().parent / "fixtures" / "eids" / "real-corpus.tsv"


def source_lines(sources_dir: Path) -> dict[str, list[str]]:
    """Per present source: one line per node (``id parent level kind``), in reading order."""
    out: dict[str, list[str]] = {}
    for source in load_sources():
        if source.missing or not source.parser:
            continue
        doc, _, _ = parse_source(source, sources_dir)
        out[source.id] = [f"{source.id}:{node.eid}\t{parent.eid if parent else ''}\t"
                          f"{node.level}\t{node.kind}" for node, parent in doc.walk()]
    return out


def digests(lines: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    return {sid: (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
            for sid, rows in lines.items()}


def read_digests(path: Path = DIGESTS) -> dict[str, tuple[int, str]]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            sid, count, digest = line.split("\t")
            found[sid] = (int(count), digest)
    return found


def write_digests(found: dict[str, tuple[int, str]], path: Path = DIGESTS) -> None:
    rows = ["# source id, nodes, SHA-256 of their ids/parents/levels/kinds "
            "(python -m tests.eid_snapshot --update)"]
    rows += [f"{sid}\t{n}\t{d}" for sid, (n, d) in sorted(found.items())]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dump", type=Path, help="write every id, one a line, to this file")
    ap.add_argument("--update", action="store_true", help=f"rewrite {DIGESTS.name}")
    ap.add_argument("--sources", help="sources directory (default ../shared/corpus)")
    args = ap.parse_args(argv)
    lines = source_lines(resolve_sources_dir(args.sources))
    if args.dump:
        args.dump.write_text("".join(r + "\n" for rows in lines.values() for r in rows),
                             encoding="utf-8")
        print(f"{args.dump}: {sum(map(len, lines.values()))} ids of {len(lines)} sources")
    if args.update:
        write_digests(digests(lines))
        print(f"{DIGESTS}: rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
