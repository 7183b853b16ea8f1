"""The one eId generator and its uniqueness check (corpus/parsers/eids.py)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from plea.corpus.errors import SourceError
from plea.corpus.model import Node
from plea.corpus.parsers.eids import PREFIXES, EidSet, make_eid, number_token

PARSERS_DIR = Path(__file__).resolve().parents[1] / "corpus" / "parsers"


@pytest.mark.parametrize("parent, element, number, expected", [
    (None, "article", "201", "art_201"),
    ("art_201", "paragraph", 1, "art_201__para_1"),
    ("art_201__para_1", "item", 3, "art_201__para_1__item_3"),
    (None, "chapter", "3", "chp_3"),
    ("book_2", "chapter", "6", "book_2__chp_6"),
    ("rule_11__subsec_c__para_1", "subparagraph", "C", "rule_11__subsec_c__para_1__subpara_C"),
    ("sec_3E1-1", "commentary", None, "sec_3E1-1__cmt"),
    ("sec_3E1-1__cmt", "application_notes", None, "sec_3E1-1__cmt__notes"),
    ("sec_2__cmt", "commentary_label", "illustrations", "sec_2__cmt__illustrations"),
    (None, "supplementary", None, "supplementary"),
    (None, "paragraph", 33, "para_33"),           # a guiding opinion's numbered paragraph
    (None, "reference", "4", "ref_4"),
    (None, "figure", "1", "fig_1"),
])
def test_make_eid(parent, element, number, expected):
    assert make_eid(parent, element, number) == expected


def test_a_node_parent_gives_its_eid():
    assert make_eid(Node(eid="sec_257c", level="section"), "paragraph", "2") == "sec_257c__para_2"


def test_an_element_without_a_prefix_is_named():
    with pytest.raises(KeyError, match="no eId prefix for 'chapterette'"):
        make_eid(None, "chapterette", 1)


@pytest.mark.parametrize("printed, token", [("5.1", "5-1"), ("2(a)", "2-a"), ("(iv)", "iv"),
                                            ("18a", "18a")])
def test_number_token(printed, token):
    assert number_token(printed) == token


def test_repeats_are_renamed_in_reading_order():
    eids = EidSet("x.xml")
    assert [eids.claim("sec_1__subsec_c", n) for n in (3, 7, 9)] == \
        ["sec_1__subsec_c", "sec_1__subsec_c_dup2", "sec_1__subsec_c_dup3"]


def test_a_refused_repeat_names_both_lines():
    eids = EidSet("law.md", refuse_repeats=True)
    eids.claim("sec_1__para_1", 9)
    with pytest.raises(SourceError, match=r"^law\.md:11: sec_1__para_1 appears twice "
                                          r"\(first at line 9\)$"):
        eids.claim("sec_1__para_1", 11)


def test_move_re_roots_a_subtree_and_frees_the_old_ids():
    eids = EidSet("x.md", refuse_repeats=True)
    item = eids.give(Node(eid="", level="item", line=3), "art_2", "item", 1)
    eids.move(item, "art_2", "art_2__para_1")
    assert item.eid == "art_2__para_1__item_1"
    assert "art_2__item_1" not in eids and "art_2__para_1__item_1" in eids
    assert eids.claim("art_2__item_1") == "art_2__item_1"


def test_prefixes_are_plain_tokens():
    for element, prefix in PREFIXES.items():
        assert re.fullmatch(r"[a-z_]*", prefix), (element, prefix)


def test_no_parser_makes_eids_by_hand():
    """Every eId goes through make_eid: no f-string joins a parent eId and a prefix."""
    by_hand = re.compile(r"""eid\s*=\s*f["']|\.eid\}__|["']__(?:para|item|sec|art)_""")
    for path in sorted(PARSERS_DIR.glob("*.py")):
        if path.name == "eids.py":
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not by_hand.search(line), f"{path.name}:{lineno}: {line.strip()}"
