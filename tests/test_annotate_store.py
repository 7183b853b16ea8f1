"""The annotation store and the acts the CLI and the web view call."""
from __future__ import annotations

import pytest

from plea.annotate.human.model import AnnotationError, now_iso
from plea.annotate.human.store import AnnotationStore, default_store
from plea.annotate.human.verdicts import unit_codes, verdicts
from tests.test_annotate_anchor import TEXT_A, TEXT_B, make_corpus, row, tag

P1, P2 = "xx-law:art_1", "xx-law:art_2"


@pytest.fixture
def corpus(tmp_path):
    make_corpus(tmp_path / "plea.db", [row(P1, TEXT_A), row(P2, TEXT_B)], tags=[
        tag(P1, "subjects.prosecutor", TEXT_A, "人民检察院", role="party",
            modality="obligation"),
        tag(P1, "subjects.court", TEXT_A, "意见"),
        tag(P2, "subjects.duty_lawyer", TEXT_B, "值班律师", role="witness",
            modality="obligation"),
    ])
    return tmp_path / "plea.db"


@pytest.fixture
def store(tmp_path, corpus):
    with AnnotationStore(tmp_path / "ann.db", corpus=corpus) as s:
        yield s


def test_default_store_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("PLEA_ANNOTATIONS", raising=False)
    assert str(default_store()) == "data/annotations.db"
    monkeypatch.setenv("PLEA_ANNOTATIONS", str(tmp_path / "x.db"))
    assert default_store() == tmp_path / "x.db"


def test_every_act_records_annotator_time_codebook_and_anchor(store):
    a = store.add("alice", P2, "behavior.written_agreement", quote="认罪认罚具结书",
                  modality="obligation", note="the 具结书")
    assert (a.decision, a.motivation, a.annotator) == ("added", "tagging", "alice")
    assert a.created.endswith("Z") and a.created[:2] == "20"
    assert a.codebook_version == "1"
    assert (a.anchor.provision_id, a.anchor.exact) == (P2, "认罪认罚具结书")
    assert store.get(a.id) == a and store.get(a.id[:8]) == a


def test_confirm_reject_and_correct_automatic_tags(store):
    c = store.confirm("alice", P1, "subjects.prosecutor")
    assert c.decision == "confirmed"
    assert c.anchor.exact == "人民检察院"             # the tag's own evidence
    r = store.reject("alice", P1, "subjects.court", note="the court is not involved here")
    assert r.decision == "rejected" and r.note == "the court is not involved here"
    same = store.confirm("bob", P2, "subjects.duty_lawyer", role="witness")
    assert same.decision == "confirmed"               # the tagger's role: nothing corrected
    fixed = store.confirm("bob", P2, "subjects.duty_lawyer", modality="presumptive")
    assert fixed.decision == "corrected" and fixed.modality == "presumptive"
    assert store.correct("bob", P2, "subjects.duty_lawyer", role="party").decision == "corrected"


def test_notes_links_and_reviews(store):
    n = store.note("bob", P1, "Compare Rule 11(c)(2).", quote="记录在案")
    assert n.kind == "note" and n.anchor.scope == "span"
    link = store.link("bob", P1, P2, "contrasts_with", note="hearing vs signing")
    assert link.kind == "link" and link.link.provision_id == P2
    assert link.relation == "contrasts_with"
    made = store.review("carol", P1)
    assert [a.decision for a in made] == ["confirmed", "confirmed", "reviewed"]
    assert unit_codes((a, a.anchor.provision_id) for a in store.all()) == {
        P1: {"subjects.prosecutor", "subjects.court"}}


@pytest.mark.parametrize("act,args,kwargs,message", [
    ("add", (P1, "subjects.nobody"), {}, "unknown code 'subjects.nobody'"),
    ("add", ("xx-law:art_99", "subjects.court"), {}, "unknown provision id 'xx-law:art_99'"),
    ("add", (P1, "scope.sentence"), {"role": "party"}, "only to subjects"),
    ("add", (P1, "subjects.court"), {"role": "judge"}, "unknown role 'judge'"),
    ("add", (P1, "subjects.court"), {"modality": "maybe"}, "unknown modality"),
    ("confirm", (P2, "subjects.court"), {}, "no tag subjects.court"),
    ("reject", (P2, "scope.sentence"), {}, "no tag scope.sentence"),
    ("note", (P1, "  "), {}, "the note is empty"),
    ("link", (P1, P1), {}, "linked to itself"),
    ("link", (P1, P2, "resembles"), {}, "unknown relation"),
    ("correct", (P2, "subjects.duty_lawyer"), {}, "needs a role or a modality"),
])
def test_user_mistakes_are_one_line_errors(store, act, args, kwargs, message):
    with pytest.raises(AnnotationError, match=message):
        getattr(store, act)("alice", *args, **kwargs)
    assert len(store) == 0


def test_bad_annotator_ids_are_refused(store):
    with pytest.raises(AnnotationError, match="bad annotator id"):
        store.add("alice smith", P1, "subjects.court")


def test_nothing_is_edited_or_deleted_and_the_latest_decision_stands(store):
    store.reject("alice", P1, "subjects.court")
    store.confirm("alice", P1, "subjects.court")       # a changed mind
    store.reject("bob", P1, "subjects.court")
    assert len(store) == 3
    placed = [(a, a.anchor.provision_id) for a in store.all()]
    v = verdicts(placed)[P1, "subjects.court"]
    assert v.decision == "rejected" and v.latest.annotator == "bob" and v.disputed
    only_alice = verdicts(placed, annotator="alice")[P1, "subjects.court"]
    assert only_alice.decision == "confirmed" and not only_alice.disputed


def test_a_human_tag_can_be_judged_by_another_annotator(store):
    store.add("alice", P2, "scope.procedure", quote="程序适用")
    assert store.confirm("bob", P2, "scope.procedure").anchor.exact == "程序适用"
    assert store.reject("carol", P2, "scope.procedure").decision == "rejected"


def test_without_a_tagged_corpus_any_judgement_is_allowed(tmp_path):
    make_corpus(tmp_path / "untagged.db", [row(P1, TEXT_A)])
    with AnnotationStore(tmp_path / "a.db", corpus=tmp_path / "untagged.db") as store:
        assert store.reject("alice", P1, "subjects.court").anchor.scope == "provision"


def test_missing_corpus_database_is_a_clear_error(tmp_path):
    with AnnotationStore(tmp_path / "a.db", corpus=tmp_path / "nope.db") as store:
        with pytest.raises(AnnotationError, match="no database at .*run `plea build`"):
            store.add("alice", P1, "subjects.court")


def test_timestamps_are_utc_and_strictly_increasing():
    stamps = [now_iso() for _ in range(50)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 50
    assert all(s.endswith("Z") and "T" in s for s in stamps)


def test_a_store_opened_in_one_thread_can_be_used_in_another(store):
    import threading

    made = []
    worker = threading.Thread(target=lambda: made.append(
        store.note("alice", P1, "written from a server thread")))
    worker.start()
    worker.join()
    assert made and store.get(made[0].id).note == "written from a server thread"
