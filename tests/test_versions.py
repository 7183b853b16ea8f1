"""Versions compared (`plea diff`, /diff/<work>): on two invented versions of a statute,
and on the SPC Interpretations of 2012 and 2021 from the real corpus.

The expected mappings were written by reading the texts: the fixture versions in
tests/fixtures/versions/, and for the SPC Interpretations the two files in
../shared/corpus/cn (first words of each article compared by eye).
"""
from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from plea.annotate.stage import tag_database
from plea.annotate.versions import VersionError, diff_versions
from plea.corpus.build import build
from plea.corpus.sources import load_sources, read_manifest
from plea.cli import cli
from tests.conftest import FIXTURES, serving


@pytest.fixture(scope="module")
def mini_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("versions") / "v.db"
    build(db, read_manifest(FIXTURES / "versions" / "manifest.toml"), FIXTURES)
    return db


# old article, new article, status (read off v2001.md and v2011.md)
MINI = [
    ("1", "1", "unchanged"),
    ("2", "3", "changed"),       # "…从宽处理" + "，但法律另有规定的除外"
    ("3", "4", "unchanged"),
    ("4", None, "removed"),      # 协商不成的 …: gone in 2011
    ("5", "2", "moved"),         # the court's review moved up, against the order of the rest
    ("6", "7", "unchanged"),
    (None, "5", "added"),
    (None, "6", "added"),
]


@pytest.mark.parametrize("old,new,status", MINI)
def test_articles_are_mapped_by_text(mini_db, old, new, status):
    result = diff_versions(mini_db, "xx-law", "2001", "2011")
    change = result.find(old=old) if old else result.find(new=new)
    assert change is not None
    assert change.status == status
    assert (change.new.num_norm if change.new else None) == new
    assert (change.old.num_norm if change.old else None) == old


def test_changed_text_is_shown_inline(mini_db):
    change = diff_versions(mini_db, "xx-law", "2001", "2011").find(old="2")
    assert [op for op, _ in change.inline] == ["=", "+", "="]
    assert change.inline[1] == ("+", "，但法律另有规定的除外")
    assert change.renumbered


def test_a_chapter_of_new_articles_is_added(mini_db):
    result = diff_versions(mini_db, "xx-law", "2001", "2011")
    added = [c for c in result.chapters if c.status == "added"]
    assert [(c.new, c.first, c.last) for c in added] == [("第二章 值班律师", "5", "6")]
    assert result.counts() == {"unchanged": 3, "changed": 1, "moved": 1, "added": 2,
                               "removed": 1, "renumbered": 4}


BAD = [  # arguments, message
    (("xx-law", "1999", "2011"), "no version '1999' of xx-law"),
    (("xx-law", "2011", "2011"), "the same source"),
    (("nothing", None, None), "nothing: fewer than two versions"),
]


@pytest.mark.parametrize("args,message", BAD)
def test_versions_that_cannot_be_compared_say_why(mini_db, args, message):
    with pytest.raises(VersionError) as err:
        diff_versions(mini_db, *args)
    assert message in str(err.value)


def test_plea_diff_command(mini_db):
    result = CliRunner().invoke(cli, ["diff", "xx-law", "--from", "2001", "--to", "2011",
                                      "--db", str(mini_db)])
    assert result.exit_code == 0, result.output
    assert "1 changed, 1 moved, 2 added, 1 removed" in result.output
    assert "chapter added: 第二章 值班律师 (arts. 5–6)" in result.output
    assert "{+，但法律另有规定的除外+}" in result.output
    bad = CliRunner().invoke(cli, ["diff", "xx-law", "--from", "1999", "--db", str(mini_db)])
    assert bad.exit_code == 1 and "Traceback" not in bad.output


def test_diff_and_coverage_pages(mini_db):
    with serving(mini_db) as base:
        page = urllib.request.urlopen(f"{base}/diff/xx-law?from=2001&to=2011").read().decode()
        assert "第二章 值班律师" in page and "<ins>，但法律另有规定的除外</ins>" in page
        assert 'data-status="moved"' in page and 'data-status="unchanged"' not in page
        only = urllib.request.urlopen(f"{base}/diff/xx-law?from=2001&to=2011&status=removed")
        assert only.read().decode().count('data-status="') == 1
        bad = urllib.request.urlopen(f"{base}/diff/xx-law?from=1999").read().decode()
        assert "no version &#39;1999&#39; of xx-law" in bad
        coverage = urllib.request.urlopen(f"{base}/coverage").read().decode()
        assert "xx-law-2011" in coverage


# -- the SPC Interpretations, 2012 → 2021 ------------------------------------------------

@pytest.fixture(scope="module")
def spc_db(corpus_dir, tmp_path_factory) -> Path:
    wanted = ("cn-spc-interpretation-2012", "cn-spc-interpretation-2021")
    db = tmp_path_factory.mktemp("spc") / "spc.db"
    build(db, [s for s in load_sources() if s.id in wanted], corpus_dir,
          stages=[("tags", tag_database)])
    return db


# 2012 article → 2021 article, found by reading both texts (the same opening words).
SPC = [
    ("1", "1"),       # 人民法院直接受理的自诉案件包括：
    ("180", "218"),   # 对提起公诉的案件，人民法院应当在收到起诉书 …
    ("278", "335"),   # 人民法院受理单位犯罪案件，除依照本解释 …
    ("289", "359"),   # 基层人民法院受理公诉案件后，经审查认为案件事实清楚 … (简易程序)
    ("344", "423"),   # 报请最高人民法院核准死刑(的)案件，应当按照下列情形分别处理：
    ("359", "437"),   # 人民法院对查封、扣押、冻结的被告人财物(涉案财物)及其孳息 …
]


@pytest.mark.parametrize("old,new", SPC)
def test_spc_interpretation_renumbered_articles(spc_db, old, new):
    change = diff_versions(spc_db, "cn-spc-interpretation-2021", "2012", "2021").find(old=old)
    assert change.new is not None and change.new.num_norm == new, change.as_dict()
    assert change.renumbered == (old != new)


def test_spc_interpretation_chapter_12_on_plea_cases_is_added(spc_db):
    result = CliRunner().invoke(cli, ["diff", "cn-spc-interpretation-2021", "--from", "2012",
                                      "--to", "2021", "--db", str(spc_db), "--plea"])
    assert result.exit_code == 0, result.output
    assert "chapter added: 第十二章 认罪认罚案件的审理 (arts. 347–358): 12 added" in result.output
    diff = diff_versions(spc_db, "cn-spc-interpretation-2021", "2012", "2021")
    for n in range(347, 359):
        assert diff.find(new=str(n)).status == "added"
    # Every article of the chapter carries codes, so all are in the plea-related summary.
    plea = {c.new.num_norm for c in diff.plea_changes() if c.new}
    assert {str(n) for n in range(347, 359)} <= plea
