"""Golden trees: each parser on its short invented fixture gives exactly the reviewed tree.

The expected trees (``tests/fixtures/golden/*.tree``) were read against their fixtures
line by line; they are the parsers' contract. See :mod:`tests.golden`.
"""
from __future__ import annotations

import difflib

import pytest

from plea.corpus.parsers import parser_names
from tests.golden import UPDATE, cases, parse_case, render, tree_path

CASES = cases()


def test_every_registered_parser_has_a_golden_case():
    assert sorted(CASES) == parser_names()


@pytest.mark.parametrize("name", sorted(CASES))
def test_parser_gives_the_golden_tree(name):
    case = CASES[name]
    path = tree_path(case)
    assert path.is_file(), f"{path} is missing; write it with: {UPDATE} {name}"
    expected = path.read_text(encoding="utf-8")
    actual = render(name, case, parse_case(name, case))
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f"{path.name} (expected)", "parsed now", n=2))
        pytest.fail(f"{name}: the tree differs from {path.name}. If the change is intended, "
                    f"regenerate with `{UPDATE} {name}` and review the diff.\n{diff}",
                    pytrace=False)
