"""Assemble ``coding.jsonl`` from the coders' working files (kept outside the repository,
since they quote the units): the unit list with texts, pass A, pass B and the adjudicated
decisions on the disputed units. Each argument may be given several times (one file per
language group); units are written in the order of the unit files.

    python -m annotate.reference.assemble --units U.jsonl --a A.jsonl --b B.jsonl \\
        --adjudicated ADJ.jsonl [--out annotate/reference/coding.jsonl]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from .coding import CODING_FILE, make_coding, write_coding


def _read(paths: list[Path]) -> list[dict]:
    out = []
    for p in paths:
        out += [json.loads(l) for l in p.read_text(encoding="utf-8").splitlines() if l.strip()]
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=Path, action="append", required=True)
    ap.add_argument("--a", type=Path, action="append", required=True)
    ap.add_argument("--b", type=Path, action="append", required=True)
    ap.add_argument("--adjudicated", type=Path, action="append", default=[])
    ap.add_argument("--out", type=Path, default=CODING_FILE)
    ap.add_argument("--coded", default="", help="date of the coding (header)")
    args = ap.parse_args(argv)
    units = _read(args.units)
    by_id = lambda rows: {r["unit"]: r for r in rows}  # noqa: E731
    lines = make_coding(units, by_id(_read(args.a)), by_id(_read(args.b)),
                        by_id(_read(args.adjudicated)),
                        meta={"coded": args.coded,
                              "method": "two independent passes (A, B) by coders who did not "
                                        "see each other's work or the tagger's output; "
                                        "disagreements adjudicated with a note"})
    write_coding(lines, args.out)
    print(f"{len(lines) - 1} units → {args.out}")


if __name__ == "__main__":
    main()
