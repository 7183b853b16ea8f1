"""Queries in any language lead to the code they name (schemas/search_terms.yaml
and the codebook's labels): the cross-language part of search."""
from __future__ import annotations

import pytest

from plea.annotate.taxonomy import load_taxonomy
from plea.web.pages.search import matching_codes, search_terms
from tests.conftest import ROOT

LABELS = {c.id: {"code": c.id, "label_en": c.label_en, "label_zh": c.label_zh}
          for c in load_taxonomy().codes}

# (query, the code offered first)
CASES = [
    ("duty lawyer", "subjects.duty_lawyer"),
    ("Duty Lawyer", "subjects.duty_lawyer"),
    ("值班律师", "subjects.duty_lawyer"),
    ("值班律師", "subjects.duty_lawyer"),          # Traditional script
    ("Pflichtverteidiger", "subjects.duty_lawyer"),
    ("Verständigung", "behavior.consultation"),
    ("Verstaendigung", "behavior.consultation"),   # umlaut written out
    ("协商", "behavior.consultation"),
    ("具结书", "behavior.written_agreement"),
    ("Staatsanwaltschaft", "subjects.prosecutor"),
    ("Presence of counsel", "behavior.counsel_presence"),   # the codebook's own label
    ("律师在场", "behavior.counsel_presence"),
]


@pytest.mark.parametrize("query,code", CASES)
def test_query_names_code(query, code):
    assert matching_codes(LABELS, query)[0] == code


@pytest.mark.parametrize("query", ["", "a", "x y z", "的"])
def test_short_or_unknown_queries_name_no_code(query):
    assert matching_codes(LABELS, query) == []


def test_every_term_belongs_to_a_code_of_the_codebook():
    assert set(search_terms()) <= set(LABELS)
