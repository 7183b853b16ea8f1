"""`plea export-bib` (CSL-JSON, BibTeX) and `plea cite` (default, Bluebook, GB/T 7714).

Expected values are read from the sources: the manifest's titles and dates, Meng 2023's
byline and DOI, its reference list, and the printed pinpoints of the provisions.
"""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from plea.cli import cli
from plea.exports.bibtex import entry, escape, to_bibtex
from plea.exports.cite import CiteError, cite
from plea.exports.csl import csl_items, csl_name, format_reference
from tests.fixtures.brief.realdb import real_db


@pytest.fixture(scope="module")
def db_path(corpus_dir):
    return real_db(corpus_dir, annotated=False)


@pytest.fixture(scope="module")
def items(db_path):
    return {i["id"]: i for i in csl_items(db_path)}


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_every_source_and_reference_is_an_item(db_path, items):
    import sqlite3
    conn = sqlite3.connect(db_path)
    sources = {r[0] for r in conn.execute("SELECT id FROM sources")}
    refs = {r[0] for r in conn.execute("SELECT id FROM bibliography")}
    conn.close()
    assert set(items) == sources | refs
    assert refs == {"meng-2023:ref_1", "meng-2023:ref_2", "meng-2023:ref_3"}


def test_statute_item(items):
    cpl = items["cn-cpl-2018"]
    assert cpl["type"] == "legislation" and cpl["title"] == "中华人民共和国刑事诉讼法"
    assert cpl["issued"] == {"date-parts": [[2018, 10, 26]]}
    assert cpl["authority"].startswith("全国人民代表大会")
    assert "Criminal Procedure Law of the People's Republic of China" in cpl["note"]
    assert items["us-frcrp"]["title-short"] == "Fed. R. Crim. P."


def test_scholarship_items(items):
    meng = items["meng-2023"]
    assert meng["type"] == "article-journal" and meng["container-title"] == "Law and Economy"
    assert meng["author"] == [{"family": "Meng", "given": "Kelin"}]
    assert meng["DOI"] == "10.56397/LE.2023.09.04"
    assert meng["issued"] == {"date-parts": [[2023]]}
    # ZUEL 2025 names no author (SOURCES.md: "author not stated in the text"): no
    # author is made up from the school it came from, which a note names instead.
    zuel = items["zuel-2025"]
    assert "author" not in zuel and zuel["type"] == "manuscript"
    assert zuel["title"] == ("Sentencing negotiation in China's plea leniency system and the "
                             "Soviet-Zone criminal justice tradition")
    assert "from School of Law, Zhongnan University of Economics and Law, Wuhan" in zuel["note"]


def test_reference_list_items(items):
    chen = items["meng-2023:ref_1"]
    assert chen["author"] == [{"family": "Chen", "given": "Ruihua"}]
    assert chen["type"] == "article-journal" and chen["container-title"] == "Legal Research"
    assert chen["volume"] == "3" and chen["issued"] == {"date-parts": [[2007]]}
    assert chen["title"].startswith("Confrontation and Cooperation in Judicial Process")
    kang = items["meng-2023:ref_3"]
    assert kang["type"] == "thesis" and kang["genre"] == "Master's Thesis"
    assert kang["publisher"] == "Southwest University of Political Science and Law"
    assert format_reference(chen).startswith("Chen, Ruihua (2007). Confrontation and Cooperation")


def test_missing_sources_are_marked(items):
    go = items["cn-go-leniency-2019"]
    assert "Not in the plea-corpus database" in go["note"]


@pytest.mark.parametrize("name,family_first,expected", [
    ("Chen Ruihua", True, {"family": "Chen", "given": "Ruihua"}),
    ("Kelin Meng", False, {"family": "Meng", "given": "Kelin"}),
    ("Smith, John", False, {"family": "Smith", "given": "John"}),
    ("Supreme People’s Procuratorate", True, {"literal": "Supreme People’s Procuratorate"}),
    ("陈瑞华", True, {"literal": "陈瑞华"}),
])
def test_names(name, family_first, expected):
    assert csl_name(name, family_first=family_first) == expected


def test_cli_csljson(db_path, items):
    result = run("export-bib", "--format", "csljson", "--db", str(db_path))
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {i["id"] for i in data} == set(items)
    assert all("type" in i and "title" in i for i in data)
    present = json.loads(run("export-bib", "--present-only", "--db", str(db_path)).output)
    assert "cn-go-leniency-2019" not in {i["id"] for i in present}


def test_cli_bibtex(db_path, items, tmp_path):
    out = tmp_path / "plea.bib"
    assert run("export-bib", "--format", "bibtex", "--output", str(out), "--db",
               str(db_path)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    keys = re.findall(r"^@(\w+)\{([^,]+),$", text, re.M)
    assert len(keys) == len(items) == len({k for _, k in keys})
    assert ("article", "meng-2023") in keys and ("mastersthesis", "meng-2023:ref_3") in keys
    assert ("misc", "cn-cpl-2018") in keys
    meng = text.split("@article{meng-2023,")[1].split("\n}\n")[0]
    assert "author = {Meng, Kelin}" in meng and "doi = {10.56397/LE.2023.09.04}" in meng
    assert "journal = {Law and Economy}" in meng and "year = {2023}" in meng
    # Braces balance in every entry, so BibTeX parsers read it.
    for block in text.split("\n@")[0:]:
        assert block.count("{") - block.count(r"\{") == block.count("}") - block.count(r"\}")


def test_bibtex_escaping():
    assert escape("100% & $5_a #1 {x}") == r"100\% \& \$5\_a \#1 \{x\}"
    text = entry({"id": "x", "type": "legislation", "title": "A & B",
                  "author": [{"literal": "Supreme People’s Procuratorate"}]})
    assert "author = {{Supreme People’s Procuratorate}}" in text
    assert "title = {{A \\& B}}" in text and "type = {statute}" in text
    assert to_bibtex([]) == ""


@pytest.mark.parametrize("provision_id,style,expected", [
    ("cn-cpl-2018:art_201__para_2", "default", "《刑事诉讼法》第二百零一条第二款"),
    ("us-frcrp:rule_11__subsec_c__para_1__subpara_C", "default", "Fed. R. Crim. P. 11(c)(1)(C)"),
    ("de-stpo:sec_257c__para_2", "default", "§ 257c Abs. 2 StPO"),
    ("us-frcrp:rule_11__subsec_c__para_1__subpara_C", "bluebook", "Fed. R. Crim. P. 11(c)(1)(C)."),
    ("us-ussg-2016:sec_6B1-2__subsec_a", "bluebook",
     "U.S. Sentencing Guidelines Manual § 6B1.2(a) (U.S. Sentencing Comm'n 2016)."),
    ("cn-cpl-2018:art_201__para_2", "bluebook",
     "中华人民共和国刑事诉讼法 [Criminal Procedure Law of the People's Republic of China] "
     "art. 201, para. 2 (2018) (China)."),
    ("de-stpo:sec_257c__para_2", "bluebook",
     "Strafprozeßordnung [StPO] [German Code of Criminal Procedure] § 257c(2) (2021) (Ger.)."),
    ("cn-cpl-2018:art_201__para_2", "gb7714",
     "全国人民代表大会. 中华人民共和国刑事诉讼法[Z]. 2018: 第二百零一条第二款."),
    ("tw-cpc-zh:art_455-2__para_1", "gb7714", "立法院. 刑事訴訟法[Z]. 2024: 第455條之2第1項."),
    ("meng-2023:sec_4__subsec_1__para_1", "default", "Meng 2023, § 4.1 ¶ 1"),
    # Scholarship by the CSL styles (written from the manuals' rules for a journal
    # article with no volume, issue or pages known: Chicago 14.71 "ahead of print";
    # OSCOLA 3.3, the year in square brackets, a section as "s"; GB/T 7714 [J/OL]
    # with the DOI). Provisions keep the project's own pinpoints in every style.
    ("meng-2023:sec_4__subsec_1__para_1", "chicago-notes",
     "Kelin Meng, “From ‘Sentencing Negotiations’ to ‘Prosecution-Defense Negotiations’: On the "
     "Improvement Path of the Guilty Plea Bargaining System,” Law and Economy, ahead of print, "
     "2023, sec. 4.1 ¶ 1, https://doi.org/10.56397/LE.2023.09.04."),
    ("meng-2023:sec_4__subsec_1__para_1", "oscola",
     "Kelin Meng, ‘From “Sentencing Negotiations” to “Prosecution-Defense Negotiations”: On the "
     "Improvement Path of the Guilty Plea Bargaining System’ [2023] Law and Economy s 4.1 ¶ 1 "
     "<https://doi.org/10.56397/LE.2023.09.04>."),
    ("meng-2023:sec_4__subsec_1__para_1", "gb7714",
     "MENG K. From “Sentencing Negotiations” to “Prosecution-Defense Negotiations”: On the "
     "Improvement Path of the Guilty Plea Bargaining System[J/OL]. Law and Economy, 2023. "
     "DOI:10.56397/LE.2023.09.04."),
    # no author named: the title leads, never the school the text came from
    ("zuel-2025:para_3", "chicago-notes",
     "“Sentencing Negotiation in China's Plea Leniency System and the Soviet-Zone Criminal "
     "Justice Tradition,” untitled manuscript, 2025, para. 3."),
    ("cn-cpl-2018:art_201__para_2", "oscola", "《刑事诉讼法》第二百零一条第二款"),
    ("us-frcrp:rule_11__subsec_c__para_1__subpara_C", "chicago-notes",
     "Fed. R. Crim. P. 11(c)(1)(C)"),
])
def test_cite(db_path, provision_id, style, expected):
    assert cite(db_path, provision_id, style) == expected
    result = run("cite", provision_id, "--style", style, "--db", str(db_path))
    assert result.exit_code == 0 and result.output == expected + "\n"


def test_cite_mistakes(db_path):
    with pytest.raises(CiteError, match="no provision"):
        cite(db_path, "cn-cpl-2018:art_9999")
    with pytest.raises(CiteError, match="unknown style"):
        cite(db_path, "cn-cpl-2018:art_201", "apa")
    result = CliRunner().invoke(cli, ["cite", "nope:art_1", "--db", str(db_path)])
    assert result.exit_code == 1 and result.output.startswith("Error: no provision")
