"""Facts of the reviewed picture in a database built from the whole corpus with the
reference coding: the roles and modalities the law gives, read off the texts by hand,
must be what the build serves (effective_tags, the matrix), and say who decided them.

Each expected value comes from reading the provision (the reason is in the row's
comment), never from the code's output. Skipped without ../shared/corpus or without
annotate/reference/coding.jsonl.
"""
from __future__ import annotations

import sqlite3

import pytest

from plea.annotate.compare import matrix
from plea.annotate.reference.coding import CODING_FILE

pytestmark = pytest.mark.skipif(not CODING_FILE.is_file(),
                                reason=f"no reference coding at {CODING_FILE}")

# provision, code, what, expected — read from the text
FACTS = [
    # § 257c(1) StPO: the court itself may reach an understanding with the parties
    ("de-stpo:sec_257c__para_1", "subjects.court", "role", "party"),
    # § 257c(5) StPO: the defendant is to be instructed about the conditions and effects
    ("de-stpo:sec_257c__para_5", "subjects.suspect_defendant", "role", "informed"),
    # Rule 11(c)(1): "The court must not participate in these discussions"
    ("us-frcrp:rule_11__subsec_c__para_1", "subjects.court", "role", "excluded"),
    # Rule 11(c)(1)(B): a recommendation that "does not bind the court"
    ("us-frcrp:rule_11__subsec_c__para_1__subpara_B", "consequences.court_effect", "modality",
     "permission"),
    # Rule 11(c)(1)(C): the agreed sentence "binds the court once the court accepts"
    ("us-frcrp:rule_11__subsec_c__para_1__subpara_C", "consequences.court_effect", "modality",
     "obligation"),
    # CPL art. 201(1): the court "一般应当采纳" the procuratorate's recommendation
    ("cn-cpl-2018:art_201__para_1", "consequences.court_effect", "modality", "presumptive"),
    # Taiwan CPC art. 455-2(1): negotiation only "經法院同意" — the court approves
    ("tw-cpc-zh:art_455-2__para_1", "subjects.court", "role", "reviewer"),
]
# Provisions that mention a plea-like word but regulate no negotiation: § 66 StPO (the
# oath) and § 298 StGB (bid rigging, whose para. 3 speaks of an "Angebot").
NO_CODE = ["de-stpo:sec_66", "de-stgb:sec_298"]


@pytest.fixture(scope="module")
def conn(built_db):
    c = sqlite3.connect(f"file:{built_db}?mode=ro", uri=True)
    c.row_factory = sqlite3.Row
    yield c
    c.close()


@pytest.mark.parametrize("provision, code, what, expected", FACTS)
def test_the_reviewed_tags_say_what_the_text_says(conn, provision, code, what, expected):
    found = conn.execute(f"SELECT {what}, decided_by FROM tag_decisions "
                         "WHERE provision_id = ? AND code = ? AND decision != 'rejected'",
                         [provision, code]).fetchall()
    assert found, f"{provision} carries no {code}"
    assert {r[what] for r in found} == {expected}
    # decided by the reference coding, and it says so
    assert {r["decided_by"] for r in found} == {"reference-v1"}


@pytest.mark.parametrize("provision", NO_CODE)
def test_provisions_the_coding_cleared_carry_no_code(conn, provision):
    carried = conn.execute("SELECT provision_id, code FROM effective_tags "
                           "WHERE provision_id = ? OR provision_id LIKE ? || '\\_\\_%' ESCAPE '\\'",
                           [provision, provision]).fetchall()
    assert [tuple(r) for r in carried] == []
    # and at least one of its units was read and decided "no code", not just missed
    cleared = conn.execute("SELECT count(*) FROM reference_units WHERE codes = 0 AND "
                           "provision_id LIKE ? || '\\_\\_%' ESCAPE '\\'", [provision]).fetchone()[0]
    assert cleared >= 1


def test_the_court_cell_shows_de_party_and_us_excluded_with_counts(conn):
    row = next(r for r in matrix(conn) if r.code == "subjects.court")
    for jurisdiction, role, at_least in (("DE", "party", "de-stpo:sec_257c__para_1"),
                                         ("US", "excluded", "us-frcrp:rule_11__subsec_c__para_1")):
        cell = row.cells[jurisdiction]
        # the count is the number of provisions of that system giving the role, read
        # here straight from effective_tags
        expected = conn.execute(
            "SELECT count(DISTINCT t.provision_id) FROM effective_tags t "
            "JOIN provisions p ON p.id = t.provision_id JOIN sources s ON s.id = p.source_id "
            "WHERE t.code = 'subjects.court' AND t.role = ? AND p.jurisdiction = ? "
            "AND p.source_kind != 'scholarship' AND s.translation_of IS NULL",
            [role, jurisdiction]).fetchone()[0]
        assert expected >= 1 and cell.roles.get(role) == expected
        counts = [c.n for c in cell.role_counts]
        assert counts == sorted(counts, reverse=True)           # most frequent first
        assert next(c for c in cell.role_counts if c.value == role).reviewed >= 1
        assert conn.execute("SELECT 1 FROM effective_tags WHERE provision_id = ? AND "
                            "code = 'subjects.court' AND role = ?", [at_least, role]).fetchone()
    # the view the page and the export read says the same
    view = conn.execute("SELECT de_roles, us_roles FROM comparison_matrix "
                        "WHERE code = 'subjects.court'").fetchone()
    assert '"value":"party"' in view["de_roles"] and '"value":"excluded"' in view["us_roles"]


def test_every_gap_has_a_reason_and_reviewed_systems_are_said_to_be(conn):
    rows = matrix(conn)
    gaps = [(r.code, j, c) for r in rows for j, c in r.cells.items() if c.gap]
    assert gaps and all(c.gap_reason for _, _, c in gaps)
    # every system's core provisions were coded, so a gap is "reviewed and absent"
    assert {c.gap_reason for _, _, c in gaps} == {"reviewed-absent"}
    # China's missing texts are named on its gaps (the manifest's status = "missing")
    cn = [c for _, j, c in gaps if j == "CN"]
    assert all("2019 Guiding Opinions" in c.missing_sources for c in cn)
    # a missing translation adds no law: the CPL's English text is not named
    assert not any("English" in name for c in cn for name in c.missing_sources)
