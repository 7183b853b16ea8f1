"""Highlighting without HTML: segments for tags and references, search snippets."""
from __future__ import annotations

import pytest

from plea.web.highlight import find_hits, query_terms, segments, snippet
from plea.web.langs import guess_lang, lang_tag
from plea.web.viewmodel import pieces


def test_segments_cut_at_every_boundary_and_keep_overlaps():
    text = "犯罪嫌疑人应当在辩护人在场的情况下签署"
    a = {"start": 8, "end": 11, "code": "subjects.defense_counsel"}      # 辩护人
    b = {"start": 7, "end": 17, "code": "behavior.counsel_presence"}     # 在辩护人在场的情况下
    segs = segments(text, [a, b])
    assert "".join(s.text for s in segs) == text
    covered = {s.text: [x["code"] for x in s.spans] for s in segs}
    assert covered["辩护人"] == ["subjects.defense_counsel", "behavior.counsel_presence"]
    assert covered["在"] == ["behavior.counsel_presence"]
    assert covered["犯罪嫌疑人应当"] == []


def test_stale_or_empty_offsets_highlight_nothing():
    text = "abc"
    segs = segments(text, [{"start": 2, "end": 9}, {"start": 1, "end": 1}, {"start": None, "end": 2}])
    assert [(s.text, s.spans) for s in segs] == [("abc", [])]
    assert segments("", [{"start": 0, "end": 1}]) == []


def test_pieces_carry_classes_titles_and_links_but_no_markup():
    text = "The court <script>x</script> must not participate"
    tags = [{"code": "subjects.court", "dimension": "subjects", "start": 0, "end": 9,
             "role": "excluded", "modality": "prohibition", "method": "rule"}]
    refs = [{"start": 10, "end": 28, "to_id": "x:1", "to_citation": "Rule 1", "work": "x",
             "pinpoint": '["1"]', "text": "<script>x</script>"}]
    out = pieces(text, tags, refs, {"subjects.court": {"label_en": "Court", "label_zh": "法院"}})
    assert out[0]["cls"] == "tag d-subjects"
    assert "subjects.court — Court / 法院" in out[0]["title"]
    assert "role: excluded · modality: prohibition · method: rule" in out[0]["title"]
    assert out[2]["text"] == "<script>x</script>"          # still plain text: the template escapes
    assert out[2]["ref_title"] == "→ Rule 1" and "href" not in out[2]   # no Links given


def test_query_terms_split_like_the_index():
    assert query_terms('協商 "plea agreement" Verständigung') == [
        ("han", "协商"), ("phrase", "plea agreement"), ("word", "verstandigung")]
    assert query_terms("plea agreement") == [("word", "plea"), ("word", "agreement")]


# (text, query, highlighted pieces) — what a reader expects lit up, read off each text.
HIGHLIGHTS = [
    # a quoted phrase lights up the phrase only, never a lone "plea"
    ("A plea of guilty; the plea agreement is disclosed.", '"plea agreement"',
     ["plea agreement"]),
    ("Plea Agreements must be disclosed.", '"plea agreement"', ["Plea Agreements"]),
    # unquoted words light up each word
    ("A plea of guilty; the plea agreement is disclosed.", "plea agreement",
     ["plea", "plea", "agreement"]),
    # German: stems, umlauts written ae, ß as ss
    ("Das Gericht kann sich verständigen; die Verständigung ist wirksam.", "Verstaendigung",
     ["verständigen", "Verständigung"]),
    ("Absprachen und eine Absprache", "Absprache", ["Absprachen", "Absprache"]),
    ("die Straße", "Strasse", ["Straße"]),
    ("法院不得為協商判決", "协商", ["協商"]),
]


@pytest.mark.parametrize("text,query,expected", HIGHLIGHTS)
def test_highlights_only_what_matched(text, query, expected):
    assert [text[a:b] for a, b in find_hits(text, query_terms(query))] == expected


# (text, query, width, the hit the snippet must show) — a snippet starts after a
# space or a Chinese clause mark (or at the text's start) and ends before a space
# or after a clause mark (or at the text's end): never "ple…".
SNIPPETS = [
    ("The parties must disclose the plea agreement in open court when the plea is offered, "
     "unless the court for good cause allows the parties to disclose the plea agreement in camera.",
     "agreement", 60, "agreement"),
    ("x" * 30 + " Verständigungen über den Fortgang und das Ergebnis des Verfahrens sind zulässig "
     "wenn alle zustimmen", "Verstaendigung", 50, "Verständigungen"),
    ("人民检察院应当听取意见，犯罪嫌疑人自愿认罪，同意量刑建议和程序适用的，应当在辩护人或者值班律师"
     "在场的情况下签署认罪认罚具结书。", "量刑建议", 30, "量刑建议"),
]


@pytest.mark.parametrize("text,query,width,hit", SNIPPETS)
def test_snippet_cuts_at_word_and_clause_boundaries(text, query, width, hit):
    segs = snippet(text, query_terms(query), width=width)
    body = [s for s in segs if s.text != "…"]
    shown = "".join(s.text for s in body)
    start = text.index(shown)
    assert start == 0 or text[start - 1] in " ，。；：、"
    end = start + len(shown)
    assert end == len(text) or text[end] == " " or text[end - 1] in "，。；：、"
    assert [s.text for s in body if s.spans] == [hit]


def test_hits_fold_traditional_case_and_umlauts():
    assert find_hits("法院不得為協商判決", query_terms("协商")) == [(5, 7)]
    assert find_hits("被告认罪协商", query_terms("協商")) == [(4, 6)]
    text = "Die Verständigung kommt zustande"
    (a, b), = find_hits(text, query_terms("verstandigung"))
    assert text[a:b] == "Verständigung"
    text = "Plea Agreements must be disclosed"
    assert [text[a:b] for a, b in find_hits(text, query_terms("plea agreement"))] == [
        "Plea", "Agreements"]


def test_one_character_query_is_highlighted():
    segs = snippet("犯罪嫌疑人自愿认罪", query_terms("罪"))
    assert [s.text for s in segs if s.spans] == ["罪", "罪"]


def test_snippet_windows_around_the_first_hit():
    text = "x" * 500 + " plea agreement " + "y" * 500
    segs = snippet(text, query_terms("agreement"), width=100)
    assert segs[0].text == "…" and segs[-1].text == "…"
    assert [s.text for s in segs if s.spans] == ["agreement"]
    assert sum(len(s.text) for s in segs) <= 102


def test_language_tags():
    assert lang_tag("zh", "zh-Hant", "TW") == "zh-Hant"
    assert lang_tag("zh", "zh-Hans", "CN") == "zh-Hans"
    assert lang_tag("zh", None, "TW") == "zh-Hant"
    assert lang_tag("de", "de", "DE") == "de"
    assert lang_tag("en", "zh-Hans", "CN") == "en"      # English scholarship on China
    assert guess_lang("刑事訴訟法") == "zh-Hant"
    assert guess_lang("刑事诉讼法") == "zh-Hans"
    assert guess_lang("Strafprozeßordnung") is None


def test_markup_filters_escape_every_value():
    from markupsafe import Markup

    from plea.web.highlight import Segment
    from plea.web.markup import hits_html, text_html
    html = text_html([
        {"text": "<script>1</script>", "cls": 'tag" onmouseover="x', "codes": "a<b",
         "title": "t\"itle", "href": "/p?a=1&b=<2>", "ref_title": "→ <x>"},
        {"text": "&plain", "ref_title": "unresolved <y>"},
    ])
    assert isinstance(html, Markup)
    assert "<script>" not in html and "&lt;script&gt;1&lt;/script&gt;" in html
    assert 'class="tag&#34; onmouseover=&#34;x"' in html
    assert 'href="/p?a=1&amp;b=&lt;2&gt;"' in html
    assert '<span class="ref unresolved" title="unresolved &lt;y&gt;">&amp;plain</span>' in html
    assert hits_html([Segment("<b>", [True]), Segment("&")]) == '<mark class="hit">&lt;b&gt;</mark>&amp;'


def test_a_rejected_tag_is_marked_as_rejected():
    tag = {"code": "scope.charge", "start": 0, "end": 3, "decision": "rejected"}
    piece, = pieces("abc", [tag])
    assert piece["cls"] == "tag d-scope rejected" and "decision: rejected" in piece["title"]
