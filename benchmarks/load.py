"""Load on the web view, loopback only: page latency under many clients, with and
without worst-case briefs in flight.

    .venv/bin/python benchmarks/load.py [--db PATH] [--clients 20] [--seconds 30] [--briefs 3]

Serves the database with `plea serve` on 127.0.0.1 (a free port; never another
address), then runs two rounds of ``--clients`` clients, each requesting the pages
in a closed loop (next request when the last answered) for ``--seconds``:

1. pages only;
2. pages while ``--briefs`` clients keep a worst-case brief in flight (every code,
   every jurisdiction, DOCX), each asking for the next as soon as one arrives.

Prints per round: requests, failures (anything but 200; a brief answered 503 by
the cap counts apart), requests/s, median, p95 and max page latency. Search is
left out of the page mix: it is limited per address (120 a minute) and every
client here shares 127.0.0.1. Anonymous pages are cached by URL (render.py);
``--uncached`` makes every URL new, to measure the pages' own cost. Figures
depend on the machine; compare ratios.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from machine import describe  # noqa: E402  (benchmarks/ is the script's directory)

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    "/", "/code/subjects.defense_counsel", "/code/consequences.leniency?jurisdiction=CN",
    "/provision/us-frcrp:rule_11__subsec_c__para_1", "/provision/cn-cpl-2018:art_174",
    "/provision/us-frcrp:rule_11", "/provision/de-stpo:sec_257c", "/-/plea/agreement",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


async def page_client(base: str, until: float, offset: int, times: list[float],
                      failures: list[str], uncached: bool = False) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        i = offset
        while time.monotonic() < until:
            path = PAGES[i % len(PAGES)]
            if uncached:   # a parameter the pages ignore, so every URL is new to the cache
                path += ("&" if "?" in path else "?") + f"nocache={offset}-{i}"
            i += 1
            t0 = time.perf_counter()
            try:
                resp = await client.get(path)
                ok = resp.status_code == 200
                status = str(resp.status_code)
            except httpx.HTTPError as exc:
                ok, status = False, type(exc).__name__
            times.append(time.perf_counter() - t0)
            if not ok:
                failures.append(f"{path}: {status}")


async def brief_client(base: str, until: float, codes: str, done: list[float],
                       refused: list[int], failures: list[str]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        while time.monotonic() < until:
            t0 = time.perf_counter()
            resp = await client.get("/-/plea/brief", params={"codes": codes, "format": "docx"})
            if resp.status_code == 200:
                done.append(time.perf_counter() - t0)
            elif resp.status_code == 503:
                refused.append(1)
                await asyncio.sleep(1)
            else:
                failures.append(f"brief: {resp.status_code}")


async def round_(base: str, clients: int, seconds: float, briefs: int, codes: str,
                 uncached: bool = False) -> dict:
    until = time.monotonic() + seconds
    times: list[float] = []
    failures: list[str] = []
    brief_times: list[float] = []
    refused: list[int] = []
    tasks = [page_client(base, until, k, times, failures, uncached) for k in range(clients)]
    tasks += [brief_client(base, until, codes, brief_times, refused, failures)
              for _ in range(briefs)]
    t0 = time.perf_counter()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    return {"requests": len(times), "failures": failures, "rps": len(times) / elapsed,
            "median": statistics.median(times) if times else 0.0,
            "p95": percentile(times, 95), "max": max(times, default=0.0),
            "briefs": len(brief_times), "brief_median": statistics.median(brief_times)
            if brief_times else None, "brief_refused": len(refused)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "plea.db")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--briefs", type=int, default=3)
    ap.add_argument("--uncached", action="store_true",
                    help="Make every page URL new, so none is served from the page cache.")
    args = ap.parse_args()
    if not args.db.is_file():
        sys.exit(f"{args.db}: no database; build it first (plea build --db {args.db})")
    import sqlite3
    codes = ",".join(r[0] for r in sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
                     .execute("SELECT code FROM taxonomy ORDER BY code"))
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "plea.cli", "serve", "--db", str(args.db),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(base + "/-/versions.json", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    sys.exit("the server did not start")
                time.sleep(0.3)
        for path in PAGES:              # warm caches and the brief worker, untimed
            httpx.get(base + path, timeout=60)
        httpx.get(base + "/-/plea/brief", params={"codes": "subjects.court", "format": "md"},
                  timeout=120)
        print(f"{describe()}; {args.clients} clients × {args.seconds:.0f} s, "
              f"loopback; db {args.db}")
        for label, briefs in (("pages only", 0), (f"pages + {args.briefs} briefs in flight",
                                                   args.briefs)):
            r = asyncio.run(round_(base, args.clients, args.seconds, briefs, codes,
                                   args.uncached))
            line = (f"{label:32s} {r['requests']:6d} requests, {len(r['failures'])} failed, "
                    f"{r['rps']:6.1f} req/s, median {r['median'] * 1000:6.0f} ms, "
                    f"p95 {r['p95'] * 1000:6.0f} ms, max {r['max'] * 1000:6.0f} ms")
            if briefs:
                median = f"{r['brief_median']:.1f} s" if r["brief_median"] else "-"
                line += (f"; briefs done {r['briefs']} (median {median}), "
                         f"refused by the cap {r['brief_refused']}")
            print(line, flush=True)
            for failure in sorted(set(r["failures"]))[:10]:
                print(f"    {failure}")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


if __name__ == "__main__":
    main()
