"""The codebook: the project's copy loads and validates; bad codebooks fail clearly."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from annotate.rules import LANGUAGES, RulesError, check_codes, load_rules, parse_rules
from annotate.taxonomy import DEFAULT_PATH, TaxonomyError, load_taxonomy, parse_taxonomy

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
