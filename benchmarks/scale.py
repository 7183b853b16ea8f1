"""Scale: build and query a synthetic corpus N times the real one; figures as ratios.

    .venv/bin/python benchmarks/scale.py [--scale 100] [--jobs N] [--repeat 30] [--no-baseline]

Generates the corpus (``scale_corpus.py``) into a temporary directory, builds it cold with
``plea build`` in a child process (wall time, peak memory of the build and its workers,
per-stage seconds from ``build_log``: tags/s, references/s), then serves it with
``plea serve`` and times the pages users wait on: search for 1-, 2- and 4-character
Chinese and 1-, 2- and 4-word English queries (p50, p95), the matrix and a code page.
The same measures on the real corpus (``../shared/corpus``) are the baseline the
ratios are taken to, so a shared, noisy machine still gives comparable figures.
Nothing is written outside the temporary directory.
"""
from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale_corpus import generate  # noqa: E402
from web import get, percentile, served  # noqa: E402
from machine import describe  # noqa: E402  (benchmarks/ is the script's directory)

# A page slower than this once is timed once, not ``repeat`` times.
PATIENCE = 5.0
QUERIES = [("zh 1 char", "认"), ("zh 2 chars", "协商"), ("zh 4 chars", "量刑建议"),
           ("en 1 word", "plea"), ("en 2 words", "plea agreement"),
           ("en 4 words", "plea of guilty voluntary")]


def build(sources: Path | None, manifest: Path | None, db: Path, jobs: int | None,
          store: Path) -> dict:
    """A cold ``plea build`` in a child process: seconds, peak memory, stage figures."""
    cmd = [sys.executable, "-m", "plea.cli", "build", "--db", str(db), "--force",
           "--annotations", str(store)]
    if sources:
        cmd += ["--sources", str(sources)]
    if manifest:
        # The shipped manifest's sources are not in the synthetic directory: their
        # missing files are accepted.
        cmd += ["--manifest", str(manifest), "--keep-going"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"build failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    # ru_maxrss of children is the largest of any waited-for child (kB on Linux).
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1e6
    conn = sqlite3.connect(db)
    out = {"seconds": seconds, "peak_gb": peak,
           "provisions": conn.execute("SELECT count(*) FROM provisions "
                                      "WHERE kind = 'provision'").fetchone()[0],
           "units_tagged": conn.execute("SELECT count(*) FROM tags_machine").fetchone()[0],
           "refs": conn.execute("SELECT count(*) FROM refs").fetchone()[0]}
    for action, secs in conn.execute("SELECT action, seconds FROM build_log "
                                     "WHERE action LIKE 'stage:%'"):
        out[action] = secs
    code = conn.execute("SELECT code FROM tags GROUP BY code ORDER BY count(*) DESC "
                        "LIMIT 1").fetchone()
    out["code"] = code[0] if code else "subjects.defense_counsel"
    conn.close()
    return out


def serve_and_time(db: Path, code: str, repeat: int) -> dict:
    with served(db, start_timeout=120) as base:
        pages = [(label, "/search?q=" + urllib.parse.quote(q)) for label, q in QUERIES]
        pages += [("matrix", "/"), ("code page (most tagged code)", f"/code/{code}")]
        out = {}
        for number, (label, path) in enumerate(pages):
            # Each page from a loopback address of its own: the 186 searches of a run
            # would pass the server's limit of 120 a minute from one address.
            source = f"127.0.0.{number + 2}"
            # A parameter the pages ignore makes each timed URL new to the page cache
            # (plea.web.render.PageCache), so the figures are the pages' own cost.
            sep = "&" if "?" in path else "?"
            first = float("inf")
            try:
                first = get(base + path, source)[0]            # warms SQLite's caches
                times = [first] if first > PATIENCE else [
                    get(f"{base}{path}{sep}run={i}", source)[0] for i in range(repeat)]
            except urllib.error.HTTPError as exc:               # a page that failed
                print(f"{label}: HTTP {exc.code} for {path}", file=sys.stderr)
                times = [float("inf")]
            except OSError:                                     # the client's timeout
                print(f"{label}: no answer in time for {path}", file=sys.stderr)
                times = [float("inf")]
            # The first request is reported too: the code page computes the contrast
            # of its code once per served file (plea.web.pages.code), then keeps it.
            out[label] = (statistics.median(times), percentile(times, 95), first)
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=100.0)
    ap.add_argument("--jobs", type=int)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip the real corpus (no ratios)")
    args = ap.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory(prefix="plea-scale-") as tmp:
        tmp = Path(tmp)
        store = tmp / "no-annotations.db"
        runs = {}
        if not args.no_baseline:
            runs["real"] = build(None, None, tmp / "real.db", args.jobs, store)
            runs["real"]["pages"] = serve_and_time(tmp / "real.db", runs["real"]["code"],
                                                   args.repeat)
        t0 = time.perf_counter()
        files = generate(tmp / "synthetic", args.scale)
        print(f"generated {files} sources ({args.scale:g}× the real corpus) in "
              f"{time.perf_counter() - t0:.1f}s")
        syn = build(tmp / "synthetic", tmp / "synthetic" / "manifest.toml", tmp / "syn.db",
                    args.jobs, store)
        syn["pages"] = serve_and_time(tmp / "syn.db", syn["code"], args.repeat)
        runs["synthetic"] = syn
        report(runs)


def report(runs: dict) -> None:
    real, syn = runs.get("real"), runs["synthetic"]

    def row(label: str, key, fmt: str, unit: str = "") -> None:
        value = key(syn)
        base = key(real) if real else None
        ratio = f"{value / base:8.1f}×" if base else ""
        shown = (fmt.format(base) + unit) if base is not None else ""
        print(f"{label:34} {shown:>14} {fmt.format(value) + unit:>14} {ratio}")

    print(f"{'':34} {'real':>14} {'synthetic':>14} {'ratio':>9}")
    row("provisions", lambda r: r["provisions"], "{:,}")
    row("build (cold, wall)", lambda r: r["seconds"], "{:.1f}", " s")
    row("peak memory", lambda r: r["peak_gb"], "{:.2f}", " GB")
    row("tags stage", lambda r: r.get("stage:tags", 0), "{:.1f}", " s")
    row("  tags/s", lambda r: r["units_tagged"] / max(r.get("stage:tags", 0), 1e-9),
        "{:,.0f}")
    row("references stage", lambda r: r.get("stage:references", 0), "{:.1f}", " s")
    row("  references/s", lambda r: r["refs"] / max(r.get("stage:references", 0), 1e-9),
        "{:,.0f}")
    for label in syn["pages"]:
        row(f"{label} p50", lambda r: r["pages"][label][0] * 1000, "{:.1f}", " ms")
        row(f"{label} p95", lambda r: r["pages"][label][1] * 1000, "{:.1f}", " ms")
        if label.startswith("code page"):
            row(f"{label} first", lambda r: r["pages"][label][2] * 1000, "{:.1f}", " ms")
    print("code pages: " + ", ".join(f"{k} {r['code']}" for k, r in runs.items()))


if __name__ == "__main__":
    main()
