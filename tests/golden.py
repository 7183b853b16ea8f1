"""Golden trees: each parser's document tree for a short invented text, kept as a readable file.

``tests/fixtures/golden/cases.toml`` names one fixture per parser; beside each fixture,
``<file>.tree`` is the tree the parser must produce from it: every node's eId, level,
kind and line, then its printed number, heading, text, citation and attributes, one
field a line, indented under its parent. ``tests/test_golden.py`` fails on any
difference. After an intended change, regenerate and read the diff before committing:

    .venv/bin/python -m tests.golden --update          # every case
    .venv/bin/python -m tests.golden --update uslm     # one parser
"""
from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

from plea.corpus import fidelity
from plea.corpus.model import Document, Node, ParseContext
from plea.corpus.parsers import get_parser

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden"
CASES_FILE = GOLDEN / "cases.toml"
UPDATE = ".venv/bin/python -m tests.golden --update"
FIELDS = ("num", "num_norm", "heading", "text", "wrapup", "citation", "lang")


def cases() -> dict[str, dict]:
    """Parser name -> its case (file, lang, short_title, options)."""
    return tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))


def parse_case(name: str, case: dict) -> Document:
    path = GOLDEN / case["file"]
    ctx = ParseContext(source_id=f"golden-{name}", path=case["file"], lang=case["lang"],
                       short_title=case.get("short_title", ""),
                       options=dict(case.get("options", {})))
    return get_parser(name)(path.read_bytes(), ctx)


def _value(value) -> str:
    # JSON quoting shows trailing spaces and line breaks, which fidelity depends on.
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _node(node: Node, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    line = f" line {node.line}" if node.line is not None else ""
    out.append(f"{pad}{node.eid} ({node.level}, {node.kind}){line}")
    for name in FIELDS:
        value = getattr(node, name)
        if value not in (None, ""):
            out.append(f"{pad}  {name}: {_value(value)}")
    for key in sorted(node.attrs):
        out.append(f"{pad}  attrs.{key}: {_value(node.attrs[key])}")
    for child in node.children:
        _node(child, depth + 1, out)


def render(name: str, case: dict, doc: Document) -> str:
    """The readable tree of ``doc``: the file the golden test compares."""
    report = fidelity.check(doc)
    out = [f"# {name} reading {case['file']}: the expected tree (regenerate: {UPDATE} {name})",
           f"title: {_value(doc.title)}",
           f"fidelity: {'ok' if report.ok else 'TEXT LOST OR ADDED'} "
           f"({report.body_chars} body characters)"]
    for key in sorted(doc.meta):
        out.append(f"meta.{key}: {_value(doc.meta[key])}")
    out.append("")
    for root in doc.nodes:
        _node(root, 0, out)
    return "\n".join(out) + "\n"


def tree_path(case: dict) -> Path:
    return GOLDEN / f"{case['file']}.tree"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Check or rewrite the golden parser trees.")
    ap.add_argument("--update", action="store_true", help="rewrite the .tree files")
    ap.add_argument("parsers", nargs="*", help="only these parsers (default: all)")
    args = ap.parse_args(argv)
    all_cases = cases()
    unknown = [p for p in args.parsers if p not in all_cases]
    if unknown:
        print(f"{CASES_FILE}: no case for {', '.join(unknown)}; cases: {', '.join(all_cases)}",
              file=sys.stderr)
        return 2
    differ = 0
    for name, case in all_cases.items():
        if args.parsers and name not in args.parsers:
            continue
        text = render(name, case, parse_case(name, case))
        path = tree_path(case)
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        if old == text:
            print(f"{name}: unchanged")
        elif args.update:
            path.write_text(text, encoding="utf-8")
            print(f"{name}: {'rewrote' if old is not None else 'wrote'} {path.name}")
        else:
            differ += 1
            print(f"{name}: {path.name} differs (rerun with --update, then read the diff)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
