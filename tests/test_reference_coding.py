"""The reference coding: its file, its coverage of the core provisions, its place in the
build (over machine tags, re-anchored within its source), agreement, and the facts a
comparative scholar checks first — read from the statutes, asserted on a fresh build."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from plea.annotate.reference.coding import (CODING_FILE, CodedTag, CodedUnit, Coding, digest,
                                       load_coding)
from plea.annotate.reference.coverage import covered_units
from plea.annotate.reference.stage import CHANGED, EXACT, MOVED, ORPHANED, place
from plea.annotate.taxonomy import load_taxonomy

pytestmark = pytest.mark.skipif(not CODING_FILE.exists(), reason="no reference coding shipped")


@pytest.fixture(scope="module")
def coding() -> Coding:
    return load_coding()


@pytest.fixture(scope="module")
def db(built_db) -> sqlite_utils.Database:
    return sqlite_utils.Database(built_db)


def tags_of(db, pid: str) -> dict[str, tuple]:
    return {r["code"]: (r["role"], r["modality"], r["decided_by"])
            for r in db.query("SELECT code, role, modality, decided_by FROM effective_tags "
                              "WHERE provision_id = ?", [pid])}


# -- the file ---------------------------------------------------------------------------
def test_file_names_units_by_id_and_anchors_not_by_their_text(coding):
    assert coding.header["codebook_version"] == load_taxonomy().version
    taxonomy = load_taxonomy()
    for u in coding.units:
        assert len(u.head) <= 16 and len(u.sha1) == 12
        for t in u.codes:
            assert t.code in taxonomy
            assert t.exact is None or len(t.exact) <= 48
            assert (t.role is not None) == t.code.startswith("subjects."), (u.unit, t)
            assert t.modality in taxonomy.modalities
        assert set(u.passes) == {"A", "B"}, u.unit


def test_every_disagreement_was_adjudicated_with_a_note(coding):
    disputed = [u for u in coding.units if u.passes["A"] != u.passes["B"]]
    assert disputed and all(u.decided == "adjudicated" for u in disputed)
    assert all(u.note for u in disputed)


def test_a_changed_code_definition_asks_for_recoding(coding):
    taxonomy = load_taxonomy()
    assert coding.changed_codes(taxonomy) == []
    header = dict(coding.header, codebook=dict(coding.header["codebook"]))
    header["codebook"]["consequences.court_effect"] = "0000000000"
    assert Coding(header, coding.units).changed_codes(taxonomy) == ["consequences.court_effect"]


# -- re-anchoring -----------------------------------------------------------------------
def _unit(text: str, unit="s:art_2", codes=()) -> CodedUnit:
    return CodedUnit(unit=unit, target="provision", citation="", sha1=digest(text),
                     length=len(text), head=text[:16], codes=list(codes), decided="agreed")


@pytest.mark.parametrize("rows, expected", [
    ({"s:art_2": "被告人认罪认罚的，可以从宽处理。"}, (EXACT, "s:art_2")),
    ({"s:art_3": "被告人认罪认罚的，可以从宽处理。", "s:art_2": "另一条文。"}, (MOVED, "s:art_3")),
    ({"s:art_2": "被告人认罪认罚的，可以从宽处理。但有例外。"}, (CHANGED, "s:art_2")),
    ({"s:art_2": "犯罪嫌疑人认罪认罚的，可以从宽处理。"}, (CHANGED, "s:art_2")),   # evidence still there
    ({"s:art_2": "完全不同的文字。"}, (ORPHANED, None)),
    ({"t:art_2": "被告人认罪认罚的，可以从宽处理。"}, (ORPHANED, None)),   # never across sources
])
def test_a_coded_unit_is_found_again_within_its_source_or_listed(rows, expected):
    unit = _unit("被告人认罪认罚的，可以从宽处理。",
                 codes=[CodedTag("consequences.leniency", 10, 14, exact="可以从宽")])
    table = {pid: {"id": pid, "source_id": pid.split(":")[0], "text": t} for pid, t in rows.items()}
    by_source: dict[str, list[str]] = {}
    for pid, r in table.items():
        by_source.setdefault(r["source_id"], []).append(pid)
    status, pid, _ = place(unit, table, by_source)
    assert (status, pid) == expected


# -- the built database -----------------------------------------------------------------
def test_the_coding_covers_every_listed_unit_of_the_current_corpus(coding, db):
    coded = {u.unit for u in coding.units}
    missing = [u for u in covered_units(db) if u not in coded]
    assert missing == []


def test_every_entry_reanchors(db):
    orphans = list(db.query("SELECT unit, reason FROM reference_orphans"))
    assert orphans == []
    statuses = {r["status"] for r in db.query("SELECT DISTINCT status FROM reference_units")}
    assert statuses <= {EXACT, MOVED, "commentary"}


def test_reference_tags_replace_machine_tags_and_say_who_decided(db):
    rows = list(db.query("SELECT DISTINCT t.method FROM tags t JOIN reference_units r "
                         "ON r.provision_id = t.provision_id"))
    assert [r["method"] for r in rows] == ["reference"]
    assert {v[2] for v in tags_of(db, "cn-cpl-2018:art_201__para_1").values()} == {"reference-v1"}


# Facts read from the statutes (labelling rules 10 and 11), not from the code's output.
FACTS = [
    # StPO § 257c(1): "Das Gericht kann sich … mit den Verfahrensbeteiligten … verständigen"
    ("de-stpo:sec_257c__para_1", "subjects.court", "party", None),
    # § 257c(5): "Der Angeklagte ist über … zu belehren" — the defendant receives the notice
    ("de-stpo:sec_257c__para_5", "subjects.suspect_defendant", "informed", None),
    # § 257c(4): "die Bindung des Gerichtes … entfällt" — released
    ("de-stpo:sec_257c__para_4", "consequences.court_effect", None, "permission"),
    # Rule 11(c)(1): "The court must not participate in these discussions."
    ("us-frcrp:rule_11__subsec_c__para_1", "subjects.court", "excluded", None),
    # 11(c)(1)(B): "such a recommendation or request does not bind the court"
    ("us-frcrp:rule_11__subsec_c__para_1__subpara_B", "consequences.court_effect", None,
     "permission"),
    # 11(c)(1)(C): "such a recommendation or request binds the court once the court accepts"
    ("us-frcrp:rule_11__subsec_c__para_1__subpara_C", "consequences.court_effect", None,
     "obligation"),
    # CPL 201(1): 人民法院依法作出判决时，一般应当采纳人民检察院指控的罪名和量刑建议
    ("cn-cpl-2018:art_201__para_1", "consequences.court_effect", None, "presumptive"),
    ("cn-cpl-2018:art_201__para_1", "subjects.court", "reviewer", None),
    # TW 455-2(1): 經法院同意 — the court consents to terms it did not make
    ("tw-cpc-zh:art_455-2__para_1", "subjects.court", "reviewer", None),
    ("tw-cpc-en:art_455-2__para_1", "subjects.court", "reviewer", None),
]


@pytest.mark.parametrize("pid, code, role, modality", FACTS)
def test_core_provision_facts_hold_in_a_fresh_build(db, pid, code, role, modality):
    tags = tags_of(db, pid)
    assert code in tags, (pid, sorted(tags))
    if role:
        assert tags[code][0] == role
    if modality:
        assert tags[code][1] == modality


@pytest.mark.parametrize("pid", [
    "de-stpo:sec_66__para_1",          # Verständigung with a hearing-impaired person
    "de-stgb:sec_298__para_1",         # bid rigging (Absprache)
    "de-stgb:sec_298__para_3",
])
def test_false_friends_carry_nothing(db, pid):
    assert tags_of(db, pid) == {}


def test_agreement_is_in_the_database(db):
    rows = {(r["jurisdiction"], r["pair"], r["scope"]): r["kappa"]
            for r in db.query("SELECT * FROM reference_agreement WHERE level != 'code'")}
    assert {"all", "CN", "US", "DE", "TW"} <= {k[0] for k in rows}
    assert rows[("all", "A|B", "all")] is not None and rows[("all", "A|B", "role")] is not None
