"""Guiding opinions and rules as scholars download them: every format, both layouts.

The fixtures (tests/fixtures/guiding/) are the team's own invented texts in the layout
of the real documents; opinion.html/.docx/.pdf/.md/-gb18030.txt are renderings of
opinion.txt made by make_fixtures.py. Expected values below were read off opinion.txt
and provisions.txt, not taken from the parser's output.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from plea.corpus.errors import SourceError
from plea.corpus.fidelity import check
from plea.corpus.readers import detect_format
from plea.cli import cli
from tests.conftest import FIXTURES, parse_bytes, parse_path

GUIDING = FIXTURES / "guiding"
FORMATS = [  # file, format detected
    ("opinion.txt", "text"),
    ("opinion-gb18030.txt", "text"),
    ("opinion.md", "markdown"),
    ("opinion.html", "html"),
    ("opinion.docx", "docx"),
    ("opinion.pdf", "pdf"),
]


def _parse(name: str, **kw):
    return parse_path("cn-guiding", GUIDING / name, lang="zh", short_title="指导意见",
                      short_title_en="Guiding Opinions", **kw)


def _provisions(doc) -> list[tuple]:
    return [(n.eid, n.level, n.num, n.heading, n.text, n.citation, n.attrs.get("citation_en"))
            for n, _ in doc.walk() if n.kind != "commentary"]


@pytest.mark.parametrize("name,fmt", FORMATS)
def test_format_is_detected_from_the_content(name, fmt):
    assert detect_format((GUIDING / name).read_bytes(), name) == fmt
    # A misnamed download is still read for what it is.
    assert detect_format((GUIDING / name).read_bytes(), "download.bin") == (
        "text" if fmt == "markdown" else fmt)


@pytest.mark.parametrize("name,fmt", FORMATS[1:])
def test_every_format_yields_the_same_provisions(name, fmt):
    reference = _provisions(_parse("opinion.txt"))
    doc = _parse(name)
    assert doc.meta["input_format"] == fmt
    assert _provisions(doc) == reference
    assert check(doc).ok, check(doc).residue


# Read off opinion.txt: (eid, level, heading, start of text, citation, English citation)
EXPECTED = [
    ("preamble", "preamble", None, "为规范认罪认罚案件的协商活动", None, None),
    ("part_1", "part", "总体要求", "", None, None),
    ("part_2__sec_1", "section", "听取意见", "", None, None),
    ("para_3", "article", "告知权利", "人民检察院受理案件后", "《指导意见》第3条",
     "Guiding Opinions ¶ 3"),
    ("para_4", "article", "听取意见", "", "《指导意见》第4条", "Guiding Opinions ¶ 4"),
    ("para_4__subpara_2", "paragraph", None, "犯罪嫌疑人没有委托辩护人的",
     "《指导意见》第4条第二款", "Guiding Opinions ¶ 4, para. 2"),
    ("para_5__item_3", "item", None, "在签署认罪认罚具结书时在场", "《指导意见》第5条第三项",
     "Guiding Opinions ¶ 5(3)"),
    ("part_2__sec_2", "section", "量刑建议", "", None, None),
    ("para_6", "article", "量刑建议的提出", "人民检察院一般应当提出确定刑量刑建议",
     "《指导意见》第6条", "Guiding Opinions ¶ 6"),
    ("part_3", "part", "审判阶段", "", None, None),
    ("para_10", "article", "量刑建议的采纳", "对于认罪认罚案件，人民法院依法作出判决时",
     "《指导意见》第10条", "Guiding Opinions ¶ 10"),
    ("para_10__item_2", "item", None, "被告人违背意愿认罪认罚的", "《指导意见》第10条第二项",
     "Guiding Opinions ¶ 10(2)"),
    ("part_4", "part", "附则", "", None, None),
    ("para_12", "article", "施行日期", "本意见自印发之日起施行", "《指导意见》第12条",
     "Guiding Opinions ¶ 12"),
]


@pytest.mark.parametrize("eid,level,heading,text,citation,citation_en", EXPECTED)
def test_numbered_layout(eid, level, heading, text, citation, citation_en):
    node = _parse("opinion.txt").find(eid)
    assert node is not None, eid
    assert (node.level, node.heading, node.citation, node.attrs.get("citation_en")) == (
        level, heading, citation, citation_en)
    assert node.text.startswith(text)


def test_notice_gives_title_number_issuers_and_date():
    doc = _parse("opinion.pdf")
    assert doc.title == "关于认罪认罚案件协商工作的示范指导意见"
    assert doc.meta["doc_number"] == "示检发〔2030〕7号"
    assert doc.meta["issuers"] == ["示范高级人民法院", "示范人民检察院", "示范公安局", "示范司法局"]
    assert doc.meta["date"] == "2030-05-20"
    notice = doc.find("notice")
    assert notice.kind == "commentary" and "请遵照执行" in notice.text
    assert doc.count("article") == 12 and doc.count("part") == 4 and doc.count("section") == 2


def test_captions_written_as_a_first_sentence_read_the_same():
    """The official print captions a paragraph "33.量刑建议的提出。…", without 【】."""
    import re

    text = (GUIDING / "opinion.txt").read_text(encoding="utf-8")
    plain = re.sub(r"^(\d+\.)【([^】]+)】", r"\1\2。", text, flags=re.M)
    # … and the notice titled with its issuers first, without 关于.
    plain = plain.replace("示范司法局\n关于印发《", "示范司法局\n示范高级人民法院印发《", 1)
    doc = parse_bytes("cn-guiding", plain.encode(), path="plain.txt", lang="zh",
                      short_title="指导意见", short_title_en="Guiding Opinions")
    assert _provisions(doc) == _provisions(_parse("opinion.txt"))
    assert check(doc).ok
    assert doc.meta["issuers"] == ["示范高级人民法院", "示范人民检察院", "示范公安局", "示范司法局"]


def test_a_short_first_sentence_alone_is_not_a_caption():
    text = "示范意见\n1.本意见适用于认罪认罚案件。\n2.办案机关应当依法告知权利，听取意见。\n" \
           "3.本意见自发布之日起施行。\n"
    doc = parse_bytes("cn-guiding", text.encode(), path="short.txt", lang="zh")
    assert [n.heading for n, _ in doc.walk() if n.level == "article"] == [None, None, None]
    assert doc.find("para_1").text == "本意见适用于认罪认罚案件。"


ARTICLES = [  # provisions.txt: eid, heading, start of text, citation
    ("chp_1", "总则", "", None),
    ("chp_2", "录制要求", "", None),
    ("art_2", None, "人民检察院办理认罪认罚案件，就量刑建议", "《规定》第二条"),
    ("art_4__item_3", None, "签署认罪认罚具结书的过程", "《规定》第四条第三项"),
    ("chp_3__art_6", None, None, None),
    ("art_6", None, "本规定自发布之日起施行", "《规定》第六条"),
]


@pytest.mark.parametrize("eid,heading,text,citation", ARTICLES)
def test_article_layout_of_rules(eid, heading, text, citation):
    doc = parse_path("cn-guiding", GUIDING / "provisions.txt", lang="zh", short_title="规定")
    assert doc.meta["layout"] == "articles"
    assert doc.meta["doc_number"] == "示检发〔2031〕2号" and doc.meta["issuers"] == ["示范人民检察院"]
    node = doc.find(eid)
    if text is None:
        assert node is None          # articles are numbered across chapters, not inside them
        return
    assert node.heading == heading and node.citation == citation
    assert node.text.startswith(text)
    assert check(doc).ok


def _opinion_lines() -> list[str]:
    return (GUIDING / "opinion.txt").read_text(encoding="utf-8").split("\n")


def _edit(old: str, new: str) -> bytes:
    text = (GUIDING / "opinion.txt").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1).encode("utf-8")


BROKEN = [  # what is wrong, the file, the message expected (file and place named)
    ("paragraph repeats", _edit("8.【具结书的签署】", "7.【具结书的签署】"),
     "broken.txt:25: paragraph number 7 appears twice (first at line 24)"),
    ("part repeats", _edit("三、审判阶段", "二、审判阶段"),
     "broken.txt:26: part 二、 appears twice (first at line 13)"),
    ("no numbered paragraph", "关于某事的意见\n一段话。\n另一段话。\n".encode(),
     "broken.txt:2: neither numbered paragraphs"),
    ("article repeats", (GUIDING / "provisions.txt").read_text(encoding="utf-8").replace(
        "第五条 辩护人", "第四条 辩护人").encode(), "broken.txt:18: 第四条 appears twice (first at line 14)"),
]


@pytest.mark.parametrize("what,data,message", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_numbering_is_an_error_with_its_place(what, data, message):
    with pytest.raises(SourceError) as err:
        parse_bytes("cn-guiding", data, path="broken.txt", lang="zh")
    assert str(err.value).startswith(message), str(err.value)


def test_a_skipped_number_is_reported_and_kept():
    doc = parse_bytes("cn-guiding", _edit("9.【审查自愿性】", "19.【审查自愿性】"),
                      path="skip.txt", lang="zh")
    assert doc.meta["irregular"] == [
        "line 27: paragraph numbering jumps from 8 to 19 (9–18 missing)",
        "line 28: paragraph numbering goes back from 19 to 10"]
    assert doc.find("para_19") is not None and doc.find("para_9") is None
    assert doc.find("para_10").heading == "量刑建议的采纳"


def test_a_skip_in_a_word_file_names_the_paragraph(tmp_path):
    import docx

    document = docx.Document()
    for line in _opinion_lines():
        if line:
            document.add_paragraph(line.replace("6.【量刑建议的提出】", "7.【量刑建议的提出】"))
    path = tmp_path / "skip.docx"
    document.save(path)
    with pytest.raises(SourceError) as err:
        parse_path("cn-guiding", path, lang="zh")
    assert "skip.docx (paragraph 24): paragraph number 7 appears twice (first at paragraph 23)" \
        in str(err.value)


UNREADABLE = [
    ("scanned.pdf", (GUIDING / "scanned.pdf").read_bytes(), "this PDF has no text layer"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old binary Word file"),
    ("cut.pdf", (GUIDING / "opinion.pdf").read_bytes()[:300], "not a readable PDF"),
    ("bad.txt", "第一条 ".encode() + b"\x80\xff\xff", "not valid text in utf-8, gb18030"),
]


@pytest.mark.parametrize("name,data,message", UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_unreadable_files_say_why(name, data, message):
    with pytest.raises(SourceError) as err:
        parse_bytes("cn-guiding", data, path=name, lang="zh")
    assert str(err.value).startswith(name) and message in str(err.value)


# -- plea add, build, tags, references --------------------------------------------------

@pytest.fixture
def workdir(tmp_path, monkeypatch):
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in ("opinion.txt", "opinion.html", "opinion.docx", "opinion.pdf", "scanned.pdf"):
        shutil.copy(GUIDING / name, sources / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLEA_SOURCES", raising=False)
    monkeypatch.delenv("PLEA_MANIFEST", raising=False)
    return tmp_path


def _add(name: str, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["add", f"sources/{name}", "--sources", "sources",
                                    "--manifest", "mine.toml", *args], input=input)


def test_plea_add_shows_what_it_found_and_asks_for_the_work(workdir):
    result = _add("opinion.pdf", input="cn-go-leniency-2019\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Read opinion.pdf as pdf; parser cn-guiding, layout: numbered paragraphs" in out
    assert "document number: 示检发〔2030〕7号" in out and "date: 2030-05-20" in out
    assert "12 numbered paragraphs" in out and "4 parts" in out and "6 items" in out
    assert "first: 1.【依法协商】办理认罪认罚案件" in out
    assert "last:  12.【施行日期】本意见自印发之日起施行。" in out
    assert "Work id" in out
    manifest = (workdir / "mine.toml").read_text(encoding="utf-8")
    for line in ('id = "cn-go-leniency-2019"', 'format = "pdf"', 'parser = "cn-guiding"',
                 'doc_number = "示检发〔2030〕7号"', 'in_force = "2030-05-20"',
                 'issuer = "示范高级人民法院、示范人民检察院、示范公安局、示范司法局"',
                 'short_title = "指导意见"', 'options = { short_title_en = "Guiding Opinions" }',
                 'expected = { article = 12 }'):
        assert line in manifest, line


def test_plea_add_without_input_names_the_missing_option(workdir):
    result = _add("opinion.txt", "--yes")
    assert result.exit_code == 1
    assert "could not infer the work id; pass --work" in result.output
    assert "Traceback" not in result.output and not (workdir / "mine.toml").exists()


def test_plea_add_of_a_scan_is_one_clear_line(workdir):
    result = _add("scanned.pdf", "--work", "x")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "scanned.pdf: this PDF has no text layer" in result.output


def test_each_format_added_builds_to_the_same_provisions_tagged_and_citable(workdir):
    ids = {"opinion.txt": "cn-go-leniency-2019", "opinion.html": "go-html",
           "opinion.docx": "go-docx", "opinion.pdf": "go-pdf"}
    for name, source_id in ids.items():
        result = _add(name, "--work", "cn-go-leniency-2019", "--id", source_id, "--yes")
        assert result.exit_code == 0, result.output
    # the sources directory holds only these files, not the shipped texts: accept that
    result = CliRunner().invoke(cli, ["build", "--sources", "sources", "--manifest", "mine.toml",
                                      "--db", "x.db", "--keep-going"])
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(workdir / "x.db")
    rows = {}
    for source_id in ids.values():
        rows[source_id] = [(r["eid"], r["level"], r["heading"], r["text"], r["citation"])
                           for r in db.query("SELECT * FROM provisions WHERE source_id = ? "
                                             "ORDER BY position", [source_id])]
    first = rows["cn-go-leniency-2019"]
    assert len(first) == 28 - 1          # every node but the notice (commentary)
    assert all(r == first for r in rows.values())
    source = db["sources"].get("go-pdf")
    assert source["status"] == "present" and source["fidelity_ok"] == 1
    assert source["counts_ok"] == 1 and source["format"] == "pdf"
    # Tagged: ¶ 4 ¶ 2 requires the duty lawyer when there is no defence counsel.
    codes = {r["code"] for r in db.query(
        "SELECT code FROM tags WHERE provision_id = 'go-pdf:para_4__subpara_2'")}
    assert {"subjects.duty_lawyer", "behavior.counsel_presence"} <= codes
    # References to it resolve, in Chinese (numerals or digits) and in English.
    result = CliRunner().invoke(cli, ["refs", "--db", "x.db", "--jsonl"], input=(
        '{"id": "a", "lang": "zh", "text": "《指导意见》第八条"}\n'
        '{"id": "b", "lang": "zh", "text": "依照《指导意见》第10条第二项"}\n'
        '{"id": "c", "lang": "en", "text": "Article 8 of the Guiding Opinions"}\n'))
    assert result.exit_code == 0, result.output
    resolved = [ref["resolved"] for line in result.output.splitlines()
                for ref in __import__("json").loads(line)["refs"]]
    assert resolved == ["cn-go-leniency-2019:para_8", "cn-go-leniency-2019:para_10__item_2",
                        "cn-go-leniency-2019:para_8"]


def _br_page(charset: str, bom: bool = False) -> bytes:
    """A page whose article is one block of <br>-separated lines, between navigation
    and footer, as older procuratorate sites publish rules."""
    lines = [ln for ln in (GUIDING / "provisions.txt").read_text(encoding="utf-8").split("\n") if ln]
    page = (f"<html><head><meta charset='{charset}'><title>规定</title></head><body>"
            "<div id='nav'><a href='/'>首页</a> <a href='/news'>新闻</a></div>"
            "<div class='content'><div class='TRS_Editor'>" + "<br>\n".join(lines)
            + "</div></div><div class='foot'>版权所有 示范人民检察院</div></body></html>")
    data = page.encode("gb18030" if charset == "gb2312" else "utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.mark.parametrize("charset,bom", [("utf-8", False), ("utf-8", True), ("gb2312", False)])
def test_a_page_of_br_lines_in_any_encoding(charset, bom):
    reference = parse_path("cn-guiding", GUIDING / "provisions.txt", lang="zh", short_title="规定")
    doc = parse_bytes("cn-guiding", _br_page(charset, bom), path="page.html", lang="zh",
                      short_title="规定")
    assert doc.meta["input_format"] == "html"
    assert _provisions(doc) == _provisions(reference)
