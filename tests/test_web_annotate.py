"""Annotating from the provision page: only logged-in annotators, only with
Datasette's CSRF token, only into the annotation store (never the corpus), and
the page shows the decision at once, marked as human; agreement between two."""
from __future__ import annotations

import hashlib
import sqlite3

import lxml.html
import pytest

from plea.annotate.human.store import AnnotationStore
from plea.web.config import annotations_path
from tests.fixtures.web.inprocess import Visitor, datasette_for, make_accounts
from tests.fixtures.web.make_db import fixture_db

PAGE = "xx-mini:art_2"
UNIT = "xx-mini:art_2__para_2"      # 检察官提出量刑建议前，应当听取辩护人或者值班律师的意见。


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return fixture_db(tmp_path_factory.mktemp("annotate"))


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "store" / "annotations.db"


@pytest.fixture
def site(db, tmp_path, store_path, monkeypatch):
    monkeypatch.setenv("PLEA_ANNOTATORS", str(make_accounts(tmp_path / "annotators.json")))
    monkeypatch.setenv("PLEA_ANNOTATIONS", str(store_path))
    return datasette_for(db)


@pytest.fixture
def alice(site):
    v = Visitor(site)
    assert v.login("alice").status_code == 303
    return v


def act(v: Visitor, **fields):
    return v.post("/-/plea/annotate", {"csrftoken": v.token(f"/provision/{PAGE}"),
                                       "page": PAGE, **fields})


def stored(path) -> list:
    if not path.exists():
        return []
    with AnnotationStore(path, readonly=True) as s:
        return s.all()


def doc(v: Visitor, path: str = f"/provision/{PAGE}"):
    resp = v.get(path)
    assert resp.status_code == 200, resp.text[:500]
    return lxml.html.fromstring(resp.text)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- who may write -------------------------------------------------------------------
def test_anonymous_post_is_forbidden(site, store_path):
    resp = Visitor(site).post("/-/plea/annotate", {"act": "reject", "provision_id": UNIT,
                                                   "code": "subjects.duty_lawyer"})
    assert resp.status_code == 403
    assert stored(store_path) == []


def test_post_without_the_csrf_token_is_forbidden(alice, store_path):
    resp = alice.post("/-/plea/annotate", {"act": "reject", "provision_id": UNIT,
                                           "code": "subjects.duty_lawyer"})
    assert resp.status_code == 403
    resp = alice.post("/-/plea/annotate", {"csrftoken": "forged", "act": "reject",
                                           "provision_id": UNIT, "code": "subjects.duty_lawyer"})
    assert resp.status_code == 403
    assert stored(store_path) == []


def test_a_tampered_login_cannot_annotate(alice, store_path):
    token = alice.token(f"/provision/{PAGE}")
    alice.cookies["plea_annotator"] = alice.cookies["plea_annotator"][:-3] + "abc"
    assert not lxml.html.fromstring(alice.get(f"/provision/{PAGE}").text).xpath(
        "//form[@class='add-tag']")
    resp = alice.post("/-/plea/annotate", {"csrftoken": token, "act": "reject",
                                           "provision_id": UNIT, "code": "subjects.duty_lawyer"})
    assert resp.status_code == 403
    assert stored(store_path) == []


def test_reading_pages_stay_get_only(alice):
    token = alice.token(f"/provision/{PAGE}")
    assert alice.post(f"/provision/{PAGE}", {"csrftoken": token}).status_code == 405
    assert alice.get("/-/plea/annotate").status_code == 405


def test_anonymous_visitors_see_no_forms(site):
    page = doc(Visitor(site))
    assert not page.xpath("//form[contains(@action, '/-/plea/annotate')]")
    assert page.xpath("//a[contains(@href, '/-/plea/login?next=')]")


# -- the acts ----------------------------------------------------------------------
def test_reject_writes_the_store_only_and_shows_at_once(alice, db, store_path):
    before = digest(db)
    resp = act(alice, act="reject", provision_id=UNIT, code="subjects.duty_lawyer",
               note="not a party here")
    assert resp.status_code == 303
    assert resp.headers["location"] == f"/provision/{PAGE}#{UNIT}"
    a, = stored(store_path)
    assert (a.annotator, a.decision, a.code, a.note) == ("alice", "rejected",
                                                         "subjects.duty_lawyer", "not a party here")
    assert (a.anchor.provision_id, a.anchor.exact) == (UNIT, "值班律师")
    assert digest(db) == before                          # the corpus is never written
    page = doc(alice)
    assert "Rejected subjects.duty_lawyer" in page.xpath("//p[@class='message-info']")[0].text_content()
    row, = page.xpath(f"//section[@id='tags']//tr[@data-unit='{UNIT}'][@data-code='subjects.duty_lawyer']")
    assert row.get("data-decision") == "rejected" and "decision-rejected" in row.get("class")
    review = row.xpath(".//td[@class='review']")[0].text_content()
    assert "rejected (alice)" in review and "not a party here" in review
    # still listed, and highlighted as rejected in the text's tooltip
    marks = page.xpath(f"//span[@data-unit='{UNIT}']//mark[contains(@data-codes, 'duty_lawyer')]")
    assert marks and "decision: rejected by alice" in marks[0].get("title")
    # the other tags are untouched
    assert page.xpath(f"//tr[@data-unit='{UNIT}'][@data-code='subjects.prosecutor']/@data-decision") == ["auto"]


def test_anonymous_visitors_see_the_decision_too(alice, site):
    act(alice, act="reject", provision_id=UNIT, code="subjects.duty_lawyer")
    page = doc(Visitor(site))
    assert page.xpath(f"//tr[@data-unit='{UNIT}'][@data-code='subjects.duty_lawyer']"
                      "/@data-decision") == ["rejected"]


def test_add_a_tag_on_selected_words(alice, store_path):
    # the browser sends the words and where they start (in code points)
    resp = act(alice, act="add", provision_id=UNIT, code="behavior.rights_notice",
               quote="量刑建议", start="5", modality="obligation")
    assert resp.status_code == 303
    a, = stored(store_path)
    assert (a.decision, a.code, a.modality, a.anchor.exact, a.anchor.start) == (
        "added", "behavior.rights_notice", "obligation", "量刑建议", 5)
    page = doc(alice)
    row, = page.xpath(f"//tr[@data-unit='{UNIT}'][@data-code='behavior.rights_notice']")
    assert row.get("data-decision") == "added" and "human" in row.text_content()
    mark, = page.xpath(f"//span[@data-unit='{UNIT}']//mark[contains(@data-codes, 'rights_notice')]")
    assert mark.text_content() == "量刑建议" and "human" in mark.get("class").split()


def test_an_offset_the_page_counted_differently_falls_back_to_the_words(alice, store_path):
    act(alice, act="add", provision_id=UNIT, code="subjects.defense_counsel",
        quote="辩护人", start="99", role="consulted")
    a, = stored(store_path)
    assert (a.anchor.exact, a.anchor.start, a.role) == ("辩护人", 15, "consulted")


def test_confirm_and_a_note(alice, store_path):
    act(alice, act="confirm", provision_id=UNIT, code="subjects.prosecutor")
    act(alice, act="note", provision_id=UNIT, quote="检察官", text="<script>alert('note')</script>")
    kinds = [(a.kind, a.code) for a in stored(store_path)]
    assert kinds == [("confirmed", "subjects.prosecutor"), ("note", None)]
    resp = alice.get(f"/provision/{PAGE}")
    assert "<script>alert('note')</script>" not in resp.text           # escaped
    page = lxml.html.fromstring(resp.text)
    note, = page.xpath("//section[@id='annotations']//tr[contains(@class, 'kind-note')]")
    assert "<script>alert('note')</script>" in note.text_content()
    assert page.xpath(f"//tr[@data-unit='{UNIT}'][@data-code='subjects.prosecutor']"
                      "/@data-decision") == ["confirmed"]


@pytest.mark.parametrize("fields,message", [
    ({"act": "reject", "code": "subjects.nobody"}, "unknown code"),
    ({"act": "add", "code": "behavior.recording", "role": "party"}, "a role applies only"),
    ({"act": "add", "code": "behavior.recording", "quote": "not in the text"}, "is not in the text"),
    ({"act": "reject", "code": "scope.charge"}, "no tag scope.charge"),
    ({"act": "note", "text": "  "}, "the note is empty"),
])
def test_a_mistake_is_explained_and_nothing_recorded(alice, store_path, fields, message):
    resp = act(alice, provision_id=UNIT, **fields)
    assert resp.status_code == 303
    assert stored(store_path) == []
    error = doc(alice).xpath("//p[@class='message-error']")[0].text_content()
    assert "Not recorded" in error and message in error


@pytest.mark.parametrize("fields", [{"act": "delete", "provision_id": UNIT},
                                    {"act": "reject", "code": "subjects.court"},
                                    {"act": "note", "provision_id": UNIT, "text": "x" * 5000}])
def test_malformed_requests_are_400(alice, fields):
    assert act(alice, **fields).status_code == 400


def test_forms_for_annotators(alice):
    page = doc(alice)
    add, = page.xpath("//form[@class='add-tag']")
    assert add.xpath(".//input[@name='csrftoken']/@value")[0]
    assert UNIT in add.xpath(".//select[@name='provision_id']/option/@value")
    assert "subjects.legal_representative" in add.xpath(".//select[@name='code']//option/@value")
    assert add.xpath(".//select[@name='role']/option/text()")[1:] == [
        "party", "consulted", "witness", "reviewer", "informed", "excluded"]
    decide = page.xpath(f"//tr[@data-unit='{UNIT}'][@data-code='subjects.prosecutor']//form")[0]
    assert decide.xpath(".//button/@value") == ["confirm", "reject"]


# -- where the store is ------------------------------------------------------------
def test_the_store_defaults_to_the_builds_default(monkeypatch, tmp_path):
    monkeypatch.delenv("PLEA_ANNOTATIONS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert annotations_path() == tmp_path / "data" / "annotations.db"
    monkeypatch.setenv("PLEA_ANNOTATIONS", "elsewhere/ann.db")
    assert annotations_path() == tmp_path / "elsewhere" / "ann.db"


# -- agreement ---------------------------------------------------------------------
def test_agreement_needs_two_annotators(alice, site):
    act(alice, act="reject", provision_id=UNIT, code="subjects.duty_lawyer")
    page = doc(alice, "/-/plea/agreement")
    assert "needs two or more annotators" in page.xpath("//p[contains(@class, 'no-agreement')]")[0].text_content()
    bob = Visitor(site)
    bob.login("bob")
    act(bob, act="confirm", provision_id=UNIT, code="subjects.duty_lawyer")
    act(bob, act="confirm", provision_id=UNIT, code="subjects.prosecutor")
    act(alice, act="confirm", provision_id=UNIT, code="subjects.prosecutor")
    page = doc(Visitor(site), "/-/plea/agreement")      # anyone may read it
    scopes = page.xpath("//table[@class='agreement']//tr/@data-scope")
    assert scopes[:5] == ["all", "subjects", "scope", "behavior", "consequences"]
    assert "subjects.duty_lawyer" in scopes
    lawyer = page.xpath("//tr[@data-scope='subjects.duty_lawyer']")[0]
    # one unit, alice says absent and bob present: no agreement beyond chance
    assert lawyer.xpath("./td[@class='kappa']/text()") == ["0.000"]
    assert lawyer.xpath("./td[@class='alpha']/text()") == ["0.000"]
    prosecutor = page.xpath("//tr[@data-scope='subjects.prosecutor']")[0]
    assert prosecutor.xpath("./td/text()")[4] == "1.000"   # both confirmed it: observed 1
    assert "alice – bob" in lawyer.xpath("./td[@class='kappa']/@title")[0]


def test_no_store_no_agreement(site):
    page = doc(Visitor(site), "/-/plea/agreement")
    assert "no annotation store" in page.text_content()


def test_the_served_database_stays_immutable(site, db):
    # every build makes the annotations table; serving never writes a row to it
    assert sqlite3.connect(db).execute("SELECT count(*) FROM annotations").fetchone()[0] == 0


def test_an_unreadable_store_is_reported_not_fatal(site, store_path):
    store_path.parent.mkdir(parents=True, exist_ok=True)
    store_path.write_bytes(b"this is not a database")
    page = doc(Visitor(site))
    assert "annotation store cannot be read" in page.xpath("//p[contains(@class, 'error')]")[0].text_content()
    assert page.xpath(f"//tr[@data-unit='{UNIT}'][@data-code='subjects.duty_lawyer']")
