"""Federal Rules of Evidence in Jekyll Markdown (Rule 410): fre_markdown parser."""
from __future__ import annotations

from pathlib import Path

import pytest

from plea.corpus import fidelity
from plea.corpus.errors import SourceError
from plea.corpus.model import Document
from tests.conftest import FIXTURES, encoding_variants, parse_bytes, parse_path, tree_shape

PARSER = "fre-markdown"
RULE_410 = "us/fre/rule_410.md"
MINI = FIXTURES / "fre_markdown" / "rule_999.md"


@pytest.fixture(scope="module")
def r410(corpus_dir: Path) -> Document:
    return parse_path(PARSER, corpus_dir / RULE_410)


def test_410_fidelity(r410):
    report = fidelity.check(r410)
    assert report.ok, report.residue[:3]
    # The front matter title is the rule's printed heading, so it is body text.
    assert r410.body_text.startswith("Rule 410. Pleas, Plea Discussions, and Related Statements\n")


def test_410_rule_node(r410):
    (rule,) = r410.nodes
    assert (rule.eid, rule.level, rule.num, rule.num_norm) == (
        "rule_410", "rule", "Rule 410.", "410")
    assert rule.heading == "Pleas, Plea Discussions, and Related Statements"
    assert rule.citation == "Fed. R. Evid. 410" and rule.text == ""
    assert [c.eid for c in rule.children] == ["rule_410__subsec_a", "rule_410__subsec_b"]
    assert r410.meta["front_matter"]["permalink"] == "/fre/rule_410/"
    assert r410.meta["front_matter"]["order"] == 410


def test_410_subdivisions(r410):
    a = r410.find("rule_410__subsec_a")
    assert (a.num, a.num_norm, a.heading) == ("(a)", "a", "Prohibited Uses.")
    assert a.text == ("In a civil or criminal case, evidence of the following is not admissible "
                      "against the defendant who made the plea or participated in the plea "
                      "discussions:")
    assert [c.num_norm for c in a.children] == ["1", "2", "3", "4"]
    p1 = r410.find("rule_410__subsec_a__para_1")
    assert (p1.level, p1.num, p1.text) == (
        "paragraph", "1.", "a guilty plea that was later withdrawn;")
    assert p1.citation == "Fed. R. Evid. 410(a)(1)"
    p3 = r410.find("rule_410__subsec_a__para_3")
    assert "Federal Rule of Criminal Procedure 11" in p3.text
    b = r410.find("rule_410__subsec_b")
    assert b.heading == "Exceptions."
    assert b.text == "The court may admit a statement described in Rule 410(a)(3) or (4):"
    assert [c.num_norm for c in b.children] == ["1", "2"]
    assert r410.find("rule_410__subsec_b__para_2").citation == "Fed. R. Evid. 410(b)(2)"
    assert r410.find("rule_410__subsec_b__para_2").text.endswith("and with counsel present.")


# --- the hand-written fixture -------------------------------------------------------------

def test_mini():
    doc = parse_path(PARSER, MINI)
    assert fidelity.check(doc).ok
    rule = doc.find("rule_999")
    assert rule.num == "Rule 999." and rule.heading == "Sample Rule" and rule.line == 3
    a = doc.find("rule_999__subsec_a")
    assert a.heading == "In General." and a.text == "Evidence of the following is admissible:"
    p2 = doc.find("rule_999__subsec_a__para_2")
    assert [c.eid for c in p2.children] == ["rule_999__subsec_a__para_2__subpara_A",
                                             "rule_999__subsec_a__para_2__subpara_B"]
    sub_b = doc.find("rule_999__subsec_a__para_2__subpara_B")
    assert sub_b.citation == "Fed. R. Evid. 999(a)(2)(B)"
    assert p2.wrapup == "Any other evidence is excluded."
    b = doc.find("rule_999__subsec_b")
    assert b.heading == "Limits on Use." and b.text == "The court may limit use of the evidence."
    c = doc.find("rule_999__subsec_c")          # "c" is also a Roman numeral: still (c)
    assert c.heading is None and c.text.startswith("when no heading is printed")
    assert doc.find("rule_999").citation == "Fed. R. Evid. 999"


def test_short_title_from_context():
    doc = parse_path(PARSER, MINI, short_title="FRE")
    assert doc.find("rule_999__subsec_a__para_1").citation == "FRE 999(a)(1)"


def test_encodings_parse_identically():
    data = MINI.read_bytes()
    plain = tree_shape(parse_bytes(PARSER, data))
    for variant in encoding_variants(data).values():
        assert tree_shape(parse_bytes(PARSER, variant)) == plain


# --- bad input -----------------------------------------------------------------------

@pytest.mark.parametrize("body, line, message", [
    ("(a) Text.\n", 1, "expected front matter"),
    ("---\nlayout: rule\ntitle: Rule 1. X\n\n(a) Text.\n", 1, "never closed"),
    ("---\nlayout: rule\ntitle: [Rule 1\n---\n", 3, "not valid YAML"),
    ("---\nlayout: rule\n---\n\n(a) Text.\n", 1, "no 'title'"),
    ("---\nlayout: rule\ntitle: Pleas and Statements\n---\n", 3, "is not 'Rule N. Heading'"),
    ("---\ntitle: Rule 1. X\n---\n\n## Notes\n", 5, "unexpected heading"),
    ("---\ntitle: Rule 1. X\n---\n\n(a) A.\n\n(a) B.\n", 7, "appears twice"),
])
def test_bad_input(body, line, message):
    with pytest.raises(SourceError) as info:
        parse_bytes(PARSER, body.encode(), path="bad/rule.md")
    err = info.value
    assert err.path == "bad/rule.md" and err.line == line and message in err.message
