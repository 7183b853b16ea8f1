"""Agreement arithmetic against hand-computed and textbook values."""
from __future__ import annotations

import pytest

from plea.annotate.human.agreement import (agreement_rows, cohen_kappa, human_vs_tagger,
                                      judgements_from, krippendorff_alpha)
from plea.annotate.human.model import Anchor, Annotation

N = None


def test_cohen_kappa_two_by_two():
    # 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: po = .7, pe = .5·.6 + .5·.4 = .5
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_cohen_kappa_edge_cases():
    assert cohen_kappa([1, 0, 1], [1, 0, 1]) == pytest.approx(1.0)
    assert cohen_kappa([1, 0], [0, 1]) == pytest.approx(-1.0)
    assert cohen_kappa([0, 0, 0], [0, 0, 0]) is None       # one category: undefined
    assert cohen_kappa([], []) is None
    with pytest.raises(ValueError):
        cohen_kappa([1], [1, 0])


def test_krippendorff_alpha_textbook_nominal_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": four
    # observers, twelve units, values 1-5, missing data; nominal alpha = 0.743.
    A = [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N]
    B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3]
    C = [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N]
    D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N]
    assert krippendorff_alpha(zip(A, B, C, D)) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_alpha_textbook_binary_example():
    # The same paper: two observers, ten units, binary data; alpha = 0.095
    # (while Cohen's kappa on the same data is 0.091).
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert krippendorff_alpha(zip(a, b)) == pytest.approx(0.095, abs=5e-4)
    assert cohen_kappa(a, b) == pytest.approx(1 / 11)


def test_krippendorff_alpha_edge_cases():
    assert krippendorff_alpha([(1, 1), (0, 0)]) == pytest.approx(1.0)
    assert krippendorff_alpha([(1, 1), (1, 1)]) is None     # no variation
    assert krippendorff_alpha([(1, N), (N, 0)]) is None     # nothing pairable


# Two annotators, three units, codes subjects.a, subjects.b, scope.c:
#   alice  u1 {a}    u2 {a, c}   u3 {}
#   bob    u1 {a}    u2 {b}      u3 {c}
JUDGED = {"alice": {"u1": {"subjects.a"}, "u2": {"subjects.a", "scope.c"}, "u3": set()},
          "bob": {"u1": {"subjects.a"}, "u2": {"subjects.b"}, "u3": {"scope.c"}}}
CODES = ["subjects.a", "subjects.b", "scope.c"]


def test_agreement_rows_hand_computed():
    rows = {r.scope: r for r in agreement_rows(JUDGED, CODES)}
    # subjects.a: alice 1 1 0, bob 1 0 0 → po 2/3, pe 4/9, kappa .4;
    # coincidences o11 2, o00 2, o10 = o01 1, n 6 → alpha 1 - 5·2/18 = 4/9
    a = rows["subjects.a"]
    assert (a.units, a.items, a.present) == (3, 3, 2)
    assert a.agreement == pytest.approx(2 / 3)
    assert a.kappa == pytest.approx(0.4) and a.alpha == pytest.approx(4 / 9)
    # dimension subjects (a and b pooled, 6 items): po 4/6, pe 5/9 → kappa .25;
    # o11 2, o00 6, o10 = o01 2, n 12 → alpha 1 - 11·4/64 = .3125
    s = rows["subjects"]
    assert (s.items, s.kappa, s.alpha) == (6, pytest.approx(0.25), pytest.approx(0.3125))
    # scope.c: alice 0 1 0, bob 0 0 1 → po 1/3, pe 5/9 → kappa -.5
    assert rows["scope"].kappa == pytest.approx(-0.5)
    # all nine items: po 5/9 = pe → kappa 0; alpha 1 - 17·8/144 = 1/18
    every = rows["all"]
    assert (every.items, every.kappa, every.alpha) == (9, pytest.approx(0.0),
                                                       pytest.approx(1 / 18))
    assert every.pairs == {"alice|bob": pytest.approx(0.0)}


def test_codes_nobody_used_have_no_row_of_their_own_but_count_in_the_pool():
    rows = agreement_rows(JUDGED, CODES + ["scope.unused"])
    assert "scope.unused" not in {r.scope for r in rows}
    assert next(r for r in rows if r.scope == "scope").items == 6


def test_three_annotators_with_a_missing_unit():
    judged = {**JUDGED, "carol": {"u1": {"subjects.a"}, "u2": {"subjects.a"}}}
    row = next(r for r in agreement_rows(judged, CODES) if r.scope == "subjects.a")
    # pairs: alice|bob .4; alice|carol on u1,u2: 1 1 vs 1 1 → undefined;
    # bob|carol on u1,u2: 1 0 vs 1 1 → po .5, pe .5 → 0. Mean of defined: .2
    assert row.pairs["alice|bob"] == pytest.approx(0.4)
    assert row.pairs["alice|carol"] is None
    assert row.pairs["bob|carol"] == pytest.approx(0.0)
    assert row.kappa == pytest.approx(0.2)
    # alpha over units u1 (1,1,1), u2 (1,0,1), u3 (0,0,-):
    # o11 = 6/2 + 2/2 = 4, o10 = o01 = 2/2 = 1, o00 = 2 → n1 5, n0 3, n 8
    # alpha = 1 - 7·2/(2·5·3) = 1 - 14/30
    assert row.alpha == pytest.approx(1 - 14 / 30)


def test_human_versus_tagger():
    auto = {"u1": {"subjects.a"}, "u2": {"subjects.a"}, "u3": {"scope.c"}}
    rows = {(r.annotator, r.scope): r for r in human_vs_tagger(JUDGED, auto, CODES)}
    alice = rows["alice", "all"]
    # alice 1 0 0 | 1 0 1 | 0 0 0, tagger 1 0 0 | 1 0 0 | 0 0 1
    assert (alice.units, alice.items) == (3, 9)
    assert alice.kappa == pytest.approx(0.5)
    assert (alice.precision, alice.recall) == (pytest.approx(2 / 3), pytest.approx(2 / 3))


def _a(n: int, annotator: str, pid: str, decision: str, code: str | None = None) -> Annotation:
    return Annotation(id=f"id{n}", motivation="assessing", annotator=annotator,
                      created=f"2024-01-01T00:00:{n:02d}.000Z", anchor=Anchor(pid),
                      decision=decision, code=code)


def test_judgements_from_annotations():
    annotations = [
        _a(1, "alice", "p1", "added", "subjects.a"),
        _a(2, "alice", "p1", "rejected", "subjects.a"),     # changed her mind
        _a(3, "alice", "p2", "reviewed"),                   # carries nothing
        _a(4, "bob", "p1", "confirmed", "subjects.a"),
        _a(5, "bob", "p2", "corrected", "scope.c"),
        Annotation(id="id6", motivation="commenting", annotator="carol",
                   created="2024-01-01T00:00:06.000Z", anchor=Anchor("p1"), note="a note"),
    ]
    judged = judgements_from(annotations)
    assert judged == {"alice": {"p1": set(), "p2": set()},
                      "bob": {"p1": {"subjects.a"}, "p2": {"scope.c"}}}
    assert set(judgements_from(annotations, annotators=["bob"])) == {"bob"}
