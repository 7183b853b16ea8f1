"""Turn coders' working files (evidence as quoted words) into the repository's label files
(evidence as offsets into the unit): the quotes are used to find the offsets, then dropped,
so no source text enters the repository.

    python -m annotate.training.convert texts IN.jsonl OUT.jsonl
    python -m annotate.training.convert written IN.jsonl OUT.jsonl

Every line is checked before it is taken (:func:`problems_texts`, :func:`problems_written`):
the unit resolves to its text with the SHA-1 the coder recorded, every quoted evidence is
words of that unit, codes, roles and modalities are the codebook's, the unit overlaps no
unit already in the repository (nor another line of the same file), and it names none of
the evaluation-only documents (``evaluation-only.txt``); a written unit repeats no source
text (:mod:`.copies`: the training texts, and the corpus when a database is built). A line
with a problem is left out and reported as ``FILE:LINE: problem``; the others are converted.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..taxonomy import Taxonomy, load_taxonomy
from .copies import SourceRuns, source_runs
from .data import HERE, LABELS_DIR, WRITTEN_DIR, texts_root
from .textref import TextRefError, unit_text

EVALUATION_ONLY_FILE = HERE / "evaluation-only.txt"


def evaluation_only_names(path: Path = EVALUATION_ONLY_FILE) -> tuple[str, ...]:
    """Names of the documents kept for measuring generalisation (one a line; # comments)."""
    return tuple(line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines()
                 if line.split("#", 1)[0].strip())


def _codes(codes: list[dict], text: str) -> list[dict]:
    out = []
    for c in codes:
        item = {"code": c["code"]}
        ev = c.get("evidence") or ""
        at = text.find(ev) if ev else -1
        if at >= 0:
            item["start"], item["end"] = at, at + len(ev)
        if c.get("code", "").startswith("subjects.") and c.get("role"):
            item["role"] = c["role"]
        item["modality"] = c.get("modality") or "none"
        out.append(item)
    return out


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Existing:
    """What the repository already holds, so that a new line cannot repeat it."""
    spans: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    texts: set[tuple[str, str]] = field(default_factory=set)     # (lang, normalised text)

    def add_span(self, doc: str, loc: str, start: int, end: int) -> None:
        self.spans.setdefault((doc, loc), []).append((start, end))

    def overlaps(self, doc: str, loc: str, start: int, end: int) -> tuple[int, int] | None:
        for s, e in self.spans.get((doc, loc), ()):
            if start < e and s < end:
                return s, e
        return None


def existing_units(labels_dir: Path = LABELS_DIR, written_dir: Path = WRITTEN_DIR,
                   skip: Path | None = None) -> Existing:
    """The spans of the label files, the ids and texts of the written units (``skip``: the
    file being rewritten, so converting twice does not collide with itself)."""
    from .data import text_label_units, written_units
    found = Existing()
    for path in sorted(labels_dir.glob("*.jsonl")):
        if skip is not None and path.resolve() == skip.resolve():
            continue
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                found.add_span(obj["doc"], obj.get("loc", ""), obj["start"], obj["end"])
    written = written_units(written_dir)
    if skip is not None and skip.exists() and skip.parent.resolve() == written_dir.resolve():
        skipped = {json.loads(l)["id"] for l in skip.read_text("utf-8").splitlines() if l.strip()}
        written = [u for u in written if u.id not in skipped]
    found.ids = {u.id for u in written}
    found.texts = {(u.lang, _norm(u.text)) for u in written}
    root = texts_root()
    if root is not None:
        labelled = text_label_units(root, labels_dir)
        if skip is not None and skip.parent.resolve() == labels_dir.resolve():
            labelled = [u for u in labelled if not _from_file(u.id, skip)]
        found.texts |= {(u.lang, _norm(u.text)) for u in labelled}
    return found


def _from_file(unit_id: str, path: Path) -> bool:
    return False if not path.exists() else unit_id in {
        f"{o['doc']}#{o.get('loc', '')}[{o['start']}:{o['end']}]"
        for o in (json.loads(l) for l in path.read_text("utf-8").splitlines() if l.strip())}


def _label_problems(codes: object, text: str, taxonomy: Taxonomy) -> list[str]:
    if not isinstance(codes, list):
        return ["codes is not a list"]
    out = []
    for c in codes:
        code = c.get("code") if isinstance(c, dict) else None
        if code not in taxonomy:
            out.append(f"unknown code {code!r}")
            continue
        if code.startswith("subjects.") and c.get("role") not in taxonomy.roles:
            out.append(f"{code}: role {c.get('role')!r} is not one of {', '.join(taxonomy.roles)}")
        if (c.get("modality") or "none") not in taxonomy.modalities:
            out.append(f"{code}: unknown modality {c.get('modality')!r}")
        ev = c.get("evidence")
        if ev is not None and (not isinstance(ev, str) or not ev or ev not in text):
            out.append(f"{code}: evidence {str(ev)[:40]!r} is not words of the unit")
    return out


def _names_evaluation_only(obj: dict, text: str, names: tuple[str, ...]) -> str | None:
    haystack = " ".join(str(obj.get(k) or "") for k in ("doc", "note", "id")) + " " + text
    return next((n for n in names if n in haystack), None)


def problems_texts(obj: dict, root: Path, taxonomy: Taxonomy, existing: Existing,
                   names: tuple[str, ...]) -> tuple[list[str], str | None]:
    """Problems of one line labelling a training text, and the unit's text when it resolves."""
    missing = [k for k in ("doc", "start", "end", "sha1", "lang", "codes") if k not in obj]
    if missing:
        return [f"missing {', '.join(missing)}"], None
    doc, loc, start, end = obj["doc"], obj.get("loc", ""), obj["start"], obj["end"]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
        return [f"bad offsets [{start}:{end}]"], None
    try:
        text = unit_text(root, doc, loc, start, end, obj["sha1"])
        for key in ("lead", "heading"):
            if obj.get(key):
                unit_text(root, doc, loc, *obj[key])
    except (TextRefError, TypeError) as exc:
        return [str(exc)], None
    out = _label_problems(obj["codes"], text, taxonomy)
    hit = existing.overlaps(doc, loc, start, end)
    if hit:
        out.append(f"overlaps the unit [{hit[0]}:{hit[1]}] already labelled in {doc} {loc}")
    elif (obj["lang"], _norm(text)) in existing.texts:
        out.append("same text as a unit already in the training data")
    # a training text may cite an evaluation-only act (rules issued under it): the
    # document and the coder's note decide, not the words of the unit
    name = _names_evaluation_only(obj, "", names)
    if name:
        out.append(f"is an evaluation-only document ({name})")
    return out, text


def problems_written(obj: dict, taxonomy: Taxonomy, existing: Existing,
                     names: tuple[str, ...], copies: SourceRuns | None = None) -> list[str]:
    missing = [k for k in ("id", "doc", "lang", "text", "codes") if not obj.get(k) and k != "codes"]
    if missing or "codes" not in obj:
        return [f"missing {', '.join(missing or ['codes'])}"]
    text = obj["text"]
    out = _label_problems(obj["codes"], text, taxonomy)
    if obj["id"] in existing.ids:
        out.append(f"id {obj['id']} already used")
    if (obj["lang"], _norm(text)) in existing.texts:
        out.append("same text as a unit already in the training data")
    name = _names_evaluation_only(obj, text, names)
    if name:
        out.append(f"names an evaluation-only document ({name})")
    copied = copies.problem(text, obj["lang"]) if copies is not None else None
    if copied:
        out.append(copied)
    return out


@dataclass
class Converted:
    written: int
    rejected: list[str]          # "FILE:LINE: problem"


def _lines(src: Path):
    for n, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, None, f"not JSON ({exc.msg})"
            continue
        yield n, obj, None if isinstance(obj, dict) else "not a JSON object"


def convert_texts(src: Path, dst: Path, existing: Existing | None = None) -> Converted:
    root = texts_root()
    if root is None:
        raise SystemExit("../shared/training-texts not found")
    taxonomy, names = load_taxonomy(), evaluation_only_names()
    existing = existing if existing is not None else existing_units(skip=dst)
    rows, rejected = [], []
    for n, obj, bad in _lines(src):
        problems, text = ([bad], None) if bad else problems_texts(obj, root, taxonomy, existing,
                                                                  names)
        if problems:
            rejected += [f"{src.name}:{n}: {p}" for p in problems]
            continue
        row = {k: obj[k] for k in ("doc", "loc", "start", "end", "sha1", "lang") if k in obj}
        for k in ("lead", "heading", "jurisdiction", "kind"):
            if obj.get(k):
                row[k] = obj[k]
        row["codes"] = _codes(obj.get("codes", []), text)
        if obj.get("note"):
            row["note"] = obj["note"]
        rows.append(row)
        existing.add_span(obj["doc"], obj.get("loc", ""), obj["start"], obj["end"])
        existing.texts.add((obj["lang"], _norm(text)))
    dst.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return Converted(len(rows), rejected)


def convert_written(src: Path, dst: Path, existing: Existing | None = None,
                    copies: SourceRuns | None = None) -> Converted:
    """``copies``: the source texts a written unit must not repeat (:mod:`.copies`)."""
    taxonomy, names = load_taxonomy(), evaluation_only_names()
    existing = existing if existing is not None else existing_units(skip=dst)
    rows, rejected = [], []
    for n, obj, bad in _lines(src):
        problems = [bad] if bad else problems_written(obj, taxonomy, existing, names, copies)
        if problems:
            rejected += [f"{src.name}:{n}: {p}" for p in problems]
            continue
        obj["codes"] = _codes(obj.get("codes", []), obj["text"])
        rows.append(obj)
        existing.ids.add(obj["id"])
        existing.texts.add((obj["lang"], _norm(obj["text"])))
    dst.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return Converted(len(rows), rejected)


def _copy_check() -> SourceRuns:
    """The training texts and, when a database is built, the corpus's provisions."""
    import sqlite_utils
    from plea.corpus.paths import db_path
    path = db_path()
    db = sqlite_utils.Database(path) if path.exists() else None
    if db is None:
        print(f"no database at {path}: written units checked against the training texts only "
              "(run `plea build` to check them against the corpus too)", file=sys.stderr)
    return source_runs(texts_root(), db)


if __name__ == "__main__":
    kind, src, dst = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if kind == "texts":
        result = convert_texts(src, dst)
    else:
        result = convert_written(src, dst, copies=_copy_check())
    for line in result.rejected:
        print(line, file=sys.stderr)
    print(f"{result.written} units → {dst}; {len(result.rejected)} problems "
          f"(those lines left out)")
