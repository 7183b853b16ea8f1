"""Chinese LawRefBook Markdown: real statutes and a hand-written fixture."""
from __future__ import annotations

import pytest

from plea.corpus import fidelity
from plea.corpus.errors import SourceError
from tests.conftest import FIXTURES, encoding_variants, parse_bytes, parse_path, tree_shape

MINI = FIXTURES / "cn_markdown" / "mini.md"

# (file, articles) — counts read from the last article number of each text,
# plus the 之一/之二 articles of the Criminal Law (第一条–第四百五十二条 + 53).
REAL_COUNTS = [
    ("刑事诉讼法(2018-10-26).md", 308),
    ("最高人民法院关于适用《刑事诉讼法》的解释(2021-01-26).md", 655),
    ("最高人民法院关于适用《刑事诉讼法》的解释(2012-12-20).md", 548),
    ("人民检察院刑事诉讼规则(2019-12-02).md", 684),
    ("公安机关办理刑事案件程序规定(2020-07-20).md", 388),
    ("法律援助法(2021-08-20).md", 71),
    ("刑法.md", 505),
]


def cn(path, short="刑事诉讼法"):
    return parse_path("cn-markdown", path, lang="zh", short_title=short)


@pytest.fixture(scope="module")
def cpl(corpus_dir):
    return cn(corpus_dir / "cn" / "刑事诉讼法(2018-10-26).md")


@pytest.mark.parametrize("name,articles", REAL_COUNTS)
def test_every_cn_source_parses_with_counts_and_no_text_lost(corpus_dir, name, articles):
    doc = cn(corpus_dir / "cn" / name)
    assert doc.count("article") == articles
    report = fidelity.check(doc)
    assert report.ok, report.residue[:3]
    eids = [n.eid for n, _ in doc.walk()]
    assert len(eids) == len(set(eids))


def test_cpl_article_201_has_five_items_then_a_second_paragraph(cpl):
    art = cpl.find("art_201")
    assert art.num == "第二百零一条" and art.num_norm == "201"
    assert [c.eid for c in art.children] == ["art_201__para_1", "art_201__para_2"]
    para1, para2 = art.children
    assert para1.text.startswith("对于认罪认罚案件，人民法院依法作出判决时，一般应当采纳人民检察院指控的罪名和量刑建议")
    assert [i.num for i in para1.children] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert para1.children[1].text == "被告人违背意愿认罪认罚的；"
    assert para1.children[2].eid == "art_201__para_1__item_3"
    assert para1.children[2].citation == "《刑事诉讼法》第二百零一条第一款第三项"
    assert para2.text.startswith("人民法院经审理认为量刑建议明显不当")
    assert para2.citation == "《刑事诉讼法》第二百零一条第二款"


def test_cpl_containers_and_history(cpl):
    assert [n.heading for n in cpl.nodes] == ["总则", "立案、侦查和提起公诉", "审判", "执行", "特别程序"]
    sec = cpl.find("book_3__chp_2__sec_4")
    assert sec.num == "第四节" and sec.heading == "速裁程序"
    assert cpl.title == "中华人民共和国刑事诉讼法"
    assert len(cpl.meta["history"]) == 4 and cpl.meta["history"][-1].startswith("2018年10月26日")


def test_cpl_header_with_stray_space_is_still_article_128(cpl):
    art = cpl.find("art_128")
    assert art is not None and art.text.startswith("侦查人员对于与犯罪有关的场所")
    assert any("第一百二十八 条" in msg for msg in cpl.meta["irregular"])


def test_cpl_paragraph_starting_with_a_reference_is_not_an_article(cpl):
    # 第一百九十七条第四款 begins "第二款规定的有专门知识的人出庭" — a reference, not a header.
    art = cpl.find("art_197")
    assert art.children[-1].text.startswith("第二款规定的有专门知识的人出庭")


def test_criminal_law_zhi_yi_articles(corpus_dir):
    doc = cn(corpus_dir / "cn" / "刑法.md", short="刑法")
    art = doc.find("art_17-1")
    assert art.num == "第十七条之一" and art.num_norm == "17-1"
    assert art.text.startswith("已满七十五周岁的人故意犯罪的")
    assert doc.find("art_199").attrs["status"] == "deleted"
    assert doc.find("annex_1").num == "附件一"


def test_fixture_structure():
    doc = parse_path("cn-markdown", MINI, lang="zh", short_title="示范法")
    assert doc.meta["history"][0].startswith("2020年1月1日")
    assert [n.eid for n in doc.nodes] == ["book_1", "supplementary"]
    assert doc.find("book_1__chp_2__sec_1").heading == "一般规定"
    art2 = doc.find("art_2")
    assert [c.eid for c in art2.children] == ["art_2__para_1", "art_2__para_2"]
    art3 = doc.find("art_3")
    assert art3.text == "有下列情形之一的，不适用协商程序："
    assert [c.eid for c in art3.children] == ["art_3__item_1", "art_3__item_2", "art_3__item_3"]
    assert art3.children[0].citation == "《示范法》第三条第一项"
    assert doc.find("art_3-1").num == "第三条之一"
    sub = doc.find("art_4__para_1__item_2__subitem_2")
    assert sub.text == "被告人撤回认罪的。" and sub.citation == "《示范法》第四条第一款第二项第二目"
    assert doc.find("art_4__para_2").text.startswith("第二款规定的情形")
    assert doc.find("art_5").attrs["status"] == "deleted"
    note = doc.find("art_6__note_1")
    assert note.kind == "commentary" and note.text == "本注释说明施行日期。"
    assert fidelity.check(doc).ok


def test_fidelity_catches_dropped_text():
    doc = parse_path("cn-markdown", MINI, lang="zh")
    doc.find("art_3__item_2").text = ""
    report = fidelity.check(doc)
    assert not report.ok
    assert report.residue[0].where == "art_3__item_2"
    assert "被告人否认指控的犯罪事实的" in report.residue[0].expected


@pytest.mark.parametrize("variant", ["bom", "crlf", "gb18030"])
def test_encodings_parse_identically(variant):
    raw = MINI.read_bytes()
    data = encoding_variants(raw, gb18030=True)[variant]
    base = parse_bytes("cn-markdown", raw, lang="zh")
    assert tree_shape(parse_bytes("cn-markdown", data, lang="zh")) == tree_shape(base)


@pytest.mark.parametrize("text,message,line", [
    ("# 法\n\n第一条 没有信息结束标记。\n", "INFO END", None),
    ("# 法\n<!-- INFO END -->\n\n## 第一篇 奇怪的标题\n\n第一条 文。\n", "unrecognised heading", 4),
    ("# 法\n<!-- INFO END -->\n\n## 第一章 总则\n\n只有文字，没有条文。\n", "no article", None),
    ("# 法\n<!-- INFO END -->\n\n条文之前的文字。\n", "before the first article", 4),
])
def test_bad_input_names_file_and_place(text, message, line):
    with pytest.raises(SourceError) as err:
        parse_bytes("cn-markdown", text.encode(), path="bad.md", lang="zh")
    assert message in str(err.value)
    assert str(err.value).startswith("bad.md")
    if line:
        assert err.value.line == line


def test_undecodable_bytes_are_a_source_error():
    with pytest.raises(SourceError) as err:
        parse_bytes("cn-markdown", b"# \xff\xfe\xfa\n", path="bin.md", lang="en")
    assert "bin.md:1" in str(err.value)
