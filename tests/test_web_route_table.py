"""The web view's one route table: every page module is listed once in
``plea.web.pages.PAGES`` and declares its route and handler; no two pages claim a URL."""
from __future__ import annotations

import importlib
import inspect
import re

import pytest

from plea.web import pages
from tests.conftest import ROOT

PAGE_DIR = ROOT / "plea" / "web" / "pages"
MODULES = sorted(p.stem for p in PAGE_DIR.glob("*.py") if p.stem != "__init__")

# URL → the page module that answers it (read from the README's page table).
URLS = [
    ("/", "matrix"),
    ("/code/subjects.court", "code"),
    ("/provision/cn-cpl-2018:art_201__para_1", "provision"),
    ("/search", "search"),
    ("/diff/cn-spc-interpretation", "diff"),
    ("/coverage", "coverage"),
    ("/-/plea/brief", "brief"),
    ("/-/plea/login", "login"),
    ("/-/plea/logout", "logout"),
    ("/-/plea/annotate", "annotate"),
    ("/-/plea/agreement", "agreement"),
]


def test_every_page_module_is_in_the_table_once():
    assert sorted(pages.PAGES) == MODULES
    assert len(set(pages.PAGES)) == len(pages.PAGES)


@pytest.mark.parametrize("name", MODULES)
def test_a_page_module_declares_its_route_and_handler(name):
    module = importlib.import_module(f"plea.web.pages.{name}")
    re.compile(module.ROUTE)
    assert inspect.iscoroutinefunction(module.handle)


@pytest.mark.parametrize("url,name", URLS)
def test_each_url_is_answered_by_one_page(url, name):
    matching = [handler.__module__.rpartition(".")[2] for pattern, handler in pages.routes()
                if re.match(pattern, url)]
    assert matching == [name]
