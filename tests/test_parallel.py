"""Work over worker processes (plea.corpus.parallel): input order kept, input read lazily,
and never more than a few items ahead of the caller — the bound that keeps a build's
memory flat when storing is slower than parsing."""
from __future__ import annotations

import os

import pytest

from plea.corpus.parallel import chunks, map_chunks, map_items


def square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


@pytest.mark.parametrize("jobs", [1, 2, 3])
@pytest.mark.parametrize("items", [[], [7], list(range(25))])
def test_results_come_in_input_order_for_any_number_of_workers(jobs, items):
    assert [r for r, _ in map_items(square_and_pid, items, jobs=jobs)] == [n * n for n in items]


def test_two_jobs_run_in_other_processes_and_one_job_in_this_one():
    assert {pid for _, pid in map_items(square_and_pid, range(6), jobs=1)} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in map_items(square_and_pid, range(6), jobs=2)}


@pytest.mark.parametrize("jobs,ahead,most", [(2, None, 4), (2, 1, 1), (3, 5, 5)])
def test_the_input_is_read_only_a_few_items_ahead_of_the_caller(jobs, ahead, most):
    drawn: list[int] = []

    def source():
        for n in range(100):
            drawn.append(n)
            yield n

    results = map_items(square_and_pid, source(), jobs=jobs, ahead=ahead)
    for expected in range(10):
        value, _ = next(results)
        assert value == expected * expected
        # items sent but not yet taken by the caller: at most ``ahead`` (2 × jobs)
        assert len(drawn) - (expected + 1) <= most
    results.close()
    assert len(drawn) < 100


def test_a_worker_error_reaches_the_caller():
    def fail_on_three(n: int) -> int:
        if n == 3:
            raise ValueError("three")
        return n

    with pytest.raises(ValueError, match="three"):
        list(map_items(fail_on_three, range(8), jobs=2))


@pytest.mark.parametrize("size,expected", [(3, [[0, 1, 2], [3, 4, 5], [6]]), (10, [list(range(7))])])
def test_chunks_cover_the_items_in_order(size, expected):
    assert [list(c) for c in chunks(list(range(7)), size)] == expected
    assert [sum(part) for part in map_chunks(lambda c: [sum(c)], list(range(7)), jobs=2,
                                             chunk_size=size)] == [sum(c) for c in expected]
