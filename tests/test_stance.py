"""Stance of scholarly sentences (description / critique / proposal) and the proposals table.

The gold set, tests/fixtures/stance/gold.jsonl, labels every sentence of the two
scholarly articles by reading (rules in tests/fixtures/stance/README.md); proposals
carry the codes they concern. The cue lists were written while reading the same
articles, so the scores below are development scores, not held-out ones.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter

import pytest

from plea.annotate.stance import STANCES, classify, context_codes, split_sentences, topic_codes
from tests.conftest import FIXTURES
from tests.fixtures.brief.realdb import real_db

GOLD = FIXTURES / "stance" / "gold.jsonl"


def gold_rows(conn: sqlite3.Connection) -> list[dict]:
    """The gold labels with their sentences read from the corpus.

    The fixture holds offsets and a short hash, not the sentences: the articles are
    data read from ../shared/corpus, never copied into the project.
    """
    rows = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        paragraph = conn.execute("SELECT text FROM provisions WHERE id = ?",
                                 [g["provision"]]).fetchone()
        assert paragraph, f"{g['id']}: no provision {g['provision']}"
        g["sentence"] = paragraph[0][g["start"]:g["end"]]
        rows.append(g)
    return rows


# -- sentences -------------------------------------------------------------------------

def test_split_keeps_offsets_and_abbreviations():
    text = ("Plea bargaining began in the U.S. in the 19th century. See Art. 3 of the rules, "
            "e.g. the first one! Does it work? Yes.")
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Plea bargaining began in the U.S. in the 19th century.",
        "See Art. 3 of the rules, e.g. the first one!", "Does it work?", "Yes."]
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_citation_after_the_full_stop_stays_with_its_sentence():
    text = ("The defendant negotiates through counsel. (Chen Wencong, 2021) Additionally, "
            "counsel can negotiate at any stage.")
    first, second = split_sentences(text)
    assert first.text.endswith("(Chen Wencong, 2021)")
    assert second.text.startswith("Additionally")


def test_ellipsis_inside_a_quotation_does_not_end_the_sentence():
    text = "It stipulates that “Before the recommendation ... Consensus as far as possible”. Next."
    assert len(split_sentences(text)) == 2


def test_decade_is_not_an_abbreviation():
    text = "It has been policy since the 1950s. After that it changed."
    assert len(split_sentences(text)) == 2


def test_chinese_sentences():
    text = "认罪认罚从宽制度已经确立。但是协商流于形式！应当如何完善？"
    assert [s.text for s in split_sentences(text, "zh")] == [
        "认罪认罚从宽制度已经确立。", "但是协商流于形式！", "应当如何完善？"]


# -- classification ------------------------------------------------------------------------

@pytest.mark.parametrize("sentence,lang,stance", [
    ("Therefore, the negotiation subjects should be defined as the prosecutor and defense lawyers.",
     "en", "proposal"),
    ("It is necessary to expand the scope of negotiation to charges.", "en", "proposal"),
    ("We propose that a neutral observer attend the negotiation.", "en", "proposal"),
    ("The defense often lacks substantive participation in the negotiation.", "en", "critique"),
    ("The procedure fails to protect the suspect, and the defence's input is insufficient.",
     "en", "critique"),
    ("According to Article 201, the court shall generally adopt the recommendation.", "en",
     "description"),
    ("The courts serve as reviewers and “shall generally” adopt the proposals.", "en",
     "description"),
    ("Such negotiation should be more accurately termed “consultation”.", "en", "description"),
    ("The plea leniency system was introduced in 2018.", "en", "description"),
    ("建议将值班律师规定为协商主体。", "zh", "proposal"),
    ("笔者认为，协商范围应当扩大到罪名。", "zh", "proposal"),
    ("实践中量刑协商流于形式，辩护律师参与不足。", "zh", "critique"),
    ("根据刑事诉讼法第二百零一条的规定，人民法院一般应当采纳量刑建议。", "zh", "description"),
    ("Der Gesetzgeber sollte die Verständigung auf den Schuldspruch erstrecken.", "de", "proposal"),
    ("Nach § 257c Abs. 2 StPO soll ein Geständnis Bestandteil sein.", "de", "description"),
    ("Die Transparenz der Verständigung ist unzureichend.", "de", "critique"),
])
def test_classify(sentence, lang, stance):
    assert classify(sentence, lang).stance == stance


def test_should_in_a_comparative_section_reports_a_norm():
    sentence = "In that system the judge should directly render a judgment based on the agreement."
    assert classify(sentence, "en", "2. Differences between the systems").stance == "description"
    assert classify(sentence, "en", "4. Construction of the system").stance == "proposal"


def test_topic_codes_and_context():
    codes = {t.code for t in topic_codes(
        "The moderator should be a neutral third party, and negotiations should take place "
        "outside of detention centers.")}
    assert codes == {"subjects.third_party", "behavior.oversight"}
    sentences = ["The negotiation object is limited to sentencing.",
                 "Elsewhere negotiations involve the charges themselves.",
                 "It is meaningful to expand the scope of negotiations appropriately."]
    assert "scope.charge" in context_codes(sentences, 2, set())


# -- the gold set -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def conn(corpus_dir):
    c = sqlite3.connect(real_db(corpus_dir))
    yield c
    c.close()


def test_gold_offsets_still_point_at_the_labelled_sentences(conn):
    for g in gold_rows(conn):
        assert hashlib.sha1(g["sentence"].encode()).hexdigest()[:12] == g["sha1"], g["id"]


def scores(pairs):
    """Precision and recall per stance over (gold, predicted) pairs."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for gold, pred in pairs:
        if gold == pred:
            tp[gold] += 1
        else:
            fp[pred] += 1
            fn[gold] += 1
    return {s: (tp[s] / ((tp[s] + fp[s]) or 1), tp[s] / ((tp[s] + fn[s]) or 1)) for s in STANCES}


def test_stance_scores_on_gold(conn, capsys):
    section = {r[0]: r[1] for r in conn.execute(
        "SELECT id, CASE WHEN level = 'abstract' THEN 'Abstract' ELSE COALESCE(container, '') END "
        "FROM provisions WHERE source_kind = 'scholarship'")}
    pairs = [(g["stance"], classify(g["sentence"], "en", section[g["provision"]]).stance)
             for g in gold_rows(conn)]
    result = scores(pairs)
    with capsys.disabled():
        print("\nstance on gold (" + str(len(pairs)) + " sentences): " + "; ".join(
            f"{s} P {p:.2f} R {r:.2f}" for s, (p, r) in result.items()))
    for stance, (p, r) in result.items():
        assert p >= 0.8 and r >= 0.8, (stance, p, r)
    assert min(result["proposal"]) >= 0.9


def test_stance_table_matches_gold_sentences(conn):
    """The stage splits the paragraphs into the gold's sentences and stores their offsets."""
    stored = {(r[0], r[1]): r[2] for r in conn.execute("SELECT from_id, text, stance FROM stance")}
    for g in gold_rows(conn):
        assert (g["provision"], g["sentence"]) in stored, g["id"]
    for from_id, start, end, text in conn.execute("SELECT from_id, start, [end], text FROM stance"):
        paragraph = conn.execute("SELECT text FROM provisions WHERE id = ?", [from_id]).fetchone()[0]
        assert paragraph[start:end] == text


def test_proposal_codes_on_gold(conn, capsys):
    codes = {r[0]: set(json.loads(r[1])) for r in conn.execute("SELECT text, codes FROM proposals")}
    tp = fp = fn = 0
    for g in gold_rows(conn):
        if g["stance"] != "proposal" or g["sentence"] not in codes:
            continue
        predicted, gold = codes[g["sentence"]], set(g["codes"])
        tp, fp, fn = tp + len(predicted & gold), fp + len(predicted - gold), fn + len(gold - predicted)
    p, r = tp / (tp + fp), tp / (tp + fn)
    with capsys.disabled():
        print(f"\nproposal codes on gold: P {p:.2f} R {r:.2f}")
    assert p >= 0.7 and r >= 0.8


# The reform proposals the issue names, found by reading the articles.
REQUIRED = [
    ("negotiation subjects should be defined as the prosecutor, defense lawyers, duty lawyers",
     {"subjects.defense_counsel", "subjects.duty_lawyer"}),
    ("respect the role of defense lawyers and duty lawyers as negotiation participants",
     {"subjects.defense_counsel", "subjects.duty_lawyer"}),
    ("it is meaningful to expand the scope of prosecution-defense negotiations",
     {"scope.charge"}),
    ("the defendant's right to appeal should be reasonably limited", {"consequences.appeal"}),
    ("the moderator of such negotiations should be a neutral third party",
     {"subjects.third_party"}),
    ("qualified citizen representatives may be designated as neutral third parties",
     {"subjects.third_party", "behavior.oversight"}),
    ("the venue for sentencing negotiations should be chosen outside of detention centers",
     {"behavior.oversight"}),
]


@pytest.mark.parametrize("phrase,codes", REQUIRED)
def test_required_proposals_are_in_the_table(conn, phrase, codes):
    found = conn.execute("SELECT source_id, section, citation, codes, jurisdiction FROM proposals "
                         "WHERE text LIKE ?", [f"%{phrase}%"]).fetchall()
    assert len(found) == 1, phrase
    source_id, section, citation, stored, jurisdiction = found[0]
    assert codes <= set(json.loads(stored))
    assert citation and jurisdiction == "CN" and source_id in ("meng-2023", "zuel-2025")
    rows = {r[0] for r in conn.execute(
        "SELECT code FROM proposal_codes c JOIN proposals p ON p.id = c.proposal_id "
        "WHERE p.text LIKE ?", [f"%{phrase}%"])}
    assert codes <= rows


def test_proposal_targets_by_code(conn):
    """Meng's definition of the negotiation subjects would change the CPL provisions that
    make defence lawyers and duty lawyers consulted (173(2)) or witnesses (174(1))."""
    targets = [r[0] for r in conn.execute(
        "SELECT t.provision_id FROM proposal_targets t JOIN proposals p ON p.id = t.proposal_id "
        "WHERE p.text LIKE '%negotiation subjects should be defined as%' ORDER BY t.rank")]
    assert targets[:2] == ["cn-cpl-2018:art_173__para_2", "cn-cpl-2018:art_174__para_1"]


def test_sentence_provisions_from_refs(conn):
    [(provisions,)] = conn.execute(
        "SELECT provisions FROM stance WHERE text LIKE 'According to Article 201 of the Criminal%'")
    assert json.loads(provisions) == ["cn-cpl-2018:art_201"]


def test_sentence_takes_only_the_tags_inside_it(conn):
    # The fixture tags Meng § 4.1 ¶ 1 on "defense lawyers" in its first sentence only.
    rows = dict(conn.execute("SELECT sentence_no, code_methods FROM stance "
                             "WHERE from_id = 'meng-2023:sec_4__subsec_1__para_1'"))
    assert json.loads(rows[1])["subjects.defense_counsel"] == "tag"
    assert json.loads(rows[3])["subjects.defense_counsel"] == "cue"


def test_pattern_files_load_and_name_codebook_codes():
    from plea.annotate.compare import _codebook_file
    from plea.annotate.stance import PATTERNS_DIR, load_patterns

    codes = {c.code for c in _codebook_file()}
    files = sorted(PATTERNS_DIR.glob("*.yaml"))
    assert {f.stem for f in files} >= {"en", "zh", "de"}
    for f in files:
        patterns = load_patterns(f.stem)
        assert patterns.strong and patterns.weak and patterns.critique, f
        assert set(patterns.topics) <= codes, f
        assert set(patterns.dimension_words) <= {"subjects", "scope", "behavior", "consequences"}
