"""English translations of Chinese laws: parsed to the Chinese eids, aligned by article and
paragraph, shown side by side on the provision page and quoted in the brief.

tests/fixtures/translation/mini-en.txt is the team's own English rendering of the mini
statute (tests/fixtures/cn_markdown/mini.md); the pairs below were read off both files.
"""
from __future__ import annotations

import re
import shutil
import urllib.request

import pytest
import sqlite_utils
from click.testing import CliRunner

from plea.corpus.fidelity import check
from plea.cli import cli
from tests.conftest import FIXTURES, parse_path, serving

EN = FIXTURES / "translation" / "mini-en.txt"


def test_translation_has_the_originals_units():
    zh = parse_path("cn-markdown", FIXTURES / "cn_markdown" / "mini.md", lang="zh")
    en = parse_path("cn-translation", EN, lang="en", short_title="Model Law")
    assert {n.eid for n, _ in zh.walk() if n.kind != "commentary"} == {n.eid for n, _ in en.walk()}
    assert check(en).ok
    assert en.meta["irregular"] == [] and en.meta["header"][0].startswith("(English translation")


PAIRS = [  # eid, start of the English text, its citation
    ("art_2__para_2", "Before the prosecutor makes a sentencing recommendation",
     "Model Law, Article 2, paragraph 2"),
    ("art_3-1", "Negotiations shall be recorded", "Model Law, Article 3-1"),
    ("art_4__para_1", "When trying a case in which the defendant admits guilt",
     "Model Law, Article 4, paragraph 1"),
    ("art_4__para_1__item_2__subitem_2", "the defendant withdraws the admission",
     "Model Law, Article 4, paragraph 1, item (2), sub-item 2"),
    ("book_1__chp_2__sec_1", "", None),
]


@pytest.mark.parametrize("eid,text,citation", PAIRS)
def test_english_units(eid, text, citation):
    node = parse_path("cn-translation", EN, lang="en", short_title="Model Law").find(eid)
    assert node.text.startswith(text) and node.citation == citation


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("translation")
    sources = tmp / "sources"
    shutil.copytree(FIXTURES / "cn_markdown", sources / "cn_markdown")
    shutil.copy(EN, sources / "mini-en.txt")
    manifest = tmp / "mine.toml"
    shutil.copy(FIXTURES / "translation" / "manifest.toml", manifest)
    runner = CliRunner()
    added = runner.invoke(cli, [
        "add", str(sources / "mini-en.txt"), "--work", "xx-mini", "--id", "xx-mini-en",
        "--translation-of", "xx-mini", "--short-title", "Model Law", "--yes",
        "--sources", str(sources), "--manifest", str(manifest)])
    assert added.exit_code == 0, added.output
    assert "parser cn-translation" in added.output
    db = tmp / "t.db"
    result = runner.invoke(cli, ["build", "--sources", str(sources), "--manifest", str(manifest),
                                 "--db", str(db), "--keep-going"])   # shipped texts absent here
    assert result.exit_code == 0, result.output
    return db


def test_aligned_by_article_and_paragraph(built):
    pairs = {(r["provision_id"], r["target_id"]) for r in sqlite_utils.Database(built).query(
        "SELECT provision_id, target_id FROM alignments WHERE kind = 'translation'")}
    for eid, _, _ in PAIRS:
        assert (f"xx-mini:{eid}", f"xx-mini-en:{eid}") in pairs
    source = sqlite_utils.Database(built)["sources"].get("xx-mini-en")
    assert source["language"] == "en" and source["translation_of"] == "xx-mini"


def test_side_by_side_on_the_provision_page_and_in_the_brief(built):
    from plea.exports.brief import render_brief

    with serving(built) as base:
        page = urllib.request.urlopen(f"{base}/provision/xx-mini:art_2").read().decode()
    # The words as a reader sees them: highlights split the text into spans.
    words = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", page))
    assert "Original" in words and "Translation(ModelLaw)" in words
    assert "检察官提出量刑建议前" in words
    assert "Beforetheprosecutormakesasentencingrecommendation,heshallhear" in words
    brief = render_brief(built, provision_ids=["xx-mini:art_2__para_2"], fmt="md").decode()
    assert "English translation (Model Law, Article 2, paragraph 2)" in brief
    assert "Before the prosecutor makes a sentencing recommendation" in brief


# The team's English rendering of CPL arts. 15, 173, 174 and 201 against the real 2018 text.
CPL_UNITS = ["book_1__chp_1", "art_15", "book_2__chp_3", "art_173__para_1",
             "art_173__para_2__item_2", "art_173__para_3", "art_174__para_2__item_3",
             "book_3__chp_2__sec_1", "art_201__para_1__item_4", "art_201__para_2"]


def test_cpl_excerpt_aligns_with_the_2018_cpl(corpus_dir, tmp_path):
    from plea.corpus.build import build
    from plea.corpus.sources import SourceFile, load_sources

    cpl = next(s for s in load_sources() if s.id == "cn-cpl-2018")
    shipped = next(s for s in load_sources() if s.id == "cn-cpl-2018-en")
    assert shipped.translation_of == "cn-cpl-2018"
    shipped.status, shipped.parser, shipped.format = "present", "cn-translation", "text"
    shipped.short_title = "Criminal Procedure Law"
    # sources stay inside one directory: the real CPL and the team's excerpt side by side
    sources = tmp_path / "sources"
    for f in cpl.files:
        (sources / f.path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus_dir / f.path, sources / f.path)
    shutil.copy(FIXTURES / "translation" / "cpl-excerpt-en.txt", sources / "cpl-excerpt-en.txt")
    shipped.files = [SourceFile("cpl-excerpt-en.txt")]
    db = tmp_path / "cpl.db"
    report = build(db, [cpl, shipped], sources)
    assert not report.problems, report.problems
    pairs = {r["provision_id"] for r in sqlite_utils.Database(db).query(
        "SELECT provision_id FROM alignments WHERE target_source_id = 'cn-cpl-2018-en'")}
    for eid in CPL_UNITS:
        assert f"cn-cpl-2018:{eid}" in pairs, eid
    row = sqlite_utils.Database(db)["provisions"].get("cn-cpl-2018-en:art_201__para_2")
    assert row["citation"] == "Criminal Procedure Law, Article 201, paragraph 2"
    assert row["text"].startswith("Where, after trial, the people's court finds")
