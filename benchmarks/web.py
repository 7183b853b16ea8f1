"""Web view response times on the full corpus: median and 95th percentile per page.

    .venv/bin/python benchmarks/web.py [--db PATH] [--repeat N]

Serves the database with `plea serve` (immutable Datasette with the project's
plugin, exactly as users run it) and times repeated GET requests from this
machine, so the figures are server time plus a local round trip (well under a
millisecond). Build the database first: `plea build --db PATH` (default
data/plea.db). Every timed request has a URL of its own, so none is answered from the
page cache. Figures depend on the machine; compare ratios.
"""
from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from machine import describe  # noqa: E402  (benchmarks/ is the script's directory)

ROOT = Path(__file__).resolve().parents[1]

PAGES = [
    ("matrix (home page)", "/"),
    ("matrix, core provisions only", "/?core=1"),
    ("code page subjects.court, core only", "/code/subjects.court?core=1"),
    ("agreement (reference coding)", "/-/plea/agreement"),
    ("code page subjects.defense_counsel", "/code/subjects.defense_counsel"),
    ("code page, CN column only", "/code/subjects.defense_counsel?jurisdiction=CN"),
    ("provision Fed. R. Crim. P. 11(c)(1)", "/provision/us-frcrp:rule_11__subsec_c__para_1"),
    ("provision CPL art. 174", "/provision/cn-cpl-2018:art_174"),
    ("provision Rule 11, whole (20 notes)", "/provision/us-frcrp:rule_11"),
    ("search 协商", "/search?q=" + urllib.parse.quote("协商")),
    ("search plea agreement", "/search?q=plea+agreement"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, source: str | None = None) -> tuple[float, int]:
    """Seconds and bytes of one GET. ``source``: a loopback address to send from
    (127.0.0.2 …), so that requests beyond the server's per-address rate limit (search:
    120 a minute, plea.web.guard) count as another client's instead of being refused."""
    t0 = time.perf_counter()
    if source is None:
        with urllib.request.urlopen(url, timeout=60) as resp:
            body = resp.read()
        return time.perf_counter() - t0, len(body)
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60,
                                      source_address=(source, 0))
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        resp = conn.getresponse()
        body = resp.read()
        if resp.status >= 400:
            raise urllib.error.HTTPError(url, resp.status, resp.reason, resp.headers, None)
    finally:
        conn.close()
    return time.perf_counter() - t0, len(body)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]



@contextmanager
def served(db: Path, start_timeout: float = 60) -> Iterator[str]:
    """``plea serve`` on ``db`` at a free port, in its own process group; yields the base
    URL once it answers, and stops it (for good, if a long query keeps it busy) after."""
    base = f"http://127.0.0.1:{free_port()}"
    server = subprocess.Popen([sys.executable, "-m", "plea.cli", "serve", "--db", str(db),
                               "--port", base.rsplit(":", 1)[1]], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                get(base + "/-/versions.json")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit("plea serve did not start")
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "plea.db")
    ap.add_argument("--repeat", type=int, default=50, help="timed requests per page")
    args = ap.parse_args()
    if not args.db.is_file():
        sys.exit(f"no database at {args.db}: run `plea build --db {args.db}` first")
    with served(args.db) as base:
        print(f"{describe()}; {args.db} "
              f"({args.db.stat().st_size / 1e6:.0f} MB); {args.repeat} requests per page")
        print(f"{'page':40} {'first':>8} {'median':>8} {'p95':>8} {'size':>8}")
        for label, path in PAGES:
            first, size = get(base + path)
            # A parameter the pages ignore makes each URL new to the page cache
            # (render.PageCache), so these are the pages' own cost.
            sep = "&" if "?" in path else "?"
            times = [get(f"{base}{path}{sep}run={i}")[0] for i in range(args.repeat)]
            print(f"{label:40} {first * 1000:7.1f}ms {statistics.median(times) * 1000:7.1f}ms "
                  f"{percentile(times, 95) * 1000:7.1f}ms {size / 1000:6.0f}kB")


if __name__ == "__main__":
    main()
