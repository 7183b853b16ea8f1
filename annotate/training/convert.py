"""Turn coders' working files (evidence as quoted words) into the repository's label files
(evidence as offsets into the unit): the quotes are used to find the offsets, then dropped,
so no source text enters the repository.

    python -m annotate.training.convert texts IN.jsonl OUT.jsonl
    python -m annotate.training.convert written IN.jsonl OUT.jsonl
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .data import texts_root
from .textref import unit_text


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


def convert_texts(src: Path, dst: Path) -> int:
    root = texts_root()
    rows = []
    for line in src.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        text = unit_text(root, obj["doc"], obj.get("loc", ""), obj["start"], obj["end"])
        row = {k: obj[k] for k in ("doc", "loc", "start", "end", "sha1", "lang") if k in obj}
        for k in ("lead", "heading", "jurisdiction", "kind"):
            if obj.get(k):
                row[k] = obj[k]
        row["codes"] = _codes(obj.get("codes", []), text)
        if obj.get("note"):
            row["note"] = obj["note"]
        rows.append(row)
    dst.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def convert_written(src: Path, dst: Path) -> int:
    rows = []
    for line in src.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        obj["codes"] = _codes(obj.get("codes", []), obj["text"])
        rows.append(obj)
    dst.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


if __name__ == "__main__":
    kind, src, dst = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    n = (convert_texts if kind == "texts" else convert_written)(src, dst)
    print(f"{n} units → {dst}")
