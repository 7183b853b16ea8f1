"""Contrast per code between two systems, and the comparison matrix, from the tags.

A small database written here: provisions with their real texts (CPL arts. 174 and 201,
FRCrP Rule 11(c)) and tags labelled by reading them — defence counsel is a witness in
China and a party in the US; the Chinese court "shall generally adopt" (presumptive),
the American court "may accept … reject" (permission).
"""
from __future__ import annotations

import sqlite3

import sqlite_utils

import pytest

from plea.annotate.compare import contrast, contrasts, law_tags, matrix, scope_items
from plea.annotate.taxonomy import write_codebook
from plea.corpus.tables import create_tables

PROVISIONS = [
    # id, source, jurisdiction, kind, citation, text
    ("cn-cpl-2018:art_174__para_1", "cn-cpl-2018", "CN", "statute", "《刑事诉讼法》第一百七十四条第一款",
     "犯罪嫌疑人自愿认罪，同意量刑建议和程序适用的，应当在辩护人或者值班律师在场的情况下签署认罪认罚具结书。"),
    ("cn-cpl-2018:art_201__para_1", "cn-cpl-2018", "CN", "statute", "《刑事诉讼法》第二百零一条第一款",
     "对于认罪认罚案件，人民法院依法作出判决时，一般应当采纳人民检察院指控的罪名和量刑建议，但有下列情形的除外："),
    ("us-frcrp:rule_11__subsec_c__para_1", "us-frcrp", "US", "court-rule", "Fed. R. Crim. P. 11(c)(1)",
     "In General. An attorney for the government and the defendant’s attorney, or the defendant "
     "when proceeding pro se, may discuss and reach a plea agreement. The court must not "
     "participate in these discussions."),
    ("us-frcrp:rule_11__subsec_c__para_3__subpara_A", "us-frcrp", "US", "court-rule",
     "Fed. R. Crim. P. 11(c)(3)(A)",
     "To the extent the plea agreement is of the type specified in Rule 11(c)(1)(A) or (C), the "
     "court may accept the agreement, reject it, or defer a decision until the court has reviewed "
     "the presentence report."),
    ("tw-cpc-en:art_455-2__para_1", "tw-cpc-en", "TW", "statute", "Code of Criminal Procedure (Taiwan) art. 455-2, para. 1",
     "… upon the request of the defendant, or of the defendant's agent, or of the defense attorney …"),
    ("meng-2023:sec_4__subsec_1__para_1", "meng-2023", "CN", "scholarship", "Meng 2023, § 4.1 ¶ 1",
     "Therefore, the negotiation subjects should be defined as the prosecutor, defense lawyers, "
     "duty lawyers, and criminal suspects."),
]
TAGS = [
    # provision, code, evidence, role, modality
    ("cn-cpl-2018:art_174__para_1", "subjects.defense_counsel", "辩护人", "witness", "obligation"),
    ("cn-cpl-2018:art_174__para_1", "subjects.duty_lawyer", "值班律师", "witness", "obligation"),
    ("cn-cpl-2018:art_174__para_1", "scope.sentence", "量刑建议", None, "none"),
    ("cn-cpl-2018:art_201__para_1", "consequences.court_effect", "一般应当采纳", None, "presumptive"),
    ("cn-cpl-2018:art_201__para_1", "subjects.court", "人民法院", "reviewer", "presumptive"),
    ("us-frcrp:rule_11__subsec_c__para_1", "subjects.defense_counsel", "the defendant’s attorney",
     "party", "permission"),
    ("us-frcrp:rule_11__subsec_c__para_1", "subjects.court",
     "The court must not participate in these discussions", "excluded", "prohibition"),
    ("us-frcrp:rule_11__subsec_c__para_3__subpara_A", "consequences.court_effect",
     "may accept the agreement, reject it", None, "permission"),
    ("us-frcrp:rule_11__subsec_c__para_3__subpara_A", "subjects.court", "court", "reviewer",
     "permission"),
    # a translation and scholarship: not law of a system for the comparison
    ("tw-cpc-en:art_455-2__para_1", "subjects.defense_counsel", "the defense attorney", "party",
     "permission"),
    ("meng-2023:sec_4__subsec_1__para_1", "subjects.defense_counsel", "defense lawyers", "party",
     "obligation"),
]


def make_db(path, *, with_tags=True, effective=False):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE sources (id TEXT PRIMARY KEY, jurisdiction TEXT, kind TEXT, "
                 "translation_of TEXT)")
    conn.execute("CREATE TABLE provisions (id TEXT PRIMARY KEY, source_id TEXT, jurisdiction TEXT, "
                 "source_kind TEXT, kind TEXT, citation TEXT, text TEXT, lang TEXT, position INTEGER)")
    for sid, j, kind, tr in [("cn-cpl-2018", "CN", "statute", None), ("us-frcrp", "US", "court-rule", None),
                             ("tw-cpc-en", "TW", "statute", "tw-cpc-zh"),
                             ("meng-2023", "CN", "scholarship", None)]:
        conn.execute("INSERT INTO sources VALUES (?,?,?,?)", [sid, j, kind, tr])
    for n, (pid, sid, j, kind, citation, text) in enumerate(PROVISIONS):
        conn.execute("INSERT INTO provisions VALUES (?,?,?,?,?,?,?,?,?)",
                     [pid, sid, j, kind, "provision", citation, text, "en", n])
    if with_tags:
        conn.execute('CREATE TABLE tags (provision_id TEXT, code TEXT, dimension TEXT, start INTEGER, '
                     '"end" INTEGER, evidence TEXT, role TEXT, modality TEXT, method TEXT, '
                     'rule_id TEXT, confidence REAL, codebook_version TEXT)')
        texts = {p[0]: p[5] for p in PROVISIONS}
        for pid, code, evidence, role, modality in TAGS:
            start = texts[pid].index(evidence)
            conn.execute("INSERT INTO tags VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                         [pid, code, code.split(".")[0], start, start + len(evidence), evidence,
                          role, modality, "rule", "r1", 0.9, "1"])
        if effective:
            # A human rejected the US court's "excluded" tag.
            conn.execute("CREATE VIEW effective_tags AS SELECT t.*, CASE WHEN t.role = 'excluded' "
                         "THEN 'rejected' ELSE NULL END AS decision FROM tags t")
    conn.commit()
    db = sqlite_utils.Database(conn)
    create_tables(db)      # the other declared tables, empty, as every build makes them
    write_codebook(db)     # and the codebook's, as the build's codebook stage fills them
    return conn


@pytest.fixture
def db(tmp_path):
    conn = make_db(tmp_path / "c.db")
    yield conn
    conn.close()


def test_defence_counsel_witness_versus_party(db):
    c = contrast(db, "subjects.defense_counsel", "CN", "US")
    assert c.status == "both"
    assert c.a.roles == {"witness": 1} and c.b.roles == {"party": 1}
    assert c.roles_only_a == ["witness"] and c.roles_only_b == ["party"]
    assert c.a.provisions == ["cn-cpl-2018:art_174__para_1"]
    assert c.b.provisions == ["us-frcrp:rule_11__subsec_c__para_1"]
    text = " ".join(c.summary)
    assert "witness only in cn" in text.lower() and "party only in us" in text.lower()
    assert "《刑事诉讼法》第一百七十四条第一款" in text


def test_court_effect_presumptive_versus_permission(db):
    c = contrast(db, "consequences.court_effect", "CN", "US")
    assert c.a.dominant_modality == "presumptive" and c.b.dominant_modality == "permission"
    assert c.modality_differs
    text = " ".join(c.summary)
    assert "一般应当采纳" in text and "may accept the agreement, reject it" in text


def test_presence_and_gap(db):
    c = contrast(db, "subjects.duty_lawyer", "CN", "US")
    assert c.status == "only_a" and c.a.count == 1 and c.b.count == 0
    assert "Only CN regulates this" in c.summary[0]
    assert contrast(db, "consequences.appeal", "CN", "US").status == "neither"


def test_scope_items_on_the_same_provisions(db):
    c = contrast(db, "subjects.defense_counsel", "CN", "US")
    assert c.a.scope_items == {"scope.sentence": 1} and c.scope_only_a == ["scope.sentence"]
    items = scope_items(db, "CN", "US")
    assert items["only_CN"] == ["scope.sentence"] and items["US"] == []


def test_translations_and_scholarship_are_not_law(db):
    juris = {t["jurisdiction"] for t in law_tags(db, code="subjects.defense_counsel")}
    assert juris == {"CN", "US"}
    ids = {t["provision_id"] for t in law_tags(db, code="subjects.defense_counsel")}
    assert "meng-2023:sec_4__subsec_1__para_1" not in ids


def test_effective_tags_preferred_and_rejections_dropped(tmp_path):
    conn = make_db(tmp_path / "e.db", effective=True)
    c = contrast(conn, "subjects.court", "CN", "US")
    assert "excluded" not in c.b.roles and c.b.roles == {"reviewer": 1}
    conn.close()


def test_matrix(db):
    rows = {r.code: r for r in matrix(db, ["CN", "US"])}
    assert list(rows)[0] == "subjects.prosecutor"            # codebook order
    dc = rows["subjects.defense_counsel"]
    assert dc.cells["CN"].provisions == 1 and dc.cells["CN"].roles == {"witness": 1}
    assert dc.cells["US"].roles == {"party": 1}
    assert dc.scholarship_paragraphs == 1
    assert rows["subjects.duty_lawyer"].cells["US"].gap
    data = dc.as_dict()
    assert data["cells"]["US"]["gap"] is False and data["label_zh"] == "辩护人"


def test_matrix_counts_most_frequent_first(db):
    """Count order, not the codebook's: a second (invented) rule keeping the court out
    makes "excluded" (2) lead "reviewer" (1), and "prohibition" lead "permission"."""
    db.execute("INSERT INTO provisions VALUES (?,?,?,?,?,?,?,?,?)",
               ["us-frcrp:rule_99", "us-frcrp", "US", "court-rule", "provision",
                "Invented rule 99", "The judge shall take no part in any bargaining.", "en", 99])
    db.execute("INSERT INTO tags VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
               ["us-frcrp:rule_99", "subjects.court", "subjects", 4, 9, "judge", "excluded",
                "prohibition", "reference", "reference-v1", 1.0, "1"])
    cell = next(r for r in matrix(db, ["CN", "US"]) if r.code == "subjects.court").cells["US"]
    assert list(cell.roles.items()) == [("excluded", 2), ("reviewer", 1)]
    assert list(cell.modalities.items()) == [("prohibition", 2), ("permission", 1)]
    # one of the two exclusions was decided by the reference coding
    assert [(c.value, c.n, c.reviewed) for c in cell.role_counts] == [("excluded", 2, 1),
                                                                      ("reviewer", 1, 0)]
    # without the reference layer no provision is core, and no system was reviewed
    assert cell.core == 0 and not cell.shown[0].core
    assert next(r for r in matrix(db, ["CN", "US"])
                if r.code == "subjects.duty_lawyer").cells["US"].gap_reason == "no-provision"


def test_pairs_and_no_tags(tmp_path, db):
    assert [(c.a.jurisdiction, c.b.jurisdiction) for c in
            contrasts(db, "subjects.court", ["CN", "US", "TW"])] == [("CN", "US"), ("CN", "TW"),
                                                                      ("US", "TW")]
    bare = make_db(tmp_path / "bare.db", with_tags=False)
    c = contrast(bare, "subjects.court", "CN", "US")
    assert c.status == "neither" and "no tags" in c.summary[0]
    assert all(cell.gap for row in matrix(bare, ["CN"]) for cell in row.cells.values())
    bare.close()


def test_accepts_a_path_and_opens_it_read_only(tmp_path):
    make_db(tmp_path / "p.db").close()
    c = contrast(tmp_path / "p.db", "subjects.defense_counsel", "CN", "US")
    assert c.status == "both"
