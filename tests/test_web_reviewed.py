"""The reviewed picture in the web view, on the web fixture with a small reference coding
merged by the real build stage: counted and ordered roles and modalities with the
reviewed ones marked, the provisions that define a cell (core first), why each gap is
a gap, the "core provisions only" switch, who decided each tag, and the coding's
agreement table. Pages are built in-process on a real SQLite file.

The fixture's laws are imaginary (tests/fixtures/web); the coding below was written by
reading them: in the US-style rule the court "must not participate" (excluded) and
the two lawyers "may discuss" (party, permission); in the German-style § 257c(1) the
court may reach an understanding itself (party, permission), and § 257c(2) was read
and carries no code.
"""
from __future__ import annotations

import json
import sqlite3

import pytest
import sqlite_utils
from click.testing import CliRunner

from plea.annotate.compare import matrix, matrix_jurisdictions, matrix_shape, matrix_sql, rows
from plea.annotate.human.stage import merge_annotations
from plea.annotate.reference import stage as reference_stage
from plea.annotate.reference.coding import Coding, CodedTag, CodedUnit, digest
from plea.annotate.reference.coverage import Coverage, Selector, core_units
from plea.cli import cli
from plea.web.pages.agreement import reference_agreement
from plea.web.pages.code import code_page
from plea.web.pages.matrix import matrix_page
from plea.web.pages.provision import provision_page
from plea.web.render import Links
from plea.web.viewmodel import code_labels
from plea.web.views import install
from tests.fixtures.web.make_db import fixture_db

RULE = "xx-rules:rule_11__subsec_c__para_1"
GESETZ_1, GESETZ_2 = "xx-gesetz:sec_257c__para_1", "xx-gesetz:sec_257c__para_2"
# unit → the final coding (code, evidence, role, modality) and passes A and B
CODED = {
    RULE: ([("subjects.court", "The court must not participate", "excluded", "prohibition"),
            ("subjects.defense_counsel", "the defendant's attorney", "party", "permission"),
            ("subjects.prosecutor", "The attorney for the government", "party", "permission")],
           ["subjects.court", "subjects.defense_counsel", "subjects.prosecutor"],
           ["subjects.court", "subjects.defense_counsel"]),
    GESETZ_1: ([("subjects.court", "Das Gericht", "party", "permission")],
               ["subjects.court"], ["subjects.court"]),
    GESETZ_2: ([], [], ["scope.charge"]),
}
CORE = Coverage([Selector("xx-rules", ("rule_11",)), Selector("xx-gesetz", ("sec_257c",))])


def _coding(texts: dict[str, str]) -> Coding:
    units = []
    for unit, (final, a, b) in CODED.items():
        text = texts[unit]
        tags = []
        for code, evidence, role, modality in final:
            start = text.index(evidence)
            tags.append(CodedTag(code, start, start + len(evidence), evidence, role=role,
                                 modality=modality))
        units.append(CodedUnit(unit, "provision", unit, digest(text), len(text), text[:16], tags,
                               "agreed" if a == b else "adjudicated",
                               passes={"A": [[c, None, "none"] for c in a],
                                       "B": [[c, None, "none"] for c in b]}))
    return Coding({"format": "plea-reference-coding", "version": 1}, units)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = fixture_db(tmp_path_factory.mktemp("reviewed"))
    base = sqlite_utils.Database(path)
    with base.conn:
        # The fixture's tags stand for the tagger's here (machine), except what the
        # coding below replaces.
        base.execute("UPDATE tags SET method = 'rule', rule_id = 'r1'")
        # Texts the manifest lists as missing: one of Taiwan's (named on its gaps), and a
        # translation of a German text the corpus has (adds no law: never named).
        base["sources"].insert_all([
            {"id": "xx-tw-cases", "work": "xx-tw-cases", "title": "臺灣協商判決",
             "title_en": "Taiwan plea judgments", "jurisdiction": "TW", "kind": "case-law",
             "status": "missing"},
            {"id": "xx-gesetz-en", "work": "xx-gesetz", "title": "Model Code (English)",
             "jurisdiction": "DE", "kind": "statute", "status": "missing"}], alter=True)
    texts = {r["id"]: r["text"] for r in base.query("SELECT id, text FROM provisions")}
    mp = pytest.MonkeyPatch()
    mp.setattr(reference_stage, "core_units", lambda d: core_units(d, CORE))
    try:
        with base.conn:
            reference_stage.merge_reference(base, _coding(texts))
            # the build's next stage: tag_decisions / effective_tags (no store: no human)
            merge_annotations(base, path.parent / "no-annotations.db")
            install(base)
    finally:
        mp.undo()
    base.close()
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


def _codes(page: dict) -> dict[str, dict]:
    return {c["code"]: c for d in page["dimensions"] for c in d["codes"]}


def _cell(page: dict, code: str, jurisdiction: str) -> dict:
    return next(c for c in _codes(page)[code]["cells"] if c["key"] == jurisdiction)


def test_roles_and_modalities_are_counted_ordered_and_marked(db):
    page = matrix_page(db, Links())
    us = _cell(page, "subjects.court", "US")
    # the coded rule (reference: reviewed) and the markup probe (tagger) both exclude
    assert us["count"] == 2
    assert [(r["value"], r["n"], r["reviewed"], r["state"]) for r in us["roles"]] == [
        ("excluded", 2, 1, "partly")]
    assert [(m["value"], m["n"]) for m in us["modalities"]] == [("prohibition", 2)]
    # the provisions that define the cell: the core one first
    assert [(s["id"], s["core"]) for s in us["shown"]] == [(RULE, True), ("xx-probe:sec_1", False)]
    de = _cell(page, "subjects.court", "DE")
    assert [(r["value"], r["n"], r["state"]) for r in de["roles"]] == [("party", 1, "reviewed")]
    cn = _cell(page, "subjects.court", "CN")
    assert [(r["value"], r["state"]) for r in cn["roles"]] == [("reviewer", "machine")]


GAPS = [
    # code, jurisdiction, reason, missing texts named
    ("scope.charge", "DE", "reviewed-absent", []),     # § 257c(2) read: no code; the
                                                        # translation is not named
    ("scope.sentence", "US", "reviewed-absent", ["A text nobody has found"]),
    ("scope.sentence", "TW", "source-missing", ["Taiwan plea judgments"]),
    ("scope.sentence", "CN", "no-provision", []),
]


@pytest.mark.parametrize("code, jurisdiction, reason, missing", GAPS)
def test_every_gap_says_why(db, code, jurisdiction, reason, missing):
    cell = _cell(matrix_page(db, Links()), code, jurisdiction)
    assert cell["gap"] and cell["reason"]["kind"] == reason
    assert cell["reason"]["missing"] == missing
    assert cell["reason"]["text"]
    if reason == "reviewed-absent":
        assert "core provisions of " + jurisdiction in cell["reason"]["text"]


def test_the_core_switch_reads_core_provisions_only(db):
    links = Links()
    full, core = matrix_page(db, links), matrix_page(db, links, core=True)
    us = _cell(core, "subjects.court", "US")
    assert us["count"] == 1 and [(r["value"], r["n"], r["state"]) for r in us["roles"]] == [
        ("excluded", 1, "reviewed")]
    assert us["href"] == "/code/subjects.court?jurisdiction=US&core=1"
    # China has no core provision: its filled cell becomes a gap, and says the tagger's
    # provisions are outside the core
    assert not _cell(full, "subjects.court", "CN")["gap"]
    cn = _cell(core, "subjects.court", "CN")
    assert cn["gap"] and "1 provision outside the core" in cn["reason"]["text"]
    assert full["switch"] == {"all": "/", "core": "/?core=1"} and core["core"]


def test_code_page_core_first_each_provision_once_with_who_decided(db):
    links = Links()
    page = code_page(db, "subjects.court", {}, links)
    us = next(c for c in page["columns"] if c["key"] == "US")
    assert [u["id"] for u in us["units"]] == [RULE, "xx-probe:sec_1"]
    assert [u["core"] for u in us["units"]] == [True, False]
    assert [d["label"] for d in us["units"][0]["deciders"]] == ["reference coding v1"]
    assert [d["label"] for d in us["units"][1]["deciders"]] == ["machine (rule)"]
    every = [u["id"] for c in page["columns"] for u in c["units"]]
    assert len(every) == len(set(every))
    core = code_page(db, "subjects.court", {}, links, core=True)
    assert {c["key"]: [u["id"] for u in c["units"]] for c in core["columns"]} == {
        "CN": [], "US": [RULE], "DE": [GESETZ_1], "TW": []}


def test_provision_page_says_who_decided_each_tag(db):
    links = Links()
    coded = provision_page(db, RULE, links)
    assert {t["code"]: t["decider"]["label"] for t in coded["tags"]} == {
        "subjects.court": "reference coding v1", "subjects.defense_counsel": "reference coding v1",
        "subjects.prosecutor": "reference coding v1"}
    machine = provision_page(db, "xx-mini:art_2", links)
    assert {t["decider"]["label"] for t in machine["tags"]} == {"machine (rule)"}
    # the tag_decisions view itself says it, for SQL users
    assert set(db.execute("SELECT DISTINCT decided_by FROM tag_decisions WHERE provision_id = ?",
                          [RULE])) == {("reference-v1",)}


def test_agreement_page_shows_the_reference_coding(db):
    table = reference_agreement(db, code_labels(db))
    assert table["pairs"] == ("A|B", "A|final", "B|final")
    overall = next(r for r in table["rows"] if (r["jurisdiction"], r["scope"]) == ("all", "all"))
    # Read off CODED: 3 units × 36 codes = 108 presence items; A has 4 present, B 4,
    # both 3, both absent 103. Po = 106/108, Pe = (4·4 + 104·104)/108², so
    # kappa = (Po − Pe)/(1 − Pe) = 616/832 = 0.740. A is the final coding: 1.000.
    ab, a_final, b_final = overall["cells"]
    assert ab["kappa"] == "0.740" and a_final["kappa"] == "1.000" and b_final["kappa"] == "0.740"
    assert [r["scope"] for r in table["rows"] if r["jurisdiction"] == "all"][:5] == [
        "all", "subjects", "scope", "behavior", "consequences"]
    assert any(r["scope"] == "role" for r in table["rows"])


def test_the_view_is_the_comparison_statement(db):
    """The page, the export and annotate.compare read one statement."""
    view = rows(db, "SELECT * FROM comparison_matrix")
    direct = rows(db, matrix_sql(matrix_jurisdictions(db), matrix_shape(db)))
    assert view == direct and len(view) == len(matrix(db))


# -- the CLI reads the same matrix -------------------------------------------------
@pytest.mark.parametrize("core", [False, True])
def test_plea_compare_and_the_matrix_page_agree(db, core):
    """`plea compare --json` and the home page read one matrix: every cell's count,
    roles, modalities (with how many reviewed), the provisions it names and its gap."""
    path = next(r[2] for r in db.execute("PRAGMA database_list") if r[1] == "main")
    args = ["compare", "--db", path, "--json"] + (["--core"] if core else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    printed = {r["code"]: r for r in json.loads(result.output)}
    page = matrix_page(db, Links(), core=core)
    shown_codes = _codes(page)
    assert list(printed) == list(shown_codes)
    checked = 0
    for code, row in shown_codes.items():
        for cell in [*row["cells"], row["scholarship"]]:
            mine = (printed[code]["scholarship"] if cell["key"] == "scholarship"
                    else printed[code]["cells"][cell["key"]])
            assert mine["provisions"] == cell["count"], (code, cell["key"])
            assert ({(r["value"], r["n"], r["reviewed"]) for r in mine["roles"]}
                    == {(r["value"], r["n"], r["reviewed"]) for r in cell["roles"]})
            assert ({(m["value"], m["n"], m["reviewed"]) for m in mine["modalities"]}
                    == {(m["value"], m["n"], m["reviewed"]) for m in cell["modalities"]})
            # the page names the first few of the provisions the CLI lists, in its order
            assert [s["id"] for s in mine["shown"]][:len(cell["shown"])] == [
                s["id"] for s in cell["shown"]]
            if cell.get("reason"):
                assert mine["gap"] == cell["reason"]["kind"]
                assert mine["missing"] == cell["reason"]["missing"]
            checked += bool(cell["count"])
    # core: the coded rule's three subjects (US) and § 257c(1)'s court (DE) — CODED above
    assert checked >= (4 if core else 8)
