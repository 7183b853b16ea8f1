"""Parser changes keep every eId of the real corpus.

The reference coding and the human annotations are anchored to provision ids
(``<source id>:<eId>``): a renamed eId is a lost annotation. Each present source is
parsed and its ids, parents, levels and kinds in reading order are compared with the
digests in ``tests/fixtures/eids/real-corpus.tsv`` (see :mod:`tests.eid_snapshot`).
Skipped when ../shared/corpus is not beside the checkout.
"""
from __future__ import annotations

import pytest

from tests.eid_snapshot import DIGESTS, digests, read_digests, source_lines


@pytest.fixture(scope="module")
def parsed(corpus_dir):
    return digests(source_lines(corpus_dir))


def test_every_present_source_is_in_the_digest_file(parsed):
    assert sorted(parsed) == sorted(read_digests())


@pytest.mark.parametrize("source_id", sorted(read_digests()))
def test_node_ids_unchanged(parsed, source_id):
    count, digest = read_digests()[source_id]
    now_count, now_digest = parsed[source_id]
    assert (now_count, now_digest) == (count, digest), (
        f"{source_id}: {now_count} nodes now, {count} in {DIGESTS.name}, and their ids, "
        "parents, levels or kinds differ. Compare `python -m tests.eid_snapshot --dump "
        "FILE` with a dump from main; rewrite the digests (--update) only for an intended "
        "change, since annotations anchored to the old ids are lost")
