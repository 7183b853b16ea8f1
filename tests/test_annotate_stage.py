"""The build stage: human decisions over automatic tags, and nothing lost on rebuild."""
from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
import sqlite_utils

from plea.annotate.human.export import write_jsonld
from plea.annotate.human.stage import annotation_stage, merge_annotations
from plea.annotate.human.store import AnnotationStore
from plea.corpus.build import build
from plea.corpus.sources import read_manifest
from tests.conftest import FIXTURES
from tests.test_annotate_anchor import TEXT_A, TEXT_B, make_corpus, row, tag

P1, P2, P3 = "xx-law:art_1", "xx-law:art_2", "xx-law:art_3"
TEXT_3 = "人民法院审理认罪认罚案件，应当告知被告人享有的诉讼权利。"


@pytest.fixture
def corpus(tmp_path) -> Path:
    make_corpus(tmp_path / "plea.db", [row(P1, TEXT_A), row(P2, TEXT_B), row(P3, TEXT_3)],
                tags=[tag(P1, "subjects.prosecutor", TEXT_A, "人民检察院", role="party",
                          modality="obligation"),
                      tag(P1, "subjects.court", TEXT_A, "意见"),
                      tag(P2, "subjects.duty_lawyer", TEXT_B, "值班律师", role="witness",
                          modality="obligation"),
                      tag(P2, "scope.sentence", TEXT_B, "量刑建议"),
                      tag(P3, "subjects.court", TEXT_3, "人民法院", role="party")])
    return tmp_path / "plea.db"


def decisions(db: sqlite_utils.Database, view: str = "tag_decisions") -> dict:
    out: dict = {}
    for r in db.query(f"SELECT * FROM {view}"):
        out.setdefault((r["provision_id"], r["code"]), []).append(r)
    return out


def merged(tmp_path, corpus, acts) -> sqlite_utils.Database:
    store_path = tmp_path / "ann.db"
    with AnnotationStore(store_path, corpus=corpus) as store:
        acts(store)
    db = sqlite_utils.Database(corpus)
    merge_annotations(db, store_path)
    return db


def test_human_decisions_override_automatic_tags(tmp_path, corpus):
    def acts(s):
        s.confirm("alice", P1, "subjects.prosecutor")
        s.reject("alice", P1, "subjects.court", note="mere mention")
        s.confirm("alice", P2, "subjects.duty_lawyer", modality="presumptive")
        s.add("alice", P2, "behavior.written_agreement", quote="认罪认罚具结书",
              modality="obligation")
        s.add("alice", P3, "behavior.rights_notice", quote="应当告知被告人享有的诉讼权利")
    db = merged(tmp_path, corpus, acts)
    seen = decisions(db)
    assert [r["decision"] for r in seen[P1, "subjects.prosecutor"]] == ["confirmed"]
    assert seen[P1, "subjects.prosecutor"][0]["method"] == "rule"      # still the tagger's tag
    court = seen[P1, "subjects.court"][0]
    assert (court["decision"], court["note"], court["decided_by"]) == (
        "rejected", "mere mention", "alice")
    lawyer = seen[P2, "subjects.duty_lawyer"][0]
    assert (lawyer["decision"], lawyer["modality"], lawyer["auto_modality"], lawyer["role"]) == (
        "corrected", "presumptive", "obligation", "witness")
    added = seen[P2, "behavior.written_agreement"][0]
    assert (added["decision"], added["method"], added["evidence"], added["confidence"]) == (
        "added", "human", "认罪认罚具结书", 1.0)
    assert seen[P2, "scope.sentence"][0]["decision"] == "auto"
    effective = decisions(db, "effective_tags")
    assert (P1, "subjects.court") not in effective                   # gone from the comparison
    assert (P1, "subjects.court") in seen                            # visible as rejected
    assert set(effective) == {(P1, "subjects.prosecutor"), (P2, "subjects.duty_lawyer"),
                              (P2, "behavior.written_agreement"), (P2, "scope.sentence"),
                              (P3, "subjects.court"), (P3, "behavior.rights_notice")}


def test_a_confirmation_outlives_a_tagger_that_drops_the_code(tmp_path, corpus):
    def acts(s):
        s.confirm("alice", P3, "subjects.court", role="reviewer")
    db = merged(tmp_path, corpus, acts)
    db.execute("DELETE FROM tags WHERE provision_id = ?", [P3])      # a new tagger version
    kept = decisions(db, "effective_tags")[P3, "subjects.court"][0]
    assert (kept["decision"], kept["method"], kept["role"], kept["evidence"]) == (
        "corrected", "human", "reviewer", "人民法院")


def test_rejecting_a_human_tag_and_disputes(tmp_path, corpus):
    def acts(s):
        s.add("alice", P3, "scope.procedure", quote="认罪认罚案件")
        s.reject("bob", P3, "scope.procedure")
        s.reject("alice", P1, "subjects.prosecutor")
        s.confirm("bob", P1, "subjects.prosecutor")
    db = merged(tmp_path, corpus, acts)
    seen = decisions(db)
    assert [r["decision"] for r in seen[P3, "scope.procedure"]] == ["rejected"]
    assert (P3, "scope.procedure") not in decisions(db, "effective_tags")
    prosecutor = seen[P1, "subjects.prosecutor"][0]
    assert prosecutor["decision"] == "confirmed" and prosecutor["disputed"] == 1
    verdict = db["annotation_verdicts"].get((P1, "subjects.prosecutor"))
    assert verdict["annotators"] == '{"alice": "rejected", "bob": "confirmed"}'


def test_links_and_notes_are_in_the_database(tmp_path, corpus):
    def acts(s):
        s.link("bob", P1, P2, "corresponds_to", note="both about counsel")
        s.note("bob", P3, "Compare Rule 11(b)(1).")
    db = merged(tmp_path, corpus, acts)
    assert list(db.query("SELECT provision_id, target_id, relation FROM annotation_links")) == [
        {"provision_id": P1, "target_id": P2, "relation": "corresponds_to"}]
    notes = list(db.query("SELECT provision_id, note FROM annotations "
                          "WHERE motivation = 'commenting'"))
    assert notes == [{"provision_id": P3, "note": "Compare Rule 11(b)(1)."}]


def test_without_a_store_or_a_tagger_the_views_still_work(tmp_path):
    make_corpus(tmp_path / "bare.db", [row(P1, TEXT_A)])
    db = sqlite_utils.Database(tmp_path / "bare.db")
    report = merge_annotations(db, tmp_path / "absent.db")
    assert "no annotation store" in report.summary()
    assert list(db.query("SELECT * FROM effective_tags")) == []
    assert list(db.query("SELECT * FROM annotation_orphans")) == []


def test_the_store_may_be_a_jsonl_export(tmp_path, corpus):
    with AnnotationStore(tmp_path / "ann.db", corpus=corpus) as s:
        s.reject("alice", P1, "subjects.court")
        buf = io.StringIO()
        write_jsonld(s.all(), buf)
    (tmp_path / "group.jsonl").write_text(buf.getvalue(), encoding="utf-8")
    db = sqlite_utils.Database(corpus)
    merge_annotations(db, tmp_path / "group.jsonl")
    assert decisions(db)[P1, "subjects.court"][0]["decision"] == "rejected"


# -- a whole rebuild with a changed source -------------------------------------------------
MANIFEST = FIXTURES / "manifests" / "mini.toml"

# The fixture law in a later edition: a new article 2 renumbers everything after
# it, one paragraph is reworded, one item is rewritten, the commencement date
# changes.
SECOND_EDITION = """# 示范协商程序法

2020年1月1日 示范立法机关第一次会议通过

<!-- INFO END -->

## 第一编 总则

### 第一章 基本原则

第一条 为了规范认罪协商，制定本法。

第二条 协商程序的适用，依照本法执行。

第三条 犯罪嫌疑人自愿认罪的，可以从宽处理。

检察官提出量刑建议之前，应当充分听取辩护人或者值班律师的意见。

### 第二章 协商

#### 第一节 一般规定

第四条 有下列情形之一的，不适用协商程序：

（一）被告人是未成年人的；

（二）被告人对指控提出异议的；

（三）其他不宜协商的情形。

第四条之一 协商应当同步录音录像。

第五条 人民法院审理认罪案件，一般应当采纳量刑建议，但有下列情形的除外：

（一）被告人违背意愿认罪的；

（二）其他情形：

⒈量刑建议明显不当的；

⒉被告人撤回认罪的。

第二款规定的情形，人民法院应当告知被告人。

第六条 （删去）

## 附则

第七条 本法自2023年1月1日起施行。
"""

CUES = {"犯罪嫌疑人": "subjects.suspect_defendant", "检察官": "subjects.prosecutor",
        "值班律师": "subjects.duty_lawyer", "人民法院": "subjects.court",
        "录音录像": "behavior.recording", "从宽": "consequences.leniency"}


def fake_tagger(db: sqlite_utils.Database) -> None:
    """A stand-in for the tagging stage: one tag per cue word found."""
    rows = []
    for p in db.query("SELECT id, text FROM provisions WHERE text != ''"):
        for cue, code in CUES.items():
            if cue in p["text"]:
                start = p["text"].index(cue)
                rows.append({"provision_id": p["id"], "code": code,
                             "dimension": code.split(".")[0], "start": start,
                             "end": start + len(cue), "evidence": cue, "role": None,
                             "modality": None, "method": "rule", "rule_id": cue,
                             "confidence": 0.8, "codebook_version": "1"})
    db["tags"].insert_all(rows)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_annotations_survive_a_rebuild_with_a_changed_source(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURES / "cn_markdown", sources / "cn_markdown")
    db_path, store_path = tmp_path / "plea.db", tmp_path / "annotations.db"
    stages = [("tags", fake_tagger), ("annotations", annotation_stage(store_path))]
    build(db_path, read_manifest(MANIFEST), sources, stages=stages)

    with AnnotationStore(store_path, corpus=db_path) as s:
        moved = s.add("alice", "xx-mini:art_2__para_1", "behavior.voluntariness",
                      quote="自愿认罪")
        rejected = s.reject("alice", "xx-mini:art_2__para_2", "subjects.prosecutor")
        edited = s.add("alice", "xx-mini:art_2__para_2", "behavior.consultation",
                       quote="应当听取辩护人或者值班律师的意见")
        short = s.confirm("alice", "xx-mini:art_2__para_2", "subjects.duty_lawyer",
                          role="consulted")
        gone = s.add("alice", "xx-mini:art_3__item_2", "scope.facts",
                      quote="否认指控的犯罪事实")
        dated = s.note("bob", "xx-mini:art_6", "Commencement: compare the 2018 CPL.")
        link = s.link("bob", "xx-mini:art_3-1", "xx-mini:art_4", "see_also")
        court = s.reject("bob", "xx-mini:art_4__para_2", "subjects.court")
    stored = sha(store_path)

    # the first build after annotating: everything attaches where it was made
    build(db_path, read_manifest(MANIFEST), sources, stages=stages)
    db = sqlite_utils.Database(db_path)
    assert {r["anchor_status"] for r in db.query("SELECT anchor_status FROM annotations")} == {
        "exact"}
    assert (("xx-mini:art_2__para_2", "subjects.prosecutor")
            not in decisions(db, "effective_tags"))

    (sources / "cn_markdown" / "mini.md").write_text(SECOND_EDITION, encoding="utf-8")
    # The second edition has an article more than the manifest expects: accepted.
    build(db_path, read_manifest(MANIFEST), sources, stages=stages, keep_going=True)
    assert sha(store_path) == stored                    # the build never writes the store
    db = sqlite_utils.Database(db_path)
    placed = {r["id"]: r for r in db.query("SELECT * FROM annotations")}
    assert len(placed) == 8                             # nothing dropped

    def at(a):
        r = placed[a.id]
        return r["anchor_status"], r["provision_id"], r["quote"]

    assert at(moved) == ("moved", "xx-mini:art_3__para_1", "自愿认罪")
    assert at(rejected) == ("moved", "xx-mini:art_3__para_2", "检察官")   # the tag's evidence
    status, pid, quote = at(edited)
    assert (status, pid, quote) == ("fuzzy", "xx-mini:art_3__para_2",
                                    "应当充分听取辩护人或者值班律师的意见")
    assert at(short) == ("moved", "xx-mini:art_3__para_2", "值班律师")
    assert at(dated)[:2] == ("fuzzy", "xx-mini:art_7")
    assert at(court)[:2] == ("moved", "xx-mini:art_5__para_2")
    assert placed[link.id]["provision_id"] == "xx-mini:art_4-1"
    assert placed[link.id]["link_provision_id"] == "xx-mini:art_5"
    assert placed[link.id]["original_link_provision_id"] == "xx-mini:art_4"

    # the rewritten item: orphaned, listed with its text, not dropped
    assert at(gone)[0] == "orphaned"
    orphans = list(db.query("SELECT * FROM annotation_orphans"))
    assert [(o["id"], o["exact"], o["provision_id"]) for o in orphans] == [
        (gone.id, "否认指控的犯罪事实", "xx-mini:art_3__item_2")]

    # human decisions follow the words: the tagger re-tags the renumbered
    # provisions, the rejections and corrections apply at their new ids
    seen = decisions(db)
    assert seen["xx-mini:art_3__para_2", "subjects.prosecutor"][0]["decision"] == "rejected"
    lawyer = seen["xx-mini:art_3__para_2", "subjects.duty_lawyer"][0]
    assert (lawyer["decision"], lawyer["role"]) == ("corrected", "consulted")
    assert seen["xx-mini:art_5__para_2", "subjects.court"][0]["decision"] == "rejected"
    assert seen["xx-mini:art_3__para_1", "behavior.voluntariness"][0]["decision"] == "added"
    effective = decisions(db, "effective_tags")
    assert ("xx-mini:art_5__para_2", "subjects.court") not in effective
    assert ("xx-mini:art_5__para_1", "subjects.court") in effective     # not rejected there
    assert ("xx-mini:art_3__para_1", "behavior.voluntariness") in effective


def test_build_report_lists_orphans_with_their_text(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURES / "cn_markdown", sources / "cn_markdown")
    db_path, store_path = tmp_path / "plea.db", tmp_path / "annotations.db"
    build(db_path, read_manifest(MANIFEST), sources)
    with AnnotationStore(store_path, corpus=db_path) as s:
        s.add("alice", "xx-mini:art_3__item_2", "scope.facts", quote="否认指控的犯罪事实")
    (sources / "cn_markdown" / "mini.md").write_text(SECOND_EDITION, encoding="utf-8")
    lines: list[str] = []
    build(db_path, read_manifest(MANIFEST), sources, keep_going=True,   # 8 articles, not 7
          stages=[("annotations", annotation_stage(store_path, echo=lines.append))])
    assert len(lines) == 1
    assert "否认指控的犯罪事实" in lines[0] and "xx-mini:art_3__item_2" in lines[0]
    logged = sqlite_utils.Database(db_path).execute(
        "SELECT message FROM build_log WHERE action = 'stage:annotations'").fetchone()[0]
    assert "1 orphaned" in logged


def test_live_decisions_match_what_the_next_build_will_hold(tmp_path, corpus):
    from plea.annotate.human.stage import live_tag_decisions

    pristine = tmp_path / "pristine.db"
    shutil.copy(corpus, pristine)
    with AnnotationStore(tmp_path / "ann.db", corpus=pristine) as s:
        s.reject("alice", P1, "subjects.court")
        s.confirm("alice", P1, "subjects.prosecutor", role="consulted")
        s.add("bob", P1, "behavior.consultation", quote="充分听取")
        live = live_tag_decisions(s, pristine, P1)
    db = sqlite_utils.Database(corpus)
    merge_annotations(db, tmp_path / "ann.db")
    built = list(db.query("SELECT * FROM tag_decisions WHERE provision_id = ? "
                          "ORDER BY start, code", [P1]))
    assert live == built
    assert {(r["code"], r["decision"]) for r in live} == {
        ("subjects.court", "rejected"), ("subjects.prosecutor", "corrected"),
        ("behavior.consultation", "added")}


def test_an_annotation_never_moves_to_another_work_on_its_own(tmp_path):
    """CPL 190(2) edited, the same words in the SPC Interpretation: the annotation is
    an orphan listing the other work's provision, not a human decision there."""
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURES / "cn_markdown", sources / "cn_markdown")
    mini = (sources / "cn_markdown" / "mini.md").read_text(encoding="utf-8")
    (sources / "cn_markdown" / "other.md").write_text(mini.replace("示范协商程序法", "示范解释"),
                                                       encoding="utf-8")
    manifest = tmp_path / "two.toml"
    manifest.write_text(MANIFEST.read_text(encoding="utf-8") + (
        '\n[[source]]\nid = "yy-interp"\nwork = "yy-interp"\ntitle = "示范解释"\n'
        'jurisdiction = "CN"\nkind = "judicial-interpretation"\nlanguage = "zh-Hans"\n'
        'format = "markdown"\nparser = "cn-markdown"\npath = "cn_markdown/other.md"\n'),
        encoding="utf-8")
    db_path, store_path = tmp_path / "plea.db", tmp_path / "annotations.db"
    build(db_path, read_manifest(manifest), sources)
    with AnnotationStore(store_path, corpus=db_path) as s:
        s.add("alice", "xx-mini:art_3__item_2", "scope.facts", quote="否认指控的犯罪事实")
    edited = mini.replace("（二）被告人否认指控的犯罪事实的；", "（二）被告人翻供的；")
    assert edited != mini
    (sources / "cn_markdown" / "mini.md").write_text(edited, encoding="utf-8")
    lines: list[str] = []
    build(db_path, read_manifest(manifest), sources,
          stages=[("annotations", annotation_stage(store_path, echo=lines.append))])
    db = sqlite_utils.Database(db_path)
    placed = next(db.query("SELECT provision_id, anchor_status FROM annotations"))
    assert placed == {"provision_id": None, "anchor_status": "orphaned"}
    orphan = next(db.query("SELECT provision_id, candidates FROM annotation_orphans"))
    assert orphan["provision_id"] == "xx-mini:art_3__item_2"
    assert "yy-interp:art_3__item_2" in orphan["candidates"]
    assert not list(db.query("SELECT * FROM annotation_verdicts WHERE provision_id LIKE 'yy-%'"))
    assert any("yy-interp:art_3__item_2" in line for line in lines)
