"""tw-json: the Taiwan Code of Criminal Procedure (MOJ JSON), Chinese and English.

Expected values were read from the JSON files themselves (headings list, 條號
entries, 條文內容 lines), not from the parser's output.
"""
from __future__ import annotations

import codecs
import json

import pytest

from plea.corpus import fidelity
from plea.corpus.errors import SourceError
from tests.conftest import FIXTURES, parse_bytes, parse_path

ZH_FILE = "tw/C0010001_刑事訴訟法.json"
EN_FILE = "tw/C0010001_Code_of_Criminal_Procedure_EN.json"
MINI_ZH = FIXTURES / "tw_json" / "mini_zh.json"
MINI_EN = FIXTURES / "tw_json" / "mini_en.json"

# Article numbers present in the Chinese text but not (yet) in the English translation,
# found by comparing the 條號 lists of the two files.
ZH_ONLY = {"3-1", "70-1", "121-1", "121-2", "121-3", "121-4", "121-5", "121-6",
           "153-1", "153-2", "153-3", "153-4", "153-5", "153-6", "153-7", "153-8", "153-9",
           "153-10", "198-1", "198-2", "211-1", "227-1", "245-1", "298-1", "310-2", "314-1",
           "481-1", "481-2", "481-3", "481-4", "481-5", "481-6", "481-7"}
DELETED = {"104", "120", "129", "162", "172", "173", "174", "191", "340"}


@pytest.fixture(scope="module")
def zh(corpus_dir):
    return parse_path("tw-json", corpus_dir / ZH_FILE, lang="zh-Hant", short_title="刑事訴訟法")


@pytest.fixture(scope="module")
def en(corpus_dir):
    return parse_path("tw-json", corpus_dir / EN_FILE, lang="en")


def _eids(doc, level):
    return [n.eid for n, _ in doc.walk() if n.level == level]


def _snapshot(doc):
    return ([(n.eid, n.level, n.kind, n.num, n.num_norm, n.heading, n.text, n.citation, n.line,
              n.attrs) for n, _ in doc.walk()], doc.body_text, doc.title, doc.meta)


# -- the real Chinese file -------------------------------------------------

def test_zh_counts(zh):
    assert zh.count("article") == 710
    assert zh.count("book") == 12          # 第一…九編 and 第七編之一/之二/之三
    assert zh.count("chapter") == 21       # 16 in 第一編, 2 in 第二編, 3 in 第三編
    assert zh.count("section") == 8        # 5 in 第一編第十二章, 3 in 第二編第一章
    assert zh.title == "刑事訴訟法"
    assert zh.meta["last_amended"] == "2024-07-31"
    assert zh.meta["history"][0].startswith("1.中華民國十七年七月二十八日")
    assert zh.meta["history"][0].endswith("同年九月一日施行")   # wrapped line joined


def test_zh_fidelity(zh):
    report = fidelity.check(zh)
    assert report.ok, report.residue


def test_zh_art_455_2(zh):
    art = zh.find("art_455-2")
    assert art.num == "第 455-2 條" and art.num_norm == "455-2"
    assert art.citation == "刑事訴訟法第455條之2"
    paras = [c for c in art.children if c.level == "paragraph"]
    assert [p.eid for p in paras] == [f"art_455-2__para_{i}" for i in range(1, 5)]
    first = paras[0]
    assert first.text.startswith("除所犯為死刑、無期徒刑")
    assert [i.num for i in first.children] == ["一、", "二、", "三、", "四、"]
    item1 = zh.find("art_455-2__para_1__item_1")
    assert item1.text == "被告願受科刑及沒收之範圍或願意接受緩刑之宣告。"
    assert item1.num_norm == "1"
    assert item1.citation == "刑事訴訟法第455條之2第1項第1款"
    assert zh.find("art_455-2__para_3").text == "第一項之協商期間不得逾三十日。"
    assert zh.find("art_455-2__para_2").citation == "刑事訴訟法第455條之2第2項"


def test_zh_part_7_1(zh):
    book = zh.find("book_7-1")
    assert (book.num, book.num_norm, book.heading) == ("第 七 編之一", "7-1", "協商程序")
    assert book.kind == "container"
    assert [c.eid for c in book.children] == (
        ["art_455-2"] + [f"art_455-{i}" for i in range(3, 12)])
    # Book-level nesting: 第七編之一 sits at the top, next to 第七編.
    tops = [n.eid for n in zh.nodes]
    assert tops.index("book_7-1") == tops.index("book_7") + 1


def test_zh_nesting_of_chapters_and_sections(zh):
    assert zh.find("book_1__chp_8-1").heading == "限制出境、出海"
    assert zh.find("book_1__chp_12__sec_5").heading == "證據保全"
    assert zh.find("book_2__chp_1__sec_3").heading == "審判"
    # 第 271 條 opens 第二編第一章第三節 審判.
    assert zh.find("book_2__chp_1__sec_3").children[0].eid == "art_271"


def test_zh_single_paragraph_citation(zh):
    # 第7條 has one 項 with four 款: cited 第7條第1款, as Taiwanese courts do.
    assert zh.find("art_7__para_1").citation == "刑事訴訟法第7條"
    assert zh.find("art_7__para_1__item_4").citation == "刑事訴訟法第7條第4款"


def test_zh_deleted(zh):
    deleted = {n.num_norm for n, _ in zh.walk() if n.attrs.get("status") == "deleted"}
    assert deleted == DELETED
    assert zh.find("art_104").text == "（刪除）"


# -- the real English file -------------------------------------------------

def test_en_counts(en):
    assert en.count("article") == 677
    assert en.count("book") == 12
    assert en.count("chapter") == 19      # no Chapter X-I and XI-I yet
    assert en.count("section") == 8
    assert en.title == "Code of Criminal Procedure"
    assert en.meta["last_amended"] == "2020-01-15"


def test_en_fidelity(en):
    report = fidelity.check(en)
    assert report.ok, report.residue


def test_en_art_455_2(en):
    art = en.find("art_455-2")
    assert art.num == "Article 455-2"
    assert art.citation == "Code of Criminal Procedure (Taiwan) art. 455-2"
    assert len([c for c in art.children if c.level == "paragraph"]) == 4
    item = en.find("art_455-2__para_1__item_2")
    assert item.num == "2." and item.text == "The defendant shall apologize to the victim."
    assert item.citation == "Code of Criminal Procedure (Taiwan) art. 455-2, para. 1, subpara. 2"
    assert en.find("art_455-2__para_3").text == (
        "The duration of such negotiations as mentioned in paragraph 1, shall not exceed thirty days.")


def test_en_part_7_1(en):
    book = en.find("book_7-1")
    assert (book.num, book.heading) == ("Part VII-I", "The Bargaining Process")
    assert [c.eid for c in book.children][0] == "art_455-2"
    assert [c.eid for c in book.children][-1] == "art_455-11"
    sec = en.find("book_1__chp_12__sec_1")
    assert (sec.num, sec.heading) == ("Section 1", "GENERAL PROVISIONS")


def test_en_caption_note_and_items(en):
    art = en.find("art_455-11")
    assert art.heading == "(Bargaining Judgment apply mutatis mutandis rules for Appeal)"
    assert art.attrs["caption"] == "Bargaining Judgment apply mutatis mutandis rules for Appeal"
    assert en.find("art_455-11__para_1").text.startswith("An appeal for a bargaining judgment")
    note = en.find("art_1__note_1")
    assert note.kind == "commentary"
    assert note.text == "Note: Articles 1 through 343 were amended lastly on February 6, 2003."
    # The note is not part of the last paragraph.
    assert "Note" not in en.find("art_1__para_3").text
    # "(1)" enumerators (art. 4) and "1.Name" without a space (art. 93-2, 2nd paragraph).
    assert en.find("art_4__para_1__item_3").text == (
        "An offense of interference with relations with other States.")
    assert en.find("art_93-2__para_2__item_1").text.startswith("Name, gender, birth date")
    editorial = [n for n, _ in en.walk() if n.attrs.get("type") == "editorial"]
    assert len(editorial) == 366


def test_en_misplaced_heading_is_a_note(en):
    note = en.find("art_454__note_1")
    assert note.kind == "commentary"
    assert note.text == "Part VII-III Participation in Proceedings by the Victim"
    assert note.attrs["type"] == "misplaced heading"


def test_en_deleted(en):
    deleted = {n.num_norm for n, _ in en.walk() if n.attrs.get("status") == "deleted"}
    assert deleted == DELETED


def test_zh_en_alignment(zh, en):
    zh_articles = {n.num_norm for n, _ in zh.walk() if n.level == "article"}
    en_articles = {n.num_norm for n, _ in en.walk() if n.level == "article"}
    assert zh_articles - en_articles == ZH_ONLY
    assert en_articles - zh_articles == set()
    zh_containers = set(_eids(zh, "book") + _eids(zh, "chapter") + _eids(zh, "section"))
    en_containers = set(_eids(en, "book") + _eids(en, "chapter") + _eids(en, "section"))
    assert en_containers <= zh_containers
    assert zh_containers - en_containers == {"book_1__chp_10-1", "book_1__chp_11-1"}
    # The article where both texts have 4 項 and 4 款 pairs node for node.
    assert ({n.eid for n, _ in zh.find("art_455-2").walk()}
            == {n.eid for n, _ in en.find("art_455-2").walk()})


# -- small fixtures --------------------------------------------------------

def test_mini_zh():
    doc = parse_path("tw-json", MINI_ZH, lang="zh-Hant", short_title="測試訴訟法")
    assert [n.eid for n in doc.nodes] == ["book_1", "book_7-1"]
    assert [c.eid for c in doc.find("book_1").children] == ["book_1__chp_1", "book_1__chp_11-1"]
    chapter = doc.find("book_1__chp_11-1")
    assert (chapter.num, chapter.num_norm, chapter.heading) == ("第 十一 章之一", "11-1", "特殊程序")
    assert [c.eid for c in doc.find("book_1__chp_11-1__sec_1").children] == ["art_2", "art_3"]
    assert [c.eid for c in doc.find("art_1").children] == ["art_1__para_1", "art_1__para_2"]
    assert doc.find("art_1__para_2").citation == "測試訴訟法第1條第2項"
    assert doc.find("art_2__para_1__item_2").text == "數人共犯一罪者。"
    assert doc.find("art_2__para_1__item_2").citation == "測試訴訟法第2條第2款"
    assert doc.find("art_3").attrs == {"status": "deleted"}
    assert doc.find("art_3").children == []
    assert [c.eid for c in doc.find("art_455-2").children] == [
        "art_455-2__para_1", "art_455-2__para_2", "art_455-2__para_3"]
    assert doc.find("art_455-2__para_1__item_1").citation == "測試訴訟法第455條之2第1項第1款"
    assert doc.find("art_455-2").line == 36          # where its 條號 key stands
    assert doc.meta["history"] == ["1.中華民國十七年七月二十八日制定公布全文 3  條；同年九月一日施行",
                                   "2.中華民國一百十三年七月三十一日修正公布"]
    assert fidelity.check(doc).ok


def test_mini_en():
    doc = parse_path("tw-json", MINI_EN, lang="en")
    zh = parse_path("tw-json", MINI_ZH, lang="zh-Hant")
    assert doc.find("book_1__chp_11-1").num == "CHAPTER XI-I"
    sec = doc.find("book_1__chp_11-1__sec_1")
    assert (sec.num, sec.heading) == ("Section 1", "GENERAL PROVISIONS")
    art = doc.find("art_455-2")
    assert art.heading == "(Bargaining Items)"
    assert [c.eid for c in art.children] == [
        "art_455-2__para_1", "art_455-2__para_2", "art_455-2__para_3", "art_455-2__note_1"]
    assert doc.find("art_455-2__para_1__item_1").text == (
        "The scope of the sentence the defendant accepts.")
    assert doc.find("art_455-2__para_1__item_2").num == "2."
    assert doc.find("art_455-2__note_1").attrs["type"] == "misplaced heading"
    assert doc.find("art_2__para_1__item_1").num == "(1)"
    assert doc.find("art_2__para_1__item_1").citation == (
        "Test Procedure Code (Taiwan) art. 2, subpara. 1")
    assert doc.find("art_3").attrs == {"status": "deleted"}
    assert doc.find("art_3__note_1").kind == "commentary"
    assert fidelity.check(doc).ok
    # Same structure, same eids (notes aside).
    assert ({n.eid for n, _ in zh.walk()}
            == {n.eid for n, _ in doc.walk() if n.kind != "commentary"})


# -- encodings ---------------------------------------------------------------

def test_encoding_variants_parse_identically():
    data = MINI_ZH.read_bytes()
    base = _snapshot(parse_bytes("tw-json", data, lang="zh-Hant"))
    text = data.decode("utf-8")
    variants = [codecs.BOM_UTF8 + data, text.replace("\n", "\r\n").encode("utf-8"),
                text.encode("gb18030")]
    for variant in variants:
        assert _snapshot(parse_bytes("tw-json", variant, lang="zh-Hant")) == base


# -- bad input ---------------------------------------------------------------

def _mini(**changes) -> dict:
    law = json.loads(MINI_ZH.read_text("utf-8"))
    law.update(changes)
    return law


def test_invalid_json_names_line_and_column():
    data = MINI_ZH.read_bytes().replace(b'"\xe7\xac\xac 2 \xe6\xa2\x9d",', b'"\xe7\xac\xac 2 \xe6\xa2\x9d"')
    with pytest.raises(SourceError) as err:
        parse_bytes("tw-json", data, path="law.json", lang="zh-Hant")
    assert str(err.value).startswith("law.json:26:4:")   # the key after the missing comma
    assert "invalid JSON" in str(err.value)


def test_missing_content_list():
    law = _mini()
    del law["法規內容"]
    with pytest.raises(SourceError, match=r"^law\.json: no 法規內容"):
        parse_bytes("tw-json", json.dumps(law, ensure_ascii=False).encode(), path="law.json")


def test_unreadable_article_number():
    data = MINI_ZH.read_text("utf-8").replace("第 3 條", "第三條").encode()
    with pytest.raises(SourceError) as err:
        parse_bytes("tw-json", data, path="law.json", lang="zh-Hant")
    message = str(err.value)
    assert message.startswith("law.json:29 (法規內容[6] (第三條))")
    assert "cannot read the article number" in message


def test_missing_article_text():
    law = _mini()
    del law["法規內容"][2]["條文內容"]
    with pytest.raises(SourceError, match=r"法規內容\[2\] \(第 1 條\)\): 條文內容 is missing"):
        parse_bytes("tw-json", json.dumps(law, ensure_ascii=False, indent=1).encode(),
                    path="law.json")


def test_unreadable_heading_and_odd_entry():
    law = _mini()
    law["法規內容"][0] = {"編章節": "總則"}
    with pytest.raises(SourceError, match=r"法規內容\[0\].*cannot read the heading"):
        parse_bytes("tw-json", json.dumps(law, ensure_ascii=False).encode(), path="law.json")
    law = _mini()
    law["法規內容"][1] = {"其他": "x"}
    with pytest.raises(SourceError, match=r"法規內容\[1\].*neither 條號 nor 編章節"):
        parse_bytes("tw-json", json.dumps(law, ensure_ascii=False).encode(), path="law.json")


def test_duplicate_article():
    law = _mini()
    law["法規內容"].append({"條號": "第 1 條", "條文內容": "重複。"})
    with pytest.raises(SourceError, match=r"art_1 appears twice"):
        parse_bytes("tw-json", json.dumps(law, ensure_ascii=False).encode(), path="law.json")


def test_no_articles():
    law = _mini(**{"法規內容": [{"編章節": "第 一 編 總則"}]})
    with pytest.raises(SourceError, match=r"^law\.json: 法規內容 holds no articles"):
        parse_bytes("tw-json", json.dumps(law, ensure_ascii=False).encode(), path="law.json")


def test_not_an_object():
    with pytest.raises(SourceError, match=r"^law\.json:1: expected a JSON object"):
        parse_bytes("tw-json", b"[1, 2]", path="law.json")
