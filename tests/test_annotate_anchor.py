"""Anchors: quote selectors that find the same words after ids and texts change."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import sqlite_utils

from plea.annotate.human.anchor import (EXACT, FUZZY, MOVED, ORPHANED, SHIFTED, fuzzy_find,
                                   make_anchor, reattach)
from plea.annotate.human.model import WHOLE, AnnotationError
from plea.annotate.human.provisions import Provisions
from plea.corpus.tables import create_tables

TEXT_A = "人民检察院提出量刑建议前，应当充分听取犯罪嫌疑人、辩护人或者值班律师的意见，并记录在案。"
TEXT_B = "犯罪嫌疑人自愿认罪，同意量刑建议和程序适用的，应当在辩护人或者值班律师在场的情况下签署认罪认罚具结书。"
TEXT_C = ("The court must not participate in these discussions. If the defendant pleads "
          "guilty, the court must address the defendant personally in open court.")


def row(pid: str, text: str, *, source: str = "xx-law", work: str = "xx", citation: str = "",
        parent: str | None = None, kind: str = "provision", position: int = 0, **more) -> dict:
    eid = pid.split(":", 1)[1]
    return {"id": pid, "source_id": source, "work": work, "parent_id": parent, "kind": kind,
            "level": more.get("level", "article"), "num": more.get("num"),
            "heading": more.get("heading"), "text": text, "wrapup": more.get("wrapup"),
            "lang": more.get("lang", "zh"), "citation": citation or eid,
            "position": position, "eid": eid}


def make_corpus(path: Path, rows: list[dict], tags: list[dict] | None = None
                ) -> sqlite_utils.Database:
    """A built-corpus database with just the tables annotation reads."""
    db = sqlite_utils.Database(path)
    for i, r in enumerate(rows):
        r.setdefault("position", i)
        if not r["position"]:
            r["position"] = i
    db["provisions"].insert_all(rows, pk="id", alter=True)
    create_tables(db)      # the declared tables, as every build makes them (tags: empty or not)
    if tags is not None:
        db["tags"].insert_all(tags)
    return db


def tag(pid: str, code: str, text: str, evidence: str, **more) -> dict:
    start = text.index(evidence)
    return {"provision_id": pid, "code": code, "dimension": code.split(".")[0],
            "start": start, "end": start + len(evidence), "evidence": evidence,
            "role": more.get("role"), "modality": more.get("modality"), "method": "rule",
            "rule_id": "r", "confidence": 0.9, "codebook_version": "1"}


@pytest.fixture
def before(tmp_path) -> Provisions:
    db = make_corpus(tmp_path / "before.db", [
        row("xx-law:art_1", TEXT_A, citation="第一条"),
        row("xx-law:art_2", TEXT_B, citation="第二条"),
        row("xx-law:art_3", "", citation="第三条"),
        row("xx-law:art_3__para_1", "被告人认罪的，可以从宽处理。", parent="xx-law:art_3"),
        row("xx-law:art_3__para_2", "被告人撤回认罪的，依照前款处理。", parent="xx-law:art_3"),
        row("us-x:rule_11", TEXT_C, source="us-x", work="us", lang="en"),
    ])
    return Provisions(db.conn)


def after(tmp_path, rows) -> Provisions:
    return Provisions(make_corpus(tmp_path / "after.db", rows).conn)


# -- making anchors ---------------------------------------------------------------------
def test_anchor_keeps_quote_context_offsets_and_hints(before):
    a = make_anchor(before, "xx-law:art_2", quote="值班律师")
    assert (a.exact, a.start, a.end) == ("值班律师", TEXT_B.index("值班律师"),
                                         TEXT_B.index("值班律师") + 4)
    assert a.prefix == TEXT_B[:a.start] and len(a.prefix) == 31     # all there is
    assert a.suffix == TEXT_B[a.end:]
    late = make_anchor(before, "xx-law:art_2", quote="具结书")
    assert late.prefix == TEXT_B[late.start - 32:late.start]        # 32 characters
    assert (a.source_id, a.work, a.citation) == ("xx-law", "xx", "第二条")
    by_span = make_anchor(before, "xx-law:art_2", start=a.start, end=a.end)
    assert by_span == a


def test_anchor_on_whole_provision_uses_the_text_of_its_subdivisions(before):
    a = make_anchor(before, "xx-law:art_3")
    assert a.scope == WHOLE
    assert a.exact == "被告人认罪的，可以从宽处理。\n被告人撤回认罪的，依照前款处理。"


@pytest.mark.parametrize("kwargs,message", [
    ({"quote": "不存在的话"}, "is not in the text"),
    ({"quote": "court"}, "occurs 3 times"),
    ({"start": 5, "end": 500}, "not inside the text"),
])
def test_bad_spans_are_refused_with_one_line(before, kwargs, message):
    with pytest.raises(AnnotationError, match=message):
        make_anchor(before, "us-x:rule_11", **kwargs)


def test_span_on_a_provision_without_own_text_is_refused(before):
    with pytest.raises(AnnotationError, match="no text of its own"):
        make_anchor(before, "xx-law:art_3", quote="认罪")


def test_unknown_provision_suggests_near_ids(before):
    with pytest.raises(AnnotationError, match=r"unknown provision id.*xx-law:art_2"):
        make_anchor(before, "xx-law:art_22")


# -- re-attaching -----------------------------------------------------------------------
def test_unchanged_corpus_reattaches_exactly(before):
    a = make_anchor(before, "xx-law:art_1", quote="值班律师")
    at = reattach(a, before)
    assert (at.status, at.provision_id, at.start, at.quote) == (EXACT, "xx-law:art_1",
                                                                a.start, "值班律师")


def test_text_inserted_before_the_quote_shifts_it(before, tmp_path):
    a = make_anchor(before, "xx-law:art_2", quote="值班律师")
    new = "经审查，" + TEXT_B
    at = reattach(a, after(tmp_path, [row("xx-law:art_2", new)]))
    assert at.status == SHIFTED and at.start == a.start + 4 and at.quote == "值班律师"


def test_repeated_quote_in_one_provision_is_told_apart_by_its_surroundings(before):
    a = make_anchor(before, "us-x:rule_11", start=TEXT_C.rindex("the court"),
                    end=TEXT_C.rindex("the court") + 9)
    a = dataclasses.replace(a, start=0)          # a stale offset hint
    at = reattach(a, before)
    assert at.status == SHIFTED and at.start == TEXT_C.rindex("the court")


def test_renumbered_provision_is_found_by_its_words(before, tmp_path):
    a = make_anchor(before, "xx-law:art_2", quote="值班律师")
    corpus = after(tmp_path, [row("xx-law:art_2", "新增的条文，与协商无关。"),
                              row("xx-law:art_3", TEXT_B, citation="第三条"),
                              row("xx-law:art_4", TEXT_A, citation="第四条")])
    at = reattach(a, corpus)
    # 值班律师 is in art_3 and art_4; the stored surroundings pick art_3
    assert (at.status, at.provision_id) == (MOVED, "xx-law:art_3")
    assert at.start == TEXT_B.index("值班律师")


def test_same_words_at_the_same_place_under_a_reused_id_are_not_trusted(before, tmp_path):
    # After renumbering, art_1 is another provision that also opens with 人民检察院.
    a = make_anchor(before, "xx-law:art_1", quote="人民检察院")
    corpus = after(tmp_path, [row("xx-law:art_1", "人民检察院应当保障值班律师依法提供法律帮助。"),
                              row("xx-law:art_2", TEXT_A)])
    at = reattach(a, corpus)
    assert (at.status, at.provision_id, at.start) == (MOVED, "xx-law:art_2", 0)


def test_same_provision_with_rewritten_surroundings_keeps_the_words(before, tmp_path):
    a = make_anchor(before, "xx-law:art_2", quote="值班律师")
    corpus = after(tmp_path, [row("xx-law:art_2", "签署具结书时，值班律师应当在场。")])
    at = reattach(a, corpus)
    assert (at.status, at.provision_id, at.quote) == (SHIFTED, "xx-law:art_2", "值班律师")


# An anchor moves within its provision, then its source; never on its own to
# another source (a new edition's id, or another work quoting the same words).
CROSSING = [
    # (the corpus after the rebuild, the candidates listed for a person)
    ([row("xx-law-2024:art_2", TEXT_B, source="xx-law-2024")], ["xx-law-2024:art_2"]),
    ([row("xx-law:art_2", "这一款的文字已经删改。"),
      row("yy-interp:art_351", TEXT_B, source="yy-interp", work="yy")], ["yy-interp:art_351"]),
]


@pytest.mark.parametrize("rows,candidates", CROSSING)
def test_words_found_only_in_another_source_orphan_the_anchor(before, tmp_path, rows,
                                                              candidates):
    a = make_anchor(before, "xx-law:art_2", quote="签署认罪认罚具结书")
    at = reattach(a, after(tmp_path, rows))
    assert (at.status, at.provision_id) == (ORPHANED, None)
    assert at.candidates == candidates and at.candidate == candidates[0]
    assert "a person decides" in at.reason


def test_whole_provision_anchor_does_not_cross_sources(before, tmp_path):
    a = make_anchor(before, "xx-law:art_2")
    at = reattach(a, after(tmp_path, [row("yy-interp:art_9", TEXT_B, source="yy-interp",
                                          work="yy")]))
    assert at.status == ORPHANED and at.candidates == ["yy-interp:art_9"]


def test_short_quote_with_other_surroundings_is_orphaned_not_misplaced(before, tmp_path):
    a = make_anchor(before, "xx-law:art_2", quote="值班律师")
    corpus = after(tmp_path, [row("xx-law:art_9", "值班律师应当为犯罪嫌疑人提供法律帮助。")])
    at = reattach(a, corpus)
    assert at.status == ORPHANED and "different surroundings" in at.reason
    assert at.candidate == "xx-law:art_9"


def test_identical_places_are_ambiguous_and_orphaned(before, tmp_path):
    a = make_anchor(before, "xx-law:art_2", quote="值班律师")
    corpus = after(tmp_path, [row("xx-law:art_7", TEXT_B, citation="第七条"),
                              row("xx-law:art_8", TEXT_B, citation="第八条")])
    at = reattach(a, corpus)
    assert at.status == ORPHANED and at.reason.startswith("ambiguous")


def test_slightly_changed_quote_reattaches_fuzzily(before, tmp_path):
    quote = "应当在辩护人或者值班律师在场的情况下签署"
    a = make_anchor(before, "xx-law:art_2", quote=quote)
    corpus = after(tmp_path, [row("xx-law:art_2", TEXT_B.replace("在场的情况下", "在场时"))])
    at = reattach(a, corpus)
    assert at.status == FUZZY and at.provision_id == "xx-law:art_2"
    assert at.quote.startswith("应当在辩护人或者值班律师在场") and 0.85 <= at.score < 1
    # with a stricter threshold the same change orphans it, with the candidate named
    strict = reattach(a, corpus, threshold=0.99)
    assert strict.status == ORPHANED and strict.candidate == "xx-law:art_2"
    assert "threshold 0.99" in strict.reason


def test_changed_quote_in_a_renumbered_provision_is_found(before, tmp_path):
    quote = "人民检察院提出量刑建议前，应当充分听取"
    a = make_anchor(before, "xx-law:art_1", quote=quote)
    changed = TEXT_A.replace("充分听取", "认真听取")
    corpus = after(tmp_path, [row("xx-law:art_1", "本法的目的。"),
                              row("xx-law:art_2", changed)])
    at = reattach(a, corpus)
    assert (at.status, at.provision_id) == (FUZZY, "xx-law:art_2")
    assert at.quote == "人民检察院提出量刑建议前，应当认真听取"


def test_quote_that_is_gone_is_orphaned_with_reason(before, tmp_path):
    a = make_anchor(before, "xx-law:art_2", quote="签署认罪认罚具结书")
    at = reattach(a, after(tmp_path, [row("xx-law:art_2", "本条删去。")]))
    assert at.status == ORPHANED and at.provision_id is None and at.reason


def test_whole_provision_anchor_moves_and_fuzzes(before, tmp_path):
    a = make_anchor(before, "xx-law:art_3")
    kids = [row("xx-law:art_4", "", citation="第四条"),
            row("xx-law:art_4__para_1", "被告人认罪的，可以从宽处理。", parent="xx-law:art_4"),
            row("xx-law:art_4__para_2", "被告人撤回认罪的，依照前款处理。", parent="xx-law:art_4")]
    at = reattach(a, after(tmp_path, kids))
    assert (at.status, at.provision_id) == (MOVED, "xx-law:art_4")
    kids[2]["text"] = "被告人撤回认罪的，依照本条第一款处理。"
    at = reattach(a, Provisions(make_corpus(tmp_path / "edited.db", kids).conn))
    assert (at.status, at.provision_id) == (FUZZY, "xx-law:art_4")


def test_fuzzy_find_locates_an_edited_passage():
    text = "甲" * 50 + "人民检察院提出量刑建议前应当听取意见" + "乙" * 50
    start, end, score = fuzzy_find(text, "人民检察院提出量刑建议之前应当听取意见")
    assert text[start:end] == "人民检察院提出量刑建议前应当听取意见" and score > 0.9
    assert fuzzy_find("完全不同的文字", "人民检察院提出量刑建议") is None
