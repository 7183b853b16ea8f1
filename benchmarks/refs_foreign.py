"""Foreign law in references: how many references name a country, and how many of those
land on another country's work (annotate/refs/audit.py), over the built corpus and,
when ../shared/training-texts is there, over those texts too (read line by line, with
no context: the check of how the grammars read other countries' law in the wild).

    .venv/bin/python benchmarks/refs_foreign.py [--db PATH] [--training DIR] [--show N]

Without --db the corpus is built into a temporary file first.
"""
from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path

from plea.corpus import vocab

from plea.annotate.refs.audit import Audit, audit_database, audit_refs
from plea.annotate.refs.extract import extract
from machine import describe  # noqa: E402  (benchmarks/ is the script's directory)

TRAINING = Path(__file__).resolve().parents[2] / "shared" / "training-texts"
# The training texts sit in one folder per BCP 47 tag (zh-Hans, zh-Hant, en, de).
LANG_OF_FOLDER = {tag: lang.code for lang in vocab.vocabulary().languages for tag in lang.tags}


def home_of(name: str) -> str:
    """The compared system a training text belongs to, from its file name (SOURCES.md
    there: cn-…, tw-…); texts of other countries (at-…) are "other"."""
    code = vocab.jurisdiction_of_prefix(name)
    return code if code in vocab.compared_jurisdictions() else "other"


def training_lines(root: Path):
    """(file, line number, lang, text) of every non-empty line of the training texts;
    the MOJ JSON files give their article texts, XML its text with the tags removed."""
    for folder, lang in LANG_OF_FOLDER.items():
        for path in sorted((root / folder).glob("*")):
            raw = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".json":
                data = json.loads(raw)
                texts = [a.get("條文內容") or a.get("ArticleContent") or ""
                         for a in data.get("法規內容", data.get("LawArticles", [])) if isinstance(a, dict)]
                raw = "\n".join(texts) if texts else raw
            elif path.suffix == ".xml":
                raw = re.sub(r"<[^>]+>", " ", raw)
            for n, line in enumerate(raw.splitlines(), 1):
                if line.strip():
                    yield path.name, n, lang, line


def audit_training(root: Path) -> Audit:
    rows = []
    for name, n, lang, line in training_lines(root):
        for ref in extract(line, lang):
            home = home_of(name)
            rows.append((f"{name}:{n}", line, ref.start, ref.end, ref.work, lang, home))
    return audit_refs(rows)


def show(label: str, report: Audit, limit: int) -> None:
    print(f"{label}: {report.references} references with a work; {report.naming} name a country "
          f"({report.foreign} another than the citing text's); assigned to another country's "
          f"work: {len(report.wrong)}")
    for f in report.wrong[:limit]:
        print(f"  {f.from_id}: {f.text!r} → {f.work} ({f.work_jurisdiction}); names {', '.join(f.named)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--training", type=Path, default=TRAINING)
    ap.add_argument("--show", type=int, default=10, help="findings to print")
    args = ap.parse_args()
    print(describe())
    db = args.db
    if db is None:
        from plea.corpus.build import build
        from plea.corpus.sources import load_sources, resolve_sources_dir
        db = Path(tempfile.mkdtemp()) / "plea.db"
        build(db, load_sources(), resolve_sources_dir(None))
    show("corpus", audit_database(db), args.show)
    if args.training.is_dir():
        t0 = time.perf_counter()
        report = audit_training(args.training)
        show(f"training texts ({time.perf_counter() - t0:.1f} s)", report, args.show)


if __name__ == "__main__":
    main()
