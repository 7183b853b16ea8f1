"""Work spread over the machine's cores, with output in input order.

Workers are forked, so what the parent already loaded (spaCy pipelines, jieba's
dictionary, the reference grammars) is shared copy-on-write instead of loaded again in
every worker. Results come back in the order of the input whatever the number of
workers, so ids and row order do not depend on ``--jobs``.
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Sized
from itertools import chain, islice
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# The function a forked worker runs; set in the parent just before the fork, so it
# need not be picklable (a closure over a loaded tagger is fine).
_WORK: Callable | None = None


def default_jobs() -> int:
    """``$PLEA_JOBS``, else the cores this process may use."""
    env = os.environ.get("PLEA_JOBS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _run(chunk):
    return _WORK(chunk)


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def map_chunks(work: Callable[[Sequence[T]], list[R]], items: Sequence[T], *, jobs: int = 1,
               chunk_size: int = 500) -> Iterator[list[R]]:
    """``work`` over consecutive chunks of ``items``, yielding each chunk's results in
    order. One job, or one chunk, runs in this process."""
    yield from map_items(work, chunks(items, chunk_size), jobs=jobs)


def map_items(work: Callable[[T], R], items: Iterable[T], *, jobs: int = 1,
              ahead: int | None = None) -> Iterator[R]:
    """``work`` over single items (whole sources), in order, ``jobs`` at a time.

    ``items`` is read lazily, and at most ``ahead`` (default twice ``jobs``) items are
    in the workers' hands or finished and waiting: ``Pool.imap`` sends every item at
    once and queues every result the caller has not taken yet, so a caller slower than
    its workers (storing rows, writing tags) held the parse of the whole corpus in memory
    (1.4 GB of waiting results at 100x the corpus).
    """
    global _WORK
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for item in items:
            yield work(item)
        return
    stream = iter(items)
    first = list(islice(stream, 2))
    if len(first) <= 1:                   # one item: no workers to fork
        for item in first:
            yield work(item)
        return
    window = max(ahead or 2 * jobs, 1)
    _WORK = work
    try:
        workers = min(jobs, len(items)) if isinstance(items, Sized) else jobs
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending: deque = deque()
            for item in chain(first, stream):
                pending.append(pool.apply_async(_run, (item,)))
                if len(pending) >= window:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _WORK = None
