"""The build stage on a small hand-made `provisions` table."""
from __future__ import annotations

import pytest
import sqlite_utils

from plea.annotate.taggers import DEFAULT
from plea.annotate.stage import read_units, tag_database

TAG_COLUMNS = ["id", "provision_id", "code", "dimension", "start", "end", "evidence", "role",
               "modality", "method", "rule_id", "confidence", "codebook_version"]


def row(id, text, *, parent=None, kind="provision", lang="zh", heading=None,
        source_kind="statute"):
    return {"id": id, "source_id": id.split(":")[0], "work": id.split(":")[0],
            "jurisdiction": "CN", "source_kind": source_kind, "eid": id.split(":")[1],
            "parent_id": parent, "level": "x", "kind": kind, "num": None, "num_norm": None,
            "heading": heading, "text": text, "wrapup": None, "lang": lang, "citation": None,
            "container": None, "position": 0}


ROWS = [
    row("cn:chap_1", "", kind="container", heading="第一章 认罪认罚"),
    row("cn:art_1", "", parent="cn:chap_1"),
    # CPL art. 173(2), its lead-in shortened, and item (1) in the law's own words
    row("cn:art_1__para_1", "犯罪嫌疑人认罪认罚的，人民检察院应当就下列事项听取其意见：",
        parent="cn:art_1"),
    row("cn:art_1__para_1__item_1", "涉嫌的犯罪事实、罪名及适用的法律规定；",
        parent="cn:art_1__para_1"),
    row("cn:art_2", "人民法院审判案件，应当公开进行。", parent="cn:chap_1"),
    row("us:rule_1", "", lang="en", heading="Plea Agreement Procedure"),
    row("us:rule_1__a", "The court may accept the agreement or reject it.", parent="us:rule_1",
        lang="en"),
    row("sch:para_1", "Judges should not participate in plea negotiations.", lang="en",
        source_kind="scholarship"),
    row("fr:art_1", "Le tribunal homologue l'accord.", lang="fr"),
]


@pytest.fixture()
def db(tmp_path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(tmp_path / "plea.db")
    db["provisions"].insert_all(ROWS, pk="id")
    return db


def codes_of(db, provision_id: str) -> set[str]:
    return {r["code"] for r in db["tags"].rows_where("provision_id = ?", [provision_id])}


def test_units_and_their_lead_ins(db) -> None:
    units = {u.provision_id: u for u in read_units(db)}
    assert set(units) == {"cn:art_1__para_1", "cn:art_1__para_1__item_1", "cn:art_2",
                          "us:rule_1__a", "sch:para_1", "fr:art_1"}
    assert units["cn:art_1__para_1__item_1"].context == ROWS[2]["text"]
    assert units["us:rule_1__a"].heading == "Plea Agreement Procedure"
    assert units["sch:para_1"].kind == "scholarship"


def test_tag_database(db) -> None:
    n = tag_database(db)
    assert n == db["tags"].count > 0
    assert [c.name for c in db["tags"].columns] == TAG_COLUMNS
    assert db["taxonomy"].count == 36
    assert set(db["taxonomy"].columns_dict) >= {"code", "dimension", "label_en", "label_zh",
                                                "definition"}
    assert codes_of(db, "cn:art_1__para_1__item_1") == {"scope.facts", "scope.charge"}
    assert {"subjects.prosecutor", "behavior.consultation"} <= codes_of(db, "cn:art_1__para_1")
    assert codes_of(db, "cn:art_2") == set()
    assert {"subjects.court", "consequences.court_effect"} <= codes_of(db, "us:rule_1__a")
    assert codes_of(db, "fr:art_1") == set()
    texts = {r["id"]: r["text"] for r in ROWS}
    for tag in db["tags"].rows:
        assert texts[tag["provision_id"]][tag["start"]:tag["end"]] == tag["evidence"]
        assert tag["method"] == DEFAULT and tag["codebook_version"] == "1"
        assert tag["dimension"] == tag["code"].split(".")[0]
    sch = list(db["tags"].rows_where("provision_id = 'sch:para_1'"))
    assert sch and {t["modality"] for t in sch} == {"obligation"}


def test_articles_show_the_union_of_their_units(db) -> None:
    tag_database(db)
    union = {r["code"] for r in db.query(
        "SELECT code FROM provision_codes WHERE provision_id = 'cn:art_1'")}
    assert {"scope.facts", "scope.charge", "subjects.prosecutor"} <= union
    chapter = {r["code"] for r in db.query(
        "SELECT code FROM provision_codes WHERE provision_id = 'cn:chap_1'")}
    assert union <= chapter


def test_rerun_replaces_rule_tags_and_keeps_others(db) -> None:
    first = tag_database(db)
    db["tags"].insert({"provision_id": "cn:art_2", "code": "subjects.court",
                       "dimension": "subjects", "start": 0, "end": 4, "evidence": "人民法院",
                       "method": "human", "codebook_version": "1"})
    assert tag_database(db) == first
    assert db["tags"].count == first + 1
    assert codes_of(db, "cn:art_2") == {"subjects.court"}


# A second source repeating the first's article word for word, under the same lead-in
# (its item 1 has the same text and the same context), and one unit with the same text
# under no lead-in: the stage tags each distinct unit once and shares the result.
REPEATED = [
    row("cn2:art_1", "", parent=None),
    row("cn2:art_1__para_1", ROWS[2]["text"], parent="cn2:art_1"),
    row("cn2:art_1__para_1__item_1", ROWS[3]["text"], parent="cn2:art_1__para_1"),
    row("cn3:art_1", ROWS[3]["text"]),
]


def test_units_alike_are_tagged_once_with_the_same_rows_as_alone(tmp_path) -> None:
    from plea.annotate.stage import _tag_units
    from plea.annotate.taggers import get_tagger
    db = sqlite_utils.Database(tmp_path / "plea.db")
    db["provisions"].insert_all(ROWS + REPEATED, pk="id")
    tag_database(db, jobs=1)
    rows = [{k: v for k, v in r.items() if k != "id"} for r in db["tags"].rows]
    # The same rows as tagging every unit on its own, one call each.
    tagger = get_tagger(None).for_corpus()
    alone = []
    for unit in read_units(db):
        if unit.lang not in {"zh", "en", "de"}:
            continue
        (tags,) = _tag_units(tagger, [unit], jobs=1)
        alone += [(unit.provision_id, t.code, t.start, t.end, t.role, t.modality) for t in tags]
    assert [(r["provision_id"], r["code"], r["start"], r["end"], r["role"], r["modality"])
            for r in rows] == alone
    # Read off the texts: the repeated item names the facts and the charge
    # (涉嫌的犯罪事实、罪名) under a lead-in on 认罪认罚, as the original does.
    assert codes_of(db, "cn2:art_1__para_1__item_1") == codes_of(
        db, "cn:art_1__para_1__item_1") == {"scope.facts", "scope.charge"}


@pytest.mark.xfail(strict=True, reason=(
    "known error: the learned tagger has these words of CPL 173(2)(1) from the reference "
    "coding, where the item has its lead-in, and gives scope.charge to the item alone "
    "(confidence 0.60 with this model); README, 'Known errors'"))
def test_the_item_alone_has_no_plea_context(tmp_path) -> None:
    """On its own, with no lead-in, the item has no plea context (rule 2) and carries
    nothing."""
    db = sqlite_utils.Database(tmp_path / "plea.db")
    db["provisions"].insert_all(ROWS + REPEATED, pk="id")
    tag_database(db, jobs=1)
    assert codes_of(db, "cn3:art_1") == set()
