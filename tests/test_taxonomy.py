"""The codebook: the project's copy loads and validates; bad codebooks fail clearly."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
import yaml

from plea.annotate.rules import LANGUAGES, RulesError, check_codes, load_rules, parse_rules
from plea.annotate.taxonomy import (DEFAULT_PATH, TaxonomyError, codebook_stage, load_taxonomy,
                               parse_taxonomy, stored_codebook)
from plea.corpus.tables import create_tables

from .conftest import ROOT

SHARED = ROOT.parent / "shared" / "spec" / "taxonomy.yaml"


def codebook() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_project_codebook() -> None:
    tax = load_taxonomy()
    assert tax.version == 1
    assert [d.id for d in tax.dimensions] == ["subjects", "scope", "behavior", "consequences"]
    assert len(tax.codes) == 36
    assert all(c.dimension in {d.id for d in tax.dimensions} for c in tax.codes)
    assert tax["subjects.court"].label_zh and tax["subjects.court"].label_en == "Court"
    assert tax.dimension_of("scope.charge") == "scope"
    assert set(tax.roles) == {"party", "consulted", "witness", "reviewer", "informed", "excluded"}
    assert "presumptive" in tax.modalities
    assert all(c.default_role in tax.roles for c in tax.codes_in("subjects"))
    assert "subjects.court" in tax and "subjects.judge" not in tax


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/spec is not beside this checkout")
def test_extends_the_shared_codebook() -> None:
    shared = yaml.safe_load(SHARED.read_text(encoding="utf-8"))
    assert {c["id"] for c in shared["codes"]} <= set(load_taxonomy().code_ids)


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["codes"].append(dict(d["codes"][0])), "declared twice"),
    (lambda d: d["codes"][0].update(id="parties.prosecutor"), "not under a declared dimension"),
    (lambda d: d["codes"][0]["label"].pop("zh"), "'zh' is a required property"),
    (lambda d: d["codes"][0].update(default_role="boss"), "default_role 'boss'"),
    (lambda d: d["codes"][0].update(id="Subjects.Prosecutor"), "does not match"),
    (lambda d: d.pop("codes"), "'codes' is a required property"),
    (lambda d: d.update(colour="blue"), "Additional properties"),
])
def test_bad_codebook(mutate, message: str) -> None:
    data = codebook()
    mutate(data)
    with pytest.raises(TaxonomyError, match=message):
        parse_taxonomy(dump(data), "bad.yaml")


def test_not_yaml_or_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="not valid YAML"):
        parse_taxonomy("codes: [unclosed", "x.yaml")
    with pytest.raises(TaxonomyError, match="mapping"):
        parse_taxonomy("- just a list", "x.yaml")
    with pytest.raises(TaxonomyError, match="cannot read codebook"):
        load_taxonomy(tmp_path / "missing.yaml")


def test_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    data = codebook()
    data["version"] = 0
    path.write_text(dump(data), encoding="utf-8")
    with pytest.raises(TaxonomyError, match="codebook.yaml.*version"):
        load_taxonomy(path)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pattern_files_name_only_codebook_codes(lang: str) -> None:
    check_codes(load_rules(lang), set(load_taxonomy().code_ids))


def test_bad_pattern_file() -> None:
    data = yaml.safe_load((DEFAULT_PATH.parents[1] / "annotate" / "patterns" / "en.yaml")
                          .read_text(encoding="utf-8"))
    data["codes"][0]["cues"] = ["(unclosed"]
    with pytest.raises(RulesError, match="bad pattern"):
        parse_rules(data, "en.yaml")
    data = yaml.safe_load(dump(data))
    data["codes"][0]["cues"] = ["{nosuchmacro}"]
    with pytest.raises(RulesError, match="unknown macro"):
        parse_rules(data, "en.yaml")
    data["codes"][0].pop("cues")
    with pytest.raises(RulesError, match="'cues' is a required property"):
        parse_rules(data, "en.yaml")


def test_yaml_error_is_one_line_with_the_place() -> None:
    with pytest.raises(TaxonomyError) as caught:
        parse_taxonomy("version: 1\ncodes: [unclosed\n", "x.yaml")
    message = str(caught.value)
    assert "\n" not in message and message.startswith("x.yaml:3:1: not valid YAML")


# -- the codebook in a built database ------------------------------------------------------
# Expected rows read from schemas/taxonomy.yaml.

@pytest.fixture()
def written(tmp_path: Path):
    db = sqlite_utils.Database(tmp_path / "c.db")
    summary = codebook_stage(db)
    yield db, summary
    db.close()


@pytest.mark.parametrize("table,key,row", [
    ("dimensions", "subjects", {"position": 0, "label_en": "Negotiation subjects",
                                "label_zh": "协商主体"}),
    ("dimensions", "consequences", {"position": 3}),
    ("roles", "party", {"position": 0, "definition": "Negotiates, proposes, agrees to, signs, "
                        "withdraws from or performs the agreement."}),
    ("roles", "excluded", {"position": 5}),
    ("modalities", "obligation", {"position": 0,
                                  "definition": "A duty (应当 / 必须 / shall / must / hat ... zu)."}),
    ("modalities", "none", {"position": 4}),
])
def test_codebook_tables(written, table: str, key: str, row: dict) -> None:
    db, _ = written
    got = db[table].get(key)
    assert {k: got[k] for k in row} == row


def test_codebook_stage_counts_and_codes(written) -> None:
    db, summary = written
    assert summary == "4 dimensions, 36 codes, 6 roles, 5 modalities"
    court = db["taxonomy"].get("subjects.court")
    assert court["dimension"] == "subjects" and court["label_en"] == "Court"
    assert court["default_role"] == "reviewer"


def test_stored_codebook_is_the_file(written) -> None:
    db, _ = written
    stored, book = stored_codebook(db.conn), load_taxonomy()
    assert stored.dimensions == book.dimensions
    assert stored.codes == book.codes
    assert (stored.roles, stored.modalities) == (book.roles, book.modalities)
    assert stored.definitions == book.definitions


def test_stored_codebook_before_the_codebook_stage(tmp_path: Path) -> None:
    # every build makes the codebook tables; until the codebook stage fills them, the file
    db = sqlite_utils.Database(tmp_path / "early.db")
    create_tables(db)
    assert stored_codebook(db.conn).code_ids == load_taxonomy().code_ids


def test_the_build_writes_the_codebook_before_any_stage_that_writes_codes() -> None:
    from plea.pipeline import stages
    # "tables" only creates the declared tables, empty; the codebook fills its own next.
    assert [name for name, _ in stages(tag=False)][:2] == ["tables", "codebook"]
    assert [name for name, _ in stages(tag=True)][:3] == ["tables", "codebook", "tags"]
