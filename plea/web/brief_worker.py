"""Briefs are made in a worker process, never on the server's event loop or SQL threads.

A brief runs hundreds of queries and builds a document in Python (python-docx):
seconds of CPU under the GIL. Run in the server process, even on one of
Datasette's SQL threads, it slows every page and holds a thread pages need.
So a brief goes to a small pool of worker processes (started on first use,
``spawn`` so nothing of the server's threads is copied, and ``nice`` so page
requests keep the processor), with:

* a cap on briefs in flight (``MAX_IN_FLIGHT``): one more is refused with 503
  and ``Retry-After`` instead of queueing without end;
* a time limit (``TIME_LIMIT_S``) per brief once it runs: past it the worker
  is killed and replaced, and the visitor gets 503 — a pathological selection
  cannot hold a process.

The worker opens the served database itself, read-only and immutable, with
SQLite's own interrupt as a second bound on its queries.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time

from plea.corpus.readonly import connect_readonly
from plea.corpus.errors import PleaError

WORKERS = 1              # the machine has few cores; pages need one
MAX_IN_FLIGHT = 3        # running or waiting for the worker
TIME_LIMIT_S = 20.0
NICE = 10


class BriefBusy(PleaError):
    """Too many briefs in flight, or one ran out of time: try again later."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def _init_worker() -> None:
    try:
        os.nice(NICE)
    except OSError:
        pass
    import plea.exports.brief  # noqa: F401  (import once, not per brief)


def make_brief(db_path: str, params: dict, time_limit_s: float) -> bytes:
    """In the worker: the brief's bytes (BriefError passes back to the server)."""
    from plea.exports.brief import render_brief

    conn = connect_readonly(db_path, immutable=True, check_same_thread=False)
    deadline = time.monotonic() + time_limit_s
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        return render_brief(conn, codes=params["codes"], dimension=params["dimension"],
                            jurisdictions=params["jurisdictions"],
                            provision_ids=params["provision_ids"], fmt=params["fmt"])
    finally:
        conn.close()


class BriefPool:
    """The worker processes and the in-flight count, one per server."""

    def __init__(self, workers: int = WORKERS, max_in_flight: int = MAX_IN_FLIGHT,
                 time_limit_s: float = TIME_LIMIT_S):
        self.workers = workers
        self.max_in_flight = max_in_flight
        self.time_limit_s = time_limit_s
        self.in_flight = 0
        self._pool = None
        self._lock = threading.Lock()

    def _get_pool(self):
        with self._lock:
            if self._pool is None:
                ctx = multiprocessing.get_context("spawn")
                self._pool = ctx.Pool(self.workers, initializer=_init_worker)
            return self._pool

    def _discard(self, pool) -> None:
        """Kill a pool whose worker overran (terminate() joins: off the event loop)."""
        with self._lock:
            if self._pool is pool:
                self._pool = None
        threading.Thread(target=pool.terminate, daemon=True).start()

    async def render(self, db_path: str, params: dict) -> bytes:
        if self.in_flight >= self.max_in_flight:
            raise BriefBusy(f"{self.in_flight} briefs are being made; try again in a minute.",
                            retry_after=30)
        ahead = self.in_flight
        self.in_flight += 1
        try:
            pool = await asyncio.to_thread(self._get_pool)
            loop = asyncio.get_running_loop()
            done: asyncio.Future = loop.create_future()

            def ok(value):
                loop.call_soon_threadsafe(lambda: done.done() or done.set_result(value))

            def failed(exc):
                loop.call_soon_threadsafe(lambda: done.done() or done.set_exception(exc))

            pool.apply_async(make_brief, (db_path, params, self.time_limit_s),
                             callback=ok, error_callback=failed)
            # Each brief has the limit once it runs (the worker's own SQL deadline);
            # waiting here also covers the briefs queued ahead of it.
            patience = self.time_limit_s * (ahead // self.workers + 1) + 5
            try:
                return await asyncio.wait_for(done, max(patience, 0))
            except asyncio.TimeoutError:
                self._discard(pool)
                raise BriefBusy("the brief took too long and was stopped; choose fewer codes "
                                "or provisions", retry_after=60) from None
        finally:
            self.in_flight -= 1

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()


def pool_for(datasette) -> BriefPool:
    """The server's brief pool (kept on the Datasette instance)."""
    pool = getattr(datasette, "_plea_brief_pool", None)
    if pool is None:
        pool = BriefPool()
        datasette._plea_brief_pool = pool
    return pool
